/**
 * Closed form for a capsule's vertical gap (capsule.ts): the shifts δ for which the segment
 * S(s) = p + s·u (s ∈ [0, 1]) moved up by δ meets the capsule A(t) = t·a ⊕ ball(r) (t ∈ [0, 1]),
 * coordinates relative to the capsule's first end.
 *
 * S + δẑ meets the capsule exactly when (0, 0, δ) lies in K = P ⊕ ball(r), P = {t·a − s·u − p}: a
 * parallelogram with corners −p, a − p, −q, a − q (q = p + u), flat to a segment or a point when a ∥ u.
 * K is convex, so the z-axis meets it in one interval, and K is the union of
 *   the slab    P swept ±r along its normal n = a × u (only when n ≠ 0): t·a − s·u + h·n = p + δẑ is
 *               solved by Cramer's rule for (t, s, h), each linear in δ; 0 ≤ t, s ≤ 1 and |h|·|n| ≤ r
 *               clip δ to an interval;
 *   4 capsules  P's edges ⊕ ball(r): per edge the infinite cylinder (a quadratic in δ) clipped to the
 *               edge's extent (linear in δ), and a ball at each of the 4 corners (a quadratic each).
 * (A point of K within r of P's interior is in the slab; one within r of P's boundary is in an edge's
 * capsule. For a flat P the 4 edges run corner to corner along it and cover it.) So the interval is
 * [min of the pieces' lower ends, max of their upper ends]. No search and no iteration: about 60
 * multiplications and up to 8 square roots where the search spent ~100 segment–segment distances.
 *
 * The result is in double precision and unchecked here: capsule.ts brackets it with φ before
 * reporting it, and falls back to its search when the bracket fails.
 */

/** Lower and upper ends of the interval of δ, written by verticalInterval when it returns true. */
export const gapInterval = { lo: 0, hi: 0 };

/** sin² of the angle between the axes under which the slab is not solved. */
const SLAB_MIN_SIN2 = 1e-12;

/**
 * The interval taken so far, [RANGE[0], RANGE[1]] (empty while lower > upper). A typed array, not
 * two module variables: V8 boxes every double stored in a module's `let` (a heap number per store).
 */
const RANGE = new Float64Array(2);

function take(a: number, b: number): void {
  if (a > b) return;
  if (a < RANGE[0]!) RANGE[0] = a;
  if (b > RANGE[1]!) RANGE[1] = b;
}

/** δ range where lower ≤ α + β·δ ≤ upper intersected with [from, to]; writes clip. */
const clip = { from: 0, to: 0 };
function clipLinear(alpha: number, beta: number, lower: number, upper: number): void {
  if (beta === 0) {
    if (alpha < lower || alpha > upper) { clip.from = Infinity; clip.to = -Infinity; }
    return;
  }
  let d0 = (lower - alpha) / beta, d1 = (upper - alpha) / beta;
  if (d0 > d1) { const x = d0; d0 = d1; d1 = x; }
  if (d0 > clip.from) clip.from = d0;
  if (d1 < clip.to) clip.to = d1;
}

/** The ball of radius r at (ex, ey, ez): δ = ez ± √(r² − ex² − ey²). */
function ball(ex: number, ey: number, ez: number, r2: number): void {
  const h = r2 - ex * ex - ey * ey;
  if (h < 0) return;
  const w = Math.sqrt(h);
  take(ez - w, ez + w);
}

/** The cylinder of radius r around edge e0 → e0 + d, between its end planes. */
function edgeCylinder(ex: number, ey: number, ez: number, dx: number, dy: number, dz: number, r2: number): void {
  const dd = dx * dx + dy * dy + dz * dz;
  if (!(dd > 0)) return; // a point: its ball covers it
  // w(δ) = (0, 0, δ) − e0 = w0 + δẑ; distance² to the line = |w × d|² / dd; w × d = c + δ·(−dy, dx, 0).
  const wx = -ex, wy = -ey, wz = -ez;
  const cx = wy * dz - wz * dy, cy = wz * dx - wx * dz, cz = wx * dy - wy * dx;
  const A = dx * dx + dy * dy;
  const B = -cx * dy + cy * dx; // c · (−dy, dx, 0)
  const C = cx * cx + cy * cy + cz * cz - r2 * dd;
  clip.from = -Infinity; clip.to = Infinity;
  if (A === 0) {
    if (C > 0) return; // a vertical edge farther than r from the axis
  } else {
    const disc = B * B - A * C;
    if (disc < 0) return;
    const q = -(B + (B < 0 ? -1 : 1) * Math.sqrt(disc));
    let r0 = q / A, r1 = q === 0 ? 0 : C / q;
    if (r0 > r1) { const x = r0; r0 = r1; r1 = x; }
    clip.from = r0; clip.to = r1;
  }
  // Along the edge: λ(δ) = (w0 · d + δ·dz) / dd in [0, 1].
  clipLinear(wx * dx + wy * dy + wz * dz, dz, 0, dd);
  take(clip.from, clip.to);
}

/**
 * The interval of δ with p + s·u + δẑ within r of t·a for some s, t ∈ [0, 1]; into gapInterval.
 * False when the z-axis misses K (the plans are farther than r apart, or only touch within rounding).
 */
export function verticalInterval(
  px: number, py: number, pz: number, ux: number, uy: number, uz: number, ax: number, ay: number, az: number, r: number,
): boolean {
  RANGE[0] = Infinity; RANGE[1] = -Infinity;
  const r2 = r * r;
  const qx = px + ux, qy = py + uy, qz = pz + uz;
  // Corners −p, a − p, −q, a − q and their balls.
  ball(-px, -py, -pz, r2); ball(ax - px, ay - py, az - pz, r2);
  ball(-qx, -qy, -qz, r2); ball(ax - qx, ay - qy, az - qz, r2);
  // Edges along a from −p and −q; along −u from −p and a − p.
  edgeCylinder(-px, -py, -pz, ax, ay, az, r2);
  edgeCylinder(-qx, -qy, -qz, ax, ay, az, r2);
  edgeCylinder(-px, -py, -pz, -ux, -uy, -uz, r2);
  edgeCylinder(ax - px, ay - py, az - pz, -ux, -uy, -uz, r2);
  // The slab: t = b·(u × n)/|n|², s = b·(a × n)/|n|², h·|n|² = b·n, with b = p + δẑ.
  const nx = ay * uz - az * uy, ny = az * ux - ax * uz, nz = ax * uy - ay * ux;
  const nn = nx * nx + ny * ny + nz * nz;
  // Nearly parallel (sin² of the angle under SLAB_MIN_SIN2), n is rounding noise and so is the
  // solve: the slab is left out, P is then a sliver that its edges' capsules all but cover, and the
  // bracket in capsule.ts sends any case where that matters to the search.
  if (nn > SLAB_MIN_SIN2 * (ax * ax + ay * ay + az * az) * (ux * ux + uy * uy + uz * uz)) {
    const Ux = uy * nz - uz * ny, Uy = uz * nx - ux * nz, Uz = ux * ny - uy * nx;
    const Vx = ay * nz - az * ny, Vy = az * nx - ax * nz, Vz = ax * ny - ay * nx;
    const reach = r * Math.sqrt(nn);
    clip.from = -Infinity; clip.to = Infinity;
    clipLinear(px * Ux + py * Uy + pz * Uz, Uz, 0, nn);
    clipLinear(px * Vx + py * Vy + pz * Vz, Vz, 0, nn);
    clipLinear(px * nx + py * ny + pz * nz, nz, -reach, reach);
    take(clip.from, clip.to);
  }
  const lo = RANGE[0]!, hi = RANGE[1]!;
  if (!(lo <= hi)) return false;
  gapInterval.lo = lo;
  gapInterval.hi = hi;
  return true;
}
