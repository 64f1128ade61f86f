/**
 * The sewer and storm networks: one gravity line per street block, laid from corner manhole to
 * corner manhole (or from a head manhole), split into spans by manholes every 30–50 m, sized by the
 * street length it drains, and graded upstream first so that every span falls by at least 0.3 %
 * and keeps the system's cover; a sewer also passes under every storm drain it crosses at a corner.
 */
import type { CrossSection } from '../model';
import { boundingRadius, halfHeight } from '../model';
import { installYear } from './attributes';
import type { CornerPlan } from './corners';
import { setbackChainage } from './corners';
import { downstreamEnd, drainageFlow, gradeSpans, type DrainageFlow } from './drainage';
import { dropCloseVertices, offsetPointAlong, stations, type Point2, type Vertex3 } from './geometry';
import { rngFor, uniform } from './random';
import type { StreetChain, StreetGraph } from './streetGraph';
import { SYSTEMS, type SystemCode } from './systems';
import { groundElevation } from './terrain';

export type GravityCode = 'sewer' | 'storm';

/** What the gravity networks need of the city (cityPlan.ts provides it). */
export interface CityContext {
  seed: number;
  graph: StreetGraph;
  carries: (edge: number, code: SystemCode) => boolean;
  corner: (node: number, code: SystemCode) => CornerPlan | null;
  chainOf: (edge: number) => StreetChain;
}

export interface GravityLine {
  code: GravityCode;
  edge: number;
  /** Plan and ground of the line, upstream to downstream. */
  vertices: Vertex3[];
  cum: number[];
  /** Vertex indices of the manholes, the first at the upstream end, the last at the downstream corner. */
  manholes: number[];
  /** Centreline elevations of each span, from manholes[k] to manholes[k + 1]. */
  spans: number[][];
  section: CrossSection;
  material: string;
  slope: number;
  year: number;
  upstreamNode: number;
  downstreamNode: number;
  /** False when the line begins at its own head manhole rather than at the upstream corner's. */
  startsAtCorner: boolean;
}

export interface GravityNetwork {
  code: GravityCode;
  flow: DrainageFlow;
  lines: Map<number, GravityLine>;
  outfalls: Set<number>;
  /** Invert (m) of each corner manhole: its outlet's, or at an outfall its lowest inlet's. */
  cornerInvert: Map<number, number>;
}

const MANHOLE_SPACING_M: readonly [number, number] = [30, 50];
const SURVEY_STEP_M: readonly [number, number] = [7, 11];
/** Gravity vertices stay a metre apart so that a 0.3 % fall still shows after rounding to the millimetre. */
const MIN_VERTEX_GAP_M = 1;
const CORNER_DROP_M = 0.02;
const MANHOLE_DROP_M = 0.01;

/** Drained street length (m) → section: bigger downstream, culverts for the largest storm drains. */
const SEWER_SIZES: readonly [number, CrossSection][] = [
  [400, { shape: 'circular', diameterMm: 300 }], [1200, { shape: 'circular', diameterMm: 400 }],
  [2500, { shape: 'circular', diameterMm: 500 }], [5000, { shape: 'circular', diameterMm: 600 }],
  [9000, { shape: 'circular', diameterMm: 800 }], [16000, { shape: 'circular', diameterMm: 1000 }],
  [Infinity, { shape: 'circular', diameterMm: 1200 }],
];
const STORM_SIZES: readonly [number, CrossSection][] = [
  [300, { shape: 'circular', diameterMm: 400 }], [900, { shape: 'circular', diameterMm: 600 }],
  [2000, { shape: 'circular', diameterMm: 800 }], [3500, { shape: 'circular', diameterMm: 1000 }],
  [6000, { shape: 'circular', diameterMm: 1200 }], [10000, { shape: 'rect', widthMm: 1600, heightMm: 1200 }],
  [Infinity, { shape: 'rect', widthMm: 2000, heightMm: 1500 }],
];

function sizeRank(code: GravityCode, drained: number): number {
  return (code === 'sewer' ? SEWER_SIZES : STORM_SIZES).findIndex(([limit]) => drained < limit);
}

function widthMm(s: CrossSection): number {
  return s.shape === 'circular' ? s.diameterMm : s.widthMm;
}

/** The line's vertices of span k with their elevations. */
export function spanVertices(line: GravityLine, k: number): Vertex3[] {
  const z = line.spans[k]!;
  return z.map((zi, i) => ({ ...line.vertices[line.manholes[k]! + i]!, z: zi }));
}

export type CeilingsFor = (line: GravityLine, radius: number) => { c: number; z: number }[];

export function buildGravityNetwork(ctx: CityContext, code: GravityCode, outfalls: readonly number[], ceilingsFor?: CeilingsFor): GravityNetwork {
  const { graph, seed } = ctx;
  const carries = (e: number) => ctx.carries(e, code);
  const flow = drainageFlow(graph, outfalls, carries);
  const lines = new Map<number, GravityLine>();
  for (const e of graph.edges) {
    if (!carries(e.id) || flow.distance[e.from] === Infinity) continue;
    lines.set(e.id, layLine(ctx, code, e.id, flow));
  }

  const drained = new Map<number, number>();
  const inlets = new Map<number, { invert: number; rank: number }[]>();
  const cornerInvert = new Map<number, number>();
  const sizes = code === 'sewer' ? SEWER_SIZES : STORM_SIZES;
  const [coverLo, coverHi] = SYSTEMS[code].coverBand;
  for (const n of flow.upstreamFirst) {
    const inflow = inlets.get(n) ?? [];
    const lowestInlet = Math.min(...inflow.map((i) => i.invert));
    for (const edgeId of graph.nodes[n]!.edges) {
      const line = lines.get(edgeId);
      if (!line || line.upstreamNode !== n) continue;
      const length = line.cum[line.cum.length - 1]!;
      const area = line.startsAtCorner ? (drained.get(n) ?? 0) + length : length;
      const rank = Math.max(sizeRank(code, area), line.startsAtCorner ? Math.max(-1, ...inflow.map((i) => i.rank)) : -1);
      line.section = sizes[rank]![1];
      const r = rngFor(seed, 'grade', code, edgeId);
      line.slope = Math.max(0.003, 1.6 / widthMm(line.section)) + uniform(r, 0, 0.0005);
      line.material = code === 'storm' && line.section.shape === 'rect' ? 'reinforced_concrete'
        : widthMm(line.section) <= 500 && line.year >= 2000 ? 'pvc' : 'concrete';
      const hh = halfHeight(line.section);
      line.spans = gradeSpans(line.vertices, line.cum, line.manholes, {
        slope: line.slope,
        halfHeight: hh,
        minCover: uniform(r, coverLo, coverHi),
        startCeiling: line.startsAtCorner && inflow.length > 0 ? lowestInlet - CORNER_DROP_M + hh : Infinity,
        manholeDrop: MANHOLE_DROP_M,
        ceilings: ceilingsFor ? ceilingsFor(line, boundingRadius(line.section)) : [],
      });
      if (flow.outlet[n] === edgeId) {
        cornerInvert.set(n, line.spans[0]![0]! - hh);
      }
      const last = line.spans[line.spans.length - 1]!;
      const d = line.downstreamNode;
      inlets.set(d, [...(inlets.get(d) ?? []), { invert: last[last.length - 1]! - hh, rank }]);
      drained.set(d, (drained.get(d) ?? 0) + area);
    }
    if (!cornerInvert.has(n) && inflow.length > 0) cornerInvert.set(n, lowestInlet);
  }
  return { code, flow, lines, outfalls: new Set(outfalls), cornerInvert };
}

/** The plan of one street's gravity line, upstream to downstream, with its manholes. */
function layLine(ctx: CityContext, code: GravityCode, edgeId: number, flow: DrainageFlow): GravityLine {
  const { graph, seed } = ctx;
  const edge = graph.edges[edgeId]!;
  const down = downstreamEnd(graph, flow, edgeId);
  const up = down === edge.from ? edge.to : edge.from;
  const startsAtCorner = flow.outlet[up] === edgeId;
  const o = SYSTEMS[code].offset;
  const r = rngFor(seed, 'gravity-plan', code, edgeId);

  const cUp = setbackChainage(graph, edge, up);
  const cDown = setbackChainage(graph, edge, down);
  const run = stations(Math.min(cUp, cDown), Math.max(cUp, cDown), () => uniform(r, SURVEY_STEP_M[0], SURVEY_STEP_M[1]));
  if (cUp > cDown) run.reverse();
  const upPiece = startsAtCorner ? [...ctx.corner(up, code)!.pieces.get(edgeId)!].reverse() : [];
  const downPiece = ctx.corner(down, code)!.pieces.get(edgeId)!;
  const plan: Point2[] = [...upPiece.slice(0, -1), ...run.map((c) => offsetPointAlong(edge.points, edge.cum, c, o)), ...downPiece.slice(1)];
  const kept = dropCloseVertices(plan, MIN_VERTEX_GAP_M);

  const cum = [0];
  for (let i = 1; i < kept.length; i++) cum.push(cum[i - 1]! + Math.hypot(kept[i]!.x - kept[i - 1]!.x, kept[i]!.y - kept[i - 1]!.y));
  const total = cum[cum.length - 1]!;
  const spanCount = Math.max(1, Math.round(total / uniform(r, 31, 38)));
  const manholeAt = [...Array(spanCount + 1).keys()].map((k) => (total * k) / spanCount);
  const vertices: Vertex3[] = [];
  const vcum: number[] = [];
  const manholes: number[] = [];
  let next = 0;
  const push = (p: Point2, c: number) => {
    vertices.push({ x: p.x, y: p.y, z: 0, g: groundElevation(p.x, p.y) });
    vcum.push(c);
  };
  for (let i = 0; i < kept.length; i++) {
    while (next < manholeAt.length && manholeAt[next]! <= cum[i]! + 1e-9) {
      const c = manholeAt[next]!;
      manholes.push(vertices.length);
      push(pointAt(kept, cum, c), c);
      next++;
    }
    const c = cum[i]!;
    if (manholeAt.every((m) => Math.abs(m - c) >= MIN_VERTEX_GAP_M)) push(kept[i]!, c);
  }
  const chain = ctx.chainOf(edgeId);
  return {
    code, edge: edgeId, vertices, cum: vcum, manholes, spans: [],
    section: SEWER_SIZES[0]![1], material: 'concrete', slope: 0.003,
    year: installYear(seed, SYSTEMS[code].utility, chain.line, edgeId),
    upstreamNode: up, downstreamNode: down, startsAtCorner,
  };
}

function pointAt(pts: readonly Point2[], cum: readonly number[], c: number): Point2 {
  let i = 0;
  while (i + 2 < pts.length && cum[i + 1]! < c) i++;
  const a = pts[i]!, b = pts[i + 1]!;
  const f = cum[i + 1]! > cum[i]! ? Math.min(1, Math.max(0, (c - cum[i]!) / (cum[i + 1]! - cum[i]!))) : 0;
  return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
}
