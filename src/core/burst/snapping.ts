/**
 * End-point snapping for links whose end node is missing from a delivery: each dangling end is
 * attached to the nearest node within a tolerance (first in node order on a tie; how many were in
 * reach is returned, since two nodes at one point, a pump's inlet and outlet, cannot be told apart), or else joined with the other dangling ends
 * within that tolerance into one new junction. What this cannot connect stays a dead end, and the
 * graph builder reports it; nothing is dropped.
 *
 * Frames and units: x, y in the project's local frame (metres; see ../crs.ts); tolerance in metres.
 * Cost: one pass over the nodes with a hashed grid of cell = tolerance holding only the dangling
 * ends, so a network with no dangling end pays one length check.
 */

/** Default snapping tolerance, m: survey-grade coordinates of the same point agree to 1 cm. */
export const DEFAULT_SNAP_TOLERANCE_M = 0.01;

export interface EndSnapping {
  /**
   * Per dangling end: the existing node it snapped to (0 ≤ t < nodeCount), or nodeCount + c for
   * the c-th new junction made of dangling ends that met only each other (or an end alone).
   */
  target: Int32Array;
  /** Number of new junctions. */
  newJunctions: number;
  /** Per new junction: how many dangling ends it joins (1 = an unconnected dead end). */
  junctionSize: Int32Array;
  /** Per new junction: the first dangling end in it, whose position the junction takes. */
  junctionFirstEnd: Int32Array;
  /** Per dangling end: how many nodes lie within the tolerance (more than 1: the choice was ambiguous). */
  nodesInReach: Uint32Array;
}

function cellHash(cx: number, cy: number): number {
  return (Math.imul(cx | 0, 73856093) ^ Math.imul(cy | 0, 19349663)) >>> 0;
}

function find(parent: Int32Array, i: number): number {
  while (parent[i]! !== i) {
    const g = parent[parent[i]!]!;
    parent[i] = g;
    i = g;
  }
  return i;
}

/**
 * Snaps dangling ends (endX[e], endY[e]) to nodes (nodeX[n], nodeY[n]; NaN = no position) or to
 * each other. `tolerance` must be finite and ≥ 0.
 */
export function snapDanglingEnds(
  endX: Float64Array, endY: Float64Array, nodeX: Float64Array, nodeY: Float64Array, tolerance: number,
): EndSnapping {
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) throw new RangeError(`snapDanglingEnds: tolerance must be a finite length ≥ 0 m; got ${tolerance}`);
  const ends = endX.length;
  const nodeCount = nodeX.length;
  const target = new Int32Array(ends).fill(-1);
  const nodesInReach = new Uint32Array(ends);
  if (ends === 0) return { target, newJunctions: 0, junctionSize: new Int32Array(0), junctionFirstEnd: new Int32Array(0), nodesInReach };
  const cell = Math.max(tolerance, 1e-9);
  const tol2 = tolerance * tolerance;

  // Each end is filed under the 9 cells around its own, so a node looks up only its own cell.
  const buckets = new Map<number, number[]>();
  const ownHash = new Float64Array(ends);
  for (let e = 0; e < ends; e++) {
    const x = endX[e]!, y = endY[e]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) { ownHash[e] = NaN; continue; }
    const cx = Math.floor(x / cell), cy = Math.floor(y / cell);
    ownHash[e] = cellHash(cx, cy);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const h = cellHash(cx + dx, cy + dy);
        const list = buckets.get(h);
        if (list) list.push(e); else buckets.set(h, [e]);
      }
    }
  }

  const bestD2 = new Float64Array(ends).fill(Infinity);
  for (let n = 0; n < nodeCount; n++) {
    const x = nodeX[n]!, y = nodeY[n]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const list = buckets.get(cellHash(Math.floor(x / cell), Math.floor(y / cell)));
    if (!list) continue;
    for (const e of list) {
      const d2 = (endX[e]! - x) ** 2 + (endY[e]! - y) ** 2;
      if (d2 > tol2) continue;
      nodesInReach[e]!++;
      if (d2 < bestD2[e]!) { bestD2[e] = d2; target[e] = n; }
    }
  }

  // Ends that met no node join the other such ends within the tolerance.
  const parent = new Int32Array(ends);
  for (let e = 0; e < ends; e++) parent[e] = e;
  for (let e = 0; e < ends; e++) {
    if (target[e]! >= 0 || Number.isNaN(ownHash[e]!)) continue;
    const list = buckets.get(ownHash[e]!)!;
    for (const o of list) {
      if (o >= e || target[o]! >= 0) continue;
      const d2 = (endX[e]! - endX[o]!) ** 2 + (endY[e]! - endY[o]!) ** 2;
      if (d2 <= tol2) {
        const a = find(parent, e), b = find(parent, o);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const junctionOfRoot = new Int32Array(ends).fill(-1);
  const sizes: number[] = [];
  const firsts: number[] = [];
  for (let e = 0; e < ends; e++) {
    if (target[e]! >= 0) continue;
    const r = find(parent, e);
    let j = junctionOfRoot[r]!;
    if (j < 0) { j = sizes.length; junctionOfRoot[r] = j; sizes.push(0); firsts.push(e); }
    sizes[j]!++;
    target[e] = nodeCount + j;
  }
  return { target, newJunctions: sizes.length, junctionSize: Int32Array.from(sizes), junctionFirstEnd: Int32Array.from(firsts), nodesInReach };
}
