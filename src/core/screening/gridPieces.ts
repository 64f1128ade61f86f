/**
 * The grid search (gridIndex.ts) for a work of several pieces (searchPieces.ts `collectOnGrid`): the
 * union of the pieces' padded-box searches in one scan of the union of their cells, each item reported
 * once for the whole work with the mask of every piece whose box its box meets: no per-item stamp,
 * and the item's entry (its box) for the plan-shape cull (manyPieces.ts).
 */
import { cellOf, FIRST_COLUMN, FIRST_ROW, ITEM_MASK, WORDS, type GridIndex } from './gridIndex';

/** What `searchGridWork` reports per item: the item, its mask of pieces, its entry's word offset (its box). */
export interface PieceItems {
  items: Int32Array;
  masks: Int32Array;
  entries: Int32Array;
}

/** `out` with room for n items (its arrays grown, contents kept). */
export function growPieceItems(out: PieceItems, n: number): void {
  if (n <= out.items.length) return;
  const size = Math.max(n, 2 * out.items.length);
  const i = new Int32Array(size); i.set(out.items); out.items = i;
  const m = new Int32Array(size); m.set(out.masks); out.masks = m;
  const e = new Int32Array(size); e.set(out.entries); out.entries = e;
}

/** Per piece of the current work: the first and last column and row of the cells its padded box meets. */
const PIECE_CELLS = new Int32Array(4 * 32);
/**
 * Per row of the current work's cells, ROW_SPAN words: the mask of the pieces whose cells take it in,
 * its first and last column, and the first and end entry of those columns' cells (0, -1 where the
 * pieces leave cells between them: that row's entries are touched piece by piece).
 */
const ROW_SPAN = 5;
let ROW_SPANS = new Int32Array(ROW_SPAN * 64);
/** 32-bit words per 64-byte cache line: the stride of the entries' early touch. */
const LINE_WORDS = 16;
/** Where the early touch of the entries leaves what it read (so that the reads stay). */
const TOUCHED = new Int32Array(1);

/**
 * The grid search for a work of several pieces (2 to 32), each piece with its padded plan box
 * (`boxes`: minX, minY, maxX, maxY per piece): every item whose box meets some piece's box, reported
 * once, with the mask of every piece whose box it meets (bit q for piece q) and its entry's word
 * offset in `g.boxes`. The same items and masks as each piece searching its own cells (`searchGrid`
 * per piece, the union kept), but every cell of the union of the pieces' cells is scanned once: a
 * bore's legs and pits and a trench's boxes, joints and mitres share many cells (the bench's bores
 * scan 124 entries instead of 203, its trenches 59 instead of 188).
 *
 * Reported once: an entry is reported from the cell the search of p (the first piece whose box meets
 * it) reports it from, the first of the box's cells in p's cells: (max(box's first column, p's
 * first), max(box's first row, p's first)). That cell is in p's cells (a box that meets p's box
 * meets its cells: `cellOf` is monotone), so the scan visits it once, and an entry is stored in every
 * cell its box meets, so it is met there. The order of the items is the scan's (rows sorted by
 * verdict, distance and line id do not depend on it; each item's pieces are still tried in piece
 * order). Reported from `out` position 0; returns the count.
 */
export function searchGridWork(g: GridIndex, boxes: Float64Array, pieces: number, out: PieceItems): number {
  const inv = g.inverseCell, columns = g.columns, rows = g.rows, start = g.cellStart, b = g.boxes, w = g.words;
  const cells = PIECE_CELLS, end = 4 * pieces;
  let firstRow = rows, lastRow = -1;
  for (let o = 0; o < end; o += 4) {
    const r0 = (cells[o + 1] = cellOf(boxes[o + 1]!, g.originY, inv, rows)), r1 = (cells[o + 3] = cellOf(boxes[o + 3]!, g.originY, inv, rows));
    cells[o] = cellOf(boxes[o]!, g.originX, inv, columns); cells[o + 2] = cellOf(boxes[o + 2]!, g.originX, inv, columns);
    if (r0 < firstRow) firstRow = r0;
    if (r1 > lastRow) lastRow = r1;
  }
  // Per row, the pieces whose cells take in it, the columns they span, and where the entries of those
  // cells begin and end (one run: cells are stored row by row). Every row's cell offsets are read in
  // one loop, then every row's entries touched (a word per cache line) in another, so that their
  // cache misses overlap in two rounds instead of waiting two rounds per cell in the scan below.
  const spanWords = ROW_SPAN * (lastRow - firstRow + 1);
  if (spanWords > ROW_SPANS.length) ROW_SPANS = new Int32Array(Math.max(spanWords, 2 * ROW_SPANS.length));
  const spans = ROW_SPANS;
  for (let row = firstRow, r = 0; row <= lastRow; row++, r += ROW_SPAN) {
    let rowMask = 0, c0 = columns, c1 = -1, widths = 0;
    for (let o = 0, bit = 1; o < end; o += 4, bit <<= 1) {
      if (cells[o + 1]! > row || cells[o + 3]! < row) continue;
      rowMask |= bit;
      if (cells[o]! < c0) c0 = cells[o]!;
      if (cells[o + 2]! > c1) c1 = cells[o + 2]!;
      widths += cells[o + 2]! - cells[o]! + 1;
    }
    spans[r] = rowMask; spans[r + 1] = c0; spans[r + 2] = c1;
    // Pieces far apart in one row (a pile group spread wide) leave cells between them that the scan
    // skips: such a row is touched piece by piece (start 0, end -1 marks it), not over its whole span.
    const gaps = c1 - c0 + 1 > widths;
    spans[r + 3] = rowMask === 0 || gaps ? 0 : start[row * columns + c0]!;
    spans[r + 4] = rowMask === 0 ? 0 : gaps ? -1 : start[row * columns + c1 + 1]!;
  }
  let touched = 0;
  for (let r = 0, row = firstRow; r < spanWords; r += ROW_SPAN, row++) {
    if (spans[r + 4] === -1) {
      for (let left = spans[r]!; left !== 0;) {
        const low = left & -left;
        left ^= low;
        const o = 4 * (31 - Math.clz32(low)), k = row * columns;
        for (let e = start[k + cells[o]!]! * WORDS, stop = start[k + cells[o + 2]! + 1]! * WORDS; e < stop; e += LINE_WORDS) touched ^= w[e]!;
      }
      continue;
    }
    for (let e = spans[r + 3]! * WORDS, stop = spans[r + 4]! * WORDS; e < stop; e += LINE_WORDS) touched ^= w[e]!;
  }
  TOUCHED[0] = touched;
  let count = 0;
  for (let row = firstRow, r = 0; row <= lastRow; row++, r += ROW_SPAN) {
    const rowMask = spans[r]!, c0 = spans[r + 1]!, c1 = spans[r + 2]!;
    for (let column = c0, k = row * columns + c0; column <= c1; column++, k++) {
      // The pieces whose cells take in this cell, and the box around their boxes: an entry that meets
      // none of them is reported from another cell (or by none).
      let cellMask = 0, minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (let left = rowMask; left !== 0;) {
        const low = left & -left;
        left ^= low;
        const o = 4 * (31 - Math.clz32(low));
        if (cells[o]! > column || cells[o + 2]! < column) continue;
        cellMask |= low;
        if (boxes[o]! < minX) minX = boxes[o]!;
        if (boxes[o + 1]! < minY) minY = boxes[o + 1]!;
        if (boxes[o + 2]! > maxX) maxX = boxes[o + 2]!;
        if (boxes[o + 3]! > maxY) maxY = boxes[o + 3]!;
      }
      if (cellMask === 0) continue;
      for (let e = start[k]! * WORDS, stop = start[k + 1]! * WORDS; e < stop; e += WORDS) {
        const x0 = b[e]!, y0 = b[e + 1]!, x1 = b[e + 2]!, y1 = b[e + 3]!;
        // Entries sorted by minX (gridIndex.ts): from the first that starts right of the box, none meets it.
        if (maxX < x0) break;
        if ((+(maxY < y0) | +(minX > x1) | +(minY > y1)) !== 0) continue;
        // The first piece whose box meets the entry's (the test each piece's search makes)…
        let o = 0;
        while (o < end && (+(boxes[o + 2]! < x0) | +(boxes[o + 3]! < y0) | +(boxes[o]! > x1) | +(boxes[o + 1]! > y1)) !== 0) o += 4;
        if (o === end) continue;
        // …reports it only from the cell its search reports it from (the later pieces not tested elsewhere)…
        const v = w[e + 4]!, pc = cells[o]!, pr = cells[o + 1]!;
        if (column !== pc && (column < pc || (v & FIRST_COLUMN) === 0)) continue;
        if (row !== pr && (row < pr || (v & FIRST_ROW) === 0)) continue;
        // …with every later piece whose box meets it.
        let mask = 1 << (o >> 2);
        for (let q = o + 4, bit = mask << 1; q < end; q += 4, bit <<= 1) {
          if ((+(boxes[q + 2]! < x0) | +(boxes[q + 3]! < y0) | +(boxes[q]! > x1) | +(boxes[q + 1]! > y1)) === 0) mask |= bit;
        }
        if (count === out.items.length) growPieceItems(out, count + 1);
        out.items[count] = v & ITEM_MASK; out.masks[count] = mask; out.entries[count++] = e;
      }
    }
  }
  return count;
}
