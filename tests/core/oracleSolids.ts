/**
 * An independent brute-force oracle for the trench, bore and pile kernels (src/core/screening/
 * convexPrism.ts, cylinder.ts, capsule.ts, volume.ts). It shares no geometry code with them and takes
 * other routes:
 *
 *  - every work is built here, from its definition, as a union of solids: convex polytopes given by
 *    vertices, triangulated faces and half-spaces (trench boxes and mitre wedges), vertical cylinders
 *    (piles, trench joints), capsules (bore legs) and prisms (pits, via oracle.ts);
 *  - each solid knows the exact distance from a POINT (point-to-triangle over its faces, or closed
 *    forms for cylinder and capsule) and the distance from a segment is the minimum over t of that
 *    convex function, by golden-section search (plus both ends), after a Cyrus–Beck or closed-form
 *    "does it meet" test;
 *  - the trench's mitre point is the intersection of the two outer edge lines, clipped by
 *    Sutherland–Hodgman against the mitre limit's half-plane (the kernel uses the bisector instead).
 *
 * Golden-section values are distances at actual points, so the oracle is an upper bound on the true
 * distance to within float error, and a conservative kernel may never exceed it.
 */
import { boundingRadius, type Link } from '../../src/core/model';
import { toleranceFor, type ScreeningRules } from '../../src/core/screening/rules';
import {
  oracleDistance, oracleHorizontal, oraclePrism, oracleSegments, pointPrismDistance, pointTriangleDist2, type OracleLine, type OracleVerdict,
  type Ring, type Seg,
} from './oracle';

const GOLDEN = (Math.sqrt(5) - 1) / 2;
const GOLDEN_ITERATIONS = 80;

export interface OracleSolid {
  minX: number; minY: number; minZ: number; maxX: number; maxY: number; maxZ: number;
  /** Exact distance from a point to the solid. */
  point(x: number, y: number, z: number): number;
  /** Distance from a segment (an upper bound within float error). */
  segment(s: Seg): number;
  /** Plan distance from a segment to the solid's plan. */
  horizontal(s: Seg): number;
  /**
   * The solid's z-interval over the plan point, or null when the point is farther than `tol` outside
   * its plan (within `tol`, the interval of the nearest covered point, or wider).
   */
  column(x: number, y: number, tol?: number): [number, number] | null;
}

/** Minimum of a convex function on [a, b] by golden-section search, with both ends. */
export function goldenMin(f: (t: number) => number, a = 0, b = 1, iterations = GOLDEN_ITERATIONS): { value: number; at: number } {
  let x1 = b - GOLDEN * (b - a), x2 = a + GOLDEN * (b - a);
  let f1 = f(x1), f2 = f(x2);
  let value = f(a), at = a;
  const fb = f(b);
  if (fb < value) { value = fb; at = b; }
  if (f1 < value) { value = f1; at = x1; }
  if (f2 < value) { value = f2; at = x2; }
  for (let i = 0; i < iterations; i++) {
    if (f1 < f2) {
      b = x2; x2 = x1; f2 = f1; x1 = b - GOLDEN * (b - a); f1 = f(x1);
      if (f1 < value) { value = f1; at = x1; }
    } else {
      a = x1; x1 = x2; f1 = f2; x2 = a + GOLDEN * (b - a); f2 = f(x2);
      if (f2 < value) { value = f2; at = x2; }
    }
  }
  return { value, at };
}

const along = (s: Seg, t: number): [number, number, number] =>
  [s[0] + t * (s[3] - s[0]), s[1] + t * (s[4] - s[1]), s[2] + t * (s[5] - s[2])];

function pointSegment2D(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax, ey = by - ay, l2 = ex * ex + ey * ey;
  const u = l2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * ex + (py - ay) * ey) / l2)) : 0;
  return Math.hypot(px - ax - u * ex, py - ay - u * ey);
}

function pointSegment3D(px: number, py: number, pz: number, a: readonly number[], b: readonly number[]): number {
  const ex = b[0]! - a[0]!, ey = b[1]! - a[1]!, ez = b[2]! - a[2]!;
  const l2 = ex * ex + ey * ey + ez * ez;
  const u = l2 > 0 ? Math.min(1, Math.max(0, ((px - a[0]!) * ex + (py - a[1]!) * ey + (pz - a[2]!) * ez) / l2)) : 0;
  return Math.hypot(px - a[0]! - u * ex, py - a[1]! - u * ey, pz - a[2]! - u * ez);
}

/**
 * A convex vertical prism: convex polygon (any orientation) with the bottom elevation at each vertex
 * (coplanar) and a flat top.
 */
export function convexSolid(polygon: readonly (readonly [number, number])[], bottoms: readonly number[], top: number): OracleSolid {
  let area = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) area += polygon[j]![0] * polygon[i]![1] - polygon[i]![0] * polygon[j]![1];
  const order = polygon.map((_, i) => i);
  if (area < 0) order.reverse();
  const P = order.map((i) => polygon[i]!), Z = order.map((i) => bottoms[i]!);
  const n = P.length;
  const ox = P.reduce((s, p) => s + p[0], 0) / n, oy = P.reduce((s, p) => s + p[1], 0) / n;
  // Half-spaces n·(p − o) ≤ d, relative to the centroid for precision.
  const planes: [number, number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const [x0, y0] = P[i]!, [x1, y1] = P[(i + 1) % n]!;
    const nx = y1 - y0, ny = -(x1 - x0);
    planes.push([nx, ny, 0, nx * (x0 - ox) + ny * (y0 - oy)]);
  }
  planes.push([0, 0, 1, top]);
  // Bottom plane from the widest triangle of bottom vertices (its normal points down).
  let bestArea = -1, nb: [number, number, number] = [0, 0, -1];
  for (let j = 1; j + 1 < n; j++) {
    const ux = P[j]![0] - P[0]![0], uy = P[j]![1] - P[0]![1], uz = Z[j]! - Z[0]!;
    const vx = P[j + 1]![0] - P[0]![0], vy = P[j + 1]![1] - P[0]![1], vz = Z[j + 1]! - Z[0]!;
    const cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    const a = Math.hypot(cx, cy, cz);
    if (a > bestArea) { bestArea = a; nb = cz > 0 ? [-cx, -cy, -cz] : [cx, cy, cz]; }
  }
  planes.push([nb[0], nb[1], nb[2], nb[0] * (P[0]![0] - ox) + nb[1] * (P[0]![1] - oy) + nb[2] * Z[0]!]);
  const bottomAt = (x: number, y: number): number => Z[0]! - (nb[0] * (x - P[0]![0]) + nb[1] * (y - P[0]![1])) / nb[2];

  const tris: number[][] = [];
  const B = (i: number): number[] => [P[i]![0], P[i]![1], Z[i]!];
  const T = (i: number): number[] => [P[i]![0], P[i]![1], top];
  for (let j = 1; j + 1 < n; j++) { tris.push([...B(0), ...B(j), ...B(j + 1)], [...T(0), ...T(j), ...T(j + 1)]); }
  for (let i = 0; i < n; i++) {
    const k = (i + 1) % n;
    tris.push([...B(i), ...B(k), ...T(k)], [...B(i), ...T(k), ...T(i)]);
  }
  const inside = (x: number, y: number, z: number): boolean =>
    planes.every(([a, b, c, d]) => a * (x - ox) + b * (y - oy) + c * z <= d);
  const planInside = (x: number, y: number, tol = 0): boolean =>
    planes.slice(0, n).every(([a, b, , d]) => a * (x - ox) + b * (y - oy) <= d + tol * Math.hypot(a, b));
  const point = (x: number, y: number, z: number): number => {
    if (inside(x, y, z)) return 0;
    let best = Infinity;
    for (const t of tris) best = Math.min(best, pointTriangleDist2(x, y, z, t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, t[6]!, t[7]!, t[8]!));
    return Math.sqrt(best);
  };
  const meets = (s: Seg): boolean => {
    let tIn = 0, tOut = 1;
    const d = [s[3] - s[0], s[4] - s[1], s[5] - s[2]];
    for (const [a, b, c, off] of planes) {
      const num = off - (a * (s[0] - ox) + b * (s[1] - oy) + c * s[2]);
      const den = a * d[0]! + b * d[1]! + c * d[2]!;
      if (den === 0) { if (num < 0) return false; } else if (den > 0) tOut = Math.min(tOut, num / den); else tIn = Math.max(tIn, num / den);
      if (tIn > tOut) return false;
    }
    return true;
  };
  const plan = (x: number, y: number): number => {
    if (planInside(x, y)) return 0;
    let best = Infinity;
    for (let i = 0; i < n; i++) best = Math.min(best, pointSegment2D(x, y, P[i]![0], P[i]![1], P[(i + 1) % n]![0], P[(i + 1) % n]![1]));
    return best;
  };
  return {
    minX: Math.min(...P.map((p) => p[0])), maxX: Math.max(...P.map((p) => p[0])),
    minY: Math.min(...P.map((p) => p[1])), maxY: Math.max(...P.map((p) => p[1])),
    minZ: Math.min(...Z), maxZ: top,
    point,
    segment: (s) => (meets(s) ? 0 : goldenMin((t) => point(...along(s, t))).value),
    horizontal: (s) => goldenMin((t) => { const [x, y] = along(s, t); return plan(x, y); }).value,
    column: (x, y, tol = 0) => (planInside(x, y, tol) ? [bottomAt(x, y), top] : null),
  };
}

/** A vertical solid cylinder. */
export function cylinderSolid(cx: number, cy: number, radius: number, lo: number, hi: number): OracleSolid {
  const point = (x: number, y: number, z: number): number =>
    Math.hypot(Math.max(0, Math.hypot(x - cx, y - cy) - radius), Math.max(lo - z, z - hi, 0));
  const meets = (s: Seg): boolean => {
    // z(t) in [lo, hi] and the plan in the disc: both intervals of t, intersected with [0, 1].
    const dz = s[5] - s[2];
    let a = 0, b = 1;
    if (dz === 0) { if (s[2] < lo || s[2] > hi) return false; } else {
      const t1 = (lo - s[2]) / dz, t2 = (hi - s[2]) / dz;
      a = Math.max(a, Math.min(t1, t2)); b = Math.min(b, Math.max(t1, t2));
    }
    const px = s[0] - cx, py = s[1] - cy, dx = s[3] - s[0], dy = s[4] - s[1];
    const qa = dx * dx + dy * dy, qb = 2 * (px * dx + py * dy), qc = px * px + py * py - radius * radius;
    if (qa === 0) return qc <= 0 && a <= b;
    const disc = qb * qb - 4 * qa * qc;
    if (disc < 0) return false;
    const r1 = (-qb - Math.sqrt(disc)) / (2 * qa), r2 = (-qb + Math.sqrt(disc)) / (2 * qa);
    return Math.max(a, r1) <= Math.min(b, r2);
  };
  return {
    minX: cx - radius, maxX: cx + radius, minY: cy - radius, maxY: cy + radius, minZ: lo, maxZ: hi,
    point,
    segment: (s) => (meets(s) ? 0 : goldenMin((t) => point(...along(s, t)), 0, 1, 100).value),
    horizontal: (s) => goldenMin((t) => { const [x, y] = along(s, t); return Math.max(0, Math.hypot(x - cx, y - cy) - radius); }).value,
    column: (x, y, tol = 0) => (Math.hypot(x - cx, y - cy) <= radius + tol ? [lo, hi] : null),
  };
}

/** A capsule: segment a–b swept by a ball of radius r. */
export function capsuleSolid(a: readonly [number, number, number], b: readonly [number, number, number], r: number): OracleSolid {
  const point = (x: number, y: number, z: number): number => Math.max(0, pointSegment3D(x, y, z, a, b) - r);
  const column = (x: number, y: number, tol = 0): [number, number] | null => {
    if (pointSegment2D(x, y, a[0], a[1], b[0], b[1]) > r + tol) return null;
    const f = (z: number): number => pointSegment3D(x, y, z, a, b) - r - tol;
    const lo = Math.min(a[2], b[2]) - r - 1, hi = Math.max(a[2], b[2]) + r + 1;
    const m = goldenMin(f, lo, hi, 100).at;
    const root = (inside: number, outside: number): number => {
      for (let i = 0; i < 100; i++) { const mid = (inside + outside) / 2; if (f(mid) <= 0) inside = mid; else outside = mid; }
      return inside;
    };
    return f(m) <= 0 ? [root(m, lo), root(m, hi)] : [m, m];
  };
  return {
    minX: Math.min(a[0], b[0]) - r, maxX: Math.max(a[0], b[0]) + r,
    minY: Math.min(a[1], b[1]) - r, maxY: Math.max(a[1], b[1]) + r,
    minZ: Math.min(a[2], b[2]) - r, maxZ: Math.max(a[2], b[2]) + r,
    point,
    segment: (s) => goldenMin((t) => point(...along(s, t)), 0, 1, 100).value,
    horizontal: (s) => goldenMin((t) => { const [x, y] = along(s, t); return Math.max(0, pointSegment2D(x, y, a[0], a[1], b[0], b[1]) - r); }).value,
    column,
  };
}

/** A prism with holes (an open cut, a pit), through oracle.ts's triangulated pieces. */
export function prismSolid(footprint: Ring, holes: readonly Ring[], lo: number, hi: number): OracleSolid {
  const op = oraclePrism(footprint, lo, hi, holes);
  return {
    minX: Math.min(...op.ring.map((p) => p[0])), maxX: Math.max(...op.ring.map((p) => p[0])),
    minY: Math.min(...op.ring.map((p) => p[1])), maxY: Math.max(...op.ring.map((p) => p[1])),
    minZ: lo, maxZ: hi,
    point: (x, y, z) => pointPrismDistance(op.ring, lo, hi, x, y, z, op.holes),
    segment: (s) => oracleDistance(op, s),
    horizontal: (s) => oracleHorizontal(op, s),
    column: (x, y, tol = 0) => (pointPrismDistance(op.ring, -Infinity, Infinity, x, y, 0, op.holes) <= tol ? [lo, hi] : null),
  };
}

function bboxGap(o: OracleSolid, s: Seg): number {
  const gx = Math.max(o.minX - Math.max(s[0], s[3]), Math.min(s[0], s[3]) - o.maxX, 0);
  const gy = Math.max(o.minY - Math.max(s[1], s[4]), Math.min(s[1], s[4]) - o.maxY, 0);
  const gz = Math.max(o.minZ - Math.max(s[2], s[5]), Math.min(s[2], s[5]) - o.maxZ, 0);
  return Math.hypot(gx, gy, gz);
}

/** Oracle distance from a segment to a union of solids. */
export function solidsDistance(solids: readonly OracleSolid[], s: Seg): number {
  let best = Infinity;
  const order = [...solids].sort((a, b) => bboxGap(a, s) - bboxGap(b, s));
  for (const o of order) {
    if (bboxGap(o, s) >= best) break;
    best = Math.min(best, o.segment(s));
    if (best === 0) break;
  }
  return best;
}

export function solidsHorizontal(solids: readonly OracleSolid[], s: Seg): number {
  return Math.min(...solids.map((o) => o.horizontal(s)));
}

export function solidsPoint(solids: readonly OracleSolid[], x: number, y: number, z: number): number {
  return Math.min(...solids.map((o) => o.point(x, y, z)));
}

/** Vertical gap from a point to the union over its plan point, or null when no solid is under or over it. */
export function solidsVerticalAt(solids: readonly OracleSolid[], x: number, y: number, z: number, tol = 0): number | null {
  let best: number | null = null;
  for (const o of solids) {
    const c = o.column(x, y, tol);
    if (!c) continue;
    const g = Math.max(c[0] - z, z - c[1], 0);
    best = best === null ? g : Math.min(best, g);
  }
  return best;
}

/** min over evenly spaced points of the exact point distance: an upper bound on the segment's. */
export function solidsSampledUpperBound(solids: readonly OracleSolid[], s: Seg, samples = 1000): number {
  let best = Infinity;
  for (let i = 0; i < samples; i++) best = Math.min(best, solidsPoint(solids, ...along(s, samples === 1 ? 0 : i / (samples - 1))));
  return best;
}

const SEVERITY: Record<OracleVerdict, number> = { STRIKE: 0, ENCROACH: 1, NEAR: 2 };

/**
 * Whole-network screening of a union of solids by brute force (no index): every segment of every
 * link, the verdict rules of DESIGN.md; `slack` (m) widens every threshold.
 */
export function oracleScreenSolids(
  links: readonly Link[], solids: readonly OracleSolid[], rules: ScreeningRules, ruleSetId: string, slack = 0,
): Map<string, OracleLine> {
  const notify = rules.notifyDistance.value;
  const out = new Map<string, OracleLine>();
  for (const link of links) {
    const r = boundingRadius(link.section);
    for (const { s, depth } of oracleSegments(link)) {
      const tol = toleranceFor(rules, ruleSetId, link.utility, link.qualityLevel, depth).tolerance;
      const reach = Math.max(tol, notify) + r + slack;
      const near = solids.filter((o) => bboxGap(o, s) <= reach);
      if (near.length === 0) continue;
      const d = solidsDistance(near, s) - r - slack;
      const verdict: OracleVerdict | null = d <= 0 ? 'STRIKE' : d <= tol ? 'ENCROACH' : d <= notify ? 'NEAR' : null;
      if (!verdict) continue;
      const distance = Math.max(0, d);
      const prev = out.get(link.id);
      if (!prev || SEVERITY[verdict] < SEVERITY[prev.verdict] || (verdict === prev.verdict && distance < prev.distance)) {
        out.set(link.id, { verdict, distance, tolerance: tol, notify });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The works, built from their definitions (README "Screening volumes").

/**
 * A trench: a box per centre-line segment (flat ends, bottom linear along it), a cylinder of radius
 * width/2 at each interior vertex, and at each bend the mitre of the outer corner (the two outer
 * edge lines meet at the mitre point) clipped at `mitreLimit` half-widths from the vertex.
 */
export function trenchSolids(
  centreline: readonly (readonly [number, number])[], width: number, bottomZ: readonly number[], topZ: number, mitreLimit: number,
): OracleSolid[] {
  const h = width / 2;
  const solids: OracleSolid[] = [];
  const n = centreline.length;
  const normal = (i: number): [number, number] => {
    const [x0, y0] = centreline[i]!, [x1, y1] = centreline[i + 1]!;
    const l = Math.hypot(x1 - x0, y1 - y0);
    return [-(y1 - y0) / l * h, (x1 - x0) / l * h];
  };
  for (let i = 0; i + 1 < n; i++) {
    const [x0, y0] = centreline[i]!, [x1, y1] = centreline[i + 1]!;
    const [nx, ny] = normal(i);
    solids.push(convexSolid([[x0 + nx, y0 + ny], [x0 - nx, y0 - ny], [x1 - nx, y1 - ny], [x1 + nx, y1 + ny]],
      [bottomZ[i]!, bottomZ[i]!, bottomZ[i + 1]!, bottomZ[i + 1]!], topZ));
  }
  for (let i = 1; i + 1 < n; i++) {
    const [vx, vy] = centreline[i]!;
    solids.push(cylinderSolid(vx, vy, h, bottomZ[i]!, topZ));
    const [px, py] = centreline[i - 1]!, [qx, qy] = centreline[i + 1]!;
    const turn = (vx - px) * (qy - vy) - (vy - py) * (qx - vx);
    // A turn under a microradian: the mitre sticks out of the joint by under 1e-12 of the width, and
    // the outer edge lines are too nearly parallel to intersect reliably.
    if (Math.abs(turn) < 1e-6 * Math.hypot(vx - px, vy - py) * Math.hypot(qx - vx, qy - vy)) continue;
    // Outer side: right of a left turn.
    const s = turn > 0 ? -1 : 1;
    const [n1x, n1y] = normal(i - 1), [n2x, n2y] = normal(i);
    const A: [number, number] = [vx + s * n1x, vy + s * n1y], B: [number, number] = [vx + s * n2x, vy + s * n2y];
    // Outer edge lines: A + u (v − p) and B + w (q − v); their intersection is the mitre point.
    const d1x = vx - px, d1y = vy - py, d2x = qx - vx, d2y = qy - vy;
    const den = d1x * d2y - d1y * d2x;
    const u = ((B[0] - A[0]) * d2y - (B[1] - A[1]) * d2x) / den;
    const M: [number, number] = [A[0] + u * d1x, A[1] + u * d1y];
    const mitre = Math.hypot(M[0] - vx, M[1] - vy);
    if (mitre - h < 1e-9) continue; // inside the joint's cylinder to within 1e-9 m
    const mx = (M[0] - vx) / mitre, my = (M[1] - vy) / mitre;
    const kite: [number, number][] = [[vx, vy], A, M, B];
    const limit = mitreLimit * h;
    const clipped: [number, number][] = [];
    const inside = (p: readonly [number, number]): number => limit - ((p[0] - vx) * mx + (p[1] - vy) * my);
    for (let k = 0; k < kite.length; k++) {
      const p = kite[k]!, q = kite[(k + 1) % kite.length]!;
      const fp = inside(p), fq = inside(q);
      if (fp >= 0) clipped.push(p);
      if ((fp >= 0) !== (fq >= 0)) {
        const w = fp / (fp - fq);
        clipped.push([p[0] + w * (q[0] - p[0]), p[1] + w * (q[1] - p[1])]);
      }
    }
    solids.push(convexSolid(clipped, clipped.map(() => bottomZ[i]!), topZ));
  }
  return solids;
}

export function boreSolids(
  path: readonly (readonly [number, number, number])[], reamerDiameter: number,
  pits: readonly { footprint: Ring; holes?: Ring[]; bottomZ: number; topZ: number }[] = [],
): OracleSolid[] {
  const solids: OracleSolid[] = [];
  for (let i = 0; i + 1 < path.length; i++) solids.push(capsuleSolid(path[i]!, path[i + 1]!, reamerDiameter / 2));
  for (const p of pits) solids.push(prismSolid(p.footprint, p.holes ?? [], p.bottomZ, p.topZ));
  return solids;
}

export function pileSolids(piles: readonly { x: number; y: number; diameter: number; topZ: number; depth: number }[]): OracleSolid[] {
  return piles.map((p) => cylinderSolid(p.x, p.y, p.diameter / 2, p.topZ - p.depth, p.topZ));
}
