/**
 * What every kind of work's validator shares: the error that names the offending field, the limits
 * that make a work "absurd", and readers for numbers and point lists. A leaf module: the kind files
 * (excavation.ts, trench.ts, bore.ts, piles.ts) import it and it imports none of them.
 *
 * Every excavation is untrusted input (the server re-screens what a client sends): a refusal names
 * the field by its path ('centreline[2][0]', 'piles[4].diameter', 'works[1].width') and quotes the value.
 */

/** Refuse works wider than this: a permit bigger than 2 km across is a data-entry error, not a dig. */
export const MAX_EXCAVATION_EXTENT_M = 2000;
/** Refuse works deeper than this (top to bottom); deep shafts are tens of metres, not kilometres. */
export const MAX_EXCAVATION_DEPTH_M = 500;

export class ExcavationError extends RangeError {
  /** Path of the offending field, e.g. 'footprint[3][1]', 'bottomZ', 'entryPit.topZ'. */
  readonly field: string;
  /** The message without the field: what `withFieldPrefix` carries over to a longer path. */
  readonly detail: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ExcavationError';
    this.field = field;
    this.detail = message;
  }
}

/** Runs `validate`, re-throwing an ExcavationError with `prefix` put before its field ('entryPit.', 'works[2].'). */
export function withFieldPrefix<T>(prefix: string, validate: () => T): T {
  try {
    return validate();
  } catch (e) {
    if (e instanceof ExcavationError) throw new ExcavationError(`${prefix}${e.field}`, e.detail);
    throw e;
  }
}

/** A value quoted in an error message: numbers to 12 significant digits, anything else as short JSON. */
export function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(+v.toPrecision(12)) : String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

/**
 * A measure found below `limit`, for a refusal: 4 significant digits (an area of 4.00000120863e-6 m²
 * reads 0.000004, not to 12 digits), more only where 4 would print it as the limit or above.
 */
export function fmtBelow(v: number, limit: number): string {
  for (let digits = 4; digits < 12; digits++) {
    const shown = +v.toPrecision(digits);
    if (shown < limit) return String(shown);
  }
  return fmt(v);
}

export function finiteNumber(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ExcavationError(field, `expected a finite number, got ${fmt(v)}`);
  return v;
}

/**
 * `v` when it is a finite number; else finiteNumber's refusal for the field `${name}[${i}]${suffix}`
 * ('bottomZ[3]', 'piles[4].x'), whose text is built only then: a valid work builds no field names.
 */
export function finiteAt(v: unknown, name: string, i: number, suffix: string): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : finiteNumber(v, `${name}[${i}]${suffix}`);
}

/** `v` when it is a number in [min, max]; else numberIn's refusal for the field `${name}[${i}]${suffix}`, built only then. */
export function numberInAt(
  v: unknown, name: string, i: number, suffix: string, min: number, minName: string, max: number, maxName: string,
): number {
  // min and max are finite, so a number between them is finite.
  return typeof v === 'number' && v >= min && v <= max ? v : numberIn(v, `${name}[${i}]${suffix}`, min, minName, max, maxName);
}

/** A finite number in [min, max], with the limits' names in the refusal. */
export function numberIn(v: unknown, field: string, min: number, minName: string, max: number, maxName: string): number {
  const x = finiteNumber(v, field);
  if (!(x >= min)) throw new ExcavationError(field, `${fmt(x)} m is below ${minName} = ${min} m`);
  if (!(x <= max)) throw new ExcavationError(field, `${fmt(x)} m is above ${maxName} = ${max} m`);
  return x;
}

export function objectAt(v: unknown, field: string, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ExcavationError(field, `expected ${what}, got ${fmt(v)}`);
  return v as Record<string, unknown>;
}

/** An array of at most `max` items (the limit's name in the refusal). */
export function arrayAt(v: unknown, field: string, what: string, max: number, maxName: string): unknown[] {
  if (!Array.isArray(v)) throw new ExcavationError(field, `expected ${what}, got ${fmt(v)}`);
  if (v.length > max) throw new ExcavationError(field, `${v.length} items; the limit is ${maxName} = ${max}`);
  return v;
}

/**
 * Reads `field` as an array of [x, y] (dims 2) or [x, y, z] (dims 3) tuples of finite numbers, naming
 * a bad one by index and axis ('centreline[2][0]').
 */
export function readTuples(v: unknown, field: string, dims: 2 | 3, max: number, maxName: string): number[][] {
  const shape = dims === 2 ? '[x, y]' : '[x, y, z]';
  const items = arrayAt(v, field, `an array of ${shape}`, max, maxName);
  const out = new Array<number[]>(items.length);
  for (let i = 0; i < items.length; i++) {
    const p = items[i];
    if (!Array.isArray(p) || p.length !== dims) throw new ExcavationError(`${field}[${i}]`, `expected ${shape}, got ${fmt(p)}`);
    const x = coordinate(p[0], field, i, 0), y = coordinate(p[1], field, i, 1);
    // A literal of the numbers read: one packed array, not an empty one grown and converted to doubles.
    out[i] = dims === 2 ? [x, y] : [x, y, coordinate(p[2], field, i, 2)];
  }
  return out;
}

/** Axis k of tuple i as a finite number; the field's name is built only for a refusal. */
function coordinate(c: unknown, field: string, i: number, k: number): number {
  return typeof c === 'number' && Number.isFinite(c) ? c : finiteNumber(c, `${field}[${i}][${k}]`);
}

/**
 * Largest plan distance between any two of the points, m. The bbox diagonal is an upper bound, so the
 * exact pairwise pass only runs for works near the limit (over the convex hull, where the widest
 * pair lies). The points must be finite (every caller validates them first).
 */
export function widestSpan(xs: ArrayLike<number>, ys: ArrayLike<number>, limit: number, n = xs.length): number {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!, y = ys[i]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  // √ of the sum, not Math.hypot (several times slower in V8): a sum that overflows reads Infinity,
  // over the limit, and the exact pass below (with hypot) decides. The √ may round down where hypot
  // rounds up, so only a diagonal clearly under the limit answers here: one within a part in 10⁹
  // of it goes to the exact pass, as before (a span 1e-13 m over the limit was accepted otherwise).
  const w = maxX - minX, h = maxY - minY;
  const diagonal = Math.sqrt(w * w + h * h);
  if (!(diagonal > limit * (1 - 1e-9))) return diagonal;
  const px = Array.from({ length: n }, (_, i) => xs[i]!), py = Array.from({ length: n }, (_, i) => ys[i]!);
  const hull = convexHull(px, py);
  let across = 0;
  for (let i = 0; i < hull.length; i++) {
    for (let j = i + 1; j < hull.length; j++) {
      across = Math.max(across, Math.hypot(px[hull[i]!]! - px[hull[j]!]!, py[hull[i]!]! - py[hull[j]!]!));
    }
  }
  return across;
}

/** Indices of the convex hull's vertices (Andrew's monotone chain, 1979). */
function convexHull(xs: readonly number[], ys: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!);
  if (order.length < 3) return order;
  const cross = (o: number, a: number, b: number): number =>
    (xs[a]! - xs[o]!) * (ys[b]! - ys[o]!) - (ys[a]! - ys[o]!) * (xs[b]! - xs[o]!);
  const lower: number[] = [], upper: number[] = [];
  for (const i of order) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, i) <= 0) lower.pop();
    lower.push(i);
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, i) <= 0) upper.pop();
    upper.push(i);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** Refuses a work whose points (the first n) are more than MAX_EXCAVATION_EXTENT_M apart in plan. */
export function checkExtent(xs: ArrayLike<number>, ys: ArrayLike<number>, field: string, what: string, n = xs.length): void {
  const across = widestSpan(xs, ys, MAX_EXCAVATION_EXTENT_M, n);
  if (across > MAX_EXCAVATION_EXTENT_M) {
    throw new ExcavationError(field, `the ${what} is ${fmt(across)} m across; the limit is MAX_EXCAVATION_EXTENT_M = ${MAX_EXCAVATION_EXTENT_M} m`);
  }
}
