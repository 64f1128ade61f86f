/**
 * Minimum distance between a segment (a pipe's axis) and a capsule (a segment swept by a ball): one
 * leg of a horizontal directional drilling bore, the reamer's radius around the drilled path. Metres,
 * local frame, computed relative to the capsule's first end.
 *
 *   distance    max(0, |S, A| − r), with |S, A| the exact segment–segment distance (segmentSegment.ts)
 *   horizontal  max(0, |plan S, plan A| − r): the capsule's plan is its axis's plan swept by a disc
 *   vertical    over the capsule's plan, the smallest vertical shift δ that brings S into the capsule.
 *               φ(δ) = |S + δẑ, A| − r is convex in δ (distance between convex sets under a
 *               translation), so {φ ≤ 0} is an interval. Its end nearer 0 comes in closed form
 *               (verticalGap.ts: the z-axis against P ⊕ ball(r)), bracketed by two φ evaluations,
 *               else from the search (golden section for a point of it, bisection between 0 and
 *               that point to within VERTICAL_SEARCH_WIDTH_M). Either way a shift counts as inside
 *               when φ ≤ τ (τ = TOUCH_MARGIN × the coordinates' magnitude, far above φ's
 *               rounding) and the bracket end on the outside is reported. Where the pipe grazes the
 *               hole's wall (φ within rounding of 0 over a stretch of shifts, so its sign is noise),
 *               the stretch counts as inside and the gap reported is to its near end: never more than
 *               the true gap (review of session 7: with the bare sign test, a grazing case read
 *               14.0 m for a true 13.66 m). The price: where the pipe is tangent to the hole in
 *               plan, φ ≈ δ² / 2r near the gap, so the gap reads up to √(2rτ) short (2 µm at
 *               100 m, under 0.03 mm at 2 km), on the safe side.
 */
import type { SegmentPrismDistance } from './segmentDistance';
import { closestPair, segmentArgs, segSegDist2 } from './segmentSegment';
import { gapInterval, verticalInterval } from './verticalGap';

/** The vertical gap's bisection stops when its bracket is this narrow, m. */
export const VERTICAL_SEARCH_WIDTH_M = 1e-10;
/**
 * Half-width of the closed form's bracket, relative to the magnitude of the coordinates (relative to
 * the capsule's first end): 1e-10 × 1 km = 0.1 µm. φ is 1-Lipschitz in the shift, so φ(g − m) is at
 * most m (times the slope): the bracket must be wider than TOUCH_MARGIN by as much as the slopes it
 * should settle (1000×: slopes down to 1e-3; flatter, grazing cases go to the search).
 */
export const CLOSED_FORM_MARGIN = 1e-10;
/**
 * A shift "touches" when φ ≤ TOUCH_MARGIN × the coordinates' magnitude (1e-13 × 1 km = 0.1 nm,
 * hundreds of ulps of the coordinates, above φ's rounding).
 */
export const TOUCH_MARGIN = 1e-13;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const MAX_STEPS = 200;

export interface Capsule {
  /** Axis, relative to (originX, originY, originZ) = its first end. */
  originX: number; originY: number; originZ: number;
  ax: number; ay: number; az: number;
  radius: number;
  minX: number; minY: number; minZ: number; maxX: number; maxY: number; maxZ: number;
}

/**
 * The capsule of the leg (x0, y0, z0)–(x1, y1, z1) reamed to `radius`. With `into`, that capsule is
 * overwritten and returned (volume.ts's bore pool: a screening's pieces never outlive it).
 */
export function prepareCapsule(
  x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, radius: number, into: Capsule | null = null,
): Capsule {
  if (!(radius > 0)) throw new RangeError(`prepareCapsule: radius ${radius} m`);
  const minX = Math.min(x0, x1) - radius, minY = Math.min(y0, y1) - radius, minZ = Math.min(z0, z1) - radius;
  const maxX = Math.max(x0, x1) + radius, maxY = Math.max(y0, y1) + radius, maxZ = Math.max(z0, z1) + radius;
  if (!into) {
    return { originX: x0, originY: y0, originZ: z0, ax: x1 - x0, ay: y1 - y0, az: z1 - z0, radius, minX, minY, minZ, maxX, maxY, maxZ };
  }
  into.originX = x0; into.originY = y0; into.originZ = z0; into.ax = x1 - x0; into.ay = y1 - y0; into.az = z1 - z0; into.radius = radius;
  into.minX = minX; into.minY = minY; into.minZ = minZ; into.maxX = maxX; into.maxY = maxY; into.maxZ = maxZ;
  return into;
}

/** Axis distance from the segment shifted up by δ, relative coordinates; leaves its parameter in closestPair.s. */
function shiftedDistance(c: Capsule, px: number, py: number, pz: number, qx: number, qy: number, qz: number, delta: number): number {
  return Math.sqrt(segSegDist2(px, py, pz + delta, qx, qy, qz + delta, 0, 0, 0, c.ax, c.ay, c.az));
}

/**
 * Distance from segment (x0,y0,z0)–(x1,y1,z1), absolute local frame, to the capsule. Writes `out`
 * and returns it. A zero-length segment is a point and works too. With a `cutoff` (m), a segment
 * whose plan distance alone is at least the cutoff gets `distance` = Infinity without the 3D
 * distance (plan distance and vertical gap stay exact).
 */
export function segmentCapsuleDistance(
  c: Capsule, x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, out: SegmentPrismDistance,
  cutoff = Infinity,
): SegmentPrismDistance {
  return segmentCapsuleDistanceAt(c, segmentArgs(x0, y0, z0, x1, y1, z1), 0, out, cutoff);
}

/**
 * `segmentCapsuleDistance` with the segment read from `seg[q … q + 5]` (x0, y0, z0, x1, y1, z1): the
 * screening passes a row of its gathered candidates (hits.ts), so no double is boxed for the call
 * (V8 boxes each double argument of a call it does not inline). The same arithmetic on the same numbers.
 */
export function segmentCapsuleDistanceAt(
  c: Capsule, seg: Float64Array<ArrayBufferLike>, q: number, out: SegmentPrismDistance, cutoff: number,
): SegmentPrismDistance {
  const x0 = seg[q]!, y0 = seg[q + 1]!, z0 = seg[q + 2]!, x1 = seg[q + 3]!, y1 = seg[q + 4]!, z1 = seg[q + 5]!;
  const r = c.radius;
  const px = x0 - c.originX, py = y0 - c.originY, pz = z0 - c.originZ;
  const qx = x1 - c.originX, qy = y1 - c.originY, qz = z1 - c.originZ;

  const plan = Math.sqrt(segSegDist2(px, py, 0, qx, qy, 0, 0, 0, 0, c.ax, c.ay, 0));
  const horizontalT = closestPair.s;
  out.horizontalT = horizontalT;
  out.horizontal = Math.max(0, plan - r);
  if (plan > r) {
    out.vertical = null;
    out.verticalT = NaN;
    // The 3D distance is at least the plan distance: past the cutoff, say so with Infinity.
    if (plan - r >= cutoff) {
      out.distance = Infinity;
      out.t = horizontalT;
      out.x = x0 + horizontalT * (x1 - x0);
      out.y = y0 + horizontalT * (y1 - y0);
      out.z = z0 + horizontalT * (z1 - z0);
      return out;
    }
  }
  const axis = Math.sqrt(segSegDist2(px, py, pz, qx, qy, qz, 0, 0, 0, c.ax, c.ay, c.az));
  const t = closestPair.s;
  out.distance = Math.max(0, axis - r);
  out.t = t;
  out.x = x0 + t * (x1 - x0);
  out.y = y0 + t * (y1 - y0);
  out.z = z0 + t * (z1 - z0);
  if (plan > r) return out;
  const scale = Math.max(Math.abs(px), Math.abs(py), Math.abs(pz), Math.abs(qx), Math.abs(qy), Math.abs(qz),
    Math.abs(c.ax), Math.abs(c.ay), Math.abs(c.az), r);
  const tau = TOUCH_MARGIN * scale;
  if (axis - r <= tau) {
    out.vertical = 0;
    out.verticalT = t;
    out.horizontalT = t;
    return out;
  }

  const gap = closedFormGap(c, px, py, pz, qx, qy, qz, scale, tau);
  if (gap !== null) {
    out.vertical = gap;
    out.verticalT = closestPair.s;
    out.horizontalT = closestPair.s;
    return out;
  }
  const { inside, outside } = searchGap(c, px, py, pz, qx, qy, qz, tau);
  shiftedDistance(c, px, py, pz, qx, qy, qz, inside);
  out.vertical = Math.abs(outside);
  out.verticalT = closestPair.s;
  out.horizontalT = closestPair.s;
  return out;
}

/**
 * The closed form (verticalGap.ts), bracketed: g − m must be outside the capsule (φ > τ) and g + m
 * inside (φ ≤ τ), m = CLOSED_FORM_MARGIN × the coordinates' magnitude, toward the side of the
 * interval's nearer end; then the gap lies in (g − m, g + m] and g − m is reported (never more than
 * the true gap). Null when the bracket fails (rounding in a tangent or degenerate case): the caller
 * searches. Leaves closestPair.s at the inside end.
 */
export function closedFormGap(
  c: Capsule, px: number, py: number, pz: number, qx: number, qy: number, qz: number, scale: number, tau: number,
): number | null {
  if (!verticalInterval(px, py, pz, qx - px, qy - py, qz - pz, c.ax, c.ay, c.az, c.radius)) return null;
  const { lo, hi } = gapInterval;
  const sign = lo > 0 ? 1 : hi < 0 ? -1 : 0;
  if (sign === 0) return null; // holds 0, yet the axis distance says apart: rounding
  const g = sign > 0 ? lo : -hi;
  const m = CLOSED_FORM_MARGIN * scale;
  const below = Math.max(0, g - m);
  if (shiftedDistance(c, px, py, pz, qx, qy, qz, sign * below) - c.radius <= tau) return null;
  if (shiftedDistance(c, px, py, pz, qx, qy, qz, sign * (g + m)) - c.radius > tau) return null;
  return below;
}

/**
 * The search: golden section for a point of {φ ≤ 0}, then bisection between 0 and it. Returns the
 * bracket (inside: φ ≤ tau or the best found; outside: φ > tau). Kept as the fallback and as the
 * tests' independent check of the closed form; `tau` as in segmentCapsuleDistance (0: the bare sign).
 */
export function searchGap(
  c: Capsule, px: number, py: number, pz: number, qx: number, qy: number, qz: number, tau = 0,
): { inside: number; outside: number } {
  const r = c.radius;
  // Every δ with φ(δ) ≤ 0 (here φ less tau) moves some point of S to within r + tau of A in z, so it lies in [lo, hi].
  const lo = Math.min(0, c.az) - r - tau - Math.max(pz, qz);
  const hi = Math.max(0, c.az) + r + tau - Math.min(pz, qz);
  const phi = (d: number): number => shiftedDistance(c, px, py, pz, qx, qy, qz, d) - r - tau;
  let a = lo, b = hi;
  let g1 = b - GOLDEN * (b - a), g2 = a + GOLDEN * (b - a);
  let f1 = phi(g1), f2 = phi(g2);
  let inside = f1 <= 0 ? g1 : f2 <= 0 ? g2 : NaN;
  for (let k = 0; k < MAX_STEPS && Number.isNaN(inside) && b - a > VERTICAL_SEARCH_WIDTH_M; k++) {
    if (f1 < f2) {
      b = g2; g2 = g1; f2 = f1;
      g1 = b - GOLDEN * (b - a); f1 = phi(g1);
      if (f1 <= 0) inside = g1;
    } else {
      a = g1; g1 = g2; f1 = f2;
      g2 = a + GOLDEN * (b - a); f2 = phi(g2);
      if (f2 <= 0) inside = g2;
    }
  }
  if (Number.isNaN(inside)) {
    // The plans touch only within rounding: the best shift found is the gap.
    inside = f1 <= f2 ? g1 : g2;
  }
  // φ(0) > 0 and φ(inside) ≤ 0 (or its minimum), φ less tau: bisect for the end of the interval nearer 0.
  let outside = 0;
  for (let k = 0; k < MAX_STEPS && Math.abs(inside - outside) > VERTICAL_SEARCH_WIDTH_M; k++) {
    const mid = (outside + inside) / 2;
    if (mid === outside || mid === inside) break;
    if (phi(mid) <= 0) inside = mid; else outside = mid;
  }
  return { inside, outside };
}
