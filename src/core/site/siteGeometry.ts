/**
 * The pure geometry of the dig-site view (src/site): the site box around a dig, lines clipped to it,
 * the tubes a line is drawn as (its true section at its true elevation), and where on a line a tap
 * landed. Local metric frame (crs.ts): x east, y north, z up, metres; vertices as in model.ts
 * (x, y, z of the centreline, ground, per vertex). No DOM, no three.
 */
import { boundingRadius, halfHeight, VERTEX_STRIDE, type CrossSection } from '../model';
import type { Bounds } from '../screening/volume';

/** A plan rectangle and an elevation range, m. */
export type SiteBox = Bounds;

/**
 * The site: the union of the works' volumes' bounds (volume.ts `Volume.bounds`) grown by `margin`
 * in plan and below; the top is the highest of the works' tops and the ground.
 */
export function siteBox(bounds: readonly Bounds[], margin: number, groundZ: number): SiteBox {
  if (bounds.length === 0) throw new RangeError('siteBox: no works');
  if (!(margin >= 0)) throw new RangeError(`siteBox: margin ${margin} m`);
  const box: SiteBox = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: groundZ };
  for (const b of bounds) {
    box.minX = Math.min(box.minX, b.minX - margin); box.minY = Math.min(box.minY, b.minY - margin); box.minZ = Math.min(box.minZ, b.minZ - margin);
    box.maxX = Math.max(box.maxX, b.maxX + margin); box.maxY = Math.max(box.maxY, b.maxY + margin); box.maxZ = Math.max(box.maxZ, b.maxZ);
  }
  return box;
}

/** One vertex (4 numbers) of `v` at parameter t along the segment from vertex i to i + 1. */
function vertexAt(v: Float64Array, i: number, t: number, out: number[]): void {
  const a = i * VERTEX_STRIDE, b = a + VERTEX_STRIDE;
  for (let k = 0; k < VERTEX_STRIDE; k++) out.push(t === 0 ? v[a + k]! : t === 1 ? v[b + k]! : v[a + k]! + t * (v[b + k]! - v[a + k]!));
}

/**
 * The stretches of a line inside the box in plan (Liang–Barsky per segment), each its own vertex
 * array with z and ground interpolated linearly; a stretch that only touches the box at a point is
 * dropped. Empty when the line stays outside; one array equal to the line's when it lies inside.
 */
export function clipToBox(vertices: Float64Array, box: Pick<Bounds, 'minX' | 'minY' | 'maxX' | 'maxY'>): Float64Array[] {
  const pieces: Float64Array[] = [];
  let current: number[] | null = null;
  const close = (): void => {
    if (current && current.length >= 2 * VERTEX_STRIDE) pieces.push(Float64Array.from(current));
    current = null;
  };
  const n = vertices.length / VERTEX_STRIDE;
  for (let i = 0; i + 1 < n; i++) {
    const a = i * VERTEX_STRIDE, b = a + VERTEX_STRIDE;
    const x0 = vertices[a]!, y0 = vertices[a + 1]!, dx = vertices[b]! - x0, dy = vertices[b + 1]! - y0;
    let t0 = 0, t1 = 1;
    // p·t ≤ q for each of the four sides.
    const sides: [number, number][] = [[-dx, x0 - box.minX], [dx, box.maxX - x0], [-dy, y0 - box.minY], [dy, box.maxY - y0]];
    for (const [p, q] of sides) {
      if (p === 0) { if (q < 0) { t0 = 1; t1 = 0; } continue; }
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r); else t1 = Math.min(t1, r);
    }
    if (!(t0 < t1)) { close(); continue; }
    if (t0 > 0) close();
    if (!current) { current = []; vertexAt(vertices, i, t0, current); }
    vertexAt(vertices, i, t1, current);
    if (t1 < 1) close();
  }
  close();
  return pieces;
}

export type Vec3 = [number, number, number];

/**
 * One straight stretch of a line as the site view draws it: its axis from → to and its true
 * section: a circle of the pipe's radius, or a duct's width × height (height vertical).
 */
export type TubeSegment =
  | { from: Vec3; to: Vec3; shape: 'circle'; radius: number }
  | { from: Vec3; to: Vec3; shape: 'box'; width: number; height: number };

/** The tubes of a line: one per segment of non-zero length, of the true section (mm → m). */
export function lineTubes(vertices: Float64Array, section: CrossSection): TubeSegment[] {
  const out: TubeSegment[] = [];
  const n = vertices.length / VERTEX_STRIDE;
  for (let i = 0; i + 1 < n; i++) {
    const a = i * VERTEX_STRIDE, b = a + VERTEX_STRIDE;
    const from: Vec3 = [vertices[a]!, vertices[a + 1]!, vertices[a + 2]!], to: Vec3 = [vertices[b]!, vertices[b + 1]!, vertices[b + 2]!];
    if (from[0] === to[0] && from[1] === to[1] && from[2] === to[2]) continue;
    out.push(section.shape === 'circular'
      ? { from, to, shape: 'circle', radius: section.diameterMm / 2000 }
      : { from, to, shape: 'box', width: section.widthMm / 1000, height: section.heightMm / 1000 });
  }
  return out;
}

/**
 * The tolerance zone around a line as the screening measures it (verdicts.ts): everything within
 * `tolerance` of the outside of the pipe's bounding capsule, so a tube of radius
 * boundingRadius + tolerance about the axis.
 */
export function toleranceRadius(section: CrossSection, tolerance: number): number {
  return boundingRadius(section) + tolerance;
}

export interface PointOnLine {
  segment: number;
  t: number;
  x: number; y: number; z: number;
  /** Ground above that point (NaN where the survey has none). */
  ground: number;
  /** Depth of the top of the pipe there: ground − (z + half the section's height); null without ground. */
  topDepth: number | null;
}

/** The point on the line's axis nearest to (px, py, pz) in 3D, with its ground and the depth of the pipe's top. */
export function nearestOnLine(vertices: Float64Array, section: CrossSection, px: number, py: number, pz: number): PointOnLine {
  const n = vertices.length / VERTEX_STRIDE;
  if (n < 1) throw new RangeError('nearestOnLine: a line without vertices');
  let best: PointOnLine | null = null, bestD2 = Infinity;
  for (let i = 0; i < Math.max(1, n - 1); i++) {
    const a = i * VERTEX_STRIDE, b = n > 1 ? a + VERTEX_STRIDE : a;
    const ax = vertices[a]!, ay = vertices[a + 1]!, az = vertices[a + 2]!;
    const dx = vertices[b]! - ax, dy = vertices[b + 1]! - ay, dz = vertices[b + 2]! - az;
    const len2 = dx * dx + dy * dy + dz * dz;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy + (pz - az) * dz) / len2));
    const x = ax + t * dx, y = ay + t * dy, z = az + t * dz;
    const d2 = (x - px) ** 2 + (y - py) ** 2 + (z - pz) ** 2;
    if (d2 < bestD2) {
      bestD2 = d2;
      const ground = vertices[a + 3]! + t * (vertices[b + 3]! - vertices[a + 3]!);
      best = { segment: i, t, x, y, z, ground, topDepth: Number.isFinite(ground) ? ground - (z + halfHeight(section)) : null };
    }
  }
  return best!;
}
