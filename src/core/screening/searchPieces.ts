/**
 * screen.ts `collect`'s searches, culls and kernel calls, by the shape of the work: one piece (an open
 * cut), 2–32 pieces on the index's grid (one scan of the union of their cells, one report per item for
 * the whole work, a plan-shape cull before the gather), and the rest (each piece searching apart,
 * per-segment stamp rows). Each fills hits.ts's slots and returns the candidates (`summary.candidates`: the items of the union of the
 * pieces' padded-box searches). Functions of their own: V8 optimises and inlines each apart.
 */
import type Flatbush from 'flatbush';
import type { GridIndex } from './gridIndex';
import { searchGridWork, type PieceItems } from './gridPieces';
import { boxGap2, gather, GATHER_STRIDE, GATHERED, gatherRows, growHits, HITS, KERNEL_OUT, newSlot, reachOf, tryPiece } from './hits';
import { IndexSearch } from './indexSearch';
import { PIECE_SEARCH, PLAN_CULL_STRIDE, planShapeMeets, rowsFor, segmentRows } from './manyPieces';
import { segmentToleranceOf, VERDICT_SLACK_M, type RuleContext } from './ruleContext';
import type { SegmentTable } from './segmentTable';
import { pieceDistanceAt, type Piece, type Volume } from './volume';

const SEARCH = new IndexSearch();
/** A work of 2 to 32 pieces: what each piece's search reports. */
const PIECE_ITEMS: PieceItems = { items: new Int32Array(256), masks: new Int32Array(256), entries: new Int32Array(256) };

/**
 * `collect`'s search, culls and kernels for a work of 2 to 32 pieces on the index's grid (PIECE_SEARCH
 * prepared): one scan of the union of the pieces' cells reports each item of the union of the pieces'
 * searches once (gridPieces.ts searchGridWork), with the pieces whose padded box its box meets; those
 * whose plan shape it cannot come within the pad of are dropped before its data is read
 * (manyPieces.ts planShapeMeets); the rest are gathered in one loop and each is tested against its
 * pieces in piece order, as each piece's search would (a segment's slot goes from piece to piece in
 * the same order). Returns the candidates (the union's items). Its own function: V8 optimises (and
 * inlines into) it apart from the one-piece path.
 */
export function collectOnGrid(table: SegmentTable, grid: GridIndex, volume: Volume, ctx: RuleContext, tolerances: Float64Array | null): number {
  const found = PIECE_ITEMS, cellBoxes = grid.boxes;
  const n = searchGridWork(grid, PIECE_SEARCH.boxes, volume.pieces.length, found);
  const items = found.items, masks = found.masks, at = found.entries;
  let m = 0;
  for (let f = 0; f < n; f++) {
    const e = at[f]!, x0 = cellBoxes[e]!, y0 = cellBoxes[e + 1]!, x1 = cellBoxes[e + 2]!, y1 = cellBoxes[e + 3]!;
    let mask = masks[f]!;
    for (let left = mask; left !== 0;) {
      const low = left & -left;
      left ^= low;
      if (!planShapeMeets(PIECE_SEARCH.culls, PLAN_CULL_STRIDE * (31 - Math.clz32(low)), x0, y0, x1, y1)) mask ^= low;
    }
    if (mask !== 0) { items[m] = items[f]!; masks[m++] = mask; }
  }
  if (m === 0) return n;
  gather(table, tolerances, items, m);
  growHits(m);
  const g = GATHERED.data;
  for (let f = 0; f < m; f++) {
    const s = items[f]!;
    if (tolerances === null) g[f * GATHER_STRIDE + 7] = segmentToleranceOf(table, ctx, s);
    let slot = -1;
    for (let left = masks[f]!; left !== 0;) {
      const low = left & -left;
      left ^= low;
      slot = tryPiece(volume.pieces[31 - Math.clz32(low)]!, low, slot, s, f);
    }
  }
  return n;
}

/**
 * `collect`'s search, culls and kernel calls for a work of one piece (an open cut): its own function,
 * so that V8 optimises and inlines it as the single loop it was before the seventh round (with the
 * kernel call in `tryPiece`, or inlined into a `collect` that also holds the other paths, open cuts
 * read 2–8% slower in same-run A/Bs at load 4–8). Returns the candidates.
 */
export function collectOnePiece(table: SegmentTable, index: Flatbush, piece: Piece, ctx: RuleContext, tolerances: Float64Array | null): number {
  const b = piece.bounds, searchPad = ctx.searchPad, pad = ctx.pad;
  const n = SEARCH.run(index, b.minX - searchPad, b.minY - searchPad, b.maxX + searchPad, b.maxY + searchPad);
  const found = SEARCH.items;
  gather(table, tolerances, found, n);
  growHits(n);
  const g = GATHERED.data, h = HITS;
  let tested = 0;
  for (let f = 0; f < n; f++) {
    const s = found[f]!, q = f * GATHER_STRIDE;
    if (tolerances === null) g[q + 7] = segmentToleranceOf(table, ctx, s);
    const g2 = boxGap2(b, g, q);
    if (g2 > pad * pad) continue;
    const reach = reachOf(g, q);
    if (g2 > reach * reach) continue;
    tested++;
    newSlot(pieceDistanceAt(piece, g, q, KERNEL_OUT, reach + VERDICT_SLACK_M), s, f, 1);
  }
  h.tested += tested;
  return n;
}

/**
 * `collect`'s searches for a work of several pieces off the grid path (more than 32 pieces, an index
 * without a grid): each piece searches the index with its own padded box; a segment
 * keeps the row (and hit slot) it got from the first piece that found it (manyPieces.ts segmentRows).
 * Returns the candidates.
 */
export function collectEach(table: SegmentTable, index: Flatbush, volume: Volume, ctx: RuleContext, tolerances: Float64Array | null): number {
  const pieceCount = volume.pieces.length, searchPad = ctx.searchPad, H = HITS;
  let candidates = 0;
  const segRows = segmentRows(table.segmentCount);
  for (let p = 0; p < pieceCount; p++) {
    const piece = volume.pieces[p]!, bit = p < 32 ? 1 << p : 0;
    const b = piece.bounds;
    const n = SEARCH.run(index, b.minX - searchPad, b.minY - searchPad, b.maxX + searchPad, b.maxY + searchPad);
    const found = SEARCH.items;
    const rows = rowsFor(segRows, n);
    const first = candidates;
    const st = segRows.stamp, sr = segRows.row, now = segRows.now;
    for (let f = 0; f < n; f++) {
      const s = found[f]!;
      if (st[s] === now) { rows[f] = sr[s]!; continue; }
      st[s] = now; sr[s] = candidates; rows[f] = candidates++;
    }
    gatherRows(table, tolerances, found, rows, n, first, candidates);
    growHits(H.count + n);
    const g = GATHERED.data, gSlot = GATHERED.slot;
    for (let f = 0; f < n; f++) {
      const s = found[f]!, row = rows[f]!;
      // Without the table's tolerance column (its first screening), the tolerance from the line.
      if (tolerances === null) g[row * GATHER_STRIDE + 7] = segmentToleranceOf(table, ctx, s);
      gSlot[row] = tryPiece(piece, bit, gSlot[row]!, s, row);
    }
  }
  return candidates;
}
