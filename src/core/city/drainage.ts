/**
 * Gravity drainage: which way each street's sewer or storm drain flows, and the grading of a line
 * from manhole to manhole. Flow follows the shortest street path to an outfall (Dijkstra from all
 * outfalls); each corner drains through exactly one street (its outlet), so the network is a tree.
 * A street whose both ends drain elsewhere starts at its own head manhole near its upper end and
 * falls to its lower corner.
 */
import type { Vertex3 } from './geometry';
import type { StreetGraph } from './streetGraph';

export interface DrainageFlow {
  /** Street distance (m) to the nearest outfall; Infinity where none is reachable. */
  distance: Float64Array;
  /** The edge each corner drains through, or -1 at an outfall. */
  outlet: Int32Array;
  /** Corners, most upstream first: the order grading must follow. */
  upstreamFirst: number[];
}

export function drainageFlow(graph: StreetGraph, outfalls: readonly number[], carries: (edge: number) => boolean): DrainageFlow {
  const n = graph.nodes.length;
  const dist = new Float64Array(n).fill(Infinity);
  const outlet = new Int32Array(n).fill(-1);
  const heap: [number, number][] = [];
  const push = (d: number, v: number) => {
    heap.push([d, v]);
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (heap[p]![0] <= heap[i]![0]) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  for (const o of outfalls) {
    dist[o] = 0;
    push(0, o);
  }
  while (heap.length > 0) {
    const [d, v] = pop();
    if (d > dist[v]!) continue;
    for (const e of graph.nodes[v]!.edges) {
      if (!carries(e)) continue;
      const edge = graph.edges[e]!;
      const w = edge.from === v ? edge.to : edge.from;
      const nd = d + edge.length;
      if (nd < dist[w]!) {
        dist[w] = nd;
        outlet[w] = e;
        push(nd, w);
      }
    }
  }
  const upstreamFirst = [...Array(n).keys()].filter((v) => dist[v]! < Infinity).sort((a, b) => dist[b]! - dist[a]! || b - a);
  return { distance: dist, outlet, upstreamFirst };
}

/** The corner an edge drains toward: the one nearer an outfall (lower id on a tie, so `upstreamFirst` visits its other end first). */
export function downstreamEnd(graph: StreetGraph, flow: DrainageFlow, edge: number): number {
  const e = graph.edges[edge]!;
  const df = flow.distance[e.from]!, dt = flow.distance[e.to]!;
  return df < dt || (df === dt && e.from < e.to) ? e.from : e.to;
}

export interface GradingOptions {
  /** Fall per metre along the line (≥ 0.003). */
  slope: number;
  halfHeight: number;
  /** Cover the line keeps everywhere, m. */
  minCover: number;
  /** Highest centreline elevation the first span may start at (the corner's outlet level), or Infinity at a head. */
  startCeiling: number;
  /** Extra fall through each intermediate manhole, m. */
  manholeDrop: number;
  /** Highest centreline elevation allowed at given chainages (passing under another line). */
  ceilings: readonly { c: number; z: number }[];
}

/**
 * Grades a line from its upstream end: every span falls at `slope` from its upstream manhole, whose
 * outlet is set as high as the start ceiling allows and as low as cover and ceilings downstream in
 * the span need (a drop manhole where it must go deeper at once). Returns each span's elevations:
 * span k runs from vertex manholes[k] to manholes[k + 1].
 */
export function gradeSpans(line: readonly Vertex3[], cum: readonly number[], manholes: readonly number[], opts: GradingOptions): number[][] {
  const spans: number[][] = [];
  let ceiling = opts.startCeiling;
  for (let k = 0; k + 1 < manholes.length; k++) {
    const i0 = manholes[k]!, i1 = manholes[k + 1]!;
    const c0 = cum[i0]!, c1 = cum[i1]!;
    let start = ceiling;
    for (let i = i0; i <= i1; i++) {
      const limit = line[i]!.g - opts.minCover - opts.halfHeight;
      start = Math.min(start, limit + opts.slope * (cum[i]! - c0));
    }
    for (const cap of opts.ceilings) {
      if (cap.c >= c0 && cap.c <= c1) start = Math.min(start, cap.z + opts.slope * (cap.c - c0));
    }
    const z: number[] = [];
    for (let i = i0; i <= i1; i++) z.push(start - opts.slope * (cum[i]! - c0));
    spans.push(z);
    ceiling = z[z.length - 1]! - opts.manholeDrop;
  }
  return spans;
}
