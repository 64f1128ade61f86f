/**
 * An independent brute-force oracle for the screening kernel (src/core/screening/distance.ts).
 * It shares no geometry code with the kernel and takes a different route:
 *
 *  - the footprint is triangulated with earcut and the prism becomes a union of triangular prisms,
 *    each a convex polytope (5 faces);
 *  - a segment meeting a convex piece is found by Cyrus–Beck half-space clipping (Cyrus & Beck 1978);
 *  - otherwise the distance to a piece is the minimum over t of the point-to-polytope distance, a
 *    convex function of t, found by golden-section search (plus both ends); point to polytope is the
 *    minimum over its 8 boundary triangles of Ericson's region-based closest point on a triangle
 *    (Real-Time Collision Detection, §5.1.5).
 *
 * Also a sampling upper bound (points along the segment, exact point-to-prism distance by a winding
 * number and plan edge distances) and a brute-force whole-network screening with no index.
 */
import earcut from 'earcut';
import { boundingRadius, VERTEX_STRIDE, type Link } from '../../src/core/model';
import { toleranceFor, type ScreeningRules } from '../../src/core/screening/rules';

export type Seg = readonly [number, number, number, number, number, number];
export type Ring = readonly (readonly [number, number])[];

interface Piece {
  /** Triangle, counter-clockwise. */
  ax: number; ay: number; bx: number; by: number; cx: number; cy: number;
  minX: number; minY: number; maxX: number; maxY: number;
}

export interface OraclePrism {
  ring: [number, number][];
  holes: [number, number][][];
  bottomZ: number;
  topZ: number;
  pieces: Piece[];
}

const GOLDEN_ITERATIONS = 70;
const SLIVER_M = 1e-9;

export function openRing(footprint: Ring): [number, number][] {
  const ring = footprint.map(([x, y]) => [x, y] as [number, number]);
  const first = ring[0], last = ring[ring.length - 1];
  if (ring.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) ring.pop();
  return ring;
}

/** Holes are interior rings: earcut triangulates the polygon with holes (its `holeIndices`). */
export function oraclePrism(footprint: Ring, bottomZ: number, topZ: number, holeRings: readonly Ring[] = []): OraclePrism {
  const ring = openRing(footprint);
  const holes = holeRings.map(openRing);
  const all = [ring, ...holes].flat();
  const flat = all.flat();
  const holeIndices: number[] = [];
  let at = ring.length;
  for (const h of holes) { holeIndices.push(at); at += h.length; }
  const tri = earcut(flat, holeIndices.length > 0 ? holeIndices : undefined);
  const deviation = earcut.deviation(flat, holeIndices.length > 0 ? holeIndices : undefined, 2, tri);
  if (!(deviation < 1e-9)) throw new Error(`oracle: earcut deviation ${deviation} for ${JSON.stringify([ring, ...holes])}`);
  const pieces: Piece[] = [];
  for (let i = 0; i < tri.length; i += 3) {
    let a = all[tri[i]!]!, b = all[tri[i + 1]!]!;
    const c = all[tri[i + 2]!]!;
    const area2 = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    // Drop slivers (nearly collinear vertices after rotation): thinner than 1e-9 m, they move the
    // union by less than that, and their half-planes are too ill-conditioned to clip against.
    const longest = Math.max(Math.hypot(b[0] - a[0], b[1] - a[1]), Math.hypot(c[0] - b[0], c[1] - b[1]), Math.hypot(a[0] - c[0], a[1] - c[1]));
    if (Math.abs(area2) / longest < SLIVER_M) continue;
    if (area2 < 0) [a, b] = [b, a];
    pieces.push({
      ax: a[0], ay: a[1], bx: b[0], by: b[1], cx: c[0], cy: c[1],
      minX: Math.min(a[0], b[0], c[0]), minY: Math.min(a[1], b[1], c[1]),
      maxX: Math.max(a[0], b[0], c[0]), maxY: Math.max(a[1], b[1], c[1]),
    });
  }
  return { ring, holes, bottomZ, topZ, pieces };
}

/** Half-spaces n·p ≤ d of a triangular prism: 3 walls (plan), bottom, top. */
function halfSpaces(p: Piece, lo: number, hi: number): number[][] {
  const walls: number[][] = [];
  const v = [[p.ax, p.ay], [p.bx, p.by], [p.cx, p.cy]] as const;
  for (let i = 0; i < 3; i++) {
    const [x0, y0] = v[i]!, [x1, y1] = v[(i + 1) % 3]!;
    // CCW: inside is to the left; outward normal (dy, -dx).
    const nx = y1 - y0, ny = -(x1 - x0);
    walls.push([nx, ny, 0, nx * x0 + ny * y0]);
  }
  walls.push([0, 0, -1, -lo], [0, 0, 1, hi]);
  return walls;
}

/** Cyrus–Beck: does the closed segment meet the closed convex piece? */
function segmentMeetsPiece(p: Piece, lo: number, hi: number, s: Seg): boolean {
  let tIn = 0, tOut = 1;
  const d = [s[3] - s[0], s[4] - s[1], s[5] - s[2]];
  for (const [nx, ny, nz, off] of halfSpaces(p, lo, hi)) {
    const num = off! - (nx! * s[0] + ny! * s[1] + nz! * s[2]);
    const den = nx! * d[0]! + ny! * d[1]! + nz! * d[2]!;
    if (den === 0) {
      if (num < 0) return false;
    } else if (den > 0) {
      tOut = Math.min(tOut, num / den);
    } else {
      tIn = Math.max(tIn, num / den);
    }
    if (tIn > tOut) return false;
  }
  return true;
}

/** Squared distance from p to triangle abc in 3D (Ericson §5.1.5, Voronoi regions). */
export function pointTriangleDist2(
  px: number, py: number, pz: number,
  ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number, cz: number,
): number {
  const abx = bx - ax, aby = by - ay, abz = bz - az;
  const acx = cx - ax, acy = cy - ay, acz = cz - az;
  const apx = px - ax, apy = py - ay, apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz;
  const d2 = acx * apx + acy * apy + acz * apz;
  const q = (x: number, y: number, z: number): number => (px - x) ** 2 + (py - y) ** 2 + (pz - z) ** 2;
  if (d1 <= 0 && d2 <= 0) return q(ax, ay, az);
  const bpx = px - bx, bpy = py - by, bpz = pz - bz;
  const d3 = abx * bpx + aby * bpy + abz * bpz;
  const d4 = acx * bpx + acy * bpy + acz * bpz;
  if (d3 >= 0 && d4 <= d3) return q(bx, by, bz);
  const vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const v = d1 / (d1 - d3);
    return q(ax + v * abx, ay + v * aby, az + v * abz);
  }
  const cpx = px - cx, cpy = py - cy, cpz = pz - cz;
  const d5 = abx * cpx + aby * cpy + abz * cpz;
  const d6 = acx * cpx + acy * cpy + acz * cpz;
  if (d6 >= 0 && d5 <= d6) return q(cx, cy, cz);
  const vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    const w = d2 / (d2 - d6);
    return q(ax + w * acx, ay + w * acy, az + w * acz);
  }
  const va = d3 * d6 - d5 * d4;
  if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
    const w = (d4 - d3) / (d4 - d3 + (d5 - d6));
    return q(bx + w * (cx - bx), by + w * (cy - by), bz + w * (cz - bz));
  }
  const denom = 1 / (va + vb + vc);
  const v = vb * denom, w = vc * denom;
  return q(ax + abx * v + acx * w, ay + aby * v + acy * w, az + abz * v + acz * w);
}

function pointPieceDist(p: Piece, lo: number, hi: number, x: number, y: number, z: number): number {
  const c1 = (p.bx - p.ax) * (y - p.ay) - (p.by - p.ay) * (x - p.ax);
  const c2 = (p.cx - p.bx) * (y - p.by) - (p.cy - p.by) * (x - p.bx);
  const c3 = (p.ax - p.cx) * (y - p.cy) - (p.ay - p.cy) * (x - p.cx);
  if (c1 >= 0 && c2 >= 0 && c3 >= 0 && z >= lo && z <= hi) return 0;
  const v = [[p.ax, p.ay], [p.bx, p.by], [p.cx, p.cy]] as const;
  let best = Math.min(
    pointTriangleDist2(x, y, z, p.ax, p.ay, lo, p.bx, p.by, lo, p.cx, p.cy, lo),
    pointTriangleDist2(x, y, z, p.ax, p.ay, hi, p.bx, p.by, hi, p.cx, p.cy, hi));
  for (let i = 0; i < 3; i++) {
    const [x0, y0] = v[i]!, [x1, y1] = v[(i + 1) % 3]!;
    best = Math.min(best,
      pointTriangleDist2(x, y, z, x0, y0, lo, x1, y1, lo, x1, y1, hi),
      pointTriangleDist2(x, y, z, x0, y0, lo, x1, y1, hi, x0, y0, hi));
  }
  return Math.sqrt(best);
}

function segmentPieceDist(p: Piece, lo: number, hi: number, s: Seg): number {
  const f = (t: number): number => pointPieceDist(p, lo, hi, s[0] + t * (s[3] - s[0]), s[1] + t * (s[4] - s[1]), s[2] + t * (s[5] - s[2]));
  const g = (Math.sqrt(5) - 1) / 2;
  let a = 0, b = 1;
  let x1 = b - g * (b - a), x2 = a + g * (b - a);
  let f1 = f(x1), f2 = f(x2);
  let best = Math.min(f(0), f(1), f1, f2);
  for (let i = 0; i < GOLDEN_ITERATIONS; i++) {
    if (f1 < f2) {
      b = x2; x2 = x1; f2 = f1;
      x1 = b - g * (b - a); f1 = f(x1);
      best = Math.min(best, f1);
    } else {
      a = x1; x1 = x2; f1 = f2;
      x2 = a + g * (b - a); f2 = f(x2);
      best = Math.min(best, f2);
    }
  }
  return best;
}

/** Oracle minimum 3D distance from segment s to the prism. */
export function oracleDistance(op: OraclePrism, s: Seg): number {
  const lo = op.bottomZ, hi = op.topZ;
  for (const p of op.pieces) if (segmentMeetsPiece(p, lo, hi, s)) return 0;
  const sMinX = Math.min(s[0], s[3]), sMaxX = Math.max(s[0], s[3]);
  const sMinY = Math.min(s[1], s[4]), sMaxY = Math.max(s[1], s[4]);
  const sMinZ = Math.min(s[2], s[5]), sMaxZ = Math.max(s[2], s[5]);
  const gz = Math.max(lo - sMaxZ, sMinZ - hi, 0);
  let best = Infinity;
  for (const p of op.pieces) {
    const gx = Math.max(p.minX - sMaxX, sMinX - p.maxX, 0);
    const gy = Math.max(p.minY - sMaxY, sMinY - p.maxY, 0);
    if (Math.hypot(gx, gy, gz) >= best) continue;
    best = Math.min(best, segmentPieceDist(p, lo, hi, s));
  }
  return best;
}

/** Oracle plan distance: the segment flattened into the slab, so only plan separation remains. */
export function oracleHorizontal(op: OraclePrism, s: Seg): number {
  const mid = (op.bottomZ + op.topZ) / 2;
  return oracleDistance(op, [s[0], s[1], mid, s[3], s[4], mid]);
}

/** Oracle vertical gap over the parts of s whose plan is in the footprint (2D Cyrus–Beck per triangle). */
export function oracleVertical(op: OraclePrism, s: Seg): number | null {
  let best: number | null = null;
  const dx = s[3] - s[0], dy = s[4] - s[1], dz = s[5] - s[2];
  for (const p of op.pieces) {
    let tIn = 0, tOut = 1, empty = false;
    const v = [[p.ax, p.ay], [p.bx, p.by], [p.cx, p.cy]] as const;
    for (let i = 0; i < 3 && !empty; i++) {
      const [x0, y0] = v[i]!, [x1, y1] = v[(i + 1) % 3]!;
      const nx = y1 - y0, ny = -(x1 - x0);
      const num = nx * x0 + ny * y0 - (nx * s[0] + ny * s[1]);
      const den = nx * dx + ny * dy;
      if (den === 0) { if (num < 0) empty = true; } else if (den > 0) tOut = Math.min(tOut, num / den); else tIn = Math.max(tIn, num / den);
      if (tIn > tOut) empty = true;
    }
    if (empty) continue;
    const za = s[2] + tIn * dz, zb = s[2] + tOut * dz;
    const gap = Math.max(op.bottomZ - Math.max(za, zb), Math.min(za, zb) - op.topZ, 0);
    best = best === null ? gap : Math.min(best, gap);
  }
  return best;
}

/**
 * Exact distance from a point to the prism: winding numbers for inside (in the outer ring and in no
 * hole), plan edge distance (every ring's edges) otherwise.
 */
export function pointPrismDistance(ring: Ring, bottomZ: number, topZ: number, x: number, y: number, z: number, holes: readonly Ring[] = []): number {
  let plan2 = Infinity;
  let inside = false;
  for (const [r, rg] of [ring, ...holes].entries()) {
    let winding = 0;
    const n = rg.length;
    for (let i = 0; i < n; i++) {
      const [x0, y0] = rg[i]!, [x1, y1] = rg[(i + 1) % n]!;
      const ex = x1 - x0, ey = y1 - y0;
      const l2 = ex * ex + ey * ey;
      const u = l2 > 0 ? Math.min(1, Math.max(0, ((x - x0) * ex + (y - y0) * ey) / l2)) : 0;
      plan2 = Math.min(plan2, (x - x0 - u * ex) ** 2 + (y - y0 - u * ey) ** 2);
      const side = ex * (y - y0) - ey * (x - x0);
      if (y0 <= y) { if (y1 > y && side > 0) winding++; } else if (y1 <= y && side < 0) winding--;
    }
    if (r === 0) inside = winding !== 0;
    else if (winding !== 0) inside = false;
  }
  const gap = Math.max(bottomZ - z, z - topZ, 0);
  if (inside || plan2 === 0) return gap;
  return Math.sqrt(plan2 + gap * gap);
}

/** min over `samples` evenly spaced points of the exact point distance: an upper bound on the segment's. */
export function sampledUpperBound(ring: Ring, bottomZ: number, topZ: number, s: Seg, samples = 2000, holes: readonly Ring[] = []): number {
  const r = openRing(ring);
  const hs = holes.map(openRing);
  let best = Infinity;
  for (let i = 0; i < samples; i++) {
    const t = samples === 1 ? 0 : i / (samples - 1);
    best = Math.min(best, pointPrismDistance(r, bottomZ, topZ, s[0] + t * (s[3] - s[0]), s[1] + t * (s[4] - s[1]), s[2] + t * (s[5] - s[2]), hs));
  }
  return best;
}

/**
 * A link's segments as the oracles see them: zero-length ones dropped, a link that is all one point
 * kept as one zero-length segment; depth = the deeper end (ground − centreline).
 */
export function oracleSegments(link: Link): { s: Seg; depth: number }[] {
  const v = link.vertices;
  const count = v.length / VERTEX_STRIDE;
  const segs: number[] = [];
  for (let i = 0; i + 1 < count; i++) {
    const a = i * VERTEX_STRIDE, b = a + VERTEX_STRIDE;
    if (v[a] !== v[b] || v[a + 1] !== v[b + 1] || v[a + 2] !== v[b + 2]) segs.push(i);
  }
  if (segs.length === 0 && count > 0) segs.push(-1);
  return segs.map((i) => {
    const a = Math.max(0, i) * VERTEX_STRIDE, b = i < 0 ? a : a + VERTEX_STRIDE;
    return {
      s: [v[a]!, v[a + 1]!, v[a + 2]!, v[b]!, v[b + 1]!, v[b + 2]!] as Seg,
      depth: Math.max(v[a + 3]! - v[a + 2]!, v[b + 3]! - v[b + 2]!),
    };
  });
}

export type OracleVerdict = 'STRIKE' | 'ENCROACH' | 'NEAR';
const SEVERITY: Record<OracleVerdict, number> = { STRIKE: 0, ENCROACH: 1, NEAR: 2 };

export interface OracleLine {
  verdict: OracleVerdict;
  /** Outside distance of the deciding segment. */
  distance: number;
  /** The thresholds that applied to that segment, to judge near-threshold disagreements. */
  tolerance: number;
  notify: number;
}

/**
 * Whole-network screening by brute force: every segment of every link, oracle distance, the verdict
 * rules of DESIGN.md; `slack` (m) widens every threshold, 0 for the strict rules. Depth for
 * uncertainty = deeper end of the segment.
 */
export function oracleScreen(
  links: readonly Link[], work: { footprint: Ring; holes?: readonly Ring[]; bottomZ: number; topZ: number }, rules: ScreeningRules, ruleSetId: string,
  slack = 0,
): Map<string, OracleLine> {
  const op = oraclePrism(work.footprint, work.bottomZ, work.topZ, work.holes ?? []);
  const notify = rules.notifyDistance.value;
  const out = new Map<string, OracleLine>();
  for (const link of links) {
    const r = boundingRadius(link.section);
    for (const { s, depth } of oracleSegments(link)) {
      const tol = toleranceFor(rules, ruleSetId, link.utility, link.qualityLevel, depth).tolerance;
      // A bbox gap is a lower bound on the distance: skip segments that cannot reach any threshold.
      const gx = Math.max(Math.min(...op.ring.map((p) => p[0])) - Math.max(s[0], s[3]), Math.min(s[0], s[3]) - Math.max(...op.ring.map((p) => p[0])), 0);
      const gy = Math.max(Math.min(...op.ring.map((p) => p[1])) - Math.max(s[1], s[4]), Math.min(s[1], s[4]) - Math.max(...op.ring.map((p) => p[1])), 0);
      if (Math.hypot(gx, gy) - r - slack > Math.max(tol, notify)) continue;
      const d = oracleDistance(op, s) - r - slack;
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

export function severity(v: OracleVerdict): number {
  return SEVERITY[v];
}
