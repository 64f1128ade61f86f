/**
 * Distance between two segments in 3D: the building block of the wall distances in distance.ts.
 * Metres in any Cartesian frame; allocation-free (the closest pair's parameter is left in
 * `closestPair`).
 */

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * Math.hypot(x, y), the same double for every pair (V8's builtin, Node 20: |x|, |y| scaled by the
 * larger, the two squares summed in order, √ of the sum times the larger; Infinity over NaN), but as
 * plain arithmetic that V8 inlines: the builtin is a call that boxes its arguments and its result
 * (~35–45 ns; tests/core/screening.hypot.test.ts checks the two agree bit for bit). Written out, it
 * also gives the same answer in every engine, whatever their builtin's rounding.
 */
export function hypot2(x: number, y: number): number {
  const ax = Math.abs(x), ay = Math.abs(y);
  if (ax === Infinity || ay === Infinity) return Infinity;
  if (x !== x || y !== y) return NaN;
  const m = ax > ay ? ax : ay, small = ax > ay ? ay : ax;
  if (m === 0) return 0;
  // The larger over itself is exactly 1: √(1 + r²)·m is the same double as √((ax/m)² + (ay/m)²)·m,
  // one division fewer (kern15).
  const r = small / m;
  return Math.sqrt(1 + r * r) * m;
}

const SEGMENT_ARGS = new Float64Array(6);

/**
 * The six numbers in a reused Float64Array, for the kernels' entry points that take coordinates
 * (`segmentPrismDistance` …) to call their `…At` form, which reads them from an array. The kernels
 * read the six before anything else and are never re-entered, so one array serves them all.
 */
export function segmentArgs(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): Float64Array {
  const a = SEGMENT_ARGS;
  a[0] = x0; a[1] = y0; a[2] = z0; a[3] = x1; a[4] = y1; a[5] = z1;
  return a;
}

/** Written by segSegDist2: parameter on the first segment (0 at a, 1 at b) of the closest pair. */
export const closestPair = { s: 0 };

/**
 * Squared distance between segments ab and cd in 3D. Candidates: the 4 end-to-segment distances
 * (exact) and, when the lines are not parallel and their closest points fall inside both segments,
 * the interior pair. The interior parameters use the cross-product form of Ericson's §5.1.9
 * solution, which has no cancellation in the denominator |d1 × d2|² for nearly parallel lines.
 * Every candidate is a real pair of points, so rounding can only lengthen it, never shorten.
 */
export function segSegDist2(
  ax: number, ay: number, az: number, bx: number, by: number, bz: number,
  cx: number, cy: number, cz: number, dx: number, dy: number, dz: number,
): number {
  const v = SEGMENT_PAIR;
  v[0] = ax; v[1] = ay; v[2] = az; v[3] = bx; v[4] = by; v[5] = bz;
  v[6] = cx; v[7] = cy; v[8] = cz; v[9] = dx; v[10] = dy; v[11] = dz;
  segmentPairDist2();
  return v[12]!;
}

/**
 * segSegDist2's arguments (ab then cd, 12 numbers) and, at [12], its result. The body
 * (`segmentPairDist2`) is too large for V8 to inline anywhere, and a call it does not inline boxes
 * each double argument and result (a heap number each): it reads and writes this array instead. The
 * wrapper `segSegDist2` is small enough to be inlined where it is called; a caller whose inlining
 * budget is spent (distance.ts's kernel) writes the array itself and calls `segmentPairDist2`.
 */
export const SEGMENT_PAIR = new Float64Array(13);

/** segSegDist2 of the segments in SEGMENT_PAIR[0 … 11], into SEGMENT_PAIR[12] (and closestPair.s). */
export function segmentPairDist2(): void {
  const v = SEGMENT_PAIR;
  const ax = v[0]!, ay = v[1]!, az = v[2]!, bx = v[3]!, by = v[4]!, bz = v[5]!;
  const cx = v[6]!, cy = v[7]!, cz = v[8]!, dx = v[9]!, dy = v[10]!, dz = v[11]!;
  const ux = bx - ax, uy = by - ay, uz = bz - az;
  const vx = dx - cx, vy = dy - cy, vz = dz - cz;
  const rx = ax - cx, ry = ay - cy, rz = az - cz;
  const a = ux * ux + uy * uy + uz * uz;
  const e = vx * vx + vy * vy + vz * vz;
  const b = ux * vx + uy * vy + uz * vz;
  const c = ux * rx + uy * ry + uz * rz;
  const f = vx * rx + vy * ry + vz * rz;

  let t = e > 0 ? clamp01(f / e) : 0;
  let px = rx - t * vx, py = ry - t * vy, pz = rz - t * vz;
  let best = px * px + py * py + pz * pz;
  let bestS = 0;

  t = e > 0 ? clamp01((f + b) / e) : 0;
  px = rx + ux - t * vx; py = ry + uy - t * vy; pz = rz + uz - t * vz;
  let d = px * px + py * py + pz * pz;
  if (d < best) { best = d; bestS = 1; }

  let s = a > 0 ? clamp01(-c / a) : 0;
  px = rx + s * ux; py = ry + s * uy; pz = rz + s * uz;
  d = px * px + py * py + pz * pz;
  if (d < best) { best = d; bestS = s; }

  s = a > 0 ? clamp01((b - c) / a) : 0;
  px = rx + s * ux - vx; py = ry + s * uy - vy; pz = rz + s * uz - vz;
  d = px * px + py * py + pz * pz;
  if (d < best) { best = d; bestS = s; }

  // n = u × v; s = n·(v × r)/|n|², t = n·(u × r)/|n|².
  const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  const nn = nx * nx + ny * ny + nz * nz;
  if (nn > 0 && best > 0) {
    s = (nx * (vy * rz - vz * ry) + ny * (vz * rx - vx * rz) + nz * (vx * ry - vy * rx)) / nn;
    t = (nx * (uy * rz - uz * ry) + ny * (uz * rx - ux * rz) + nz * (ux * ry - uy * rx)) / nn;
    if (s > 0 && s < 1 && t > 0 && t < 1) {
      px = rx + s * ux - t * vx; py = ry + s * uy - t * vy; pz = rz + s * uz - t * vz;
      d = px * px + py * py + pz * pz;
      if (d < best) { best = d; bestS = s; }
    }
  }
  closestPair.s = bestS;
  v[12] = best;
}
