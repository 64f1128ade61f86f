/**
 * screen.ts's gathered candidates, its hit slots (one per segment that went through a kernel in this
 * screening) and the step that tests one (piece, segment) pair: the 3D box culls, then the piece's
 * kernel with its cutoff, folded into the segment's slot. Module state reused across screenings
 * (screenExcavation is synchronous and never re-entered).
 */
import { createSegmentPrismDistance, type SegmentPrismDistance } from './segmentDistance';
import { gap } from './manyPieces';
import { VERDICT_SLACK_M } from './ruleContext';
import { builtSegmentLinkIds, type SegmentTable } from './segmentTable';
import { foldPieceDistance, pieceDistanceAt, type Bounds, type Piece } from './volume';

/** The kernels' out-parameter for `collect`'s calls. */
export const KERNEL_OUT = createSegmentPrismDistance();

/**
 * Per candidate of the current search, GATHER_STRIDE numbers: x0, y0, z0, x1, y1, z1, radius,
 * tolerance (NaN before the table's tolerance column exists). Filled by one loop of independent reads
 * before any candidate is tested, so the cache misses of a search's candidates (rows scattered over
 * the table) overlap instead of each waiting behind the previous candidate's kernel. Per row also
 * its line and (several pieces searching apart) its hit slot (−1 before its first kernel call).
 */
export const GATHER_STRIDE = 8;
export const GATHERED = { data: new Float64Array(GATHER_STRIDE * 64), link: new Int32Array(64), slot: new Int32Array(64) };

function growGathered(n: number): void {
  const g = GATHERED;
  if (n <= g.link.length) return;
  const size = Math.max(n, 2 * g.link.length);
  const d = new Float64Array(GATHER_STRIDE * size); d.set(g.data); g.data = d;
  const l = new Int32Array(size); l.set(g.link); g.link = l;
  const s = new Int32Array(size); s.set(g.slot); g.slot = s;
}

/** Gathers segment `items[f]` into row `rows[f]` (row f without rows) for the rows from `first` on (fewer: gathered before). */
export function gatherRows(
  table: SegmentTable, tolerances: Float64Array | null, items: Int32Array, rows: Int32Array | null, n: number, first: number, total: number,
): void {
  growGathered(total);
  const c = table.coords, radius = table.radius, g = GATHERED.data, gLink = GATHERED.link, gSlot = GATHERED.slot;
  const linkOf = table.linkOfSegment, ids = builtSegmentLinkIds(table), gId = gatheredIds;
  for (let f = 0; f < n; f++) {
    const s = items[f]!, row = rows ? rows[f]! : f;
    if (row < first) continue;
    const o = s * 6, q = row * GATHER_STRIDE;
    g[q] = c[o]!; g[q + 1] = c[o + 1]!; g[q + 2] = c[o + 2]!; g[q + 3] = c[o + 3]!; g[q + 4] = c[o + 4]!; g[q + 5] = c[o + 5]!;
    g[q + 6] = radius[s]!; g[q + 7] = tolerances !== null ? tolerances[s]! : NaN;
    gLink[row] = linkOf[s]!; gSlot[row] = -1;
    // The line id's reference now, with the other columns (segmentTable.ts segmentLinkIds): a listed
    // line's row then reads the string itself with its other line data, not a round of misses later.
    if (ids !== null) gId[f & 63] = ids[s]!;
  }
}

/** Where the gather keeps the ids it reads (so the reads stay): 64 references, overwritten. */
const gatheredIds: string[] = new Array<string>(64).fill('');

/** Gathers items 0 … n − 1 into rows 0 … n − 1. */
export function gather(table: SegmentTable, tolerances: Float64Array | null, items: Int32Array, n: number): void {
  gatherRows(table, tolerances, items, null, n, 0, n);
}

/** Per hit slot: its segment, line, tolerance, radius, the union's distances so far, and the pieces folded in. */
export const HITS = {
  segment: new Int32Array(64),
  link: new Int32Array(64),
  tolerance: new Float64Array(64),
  radius: new Float64Array(64),
  /** Bit p set where piece p (< 32) has been folded in by a kernel call (its plan distance and gap are exact). */
  pieces: new Int32Array(64),
  pool: [] as SegmentPrismDistance[],
  /** Slots in use. */
  count: 0,
  /** Kernel calls this screening (`summary.segmentsTested`). */
  tested: 0,
};

/** Room for n slots. */
export function growHits(n: number): void {
  const h = HITS;
  if (n <= h.segment.length) return;
  const size = Math.max(n, 2 * h.segment.length);
  const s = new Int32Array(size); s.set(h.segment); h.segment = s;
  const t = new Float64Array(size); t.set(h.tolerance); h.tolerance = t;
  const l = new Int32Array(size); l.set(h.link); h.link = l;
  const r = new Float64Array(size); r.set(h.radius); h.radius = r;
  const m = new Int32Array(size); m.set(h.pieces); h.pieces = m;
}

/** The current screening's widest reach and notify distance (`beginHits`). */
let widestReach = 0, notifyDistance = 0;

/** Starts a screening's hits: no slots, no kernel calls; `pad` the widest reach any line can have, `notify` the notify distance. */
export function beginHits(pad: number, notify: number): void {
  HITS.count = 0; HITS.tested = 0; widestReach = pad; notifyDistance = notify;
}

/**
 * Tests the segment gathered in `row` (segment s: its coordinates, radius, tolerance and line, all
 * in GATHERED, the tolerance filled in) against one piece (`bit`: 1 << p, or 0 for p ≥ 32), given
 * `prev`, its slot from earlier pieces (−1: none). The box-to-box gap, a lower bound on the distance,
 * skips a piece that cannot reach any threshold (first against the widest reach any line can have,
 * then against this line's own reach) or, for a segment that has a slot, cannot be nearer than the
 * distance found so far; otherwise the kernel runs, stopping at the reach (and at that distance).
 * Returns the segment's slot afterwards (−1: still none). The caller has made room for one more slot.
 * Small integers only as arguments: V8 boxes doubles passed to a call it does not inline.
 */
export function tryPiece(piece: Piece, bit: number, prev: number, s: number, row: number): number {
  const g = GATHERED.data, q = row * GATHER_STRIDE;
  const g2 = boxGap2(piece.bounds, g, q), pad = widestReach;
  if (g2 > pad * pad) return prev;
  const reach = reachOf(g, q);
  if (g2 > reach * reach) return prev;
  const h = HITS;
  if (prev < 0) {
    // The segment's first kernel call: a new slot. Past reach + slack no verdict is possible: the
    // kernel may stop there (distance Infinity).
    h.tested++;
    return newSlot(pieceDistanceAt(piece, g, q, KERNEL_OUT, reach + VERDICT_SLACK_M), s, row, bit);
  }
  // Only a nearer piece can replace the distance found so far: not one whose box is farther (its
  // plan distance and gap, which may be nearer, are completed for a listed line: its bit stays
  // clear), and the kernel of one that may be can stop at that distance.
  const into = h.pool[prev]!;
  const beyond = into.distance + VERDICT_SLACK_M;
  if (g2 > beyond * beyond) return prev;
  h.tested++;
  const cutoff = reach + VERDICT_SLACK_M < into.distance ? reach + VERDICT_SLACK_M : into.distance;
  foldPieceDistance(into, pieceDistanceAt(piece, g, q, KERNEL_OUT, cutoff));
  h.pieces[prev] = h.pieces[prev]! | bit;
  return prev;
}

/** The squared 3D gap between a piece's box and the segment gathered at `g[q …]`: a lower bound on its distance squared. */
export function boxGap2(b: Bounds, g: Float64Array, q: number): number {
  const x0 = g[q]!, y0 = g[q + 1]!, z0 = g[q + 2]!, x1 = g[q + 3]!, y1 = g[q + 4]!, z1 = g[q + 5]!;
  const gx = gap(b.minX, b.maxX, x0 < x1 ? x0 : x1, x0 < x1 ? x1 : x0);
  const gy = gap(b.minY, b.maxY, y0 < y1 ? y0 : y1, y0 < y1 ? y1 : y0);
  const gz = gap(b.minZ, b.maxZ, z0 < z1 ? z0 : z1, z0 < z1 ? z1 : z0);
  return gx * gx + gy * gy + gz * gz;
}

/** The farthest axis distance at which the segment gathered at `g[q …]` can get a verdict (+ slack). */
export function reachOf(g: Float64Array, q: number): number {
  const tolerance = g[q + 7]!, notify = notifyDistance;
  return (tolerance > notify ? tolerance : notify) + g[q + 6]! + VERDICT_SLACK_M;
}

/** A new slot for segment s (gathered in `row`) holding the kernel's answer `k` for piece bit `bit`. */
export function newSlot(k: SegmentPrismDistance, s: number, row: number, bit: number): number {
  const g = GATHERED.data, q = row * GATHER_STRIDE, h = HITS;
  const slot = h.count++;
  const hit = h.pool[slot] ?? (h.pool[slot] = createSegmentPrismDistance());
  hit.distance = k.distance; hit.t = k.t; hit.x = k.x; hit.y = k.y; hit.z = k.z;
  hit.horizontal = k.horizontal; hit.horizontalT = k.horizontalT; hit.vertical = k.vertical; hit.verticalT = k.verticalT;
  h.segment[slot] = s; h.tolerance[slot] = g[q + 7]!; h.radius[slot] = g[q + 6]!; h.link[slot] = GATHERED.link[row]!;
  h.pieces[slot] = bit;
  return slot;
}
