/**
 * What screen.ts `collect` keeps for a work of several pieces (a trench's boxes, joints and mitres; a
 * bore's legs and pits; piles): a segment found by several pieces' searches is gathered once and keeps
 * one hit slot (per-segment stamps: no Map or Set per screening), and a listed line's plan distance
 * and gap are completed over the pieces `collect` did not run.
 */
import { createSegmentPrismDistance, type SegmentPrismDistance } from './segmentDistance';
import { VERDICT_SLACK_M } from './ruleContext';
import { hypot2 } from './segmentSegment';
import type { SegmentTable } from './segmentTable';
import { foldPieceDistance, pieceDistanceAt, type Piece, type Volume } from './volume';

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
    const gx = gap(b.minX, b.maxX, minX, maxX), gy = gap(b.minY, b.maxY, minY, maxY);
    // The same decisions as on hypot2(gx, gy) alone (Math.hypot's value), which is 0 where both are
    // and never below the larger: past h on the larger, or on a gap at all when h is 0, it is skipped
    // without it.
    const larger = gx > gy ? gx : gy;
    if (larger > hit.horizontal || (larger > 0 && hit.horizontal === 0)) continue;
    if (larger > 0 && hypot2(gx, gy) > hit.horizontal) continue;
    foldPieceDistance(hit, pieceDistanceAt(piece, c, o, PLAN_OUT, Infinity));
  }
}

/** Numbers per piece in a plan cull (`writePlanCull`): a kind, then its shape. */
export const PLAN_CULL_STRIDE = 20;
const CULL_NONE = 0, CULL_CAPSULE = 1, CULL_DISC = 2, CULL_CONVEX = 3;
/** Convex pieces of more walls than this are culled by their box alone. */
const CULL_MAX_WALLS = 5;

/** Whether (x, y) is a unit vector to within rounding: the projections below are then distances. */
function unit(x: number, y: number): boolean {
  const d = x * x + y * y - 1;
  return d <= 1e-12 && d >= -1e-12;
}

/**
 * Writes at `cull[o …]` what `planShapeMeets` needs to tell whether an index box can hold a segment
 * within `searchPad` of the piece in plan, by the piece's plan shape rather than its box: a capsule's
 * plan axis (unit direction, plan length) and radius, a cylinder's disc, a convex prism's walls (unit
 * outward normals and offsets). A prism (an open cut, a pit) is culled by its box alone (the search).
 */
export function writePlanCull(cull: Float64Array, o: number, piece: Piece, searchPad: number): void {
  // The bound each lower bound is compared with: the search's pad, one more slack for the rounding of
  // the lower bounds below (~1e-11 m at city scale).
  const limit = searchPad + VERDICT_SLACK_M;
  cull[o] = CULL_NONE;
  if (piece.shape === 'capsule') {
    const k = piece.capsule, length = Math.sqrt(k.ax * k.ax + k.ay * k.ay);
    // A vertical leg is a point in plan: any orthonormal pair of axes bounds its distance.
    const ux = length > 0 ? k.ax / length : 1, uy = length > 0 ? k.ay / length : 0;
    // Below ~1e-154 m of plan length the squares underflow and (ux, uy) is not a unit vector (up to
    // 1.22 long: every projection would overstate the gap). Such a leg keeps its box alone.
    if (!unit(ux, uy)) return;
    cull[o] = CULL_CAPSULE; cull[o + 1] = k.originX; cull[o + 2] = k.originY; cull[o + 3] = ux; cull[o + 4] = uy;
    cull[o + 5] = length; cull[o + 6] = k.radius + limit;
  } else if (piece.shape === 'cylinder') {
    const k = piece.cylinder;
    cull[o] = CULL_DISC; cull[o + 1] = k.centreX; cull[o + 2] = k.centreY; cull[o + 3] = k.radius + limit;
  } else if (piece.shape === 'convex' && piece.convex.vertexCount <= CULL_MAX_WALLS) {
    const k = piece.convex, n = k.vertexCount;
    // The walls' normals are unit unless an edge is so short that its squares underflow (convexPrism.ts):
    // then the piece keeps its box alone.
    for (let i = 0; i < n; i++) if (!unit(k.nx[i]!, k.ny[i]!)) return;
    cull[o] = CULL_CONVEX; cull[o + 1] = k.originX; cull[o + 2] = k.originY; cull[o + 3] = limit; cull[o + 4] = n;
    for (let i = 0; i < n; i++) { cull[o + 5 + 3 * i] = k.nx[i]!; cull[o + 6 + 3 * i] = k.ny[i]!; cull[o + 7 + 3 * i] = k.offset[i]!; }
  }
}

/**
 * Whether the box [minX, maxX] × [minY, maxY] can come within the cull's limit of its piece in plan
 * (false: it cannot, so a segment in it can get no verdict from that piece). Lower bounds by
 * projection: every point of the box and every point of the shape are at least the gap between their
 * projections on a unit direction apart, and at least √(gu² + gn²) for two orthogonal directions
 * (the capsule's axis and its normal); for a convex polygon, its walls' outward normals.
 */
export function planShapeMeets(cull: Float64Array, o: number, minX: number, minY: number, maxX: number, maxY: number): boolean {
  const kind = cull[o]!;
  if (kind === CULL_NONE) return true;
  const hx = (maxX - minX) / 2, hy = (maxY - minY) / 2;
  const cx = minX + hx - cull[o + 1]!, cy = minY + hy - cull[o + 2]!;
  if (kind === CULL_CAPSULE) {
    const ux = cull[o + 3]!, uy = cull[o + 4]!, limit = cull[o + 6]!;
    const ex = ux < 0 ? -ux : ux, ey = uy < 0 ? -uy : uy;
    // Along the axis the leg is [0, length]; across it, the single value 0.
    const along = ux * cx + uy * cy, extent = ex * hx + ey * hy;
    const beyond = along - extent - cull[o + 5]!, before = -along - extent;
    const gu = beyond > before ? (beyond > 0 ? beyond : 0) : (before > 0 ? before : 0);
    const across = ux * cy - uy * cx, side = across < 0 ? -across : across;
    const gn = side - (ey * hx + ex * hy);
    return gu * gu + (gn > 0 ? gn * gn : 0) <= limit * limit;
  }
  if (kind === CULL_DISC) {
    const limit = cull[o + 3]!;
    const dx = (cx < 0 ? -cx : cx) - hx, dy = (cy < 0 ? -cy : cy) - hy;
    return (dx > 0 ? dx * dx : 0) + (dy > 0 ? dy * dy : 0) <= limit * limit;
  }
  const limit = cull[o + 3]!, n = cull[o + 4]!;
  for (let i = 0, q = o + 5; i < n; i++, q += 3) {
    const nx = cull[q]!, ny = cull[q + 1]!;
    // The box's nearest point along the wall's outward normal, past the wall's line by more than the limit.
    if (nx * cx + ny * cy - ((nx < 0 ? -nx : nx) * hx + (ny < 0 ? -ny : ny) * hy) - cull[q + 2]! > limit) return false;
  }
  return true;
}

/** For a work of 2 to 32 pieces searched on the grid (screen.ts): per piece its padded plan box and its plan cull. */
export const PIECE_SEARCH = { boxes: new Float64Array(4 * 32), culls: new Float64Array(PLAN_CULL_STRIDE * 32) };

/**
 * Fills PIECE_SEARCH for a work's pieces; false where the per-piece searches must serve: a piece's
 * padded box is not a finite box in order (never from a validated work). Pile groups take this path
 * too since the union of the pieces' cells is scanned once (gridPieces.ts searchGridWork): before,
 * each of a group's ~12 piles scanned the same few cells (README, "Pile groups on the union scan").
 */
export function preparePieceSearch(volume: Volume, pieceCount: number, searchPad: number): boolean {
  const boxes = PIECE_SEARCH.boxes, culls = PIECE_SEARCH.culls, pieces = volume.pieces;
  for (let p = 0; p < pieceCount; p++) {
    const piece = pieces[p]!, b = piece.bounds, o = 4 * p;
    const minX = (boxes[o] = b.minX - searchPad), minY = (boxes[o + 1] = b.minY - searchPad);
    const maxX = (boxes[o + 2] = b.maxX + searchPad), maxY = (boxes[o + 3] = b.maxY + searchPad);
    if (!(minX <= maxX && minY <= maxY && maxX - minX < Infinity && maxY - minY < Infinity)) return false;
    writePlanCull(culls, PLAN_CULL_STRIDE * p, piece, searchPad);
  }
  return true;
}
