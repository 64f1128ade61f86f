/**
 * screen.ts's gathered candidates, its hit slots (one per segment that went through a kernel in this
 * screening) and the step that tests one (piece, segment) pair: the 3D box culls, then the piece's kernel with its cutoff,
 * folded into the segment's slot. Module state reused across screenings (screenExcavation is
 * synchronous and never re-entered).
 */
import { createSegmentPrismDistance, type SegmentPrismDistance } from './distance';
import { gap } from './manyPieces';
import { VERDICT_SLACK_M } from './ruleContext';
import type { SegmentTable } from './segmentTable';
import { foldPieceDistance, pieceDistance, type Piece } from './volume';

const KERNEL_OUT = createSegmentPrismDistance();

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
  const linkOf = table.linkOfSegment;
  for (let f = 0; f < n; f++) {
    const s = items[f]!, row = rows ? rows[f]! : f;
    if (row < first) continue;
    const o = s * 6, q = row * GATHER_STRIDE;
    g[q] = c[o]!; g[q + 1] = c[o + 1]!; g[q + 2] = c[o + 2]!; g[q + 3] = c[o + 3]!; g[q + 4] = c[o + 4]!; g[q + 5] = c[o + 5]!;
    g[q + 6] = radius[s]!; g[q + 7] = tolerances !== null ? tolerances[s]! : NaN;
    gLink[row] = linkOf[s]!; gSlot[row] = -1;
  }
}

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

/**
 * Tests segment s (its coordinates, radius, tolerance and line) against one piece (`bit`: 1 << p, or
 * 0 for p ≥ 32), given `prev`, its slot from earlier pieces (−1: none). The box-to-box gap, a lower
 * bound on the distance, skips a piece that cannot reach any threshold (first against `pad`, the
 * widest reach any line can have, then against this line's own reach) or, for a segment that has a
 * slot, cannot be nearer than the distance found so far; otherwise the kernel runs, stopping at the
 * reach (and at that distance). Returns the segment's slot afterwards (−1: still none). The caller
 * has made room for one more slot.
 */
export function tryPiece(
  piece: Piece, bit: number, prev: number, s: number, x0: number, y0: number, z0: number, x1: number, y1: number, z1: number,
  radius: number, tolerance: number, link: number, pad: number, notify: number,
): number {
  const b = piece.bounds;
  const gx = gap(b.minX, b.maxX, x0 < x1 ? x0 : x1, x0 < x1 ? x1 : x0);
  const gy = gap(b.minY, b.maxY, y0 < y1 ? y0 : y1, y0 < y1 ? y1 : y0);
  const gz = gap(b.minZ, b.maxZ, z0 < z1 ? z0 : z1, z0 < z1 ? z1 : z0);
  const g2 = gx * gx + gy * gy + gz * gz;
  if (g2 > pad * pad) return prev;
  const reach = (tolerance > notify ? tolerance : notify) + radius + VERDICT_SLACK_M;
  if (g2 > reach * reach) return prev;
  const h = HITS;
  if (prev >= 0) {
    // Only a nearer piece can replace the distance found so far: not one whose box is farther (its
    // plan distance and gap, which may be nearer, are completed for a listed line: its bit stays
    // clear), and the kernel of one that may be can stop at that distance.
    const into = h.pool[prev]!;
    const beyond = into.distance + VERDICT_SLACK_M;
    if (g2 > beyond * beyond) return prev;
    h.tested++;
    const cutoff = reach + VERDICT_SLACK_M < into.distance ? reach + VERDICT_SLACK_M : into.distance;
    foldPieceDistance(into, pieceDistance(piece, x0, y0, z0, x1, y1, z1, KERNEL_OUT, cutoff));
    h.pieces[prev] = h.pieces[prev]! | bit;
    return prev;
  }
  h.tested++;
  // Past reach + slack no verdict is possible: the kernel may stop there (distance Infinity).
  const k = pieceDistance(piece, x0, y0, z0, x1, y1, z1, KERNEL_OUT, reach + VERDICT_SLACK_M);
  const slot = h.count++;
  const hit = h.pool[slot] ?? (h.pool[slot] = createSegmentPrismDistance());
  hit.distance = k.distance; hit.t = k.t; hit.x = k.x; hit.y = k.y; hit.z = k.z;
  hit.horizontal = k.horizontal; hit.horizontalT = k.horizontalT; hit.vertical = k.vertical; hit.verticalT = k.verticalT;
  h.segment[slot] = s; h.tolerance[slot] = tolerance; h.radius[slot] = radius; h.link[slot] = link;
  h.pieces[slot] = bit;
  return slot;
}
