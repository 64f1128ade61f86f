/**
 * Plan geometry for the city generator, in the city's metric frame (metres, x east, y north, relative
 * to the city origin). A polyline is an array of points; its chainage is the distance along it.
 */

export interface Point2 {
  x: number;
  y: number;
}

/** A point on a line with its own elevation (z, centreline, m) and the ground above it (g, m). */
export interface Vertex3 {
  x: number;
  y: number;
  z: number;
  g: number;
}

export function distance(a: Point2, b: Point2): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

export function unit(dx: number, dy: number): Point2 {
  const l = Math.hypot(dx, dy);
  if (l === 0) throw new RangeError('unit: zero-length direction');
  return { x: dx / l, y: dy / l };
}

/** The left normal of a direction: the side positive offsets go to. */
export function leftNormal(d: Point2): Point2 {
  return { x: -d.y, y: d.x };
}

export function cumulativeLengths(pts: readonly Point2[]): number[] {
  const cum = [0];
  for (let i = 1; i < pts.length; i++) cum.push(cum[i - 1]! + distance(pts[i - 1]!, pts[i]!));
  return cum;
}

function segmentAt(cum: readonly number[], c: number): number {
  let lo = 0;
  let hi = cum.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cum[mid]! <= c) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The point at chainage c (clamped to the line) and the unit tangent there. */
export function pointAlong(pts: readonly Point2[], cum: readonly number[], c: number): { p: Point2; t: Point2 } {
  const total = cum[cum.length - 1]!;
  const cc = Math.min(Math.max(c, 0), total);
  const i = segmentAt(cum, cc);
  const a = pts[i]!;
  const b = pts[i + 1]!;
  const len = cum[i + 1]! - cum[i]!;
  const f = len > 0 ? (cc - cum[i]!) / len : 0;
  return { p: { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f }, t: unit(b.x - a.x, b.y - a.y) };
}

/**
 * The point `offset` metres left of the line at chainage c. The direction is the chord over ±1 m,
 * so that on a densely sampled curve neighbouring offsets stay smooth and on a straight run it is exact.
 */
export function offsetPointAlong(pts: readonly Point2[], cum: readonly number[], c: number, offset: number): Point2 {
  const total = cum[cum.length - 1]!;
  const a = pointAlong(pts, cum, Math.max(0, c - 1)).p;
  const b = pointAlong(pts, cum, Math.min(total, c + 1)).p;
  const n = leftNormal(unit(b.x - a.x, b.y - a.y));
  const p = pointAlong(pts, cum, c).p;
  return { x: p.x + n.x * offset, y: p.y + n.y * offset };
}

/**
 * Where segments AB and CD cross: t along AB and u along CD, both in [0, 1]; null when they do not
 * cross or are parallel.
 */
export function segmentCrossing(
  ax: number, ay: number, bx: number, by: number,
  cx: number, cy: number, dx: number, dy: number,
): { t: number; u: number } | null {
  const rx = bx - ax, ry = by - ay, sx = dx - cx, sy = dy - cy;
  const den = rx * sy - ry * sx;
  if (Math.abs(den) < 1e-12) return null;
  const qx = cx - ax, qy = cy - ay;
  const t = (qx * sy - qy * sx) / den;
  const u = (qx * ry - qy * rx) / den;
  if (t < 0 || t > 1 || u < 0 || u > 1) return null;
  return { t, u };
}

/** The first point where the ray origin + λ·dir (0 ≤ λ ≤ maxLength) meets the polyline, with λ. */
export function rayHit(origin: Point2, dir: Point2, maxLength: number, line: readonly Point2[]): { p: Point2; lambda: number } | null {
  const ex = origin.x + dir.x * maxLength, ey = origin.y + dir.y * maxLength;
  let best: { p: Point2; lambda: number } | null = null;
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i]!, b = line[i + 1]!;
    const hit = segmentCrossing(origin.x, origin.y, ex, ey, a.x, a.y, b.x, b.y);
    if (!hit) continue;
    const lambda = hit.t * maxLength;
    if (!best || lambda < best.lambda) best = { p: { x: origin.x + dir.x * lambda, y: origin.y + dir.y * lambda }, lambda };
  }
  return best;
}

/** The closest point of a polyline to p, with the index of its segment and the fraction along it. */
export function closestOnPolyline(p: Point2, line: readonly Point2[]): { q: Point2; segment: number; f: number; d: number } {
  let best = { q: line[0]!, segment: 0, f: 0, d: Infinity };
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i]!, b = line[i + 1]!;
    const vx = b.x - a.x, vy = b.y - a.y;
    const l2 = vx * vx + vy * vy;
    const f = l2 > 0 ? Math.min(1, Math.max(0, ((p.x - a.x) * vx + (p.y - a.y) * vy) / l2)) : 0;
    const q = { x: a.x + vx * f, y: a.y + vy * f };
    const d = distance(p, q);
    if (d < best.d) best = { q, segment: i, f, d };
  }
  return best;
}

/** Chainages from c0 to c1 spaced by `step()` metres (each call may vary), both ends included. */
export function stations(c0: number, c1: number, step: () => number): number[] {
  const out = [c0];
  if (c1 <= c0) return out;
  let c = c0 + step();
  while (c < c1 - 0.6 * step()) {
    out.push(c);
    c += step();
  }
  out.push(c1);
  return out;
}

/** Drops vertices closer than `minGap` to the previous kept one; the last vertex always stays. */
export function dropCloseVertices<T extends Point2>(pts: readonly T[], minGap: number): T[] {
  if (pts.length < 2) return [...pts];
  const out: T[] = [pts[0]!];
  for (let i = 1; i < pts.length - 1; i++) {
    if (distance(out[out.length - 1]!, pts[i]!) >= minGap) out.push(pts[i]!);
  }
  const last = pts[pts.length - 1]!;
  if (out.length > 1 && distance(out[out.length - 1]!, last) < minGap) out.pop();
  out.push(last);
  return out;
}
