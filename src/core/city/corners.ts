/**
 * Plan geometry of one system's lines at one street corner. The system's line under the leading
 * street (the trunk: a street passing through before one that ends, then the higher class) runs on through
 * the corner; every other street's line runs straight along its own offset until it meets the trunk
 * line, and there both meet at the junction. So a line from a side street crosses the trunk street's
 * other lines square, at points this file fixes and crossings.ts then separates vertically.
 *
 * Each piece runs from the edge's setback point (where the straight parallel run of the street ends)
 * to the junction; edge lines are the two corner pieces joined by the parallel run between them.
 */
import { closestOnPolyline, distance, leftNormal, offsetPointAlong, rayHit, type Point2 } from './geometry';
import { directionFrom, type StreetEdge, type StreetGraph } from './streetGraph';
import type { StreetClass } from './streets';
import { SYSTEMS, type SystemCode } from './systems';

export interface CornerPlan {
  junction: Point2;
  /** Per incident edge carrying the system: the piece from the edge's setback point to the junction. */
  pieces: Map<number, Point2[]>;
  /** The trunk's edges at this corner (1 or 2); the other pieces are side pieces. */
  trunkEdges: number[];
}

export type Carries = (edge: number, code: SystemCode) => boolean;

const CLASS_RANK: Record<StreetClass, number> = { arterial: 0, secondary: 1, local: 2, lane: 3 };

/** Lines that leave a main (services, laterals, hydrant laterals) keep this far from a corner's pieces. */
const CORNER_CLEARANCE_M = 6;

/** The chainage range of an edge, clear of both corners, where lines may leave its mains. */
export function clearRun(graph: StreetGraph, edge: StreetEdge): [number, number] {
  return [setbackChainage(graph, edge, edge.from) + CORNER_CLEARANCE_M, setbackChainage(graph, edge, edge.to) - CORNER_CLEARANCE_M];
}

/** Chainage along `edge` of its setback point at `node`. */
export function setbackChainage(graph: StreetGraph, edge: StreetEdge, node: number): number {
  const s = graph.nodes[node]!.setback;
  return edge.from === node ? s : edge.length - s;
}

function offsetAt(edge: StreetEdge, chainage: number, offset: number): Point2 {
  return offsetPointAlong(edge.points, edge.cum, chainage, offset);
}

function add(p: Point2, d: Point2, k: number): Point2 {
  return { x: p.x + d.x * k, y: p.y + d.y * k };
}

/** Where line p + λd meets line q + μe; null when they are within ~1° of parallel. */
function lineMeet(p: Point2, d: Point2, q: Point2, e: Point2): Point2 | null {
  const den = d.x * e.y - d.y * e.x;
  if (Math.abs(den) < 0.02) return null;
  const lambda = ((q.x - p.x) * e.y - (q.y - p.y) * e.x) / den;
  return add(p, d, lambda);
}

export function planCorner(graph: StreetGraph, nodeId: number, code: SystemCode, carries: Carries): CornerPlan | null {
  const node = graph.nodes[nodeId]!;
  const here = { x: node.x, y: node.y };
  const o = SYSTEMS[code].offset;
  const edges = node.edges.filter((e) => carries(e, code)).map((e) => graph.edges[e]!);
  if (edges.length === 0) return null;

  const byChain = new Map<number, StreetEdge[]>();
  for (const e of edges) byChain.set(e.chain, [...(byChain.get(e.chain) ?? []), e]);
  // A street passing through leads one that ends here (its lines run on, the other's tee into
  // them); between equals, the higher class leads.
  const chains = [...byChain.keys()].sort((a, b) =>
    byChain.get(b)!.length - byChain.get(a)!.length ||
    CLASS_RANK[graph.chains[a]!.streetClass] - CLASS_RANK[graph.chains[b]!.streetClass] || a - b);
  const trunk = byChain.get(chains[0]!)!;
  const inEdge = trunk.find((e) => e.to === nodeId);
  const outEdge = trunk.find((e) => e.from === nodeId);
  const extension = node.setback + 12;

  // The trunk's line near the corner: from its setback point on the way in, through the corner
  // (mitred), to its setback point on the way out; a trunk that ends here runs on straight.
  let nearLine: Point2[];
  if (inEdge && outEdge) {
    const dIn = { x: -directionFrom(inEdge, nodeId).x, y: -directionFrom(inEdge, nodeId).y };
    const dOut = directionFrom(outEdge, nodeId);
    const a = offsetAt(inEdge, setbackChainage(graph, inEdge, nodeId), o);
    const b = offsetAt(outEdge, setbackChainage(graph, outEdge, nodeId), o);
    const mitre = lineMeet(a, dIn, b, dOut) ??
      { x: (add(here, leftNormal(dIn), o).x + add(here, leftNormal(dOut), o).x) / 2, y: (add(here, leftNormal(dIn), o).y + add(here, leftNormal(dOut), o).y) / 2 };
    nearLine = [a, mitre, b];
  } else if (inEdge) {
    const d = { x: -directionFrom(inEdge, nodeId).x, y: -directionFrom(inEdge, nodeId).y };
    const m = add(here, leftNormal(d), o);
    nearLine = [offsetAt(inEdge, setbackChainage(graph, inEdge, nodeId), o), m, add(m, d, extension)];
  } else {
    const d = directionFrom(outEdge!, nodeId);
    const m = add(here, leftNormal(d), o);
    nearLine = [add(m, d, -extension), m, offsetAt(outEdge!, setbackChainage(graph, outEdge!, nodeId), o)];
  }

  const sides = edges.filter((e) => e.chain !== chains[0]).sort((a, b) => a.id - b.id);
  const sideStarts = sides.map((e) => offsetAt(e, setbackChainage(graph, e, nodeId), o));
  let junction: Point2 | null = null;
  for (let k = 0; k < sides.length && !junction; k++) {
    const f = directionFrom(sides[k]!, nodeId);
    junction = rayHit(sideStarts[k]!, { x: -f.x, y: -f.y }, node.setback + extension, nearLine)?.p ?? null;
  }
  const onTrunk = closestOnPolyline(junction ?? nearLine[1]!, nearLine);
  const j: Point2 = junction ?? nearLine[1]!;

  const pieces = new Map<number, Point2[]>();
  const clean = (pts: Point2[]) => pts.filter((p, i) => i === pts.length - 1 || distance(p, pts[i + 1]!) > 0.01);
  // The foot of the junction on the trunk, unless the junction is on it.
  const foot = distance(onTrunk.q, j) > 0.01 ? [onTrunk.q] : [];
  if (inEdge) pieces.set(inEdge.id, clean([...nearLine.slice(0, onTrunk.segment + 1), ...foot, j]));
  if (outEdge) pieces.set(outEdge.id, clean([...nearLine.slice(onTrunk.segment + 1).reverse(), ...foot, j]));
  sides.forEach((e, k) => pieces.set(e.id, clean([sideStarts[k]!, j])));
  return { junction: j, pieces, trunkEdges: trunk.map((e) => e.id) };
}
