/**
 * Vertical separation where lines cross in plan. The line that yields (crossings.ts's caller decides
 * which: systems.ts ranks) keeps its course but passes over or under the other with a clearance
 * drawn to be often tight: 60 % of adjusted crossings get 0.05–0.30 m between outer walls, below
 * most of GB 50289-2016's vertical clearances (0.15 m gas, 0.25–0.50 m cables, 0.40 m sewer over
 * water), so clearance checks have real findings. Clearances use each section's bounding radius,
 * the capsule screening uses, so no two capsules ever overlap at a crossing. Across a crossing the
 * yielding line runs level for the combined radius plus the gap each side, so the vertical
 * clearance is also the true 3D clearance.
 */
import { segmentCrossing, type Vertex3 } from './geometry';
import { chance, uniform, type Rng } from './random';
import { groundElevation } from './terrain';

/** A straight piece of a line that is already placed, with its bounding radius. */
export interface Obstacle {
  ax: number; ay: number; az: number;
  bx: number; by: number; bz: number;
  r: number;
  /** Which line it belongs to: crossings of a line with itself are never separated. */
  line: string;
}

/** Natural crossings closer than this are moved. */
const NATURAL_MIN_GAP_M = 0.05;
const TIGHT_SHARE = 0.6;
const TIGHT_GAP_M: readonly [number, number] = [0.05, 0.3];
const ROOMY_GAP_M: readonly [number, number] = [0.3, 0.6];
/** Room kept between a fixed end and the level run over a crossing. */
const END_ROOM_M = 0.25;
/** Level runs closer than this are merged: a climb or dive between them needs room. */
const RAMP_ROOM_M = 0.4;

export function crossingGap(rng: Rng): number {
  const [lo, hi] = chance(rng, TIGHT_SHARE) ? TIGHT_GAP_M : ROOMY_GAP_M;
  return uniform(rng, lo, hi);
}

export function addObstacles(out: Obstacle[], vertices: readonly Vertex3[], r: number, line: string): void {
  for (let i = 0; i + 1 < vertices.length; i++) {
    const a = vertices[i]!, b = vertices[i + 1]!;
    out.push({ ax: a.x, ay: a.y, az: a.z, bx: b.x, by: b.y, bz: b.z, r, line });
  }
}

export interface Crossing {
  /** Chainage along the crossing line, m. */
  c: number;
  /** Centreline elevation of the line crossed, and its radius. */
  z: number;
  r: number;
  /** Sine of the angle between the two lines in plan. */
  sin: number;
  /** 1/cos of the crossed line's own grade: a steep line needs more vertical room to clear. */
  tilt: number;
}

export function chainages(line: readonly Vertex3[]): number[] {
  const cum = [0];
  for (let i = 1; i < line.length; i++) cum.push(cum[i - 1]! + Math.hypot(line[i]!.x - line[i - 1]!.x, line[i]!.y - line[i - 1]!.y));
  return cum;
}

/** Every plan crossing of `line` with the obstacles of other lines, in order along `line`. */
export function findCrossings(line: readonly Vertex3[], cum: readonly number[], obstacles: readonly Obstacle[], self: string): Crossing[] {
  const found: (Crossing & { line: string })[] = [];
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i]!, b = line[i + 1]!;
    const minX = Math.min(a.x, b.x), maxX = Math.max(a.x, b.x), minY = Math.min(a.y, b.y), maxY = Math.max(a.y, b.y);
    const len = cum[i + 1]! - cum[i]!;
    for (const o of obstacles) {
      if (o.line === self) continue;
      if (Math.max(o.ax, o.bx) < minX || Math.min(o.ax, o.bx) > maxX || Math.max(o.ay, o.by) < minY || Math.min(o.ay, o.by) > maxY) continue;
      const hit = segmentCrossing(a.x, a.y, b.x, b.y, o.ax, o.ay, o.bx, o.by);
      if (!hit) continue;
      const c = cum[i]! + hit.t * len;
      // A crossing through a vertex of the other line is found on both of its segments.
      if (found.some((f) => f.line === o.line && Math.abs(f.c - c) < 0.05)) continue;
      const ol = Math.hypot(o.bx - o.ax, o.by - o.ay);
      const sin = Math.abs((b.x - a.x) * (o.by - o.ay) - (b.y - a.y) * (o.bx - o.ax)) / (len * ol || 1);
      const tilt = Math.hypot(1, (o.bz - o.az) / (ol || 1));
      found.push({ c, z: o.az + (o.bz - o.az) * hit.u, r: o.r, sin, tilt, line: o.line });
    }
  }
  return found.sort((p, q) => p.c - q.c);
}

export interface YieldOptions {
  /** Bounding radius of the yielding line's section, m. */
  radius: number;
  /** Half height of its section, m: what cover is measured to. */
  halfHeight: number;
  /** Minimum cover it must keep when it passes over, m. */
  minCover: number;
  /** Whether the first / last vertex must keep its elevation (it joins something already placed). */
  fixedStart: boolean;
  fixedEnd: boolean;
  rng: Rng;
}

interface Station extends Vertex3 {
  c: number;
}

/** The line with a level run over or under every crossing that lacked clearance. */
export function yieldAtCrossings(line: readonly Vertex3[], obstacles: readonly Obstacle[], self: string, opts: YieldOptions): Vertex3[] {
  const cum = chainages(line);
  const crossings = findCrossings(line, cum, obstacles, self);
  if (crossings.length === 0) return [...line];
  const total = cum[cum.length - 1]!;
  const stations: Station[] = line.map((v, i) => ({ ...v, c: cum[i]! }));
  const at = (c: number): Station => {
    const near = stations.find((s) => Math.abs(s.c - c) < 0.05);
    if (near) return near;
    let i = 0;
    while (i + 2 < stations.length && stations[i + 1]!.c < c) i++;
    const a = stations[i]!, b = stations[i + 1]!;
    const f = b.c > a.c ? (c - a.c) / (b.c - a.c) : 0;
    const x = a.x + (b.x - a.x) * f, y = a.y + (b.y - a.y) * f;
    const s: Station = { x, y, z: a.z + (b.z - a.z) * f, g: groundElevation(x, y), c };
    stations.splice(i + 1, 0, s);
    return s;
  };

  // Crossings whose level runs would overlap (or leave no room to climb between them) are passed
  // at one level clear of them all, so the line never climbs or dives between two pipes lying side
  // by side; a crossing with room enough still gets its level run, so that no climb toward the next
  // one starts right over it.
  const reach = crossings.map((k) => ({ ...k, gap: crossingGap(opts.rng), reach: (opts.radius + k.r) * k.tilt }));
  const runOf = (k: (typeof reach)[number]) => (k.reach + k.gap) / Math.max(k.sin, 0.5);
  const clusters: (typeof reach)[] = [];
  for (const k of reach) {
    const last = clusters[clusters.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && k.c - runOf(k) < prev.c + runOf(prev) + RAMP_ROOM_M) last.push(k);
    else clusters.push([k]);
  }
  const levels: { lo: number; hi: number; z: number }[] = [];
  clusters.forEach((cluster, n) => {
    const natural = cluster.map((k) => at(k.c));
    const mean = natural.reduce((sum, s) => sum + s.z, 0) / natural.length;
    let z = mean;
    if (!cluster.every((k) => Math.abs(mean - k.z) - k.reach >= NATURAL_MIN_GAP_M)) {
      // The nearest level to the natural one that is clear of every line in the cluster, over,
      // under or between them, and keeps the cover.
      const ceiling = Math.min(...natural.map((s) => s.g - opts.halfHeight - opts.minCover));
      const clear = (level: number) => level <= ceiling && cluster.every((k) => Math.abs(level - k.z) >= k.reach + k.gap - 1e-9);
      const candidates = cluster.flatMap((k) => [k.z + k.reach + k.gap, k.z - k.reach - k.gap]).filter(clear);
      z = candidates.reduce((best, c) => (Math.abs(c - mean) < Math.abs(best - mean) ? c : best), Math.min(...cluster.map((k) => k.z - k.reach - k.gap)));
    }
    const first = cluster[0]!, last = cluster[cluster.length - 1]!;
    const prev = clusters[n - 1]?.at(-1), next = clusters[n + 1]?.[0];
    const lo = Math.max(first.c - runOf(first), prev ? (prev.c + runOf(prev) + first.c - runOf(first)) / 2 + 0.1 : opts.fixedStart ? END_ROOM_M : 0);
    const hi = Math.min(last.c + runOf(last), next ? (last.c + runOf(last) + next.c - runOf(next)) / 2 - 0.1 : opts.fixedEnd ? total - END_ROOM_M : total);
    levels.push({ lo: Math.min(lo, first.c), hi: Math.max(hi, last.c), z });
  });
  // A level's ends may land on a station already within a few centimetres: its range is the stations'.
  const ranges = levels.map((l) => ({ lo: at(Math.max(l.lo, 0)).c, hi: at(Math.min(l.hi, total)).c, z: l.z }));
  for (const l of ranges) {
    for (const s of stations) if (s.c >= l.lo && s.c <= l.hi) s.z = l.z;
  }
  if (opts.fixedStart) stations[0]!.z = line[0]!.z;
  if (opts.fixedEnd) stations[stations.length - 1]!.z = line[line.length - 1]!.z;
  return stations.map(({ x, y, z, g }) => ({ x, y, z, g }));
}
