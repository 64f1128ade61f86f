/**
 * Does a segment beside the isolated area still reach a source once the area is shut? Exact, and
 * local in the common case, on the segment graph over normally open cuts with the area removed:
 *
 * 1. Descent: follow cuts to segments one hop nearer a source (supply.ts hop counts, computed with
 *    nothing shut) without entering the area. Reaching a source segment, or a segment already
 *    proven supplied, proves supply. In a meshed network this is a short walk straight to a source.
 * 2. When no such walk avoids the area, a breadth-first search of the region around the segment,
 *    trying a descent from each segment it meets. A descent that succeeds proves the whole region
 *    supplied; a region that runs out of segments is cut off from every source (unintended
 *    isolation), and that region is exactly what must be reported.
 *
 * Every outcome is remembered for the rest of the trace (traceState.ts), so the work is bounded by
 * the segments around the area that have no descent past it, plus any cut-off region itself.
 */
import type { ValveSegmentation } from './segments';
import { CUT_OFF, IN_AREA, IN_REGION, NO_DESCENT, SUPPLIED, type TraceState } from './traceState';

/** Iterative depth-first descent from `start` along strictly falling hop counts. */
function descend(seg: ValveSegmentation, state: TraceState, start: number): boolean {
  const { boundaryStart, boundaryCuts, valveLinkSide, valveNodeSide } = seg;
  const { hops, cutOpen, sourceSegment } = seg.supply;
  const { stack, cursor } = state;
  let depth = 0;
  stack[0] = start;
  cursor[0] = boundaryStart[start]!;
  depth = 1;
  while (depth > 0) {
    const s = stack[depth - 1]!;
    if (sourceSegment[s]) return provedSupplied(state, depth);
    const nearer = hops[s]! - 1;
    let next = -1;
    for (let i = cursor[depth - 1]!, end = boundaryStart[s + 1]!; i < end; i++) {
      const v = boundaryCuts[i]!;
      if (!cutOpen[v]) continue;
      const a = valveLinkSide[v]!;
      const t = a === s ? valveNodeSide[v]! : a;
      if (hops[t] !== nearer) continue;
      const bits = state.get(t);
      if (bits & SUPPLIED) return provedSupplied(state, depth);
      if (bits & (IN_AREA | NO_DESCENT | CUT_OFF)) continue;
      cursor[depth - 1] = i + 1;
      next = t;
      break;
    }
    if (next < 0) {
      state.mark(s, NO_DESCENT);
      depth--;
    } else {
      stack[depth] = next;
      cursor[depth] = boundaryStart[next]!;
      depth++;
    }
  }
  return false;
}

function provedSupplied(state: TraceState, depth: number): true {
  for (let k = 0; k < depth; k++) state.mark(state.stack[k]!, SUPPLIED);
  return true;
}

/**
 * Settles segment `start` (outside the area) as SUPPLIED or CUT_OFF. A cut-off region is appended
 * to state.region from `regionLength` on; returns the new length of that list.
 */
export function settleSupply(seg: ValveSegmentation, state: TraceState, start: number, regionLength: number): number {
  const first = state.get(start);
  if (first & (SUPPLIED | CUT_OFF)) return regionLength;
  if (!(first & NO_DESCENT) && descend(seg, state, start)) return regionLength;

  const { boundaryStart, boundaryCuts, valveLinkSide, valveNodeSide } = seg;
  const { cutOpen } = seg.supply;
  const region = state.region;
  let tail = regionLength;
  region[tail++] = start;
  state.mark(start, IN_REGION);
  let supplied = false;
  search: for (let head = regionLength; head < tail; head++) {
    const s = region[head]!;
    for (let i = boundaryStart[s]!, end = boundaryStart[s + 1]!; i < end; i++) {
      const v = boundaryCuts[i]!;
      if (!cutOpen[v]) continue;
      const a = valveLinkSide[v]!;
      const t = a === s ? valveNodeSide[v]! : a;
      const bits = state.get(t);
      // A settled region keeps its IN_REGION mark, so SUPPLIED is read first.
      if (bits & SUPPLIED) { supplied = true; break search; }
      if (bits & (IN_AREA | IN_REGION | CUT_OFF)) continue;
      if (!(bits & NO_DESCENT) && descend(seg, state, t)) { supplied = true; break search; }
      state.mark(t, IN_REGION);
      region[tail++] = t;
    }
  }
  const outcome = supplied ? SUPPLIED : CUT_OFF;
  for (let k = regionLength; k < tail; k++) state.mark(region[k]!, outcome);
  return supplied ? regionLength : tail;
}
