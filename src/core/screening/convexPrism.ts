/**
 * Exact minimum distance between a segment (a pipe's axis) and a convex vertical prism whose bottom
 * may slope: a convex polygon in plan, from a planar bottom z = b(x, y) up to a flat top. These are the
 * pieces of a trench (one per centre-line segment, its bottom sloping along the segment) and of its
 * mitred corners. Metres, local frame (crs.ts), computed relative to the polygon's bbox centre.
 *
 * Method (a convex polytope P and a segment S):
 *   - S meets P: Cyrus–Beck clipping of S against P's half-spaces (Cyrus & Beck 1978) → 0.
 *   - Otherwise the closest pair (p on S, q on P) has q on an edge of P or inside a face. If inside a
 *     face, either p is an end of S (q is then its projection onto the face) or S is parallel to the
 *     face and the pair can slide along S until p reaches an end or q an edge, keeping its length.
 *     So the distance is the minimum of: each end of S to each face it projects into, and S to each
 *     edge of P (segment–segment). Every candidate is a real pair of points, so the minimum is exact.
 * Tolerances go one way: "meets", "projects into" and "over the footprint" accept points up to
 * BOUNDARY_EPS_M outside, which can only make a distance smaller (a verdict more severe).
 *
 * Plan distance and vertical gap follow distance.ts: `horizontal` is the plan distance to the polygon
 * (0 when S crosses it in plan); over the polygon the vertical gap is max(b − z, z − top), linear in
 * t on each side, so its minimum over the overlap is at an end of the overlap or 0.
 */
import { closestPair, hypot2, segmentArgs, segSegDist2 } from './segmentSegment';
import type { SegmentPrismDistance } from './segmentDistance';
import { doubles, put } from './prism';

/** Same allowance as distance.ts: far above float error at city scale, far below survey precision. */
const BOUNDARY_EPS_M = 1e-9;

export interface ConvexPrism {
  /** Polygon vertices, counter-clockwise, relative to (originX, originY). */
  vertexCount: number;
  originX: number;
  originY: number;
  /** Plain packed arrays of doubles, not typed arrays: prepared per screening (prism.ts `doubles`). */
  xs: number[];
  ys: number[];
  /** Wall i (edge from vertex i to i + 1): outward unit normal and offset, nx·x + ny·y ≤ offset inside. */
  nx: number[];
  ny: number[];
  offset: number[];
  /** Bottom plane z = b0 + bx·x + by·y (relative plan coordinates). */
  b0: number;
  bx: number;
  by: number;
  /** Bottom elevation at each vertex. */
  bottomAt: number[];
  /** Edge i's squared plan length, and BOUNDARY_EPS_M / its length (hypot2, Math.hypot's value): an end's slack along the edge. */
  edgeLength2: number[];
  edgeSlack: number[];
  /** The largest magnitude among the relative vertex coordinates, the bottoms and topZ (the kernel's rounding scale). */
  scale: number;
  /**
   * sin(α/2) for the sharpest vertex angle α (0 if degenerate): a plan point that passes every wall's
   * test with an allowance ε lies within ε / sin(α/2) of the polygon.
   */
  sharpest: number;
  topZ: number;
  /** Absolute bounds. */
  minX: number; minY: number; minZ: number; maxX: number; maxY: number; maxZ: number;
}

/**
 * Prepares a convex polygon (absolute plan coordinates, either orientation, no repeated vertices)
 * with a bottom plane through (px, py, pz) of plan gradient (gx, gy), up to topZ. The bottom must lie
 * below topZ at every vertex.
 */
export function prepareConvexPrism(
  polygon: readonly (readonly [number, number])[], px: number, py: number, pz: number, gx: number, gy: number, topZ: number,
): ConvexPrism {
  const xy = doubles();
  for (const [x, y] of polygon) xy.push(x, y);
  return prepareConvexPrismAt(xy, polygon.length, px, py, pz, gx, gy, topZ);
}

/**
 * `prepareConvexPrism` of the n vertices (x, y) in `xy[0 … 2n − 1]`, optionally into a used prism
 * (`into`: its arrays and fields overwritten, nothing allocated; volume.ts reuses a trench's pieces
 * from one screening to the next). The same numbers either way.
 */
export function prepareConvexPrismAt(
  xy: readonly number[], n: number, px: number, py: number, pz: number, gx: number, gy: number, topZ: number, into?: ConvexPrism,
): ConvexPrism {
  if (n < 3) throw new RangeError(`prepareConvexPrism: ${n} vertices, at least 3 needed`);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i]!, y = xy[2 * i + 1]!;
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const originX = (minX + maxX) / 2, originY = (minY + maxY) / 2;
  // Written in order (put: past the end is a push), so the arrays stay packed doubles; cut to n.
  const xs = into ? into.xs : doubles(), ys = into ? into.ys : doubles();
  let area2 = 0;
  for (let i = 0; i < n; i++) { put(xs, i, xy[2 * i]! - originX); put(ys, i, xy[2 * i + 1]! - originY); }
  if (xs.length > n) { xs.length = n; ys.length = n; }
  for (let i = 0, j = n - 1; i < n; j = i++) area2 += xs[j]! * ys[i]! - xs[i]! * ys[j]!;
  if (area2 < 0) { xs.reverse(); ys.reverse(); }
  const nx = into ? into.nx : doubles(), ny = into ? into.ny : doubles(), offset = into ? into.offset : doubles();
  const bottomAt = into ? into.bottomAt : doubles(), edgeLength2 = into ? into.edgeLength2 : doubles(), edgeSlack = into ? into.edgeSlack : doubles();
  const b0 = pz + gx * (originX - px) + gy * (originY - py);
  let minZ = Infinity, scale = Math.abs(topZ);
  for (let i = 0; i < n; i++) {
    const k = i + 1 === n ? 0 : i + 1;
    const ex = xs[k]! - xs[i]!, ey = ys[k]! - ys[i]!;
    // Not Math.hypot (several times slower in V8): edges of a validated work cannot overflow. An edge under
    // ~1e-154 m in plan underflows and its normal is then not unit (review 9): the plan cull checks for that.
    const len = Math.sqrt(ex * ex + ey * ey);
    if (!(len > 0)) throw new RangeError(`prepareConvexPrism: edge ${i} has length 0`);
    // Counter-clockwise: the outside is to the right of each edge.
    put(nx, i, ey / len); put(ny, i, -ex / len);
    put(offset, i, nx[i]! * xs[i]! + ny[i]! * ys[i]!);
    put(bottomAt, i, b0 + gx * xs[i]! + gy * ys[i]!);
    // The kernel's per-call values of each edge, computed once here as it computed them (bit for bit).
    put(edgeLength2, i, ex * ex + ey * ey);
    put(edgeSlack, i, BOUNDARY_EPS_M / hypot2(ex, ey));
    scale = Math.max(scale, Math.abs(xs[i]!), Math.abs(ys[i]!), Math.abs(bottomAt[i]!));
    // Validation keeps every bottom below the top; the allowance is for rounding in the plane's evaluation.
    if (!(bottomAt[i]! <= topZ + BOUNDARY_EPS_M)) throw new RangeError(`prepareConvexPrism: bottom ${bottomAt[i]} at vertex ${i} is above topZ ${topZ}`);
    minZ = Math.min(minZ, bottomAt[i]!);
  }
  if (nx.length > n) { nx.length = n; ny.length = n; offset.length = n; bottomAt.length = n; edgeLength2.length = n; edgeSlack.length = n; }
  // sin(α/2) at vertex i = cos of half the turn between the normals of the walls meeting there.
  let sinHalf = Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++) sinHalf = Math.min(sinHalf, Math.sqrt(Math.max(0, (1 + nx[j]! * nx[i]! + ny[j]! * ny[i]!) / 2)));
  const sharpest = sinHalf > 0 ? sinHalf : 0;
  if (!into) {
    return {
      vertexCount: n, originX, originY, xs, ys, nx, ny, offset, b0, bx: gx, by: gy, bottomAt, edgeLength2, edgeSlack, scale, sharpest, topZ,
      minX, minY, minZ, maxX, maxY, maxZ: topZ,
    };
  }
  into.vertexCount = n; into.originX = originX; into.originY = originY; into.b0 = b0; into.bx = gx; into.by = gy;
  into.scale = scale; into.sharpest = sharpest; into.topZ = topZ;
  into.minX = minX; into.minY = minY; into.minZ = minZ; into.maxX = maxX; into.maxY = maxY; into.maxZ = topZ;
  return into;
}

/**
 * The last clip's interval [a, b] of the segment's parameter (empty when a > b). A typed array, not
 * two module variables: V8 boxes every double stored in a module's `let` (a heap number per clip).
 */
const CLIP = new Float64Array(2);

/** Clips CLIP by c + k·t ≤ 0. */
function clip(c: number, k: number): void {
  if (k === 0) {
    if (c > 0) CLIP[1] = -1;
  } else if (k > 0) {
    CLIP[1] = Math.min(CLIP[1]!, -c / k);
  } else {
    CLIP[0] = Math.max(CLIP[0]!, -c / k);
  }
}

/** Plan point inside the polygon, accepting BOUNDARY_EPS_M outside. */
function insidePlan(cp: ConvexPrism, x: number, y: number): boolean {
  for (let i = 0; i < cp.vertexCount; i++) {
    if (cp.nx[i]! * x + cp.ny[i]! * y - cp.offset[i]! > BOUNDARY_EPS_M) return false;
  }
  return true;
}

/**
 * The pruning slack, m², at coordinate magnitude M (the largest |coordinate| a call reads: relative
 * plan coordinates, absolute z): PRUNE_RELATIVE·M² + PRUNE_REACH·outsideReach·M + PRUNE_ABSOLUTE,
 * outsideReach = (BOUNDARY_EPS_M + PRUNE_TEST_ROUNDING·M) / sin(α/2) (`sharpest`): how far outside the
 * polygon a plan point can pass every wall's test, allowance and the tests' rounding included.
 * A candidate is skipped only when a lower bound on its distance² exceeds the best so far by more
 * than this, so that its computed value could not have been below the best either: it would not have
 * replaced it, and the kernel's answer is the same to the bit. What it covers: each computed
 * segment–segment distance² is the squared length of a computed difference between two real points,
 * off by at most ~16 ulps·M per coordinate, so within ~3e-14·M² of the true distance², both ways (the
 * plan distances used as bounds too): PRUNE_RELATIVE leaves a factor of 300. An end's foot on the
 * top or bottom face or on a wall counts when it passes the walls' tests with BOUNDARY_EPS_M, so it
 * may lie up to `outsideReach` outside the polygon and be nearer than the plan distance h by as
 * much: h² − 2·outsideReach·h, h ≤ 2√2·M (PRUNE_REACH 16 against 5.7).
 */
const PRUNE_RELATIVE = 1e-11, PRUNE_REACH = 16, PRUNE_ABSOLUTE = 1e-15, PRUNE_TEST_ROUNDING = 1e-14;

/** Per edge of the prism in the current call: the segment's plan distance² to it (the call's scratch, grown to the largest prism). */
const edgePlan2: number[] = doubles();

/**
 * Distance from segment (x0,y0,z0)–(x1,y1,z1), absolute local frame, to the prism. Writes `out` and
 * returns it. A zero-length segment is a point and works too. `cutoff` as in distance.ts: a true
 * distance of at least `cutoff` may be answered as Infinity (edges that far in plan are skipped);
 * below it the distance is exact, and plan distance and vertical gap are always exact.
 *
 * Lower bounds skip work that cannot change the answer (PRUNE_RELATIVE): beside the polygon in plan,
 * every candidate is at least the plan distance away, and each edge at least its wall's plan
 * distance (a wall's bottom edge, top edge and the vertical edge at its first vertex all lie over
 * its plan edge) together with the gap between their z ranges.
 */
export function segmentConvexPrismDistance(
  cp: ConvexPrism, x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, out: SegmentPrismDistance,
  cutoff = Infinity,
): SegmentPrismDistance {
  return segmentConvexPrismDistanceAt(cp, segmentArgs(x0, y0, z0, x1, y1, z1), 0, out, cutoff);
}

/**
 * `segmentConvexPrismDistance` with the segment read from `seg[q … q + 5]` (x0, y0, z0, x1, y1, z1): the
 * screening passes a row of its gathered candidates (hits.ts), so no double is boxed for the call
 * (V8 boxes each double argument of a call it does not inline). The same arithmetic on the same numbers.
 */
export function segmentConvexPrismDistanceAt(
  cp: ConvexPrism, seg: Float64Array<ArrayBufferLike>, q: number, out: SegmentPrismDistance, cutoff: number,
): SegmentPrismDistance {
  const x0 = seg[q]!, y0 = seg[q + 1]!, z0 = seg[q + 2]!, x1 = seg[q + 3]!, y1 = seg[q + 4]!, z1 = seg[q + 5]!;
  const n = cp.vertexCount, xs = cp.xs, ys = cp.ys, nx = cp.nx, ny = cp.ny, off = cp.offset, bottomAt = cp.bottomAt;
  const top = cp.topZ, bx = cp.bx, by = cp.by;
  const px = x0 - cp.originX, py = y0 - cp.originY, qx = x1 - cp.originX, qy = y1 - cp.originY;
  const sx = qx - px, sy = qy - py, dz = z1 - z0;

  // The part of the segment over the polygon (walls as half-planes): Cyrus–Beck.
  const cl = CLIP;
  cl[0] = 0; cl[1] = 1;
  for (let i = 0; i < n && cl[0]! <= cl[1]!; i++) clip(nx[i]! * px + ny[i]! * py - off[i]! - BOUNDARY_EPS_M, nx[i]! * sx + ny[i]! * sy);
  const planA = cl[0]!, planB = cl[1]!;
  // Over the polygon: below the bottom by e1(t) = b(t) − z(t), above the top by e2(t) = z(t) − top.
  const bottomNorm = Math.sqrt(1 + bx * bx + by * by);
  const e1c = cp.b0 + bx * px + by * py - z0, e1k = bx * sx + by * sy - dz;
  const e2c = z0 - top, e2k = dz;

  let best2 = Infinity, bestT = 0, h2 = Infinity;
  let horizontal = 0, horizontalT = 0, vertical: number | null = null, verticalT = NaN;
  const apart = !(planA <= planB);
  if (!apart) {
    // Clipped further by e1 ≤ 0 and e2 ≤ 0 (allowing BOUNDARY_EPS_M).
    clip(e1c - BOUNDARY_EPS_M * bottomNorm, e1k);
    clip(e2c - BOUNDARY_EPS_M, e2k);
    horizontalT = planA;
    const clipA = cl[0]!;
    if (clipA <= cl[1]!) {
      // The segment meets the prism.
      best2 = 0; bestT = clipA;
      vertical = 0; verticalT = clipA; horizontalT = clipA;
    } else {
      // At most one of e1, e2 is positive at any t (e1 + e2 = b − top < 0), so the gap is linear
      // on the overlap and smallest at one of its ends.
      const ga = Math.max(e1c + e1k * planA, e2c + e2k * planA, 0), gb = Math.max(e1c + e1k * planB, e2c + e2k * planB, 0);
      vertical = ga <= gb ? ga : gb;
      verticalT = ga <= gb ? planA : planB;
    }
  } else {
    const plan2 = edgePlan2;
    for (let i = 0; i < n; i++) {
      const k = i + 1 === n ? 0 : i + 1;
      const d2 = segSegDist2(px, py, 0, qx, qy, 0, xs[i]!, ys[i]!, 0, xs[k]!, ys[k]!, 0);
      put(plan2, i, d2);
      if (d2 < h2) { h2 = d2; horizontalT = closestPair.s; }
    }
    horizontal = Math.sqrt(h2);
  }

  // Not meeting: only distances under the cutoff are sought (the bound starts there).
  const cutoff2 = cutoff * cutoff;
  const beyond = best2 > 0 && !(best2 < cutoff2);
  if (beyond) best2 = cutoff2;
  let scale = cp.scale;
  if (best2 > 0) {
    const ax = px < 0 ? -px : px, ay = py < 0 ? -py : py, bx2 = qx < 0 ? -qx : qx, by2 = qy < 0 ? -qy : qy;
    const az = z0 < 0 ? -z0 : z0, bz = z1 < 0 ? -z1 : z1;
    scale = Math.max(scale, ax, ay, bx2, by2, az, bz);
  }
  // NaN or Infinity (a degenerate vertex: sharpest 0) prunes nothing.
  const outsideReach = (BOUNDARY_EPS_M + PRUNE_TEST_ROUNDING * scale) / cp.sharpest;
  const slack = (PRUNE_RELATIVE * scale + PRUNE_REACH * outsideReach) * scale + PRUNE_ABSOLUTE;
  // Beside the polygon in plan, no candidate is nearer than the plan distance: none can beat the best.
  if (best2 > 0 && !(apart && h2 > best2 + slack)) {
    // Ends of the segment to the faces they project into.
    for (let end = 0; end < 2; end++) {
      const ex = end === 0 ? px : qx, ey = end === 0 ? py : qy, ez = end === 0 ? z0 : z1;
      let d2 = insidePlan(cp, ex, ey) ? (ez - top) * (ez - top) : Infinity;
      // The sloped bottom's foot of the perpendicular is not under the point: test it on its own.
      const f = cp.b0 + bx * ex + by * ey - ez;
      const k = f / (bottomNorm * bottomNorm);
      if (insidePlan(cp, ex - k * bx, ey - k * by)) d2 = Math.min(d2, (f / bottomNorm) ** 2);
      const edgeLength2 = cp.edgeLength2, edgeSlack = cp.edgeSlack;
      for (let i = 0; i < n; i++) {
        const k = i + 1 === n ? 0 : i + 1;
        const wx = xs[k]! - xs[i]!, wy = ys[k]! - ys[i]!;
        const u = ((ex - xs[i]!) * wx + (ey - ys[i]!) * wy) / edgeLength2[i]!;
        const uEps = edgeSlack[i]!;
        if (u < -uEps || u > 1 + uEps) continue;
        const floor = bottomAt[i]! + u * (bottomAt[k]! - bottomAt[i]!);
        if (ez < floor - BOUNDARY_EPS_M || ez > top + BOUNDARY_EPS_M) continue;
        const d = nx[i]! * ex + ny[i]! * ey - off[i]!;
        d2 = Math.min(d2, d * d);
      }
      if (d2 < best2) { best2 = d2; bestT = end; }
    }
    // The segment to every edge: bottom ring, top ring, vertical edges. An edge whose plan box is
    // already farther from the segment's than the best so far cannot be nearer (a lower bound); nor
    // one whose wall's plan distance (beside the polygon) or plan box gap, with the gap between the
    // z ranges, exceeds the best by more than the slack.
    const sMinX = Math.min(px, qx), sMaxX = Math.max(px, qx), sMinY = Math.min(py, qy), sMaxY = Math.max(py, qy);
    const sMinZ = z0 < z1 ? z0 : z1, sMaxZ = z0 < z1 ? z1 : z0;
    const plan2 = edgePlan2;
    for (let i = 0; i < n && best2 > 0; i++) {
      const k = i + 1 === n ? 0 : i + 1;
      const gx = Math.max(Math.min(xs[i]!, xs[k]!) - sMaxX, sMinX - Math.max(xs[i]!, xs[k]!), 0);
      const gy = Math.max(Math.min(ys[i]!, ys[k]!) - sMaxY, sMinY - Math.max(ys[i]!, ys[k]!), 0);
      const box2 = gx * gx + gy * gy;
      if (box2 >= best2) continue;
      const wall2 = apart ? plan2[i]! : box2;
      if (wall2 > best2 + slack) continue;
      const bi = bottomAt[i]!, bk = bottomAt[k]!;
      // Bottom edge: z from min(bi, bk) to max(bi, bk).
      let gz = zGap(bi < bk ? bi : bk, bi < bk ? bk : bi, sMinZ, sMaxZ);
      let d2: number;
      if (!(wall2 + gz * gz > best2 + slack)) {
        d2 = segSegDist2(px, py, z0, qx, qy, z1, xs[i]!, ys[i]!, bi, xs[k]!, ys[k]!, bk);
        if (d2 < best2) { best2 = d2; bestT = closestPair.s; }
      }
      gz = zGap(top, top, sMinZ, sMaxZ);
      if (!(wall2 + gz * gz > best2 + slack)) {
        d2 = segSegDist2(px, py, z0, qx, qy, z1, xs[i]!, ys[i]!, top, xs[k]!, ys[k]!, top);
        if (d2 < best2) { best2 = d2; bestT = closestPair.s; }
      }
      gz = zGap(bi < top ? bi : top, bi < top ? top : bi, sMinZ, sMaxZ);
      if (!(wall2 + gz * gz > best2 + slack)) {
        d2 = segSegDist2(px, py, z0, qx, qy, z1, xs[i]!, ys[i]!, bi, xs[i]!, ys[i]!, top);
        if (d2 < best2) { best2 = d2; bestT = closestPair.s; }
      }
    }
  }

  out.distance = beyond && best2 === cutoff2 ? Infinity : Math.sqrt(best2);
  out.t = bestT;
  out.x = x0 + bestT * (x1 - x0);
  out.y = y0 + bestT * (y1 - y0);
  out.z = z0 + bestT * dz;
  out.horizontal = horizontal;
  out.horizontalT = horizontalT;
  out.vertical = vertical;
  out.verticalT = verticalT;
  return out;
}

/** Gap between [lo, hi] and [sLo, sHi] (0 where they overlap). */
function zGap(lo: number, hi: number, sLo: number, sHi: number): number {
  const a = lo - sHi, b = sLo - hi;
  return a > b ? (a > 0 ? a : 0) : (b > 0 ? b : 0);
}
