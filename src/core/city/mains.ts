/**
 * A pressure or duct main along one street block: from the junction at its first corner through
 * that corner's settled piece, along its offset with survey points every 6–11 m (4–6 m on curves),
 * through the far corner's piece to the far junction. Fittings along the run (tees, in-line valves,
 * cable manholes) are given by chainage and become vertices at which the main is split into links.
 */
import type { CityPlan } from './cityPlan';
import { setbackChainage } from './corners';
import { offsetPointAlong, stations, type Vertex3 } from './geometry';
import { uniform, type Rng } from './random';
import type { StreetEdge } from './streetGraph';
import { SYSTEMS, type SystemCode } from './systems';
import { groundElevation } from './terrain';

export interface AssembledMain {
  vertices: Vertex3[];
  /** Vertex index of each fitting, in the order of the chainages given. */
  fittingAt: number[];
  /** Vertex index range of the straight run between the two corner pieces. */
  runFrom: number;
  runTo: number;
}

const SURVEY_STEP_M: readonly [number, number] = [6, 11];
const CURVE_STEP_M: readonly [number, number] = [4, 6];
/** Survey points closer than this to a fitting are dropped: the fitting is the survey point there. */
const FITTING_ROOM_M = 0.8;

export function assembleMain(plan: CityPlan, edge: StreetEdge, code: SystemCode, fittings: readonly number[], r: Rng): AssembledMain {
  const cA = setbackChainage(plan.graph, edge, edge.from);
  const cB = setbackChainage(plan.graph, edge, edge.to);
  const [lo, hi] = edge.points.length > 2 ? CURVE_STEP_M : SURVEY_STEP_M;
  const survey = stations(cA, cB, () => uniform(r, lo, hi))
    .filter((c, i, all) => i === 0 || i === all.length - 1 || fittings.every((f) => Math.abs(f - c) >= FITTING_ROOM_M));
  const marks = [...survey.map((c) => ({ c, fitting: -1 })), ...fittings.map((c, k) => ({ c, fitting: k }))].sort((a, b) => a.c - b.c);
  const o = SYSTEMS[code].offset;
  const run: Vertex3[] = marks.map(({ c }) => {
    const p = offsetPointAlong(edge.points, edge.cum, c, o);
    const g = groundElevation(p.x, p.y);
    return { x: p.x, y: p.y, g, z: plan.naturalZ(code, p.x, p.y, g) };
  });
  const head = code === 'water_old' ? [] : [...plan.cornerPiece(edge.from, code, edge.id)!].reverse().slice(0, -1);
  const tail = code === 'water_old' ? [] : plan.cornerPiece(edge.to, code, edge.id)!.slice(1);
  if (head.length > 0) run[0] = { ...run[0]!, z: plan.cornerPiece(edge.from, code, edge.id)![0]!.z };
  if (tail.length > 0) run[run.length - 1] = { ...run[run.length - 1]!, z: plan.cornerPiece(edge.to, code, edge.id)![0]!.z };
  const fittingAt: number[] = new Array(fittings.length).fill(-1);
  marks.forEach((m, i) => {
    if (m.fitting >= 0) fittingAt[m.fitting] = head.length + i;
  });
  return { vertices: [...head, ...run, ...tail], fittingAt, runFrom: head.length, runTo: head.length + run.length - 1 };
}

/** The pieces of a line between consecutive cut vertices (each cut vertex ends one piece and starts the next). */
export function splitAtVertices(vertices: readonly Vertex3[], cuts: readonly number[]): Vertex3[][] {
  const sorted = [...new Set(cuts)].filter((i) => i > 0 && i < vertices.length - 1).sort((a, b) => a - b);
  const out: Vertex3[][] = [];
  let start = 0;
  for (const i of [...sorted, vertices.length - 1]) {
    out.push(vertices.slice(start, i + 1));
    start = i;
  }
  return out;
}
