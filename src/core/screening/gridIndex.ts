/**
 * A uniform grid over a flatbush index's leaf boxes, for the screening's box search (indexSearch.ts).
 * Derived from the flatbush (the same Float32 boxes, rounded outwards by buildSegmentIndex), so it
 * finds exactly the items `Flatbush.search` finds; only the walk differs. A small dig's padded box
 * meets 1–4 cells, each one contiguous run of its boxes, where the tree walk visits ~5 levels of
 * nodes scattered over the index: at 1M segments the walk was mostly cache misses.
 *
 * Layout: cells row by row; `cellStart[k] .. cellStart[k + 1]` are cell k's entries; an entry is 5
 * 32-bit words in one buffer: minX, minY, maxX, maxY (float32) and the item (int32) with two flags,
 * "this is the first column of the box's cells" and "the first row". A box is stored in every cell it
 * meets; a search reports it once, from the first cell of the box's cells that the search visits
 * (the first column unless the box starts left of the search's first column, same for rows). Each
 * cell's entries are sorted by minX (ties in the flatbush's order), so a scan stops at the first entry
 * that starts right of its box: every later one starts further right (`searchGrid`, gridPieces.ts).
 *
 * Built per flatbush on its second search (`gridOf`), like the tolerance column (ruleContext.ts), so
 * a one-off index does not pay for it; not built (the tree walk serves) when the boxes are so large
 * or so clustered that cells would hold many copies or many boxes each.
 */
import type Flatbush from 'flatbush';

/** Cells per item: about this many items' boxes start in each cell of an even network. */
export const GRID_ITEMS_PER_CELL = 8;
/** No grid when the copies of boxes would exceed this many per item (boxes large against cells). */
const MAX_ENTRIES_PER_ITEM = 4;
/** No grid when an occupied cell would hold more than this many entries on average (a clustered network). */
const MAX_MEAN_CELL_ENTRIES = 64;
/** Fewer items than this: the tree fits in cache and is walked as it is. */
const MIN_GRID_ITEMS = 1024;
/** 32-bit words per entry; the item word's flags and mask (searchGrid, gridPieces.ts). */
export const WORDS = 5;
export const FIRST_COLUMN = 1 << 30;
export const FIRST_ROW = 1 << 31;
export const ITEM_MASK = FIRST_COLUMN - 1;

export interface GridIndex {
  originX: number;
  originY: number;
  /** 1 / cell size, per metre. */
  inverseCell: number;
  columns: number;
  rows: number;
  /** columns × rows + 1 offsets into the entries. */
  cellStart: Uint32Array;
  /** WORDS per entry: the box as float32 … */
  boxes: Float32Array;
  /** … and, in the same buffer, the item with the FIRST_COLUMN / FIRST_ROW flags at word 4. */
  words: Int32Array;
}

export function cellOf(v: number, origin: number, inverseCell: number, cells: number): number {
  const k = Math.floor((v - origin) * inverseCell);
  return k < 0 ? 0 : k >= cells ? cells - 1 : k;
}

/**
 * The grid of a finished flatbush's leaf boxes, or null where the tree walk is the better search
 * (few items, boxes large against the cells, a clustered network).
 */
export function buildGridIndex(index: Flatbush): GridIndex | null {
  const n = index.numItems, boxes = index._boxes, indices = index._indices;
  // Float32 boxes only (buildSegmentIndex's): the grid keeps them as they are, so it finds exactly
  // what the tree finds; Float64 boxes would have to be rounded.
  if (n < MIN_GRID_ITEMS || n > ITEM_MASK || index._pos !== boxes.length || !(boxes instanceof Float32Array)) return null;
  const originX = index.minX, originY = index.minY;
  const width = index.maxX - originX, height = index.maxY - originY;
  if (!(width >= 0 && height >= 0 && Number.isFinite(width + height))) return null;
  const cell = Math.max(Math.sqrt((width * height * GRID_ITEMS_PER_CELL) / n), width / 4096, height / 4096, 1e-3);
  const inverseCell = 1 / cell;
  const columns = Math.max(1, Math.ceil(width * inverseCell)), rows = Math.max(1, Math.ceil(height * inverseCell));
  const counts = new Uint32Array(columns * rows + 1);
  let entries = 0;
  for (let p = 0; p < n; p++) {
    const q = 4 * p;
    // A NaN or inverted box would count no cell yet leave its item out: no grid, the tree walk serves.
    if (!(boxes[q]! <= boxes[q + 2]! && boxes[q + 1]! <= boxes[q + 3]!)) return null;
    const c0 = cellOf(boxes[q]!, originX, inverseCell, columns), c1 = cellOf(boxes[q + 2]!, originX, inverseCell, columns);
    const r0 = cellOf(boxes[q + 1]!, originY, inverseCell, rows), r1 = cellOf(boxes[q + 3]!, originY, inverseCell, rows);
    entries += (c1 - c0 + 1) * (r1 - r0 + 1);
    if (entries > MAX_ENTRIES_PER_ITEM * n) return null;
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) counts[r * columns + c]!++;
  }
  let occupied = 0;
  for (let k = 0; k < columns * rows; k++) if (counts[k]! > 0) occupied++;
  if (entries > MAX_MEAN_CELL_ENTRIES * occupied) return null;
  // Prefix sums: counts becomes each cell's start, then a cursor while filling.
  const cellStart = new Uint32Array(columns * rows + 1);
  for (let k = 0, sum = 0; k <= columns * rows; k++) { cellStart[k] = sum; sum += counts[k]!; }
  counts.set(cellStart);
  const buffer = new ArrayBuffer(entries * WORDS * 4);
  const out = new Float32Array(buffer), words = new Int32Array(buffer);
  for (let p = 0; p < n; p++) {
    const q = 4 * p;
    const x0 = boxes[q]!, y0 = boxes[q + 1]!, x1 = boxes[q + 2]!, y1 = boxes[q + 3]!;
    const c0 = cellOf(x0, originX, inverseCell, columns), c1 = cellOf(x1, originX, inverseCell, columns);
    const r0 = cellOf(y0, originY, inverseCell, rows), r1 = cellOf(y1, originY, inverseCell, rows);
    const item = indices[p]!;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const e = counts[r * columns + c]!++ * WORDS;
        out[e] = x0; out[e + 1] = y0; out[e + 2] = x1; out[e + 3] = y1;
        words[e + 4] = item | (c === c0 ? FIRST_COLUMN : 0) | (r === r0 ? FIRST_ROW : 0);
      }
    }
  }
  sortCellsByMinX(cellStart, out, words);
  return { originX, originY, inverseCell, columns, rows, cellStart, boxes: out, words };
}

/**
 * Each cell's entries in order of minX, ties in the order they were stored (the flatbush's): the
 * searches stop a cell's scan at the first entry whose minX is past their box's maxX. Only the order
 * within a cell changes, so a search finds the same items (the screening's rows do not depend on the
 * order of its candidates: gridPieces.ts, screen.ts).
 */
function sortCellsByMinX(cellStart: Uint32Array, boxes: Float32Array, words: Int32Array): void {
  let keys = new Float64Array(64), order = new Int32Array(64), copy = new Int32Array(64 * WORDS);
  const cells = cellStart.length - 1;
  for (let k = 0; k < cells; k++) {
    const first = cellStart[k]!, n = cellStart[k + 1]! - first;
    if (n > keys.length) { keys = new Float64Array(2 * n); order = new Int32Array(2 * n); copy = new Int32Array(2 * n * WORDS); }
    let moved = false;
    if (n > 64) {
      // A crowded cell (one dense cluster): the engine's sort, stable, not an insertion sort's n².
      const many = Array.from({ length: n }, (_, i) => i).sort((a, b) => boxes[(first + a) * WORDS]! - boxes[(first + b) * WORDS]!);
      order.set(many);
      moved = true;
    }
    // Insertion sort of (minX, position) pairs: stable, and a cell holds ~12 entries.
    for (let i = 0; i < n && n <= 64; i++) {
      const x = boxes[(first + i) * WORDS]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > x) { keys[j + 1] = keys[j]!; order[j + 1] = order[j]!; j--; }
      keys[j + 1] = x; order[j + 1] = i;
      if (j + 1 !== i) moved = true;
    }
    if (!moved) continue;
    const base = first * WORDS;
    copy.set(words.subarray(base, base + n * WORDS));
    for (let i = 0; i < n; i++) {
      const from = order[i]! * WORDS, to = base + i * WORDS;
      words[to] = copy[from]!; words[to + 1] = copy[from + 1]!; words[to + 2] = copy[from + 2]!;
      words[to + 3] = copy[from + 3]!; words[to + 4] = copy[from + 4]!;
    }
  }
}

/** Bytes held by a grid (entries and cell offsets). */
export function gridIndexByteLength(g: GridIndex): number {
  return g.boxes.byteLength + g.cellStart.byteLength;
}

/**
 * Every item whose box meets [minX, maxX] × [minY, maxY] (touching counts), each once, into `items`
 * from 0 (grown as needed; the array in use is returned through `grow`). Returns the count. The query
 * must have min ≤ max on both axes (IndexSearch walks the tree otherwise, as for NaN).
 */
export function searchGrid(
  g: GridIndex, minX: number, minY: number, maxX: number, maxY: number,
  items: Int32Array, grow: (needed: number) => Int32Array,
): number {
  const inv = g.inverseCell, columns = g.columns, start = g.cellStart, b = g.boxes, w = g.words;
  const c0 = cellOf(minX, g.originX, inv, columns), c1 = cellOf(maxX, g.originX, inv, columns);
  const r0 = cellOf(minY, g.originY, inv, g.rows), r1 = cellOf(maxY, g.originY, inv, g.rows);
  let count = 0;
  for (let r = r0; r <= r1; r++) {
    const rowFirst = r === r0;
    for (let c = c0; c <= c1; c++) {
      const k = r * columns + c, columnFirst = c === c0;
      const end = start[k + 1]! * WORDS;
      for (let e = start[k]! * WORDS; e < end; e += WORDS) {
        // The cell's entries are sorted by minX: from the first that starts right of the box, none meets it.
        if (maxX < b[e]!) break;
        // The other three tests combined without short-circuit: one branch per entry, not up to three (most entries miss).
        if ((+(maxY < b[e + 1]!) | +(minX > b[e + 2]!) | +(minY > b[e + 3]!)) !== 0) continue;
        const v = w[e + 4]!;
        // Report a box from the first of its cells this search visits, once.
        if ((!columnFirst && (v & FIRST_COLUMN) === 0) || (!rowFirst && (v & FIRST_ROW) === 0)) continue;
        if (count === items.length) items = grow(count + 1);
        items[count++] = v & ITEM_MASK;
      }
    }
  }
  return count;
}

/**
 * The grid copied into SharedArrayBuffers (sharedTable.ts): every screening thread searches the same
 * memory. A structured clone of the result keeps the buffers shared.
 */
export function shareGridIndex(g: GridIndex): GridIndex {
  const entries = new SharedArrayBuffer(g.boxes.byteLength);
  new Uint8Array(entries).set(new Uint8Array(g.boxes.buffer, g.boxes.byteOffset, g.boxes.byteLength));
  const cellStart = new Uint32Array(new SharedArrayBuffer(g.cellStart.byteLength));
  cellStart.set(g.cellStart);
  return { ...g, cellStart, boxes: new Float32Array(entries), words: new Int32Array(entries) };
}

/**
 * Takes `grid` (built by buildGridIndex from this index, e.g. received from another thread) as the
 * index's grid from its first search on, instead of building one.
 */
export function adoptGridIndex(index: Flatbush, grid: GridIndex | null): void {
  if (grid && (grid.boxes.length !== grid.words.length || grid.cellStart.length !== grid.columns * grid.rows + 1 ||
    grid.cellStart[grid.cellStart.length - 1]! * WORDS !== grid.boxes.length)) {
    throw new RangeError('adoptGridIndex: the grid\'s cells and entries do not agree');
  }
  // The searches stop a cell's scan at the first entry starting right of the box, so a cell out of
  // minX order (a grid from an older build) would lose items silently: refused.
  if (grid) {
    const b = grid.boxes, start = grid.cellStart;
    for (let k = 0; k + 1 < start.length; k++) {
      for (let e = (start[k]! + 1) * WORDS, end = start[k + 1]! * WORDS; e < end; e += WORDS) {
        if (!(b[e - WORDS]! <= b[e]!)) throw new RangeError(`adoptGridIndex: cell ${k} is not sorted by minX`);
      }
    }
  }
  GRIDS.set(index, { uses: 2, grid });
  if (lastGrid?.index === index) lastGrid = null;
}

const GRIDS = new WeakMap<Flatbush, { uses: number; grid: GridIndex | null }>();
let lastGrid: { index: Flatbush; grid: GridIndex | null } | null = null;

/**
 * The grid of `index`, built on its second search and kept with it (null before, and where
 * `buildGridIndex` declines).
 */
export function gridOf(index: Flatbush): GridIndex | null {
  const last = lastGrid;
  if (last && last.index === index) return last.grid;
  let entry = GRIDS.get(index);
  if (!entry) GRIDS.set(index, (entry = { uses: 0, grid: null }));
  if (++entry.uses === 2) entry.grid = buildGridIndex(index);
  if (entry.uses >= 2) lastGrid = { index, grid: entry.grid };
  return entry.grid;
}
