/**
 * Minimum distance between a segment (a pipe's axis) and a vertical solid cylinder (a pile or post,
 * and the round joint of a trench): a disc of radius R in plan × [bottomZ, topZ]. Metres, local
 * frame, computed relative to the disc's centre. Never larger than the true distance.
 *
 * Method. Along the segment P(t), the distance f(t) to the cylinder (a convex set) is a convex
 * function of t, 1-Lipschitz in P and so L-Lipschitz in t (L = the segment's length). The segment is
 * cut where its plan enters or leaves the disc (a quadratic) and where z(t) crosses bottomZ or topZ;
 * on each piece f has one closed form:
 *   over the disc, in the slab       0
 *   over the disc, above or below    the vertical gap, linear: smallest at an end of the piece
 *   beside the disc, in the slab     ρ(t) − R, with ρ² quadratic: smallest at its vertex or an end
 *   beside the disc, above or below  the distance to the rim circle, hypot(ρ − R, gap): a quartic
 * The last (the rim) has no usable closed form, so it is minimised by golden-section search on the
 * convex f; with the minimiser bracketed in [a, b], min f ≥ f(m) − L·(b − a) for any m in [a, b], and
 * the search stops when L·(b − a) ≤ RIM_SEARCH_WIDTH_M. What it returns is the best value found minus
 * L·(b − a) and minus RIM_ROUNDING_M, an allowance for float error in comparing f values (a wrong
 * comparison only happens between values within rounding, about 1e-12 m at city scale, and costs at
 * most a few times that): a lower bound on the true distance, within ~1e-9 m of it.
 */
import type { SegmentPrismDistance } from './segmentDistance';
import { hypot2, segmentArgs } from './segmentSegment';

/** Plan tolerance for "over the disc", as in distance.ts: only ever makes a distance smaller. */
const BOUNDARY_EPS_M = 1e-9;
/** The rim search stops when the Lipschitz bound L·(b − a) on its remaining error is this small, m. */
export const RIM_SEARCH_WIDTH_M = 1e-10;
/** Subtracted from a rim distance for float error in the search's comparisons, m (see the header). */
export const RIM_ROUNDING_M = 1e-9;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const MAX_GOLDEN_STEPS = 200;

export interface Cylinder {
  centreX: number;
  centreY: number;
  radius: number;
  bottomZ: number;
  topZ: number;
  minX: number; minY: number; minZ: number; maxX: number; maxY: number; maxZ: number;
}

/** A vertical cylinder; into a used one (its fields overwritten) when given. */
export function prepareCylinder(centreX: number, centreY: number, radius: number, bottomZ: number, topZ: number, into?: Cylinder): Cylinder {
  if (!(radius > 0)) throw new RangeError(`prepareCylinder: radius ${radius} m`);
  if (!(bottomZ <= topZ)) throw new RangeError(`prepareCylinder: bottomZ ${bottomZ} is above topZ ${topZ}`);
  if (!into) {
    return {
      centreX, centreY, radius, bottomZ, topZ,
      minX: centreX - radius, minY: centreY - radius, minZ: bottomZ, maxX: centreX + radius, maxY: centreY + radius, maxZ: topZ,
    };
  }
  into.centreX = centreX; into.centreY = centreY; into.radius = radius; into.bottomZ = bottomZ; into.topZ = topZ;
  into.minX = centreX - radius; into.minY = centreY - radius; into.minZ = bottomZ;
  into.maxX = centreX + radius; into.maxY = centreY + radius; into.maxZ = topZ;
  return into;
}

/** Scratch for the cut points along the segment: 0, 1, two plan crossings, two slab crossings. */
const cuts = new Float64Array(6);

/**
 * The current call's segment and cylinder, relative to the disc's centre, and its best distance so
 * far: module scratch, so the kernel allocates nothing (no closures per call). A typed array, not
 * module variables: V8 boxes every double stored in a module's `let` (a heap number per store).
 */
const K = new Float64Array(11);
const PX = 0, PY = 1, SX = 2, SY = 3, Z0 = 4, DZ = 5, RADIUS = 6, LO = 7, HI = 8, BEST = 9, BEST_T = 10;

function rho(t: number): number {
  return hypot2(K[PX]! + t * K[SX]!, K[PY]! + t * K[SY]!);
}

function gapAt(t: number): number {
  const z = K[Z0]! + t * K[DZ]!, lo = K[LO]!, hi = K[HI]!;
  return z < lo ? lo - z : z > hi ? z - hi : 0;
}

/** Distance at t when the nearest point of the cylinder is on a rim circle (or over the disc). */
function rimDistance(t: number): number {
  return hypot2(Math.max(0, rho(t) - K[RADIUS]!), gapAt(t));
}

function consider(t: number, d: number): void {
  if (d < K[BEST]!) { K[BEST] = d; K[BEST_T] = t; }
}

/** Golden-section search for the rim distance on [ta, tb], scored at its proven lower bound (header). */
function rimSearch(ta: number, tb: number, L: number): void {
  let a = ta, b = tb;
  let x1 = b - GOLDEN * (b - a), x2 = a + GOLDEN * (b - a);
  let f1 = rimDistance(x1), f2 = rimDistance(x2);
  const fa = rimDistance(ta), fb = rimDistance(tb);
  let low = fa <= fb ? fa : fb, lowT = fa <= fb ? ta : tb;
  if (f1 < low) { low = f1; lowT = x1; }
  if (f2 < low) { low = f2; lowT = x2; }
  for (let k = 0; k < MAX_GOLDEN_STEPS && L * (b - a) > RIM_SEARCH_WIDTH_M; k++) {
    if (f1 < f2) {
      b = x2; x2 = x1; f2 = f1;
      x1 = b - GOLDEN * (b - a); f1 = rimDistance(x1);
      if (f1 < low) { low = f1; lowT = x1; }
    } else {
      a = x1; x1 = x2; f1 = f2;
      x2 = a + GOLDEN * (b - a); f2 = rimDistance(x2);
      if (f2 < low) { low = f2; lowT = x2; }
    }
  }
  consider(lowT, Math.max(0, low - L * (b - a) - RIM_ROUNDING_M));
}

/**
 * Distance from segment (x0,y0,z0)–(x1,y1,z1), absolute local frame, to the cylinder. Writes `out`
 * and returns it. A zero-length segment is a point and works too.
 *
 * `cutoff` (m, default none), as in the prism kernels (distance.ts): a rim piece whose distance
 * cannot come under it, nor under the best so far (less the search's allowances), is not searched. On a rim piece the distance is
 * hypot(ρ − R, gap), at least hypot(min (ρ − R), min gap) over the piece, both exact there (ρ² is a
 * convex quadratic, the gap linear between the cuts). So below the cutoff the distance is as without
 * it; at or past it, it is Infinity or another piece's distance, never below the cutoff. The plan
 * distance and vertical gap never depend on it.
 */
export function segmentCylinderDistance(
  c: Cylinder, x0: number, y0: number, zStart: number, x1: number, y1: number, zEnd: number, out: SegmentPrismDistance,
  cutoff = Infinity,
): SegmentPrismDistance {
  return segmentCylinderDistanceAt(c, segmentArgs(x0, y0, zStart, x1, y1, zEnd), 0, out, cutoff);
}

/**
 * `segmentCylinderDistance` with the segment read from `seg[q … q + 5]` (x0, y0, z0, x1, y1, z1): the
 * screening passes a row of its gathered candidates (hits.ts), so no double is boxed for the call
 * (V8 boxes each double argument of a call it does not inline). The same arithmetic on the same numbers.
 */
export function segmentCylinderDistanceAt(
  c: Cylinder, seg: Float64Array<ArrayBufferLike>, q: number, out: SegmentPrismDistance, cutoff: number,
): SegmentPrismDistance {
  const x0 = seg[q]!, y0 = seg[q + 1]!, zStart = seg[q + 2]!, x1 = seg[q + 3]!, y1 = seg[q + 4]!, zEnd = seg[q + 5]!;
  const R = c.radius, lo = c.bottomZ, hi = c.topZ;
  const px = x0 - c.centreX, py = y0 - c.centreY;
  const sx = x1 - x0, sy = y1 - y0, z0 = zStart, dz = zEnd - zStart;
  K[RADIUS] = R; K[LO] = lo; K[HI] = hi; K[PX] = px; K[PY] = py; K[SX] = sx; K[SY] = sy; K[Z0] = z0; K[DZ] = dz;
  const A = sx * sx + sy * sy;
  const L = Math.sqrt(A + dz * dz);

  // Where the plan is over the disc (radius widened by BOUNDARY_EPS_M): [inA, inB], empty if inA > inB.
  // From the plan line's distance to the centre, d⊥ = |p × s| / |s|, and the half-chord around the
  // centre's projection tc: better conditioned than the quadratic's discriminant for long segments.
  const Re = R + BOUNDARY_EPS_M;
  let inA = 1, inB = 0;
  const tc = A > 0 ? -(px * sx + py * sy) / A : 0;
  const perp = A > 0 ? Math.abs(px * sy - py * sx) / Math.sqrt(A) : hypot2(px, py);
  if (perp <= Re) {
    if (A > 0) {
      const half = Math.sqrt((Re - perp) * (Re + perp) / A);
      inA = Math.max(0, tc - half);
      inB = Math.min(1, tc + half);
    } else {
      inA = 0; inB = 1;
    }
  }

  // Plan distance and vertical gap.
  let horizontal: number, horizontalT: number, vertical: number | null = null, verticalT = NaN;
  if (inA <= inB) {
    horizontal = 0;
    const za = z0 + inA * dz, zb = z0 + inB * dz;
    if ((za < lo && zb < lo) || (za > hi && zb > hi)) {
      const ga = gapAt(inA), gb = gapAt(inB);
      vertical = Math.min(ga, gb);
      verticalT = ga <= gb ? inA : inB;
    } else {
      vertical = 0;
      verticalT = za >= lo && za <= hi ? inA : Math.min(inB, Math.max(inA, inA + ((za > hi ? hi : lo) - za) / (zb - za) * (inB - inA)));
    }
    horizontalT = verticalT;
  } else {
    // No overlap: beside the disc by more than BOUNDARY_EPS_M at the nearest point.
    horizontalT = Math.min(1, Math.max(0, tc));
    horizontal = horizontalT === tc && A > 0 ? perp - R : Math.max(BOUNDARY_EPS_M, rho(horizontalT) - R);
  }

  // Cut the segment into pieces of one regime each, sorted (insertion sort: at most 6).
  let m = 0;
  cuts[m++] = 0;
  cuts[m++] = 1;
  if (inA <= inB) {
    if (inA > 0) cuts[m++] = inA;
    if (inB < 1) cuts[m++] = inB;
  }
  if (dz !== 0) {
    const tLo = (lo - z0) / dz, tHi = (hi - z0) / dz;
    if (tLo > 0 && tLo < 1) cuts[m++] = tLo;
    if (tHi > 0 && tHi < 1) cuts[m++] = tHi;
  }
  for (let i = 1; i < m; i++) {
    const v = cuts[i]!;
    let j = i - 1;
    while (j >= 0 && cuts[j]! > v) { cuts[j + 1] = cuts[j]!; j--; }
    cuts[j + 1] = v;
  }

  K[BEST] = Infinity; K[BEST_T] = 0;
  for (let i = 0; i + 1 < m && K[BEST]! > 0; i++) {
    const ta = cuts[i]!, tb = cuts[i + 1]!;
    const tm = (ta + tb) / 2;
    const zm = z0 + tm * dz;
    const inSlab = zm >= lo && zm <= hi;
    if (tm >= inA && tm <= inB) {
      if (inSlab) { consider(tm, 0); break; }
      consider(ta, gapAt(ta));
      consider(tb, gapAt(tb));
    } else if (inSlab) {
      // ρ² is a convex quadratic: its minimum on [ta, tb] is at its vertex, clamped.
      const t = A > 0 ? Math.min(tb, Math.max(ta, tc)) : ta;
      consider(t, Math.max(0, rho(t) - R));
    } else {
      // The rim: a golden-section search, the costly case; skipped when it cannot win. It answers at
      // least its piece's bound less its allowances (RIM_SEARCH_WIDTH_M + RIM_ROUNDING_M, doubled for
      // the bound's own rounding), so the skip changes no answer below the cutoff.
      const t = A > 0 ? Math.min(tb, Math.max(ta, tc)) : ta;
      const bound = hypot2(Math.max(0, rho(t) - R), Math.min(gapAt(ta), gapAt(tb))) - 2 * (RIM_SEARCH_WIDTH_M + RIM_ROUNDING_M);
      if (bound < K[BEST]! && bound < cutoff) rimSearch(ta, tb, L);
    }
  }

  const best = K[BEST]!, bestT = K[BEST_T]!;
  out.distance = best;
  out.t = bestT;
  out.x = x0 + bestT * sx;
  out.y = y0 + bestT * sy;
  out.z = z0 + bestT * dz;
  out.horizontal = horizontal;
  out.horizontalT = horizontalT;
  out.vertical = vertical;
  out.verticalT = verticalT;
  return out;
}
