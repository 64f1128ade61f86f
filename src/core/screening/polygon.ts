/**
 * Plan-geometry checks for validating works: rings (footprints and their holes) and open polylines
 * (trench centre lines). Plain functions over coordinate arrays in the local frame, metres.
 *
 * Contact tests are exact predicates on the given doubles (orientation signs and bbox overlaps), with
 * touching counted as meeting: a ring that touches itself, or a hole that touches the outer ring, is
 * refused rather than guessed at.
 */

/** Twice the signed area of triangle abc; > 0 when counter-clockwise. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** Closed segments ab and cd share at least one point (touching counts). */
export function segmentsMeet(
  ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number,
): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  return (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) || (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) ||
    (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) || (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by));
}

/** Edge a→b followed by b→c turns back along itself (collinear, opposite directions). */
function foldsBack(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return orient(ax, ay, bx, by, cx, cy) === 0 && (bx - ax) * (cx - bx) + (by - ay) * (cy - by) < 0;
}

/**
 * A set of `count` edges over shared vertex arrays: edge e runs from vertex from[e] to vertex to[e].
 * Two edges that share a vertex (`adjacent`) meet there by construction and are only refused when
 * they fold back. The arrays may be longer than needed (they are reused scratch, below).
 */
interface EdgeSet {
  count: number;
  xs: Float64Array;
  ys: Float64Array;
  from: Uint32Array;
  to: Uint32Array;
}

/**
 * Working storage for the contact tests, reused across calls and grown to the largest work seen:
 * validation runs once per screening, and allocating eight small typed arrays each time was a
 * measurable share of a 10 µs screening. Nothing here outlives a call (the results are plain values).
 */
let scratchSize = 0;
let sXs = new Float64Array(0), sYs = new Float64Array(0), sFrom = new Uint32Array(0), sTo = new Uint32Array(0);
let sRingOf = new Uint32Array(0), sMinX = new Float64Array(0), sMaxX = new Float64Array(0), sOrder = new Uint32Array(0);

function scratchFor(n: number): void {
  if (n <= scratchSize) return;
  scratchSize = Math.max(n, 2 * scratchSize, 16);
  sXs = new Float64Array(scratchSize); sYs = new Float64Array(scratchSize);
  sFrom = new Uint32Array(scratchSize); sTo = new Uint32Array(scratchSize); sRingOf = new Uint32Array(scratchSize);
  sMinX = new Float64Array(scratchSize); sMaxX = new Float64Array(scratchSize); sOrder = new Uint32Array(scratchSize);
}

/** The first m edge numbers sorted by smallest x, ties by number (a total order: the same for any sort). */
function edgesByMinX(minX: Float64Array, m: number): Uint32Array | number[] {
  if (m > 64) return Array.from({ length: m }, (_, e) => e).sort((a, b) => minX[a]! - minX[b]! || a - b);
  // Small rings (every hand-drawn pit): insertion sort, no closure and no boxed array.
  const order = sOrder;
  for (let e = 0; e < m; e++) {
    const x = minX[e]!;
    let j = e - 1;
    while (j >= 0 && minX[order[j]!]! > x) { order[j + 1] = order[j]!; j--; }
    order[j + 1] = e;
  }
  return order;
}

/**
 * Edge a→b and edge c→d (vertex numbers, then their coordinates) meet other than at a vertex they
 * share: consecutive edges only when they fold back (or form a 2-edge ring), others when they touch.
 */
function edgesMeet(
  a: number, b: number, c: number, d: number,
  ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number,
): boolean {
  if (b === c) return foldsBack(ax, ay, bx, by, dx, dy) || a === d;
  if (d === a) return foldsBack(cx, cy, dx, dy, bx, by);
  return segmentsMeet(ax, ay, bx, by, cx, cy, dx, dy);
}

/** Rings up to this many vertices are checked pair by pair (`smallRingIsSimple`) before any sweep. */
export const SMALL_RING_VERTICES = 8;

/**
 * True when no two edges of the ring (at most SMALL_RING_VERTICES vertices, 3+ distinct, open) meet
 * other than consecutive ones at their shared vertex: every pair tested with the sweep's own test
 * (`edgesMeet`), so it is true exactly when `firstRingContact([ring], ox, oy)` is null. For the few
 * vertices of a hand-drawn pit, cheaper than sorting edges for the sweep.
 */
export function smallRingIsSimple(ring: readonly (readonly [number, number])[], ox: number, oy: number): boolean {
  const flat = flatRings([ring]);
  return smallRingIsSimpleAt(flat.xs, flat.ys, 0, ring.length, ox, oy);
}

/** `smallRingIsSimple` of the ring of n vertices at xs[start], ys[start] onwards. */
export function smallRingIsSimpleAt(ringXs: Float64Array, ringYs: Float64Array, start: number, n: number, ox: number, oy: number): boolean {
  if (n > SMALL_RING_VERTICES) throw new RangeError(`smallRingIsSimple: ${n} vertices, at most ${SMALL_RING_VERTICES}`);
  scratchFor(n);
  const xs = sXs, ys = sYs;
  for (let i = 0; i < n; i++) { xs[i] = ringXs[start + i]! - ox; ys[i] = ringYs[start + i]! - oy; }
  for (let a = 0; a < n; a++) {
    const b = a + 1 === n ? 0 : a + 1;
    for (let c = a + 1; c < n; c++) {
      const d = c + 1 === n ? 0 : c + 1;
      if (edgesMeet(a, b, c, d, xs[a]!, ys[a]!, xs[b]!, ys[b]!, xs[c]!, ys[c]!, xs[d]!, ys[d]!)) return false;
    }
  }
  return true;
}

/**
 * Rings as flat coordinates: ring r's vertices are xs[start[r]] up to xs[start[r + 1]] (exclusive),
 * open. What validateOpenCut reads a footprint and its holes into (no [x, y] array per vertex).
 * Always typed arrays, so the functions reading them see one kind of array.
 */
export interface FlatRings {
  xs: Float64Array;
  ys: Float64Array;
  /** ringCount + 1 numbers: where each ring starts, then the end of the last. */
  start: Int32Array;
  ringCount: number;
}

/** flatRings' storage, grown to the most vertices and rings seen (a fresh Float64Array of 9+ numbers is allocated off V8's heap, ~2 µs). */
const FLAT: FlatRings = { xs: new Float64Array(64), ys: new Float64Array(64), start: new Int32Array(8), ringCount: 0 };

/**
 * Rings of [x, y] tuples as FlatRings, in storage reused by the next call: read it before calling
 * again (preparePrism, firstRingContact and smallRingIsSimple do).
 */
export function flatRings(rings: readonly (readonly (readonly [number, number])[])[]): FlatRings {
  let n = 0;
  for (const ring of rings) n += ring.length;
  if (n > FLAT.xs.length) { FLAT.xs = new Float64Array(Math.max(n, 2 * FLAT.xs.length)); FLAT.ys = new Float64Array(FLAT.xs.length); }
  if (rings.length + 1 > FLAT.start.length) FLAT.start = new Int32Array(Math.max(rings.length + 1, 2 * FLAT.start.length));
  const xs = FLAT.xs, ys = FLAT.ys, start = FLAT.start;
  let v = 0;
  start[0] = 0;
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r]!;
    for (let i = 0; i < ring.length; i++, v++) { xs[v] = ring[i]![0]; ys[v] = ring[i]![1]; }
    start[r + 1] = v;
  }
  FLAT.ringCount = rings.length;
  return FLAT;
}

/**
 * First pair of edges that meet other than at a shared vertex, or null. A sweep over edges sorted by
 * their smallest x: only pairs whose x ranges overlap are tested, O(n log n + k) for k such pairs.
 */
function firstContact(edges: EdgeSet): [number, number] | null {
  const { xs, ys, from, to, count: m } = edges;
  // The callers sized the scratch for at least m (so this never replaces the arrays they filled).
  scratchFor(m);
  const minX = sMinX, maxX = sMaxX;
  for (let e = 0; e < m; e++) {
    minX[e] = Math.min(xs[from[e]!]!, xs[to[e]!]!);
    maxX[e] = Math.max(xs[from[e]!]!, xs[to[e]!]!);
  }
  const order = edgesByMinX(minX, m);
  let found: [number, number] | null = null;
  for (let oi = 0; oi < m; oi++) {
    const e = order[oi]!;
    const a = from[e]!, b = to[e]!;
    const ax = xs[a]!, ay = ys[a]!, bx = xs[b]!, by = ys[b]!;
    const lowY = Math.min(ay, by), highY = Math.max(ay, by);
    for (let oj = oi + 1; oj < m && minX[order[oj]!]! <= maxX[e]!; oj++) {
      const f = order[oj]!;
      const c = from[f]!, d = to[f]!;
      const cx = xs[c]!, cy = ys[c]!, dx = xs[d]!, dy = ys[d]!;
      if (Math.max(cy, dy) < lowY || Math.min(cy, dy) > highY) continue;
      if (edgesMeet(a, b, c, d, ax, ay, bx, by, cx, cy, dx, dy)) {
        const pair: [number, number] = e < f ? [e, f] : [f, e];
        if (!found || pair[0] < found[0] || (pair[0] === found[0] && pair[1] < found[1])) found = pair;
        break;
      }
    }
  }
  return found;
}

/** Rings as one edge set: ring r's vertices follow ring r − 1's; returns, per vertex, its ring. */
function ringEdges(rings: FlatRings, ox: number, oy: number): EdgeSet & { ringOf: Uint32Array } {
  const n = rings.start[rings.ringCount]!;
  scratchFor(n);
  const xs = sXs, ys = sYs, from = sFrom, to = sTo, ringOf = sRingOf;
  for (let r = 0; r < rings.ringCount; r++) {
    const first = rings.start[r]!, end = rings.start[r + 1]!;
    for (let v = first; v < end; v++) {
      xs[v] = rings.xs[v]! - ox; ys[v] = rings.ys[v]! - oy;
      from[v] = v; to[v] = v + 1; ringOf[v] = r;
    }
    to[end - 1] = first;
  }
  return { count: n, xs, ys, from, to, ringOf };
}

export interface RingContact {
  /** Ring index (0 the outer ring, 1 + h hole h) and edge index within it, for each of the two edges. */
  ringA: number; edgeA: number;
  ringB: number; edgeB: number;
}

/**
 * First contact between edges of the given rings (within one ring or between two), other than
 * consecutive edges of one ring at their shared vertex; null when every ring is simple and no two
 * rings touch. Coordinates are taken relative to (ox, oy) for precision.
 */
export function firstRingContact(rings: readonly (readonly (readonly [number, number])[])[], ox: number, oy: number): RingContact | null {
  return firstRingContactAt(flatRings(rings), ox, oy);
}

/** `firstRingContact` of flat rings. */
export function firstRingContactAt(rings: FlatRings, ox: number, oy: number): RingContact | null {
  const edges = ringEdges(rings, ox, oy);
  // A ring of 3+ distinct vertices has no edge adjacent to itself at both ends, except a 2-edge
  // ring, which validation never builds (fewer than 3 distinct vertices are refused first).
  const pair = firstContact(edges);
  if (!pair) return null;
  const [e, f] = pair;
  const ringA = edges.ringOf[e]!, ringB = edges.ringOf[f]!;
  return { ringA, edgeA: e - rings.start[ringA]!, ringB, edgeB: f - rings.start[ringB]! };
}

/** First pair of segments of an open polyline that meet other than consecutive ones at their shared vertex. */
export function firstPolylineContact(points: readonly (readonly [number, number])[], ox: number, oy: number): [number, number] | null {
  const n = points.length;
  scratchFor(n);
  const xs = sXs, ys = sYs, from = sFrom, to = sTo;
  for (let i = 0; i < n; i++) { xs[i] = points[i]![0] - ox; ys[i] = points[i]![1] - oy; }
  for (let i = 0; i + 1 < n; i++) { from[i] = i; to[i] = i + 1; }
  return firstContact({ count: Math.max(0, n - 1), xs, ys, from, to });
}

/** Twice the signed area of the ring xs[s..e), ys[s..e) (shoelace), relative to (ox, oy); > 0 when counter-clockwise. */
export function ringTwiceAreaAt(xs: Float64Array, ys: Float64Array, s: number, e: number, ox: number, oy: number): number {
  let a = 0;
  for (let i = s, j = e - 1; i < e; j = i++) {
    a += (xs[j]! - ox) * (ys[i]! - oy) - (xs[i]! - ox) * (ys[j]! - oy);
  }
  return a;
}

/** All vertices of the ring xs[s..e) on one line (area 0 for a reason other than self-intersection). */
export function allCollinearAt(xs: Float64Array, ys: Float64Array, s: number, e: number): boolean {
  const ax = xs[s]!, ay = ys[s]!, bx = xs[s + 1]!, by = ys[s + 1]!;
  for (let i = s; i < e; i++) if (orient(ax, ay, bx, by, xs[i]!, ys[i]!) !== 0) return false;
  return true;
}

/**
 * Even–odd point in the ring xs[s..e). Only used for a point known not to lie on the ring (a vertex
 * of another ring that touches nowhere), so boundary handling does not matter.
 */
export function pointInRingAt(xs: Float64Array, ys: Float64Array, s: number, e: number, px: number, py: number): boolean {
  let inside = false;
  for (let i = s, j = e - 1; i < e; j = i++) {
    const xi = xs[i]!, yi = ys[i]!, xj = xs[j]!, yj = ys[j]!;
    if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Reads a ring as validation needs it: consecutive repeated vertices dropped (they make zero-length
 * edges), the closing vertex dropped. The caller checks the count. The ring holds the given point
 * arrays themselves, not copies: pass points the caller owns (readTuples' fresh [x, y] arrays).
 */
export function openRing(points: readonly [number, number][]): [number, number][] {
  const ring: [number, number][] = [];
  for (const p of points) {
    const last = ring[ring.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    ring.push(p);
  }
  while (ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1]) ring.pop();
  return ring;
}
