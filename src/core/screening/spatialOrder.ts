/**
 * The order a segment table (segmentTable.ts) stores its lines' segments in: along a Hilbert curve
 * over the lines' plan centres, so that a work's candidates, which are segments near each other, sit
 * near each other in memory (screening README, "The table in Hilbert order").
 */
import { VERTEX_STRIDE } from '../model';
import type { ScreenedLink } from './segmentTable';

/** Cells per side of the grid `spatialOrder` numbers along the Hilbert curve (2^14: keys below 2^28). */
const HILBERT_SIDE = 1 << 14;

/** The distance along the Hilbert curve of cell (x, y) of a side × side grid (side a power of 2). */
export function hilbertIndex(x: number, y: number, side: number): number {
  let d = 0;
  for (let s = side >>> 1; s > 0; s >>>= 1) {
    const rx = (x & s) !== 0 ? 1 : 0, ry = (y & s) !== 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) { x = side - 1 - x; y = side - 1 - y; }
      const t = x; x = y; y = t;
    }
  }
  return d;
}

/**
 * The order the links' segments are stored in: by the Hilbert index of each link's plan bbox centre
 * (ties, and links without a finite vertex, in input order). A dig's candidates are segments near
 * each other, so stored this way they share cache lines and pages: the gather's, the kernels' and the
 * rows' reads of scattered columns become mostly nearby reads (README, "The table in Hilbert order").
 * Only the segments' storage moves: a link keeps its input number (linkIds, linkUtility, linkQuality,
 * linkOfSegment), its segments stay together and in vertex order.
 */
export function spatialOrder(links: readonly ScreenedLink[]): Uint32Array {
  const n = links.length;
  const cx = new Float64Array(n), cy = new Float64Array(n);
  for (let li = 0; li < n; li++) {
    const v = links[li]!.vertices;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let o = 0; o + 1 < v.length; o += VERTEX_STRIDE) {
      const x = v[o]!, y = v[o + 1]!;
      if (!(Number.isFinite(x) && Number.isFinite(y))) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    cx[li] = x0 / 2 + x1 / 2; cy[li] = y0 / 2 + y1 / 2; // NaN for a link without a finite vertex
  }
  // The curve spans the centres' 1st to 99th percentiles, so a few lines far away (a mistyped
  // coordinate, a depot in another town) do not squeeze the city into a few cells; the lines outside
  // are numbered from the border cells.
  const [minX, maxX] = middleSpan(cx), [minY, maxY] = middleSpan(cy);
  // key × 2^23 + link number is exact below 2^53 (keys ≤ 2^28): one numeric sort, no comparator calls.
  const packed = new Float64Array(n), sx = (HILBERT_SIDE - 1) / (maxX - minX || 1), sy = (HILBERT_SIDE - 1) / (maxY - minY || 1);
  const none = HILBERT_SIDE * HILBERT_SIDE; // after every key: links without a finite vertex
  for (let li = 0; li < n; li++) {
    const x = cx[li]!, y = cy[li]!;
    const key = x === x && y === y
      ? hilbertIndex(cellAt((x - minX) * sx), cellAt((y - minY) * sy), HILBERT_SIDE)
      : none;
    packed[li] = n <= PACK ? key * PACK + li : key;
  }
  const order = new Uint32Array(n);
  if (n <= PACK) {
    packed.sort();
    for (let i = 0; i < n; i++) order[i] = packed[i]! % PACK;
  } else {
    for (let li = 0; li < n; li++) order[li] = li;
    order.sort((a, b) => packed[a]! - packed[b]! || a - b);
  }
  return order;
}

/** Link numbers below this pack beside a Hilbert key into one exact double (`spatialOrder`). */
const PACK = 1 << 23;

/** Cell number of a scaled coordinate, clamped to the grid (NaN: 0). */
function cellAt(v: number): number {
  return !(v > 0) ? 0 : v >= HILBERT_SIDE - 1 ? HILBERT_SIDE - 1 : Math.floor(v);
}

/** The 1st and 99th percentiles of the finite values (0, 0 when there are none). */
function middleSpan(values: Float64Array): [number, number] {
  const finite = values.filter(Number.isFinite).sort();
  if (finite.length === 0) return [0, 0];
  const at = (q: number): number => finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]!;
  return [at(0.01), at(0.99)];
}
