/**
 * What screen.ts `collect` keeps for a work of several pieces (a trench's boxes, joints and mitres; a
 * bore's legs and pits; piles): a segment found by several pieces' searches is gathered once and keeps
 * one hit slot (per-segment stamps: no Map or Set per screening), and a listed line's plan distance
 * and gap are completed over the pieces `collect` did not run.
 */
import { createSegmentPrismDistance, type SegmentPrismDistance } from './distance';
import type { SegmentTable } from './segmentTable';
import { foldPieceDistance, pieceDistance, type Volume } from './volume';

/** Gap between two intervals (0 where they overlap). */
export function gap(aMin: number, aMax: number, bMin: number, bMax: number): number {
  const a = aMin - bMax, b = bMin - aMax;
  return a > b ? (a > 0 ? a : 0) : (b > 0 ? b : 0);
}

/**
 * Per segment of the table, the row of screen.ts's gathered candidates it got in this screening,
 * valid where `stamp` holds `now` (one number per screening: no clearing). Sized to the largest
 * table screened so far (8 bytes per segment); `of` holds, per item of the current piece's search,
 * its row.
 */
export interface SegmentRows {
  stamp: Uint32Array;
  row: Int32Array;
  now: number;
  of: Int32Array;
}

const ROWS: SegmentRows = { stamp: new Uint32Array(0), row: new Int32Array(0), now: 0, of: new Int32Array(256) };

/** The shared rows, for a new screening of a table of `segments` segments. */
export function segmentRows(segments: number): SegmentRows {
  const r = ROWS;
  if (segments > r.stamp.length) { r.stamp = new Uint32Array(segments); r.row = new Int32Array(segments); r.now = 0; }
  if (++r.now === 0xffffffff) { r.stamp.fill(0); r.now = 1; }
  return r;
}

/** `rows.of`, with room for a search of n items. */
export function rowsFor(rows: SegmentRows, n: number): Int32Array {
  if (n > rows.of.length) rows.of = new Int32Array(Math.max(n, 2 * rows.of.length));
  return rows.of;
}

const PLAN_OUT = createSegmentPrismDistance();

/**
 * Plan distance and vertical gap are minima over the whole volume, but the 3D cull skips pieces out of
 * reach in 3D that can still be the nearest in plan (a bore passing deep under a line). For a listed
 * line's deciding segment, fold in every piece whose plan box could be nearer.
 */
export function completePlanAndGap(volume: Volume, table: SegmentTable, s: number, hit: SegmentPrismDistance, folded: number): void {
  const c = table.coords, o = s * 6;
  const x0 = c[o]!, y0 = c[o + 1]!, z0 = c[o + 2]!, x1 = c[o + 3]!, y1 = c[o + 4]!, z1 = c[o + 5]!;
  const minX = Math.min(x0, x1), maxX = Math.max(x0, x1), minY = Math.min(y0, y1), maxY = Math.max(y0, y1);
  const h = hit.horizontal;
  const near = volume.index ? volume.index.search(minX - h, minY - h, maxX + h, maxY + h) : null;
  const count = near ? near.length : volume.pieces.length;
  for (let k = 0; k < count; k++) {
    const p = near ? near[k]! : k;
    // Pieces `collect` ran the kernel of already gave their exact plan distance and gap.
    if (p < 32 && (folded & (1 << p)) !== 0) continue;
    const piece = volume.pieces[p]!;
    const b = piece.bounds;
    const planGap = Math.hypot(gap(b.minX, b.maxX, minX, maxX), gap(b.minY, b.maxY, minY, maxY));
    if (planGap > hit.horizontal || (planGap > 0 && hit.horizontal === 0)) continue;
    foldPieceDistance(hit, pieceDistance(piece, x0, y0, z0, x1, y1, z1, PLAN_OUT));
  }
}
