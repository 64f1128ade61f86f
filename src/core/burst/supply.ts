/**
 * The network's normal state on the segment graph (segments as vertices, valve cuts as edges):
 * which cuts are open (no normally closed valve at them), the components that the open cuts make,
 * which of them hold a source or tank, and every segment's hop count from the nearest source
 * segment. Computed once after segmentation, in O(segments + cuts); a burst trace (isolation.ts)
 * then only searches around the burst, using the hop counts to find a way back to a source.
 */
import { NODE_KIND, VALVE_NORMALLY_OPEN, type WaterGraph } from './graph';
import type { ValvePartition } from './segments';

export interface SupplyIndex {
  /** Per segment: 1 when it holds a source or a tank node. */
  readonly sourceSegment: Uint8Array;
  /** Per cut (indexed by its lead valve): 1 when every valve at it is normally open. */
  readonly cutOpen: Uint8Array;
  /** Components of the segment graph over open cuts. */
  readonly componentCount: number;
  readonly component: Int32Array;
  /** Per component: 1 when it holds a source segment. */
  readonly componentSupplied: Uint8Array;
  /** CSR: the segments of component c. */
  readonly componentStart: Int32Array;
  readonly componentSegments: Int32Array;
  /** Per segment: open cuts crossed from the nearest source segment; -1 when none reaches it. */
  readonly hops: Int32Array;
}

export function buildSupplyIndex(graph: WaterGraph, partition: ValvePartition): SupplyIndex {
  const { segmentCount, boundaryStart, boundaryCuts, valveCut, nextValveInCut, nodeSegment, valveLinkSide, valveNodeSide } = partition;
  const sourceSegment = new Uint8Array(segmentCount);
  for (let n = 0; n < graph.nodeCount; n++) {
    const kind = graph.nodeKind[n]!;
    if (kind === NODE_KIND.source || kind === NODE_KIND.tank) sourceSegment[nodeSegment[n]!] = 1;
  }
  const cutOpen = new Uint8Array(graph.valveCount);
  for (let v = 0; v < graph.valveCount; v++) {
    if (valveCut[v] !== v) continue;
    let open = 1;
    for (let w = v; w >= 0; w = nextValveInCut[w]!) if ((graph.valveFlags[w]! & VALVE_NORMALLY_OPEN) === 0) open = 0;
    cutOpen[v] = open;
  }

  const queue = new Int32Array(segmentCount);
  const component = new Int32Array(segmentCount).fill(-1);
  const componentStart: number[] = [0];
  const supplied: number[] = [];
  let componentCount = 0;
  let tail = 0;
  for (let start = 0; start < segmentCount; start++) {
    if (component[start]! >= 0) continue;
    const c = componentCount++;
    let hasSource = 0;
    let head = tail;
    queue[tail++] = start;
    component[start] = c;
    while (head < tail) {
      const s = queue[head++]!;
      hasSource |= sourceSegment[s]!;
      for (let i = boundaryStart[s]!, end = boundaryStart[s + 1]!; i < end; i++) {
        const v = boundaryCuts[i]!;
        if (!cutOpen[v]) continue;
        const a = valveLinkSide[v]!;
        const t = a === s ? valveNodeSide[v]! : a;
        if (component[t]! < 0) { component[t] = c; queue[tail++] = t; }
      }
    }
    componentStart.push(tail);
    supplied.push(hasSource);
  }
  // The queue now lists the segments grouped by component, in component order.
  const componentSegments = queue;

  const hops = new Int32Array(segmentCount).fill(-1);
  const frontier = new Int32Array(segmentCount);
  let head = 0;
  tail = 0;
  for (let s = 0; s < segmentCount; s++) if (sourceSegment[s]) { hops[s] = 0; frontier[tail++] = s; }
  while (head < tail) {
    const s = frontier[head++]!;
    for (let i = boundaryStart[s]!, end = boundaryStart[s + 1]!; i < end; i++) {
      const v = boundaryCuts[i]!;
      if (!cutOpen[v]) continue;
      const a = valveLinkSide[v]!;
      const t = a === s ? valveNodeSide[v]! : a;
      if (hops[t]! < 0) { hops[t] = hops[s]! + 1; frontier[tail++] = t; }
    }
  }
  return {
    sourceSegment, cutOpen, componentCount, component,
    componentSupplied: Uint8Array.from(supplied), componentStart: Int32Array.from(componentStart), componentSegments, hops,
  };
}
