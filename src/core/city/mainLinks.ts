/**
 * Writes one pressure or duct main along a street block as links: split at its fittings (tees where
 * services and hydrant laterals leave, in-line valves on long runs, cable manholes), joined to the
 * corner junctions at both ends, with a valve beside each junction where the system isolates there
 * (one per incident main, on that main: WNTR's (link, node) convention). A few links carry a
 * deliberately shallow spot, so the cover check has something to find.
 */
import { boundingRadius, halfHeight, type NodeType } from '../model';
import { ownerOf, qualityLevel } from './attributes';
import type { CityPlan } from './cityPlan';
import { addObstacles, type Obstacle } from './crossings';
import { pointOnLine, type LinkRecord, type NodeRecord } from './features';
import type { Vertex3 } from './geometry';
import { assembleMain, splitAtVertices } from './mains';
import { chance, rngFor, uniform, type Rng } from './random';
import type { StreetEdge } from './streetGraph';
import { minimumCover, SYSTEMS, type SystemCode } from './systems';

export interface StreetOutput {
  links: LinkRecord[];
  nodes: NodeRecord[];
  /** Lines already placed along this block, for the lines that cross it to yield to. */
  obstacles: Obstacle[];
}

export interface Fitting {
  c: number;
  id: string;
  nodeType: NodeType;
  /** An in-line valve beside the fitting, on the link that leaves it. */
  inlineValve?: boolean;
}

/** Share of main links with a spot shallower than the minimum cover. */
const SHALLOW_SPOT_SHARE = 0.02;
const SHALLOW_BY_M: readonly [number, number] = [0.05, 0.3];
const CLOSED_VALVE_SHARE = 0.015;
const INOPERABLE_VALVE_SHARE = 0.04;
/** Valves stand this far along the main from the fitting they isolate, m. */
const VALVE_SETBACK_M = 1.5;

export function junctionId(code: SystemCode, node: number): string {
  return `${SYSTEMS[code].prefix}J${node}`;
}

export function valveState(r: Rng): { normallyOpen: boolean; operable: boolean } {
  return { normallyOpen: !chance(r, CLOSED_VALVE_SHARE), operable: !chance(r, INOPERABLE_VALVE_SHARE) };
}

/**
 * Emits the main and returns the position (with elevation) of each fitting, by fitting id.
 * `fittings` must be in chainage order.
 */
export function emitMain(
  plan: CityPlan, edge: StreetEdge, code: SystemCode, fittings: readonly Fitting[], out: StreetOutput,
  valveAtJunction: (node: number) => boolean,
): Map<string, Vertex3> {
  const sys = SYSTEMS[code];
  const spec = plan.main(edge.id, code);
  const chain = plan.chainOf(edge.id);
  const r = rngFor(plan.seed, 'main-links', code, edge.id);
  const main = assembleMain(plan, edge, code, fittings.map((f) => f.c), r);
  const pieces = splitAtVertices(main.vertices, main.fittingAt);
  const abandoned = code === 'water_old';
  const ends = abandoned ? [null, null] : [junctionId(code, edge.from), junctionId(code, edge.to)];
  const nodeIds = [ends[0], ...fittings.map((f) => f.id), ends[1]];
  const owner = ownerOf(plan.seed, sys.utility, chain.line);
  const linkIds = pieces.map((_, k) => `${sys.prefix}${edge.id}-${k}`);
  let vertexIndex = 0;
  pieces.forEach((vertices, k) => {
    const first = vertexIndex;
    vertexIndex += vertices.length - 1;
    const inRun = first >= main.runFrom && vertexIndex <= main.runTo;
    const line = inRun && chance(r, SHALLOW_SPOT_SHARE) ? withShallowSpot(vertices, sys.utility, halfHeight(spec.section), r) : vertices;
    out.links.push({
      id: linkIds[k]!, utility: sys.utility, subtype: spec.subtype, material: spec.material, section: spec.section,
      pressureClass: spec.pressureClass, installYear: spec.year, owner,
      status: abandoned ? 'abandoned' : 'in_service',
      qualityLevel: abandoned ? 'D' : qualityLevel(r, spec.year),
      street: chain.name, fromNode: nodeIds[k] ?? null, toNode: nodeIds[k + 1] ?? null, vertices: line,
    });
    addObstacles(out.obstacles, line, boundingRadius(spec.section), `${code}${edge.id}`);
  });

  const at = new Map<string, Vertex3>();
  fittings.forEach((f, k) => {
    const v = main.vertices[main.fittingAt[k]!]!;
    at.set(f.id, v);
    out.nodes.push({ id: f.id, nodeType: f.nodeType, utility: sys.utility, at: v, street: chain.name });
    if (f.inlineValve) {
      out.nodes.push({
        id: `${sys.prefix}V${edge.id}-${k}`, nodeType: 'valve', utility: sys.utility, link: linkIds[k + 1]!,
        at: pointOnLine(pieces[k + 1]!, VALVE_SETBACK_M), street: chain.name, ...valveState(r),
      });
    }
  });
  if (!abandoned) {
    const lastLink = pieces.length - 1;
    if (valveAtJunction(edge.from)) {
      out.nodes.push({ id: `${sys.prefix}V${edge.id}-a`, nodeType: 'valve', utility: sys.utility, link: linkIds[0]!,
        at: pointOnLine(pieces[0]!, VALVE_SETBACK_M), street: chain.name, ...valveState(r) });
    }
    if (valveAtJunction(edge.to)) {
      out.nodes.push({ id: `${sys.prefix}V${edge.id}-b`, nodeType: 'valve', utility: sys.utility, link: linkIds[lastLink]!,
        at: pointOnLine(pieces[lastLink]!, VALVE_SETBACK_M, true), street: chain.name, ...valveState(r) });
    }
  }
  return at;
}

/** The link with its middle raised to a cover 0.05–0.3 m short of the minimum. */
function withShallowSpot(vertices: readonly Vertex3[], utility: Parameters<typeof minimumCover>[0], hh: number, r: Rng): Vertex3[] {
  const line = [...vertices];
  if (line.length === 2) {
    const a = line[0]!, b = line[1]!;
    line.splice(1, 0, { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, z: (a.z + b.z) / 2, g: (a.g + b.g) / 2 });
  }
  const i = Math.floor((line.length - 1) / 2) || 1;
  const v = line[i]!;
  line[i] = { ...v, z: Math.max(v.z, v.g - (minimumCover(utility) - uniform(r, SHALLOW_BY_M[0], SHALLOW_BY_M[1])) - hh) };
  return line;
}
