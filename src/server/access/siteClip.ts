/**
 * A contractor's sites and the network clipped to them. A site is a permit's works in plan (open-cut
 * outlines as filled rings; trench centrelines, bore paths and pile points as paths) grown by the
 * site radius; a line is cut to the stretches whose plan distance to some site is ≤ the radius, so
 * the route of a trunk main across the city is never sent, only the part a crew works beside.
 * Pure geometry in the local frame (metres); interpolated vertices carry z and ground linearly.
 */
import { VERTEX_STRIDE, type NetworkNode } from '../../core/model';
import type { Rect } from '../storage/networkStore';

export type XY = [number, number];

export interface SiteArea {
  /** Filled outlines (open cuts), closed implicitly. */
  rings: XY[][];
  /** Centrelines, bore paths; a single point is a path of one vertex (piles). */
  paths: XY[][];
  radius: number;
}

/** The plan extent of the sites grown by their radius; null without sites. */
export function sitesExtent(sites: readonly SiteArea[]): Rect | null {
  let r: Rect | null = null;
  for (const s of sites) {
    for (const [x, y] of [...s.rings.flat(), ...s.paths.flat()]) {
      r = r ? { minX: Math.min(r.minX, x - s.radius), minY: Math.min(r.minY, y - s.radius), maxX: Math.max(r.maxX, x + s.radius), maxY: Math.max(r.maxY, y + s.radius) }
        : { minX: x - s.radius, minY: y - s.radius, maxX: x + s.radius, maxY: y + s.radius };
    }
  }
  return r;
}

/** Plan distance from (px, py) to the segment a–b. */
export function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

export function insideRing(px: number, py: number, ring: readonly XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
    if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Plan distance from a point to a site's works (0 inside an outline). */
export function siteDistance(px: number, py: number, site: SiteArea): number {
  let best = Infinity;
  for (const ring of site.rings) {
    if (insideRing(px, py, ring)) return 0;
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!, b = ring[(i + 1) % ring.length]!;
      best = Math.min(best, pointSegmentDistance(px, py, a[0], a[1], b[0], b[1]));
    }
  }
  for (const path of site.paths) {
    if (path.length === 1) best = Math.min(best, Math.hypot(px - path[0]![0], py - path[0]![1]));
    for (let i = 1; i < path.length; i++) best = Math.min(best, pointSegmentDistance(px, py, path[i - 1]![0], path[i - 1]![1], path[i]![0], path[i]![1]));
  }
  return best;
}

/** Bisection and golden-section steps: 2^-50 of a segment is far below a millimetre. */
const STEPS = 50;

type Interval = [number, number];

/**
 * Where along a→b the plan distance to the capsule p–q (radius r) is ≤ r: one interval or none,
 * because the distance from a moving point on a line to a convex set is convex in t.
 */
function capsuleInterval(ax: number, ay: number, bx: number, by: number, p: XY, q: XY, r: number): Interval | null {
  const d = (t: number) => pointSegmentDistance(ax + t * (bx - ax), ay + t * (by - ay), p[0], p[1], q[0], q[1]);
  let lo = 0, hi = 1;
  for (let i = 0; i < STEPS; i++) {
    const m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
    if (d(m1) <= d(m2)) hi = m2; else lo = m1;
  }
  const tMin = (lo + hi) / 2;
  if (d(tMin) > r) return null;
  const edge = (inside: number, outside: number) => {
    if (d(outside) <= r) return outside;
    for (let i = 0; i < STEPS; i++) {
      const m = (inside + outside) / 2;
      if (d(m) <= r) inside = m; else outside = m;
    }
    return inside;
  };
  return [edge(tMin, 0), edge(tMin, 1)];
}

/** Where along a→b the point is inside the ring: split at the edge crossings, test each middle. */
function ringIntervals(ax: number, ay: number, bx: number, by: number, ring: readonly XY[]): Interval[] {
  const ts = [0, 1];
  const dx = bx - ax, dy = by - ay;
  for (let i = 0; i < ring.length; i++) {
    const [px, py] = ring[i]!, [qx, qy] = ring[(i + 1) % ring.length]!;
    const ex = qx - px, ey = qy - py;
    const den = dx * ey - dy * ex;
    if (den === 0) continue;
    const t = ((px - ax) * ey - (py - ay) * ex) / den;
    const u = ((px - ax) * dy - (py - ay) * dx) / den;
    if (t > 0 && t < 1 && u >= 0 && u <= 1) ts.push(t);
  }
  ts.sort((a, b) => a - b);
  const out: Interval[] = [];
  for (let i = 1; i < ts.length; i++) {
    const m = (ts[i - 1]! + ts[i]!) / 2;
    if (ts[i]! > ts[i - 1]! && insideRing(ax + m * dx, ay + m * dy, ring)) out.push([ts[i - 1]!, ts[i]!]);
  }
  return out;
}

function union(intervals: Interval[]): Interval[] {
  intervals.sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const iv of intervals) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1] + 1e-12) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

function segmentIntervals(ax: number, ay: number, bx: number, by: number, sites: readonly SiteArea[]): Interval[] {
  const all: Interval[] = [];
  const minX = Math.min(ax, bx), maxX = Math.max(ax, bx), minY = Math.min(ay, by), maxY = Math.max(ay, by);
  const near = (p: XY, q: XY, r: number) => Math.max(p[0], q[0]) + r >= minX && Math.min(p[0], q[0]) - r <= maxX && Math.max(p[1], q[1]) + r >= minY && Math.min(p[1], q[1]) - r <= maxY;
  for (const s of sites) {
    for (const ring of s.rings) {
      all.push(...ringIntervals(ax, ay, bx, by, ring));
      for (let i = 0; i < ring.length; i++) {
        const p = ring[i]!, q = ring[(i + 1) % ring.length]!;
        if (!near(p, q, s.radius)) continue;
        const iv = capsuleInterval(ax, ay, bx, by, p, q, s.radius);
        if (iv) all.push(iv);
      }
    }
    for (const path of s.paths) {
      for (let i = 0; i < path.length; i++) {
        const p = path[Math.max(0, i - 1)]!, q = path[i]!;
        if (path.length > 1 && i === 0) continue;
        if (!near(p, q, s.radius)) continue;
        const iv = capsuleInterval(ax, ay, bx, by, p, q, s.radius);
        if (iv) all.push(iv);
      }
    }
  }
  return union(all);
}

/**
 * The stretches of a link within the sites, each as its own vertex array (x, y, z, ground per
 * vertex): empty when the link stays outside every site; one array equal to the link's when it lies
 * wholly inside.
 */
export function clipToSites(vertices: Float64Array, sites: readonly SiteArea[]): Float64Array[] {
  const pieces: Float64Array[] = [];
  let current: number[] | null = null;
  const n = vertices.length / VERTEX_STRIDE;
  const at = (i: number, t: number): number[] => {
    const a = i * VERTEX_STRIDE, b = (i + 1) * VERTEX_STRIDE;
    return [0, 1, 2, 3].map((k) => (t === 0 ? vertices[a + k]! : t === 1 ? vertices[b + k]! : vertices[a + k]! + t * (vertices[b + k]! - vertices[a + k]!)));
  };
  const close = () => {
    if (current && current.length >= 2 * VERTEX_STRIDE) pieces.push(Float64Array.from(current));
    current = null;
  };
  for (let i = 0; i + 1 < n; i++) {
    const a = i * VERTEX_STRIDE, b = a + VERTEX_STRIDE;
    const ivs = segmentIntervals(vertices[a]!, vertices[a + 1]!, vertices[b]!, vertices[b + 1]!, sites);
    if (ivs.length === 0 || ivs[0]![0] > 0) close();
    for (const [t0, t1] of ivs) {
      if (t0 > 0) close();
      current ??= [...at(i, t0)];
      current.push(...at(i, t1));
      if (t1 < 1) close();
    }
  }
  close();
  return pieces;
}

export function nodeInSites(node: Pick<NetworkNode, 'x' | 'y'>, sites: readonly SiteArea[]): boolean {
  return sites.some((s) => siteDistance(node.x, node.y, s) <= s.radius);
}
