/**
 * The grid search (gridIndex.ts) for a work of several pieces (screen.ts `collectOnGrid`): each piece
 * searches its own padded plan box, and an item found by several pieces is reported once for the
 * whole work, by the first piece that finds it, with the mask of every piece whose box its box meets:
 * no per-item stamp, and the item's entry (its box) for the plan-shape cull (manyPieces.ts).
 */
import { cellOf, FIRST_COLUMN, FIRST_ROW, ITEM_MASK, WORDS, type GridIndex } from './gridIndex';

/** What `searchGridPiece` reports per item: the item, its mask of pieces, its entry's word offset (its box). */
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

/**
 * One piece's search for a work of several pieces (2 to 32), each piece with its padded plan box
 * (`boxes`: minX, minY, maxX, maxY per piece): the items whose box meets piece p's box (as
 * `searchGrid`, each once) and meets no earlier piece's box, each with the mask of every piece whose
 * box it meets (bit q for piece q, p's included) and its entry's word offset in `g.boxes`. Over
 * p = 0 … pieces − 1 every item of the union of the pieces' searches is so reported exactly once (by
 * the first piece that finds it): no per-item stamp. Reported from `out` position `from` on; returns
 * the new end.
 */
export function searchGridPiece(g: GridIndex, boxes: Float64Array, pieces: number, p: number, out: PieceItems, from: number): number {
  const o = 4 * p, minX = boxes[o]!, minY = boxes[o + 1]!, maxX = boxes[o + 2]!, maxY = boxes[o + 3]!;
  const inv = g.inverseCell, columns = g.columns, start = g.cellStart, b = g.boxes, w = g.words;
  const firstColumn = cellOf(minX, g.originX, inv, columns), lastColumn = cellOf(maxX, g.originX, inv, columns);
  const firstRow = cellOf(minY, g.originY, inv, g.rows), lastRow = cellOf(maxY, g.originY, inv, g.rows);
  let count = from;
  for (let row = firstRow; row <= lastRow; row++) {
    for (let column = firstColumn, k = row * columns + column; column <= lastColumn; column++, k++) {
      // A box is reported from the first of its cells this search visits: past the search's first
      // column (row), only from the first column (row) of the box's cells.
      const need = (column > firstColumn ? FIRST_COLUMN : 0) | (row > firstRow ? FIRST_ROW : 0);
      for (let e = start[k]! * WORDS, end = start[k + 1]! * WORDS; e < end; e += WORDS) {
        const x0 = b[e]!, y0 = b[e + 1]!, x1 = b[e + 2]!, y1 = b[e + 3]!;
        if ((+(maxX < x0) | +(maxY < y0) | +(minX > x1) | +(minY > y1)) !== 0) continue;
        const v = w[e + 4]!;
        if ((v & need) !== need) continue;
        // Found by an earlier piece (the same test as that piece's search): reported there.
        let q = 0;
        while (q < o && (+(boxes[q + 2]! < x0) | +(boxes[q + 3]! < y0) | +(boxes[q]! > x1) | +(boxes[q + 1]! > y1)) !== 0) q += 4;
        if (q < o) continue;
        let mask = 1 << p;
        for (let q = o + 4, bit = 2 << p; q < 4 * pieces; q += 4, bit <<= 1) {
          if ((+(boxes[q + 2]! < x0) | +(boxes[q + 3]! < y0) | +(boxes[q]! > x1) | +(boxes[q + 1]! > y1)) === 0) mask |= bit;
        }
        if (count === out.items.length) growPieceItems(out, count + 1);
        out.items[count] = v & ITEM_MASK; out.masks[count] = mask; out.entries[count++] = e;
      }
    }
  }
  return count;
}
