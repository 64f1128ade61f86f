/**
 * Excavations: the volumes a permit asks to dig, in the project's local metric frame (x east,
 * y north, metres) with elevations in the project's vertical datum (DESIGN.md, "Screening a dig").
 *
 * Only the open cut exists so far. Later kinds (trench corridor: centre line + width + depth; bore
 * path: 3D polyline + reamer diameter; piles: points + diameter + depth) join the `Excavation` union
 * with their own validator in `validateExcavation`'s switch and their own volume in screen.ts.
 *
 * Every excavation is untrusted input: validation refuses it with an ExcavationError naming the
 * field and quoting the value, and returns a normalised copy (the input is never mutated).
 */

/** Refuse works wider than this: a permit bigger than 2 km across is a data-entry error, not a dig. */
export const MAX_EXCAVATION_EXTENT_M = 2000;
/** Refuse works deeper than this (top to bottom); deep shafts are tens of metres, not kilometres. */
export const MAX_EXCAVATION_DEPTH_M = 500;
/** A footprint smaller than 10 cm × 10 cm is not an open cut (piles will be their own kind). */
export const MIN_FOOTPRINT_AREA_M2 = 0.01;
/** Self-intersection is checked pairwise; a hand-drawn or surveyed pit never needs more vertices. */
export const MAX_FOOTPRINT_VERTICES = 4096;

export interface OpenCut {
  kind: 'open_cut';
  /** Simple polygon, local x, y (m); the ring may be given closed or open, in either orientation. */
  footprint: [number, number][];
  /** Elevation of the bottom of the cut, m. */
  bottomZ: number;
  /** Elevation of the top of the cut (usually ground), m. */
  topZ: number;
}

export type Excavation = OpenCut;
export type ExcavationKind = Excavation['kind'];
export const EXCAVATION_KINDS: readonly ExcavationKind[] = ['open_cut'];

export class ExcavationError extends RangeError {
  /** Path of the offending field, e.g. 'footprint[3][1]', 'bottomZ'. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ExcavationError';
    this.field = field;
  }
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(+v.toPrecision(12)) : String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

function finiteNumber(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ExcavationError(field, `expected a finite number, got ${fmt(v)}`);
  return v;
}

/** Twice the signed area of triangle abc; > 0 when counter-clockwise. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** Closed segments ab and cd share at least one point (touching counts). */
function segmentsMeet(
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

/**
 * Finds a pair of edges that meet other than at their shared vertex, or null for a simple ring.
 * Pairwise with a bbox reject: O(n²) worst case, bounded by MAX_FOOTPRINT_VERTICES.
 */
function firstSelfIntersection(xs: Float64Array, ys: Float64Array): [number, number] | null {
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const i1 = (i + 1) % n;
    const ax = xs[i]!, ay = ys[i]!, bx = xs[i1]!, by = ys[i1]!;
    // Adjacent edge: they share vertex i1 and meet elsewhere only if the ring doubles back on itself.
    const i2 = (i1 + 1) % n;
    const cx = xs[i2]!, cy = ys[i2]!;
    if (orient(ax, ay, bx, by, cx, cy) === 0 && (bx - ax) * (cx - bx) + (by - ay) * (cy - by) < 0) return [i, i1];
    const minX = Math.min(ax, bx), maxX = Math.max(ax, bx), minY = Math.min(ay, by), maxY = Math.max(ay, by);
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      const j1 = (j + 1) % n;
      const px = xs[j]!, py = ys[j]!, qx = xs[j1]!, qy = ys[j1]!;
      if (Math.max(px, qx) < minX || Math.min(px, qx) > maxX || Math.max(py, qy) < minY || Math.min(py, qy) > maxY) continue;
      if (segmentsMeet(ax, ay, bx, by, px, py, qx, qy)) return [i, j];
    }
  }
  return null;
}

/** Checks and normalises an open cut: ring opened, consecutive repeated vertices dropped. */
export function validateOpenCut(input: unknown): OpenCut {
  if (typeof input !== 'object' || input === null) throw new ExcavationError('excavation', `expected an object, got ${fmt(input)}`);
  const o = input as Record<string, unknown>;
  if (o.kind !== 'open_cut') throw new ExcavationError('kind', `expected 'open_cut', got ${fmt(o.kind)}`);
  const bottomZ = finiteNumber(o.bottomZ, 'bottomZ');
  const topZ = finiteNumber(o.topZ, 'topZ');
  if (!(bottomZ < topZ)) throw new ExcavationError('bottomZ', `bottomZ (${fmt(bottomZ)} m) must be below topZ (${fmt(topZ)} m)`);
  if (topZ - bottomZ > MAX_EXCAVATION_DEPTH_M) {
    throw new ExcavationError('bottomZ', `the cut is ${fmt(topZ - bottomZ)} m deep; the limit is MAX_EXCAVATION_DEPTH_M = ${MAX_EXCAVATION_DEPTH_M} m`);
  }

  const fp = o.footprint;
  if (!Array.isArray(fp)) throw new ExcavationError('footprint', `expected an array of [x, y] pairs, got ${fmt(fp)}`);
  if (fp.length > MAX_FOOTPRINT_VERTICES + 1) {
    throw new ExcavationError('footprint', `${fp.length} vertices; the limit is MAX_FOOTPRINT_VERTICES = ${MAX_FOOTPRINT_VERTICES}`);
  }
  const ring: [number, number][] = [];
  for (let i = 0; i < fp.length; i++) {
    const p: unknown = fp[i];
    if (!Array.isArray(p) || p.length !== 2) throw new ExcavationError(`footprint[${i}]`, `expected [x, y], got ${fmt(p)}`);
    const x = finiteNumber(p[0], `footprint[${i}][0]`);
    const y = finiteNumber(p[1], `footprint[${i}][1]`);
    const last = ring[ring.length - 1];
    if (last && last[0] === x && last[1] === y) continue;
    ring.push([x, y]);
  }
  while (ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1]) ring.pop();
  const distinct = new Set(ring.map(([x, y]) => `${x},${y}`)).size;
  if (distinct < 3) throw new ExcavationError('footprint', `${distinct} distinct vertices; an open cut needs at least 3`);

  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of ring) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  if (Math.hypot(maxX - minX, maxY - minY) > MAX_EXCAVATION_EXTENT_M) {
    let across = 0;
    for (let i = 0; i < ring.length; i++) {
      for (let j = i + 1; j < ring.length; j++) across = Math.max(across, Math.hypot(ring[i]![0] - ring[j]![0], ring[i]![1] - ring[j]![1]));
    }
    if (across > MAX_EXCAVATION_EXTENT_M) {
      throw new ExcavationError('footprint', `the footprint is ${fmt(across)} m across; the limit is MAX_EXCAVATION_EXTENT_M = ${MAX_EXCAVATION_EXTENT_M} m`);
    }
  }

  // Relative to the first vertex, so that area and orientation keep their precision far from the origin.
  const ox = ring[0]![0], oy = ring[0]![1];
  const xs = new Float64Array(ring.length), ys = new Float64Array(ring.length);
  for (let i = 0; i < ring.length; i++) { xs[i] = ring[i]![0] - ox; ys[i] = ring[i]![1] - oy; }
  let twiceArea = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) twiceArea += xs[j]! * ys[i]! - xs[i]! * ys[j]!;
  // All on one line: say "no area" rather than "intersects itself" (which such a ring also does).
  if (twiceArea === 0 && xs.every((x, i) => orient(0, 0, xs[1]!, ys[1]!, x, ys[i]!) === 0)) {
    throw new ExcavationError('footprint', 'area 0 m²: all vertices lie on one line');
  }
  const crossing = firstSelfIntersection(xs, ys);
  if (crossing) {
    const [i, j] = crossing;
    const n = ring.length;
    const edge = (k: number): string => `${k} ${fmt(ring[k])}→${fmt(ring[(k + 1) % n])}`;
    throw new ExcavationError('footprint', `the ring intersects itself: edges ${edge(i)} and ${edge(j)} meet`);
  }
  if (!(Math.abs(twiceArea) / 2 >= MIN_FOOTPRINT_AREA_M2)) {
    throw new ExcavationError('footprint', `area ${fmt(Math.abs(twiceArea) / 2)} m² is below MIN_FOOTPRINT_AREA_M2 = ${MIN_FOOTPRINT_AREA_M2} m²`);
  }
  return { kind: 'open_cut', footprint: ring, bottomZ, topZ };
}

/** Dispatches on `kind`; an unknown kind is refused with the list of known ones. */
export function validateExcavation(input: unknown): Excavation {
  const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  switch (kind) {
    case 'open_cut': return validateOpenCut(input);
    default:
      throw new ExcavationError('kind', `unknown excavation kind ${fmt(kind)}; known kinds: ${EXCAVATION_KINDS.join(', ')}`);
  }
}
