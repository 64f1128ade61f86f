/**
 * The street graph of one city size: the layout clipped to the city's extent (streets that leave the
 * map end at its edge), grouped into chains (one named street passing corner after corner), with the
 * setback at each corner: how far along each street its utility lines run parallel before they turn
 * or cross into the corner. Streets too short to hold both setbacks are dropped, and only the largest
 * connected part of the network is kept, so every line can be fed and drained.
 */
import { cumulativeLengths, distance, unit, type Point2 } from './geometry';
import type { LaidEdge, StreetClass, StreetLayout } from './streets';

export interface StreetNode {
  id: number;
  x: number;
  y: number;
  /** Incident edges. */
  edges: number[];
  /** Where a street leaves the map: which side of the extent, or null. */
  boundary: 'north' | 'south' | 'east' | 'west' | null;
  /** Distance (m) along every incident street within which the corner's lines turn and cross. */
  setback: number;
}

export interface StreetEdge {
  id: number;
  /** Oriented along the chain: `from` comes first. */
  from: number;
  to: number;
  points: Point2[];
  cum: number[];
  length: number;
  chain: number;
}

export interface StreetChain {
  id: number;
  line: string;
  name: string;
  streetClass: StreetClass;
  edges: number[];
}

export interface StreetGraph {
  nodes: StreetNode[];
  edges: StreetEdge[];
  chains: StreetChain[];
}

/** The outermost utility line's distance from a street's centre line (the 110 kV duct bank, 7.5 m) plus its half width. */
const WIDEST_LINE_OFFSET_M = 8;
const MIN_SETBACK_M = 3;
/** Room the setback leaves beyond where the last line crosses. */
const SETBACK_MARGIN_M = 3;
const MIN_CLIPPED_STREET_M = 30;
/** Streets leaving the map closer together than this would run into each other beyond it. */
const MIN_EXIT_GAP_M = 30;
/** A street keeps at least this much straight parallel run between its two corners' setbacks. */
const MIN_PARALLEL_RUN_M = 15;

export function buildStreetGraph(layout: StreetLayout, halfX: number, halfY: number): StreetGraph {
  const positions = new Map(layout.nodes);
  const inside = (p: Point2) => Math.abs(p.x) <= halfX && Math.abs(p.y) <= halfY;
  const clipped: LaidEdge[] = [];
  layout.edges.forEach((e, k) => {
    const inA = inside(positions.get(e.a)!), inB = inside(positions.get(e.b)!);
    if (inA && inB) clipped.push(e);
    else if (inA || inB) {
      const pts = inA ? e.points : [...e.points].reverse();
      const cut = clipAtBoundary(pts, halfX, halfY);
      if (distanceAlong(cut) < MIN_CLIPPED_STREET_M) return;
      const key = `x${k}`;
      positions.set(key, cut[cut.length - 1]!);
      clipped.push(inA ? { ...e, b: key, points: cut } : { ...e, a: key, points: cut.reverse() });
    }
  });

  // Two streets that leave the map close together would meet just outside it, and their lines
  // would cross with no corner to join them: keep the grid street, drop the other.
  const exits = clipped.map((e, k) => ({ k, at: positions.get(e.a.startsWith('x') ? e.a : e.b)!, clippedEnd: e.a.startsWith('x') || e.b.startsWith('x'), gridStreet: /^[rc]/.test(e.line) }))
    .filter((x) => x.clippedEnd);
  const crowded = new Set<number>();
  for (const x of exits) {
    for (const y of exits) {
      if (x.k < y.k && !crowded.has(x.k) && !crowded.has(y.k) && distance(x.at, y.at) < MIN_EXIT_GAP_M) crowded.add(x.gridStreet && !y.gridStreet ? y.k : x.k);
    }
  }
  let live = clipped.filter((_, k) => !crowded.has(k));
  for (let round = 0; round < 8; round++) {
    const graph = assemble(live, positions, halfX, halfY);
    const short = new Set(graph.edges
      .filter((e) => e.length < graph.nodes[e.from]!.setback + graph.nodes[e.to]!.setback + MIN_PARALLEL_RUN_M)
      .map((e) => e.id));
    if (short.size === 0) break;
    live = live.filter((_, k) => !short.has(k));
  }
  const graph = assemble(live, positions, halfX, halfY);
  const keep = largestComponent(graph);
  return assemble(live.filter((_, k) => keep.has(k)), positions, halfX, halfY);
}

function distanceAlong(pts: readonly Point2[]): number {
  let l = 0;
  for (let i = 1; i < pts.length; i++) l += distance(pts[i - 1]!, pts[i]!);
  return l;
}

/** The polyline from its first (inside) point to where it first leaves the rectangle. */
function clipAtBoundary(pts: readonly Point2[], halfX: number, halfY: number): Point2[] {
  const out: Point2[] = [pts[0]!];
  for (let i = 1; i < pts.length; i++) {
    const p = pts[i - 1]!, q = pts[i]!;
    if (Math.abs(q.x) <= halfX && Math.abs(q.y) <= halfY) {
      out.push(q);
      continue;
    }
    let t = 1;
    if (q.x > halfX) t = Math.min(t, (halfX - p.x) / (q.x - p.x));
    if (q.x < -halfX) t = Math.min(t, (-halfX - p.x) / (q.x - p.x));
    if (q.y > halfY) t = Math.min(t, (halfY - p.y) / (q.y - p.y));
    if (q.y < -halfY) t = Math.min(t, (-halfY - p.y) / (q.y - p.y));
    out.push({ x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t });
    break;
  }
  return out;
}

function assemble(live: readonly LaidEdge[], positions: Map<string, Point2>, halfX: number, halfY: number): StreetGraph {
  const keys = [...new Set(live.flatMap((e) => [e.a, e.b]))].sort();
  const idOf = new Map(keys.map((k, i) => [k, i]));
  const nodes: StreetNode[] = keys.map((k, id) => {
    const p = positions.get(k)!;
    const boundary = Math.abs(p.x - halfX) < 1e-6 ? 'east' : Math.abs(p.x + halfX) < 1e-6 ? 'west'
      : Math.abs(p.y - halfY) < 1e-6 ? 'north' : Math.abs(p.y + halfY) < 1e-6 ? 'south' : null;
    return { id, x: p.x, y: p.y, edges: [], boundary, setback: MIN_SETBACK_M };
  });
  const edges: StreetEdge[] = live.map((e, id) => {
    const cum = cumulativeLengths(e.points);
    return { id, from: idOf.get(e.a)!, to: idOf.get(e.b)!, points: e.points, cum, length: cum[cum.length - 1]!, chain: -1 };
  });
  for (const e of edges) {
    nodes[e.from]!.edges.push(e.id);
    nodes[e.to]!.edges.push(e.id);
  }

  const byLine = new Map<string, number[]>();
  live.forEach((e, k) => {
    const list = byLine.get(e.line);
    if (list) list.push(k);
    else byLine.set(e.line, [k]);
  });
  const chains: StreetChain[] = [];
  for (const [line, list] of [...byLine].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    list.sort((a, b) => live[a]!.order - live[b]!.order);
    let current: StreetChain | null = null;
    for (const k of list) {
      const prev = current ? edges[current.edges[current.edges.length - 1]!]! : null;
      if (!current || prev!.to !== edges[k]!.from) {
        current = { id: chains.length, line, name: live[k]!.name, streetClass: live[k]!.streetClass, edges: [] };
        chains.push(current);
      }
      current.edges.push(k);
      edges[k]!.chain = current.id;
    }
  }
  for (const n of nodes) n.setback = cornerSetback(n, edges);
  return { nodes, edges, chains };
}

/** Unit direction of an edge leaving node n, along its first segment. */
export function directionFrom(e: StreetEdge, n: number): Point2 {
  const pts = e.points;
  const [a, b] = e.from === n ? [pts[0]!, pts[1]!] : [pts[pts.length - 1]!, pts[pts.length - 2]!];
  return unit(b.x - a.x, b.y - a.y);
}

/**
 * Lines of a street meeting another at angle θ cross the other street's lines within
 * w·(1 + |cos θ|) / sin θ of the corner, w the widest offset: the setback must reach past that.
 */
function cornerSetback(n: StreetNode, edges: readonly StreetEdge[]): number {
  let s = MIN_SETBACK_M;
  for (let i = 0; i < n.edges.length; i++) {
    for (let j = i + 1; j < n.edges.length; j++) {
      const a = edges[n.edges[i]!]!, b = edges[n.edges[j]!]!;
      if (a.chain === b.chain) continue;
      const da = directionFrom(a, n.id), db = directionFrom(b, n.id);
      const sin = Math.abs(da.x * db.y - da.y * db.x);
      const cos = Math.abs(da.x * db.x + da.y * db.y);
      s = Math.max(s, SETBACK_MARGIN_M + (WIDEST_LINE_OFFSET_M * (1 + cos)) / Math.max(sin, 0.25));
    }
  }
  return s;
}

function largestComponent(graph: StreetGraph): Set<number> {
  const seen = new Int32Array(graph.nodes.length).fill(-1);
  let best = -1, bestSize = 0;
  for (const start of graph.nodes) {
    if (seen[start.id] !== -1) continue;
    let size = 0;
    const stack = [start.id];
    seen[start.id] = start.id;
    while (stack.length) {
      const n = stack.pop()!;
      size++;
      for (const e of graph.nodes[n]!.edges) {
        const edge = graph.edges[e]!;
        const m = edge.from === n ? edge.to : edge.from;
        if (seen[m] === -1) { seen[m] = start.id; stack.push(m); }
      }
    }
    if (size > bestSize) { best = start.id; bestSize = size; }
  }
  return new Set(graph.edges.filter((e) => seen[e.from] === best).map((e) => e.id));
}
