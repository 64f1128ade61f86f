/**
 * Exact minimum distance between a line segment (a pipe's axis) and a vertical prism (a simple,
 * possibly concave polygon, possibly with holes, × [bottomZ, topZ]): the open-cut kernel. Metres,
 * local frame (crs.ts).
 *
 * Method. For a point p: if p's plan lies in the polygon, its distance to the prism is the gap from
 * p.z to [bottomZ, topZ] (the nearest point is straight above or below); otherwise the nearest point
 * lies on a side wall. So over a segment the minimum is the smaller of
 *   (a) the slab gap of the linear z(t) over the parts of the segment whose plan lies in the polygon
 *       (the segment is split at its plan crossings with the polygon's edges, each piece classified
 *       by its midpoint; crossing points are on the boundary and count as inside), and
 *   (b) the distance to each side wall, a vertical rectangle. Segment to convex planar polygon is 0
 *       if they cross, else attained at a segment end or on one of the polygon's edges (Ericson,
 *       Real-Time Collision Detection, 2005, §5.1.9 and §5.1.10), so: the 2 ends clamped in the
 *       rectangle's own frame, and segment–segment to its 4 edges. A crossing of a wall is a plan
 *       crossing of its edge with z in the slab, which (a) already scores 0 at that crossing point.
 * A wall whose plan edge is already farther (in plan) than the best so far is skipped: projection
 * to the plan never lengthens a distance, so the skip is exact.
 *
 * Holes (ground left standing inside the cut) are more rings: "in the polygon" is the even–odd rule
 * over every edge of every ring, and a hole's edges are walls like the outer ring's. A segment that
 * runs through a hole without touching the solid is then outside in plan all along, and its distance
 * is to the hole's walls.
 *
 * Everything is computed relative to the footprint's bbox centre to keep precision; results are
 * written to an out-parameter and the scratch is shared module state (below), so a call allocates nothing.
 */
import { insidePrismPlan, type Prism } from './prism';
import type { SegmentPrismDistance } from './segmentDistance';
import { clamp01, closestPair, segmentArgs, segmentPairDist2, SEGMENT_PAIR } from './segmentSegment';

export { preparePrism, type Prism } from './prism';
export { createSegmentPrismDistance, type SegmentPrismDistance } from './segmentDistance';

/**
 * Plan tolerance for "on a line" and "on the boundary" (which counts as inside): far above the float
 * error at city coordinates (~1e-12 m), far below anything a survey can resolve.
 */
const BOUNDARY_EPS_M = 1e-9;

/**
 * The kernel's scratch, shared by every prism (the kernel is synchronous and never re-entered), grown
 * to the largest prism seen: crossing parameters (2 per edge + the segment's two ends), squared plan
 * distance from the current segment to each edge, and 1 where the segment lies along edge i (both its
 * ends snapped onto the edge's line). Sharing keeps preparing a prism to three small arrays.
 */
let scratchParams = new Float64Array(2 * 64 + 2);
let scratchEdgeDist2 = new Float64Array(64);
let scratchAlongEdge = new Uint8Array(64);

function growScratch(n: number): void {
  if (n <= scratchEdgeDist2.length) return;
  scratchParams = new Float64Array(2 * n + 2);
  scratchEdgeDist2 = new Float64Array(n);
  scratchAlongEdge = new Uint8Array(n);
}

/**
 * The parameters the helpers below leave for their caller: [PROJ_T] by pointSegDist2D2T, [GAP_T] by
 * slabGap. A typed array, not module variables: V8 boxes every double stored in a module's `let`
 * (a heap number per call).
 */
const PARAMS = new Float64Array(2);
const PROJ_T = 0, GAP_T = 1;

/**
 * Plan point-to-segment squared distance, also setting PARAMS[PROJ_T]: the parameter of the nearest point.
 * `invLen2` is 1 / |s|² (0 for a zero-length segment): a multiply where a divide was, per call.
 */
function pointSegDist2D2T(px: number, py: number, ax: number, ay: number, sx: number, sy: number, invLen2: number): number {
  const projT = clamp01(((px - ax) * sx + (py - ay) * sy) * invLen2);
  PARAMS[PROJ_T] = projT;
  const dx = px - ax - projT * sx, dy = py - ay - projT * sy;
  return dx * dx + dy * dy;
}

/**
 * A point within BOUNDARY_EPS_M of an edge the segment runs along. Only those edges: the segment was
 * split at their ends' projections, so a piece whose midpoint is on such an edge runs along it as a
 * whole. Near any other edge, the even–odd test at the midpoint decides.
 */
function nearBoundary(prism: Prism, px: number, py: number): boolean {
  const xs = prism.xs, ys = prism.ys, next = prism.next, n = prism.vertexCount, along = scratchAlongEdge;
  const eps2 = 4 * BOUNDARY_EPS_M * BOUNDARY_EPS_M;
  for (let i = 0; i < n; i++) {
    if (along[i] === 0) continue;
    const k = next[i]!;
    const ex = xs[k]! - xs[i]!, ey = ys[k]! - ys[i]!;
    const inv = prism.invEdgeLength[i]!;
    if (pointSegDist2D2T(px, py, xs[i]!, ys[i]!, ex, ey, inv * inv) <= eps2) return true;
  }
  return false;
}

/** Margin on the footprint's bbox for "wholly outside": 1000 × the snap band, far above rounding. */
const BBOX_MARGIN_M = 1e-6;

/**
 * slabGap's numbers: z0, dz, ta, tb, lo, hi in, the gap out (SLAB_GAP). A typed array, not
 * arguments: the prism kernel's inlining budget is spent before slabGap, so a call with arguments
 * boxed its six doubles and its result, a heap number each (kern14: most of what the kernel allocated).
 */
const SLAB = new Float64Array(7);
const SLAB_Z0 = 0, SLAB_DZ = 1, SLAB_TA = 2, SLAB_TB = 3, SLAB_LO = 4, SLAB_HI = 5, SLAB_GAP = 6;

/**
 * Smallest gap between z(t) = z0 + t·dz on [ta, tb] and [lo, hi] (read from SLAB), into
 * SLAB[SLAB_GAP]; sets PARAMS[GAP_T] to the minimiser's parameter.
 */
function slabGap(): void {
  const z0 = SLAB[SLAB_Z0]!, dz = SLAB[SLAB_DZ]!, ta = SLAB[SLAB_TA]!, tb = SLAB[SLAB_TB]!, lo = SLAB[SLAB_LO]!, hi = SLAB[SLAB_HI]!;
  const za = z0 + ta * dz, zb = z0 + tb * dz;
  if (za < lo && zb < lo) {
    PARAMS[GAP_T] = za >= zb ? ta : tb;
    SLAB[SLAB_GAP] = lo - Math.max(za, zb);
    return;
  }
  if (za > hi && zb > hi) {
    PARAMS[GAP_T] = za <= zb ? ta : tb;
    SLAB[SLAB_GAP] = Math.min(za, zb) - hi;
    return;
  }
  let gapT: number;
  if (za >= lo && za <= hi) gapT = ta;
  else gapT = ta + ((za > hi ? hi : lo) - za) / (zb - za) * (tb - ta);
  if (gapT < ta) gapT = ta; else if (gapT > tb) gapT = tb;
  PARAMS[GAP_T] = gapT;
  SLAB[SLAB_GAP] = 0;
}

/** Snaps a signed distance to a line to 0 within BOUNDARY_EPS_M: only ever adds crossings. */
function snap(d: number): number {
  return d <= BOUNDARY_EPS_M && d >= -BOUNDARY_EPS_M ? 0 : d;
}

/**
 * Distance from segment (x0,y0,z0)–(x1,y1,z1), absolute local frame, to the prism. Writes `out` and
 * returns it. A zero-length segment is a point and works too.
 *
 * `cutoff` (m, default none): a caller that only needs distances below it (screen.ts: the segment's
 * reach) gets `distance` = Infinity when the true distance is at least `cutoff`, which lets pass 2
 * skip every wall at least that far in plan. Below the cutoff the distance is exact; the plan
 * distance and the vertical gap are always exact.
 *
 * Plan crossings are found from signed distances to lines snapped to 0 within BOUNDARY_EPS_M: a
 * segment running along an edge, or through a vertex, must not slip between two edges by rounding
 * (a missed crossing would classify a whole piece wrongly). A spurious crossing only splits a piece.
 */
export function segmentPrismDistance(
  prism: Prism, x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, out: SegmentPrismDistance,
  cutoff = Infinity,
): SegmentPrismDistance {
  return segmentPrismDistanceAt(prism, segmentArgs(x0, y0, z0, x1, y1, z1), 0, out, cutoff);
}

/**
 * `segmentPrismDistance` with the segment read from `seg[q … q + 5]` (x0, y0, z0, x1, y1, z1): the
 * screening passes a row of its gathered candidates (hits.ts), so no double is boxed for the call
 * (V8 boxes each double argument of a call it does not inline). The same arithmetic on the same numbers.
 */
export function segmentPrismDistanceAt(
  prism: Prism, seg: Float64Array<ArrayBufferLike>, q: number, out: SegmentPrismDistance, cutoff: number,
): SegmentPrismDistance {
  const x0 = seg[q]!, y0 = seg[q + 1]!, z0 = seg[q + 2]!, x1 = seg[q + 3]!, y1 = seg[q + 4]!, z1 = seg[q + 5]!;
  const n = prism.vertexCount, xs = prism.xs, ys = prism.ys, next = prism.next;
  growScratch(n);
  const params = scratchParams, edgeDist2 = scratchEdgeDist2, alongEdge = scratchAlongEdge;
  const invEdgeLen = prism.invEdgeLength;
  const lo = prism.bottomZ, hi = prism.topZ;
  const px = x0 - prism.originX, py = y0 - prism.originY;
  const qx = x1 - prism.originX, qy = y1 - prism.originY;
  const sx = qx - px, sy = qy - py, dz = z1 - z0;
  const planLen2 = sx * sx + sy * sy;
  const invPlanLen = planLen2 > 0 ? 1 / Math.sqrt(planLen2) : 0;
  const invPlanLen2 = invPlanLen * invPlanLen;
  const tSlack = BOUNDARY_EPS_M * invPlanLen;

  // Pass 1, in plan: distance to each edge, and where the segment crosses the boundary.
  let crossings = 0;
  let minEdge2 = Infinity, horizontalT = 0, nearestEdge = 0;
  let best = Infinity, bestT = 0;
  let vertical = Infinity, verticalT = NaN;
  for (let i = 0; i < n; i++) {
    const k = next[i]!;
    const ax = xs[i]!, ay = ys[i]!, bx = xs[k]!, by = ys[k]!;
    const ex = bx - ax, ey = by - ay;
    const inv = invEdgeLen[i]!;
    const dP = snap((ex * (py - ay) - ey * (px - ax)) * inv);
    const dQ = snap((ex * (qy - ay) - ey * (qx - ax)) * inv);
    const oneSide = (dP > 0 && dQ > 0) || (dP < 0 && dQ < 0);
    if (oneSide) {
      // Wholly on one side of the edge's line: no crossing, and at least the nearer end's distance to
      // that line away. When that cannot beat the nearest edge so far, the bound stands for the edge
      // (pass 2 needs only a lower bound) and the segment's side of the edge's ends is not computed.
      const lbE = dP > 0 ? (dP < dQ ? dP : dQ) : (dP > dQ ? -dP : -dQ);
      if (lbE * lbE >= minEdge2) {
        edgeDist2[i] = lbE * lbE;
        alongEdge[i] = planLen2 === 0 ? 1 : 0;
        continue;
      }
    }
    const dA = snap((sx * (ay - py) - sy * (ax - px)) * invPlanLen);
    const dB = snap((sx * (by - py) - sy * (bx - px)) * invPlanLen);
    const straddleEdge = !oneSide;
    const straddleSeg = !((dA > 0 && dB > 0) || (dA < 0 && dB < 0));
    let d2: number, tH = 0;
    let crossing = false;
    if (straddleEdge && straddleSeg && dP !== dQ) {
      tH = clamp01(dP / (dP - dQ));
      // Within the snap band the two lines can be nearly parallel, and then dP / (dP − dQ) can land
      // anywhere along the segment: keep it only if the point is on the edge, else take the
      // collinear case below (which finds the overlap from the edge's ends).
      const u = ((px + tH * sx - ax) * ex + (py + tH * sy - ay) * ey) * inv * inv;
      const uSlack = 2 * BOUNDARY_EPS_M * inv;
      crossing = u >= -uSlack && u <= 1 + uSlack;
    }
    if (crossing) {
      params[2 + crossings++] = tH;
      d2 = 0;
    } else {
      if (straddleEdge && straddleSeg && planLen2 > 0) {
        // Both ends on the edge's line (dP = dQ = 0): the overlap runs between the edge's ends'
        // projections. A crossing refused above is a near miss at an end of the edge: only an end
        // that lies on the segment's line (dA or dB snapped to 0) is a boundary point there.
        const collinear = dP === dQ;
        const tA = ((ax - px) * sx + (ay - py) * sy) / planLen2;
        const tB = ((bx - px) * sx + (by - py) * sy) / planLen2;
        if ((collinear || dA === 0) && tA >= -tSlack && tA <= 1 + tSlack) params[2 + crossings++] = clamp01(tA);
        if ((collinear || dB === 0) && tB >= -tSlack && tB <= 1 + tSlack) params[2 + crossings++] = clamp01(tB);
      }
      // Lower bound: wholly on one side of the other's line, the two are at least the nearer end's
      // distance to that line apart. An edge that cannot beat the nearest so far keeps the bound
      // (pass 2 only needs a lower bound to skip a wall) and is not measured.
      let lb = 0;
      if ((dP > 0 && dQ > 0) || (dP < 0 && dQ < 0)) lb = Math.min(Math.abs(dP), Math.abs(dQ));
      if ((dA > 0 && dB > 0) || (dA < 0 && dB < 0)) lb = Math.max(lb, Math.min(Math.abs(dA), Math.abs(dB)));
      if (lb * lb >= minEdge2) {
        d2 = lb * lb;
      } else {
        // Plan segments that do not cross are closest at an end of one of them.
        const invL2 = inv * inv;
        d2 = pointSegDist2D2T(px, py, ax, ay, ex, ey, invL2);
        let d = pointSegDist2D2T(qx, qy, ax, ay, ex, ey, invL2);
        if (d < d2) { d2 = d; tH = 1; }
        d = pointSegDist2D2T(ax, ay, px, py, sx, sy, invPlanLen2);
        if (d < d2) { d2 = d; tH = PARAMS[PROJ_T]!; }
        d = pointSegDist2D2T(bx, by, px, py, sx, sy, invPlanLen2);
        if (d < d2) { d2 = d; tH = PARAMS[PROJ_T]!; }
      }
    }
    edgeDist2[i] = d2;
    // Along the edge exactly when the collinear branch above split the segment at the edge's ends;
    // a vertical segment is one point in plan, on the boundary if it is on any edge.
    alongEdge[i] = planLen2 === 0 || (dP === 0 && dQ === 0 && straddleSeg) ? 1 : 0;
    if (d2 < minEdge2) { minEdge2 = d2; horizontalT = tH; nearestEdge = i; }
  }

  // Boundary points: in the closed footprint, so their slab gap is a true distance.
  const slab = SLAB;
  slab[SLAB_Z0] = z0; slab[SLAB_DZ] = dz; slab[SLAB_LO] = lo; slab[SLAB_HI] = hi;
  for (let c = 0; c < crossings; c++) {
    const t = params[2 + c]!;
    slab[SLAB_TA] = t; slab[SLAB_TB] = t;
    slabGap();
    const g = slab[SLAB_GAP]!;
    if (g < best) { best = g; bestT = t; }
    if (g < vertical) { vertical = g; verticalT = t; }
  }

  // Pieces between crossings: inside or outside as a whole.
  params[0] = 0;
  params[1] = 1;
  const m = crossings + 2;
  for (let i = 1; i < m; i++) {
    const v = params[i]!;
    let j = i - 1;
    while (j >= 0 && params[j]! > v) { params[j + 1] = params[j]!; j--; }
    params[j + 1] = v;
  }
  let planOverlap = crossings > 0;
  // The footprint's bbox relative to its centre (the origin), widened by BBOX_MARGIN_M.
  const halfW = (prism.maxX - prism.minX) / 2 + BBOX_MARGIN_M, halfH = (prism.maxY - prism.minY) / 2 + BBOX_MARGIN_M;
  for (let i = 0; i + 1 < m; i++) {
    const ta = params[i]!, tb = params[i + 1]!;
    if (!(tb > ta)) continue;
    const tm = (ta + tb) / 2;
    const mx = px + tm * sx, my = py + tm * sy;
    // Beyond the footprint's bbox (by far more than the snap band and rounding): outside, no edge near.
    // One branch for the four tests (as in the grid search: the outcome follows no pattern).
    if ((+(mx > halfW) | +(mx < -halfW) | +(my > halfH) | +(my < -halfH)) !== 0) continue;
    if (!insidePrismPlan(prism, mx, my) && !(minEdge2 <= BOUNDARY_EPS_M * BOUNDARY_EPS_M && nearBoundary(prism, mx, my))) continue;
    planOverlap = true;
    slab[SLAB_TA] = ta; slab[SLAB_TB] = tb;
    slabGap();
    const g = slab[SLAB_GAP]!;
    if (g < best) { best = g; bestT = PARAMS[GAP_T]!; }
    if (g < vertical) { vertical = g; verticalT = PARAMS[GAP_T]!; }
  }

  // Pass 2: side walls not ruled out by their plan distance, nor by the cutoff (a wall whose plan
  // edge is at least `cutoff` away cannot bring the distance under it). Every point of a wall has z
  // in [lo, hi], so its distance is at least √(plan distance² + zGap²), zGap the segment's z range's
  // gap to the slab. The wall nearest in plan goes first: it usually decides, and the rest skip.
  let best2 = best * best;
  // Outside in plan, and at the plan-nearest point the segment's z is within [lo, hi]: the wall point
  // straight across is at exactly the plan distance, which no point of the prism can beat (a 3D
  // distance is never below its plan part). The usual case for a pipe beside a cut; no walls to test.
  const zh = z0 + horizontalT * dz;
  const planDecides = !planOverlap && minEdge2 < Infinity && zh >= lo && zh <= hi;
  if (planDecides) { best2 = minEdge2; bestT = horizontalT; }
  const cutoff2 = cutoff * cutoff;
  const beyond = !(best2 < cutoff2);
  if (beyond) best2 = cutoff2;
  const zMin = z0 < z1 ? z0 : z1, zMax = z0 < z1 ? z1 : z0;
  const zGap = zMin > hi ? zMin - hi : zMax < lo ? lo - zMax : 0;
  const zGap2 = zGap * zGap;
  // Wholly at or below the floor (at or above the top): for every point of the segment, a wall's
  // points straight across at any z in [lo, hi] share their plan part and the nearest z is lo (hi),
  // so the wall's bottom (top) edge alone gives its distance: one segment–segment test instead of
  // two ends and three edges. NaN when the segment spans part of the depth.
  const wallEdgeZ = zMax <= lo ? lo : zMin >= hi ? hi : NaN;
  for (let w = -1; w < n && best2 > 0 && !planDecides; w++) {
    if (w === nearestEdge) continue;
    const i = w < 0 ? nearestEdge : w;
    if (edgeDist2[i]! + zGap2 >= best2) continue;
    const k = next[i]!;
    const ax = xs[i]!, ay = ys[i]!, bx = xs[k]!, by = ys[k]!;
    // The segment against the wall's edges through SEGMENT_PAIR (segmentSegment.ts): this function's
    // inlining budget is spent, so segSegDist2 itself would be a call with 12 boxed doubles.
    const pair = SEGMENT_PAIR;
    pair[0] = px; pair[1] = py; pair[2] = z0; pair[3] = qx; pair[4] = qy; pair[5] = z1;
    if (!Number.isNaN(wallEdgeZ)) {
      pair[6] = ax; pair[7] = ay; pair[8] = wallEdgeZ; pair[9] = bx; pair[10] = by; pair[11] = wallEdgeZ;
      segmentPairDist2();
      const d2 = pair[12]!;
      if (d2 < best2) { best2 = d2; bestT = closestPair.s; }
      continue;
    }
    const ex = bx - ax, ey = by - ay;
    const invL2 = invEdgeLen[i]! * invEdgeLen[i]!;

    for (let end = 0; end < 2; end++) {
      const ex0 = end === 0 ? px : qx, ey0 = end === 0 ? py : qy, ez0 = end === 0 ? z0 : z1;
      const u = clamp01(((ex0 - ax) * ex + (ey0 - ay) * ey) * invL2);
      const cz = ez0 < lo ? lo : ez0 > hi ? hi : ez0;
      const ddx = ex0 - ax - u * ex, ddy = ey0 - ay - u * ey, ddz = ez0 - cz;
      const d2 = ddx * ddx + ddy * ddy + ddz * ddz;
      if (d2 < best2) { best2 = d2; bestT = end; }
    }

    // Bottom edge, top edge, vertical edge at the wall's first vertex.
    pair[6] = ax; pair[7] = ay; pair[8] = lo; pair[9] = bx; pair[10] = by; pair[11] = lo;
    segmentPairDist2();
    let d2 = pair[12]!;
    if (d2 < best2) { best2 = d2; bestT = closestPair.s; }
    pair[8] = hi; pair[11] = hi;
    segmentPairDist2();
    d2 = pair[12]!;
    if (d2 < best2) { best2 = d2; bestT = closestPair.s; }
    pair[8] = lo; pair[9] = ax; pair[10] = ay;
    segmentPairDist2();
    d2 = pair[12]!;
    if (d2 < best2) { best2 = d2; bestT = closestPair.s; }
  }

  // Nothing under the cutoff: the true distance is at least `cutoff`; say so with Infinity.
  out.distance = beyond && best2 === cutoff2 ? Infinity : Math.sqrt(best2);
  out.t = bestT;
  out.x = x0 + bestT * (x1 - x0);
  out.y = y0 + bestT * (y1 - y0);
  out.z = z0 + bestT * dz;
  if (planOverlap) {
    out.horizontal = 0;
    out.horizontalT = verticalT;
    out.vertical = vertical;
    out.verticalT = verticalT;
  } else {
    out.horizontal = Math.sqrt(minEdge2);
    out.horizontalT = horizontalT;
    out.vertical = null;
    out.verticalT = NaN;
  }
  return out;
}
