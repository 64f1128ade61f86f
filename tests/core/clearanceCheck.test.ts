/**
 * The clearance report (src/core/screening/clearanceCheck.ts) with the shipped rules table:
 * rules validation and look-up, the geometry on hand-built cases, and the whole report against an
 * independent brute-force oracle (below) on random networks of hundreds of links and on 2,400
 * small adversarial cases. All random data is seeded.
 *
 * The oracle shares no geometry with the implementation: plan distances from orientation tests and
 * point–segment distances (no segSegDist2), 3D distances by golden-section search on the convex
 * point–segment distance, crossing zones cut by projecting the centre on the segment (not the
 * quadratic), the spans between cuts classified by testing their midpoints, exact radii (not the
 * table's float32), its own connected-pair rule (node ids, ends, an end on the other line's outline
 * by point–segment distance to every segment). It visits every pair of segments. It also lists the
 * pairs the report must put in `checkByHand` (an entry without a figure for a line's pressure class).
 *
 * Named tolerances:
 *   GAP_TOL_M  implementation and oracle gaps agree within this (float32 radii differ by ~1e-8 m;
 *              golden-section search converges to ~1e-12 m); a pair whose oracle gap lies within
 *              this of the limit may be a finding on one side only
 */
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import clearancesJson from '../../data/rules/clearances.json';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { transformBetween } from '../../src/core/crs';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import { boundingRadius, inscribedRadius, UTILITY_TYPES, type CrossSection, type Link, type UtilityType } from '../../src/core/model';
import { mulberry32 } from '../../src/core/random';
import {
  checkClearances, CLEARANCE_SLACK_M,
  type ClearanceFinding, type ClearanceReport,
} from '../../src/core/screening/clearanceCheck';
import { largestClearance, requiredClearance, validateClearanceRules, type ClearanceRules } from '../../src/core/screening/networkRules';
import { RulesError } from '../../src/core/screening/rules';

const GAP_TOL_M = 1e-6;
const RULES = validateClearanceRules(clearancesJson);
const CROSSING_MIN_ANGLE_DEG = RULES.crossings.minAngleDeg.value;
const CONNECTION_TOLERANCE_M = RULES.joints.toleranceM.value;

type Rng = () => number;
type P3 = readonly [number, number, number];

interface LineOptions {
  subtype?: string;
  section?: CrossSection;
  pressureClass?: string | null;
  fromNode?: string | null;
  toNode?: string | null;
  owner?: string;
}

function line(id: string, utility: UtilityType, points: readonly P3[], o: LineOptions = {}): Link {
  return {
    id, utility, subtype: o.subtype ?? 'main', material: 'pe', section: o.section ?? { shape: 'circular', diameterMm: 200 },
    pressureClass: o.pressureClass ?? null, installYear: null, owner: o.owner ?? 'test', status: 'in_service', qualityLevel: 'B', street: null,
    fromNode: o.fromNode ?? null, toNode: o.toNode ?? null, vertices: Float64Array.from(points.flatMap(([x, y, z]) => [x, y, z, z + 2])),
  };
}

const d = (mm: number): CrossSection => ({ shape: 'circular', diameterMm: mm });

// ---------------------------------------------------------------------------------------------
// The oracle.

interface OSeg { link: number; k: number; a: P3; b: P3 }

function pointSegment2D(px: number, py: number, a: P3, b: P3): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2)) : 0;
  return Math.hypot(a[0] + t * dx - px, a[1] + t * dy - py);
}

function pointSegment3D(p: P3, a: P3, b: P3): number {
  const v = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * v[0]! + (p[1] - a[1]) * v[1]! + (p[2] - a[2]) * v[2]!) / len2)) : 0;
  return Math.hypot(a[0] + t * v[0]! - p[0], a[1] + t * v[1]! - p[1], a[2] + t * v[2]! - p[2]);
}

const orient = (a: P3, b: P3, c: P3): number => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

/** Plan intersection point of two segments that properly cross, or null. */
function planCrossing(a: P3, b: P3, c: P3, e: P3): [number, number] | null {
  const o1 = orient(a, b, c), o2 = orient(a, b, e), o3 = orient(c, e, a), o4 = orient(c, e, b);
  if (!(((o1 <= 0 && o2 >= 0) || (o1 >= 0 && o2 <= 0)) && ((o3 <= 0 && o4 >= 0) || (o3 >= 0 && o4 <= 0)))) return null;
  const den = (b[0] - a[0]) * (e[1] - c[1]) - (b[1] - a[1]) * (e[0] - c[0]);
  if (den === 0) return null;
  const s = ((c[0] - a[0]) * (e[1] - c[1]) - (c[1] - a[1]) * (e[0] - c[0])) / den;
  return [a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])];
}

/** Plan distance between segments, and the closest points (on the first, on the second). */
function planDistance(a: P3, b: P3, c: P3, e: P3): { d: number; pa: [number, number]; pb: [number, number] } {
  const x = planCrossing(a, b, c, e);
  if (x) return { d: 0, pa: x, pb: x };
  const foot = (p: P3, s0: P3, s1: P3): [number, number] => {
    const dx = s1[0] - s0[0], dy = s1[1] - s0[1];
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((p[0] - s0[0]) * dx + (p[1] - s0[1]) * dy) / len2)) : 0;
    return [s0[0] + t * dx, s0[1] + t * dy];
  };
  const options = [
    { d: pointSegment2D(a[0], a[1], c, e), pa: [a[0], a[1]] as [number, number], pb: foot(a, c, e) },
    { d: pointSegment2D(b[0], b[1], c, e), pa: [b[0], b[1]] as [number, number], pb: foot(b, c, e) },
    { d: pointSegment2D(c[0], c[1], a, b), pa: foot(c, a, b), pb: [c[0], c[1]] as [number, number] },
    { d: pointSegment2D(e[0], e[1], a, b), pa: foot(e, a, b), pb: [e[0], e[1]] as [number, number] },
  ];
  return options.reduce((p, q) => (q.d < p.d ? q : p));
}

/** 3D distance between segments: golden-section search on s ↦ dist(a + s(b − a), segment ce), a convex function. */
function distance3D(a: P3, b: P3, c: P3, e: P3): number {
  const at = (s: number): number => pointSegment3D([a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1]), a[2] + s * (b[2] - a[2])], c, e);
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = 0, hi = 1;
  let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
  let f1 = at(x1), f2 = at(x2);
  for (let it = 0; it < 90; it++) {
    if (f1 <= f2) {
      hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = at(x1);
    } else {
      lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = at(x2);
    }
  }
  return Math.min(at(0), at(1), f1, f2, at((lo + hi) / 2));
}

function oracleSegments(links: readonly Link[]): OSeg[] {
  const out: OSeg[] = [];
  links.forEach((l, li) => {
    const v = l.vertices;
    const pts: P3[] = [];
    for (let o = 0; o + 3 < v.length; o += 4) pts.push([v[o]!, v[o + 1]!, v[o + 2]!]);
    const before = out.length;
    for (let k = 0; k + 1 < pts.length; k++) {
      const a = pts[k]!, b = pts[k + 1]!;
      if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) out.push({ link: li, k, a, b });
    }
    if (out.length === before && pts.length > 0) out.push({ link: li, k: 0, a: pts[0]!, b: pts[0]! });
  });
  return out;
}

function oracleConnected(links: readonly Link[], segs: readonly OSeg[], rules: ClearanceRules, i: number, j: number): boolean {
  const a = links[i]!, b = links[j]!;
  if (!rules.joints.exemptJoinedLines.value || a.utility !== b.utility) return false;
  const tol = rules.joints.toleranceM.value;
  const ends = (l: Link): P3[] => {
    const n = l.vertices.length / 4;
    return [0, n - 1].map((k) => [l.vertices[4 * k]!, l.vertices[4 * k + 1]!, l.vertices[4 * k + 2]!] as P3);
  };
  const apart = (p: P3, q: P3): number => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
  // A node id in common, at ends that meet in plan (within tol of each other's outline).
  const nodes = (l: Link): [string | null, P3][] => [[l.fromNode, ends(l)[0]!], [l.toNode, ends(l)[1]!]];
  const reach = tol + boundingRadius(a.section) + boundingRadius(b.section);
  if (nodes(a).some(([n, p]) => n !== null && nodes(b).some(([m, q]) => m === n && Math.hypot(p[0] - q[0], p[1] - q[1]) <= reach))) return true;
  // From geometry alone, only lines of one owner and pressure class.
  if (a.owner !== b.owner || a.pressureClass !== b.pressureClass) return false;
  if (ends(a).some((p) => ends(b).some((q) => apart(p, q) <= tol))) return true;
  // A tee: an end of one within tol of the circle inscribed in the other's section.
  const inside = (p: P3, other: number): boolean => segs.some((s) => s.link === other && pointSegment3D(p, s.a, s.b) <= inscribedRadius(links[other]!.section) + tol);
  return ends(a).some((p) => inside(p, j)) || ends(b).some((p) => inside(p, i));
}

interface OracleZone { link: number; x: number; y: number; radius: number }

/** Parameter spans of segment ab outside every open disc of `link`: the cut points, then each piece classified by its midpoint. */
function oracleSpans(a: P3, b: P3, zones: readonly OracleZone[], link: number): [number, number][] {
  const mine = zones.filter((z) => z.link === link);
  const inside = (t: number): boolean => mine.some((z) => Math.hypot(a[0] + t * (b[0] - a[0]) - z.x, a[1] + t * (b[1] - a[1]) - z.y) < z.radius);
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  if (len === 0) return inside(0) ? [] : [[0, 0]];
  const cuts = [0, 1];
  for (const z of mine) {
    const tc = ((z.x - a[0]) * dx + (z.y - a[1]) * dy) / (len * len);
    const h = Math.hypot(a[0] + tc * dx - z.x, a[1] + tc * dy - z.y);
    if (h >= z.radius) continue;
    const half = Math.sqrt(z.radius * z.radius - h * h) / len;
    for (const t of [tc - half, tc + half]) if (t > 0 && t < 1) cuts.push(t);
  }
  cuts.sort((p, q) => p - q);
  const spans: [number, number][] = [];
  for (let k = 0; k < cuts.length; k++) {
    if (!inside(cuts[k]!)) spans.push([cuts[k]!, cuts[k]!]);
    if (k + 1 < cuts.length && !inside((cuts[k]! + cuts[k + 1]!) / 2)) spans.push([cuts[k]!, cuts[k + 1]!]);
  }
  return spans;
}

const lerp = (a: P3, b: P3, t: number): P3 => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];

interface OracleGap { kind: 'horizontal' | 'vertical'; a: number; b: number; gap: number; required: number; floorOnly: boolean; largest: number; rr: number }

/** Smallest horizontal and vertical gap of every unconnected pair of links whose outlines come within reach. */
function oracle(links: readonly Link[], rules: ClearanceRules): Map<string, OracleGap> {
  const segs = oracleSegments(links);
  const radius = links.map((l) => boundingRadius(l.section));
  const reach = largestClearance(rules.horizontal) + 2 * Math.max(0, ...radius) + 1;
  const minSin = Math.sin((rules.crossings.minAngleDeg.value * Math.PI) / 180);
  const byPair = new Map<string, { a: number; b: number; pairs: [OSeg, OSeg][]; zones: OracleZone[]; vertical: number }>();
  const joined = new Map<string, boolean>();
  const isJoined = (i: number, j: number): boolean => {
    const key = `${i}|${j}`;
    let v = joined.get(key);
    if (v === undefined) joined.set(key, (v = oracleConnected(links, segs, rules, i, j)));
    return v;
  };
  for (let p = 0; p < segs.length; p++) {
    for (let q = p + 1; q < segs.length; q++) {
      let s = segs[p]!, t = segs[q]!;
      if (s.link === t.link) continue;
      if (s.link > t.link) [s, t] = [t, s];
      const plan = planDistance(s.a, s.b, t.a, t.b);
      if (plan.d > reach || isJoined(s.link, t.link)) continue;
      const key = `${s.link}|${t.link}`;
      let entry = byPair.get(key);
      if (!entry) byPair.set(key, (entry = { a: s.link, b: t.link, pairs: [], zones: [], vertical: Infinity }));
      entry.pairs.push([s, t]);
      const rr = radius[s.link]! + radius[t.link]!;
      if (plan.d - rr > CLEARANCE_SLACK_M) continue;
      entry.vertical = Math.min(entry.vertical, distance3D(s.a, s.b, t.a, t.b) - rr);
      const ux = s.b[0] - s.a[0], uy = s.b[1] - s.a[1], vx = t.b[0] - t.a[0], vy = t.b[1] - t.a[1];
      const lu = Math.hypot(ux, uy), lv = Math.hypot(vx, vy);
      const sin = lu === 0 || lv === 0 ? 1 : Math.abs(ux * vy - uy * vx) / (lu * lv);
      if (sin < minSin || plan.d - rr > -CLEARANCE_SLACK_M) continue;
      const h = requiredClearance(rules.horizontal, links[s.link]!, links[t.link]!).value;
      const r = (rules.crossings.zoneFactor.value * (h + rr)) / sin;
      entry.zones.push({ link: s.link, x: plan.pa[0], y: plan.pa[1], radius: r }, { link: t.link, x: plan.pb[0], y: plan.pb[1], radius: r });
    }
  }
  const out = new Map<string, OracleGap>();
  for (const e of byPair.values()) {
    const rr = radius[e.a]! + radius[e.b]!;
    let horizontal = Infinity;
    for (const [s, t] of e.pairs) {
      for (const [x, y] of [[s, t], [t, s]] as const) {
        for (const [t0, t1] of oracleSpans(x.a, x.b, e.zones, x.link)) {
          horizontal = Math.min(horizontal, planDistance(lerp(x.a, x.b, t0), lerp(x.a, x.b, t1), y.a, y.b).d - rr);
        }
      }
    }
    const ids = `${links[e.a]!.id}|${links[e.b]!.id}`;
    const h = requiredClearance(rules.horizontal, links[e.a]!, links[e.b]!);
    out.set(`horizontal|${ids}`, { kind: 'horizontal', a: e.a, b: e.b, gap: horizontal, required: h.value, floorOnly: h.basis === 'class-not-covered', largest: largestClearance(rules.horizontal), rr });
    if (e.vertical < Infinity) {
      const v = requiredClearance(rules.vertical, links[e.a]!, links[e.b]!);
      out.set(`vertical|${ids}`, { kind: 'vertical', a: e.a, b: e.b, gap: e.vertical, required: v.value, floorOnly: v.basis === 'class-not-covered', largest: largestClearance(rules.vertical), rr });
    }
  }
  return out;
}

/** Every difference between the report and the oracle, as text (empty when they agree). */
function disagreements(links: readonly Link[], report: ClearanceReport, rules: ClearanceRules): string[] {
  const truth = oracle(links, rules);
  const problems: string[] = [];
  // Far from the frame's meridian the report compares centreline distances against (limit + radii) × its stated scale bound: that much further may be reported, never less.
  const k = report.rules.frameScale;
  const allowed = (limit: number, o: OracleGap): number => (limit + o.rr) * k - o.rr + CLEARANCE_SLACK_M + GAP_TOL_M;
  const seen = new Set<string>();
  for (const f of report.findings) {
    const key = `${f.kind}|${f.linkA}|${f.linkB}`;
    seen.add(key);
    const o = truth.get(key);
    if (!o) {
      problems.push(`${key}: reported (gap ${f.actual}) but the oracle has no such pair`);
      continue;
    }
    if (Math.abs(o.gap - f.actual) > GAP_TOL_M) problems.push(`${key}: gap ${f.actual}, oracle ${o.gap}`);
    if (o.required !== f.required) problems.push(`${key}: required ${f.required}, oracle ${o.required}`);
    if (!(o.gap < allowed(o.required, o))) problems.push(`${key}: reported at ${f.actual} but the oracle's gap ${o.gap} clears ${o.required}`);
  }
  for (const [key, o] of truth) {
    if (seen.has(key) || !(o.gap < o.required + CLEARANCE_SLACK_M - GAP_TOL_M)) continue;
    problems.push(`${key}: MISSED: oracle gap ${o.gap} < required ${o.required}`);
  }
  for (let k = 1; k < report.findings.length; k++) {
    if (report.findings[k]!.shortfall > report.findings[k - 1]!.shortfall) problems.push(`findings not sorted by shortfall at ${k}`);
  }
  // Pairs without a figure for a line's class: listed wherever the gap is under the table's largest value.
  const listed = new Set<string>();
  for (const f of report.checkByHand) {
    const key = `${f.kind}|${f.linkA}|${f.linkB}`;
    listed.add(key);
    const o = truth.get(key);
    if (!o || !o.floorOnly) problems.push(`${key}: listed to check by hand, but the oracle has ${o ? 'a figure for it' : 'no such pair'}`);
    else if (!(o.gap < allowed(o.largest, o))) problems.push(`${key}: listed to check by hand at ${f.actual}, beyond the table's largest ${o.largest}`);
    if (f.basis !== 'class-not-covered' || !f.note) problems.push(`${key}: listed to check by hand without saying why`);
  }
  for (const [key, o] of truth) {
    if (o.floorOnly && !listed.has(key) && o.gap < o.largest + CLEARANCE_SLACK_M - GAP_TOL_M) problems.push(`${key}: NOT LISTED to check by hand: gap ${o.gap}, no figure for the class`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Random and adversarial networks.

const between = (rng: Rng, a: number, b: number): number => a + (b - a) * rng();
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

function randomSection(rng: Rng): CrossSection {
  if (rng() < 0.25) return { shape: 'rect', widthMm: Math.round(between(rng, 200, 1000)), heightMm: Math.round(between(rng, 150, 700)) };
  return d(pick(rng, [20, 32, 50, 100, 150, 200, 201, 300, 600, 1200]));
}

function randomAttributes(rng: Rng): { utility: UtilityType; options: LineOptions } {
  const utility = pick(rng, UTILITY_TYPES);
  return {
    utility,
    options: {
      section: randomSection(rng),
      pressureClass: utility === 'gas' ? pick(rng, ['low', 'medium_b', 'medium_a', null, 'sub_high_a']) : null,
      subtype: pick(rng, ['main', 'duct_bank', 'cable']),
    },
  };
}

/** Moves a case to a random place and heading in a city-sized frame (coordinates up to ±5 km). */
function place(rng: Rng, links: Link[]): Link[] {
  const angle = rng() * 2 * Math.PI, c = Math.cos(angle), s = Math.sin(angle);
  const ox = between(rng, -5000, 5000), oy = between(rng, -5000, 5000);
  for (const l of links) {
    const v = l.vertices;
    for (let o = 0; o < v.length; o += 4) {
      const x = v[o]!, y = v[o + 1]!;
      v[o] = ox + c * x - s * y;
      v[o + 1] = oy + s * x + c * y;
    }
  }
  return links;
}

/** A random walk of n vertices from (x, y, z), with an occasional riser (a vertical segment). */
function walk(rng: Rng, n: number, x: number, y: number, z: number, step: number): P3[] {
  const pts: P3[] = [[x, y, z]];
  let heading = rng() * 2 * Math.PI;
  for (let k = 1; k < n; k++) {
    if (rng() < 0.1) {
      z += between(rng, -1.5, 1.5) || 0.5;
    } else {
      heading += between(rng, -0.8, 0.8);
      const len = between(rng, 0.3, step);
      x += len * Math.cos(heading); y += len * Math.sin(heading); z += between(rng, -0.3, 0.3);
    }
    pts.push([x, y, z]);
  }
  return pts;
}

/** Hundreds of links in a small square: dense, so most pairs interact; shared nodes and touching ends for some. */
function randomNetwork(rng: Rng, count: number, side: number): Link[] {
  const links: Link[] = [];
  for (let k = 0; k < count; k++) {
    const { utility, options } = randomAttributes(rng);
    let start: P3 = [rng() * side, rng() * side, between(rng, 8, 12)];
    const other = links.length > 0 ? pick(rng, links) : null;
    if (other && rng() < 0.15) {
      // Start at another link's end: joined if the utility matches, a clash to check otherwise.
      const v = other.vertices, n = v.length / 4 - 1;
      start = [v[4 * n]!, v[4 * n + 1]!, v[4 * n + 2]!];
      if (rng() < 0.5) start = [start[0] + between(rng, -0.008, 0.008), start[1], start[2]];
    }
    const pts = walk(rng, 2 + Math.floor(rng() * 5), start[0], start[1], start[2], side / 4);
    if (rng() < 0.2) options.fromNode = `${utility}-N${Math.floor(rng() * 20)}`;
    if (rng() < 0.2) options.toNode = `${utility}-N${Math.floor(rng() * 20)}`;
    links.push(line(`R${k}`, utility, pts, options));
  }
  return links;
}

type Builder = (rng: Rng) => Link[];

/** Required values for a random pair of lines, so cases can be built at, under and over the limit. */
function randomPair(rng: Rng): [{ utility: UtilityType; options: LineOptions }, { utility: UtilityType; options: LineOptions }, number, number] {
  const a = randomAttributes(rng), b = randomAttributes(rng);
  const la = line('a', a.utility, [[0, 0, 0], [1, 0, 0]], a.options), lb = line('b', b.utility, [[0, 0, 0], [1, 0, 0]], b.options);
  return [a, b, requiredClearance(RULES.horizontal, la, lb).value, requiredClearance(RULES.vertical, la, lb).value];
}

const ra = (o: LineOptions): number => boundingRadius(o.section!);
/** Offsets around a limit: exactly on it, a hair either side, clearly either side. */
const nearLimit = (rng: Rng): number => pick(rng, [0, 0, -1e-3, 1e-3, -2e-6, 2e-6, -0.05, 0.05, between(rng, -0.5, 0.5)]);

const BUILDERS: Record<string, Builder> = {
  'parallel runs near the horizontal limit': (rng) => {
    const [a, b, h] = randomPair(rng);
    const off = h + ra(a.options) + ra(b.options) + nearLimit(rng);
    const z = between(rng, -2, 2);
    return [line('A', a.utility, [[0, 0, 10], [8, 0, 10], [20, 0, 10.2]], a.options),
      line('B', b.utility, [[between(rng, -5, 5), off, 10 + z], [between(rng, 12, 25), off, 10 + z]], b.options)];
  },
  'perpendicular crossings near the vertical limit': (rng) => {
    const [a, b, , v] = randomPair(rng);
    const dz = (v + ra(a.options) + ra(b.options) + nearLimit(rng)) * (rng() < 0.5 ? 1 : -1);
    return [line('A', a.utility, [[-6, 0, 10], [6, 0, 10]], a.options), line('B', b.utility, [[0, -6, 10 + dz], [0, 6, 10 + dz]], b.options)];
  },
  'crossings at any angle, some bending near the crossing': (rng) => {
    const [a, b, , v] = randomPair(rng);
    const angle = between(rng, 0.05, Math.PI / 2);
    const dz = v + ra(a.options) + ra(b.options) + nearLimit(rng);
    const bend = rng() < 0.5 ? between(rng, -0.6, 0.6) : 0;
    const c = Math.cos(angle), s = Math.sin(angle);
    const far = between(rng, 1, 6);
    return [line('A', a.utility, [[-8, 0, 10], [8, 0, 10]], a.options),
      line('B', b.utility, [[-8 * c, -8 * s, 10 + dz], [far * c, far * s, 10 + dz], [far * c + 6 * Math.cos(angle + bend), far * s + 6 * Math.sin(angle + bend), 10 + dz]], b.options)];
  },
  'a line that crosses and then runs alongside': (rng) => {
    const [a, b, h] = randomPair(rng);
    const side = h + ra(a.options) + ra(b.options) + between(rng, -0.8, 0.3);
    const turn = between(rng, 0.3, 5);
    return [line('A', a.utility, [[-10, 0, 10], [30, 0, 10]], a.options),
      line('B', b.utility, [[0, -5, 11], [0, side, 11], [turn, side, 11], [20, side, 11]], b.options)];
  },
  'risers beside and through another line': (rng) => {
    const [a, b] = randomPair(rng);
    const x = between(rng, -2, 2), y = between(rng, -1.5, 1.5);
    const z0 = between(rng, 7, 10), z1 = z0 + between(rng, 0.5, 3);
    return [line('A', a.utility, [[-6, 0, 9], [6, 0, 9.1]], a.options),
      line('B', b.utility, [[x - 3, y + 2, z0], [x, y, z0], [x, y, z1], [x + 2, y + 3, z1]], b.options)];
  },
  'an end stopping short of another line': (rng) => {
    const [a, b, h] = randomPair(rng);
    const gap = between(rng, -0.2, 1.2) * (h + ra(a.options) + ra(b.options));
    return [line('A', a.utility, [[-6, 0, 10], [6, 0, 10]], a.options), line('B', b.utility, [[between(rng, -3, 3), gap, between(rng, 9, 11)], [between(rng, -5, 5), 6, 10]], b.options)];
  },
  'one line stacked over another': (rng) => {
    const [a, b] = randomPair(rng);
    const off = between(rng, -0.3, 0.3), dz = between(rng, 0.2, 1.5);
    return [line('A', a.utility, [[0, 0, 9], [10, 0, 9]], a.options), line('B', b.utility, [[between(rng, -3, 3), off, 9 + dz], [between(rng, 6, 14), off, 9 + dz]], b.options)];
  },
  'joined lines of one utility and touching ends of two': (rng) => {
    const { utility, options } = randomAttributes(rng);
    const other = rng() < 0.5 ? utility : pick(rng, UTILITY_TYPES);
    const e = between(rng, -1, 1) * CONNECTION_TOLERANCE_M * 1.5;
    return [line('A', utility, [[0, 0, 10], [5, 0, 10]], { ...options, toNode: rng() < 0.3 ? 'N' : null }),
      line('B', other, [[5 + e, 0, 10], [6, 3, 10], [2, 0.3, 10]], { ...options, fromNode: rng() < 0.3 ? 'N' : null })];
  },
  'a jumble of short lines': (rng) => {
    const links: Link[] = [];
    for (let k = 0; k < 6; k++) {
      const { utility, options } = randomAttributes(rng);
      links.push(line(`J${k}`, utility, walk(rng, 2 + Math.floor(rng() * 4), rng() * 5, rng() * 5, between(rng, 9, 11), 3), options));
    }
    return links;
  },
};

// ---------------------------------------------------------------------------------------------

function refusal(input: unknown): RulesError {
  try {
    validateClearanceRules(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesError);
    return e as RulesError;
  }
  return expect.fail('accepted');
}

describe('validateClearanceRules', () => {
  it('accepts the shipped table, every value sourced and unverified', () => {
    expect(RULES.horizontal.pairs.length).toBeGreaterThanOrEqual(8);
    for (const table of [RULES.horizontal, RULES.vertical]) {
      expect(table.default.verified).toBe(false);
      for (const p of table.pairs) {
        expect(p.verified).toBe(false);
        expect(p.source).toMatch(/GB 50289-2016/);
      }
    }
  });

  it('refuses an unknown utility in a pair, naming its path', () => {
    const bad = structuredClone(clearancesJson) as Record<string, any>;
    bad.horizontal.pairs[2].between[1] = 'oil';
    const e = refusal(bad);
    expect(e.path).toBe('horizontal.pairs[2].between[1]');
    expect(e.message).toMatch(/"oil"/);
  });

  it('refuses a negative clearance, quoting the value', () => {
    const bad = structuredClone(clearancesJson) as Record<string, any>;
    bad.vertical.pairs[1].value = -0.4;
    const e = refusal(bad);
    expect(e.path).toBe('vertical.pairs[1].value');
    expect(e.message).toMatch(/got -0\.4/);
  });

  it('refuses a band on a utility the pair does not name, or with two conditions', () => {
    const other = structuredClone(clearancesJson) as Record<string, any>;
    other.horizontal.pairs[0].bands[0].utility = 'gas';
    expect(refusal(other).path).toBe('horizontal.pairs[0].bands[0].utility');
    const both = structuredClone(clearancesJson) as Record<string, any>;
    both.horizontal.pairs[0].bands[0].pressureClasses = ['low'];
    expect(refusal(both).path).toBe('horizontal.pairs[0].bands[0]');
  });

  it('refuses a pair listed twice, a pair of wildcards and a missing default', () => {
    const twice = structuredClone(clearancesJson) as Record<string, any>;
    twice.horizontal.pairs.push({ between: ['sewer', 'water'], value: 2, source: 'x', verified: false });
    expect(refusal(twice).message).toMatch(/duplicates horizontal\.pairs\[0\]/);
    const wild = structuredClone(clearancesJson) as Record<string, any>;
    wild.vertical.pairs.push({ between: ['*', '*'], value: 1, source: 'x', verified: false });
    expect(refusal(wild).path).toBe(`vertical.pairs[${wild.vertical.pairs.length - 1}].between`);
    const noDefault = structuredClone(clearancesJson) as Record<string, any>;
    delete noDefault.vertical.default;
    expect(refusal(noDefault).path).toBe('vertical.default');
  });

  it('reads the crossing angle and zone from the table, sourced, and refuses them missing or out of bounds', () => {
    expect(RULES.crossings.minAngleDeg).toMatchObject({ value: 30, verified: false });
    expect(RULES.crossings.zoneFactor).toMatchObject({ value: 1.5, verified: false });
    expect(RULES.crossings.minAngleDeg.source).toMatch(/not from GB 50289/);
    const none = structuredClone(clearancesJson) as Record<string, any>;
    delete none.crossings;
    expect(refusal(none).path).toBe('crossings');
    for (const [key, value] of [['zoneFactor', 0.5], ['zoneFactor', 10], ['minAngleDeg', 0], ['minAngleDeg', 120], ['minAngleDeg', '30']] as const) {
      const bad = structuredClone(clearancesJson) as Record<string, any>;
      bad.crossings[key].value = value;
      const e = refusal(bad);
      expect(e.path).toBe(`crossings.${key}.value`);
      expect(e.message).toContain(JSON.stringify(value));
    }
  });
});

describe('requiredClearance', () => {
  const water = (mm: number) => line('w', 'water', [[0, 0, 0], [1, 0, 0]], { section: d(mm) });
  const gas = (pressureClass: string | null) => line('g', 'gas', [[0, 0, 0], [1, 0, 0]], { pressureClass });
  const of = (u: UtilityType, section: CrossSection = d(300)) => line(u, u, [[0, 0, 0], [1, 0, 0]], { section });

  it('gives water–sewer 1.0 m for water up to 200 mm and 1.5 m above, in either order', () => {
    expect(requiredClearance(RULES.horizontal, water(200), of('sewer')).value).toBe(1.0);
    expect(requiredClearance(RULES.horizontal, of('sewer'), water(200)).value).toBe(1.0);
    expect(requiredClearance(RULES.horizontal, water(201), of('sewer')).value).toBe(1.5);
  });

  it('gives sewer–gas 1.0 m for low pressure and 1.2 m for medium; an unknown class 1.2 m as a floor, to be checked by hand', () => {
    expect(requiredClearance(RULES.horizontal, of('sewer'), gas('low')).value).toBe(1.0);
    expect(requiredClearance(RULES.horizontal, of('sewer'), gas('medium_a'))).toMatchObject({ value: 1.2, basis: 'table' });
    // No recorded class may be sub-high or high, which the table has no figure for: not passed on medium's figure.
    const unknown = requiredClearance(RULES.horizontal, of('sewer'), gas(null));
    expect(unknown).toMatchObject({ value: 1.2, basis: 'class-not-covered' });
    expect(unknown.note).toMatch(/no recorded pressure class.*check by hand/);
  });

  it('takes the largest of several matching entries: a gas–power crossing needs the cables’ 0.25 m in a duct, not gas’s 0.15 m', () => {
    const duct = line('p', 'power', [[0, 0, 0], [1, 0, 0]], { subtype: 'duct_bank' });
    const r = requiredClearance(RULES.vertical, gas('low'), duct);
    expect(r.value).toBe(0.25);
    expect(r.source).toMatch(/protective duct/);
    expect(requiredClearance(RULES.vertical, of('sewer'), water(100)).value).toBe(0.4);
  });

  it('gives power and telecom crossings the range’s upper end, 0.50 m, unless the line is recorded in a duct', () => {
    const cable = (u: UtilityType, subtype: string) => line(u, u, [[0, 0, 0], [1, 0, 0]], { subtype });
    expect(requiredClearance(RULES.vertical, cable('power', 'cable'), of('water')).value).toBe(0.5);
    expect(requiredClearance(RULES.vertical, cable('telecom', 'direct_buried'), of('sewer')).value).toBe(0.5);
    expect(requiredClearance(RULES.vertical, cable('telecom', 'conduit'), of('sewer')).value).toBe(0.25);
    // Two ducts, one of them a direct-buried cable: the cable's 0.50 m.
    expect(requiredClearance(RULES.vertical, cable('power', 'duct_bank'), cable('telecom', 'cable')).value).toBe(0.5);
  });

  it('gives reclaimed water crossing potable water 0.50 m whichever line is the reclaimed one, potable crossings 0.15 m (review 13)', () => {
    const w = (subtype: string) => line('w', 'water', [[0, 0, 0], [1, 0, 0]], { subtype });
    expect(requiredClearance(RULES.vertical, w('main'), w('reclaimed_water')).value).toBe(0.5);
    expect(requiredClearance(RULES.vertical, w('reclaimed_water'), w('service')).value).toBe(0.5);
    expect(requiredClearance(RULES.vertical, w('main'), w('service')).value).toBe(0.15);
    // Through the report: a reclaimed line 0.30 m (walls) under a potable main is a finding.
    const crossing = (subtype: string) => checkClearances([
      line('W1', 'water', [[0, 0, 10], [40, 0, 10]], { section: d(300) }),
      line('R1', 'water', [[20, -20, 9.45], [20, 20, 9.45]], { section: d(200), subtype }),
    ], RULES).findings.map((f) => [f.kind, f.required]);
    expect(crossing('reclaimed_water')).toEqual([['vertical', 0.5]]);
    expect(crossing('main')).toEqual([]);
    const bad = structuredClone(clearancesJson) as Record<string, any>;
    bad.vertical.pairs[0].bands[0].either = 'yes';
    expect(() => validateClearanceRules(bad)).toThrow(/vertical\.pairs\[0\]\.bands\[0\]\.either/);
  });

  it('has no figure for gas classes the entry does not list: the value is a floor, and it says which class', () => {
    const r = requiredClearance(RULES.horizontal, water(300), gas('sub_high_a'));
    expect(r).toMatchObject({ value: 0.5, basis: 'class-not-covered' });
    expect(r.note).toMatch(/gas of pressure class "sub_high_a".*low, medium_b, medium_a.*check by hand/);
    expect(requiredClearance(RULES.horizontal, of('sewer'), gas('high'))).toMatchObject({ value: 1.2, basis: 'class-not-covered' });
    for (const c of ['low', 'medium_b', 'medium_a']) expect(requiredClearance(RULES.horizontal, water(300), gas(c)).basis).toBe('table');
    expect(requiredClearance(RULES.horizontal, water(300), gas(null)).basis).toBe('class-not-covered');
    // The vertical table's gas entry has no class limit.
    expect(requiredClearance(RULES.vertical, water(300), gas('sub_high_a')).basis).toBe('table');
  });

  it('falls back to the default for a pair the standard does not list, and says so', () => {
    const h = requiredClearance(RULES.horizontal, of('sewer'), of('storm'));
    expect(h).toMatchObject({ value: 0.5, verified: false, basis: 'default' });
    expect(h.source).toMatch(/Undergrid default/);
    expect(requiredClearance(RULES.vertical, of('heat'), of('sewer')).value).toBe(0.15);
  });
});

describe('checkClearances on built cases', () => {
  it('reports two parallel mains closer than the horizontal clearance, with the point between them', () => {
    // Water d 300 and sewer d 400 at 1.75 m centre to centre: walls 1.40 m apart, 1.5 m required.
    const report = checkClearances([
      line('W1', 'water', [[0, 0, 9], [30, 0, 9]], { section: d(300) }),
      line('S1', 'sewer', [[5, 1.75, 8], [25, 1.75, 8]], { section: d(400) }),
    ], RULES);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f).toMatchObject({ kind: 'horizontal', linkA: 'W1', utilityA: 'water', linkB: 'S1', utilityB: 'sewer', required: 1.5, verified: false });
    expect(f.actual).toBeCloseTo(1.4, 6);
    expect(f.shortfall).toBeCloseTo(0.1, 6);
    expect(f.point.y).toBeCloseTo(0.875, 9);
    expect(f.point.z).toBeCloseTo(8.5, 9);
    expect(f.source).toMatch(/water – sewer/);
  });

  it('reports a pair exactly at the limit with zero shortfall, and not one 2 µm beyond it', () => {
    // Water–power needs 0.5 m; radii 0.25 m (d 500) are exact in float32, so 1.0 m between centres is exactly the limit.
    const at = (off: number) => checkClearances([
      line('W', 'water', [[0, 0, 9], [10, 0, 9]], { section: d(500) }),
      line('P', 'power', [[0, off, 9], [10, off, 9]], { section: d(500) }),
    ], RULES).findings;
    expect(at(1.0)).toHaveLength(1);
    expect(at(1.0)[0]!.shortfall).toBe(0);
    expect(at(1.0 + 2e-6)).toEqual([]);
    const vertical = (dz: number) => checkClearances([
      line('G', 'gas', [[-5, 0, 9], [5, 0, 9]], { section: d(500) }),
      line('W', 'water', [[0, -5, 9 + dz], [0, 5, 9 + dz]], { section: d(500) }),
    ], RULES).findings.filter((f) => f.kind === 'vertical');
    expect(vertical(0.65)).toHaveLength(1);
    expect(vertical(0.65)[0]!.shortfall).toBe(0);
    expect(vertical(0.65 + 2e-6)).toEqual([]);
  });

  it('reports a tight perpendicular crossing as vertical only: closeness in plan near a crossing belongs to the crossing', () => {
    // Gas over water with 0.10 m between walls (0.15 m required); water–gas 0.5 m horizontal is not raised.
    const report = checkClearances([
      line('W1', 'water', [[-20, 0, 9], [20, 0, 9]], { section: d(200) }),
      line('G1', 'gas', [[0, -20, 10], [0, -0.6, 9.3], [0, 0.6, 9.3], [0, 20, 10]], { section: d(200), pressureClass: 'low' }),
    ], RULES);
    expect(report.findings.map((f) => f.kind)).toEqual(['vertical']);
    const f = report.findings[0]!;
    expect(f.actual).toBeCloseTo(0.1, 7);
    expect(f.shortfall).toBeCloseTo(0.05, 7);
    expect(f.point).toMatchObject({ x: expect.closeTo(0, 9), y: expect.closeTo(0, 9), z: expect.closeTo(9.15, 9) });
  });

  it('still reports a line that crosses and then turns to run alongside, once it leaves the crossing zone', () => {
    const links = [
      line('W1', 'water', [[-20, 0, 9], [40, 0, 9]], { section: d(200) }),
      line('T1', 'telecom', [[0, -10, 8], [0, 0.8, 8], [1, 0.8, 8], [30, 0.8, 8]], { section: d(200) }),
    ];
    const report = checkClearances(links, RULES);
    const h = report.findings.find((f) => f.kind === 'horizontal');
    expect(h?.actual).toBeCloseTo(0.6, 7);
    expect(h?.required).toBe(1.0);
    // The telecom line is exempt within 1.5 × (1.0 + 0.2) m of the crossing: past x = √(1.8² − 0.8²).
    expect(h!.point.x).toBeGreaterThan(Math.sqrt((RULES.crossings.zoneFactor.value * 1.2) ** 2 - 0.8 ** 2) - 1e-9);
  });

  it(`treats lines meeting at less than ${CROSSING_MIN_ANGLE_DEG}° as running side by side`, () => {
    const at = (deg: number) => {
      const a = (deg * Math.PI) / 180;
      return checkClearances([
        line('W1', 'water', [[-20, 0, 9], [20, 0, 9]], { section: d(200) }),
        line('P1', 'power', [[-20 * Math.cos(a), -20 * Math.sin(a), 8], [20 * Math.cos(a), 20 * Math.sin(a), 8]], { section: d(200) }),
      ], RULES).findings.map((f) => f.kind).sort();
    };
    expect(at(10)).toEqual(['horizontal']);
    expect(at(45)).toEqual([]);
    expect(at(90)).toEqual([]);
    // The angle is the rules table's: at 5° a 10° meeting is a crossing.
    const json = structuredClone(clearancesJson) as Record<string, any>;
    json.crossings.minAngleDeg.value = 5;
    const a = (10 * Math.PI) / 180;
    expect(checkClearances([
      line('W1', 'water', [[-20, 0, 9], [20, 0, 9]], { section: d(200) }),
      line('P1', 'power', [[-20 * Math.cos(a), -20 * Math.sin(a), 8], [20 * Math.cos(a), 20 * Math.sin(a), 8]], { section: d(200) }),
    ], validateClearanceRules(json)).findings).toEqual([]);
  });

  it('reports a riser passing through another line as a vertical clash with a negative gap', () => {
    const report = checkClearances([
      line('S1', 'sewer', [[-5, 0, 8], [5, 0, 8]], { section: d(400) }),
      line('T1', 'telecom', [[-3, 3, 7], [0, 0.1, 7], [0, 0.1, 9], [3, 3, 9]], { section: d(100) }),
    ], RULES);
    const v = report.findings.find((f) => f.kind === 'vertical')!;
    expect(v.actual).toBeCloseTo(0.1 - 0.2 - 0.05, 6);
    expect(v.required).toBe(0.5);
    expect(report.findings[0]).toBe(v);
  });

  it('skips segments of one link, links sharing a node, and touching ends of one utility, but not of two', () => {
    const u = line('W1', 'water', [[0, 0, 9], [10, 0, 9], [10, 0.3, 9], [0, 0.3, 9]]);
    expect(checkClearances([u], RULES).findings).toEqual([]);
    // J1's two ends 0.15 m apart in plan (within 0.01 + both radii) and 1.4 m apart in height (a drop
    // into a manhole): joined.
    const byNode = checkClearances([
      line('W1', 'water', [[0, 0, 9], [10, 0, 9]], { toNode: 'J1' }),
      line('W2', 'water', [[10.15, 0, 10.4], [10.15, 0.2, 9], [0, 0.2, 9]], { fromNode: 'J1' }),
    ], RULES);
    expect(byNode.findings).toEqual([]);
    expect(byNode.connectedLinkPairs).toBe(1);
    // The same id on ends 5 m apart (two datasets reusing an id, review 13's T4): not joined, checked.
    const reused = checkClearances([
      line('W1', 'water', [[0, 0, 9], [10, 0, 9]], { toNode: 'J1' }),
      line('W2', 'water', [[15, 0.2, 9], [0, 0.2, 9]], { fromNode: 'J1' }),
    ], RULES);
    expect(reused.connectedLinkPairs).toBe(0);
    expect(reused.findings.length).toBeGreaterThan(0);
    const touching = (utility: UtilityType, gap: number) => checkClearances([
      line('A', 'water', [[0, 0, 9], [10, 0, 9]]),
      line('B', utility, [[10 + gap, 0, 9], [10, 0.2, 9], [0, 0.2, 9]]),
    ], RULES).findings;
    expect(touching('water', 0.009)).toEqual([]);
    // 0.105 m past A's end: inside A's outline (its round end, radius 0.1 m, + 0.01): a tee, joined.
    expect(touching('water', 0.105)).toEqual([]);
    // 0.3 m past it: neither end on the other's outline (A's end is 0.17 m from B's first segment): checked.
    expect(touching('water', 0.3).length).toBeGreaterThan(0);
    expect(touching('gas', 0).length).toBeGreaterThan(0);
  });

  it('treats a lateral ending on its main’s wall as a tee, not a clash, without a shared node (the review’s W-LAT)', () => {
    const main = line('W-MAIN', 'water', [[0, 120, 12.8], [60, 120, 12.8]], { section: d(300), fromNode: 'WM1', toNode: 'WM2' });
    const lateral = (y: number, utility: UtilityType = 'water') =>
      line('W-LAT', utility, [[30, y, 12.8], [30, 130, 12.9]], { section: d(50), fromNode: 'WM3', toNode: 'WM4' });
    const tee = checkClearances([main, lateral(120.15)], RULES);
    expect(tee.findings).toEqual([]);
    expect(tee.teeJoints).toBe(1);
    expect(tee.connectedLinkPairs).toBe(1);
    // Snapped to the main's centre line: a tee too.
    expect(checkClearances([main, lateral(120)], RULES).findings).toEqual([]);
    // Stopping 5 cm short of the wall: not joined, a clash.
    expect(checkClearances([main, lateral(120.2)], RULES).findings.length).toBeGreaterThan(0);
    // A gas service ending on the water main: two utilities are never joined.
    const gasTee = checkClearances([main, lateral(120.15, 'gas')], RULES);
    expect(gasTee.teeJoints).toBe(0);
    expect(gasTee.findings.map((f) => f.kind)).toContain('vertical');
  });

  it('joins by geometry only what can be one network: not an end over a wide culvert, nor another owner’s or pressure class’s line (review 13)', () => {
    // A storm pipe ending 0.6 m above a 2 m × 0.5 m culvert's axis: inside half its diagonal (1.03 m),
    // outside its faces. It was a tee, and the pair, 0.15 m apart for 50 m after, went unchecked.
    const culvert = line('S1', 'storm', [[0, 0, -3], [60, 0, -3]], { section: { shape: 'rect', widthMm: 2000, heightMm: 500 } });
    const over = checkClearances([culvert, line('S2', 'storm', [[5, 0, -2.4], [5, 1.3, -3], [55, 1.3, -3]], { section: d(300) })], RULES);
    expect(over.teeJoints).toBe(0);
    expect(over.findings.some((f) => f.kind === 'horizontal' && f.actual < 0.5)).toBe(true);
    // Ending inside the culvert (0.2 m above its axis, within its 0.25 m half height): a tee.
    expect(checkClearances([culvert, line('S2', 'storm', [[5, 0, -2.8], [5, 1.3, -3], [55, 1.3, -3]], { section: d(300) })], RULES).teeJoints).toBe(1);
    // Another owner's reclaimed-water line ending on the potable main's wall, then 0.05 m beside it.
    const main = line('W1', 'water', [[0, 0, -1.5], [100, 0, -1.5]], { section: d(300) });
    const reclaimed = (owner: string) => checkClearances([main, line('R1', 'water', [[20, 0.15, -1.5], [20, 0.4, -1.5], [60, 0.4, -1.5]], { owner, subtype: 'reclaimed_water' })], RULES);
    expect(reclaimed('test').teeJoints).toBe(1);
    expect(reclaimed('reclaim co').teeJoints).toBe(0);
    expect(reclaimed('reclaim co').findings.some((f) => f.kind === 'horizontal')).toBe(true);
    // A low-pressure gas line ending on a high-pressure main: no tee between classes.
    const hp = line('G1', 'gas', [[0, 0, -1.5], [100, 0, -1.5]], { section: d(300), pressureClass: 'high' });
    const lp = line('G2', 'gas', [[20, 0.15, -1.5], [20, 0.35, -1.5], [60, 0.35, -1.5]], { section: d(100), pressureClass: 'low' });
    const classes = checkClearances([hp, lp], RULES);
    expect(classes.teeJoints).toBe(0);
    expect(classes.findings.length + classes.checkByHand.length).toBeGreaterThan(0);
  });

  it('exempts joined lines of one utility along their whole length as the table says, and checks them when it says not to', () => {
    // The review's W-A and W-B: joined at WN1, then 0.1 m apart between walls for 50 m.
    const links = [
      line('W-A', 'water', [[0, 80, 12.8], [60, 80, 12.8]], { section: d(200), fromNode: 'WN1', toNode: 'WN2' }),
      line('W-B', 'water', [[0, 80, 12.8], [10, 80.3, 12.8], [60, 80.3, 12.8]], { section: d(200), fromNode: 'WN1', toNode: 'WN3' }),
    ];
    const exempt = checkClearances(links, RULES);
    expect(exempt.findings).toEqual([]);
    expect(exempt.rules.joints.exemptJoinedLines.value).toBe(true);
    expect(exempt.rules.joints.exemptJoinedLines.source).toMatch(/project judgement/);
    const json = structuredClone(clearancesJson) as Record<string, any>;
    json.joints.exemptJoinedLines.value = false;
    const checked = checkClearances(links, validateClearanceRules(json));
    expect(checked.connectedLinkPairs).toBe(0);
    // Checked, the pair is a clash from the joint itself (the outlines overlap there) along the 50 m.
    const h = checked.findings.find((f) => f.kind === 'horizontal')!;
    expect(h.actual).toBeLessThan(0);
  });

  it('lists a sub-high-pressure gas main beside water to be checked by hand, and reports it under the low classes’ floor', () => {
    // The review's G-HP: gas d 400 of class sub_high_a, water d 200, 0.6 m between walls; water–gas 0.5 m is for low/medium only.
    const pair = (gap: number, pressureClass: string) => checkClearances([
      line('G-HP', 'gas', [[0, 140, 12.5], [60, 140, 12.5]], { section: d(400), pressureClass }),
      line('W-HP', 'water', [[0, 140.3 + gap, 12.5], [60, 140.3 + gap, 12.5]], { section: d(200) }),
    ], RULES);
    const far = pair(0.6, 'sub_high_a');
    expect(far.findings).toEqual([]);
    expect(far.checkByHand).toHaveLength(1);
    expect(far.checkByHand[0]).toMatchObject({ kind: 'horizontal', linkA: 'G-HP', linkB: 'W-HP', required: 0.5, basis: 'class-not-covered' });
    expect(far.checkByHand[0]!.actual).toBeCloseTo(0.6, 6);
    expect(far.checkByHand[0]!.note).toMatch(/sub_high_a.*check by hand/);
    const near = pair(0.3, 'sub_high_a');
    expect(near.findings.map((f) => [f.kind, f.basis])).toEqual([['horizontal', 'class-not-covered']]);
    expect(near.checkByHand).toHaveLength(1);
    // Beyond the table's largest horizontal value (2.0 m): not listed.
    expect(pair(2.1, 'sub_high_a').checkByHand).toEqual([]);
    // Medium A has its figure: nothing to check at 0.6 m.
    const medium = pair(0.6, 'medium_a');
    expect([medium.findings, medium.checkByHand]).toEqual([[], []]);
    // No recorded class: it may be sub-high, so listed like one.
    const unknown = checkClearances([
      line('G-NC', 'gas', [[0, 140, 12.5], [60, 140, 12.5]], { section: d(400), pressureClass: null }),
      line('W-HP', 'water', [[0, 140.9, 12.5], [60, 140.9, 12.5]], { section: d(200) }),
    ], RULES);
    expect(unknown.findings).toEqual([]);
    expect(unknown.checkByHand.map((f) => [f.linkA, f.basis])).toEqual([['G-NC', 'class-not-covered']]);
  });

  it('lists by hand a pair that falls to the default when a gas line is of a class the table has no figure for (review 13)', () => {
    // High-pressure gas 0.6 m (walls) from heat: gas–heat is not in the table; the 0.5 m default is
    // a floor only for a class the gas entries have no figure for, or for no recorded class.
    const pair = (pressureClass: string | null) => checkClearances([
      line('G', 'gas', [[0, 0, 9], [40, 0, 9]], { section: d(300), pressureClass }),
      line('H', 'heat', [[0, 0.9, 9], [40, 0.9, 9]], { section: d(300) }),
    ], RULES);
    for (const c of ['high', null]) {
      const r = pair(c);
      expect(r.findings).toEqual([]);
      expect(r.checkByHand.map((f) => [f.linkA, f.linkB, f.basis, f.required])).toEqual([['G', 'H', 'class-not-covered', 0.5]]);
      expect(r.checkByHand[0]!.note).toMatch(/no gas–heat entry.*floor only; check by hand/);
    }
    const low = pair('low');
    expect([low.findings, low.checkByHand]).toEqual([[], []]);
  });

  it('says on each finding when the default was used for a pair the table does not list', () => {
    const report = checkClearances([
      line('S1', 'sewer', [[0, 0, 9], [20, 0, 9]], { section: d(300) }),
      line('D1', 'storm', [[0, 0.6, 9], [20, 0.6, 9]], { section: d(300) }),
      line('W1', 'water', [[0, 5, 9], [20, 5, 9]], { section: d(300) }),
      line('S2', 'sewer', [[0, 6, 9], [20, 6, 9]], { section: d(300) }),
    ], RULES);
    expect(report.findings.map((f) => [f.linkA, f.linkB, f.basis])).toEqual([['W1', 'S2', 'table'], ['S1', 'D1', 'default']]);
    expect(report.findings[1]!.source).toMatch(/Undergrid default/);
  });

  it('states the rules it applied in the report, with no findings too', () => {
    const report = checkClearances([], RULES);
    expect(report.findings).toEqual([]);
    expect(report.rules).toMatchObject({
      version: clearancesJson.version, frameScale: 1,
      crossings: { minAngleDeg: { value: 30 }, zoneFactor: { value: 1.5 } },
      defaults: { horizontal: { value: 0.5 }, vertical: { value: 0.15 } },
      joints: { exemptJoinedLines: { value: true }, toleranceM: { value: 0.01 } },
    });
    expect(report.rules.frame).toMatch(/local metric frame/);
    expect(report.rules.assumptions.join('\n')).toMatch(/rectangular duct is measured as a round pipe of half its diagonal/);
  });

  it('does not modify the links and gives the same report with and without the index', () => {
    const rng = mulberry32(7);
    const links = randomNetwork(rng, 120, 30);
    const before = links.map((l) => Array.from(l.vertices));
    const fast = checkClearances(links, RULES);
    expect(links.map((l) => Array.from(l.vertices))).toEqual(before);
    const brute = checkClearances(links, RULES, { prefilter: 'all-pairs' });
    expect(brute.findings).toEqual(fast.findings);
    expect(brute.findings.length).toBeGreaterThan(20);
  });
});

describe('checkClearances far from the frame\'s meridian', () => {
  // The review's scale.mts: water d 300 beside sewer d 400, true walls 1.499998 m apart (1.5 m required), laid out in a
  // transverse Mercator of scale 1 at the pair (true ground distances), then read into a local frame whose meridian is
  // 23 km west, as an import of a wider delivery would: there the frame reads the gap ~9.8 µm long.
  const LON = 113.33, LAT = 23.13;
  const atPair = proj4(`+proj=tmerc +lat_0=${LAT} +lon_0=${LON} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs`, 'EPSG:4326');
  const pair = (wallGap: number, eastKm: number): Link[] => {
    const frame = transformBetween('EPSG:4326', { originLon: LON - (eastKm * 1000) / (111320 * Math.cos((LAT * Math.PI) / 180)), originLat: LAT });
    const local = (x: number, y: number): P3 => {
      const [lo, la] = atPair.forward([x, y]) as [number, number];
      const [fx, fy] = frame.toLocal(lo, la);
      return [fx, fy, 12];
    };
    const axis = wallGap + 0.15 + 0.2;
    return [line('W', 'water', [local(0, 0), local(0, 50)], { section: d(300) }), line('S', 'sewer', [local(axis, 0), local(axis, 50)], { section: d(400) })];
  };

  it('reports a pair 1.499998 m apart (true) 23 km east of the meridian, as at the origin, and scales the rules by a bound it states', () => {
    const origin = checkClearances(pair(1.499998, 0), RULES);
    expect(origin.findings.map((f) => f.kind)).toEqual(['horizontal']);
    expect(origin.rules.frameScale).toBe(1);
    const far = checkClearances(pair(1.499998, 23), RULES);
    expect(far.findings.map((f) => [f.kind, f.required])).toEqual([['horizontal', 1.5]]);
    // The frame reads the gap long by more than the 1 µm slack: without the bound this pair was not reported.
    expect(far.findings[0]!.actual).toBeGreaterThan(1.5 + CLEARANCE_SLACK_M);
    expect(far.rules.frameScale).toBeGreaterThan(1 + 6.5e-6);
    expect(far.rules.frameScale).toBeLessThanOrEqual(1 + 2 ** -16);
  });

  it('does not report a pair 20 µm beyond the limit there (the bound, rounded up to 1 + 2⁻¹⁷, allows ~2 µm at 23 km)', () => {
    expect(checkClearances(pair(1.50002, 23), RULES).findings).toEqual([]);
    expect(checkClearances(pair(1.500002, 0), RULES).findings).toEqual([]);
  });
});

describe('checkClearances against the brute-force oracle', () => {
  it('agrees on 12 random networks of 300 links in a 40 m square, and finds plenty in each', () => {
    for (let n = 0; n < 12; n++) {
      const links = randomNetwork(mulberry32(1000 + n), 300, 40);
      const report = checkClearances(links, RULES);
      const problems = disagreements(links, report, RULES);
      if (problems.length > 0) throw new Error(`network ${n} (seed ${1000 + n}): ${problems.length} disagreements:\n${problems.slice(0, 10).join('\n')}`);
      expect(report.findings.filter((f) => f.kind === 'horizontal').length).toBeGreaterThan(50);
      expect(report.findings.filter((f) => f.kind === 'vertical').length).toBeGreaterThan(10);
    }
  });

  it('agrees on random networks under other crossing rules from the table (15° and a zone of 3; 60° and 1)', () => {
    for (const [angle, factor, seed] of [[15, 3, 2000], [60, 1, 2100]] as const) {
      const json = structuredClone(clearancesJson) as Record<string, any>;
      json.crossings.minAngleDeg.value = angle;
      json.crossings.zoneFactor.value = factor;
      const rules = validateClearanceRules(json);
      for (let n = 0; n < 4; n++) {
        const links = randomNetwork(mulberry32(seed + n), 300, 40);
        const report = checkClearances(links, rules);
        const problems = disagreements(links, report, rules);
        if (problems.length > 0) throw new Error(`${angle}°, ×${factor}, seed ${seed + n}: ${problems.length} disagreements:\n${problems.slice(0, 10).join('\n')}`);
        // The rules change the report: the same network under the shipped rules reads otherwise.
        if (n === 0) expect(report.findings.map((f) => `${f.kind}|${f.linkA}|${f.linkB}`)).not.toEqual(checkClearances(links, RULES).findings.map((f) => `${f.kind}|${f.linkA}|${f.linkB}`));
      }
    }
  });

  const CASES_PER_BUILDER = 300;
  for (const [name, build] of Object.entries(BUILDERS)) {
    it(`agrees on ${CASES_PER_BUILDER} random cases of ${name}`, () => {
      const rng = mulberry32(name.length * 7919);
      let findings = 0;
      for (let k = 0; k < CASES_PER_BUILDER; k++) {
        const links = place(rng, build(rng));
        const report = checkClearances(links, RULES);
        findings += report.findings.length;
        const problems = disagreements(links, report, RULES);
        if (problems.length > 0) throw new Error(`case ${k}: ${problems.join('; ')}\n${JSON.stringify(links.map((l) => ({ ...l, vertices: Array.from(l.vertices) })))}`);
      }
      expect(findings).toBeGreaterThan(0);
    });
  }
});

describe('checkClearances on the sample city', () => {
  const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 42 })] });
  const report = checkClearances(network.links, RULES);

  it('finds the tight crossings the generator plants at intersections', () => {
    const vertical = report.findings.filter((f) => f.kind === 'vertical');
    expect(vertical.length).toBeGreaterThan(10);
    // Planted gaps are drawn from 0.05–0.6 m, 60 % under 0.3 m: some fall below 0.15 m, under every vertical rule.
    expect(vertical.some((f) => f.actual >= 0.04 && f.actual < 0.15)).toBe(true);
    for (const f of vertical) expect(f.actual).toBeLessThan(f.required + CLEARANCE_SLACK_M);
  });

  it('never reports a pair joined at a node, nor a link with itself', () => {
    const byId = new Map(network.links.map((l) => [l.id, l]));
    for (const f of report.findings) {
      expect(f.linkA).not.toBe(f.linkB);
      const a = byId.get(f.linkA)!, b = byId.get(f.linkB)!;
      const shared = a.utility === b.utility && [a.fromNode, a.toNode].some((n) => n !== null && (n === b.fromNode || n === b.toNode));
      expect(shared).toBe(false);
    }
  });

  it('gives the same findings as the brute force over every segment pair', () => {
    const brute = checkClearances(network.links, RULES, { prefilter: 'all-pairs' });
    expect(brute.findings).toEqual(report.findings);
  });
});

