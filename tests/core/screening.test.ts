/**
 * The screening kernel against the independent oracle (tests/core/oracle.ts), the whole screening
 * against a brute force with no index, and monotonicity properties. All random data is seeded.
 *
 * Named tolerances:
 *   KERNEL_VS_ORACLE_M  kernel and oracle 3D/plan/vertical distances agree within this
 *   NO_FALSE_NEGATIVE_M the kernel never exceeds the sampled upper bound by more than this
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import rulesJson from '../../data/rules/screening.json';
import { QUALITY_LEVELS, UTILITY_TYPES, type Link, type QualityLevel, type UtilityType } from '../../src/core/model';
import { createSegmentPrismDistance, preparePrism, segmentPrismDistance, type Prism } from '../../src/core/screening/distance';
import { segSegDist2 } from '../../src/core/screening/segmentSegment';
import type { OpenCut } from '../../src/core/screening/excavation';
import { validateScreeningRules, type ScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation, VERDICTS } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable, type SegmentTable } from '../../src/core/screening/segmentTable';
import type Flatbush from 'flatbush';
import {
  oracleDistance, oracleHorizontal, oraclePrism, oracleScreen, oracleVertical, pointPrismDistance, sampledUpperBound,
  type OraclePrism, type Seg,
} from './oracle';
import { mulberry32, type Rng } from '../../src/core/random';
import { between, compareWithBruteForce, makeLink, pick, randomNetwork } from './oracleChecks';

const KERNEL_VS_ORACLE_M = 1e-6;
const NO_FALSE_NEGATIVE_M = 1e-6;
const RULES = validateScreeningRules(rulesJson);

type Ring = [number, number][];

function place(ring: Ring, cx: number, cy: number, scale: number, angle: number): Ring {
  const c = Math.cos(angle), s = Math.sin(angle);
  return ring.map(([x, y]) => [cx + scale * (c * x - s * y), cy + scale * (s * x + c * y)]);
}

const L_SHAPE: Ring = [[-1, -1], [1, -1], [1, 0], [0, 0], [0, 1], [-1, 1]];
const U_SHAPE: Ring = [[-1.5, -1.5], [1.5, -1.5], [1.5, 1.5], [0.5, 1.5], [0.5, -0.5], [-0.5, -0.5], [-0.5, 1.5], [-1.5, 1.5]];
const COMB: Ring = [[-2, -1], [2, -1], [2, 1], [1.5, 1], [1.5, 0], [0.5, 0], [0.5, 1], [-0.5, 1], [-0.5, 0], [-1.5, 0], [-1.5, 1], [-2, 1]];
/** A square with an extra vertex in the middle of an edge (collinear vertices). */
const SQUARE_COLLINEAR: Ring = [[-1, -1], [0, -1], [1, -1], [1, 1], [-1, 1]];

function star(points: number, inner: number): Ring {
  const ring: Ring = [];
  for (let i = 0; i < 2 * points; i++) {
    const a = (Math.PI * i) / points;
    const r = i % 2 === 0 ? 1 : inner;
    ring.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return ring;
}

/**
 * Star-shaped about the origin by construction, so simple: one vertex per equal angular sector (gaps
 * between consecutive angles stay below π), positive radii.
 */
function randomStarShaped(rng: Rng, k: number): Ring {
  return Array.from({ length: k }, (_, i) => {
    const a = (2 * Math.PI * (i + 0.9 * rng())) / k;
    const r = between(rng, 0.3, 1);
    return [r * Math.cos(a), r * Math.sin(a)] as [number, number];
  });
}

function randomShape(rng: Rng): Ring {
  switch (Math.floor(rng() * 9)) {
    case 0: return [[-1, -1], [1, -1], [1, 1], [-1, 1]];
    case 1: return [[-1, -0.2], [1, -0.2], [1, 0.2], [-1, 0.2]];
    case 2: return [[between(rng, -1, 0), -1], [1, between(rng, -1, 1)], [between(rng, -1, 1), 1]];
    case 3: return L_SHAPE;
    case 4: return U_SHAPE;
    case 5: return star(Math.floor(between(rng, 3, 9)), between(rng, 0.2, 0.7));
    case 6: return COMB;
    case 7: return SQUARE_COLLINEAR;
    default: return randomStarShaped(rng, Math.floor(between(rng, 3, 16)));
  }
}

interface Case { ring: Ring; bottomZ: number; topZ: number; seg: Seg; family: string }

/** Sizes from a 10 cm pit to a 1.5 km works, centred anywhere within a few km of the frame origin. */
function randomWork(rng: Rng): { ring: Ring; bottomZ: number; topZ: number; scale: number; cx: number; cy: number } {
  const scale = pick(rng, [0.1, 1, 5, 20, 100, 750]) * between(rng, 0.5, 1);
  const cx = between(rng, -3000, 3000), cy = between(rng, -3000, 3000);
  const ring = place(randomShape(rng), cx, cy, scale, rng() < 0.3 ? 0 : rng() * 2 * Math.PI);
  const topZ = between(rng, -2, 50);
  const bottomZ = topZ - Math.max(0.05, between(rng, 0, 1) * Math.min(scale, 30));
  return { ring, bottomZ, topZ, scale, cx, cy };
}

const FAMILIES = ['random', 'riser', 'on face', 'along edge', 'parallel to edge', 'from vertex', 'vertex to vertex', 'point', 'long crossing', 'grazing'] as const;

type Work = ReturnType<typeof randomWork>;

function randomCase(rng: Rng, family: (typeof FAMILIES)[number], work: Work): Case {
  const { ring, bottomZ, topZ, scale, cx, cy } = work;
  const span = scale * 2.5;
  const zr = (): number => between(rng, bottomZ - scale, topZ + scale);
  const xy = (): [number, number] => [cx + between(rng, -span, span), cy + between(rng, -span, span)];
  const vertex = (): [number, number] => pick(rng, ring);
  const edge = (): [[number, number], [number, number]] => {
    const i = Math.floor(rng() * ring.length);
    return [ring[i]!, ring[(i + 1) % ring.length]!];
  };
  let seg: Seg;
  switch (family) {
    case 'random': { const [a, b] = [xy(), xy()]; seg = [a[0], a[1], zr(), b[0], b[1], zr()]; break; }
    case 'riser': { const a = rng() < 0.3 ? vertex() : xy(); seg = [a[0], a[1], zr(), a[0], a[1], zr()]; break; }
    case 'on face': {
      const z = pick(rng, [topZ, bottomZ, (topZ + bottomZ) / 2]);
      const [a, b] = [xy(), xy()];
      seg = [a[0], a[1], z, b[0], b[1], z];
      break;
    }
    case 'along edge': {
      const [a, b] = edge();
      const u0 = between(rng, -0.5, 1.5), u1 = between(rng, -0.5, 1.5);
      const z0 = rng() < 0.5 ? pick(rng, [topZ, bottomZ]) : zr();
      const z1 = rng() < 0.5 ? z0 : zr();
      seg = [a[0] + u0 * (b[0] - a[0]), a[1] + u0 * (b[1] - a[1]), z0, a[0] + u1 * (b[0] - a[0]), a[1] + u1 * (b[1] - a[1]), z1];
      break;
    }
    case 'parallel to edge': {
      const [a, b] = edge();
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const off = between(rng, -0.3, 0.3) * scale;
      const nx = -(b[1] - a[1]) / len * off, ny = (b[0] - a[0]) / len * off;
      const u0 = between(rng, -0.5, 1.5), u1 = between(rng, -0.5, 1.5);
      const z = rng() < 0.5 ? zr() : pick(rng, [topZ, bottomZ]);
      seg = [a[0] + u0 * (b[0] - a[0]) + nx, a[1] + u0 * (b[1] - a[1]) + ny, z, a[0] + u1 * (b[0] - a[0]) + nx, a[1] + u1 * (b[1] - a[1]) + ny, z];
      break;
    }
    case 'from vertex': { const a = vertex(), b = xy(); seg = [a[0], a[1], pick(rng, [topZ, bottomZ, zr()]), b[0], b[1], zr()]; break; }
    case 'vertex to vertex': { const a = vertex(), b = vertex(); seg = [a[0], a[1], zr(), b[0], b[1], rng() < 0.5 ? zr() : pick(rng, [topZ, bottomZ])]; break; }
    case 'point': { const a = rng() < 0.3 ? vertex() : xy(); const z = zr(); seg = [a[0], a[1], z, a[0], a[1], z]; break; }
    case 'long crossing': {
      const a = between(rng, 0, 2 * Math.PI), d = span * 3;
      const ox = cx + between(rng, -scale, scale), oy = cy + between(rng, -scale, scale);
      seg = [ox - d * Math.cos(a), oy - d * Math.sin(a), zr(), ox + d * Math.cos(a), oy + d * Math.sin(a), zr()];
      break;
    }
    case 'grazing': {
      // Just above the top face or just outside a wall: tiny gaps, the hardest for rounding.
      const [a, b] = edge();
      const eps = pick(rng, [0, 1e-9, 1e-6, 1e-3]);
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const s = rng() < 0.5 ? 1 : -1;
      const nx = (b[1] - a[1]) / len * eps * s, ny = -(b[0] - a[0]) / len * eps * s;
      const z = rng() < 0.5 ? topZ + eps : between(rng, bottomZ, topZ);
      seg = [a[0] + nx, a[1] + ny, z, b[0] + nx, b[1] + ny, rng() < 0.5 ? z : zr()];
      break;
    }
  }
  return { ring, bottomZ, topZ, seg, family };
}

interface Tally { cases: number; sampled: number; worstOracle: number; worstSample: number; cutoffExact: number }

function checkCase(c: Case, prism: Prism, op: OraclePrism, sample: boolean, tally: Tally): void {
  const out = segmentPrismDistance(prism, ...c.seg, createSegmentPrismDistance());
  const o = oracleDistance(op, c.seg);
  const where = (): string => `${c.family}: ring ${JSON.stringify(c.ring)} z [${c.bottomZ}, ${c.topZ}] seg ${JSON.stringify(c.seg)}`;
  const diff = Math.abs(out.distance - o);
  tally.worstOracle = Math.max(tally.worstOracle, diff);
  if (diff > KERNEL_VS_ORACLE_M) expect.fail(`kernel ${out.distance} vs oracle ${o} (${where()})`);

  const at = (t: number): [number, number, number] =>
    [c.seg[0] + t * (c.seg[3] - c.seg[0]), c.seg[1] + t * (c.seg[4] - c.seg[1]), c.seg[2] + t * (c.seg[5] - c.seg[2])];
  const planDistance = (t: number): number => { const [x, y] = at(t); return pointPrismDistance(c.ring, -Infinity, Infinity, x, y, 0); };

  const h = oracleHorizontal(op, c.seg);
  if (Math.abs(out.horizontal - h) > KERNEL_VS_ORACLE_M) expect.fail(`horizontal ${out.horizontal} vs oracle ${h} (${where()})`);
  if (Math.abs(planDistance(out.horizontalT) - out.horizontal) > KERNEL_VS_ORACLE_M) {
    expect.fail(`horizontal ${out.horizontal} but ${planDistance(out.horizontalT)} at its t = ${out.horizontalT} (${where()})`);
  }
  // Vertical: the kernel's value must be attained at a point over the footprint and be no larger than
  // the oracle's. Which boundary-touching points count as "over" is decided within rounding, so a
  // null on one side is accepted only when the plan distance is within rounding of 0.
  const v = oracleVertical(op, c.seg);
  if (out.vertical !== null) {
    const [, , z] = at(out.verticalT);
    const gap = Math.max(c.bottomZ - z, z - c.topZ, 0);
    if (planDistance(out.verticalT) > KERNEL_VS_ORACLE_M || Math.abs(gap - out.vertical) > KERNEL_VS_ORACLE_M) {
      expect.fail(`vertical ${out.vertical} at t = ${out.verticalT} is not a gap over the footprint (${where()})`);
    }
    if (v !== null && out.vertical > v + KERNEL_VS_ORACLE_M) expect.fail(`vertical ${out.vertical} vs oracle ${v} (${where()})`);
    if (v === null && h > KERNEL_VS_ORACLE_M) expect.fail(`vertical ${out.vertical} with plan gap ${h} (${where()})`);
  } else if (v !== null && out.horizontal > KERNEL_VS_ORACLE_M) {
    expect.fail(`vertical missing, oracle ${v}, kernel plan gap ${out.horizontal} (${where()})`);
  }

  const atClosest = pointPrismDistance(c.ring, c.bottomZ, c.topZ, out.x, out.y, out.z);
  if (Math.abs(atClosest - out.distance) > KERNEL_VS_ORACLE_M) expect.fail(`closest point is ${atClosest} away, distance says ${out.distance} (${where()})`);
  if (!(out.t >= 0 && out.t <= 1)) expect.fail(`t = ${out.t} (${where()})`);

  // With a cutoff (screen.ts passes the segment's reach): exact below it, Infinity only at or past it,
  // and the plan distance and vertical gap unchanged. Cutoffs around the true distance, on both sides.
  const cutoff = o * (0.5 + (tally.cases % 7) / 4) + (tally.cases % 3) * 1e-7;
  const cut = segmentPrismDistance(prism, ...c.seg, createSegmentPrismDistance(), cutoff);
  if (cut.distance === Infinity ? o < cutoff - KERNEL_VS_ORACLE_M : Math.abs(cut.distance - out.distance) > KERNEL_VS_ORACLE_M) {
    expect.fail(`cutoff ${cutoff}: kernel ${cut.distance}, oracle ${o} (${where()})`);
  }
  if (cut.horizontal !== out.horizontal || cut.vertical !== out.vertical) expect.fail(`cutoff ${cutoff} changed the plan distance or vertical gap (${where()})`);
  if (cut.distance !== Infinity) tally.cutoffExact++;

  if (sample) {
    const ub = sampledUpperBound(c.ring, c.bottomZ, c.topZ, c.seg);
    tally.sampled++;
    tally.worstSample = Math.max(tally.worstSample, out.distance - ub);
    if (out.distance > ub + NO_FALSE_NEGATIVE_M) expect.fail(`kernel ${out.distance} exceeds sampled upper bound ${ub} (${where()})`);
  }
  tally.cases++;
}

describe('the segment–prism kernel', () => {
  const PER_FAMILY = 10_500;
  const SAMPLE_EVERY = 3;

  for (const [f, family] of FAMILIES.entries()) {
    it(`matches the oracle and never exceeds the sampled upper bound for ${PER_FAMILY} "${family}" cases`, () => {
      const rng = mulberry32(0x5eed + f * 7919);
      const tally: Tally = { cases: 0, sampled: 0, worstOracle: 0, worstSample: -Infinity, cutoffExact: 0 };
      let work = randomWork(rng);
      let prism = preparePrism(work.ring, work.bottomZ, work.topZ);
      let op = oraclePrism(work.ring, work.bottomZ, work.topZ);
      for (let i = 0; i < PER_FAMILY; i++) {
        // A few segments per work, so preparing works is not what the test spends its time on.
        if (i % 4 === 0 && i > 0) {
          work = randomWork(rng);
          prism = preparePrism(work.ring, work.bottomZ, work.topZ);
          op = oraclePrism(work.ring, work.bottomZ, work.topZ);
        }
        const c = randomCase(rng, family, work);
        checkCase(c, prism, op, i % SAMPLE_EVERY === 0, tally);
      }
      expect(tally.cases).toBe(PER_FAMILY);
      // Both sides of the cutoff were exercised: some exact answers, some Infinity.
      expect(tally.cutoffExact).toBeGreaterThan(0);
      expect(tally.cutoffExact).toBeLessThan(PER_FAMILY);
      expect(tally.worstOracle).toBeLessThanOrEqual(KERNEL_VS_ORACLE_M);
    });
  }

  it('measures segment–segment distance like a golden-section search over one segment', () => {
    const rng = mulberry32(99);
    const pointSeg = (p: number[], a: number[], b: number[]): number => {
      const d = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!];
      const l2 = d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2;
      const u = l2 > 0 ? Math.min(1, Math.max(0, ((p[0]! - a[0]!) * d[0]! + (p[1]! - a[1]!) * d[1]! + (p[2]! - a[2]!) * d[2]!) / l2)) : 0;
      return Math.hypot(p[0]! - a[0]! - u * d[0]!, p[1]! - a[1]! - u * d[1]!, p[2]! - a[2]! - u * d[2]!);
    };
    for (let i = 0; i < 20_000; i++) {
      const r = (): number[] => [between(rng, -50, 50), between(rng, -50, 50), between(rng, -50, 50)];
      const a = r(), b = rng() < 0.05 ? a : r(), c = r();
      // Parallel, nearly parallel and collinear second segments are the hard cases.
      const kind = rng();
      const dir = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!];
      const tilt = kind < 0.2 ? 0 : kind < 0.4 ? 1e-9 : kind < 0.5 ? 1e-4 : 1;
      const d = kind < 0.5 ? [c[0]! + between(rng, -2, 2) * dir[0]! + tilt, c[1]! + between(rng, -2, 2) * dir[1]!, c[2]! + between(rng, -2, 2) * dir[2]!] : r();
      if (kind < 0.1) { c[0] = a[0]! + 0.3 * dir[0]!; c[1] = a[1]! + 0.3 * dir[1]!; c[2] = a[2]! + 0.3 * dir[2]!; }
      if (kind > 0.9) {
        // Crossing at a tiny angle: the minimum is interior and the lines are nearly parallel.
        const e = between(rng, 1e-7, 1e-5);
        c[0] = a[0]! + 0.2 * dir[0]!; c[1] = a[1]! + 0.2 * dir[1]! + e * 50; c[2] = a[2]! + 0.2 * dir[2]!;
        d[0] = a[0]! + 0.8 * dir[0]!; d[1] = a[1]! + 0.8 * dir[1]! - e * 50; d[2] = a[2]! + 0.8 * dir[2]! + e;
      }
      const f = (s: number): number => pointSeg([a[0]! + s * dir[0]!, a[1]! + s * dir[1]!, a[2]! + s * dir[2]!], c, d);
      const g = (Math.sqrt(5) - 1) / 2;
      let lo = 0, hi = 1, best = Math.min(f(0), f(1));
      for (let k = 0; k < 80; k++) {
        const x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
        const f1 = f(x1), f2 = f(x2);
        best = Math.min(best, f1, f2);
        if (f1 < f2) hi = x2; else lo = x1;
      }
      const got = Math.sqrt(segSegDist2(a[0]!, a[1]!, a[2]!, b[0]!, b[1]!, b[2]!, c[0]!, c[1]!, c[2]!, d[0]!, d[1]!, d[2]!));
      if (Math.abs(got - best) > KERNEL_VS_ORACLE_M) expect.fail(`segSegDist2 ${got} vs search ${best}: ${JSON.stringify([a, b, c, d])}`);
    }
  });

  it('gives the exact distance for a line parallel to a wall at a known offset', () => {
    const prism = preparePrism([[0, 0], [4, 0], [4, 3], [0, 3]], -2, 0);
    const out = createSegmentPrismDistance();
    for (const d of [1e-6, 0.457, 1, 12.5]) {
      segmentPrismDistance(prism, -1, -d, -1, 5, -d, -1, out);
      expect(out.distance).toBeCloseTo(d, 12);
      expect(out.horizontal).toBeCloseTo(d, 12);
      expect(out.vertical).toBeNull();
    }
    // Running along the wall itself: on the boundary, so over the footprint with no gap.
    segmentPrismDistance(prism, -1, 0, -1, 5, 0, -1, out);
    expect(out.distance).toBe(0);
    expect(out.vertical).toBe(0);
  });

  it('gives the vertical gap for a line passing under the floor of the cut', () => {
    const prism = preparePrism([[0, 0], [4, 0], [4, 3], [0, 3]], -2, 0);
    const out = segmentPrismDistance(prism, -10, 1, -2.75, 10, 1, -2.75, createSegmentPrismDistance());
    expect(out.distance).toBeCloseTo(0.75, 12);
    expect(out.horizontal).toBe(0);
    expect(out.vertical).toBeCloseTo(0.75, 12);
    expect(out.z).toBe(-2.75);
    expect(out.x).toBeGreaterThanOrEqual(0);
    expect(out.x).toBeLessThanOrEqual(4);
  });

  it('finds the notch of an L-shaped cut empty: a riser in the notch is outside', () => {
    const prism = preparePrism(place(L_SHAPE, 0, 0, 10, 0), -3, 0);
    const out = segmentPrismDistance(prism, 5, 5, -5, 5, 5, 1, createSegmentPrismDistance());
    expect(out.distance).toBeCloseTo(5, 12);
    expect(out.vertical).toBeNull();
  });

  it('reports 0 for a segment wholly inside the cut', () => {
    const prism = preparePrism(place(U_SHAPE, 0, 0, 2, 0), -3, 0);
    const out = segmentPrismDistance(prism, -2.5, -2, -1, 2.5, -2, -2, createSegmentPrismDistance());
    expect(out.distance).toBe(0);
    expect(out.vertical).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Whole screening against brute force.

function randomOpenCut(rng: Rng, half: number): OpenCut {
  const scale = between(rng, 1, 12);
  const ring = place(pick(rng, [L_SHAPE, U_SHAPE, COMB, star(5, 0.5), randomStarShaped(rng, 7), [[-1, -1], [1, -1], [1, 1], [-1, 1]] as Ring]),
    between(rng, -half, half), between(rng, -half, half), scale, rng() * 2 * Math.PI);
  const topZ = 0;
  return { kind: 'open_cut', footprint: ring, bottomZ: -between(rng, 0.5, 6), topZ };
}

describe('screenExcavation', () => {
  /** One screening against the oracle's (compareWithBruteForce): no line missed or milder, none listed beyond a threshold + 2 µm. */
  function compareWithOracle(links: Link[], table: SegmentTable, index: Flatbush, work: OpenCut, ruleSetId: string, tally: { listed: number; agreedExactly: number }): void {
    const result = screenExcavation(table, index, work, RULES, ruleSetId);
    const { listed, agreed } = compareWithBruteForce(result, oracleScreen(links, work, RULES, ruleSetId),
      oracleScreen(links, work, RULES, ruleSetId, 2e-6), () => `work ${JSON.stringify(work)}`);
    tally.listed += listed;
    tally.agreedExactly += agreed;
    expect(result.summary.strike + result.summary.encroach + result.summary.near).toBe(result.lines.length);
  }

  it('lists exactly the lines the brute-force screening lists, never with a milder verdict', () => {
    const rng = mulberry32(20240611);
    const ruleSets = Object.keys(RULES.ruleSets);
    const tally = { listed: 0, agreedExactly: 0 };
    let compared = 0;
    for (let net = 0; net < 24; net++) {
      const links = randomNetwork(rng, 300, 40);
      const table = buildSegmentTable(links);
      const index = buildSegmentIndex(table);
      for (let w = 0; w < 8; w++) {
        compareWithOracle(links, table, index, randomOpenCut(rng, 35), pick(rng, ruleSets), tally);
        compared++;
      }
    }
    expect(compared).toBe(24 * 8);
    expect(tally.listed).toBeGreaterThan(500);
    // Verdicts may differ only within 2 µm of a threshold; with real data that is rare.
    expect(tally.agreedExactly).toBeGreaterThan(0.95 * tally.listed);
  });

  it('agrees with the brute force on many-vertex curved lines and works spanning many index leaves', () => {
    // Arcs of 40–300 vertices (radius 15–400 m, some dipping into risers) among straight runs over
    // 1.6 km, and concave cuts 50 m to 1.3 km across: each work's search box holds hundreds of
    // flatbush leaves, and its walls cross the curves many times.
    const rng = mulberry32(31337);
    const ruleSets = Object.keys(RULES.ruleSets);
    const links = randomNetwork(rng, 500, 800);
    for (let a = 0; a < 50; a++) {
      const n = 40 + Math.floor(rng() * 260), radius = between(rng, 15, 400), sweep = between(rng, 0.5, 2 * Math.PI);
      const cx = between(rng, -700, 700), cy = between(rng, -700, 700), start = rng() * 2 * Math.PI;
      const v: number[] = [];
      let z = between(rng, -6, -0.5);
      for (let i = 0; i < n; i++) {
        const t = start + (sweep * i) / (n - 1);
        if (rng() < 0.03) z = between(rng, -8, -0.3); // a riser: the next vertex jumps in depth
        v.push(cx + radius * Math.cos(t), cy + radius * Math.sin(t), z, z + between(rng, 0.5, 3));
      }
      links.push(makeLink(`arc${a}`, v, pick(rng, UTILITY_TYPES), rng() < 0.15 ? null : pick(rng, QUALITY_LEVELS), pick(rng, [{ shape: 'circular', diameterMm: 300 }, { shape: 'rect', widthMm: 900, heightMm: 600 }] as const)));
    }
    const table = buildSegmentTable(links);
    const index = buildSegmentIndex(table);
    expect(table.segmentCount).toBeGreaterThan(8000);
    const tally = { listed: 0, agreedExactly: 0 };
    for (let w = 0; w < 10; w++) {
      const ring = place(pick(rng, [L_SHAPE, U_SHAPE, COMB, star(6, 0.4), randomStarShaped(rng, 9)]),
        between(rng, -300, 300), between(rng, -300, 300), between(rng, 25, 300), rng() * 2 * Math.PI);
      const bottomZ = between(rng, -7, -1);
      compareWithOracle(links, table, index, { kind: 'open_cut', footprint: ring, bottomZ, topZ: bottomZ + between(rng, 1, 8) }, pick(rng, ruleSets), tally);
    }
    expect(tally.listed).toBeGreaterThan(100);
    expect(tally.agreedExactly).toBeGreaterThan(0.95 * tally.listed);
  });

  it('sorts lines by severity, then by distance', () => {
    const rng = mulberry32(77);
    const links = randomNetwork(rng, 400, 25);
    const table = buildSegmentTable(links);
    const result = screenExcavation(table, buildSegmentIndex(table), randomOpenCut(rng, 5), RULES);
    expect(result.lines.length).toBeGreaterThan(5);
    for (let i = 1; i < result.lines.length; i++) {
      const a = result.lines[i - 1]!, b = result.lines[i]!;
      const order = VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict);
      expect(order < 0 || (order === 0 && a.distance3d <= b.distance3d)).toBe(true);
    }
  });

  it('calls a line exactly at its tolerance distance ENCROACH and one just beyond it NEAR', () => {
    const tol = 1.0 + 2.0; // gas in cn-gb50289, QL-D
    const work: OpenCut = { kind: 'open_cut', footprint: [[0, 0], [10, 0], [10, 10], [0, 10]], bottomZ: -3, topZ: 0 };
    for (const [offset, verdict] of [[tol, 'ENCROACH'], [tol + 1e-3, 'NEAR']] as const) {
      const r = 0.1;
      const y = -(offset + r);
      const link = makeLink('g', [-5, y, -1, 0, 15, y, -1, 0], 'gas', 'D', { shape: 'circular', diameterMm: 200 });
      const table = buildSegmentTable([link]);
      const result = screenExcavation(table, buildSegmentIndex(table), work, RULES, 'cn-gb50289');
      expect(result.lines[0]?.verdict).toBe(verdict);
      expect(result.lines[0]?.tolerance).toBe(tol);
    }
  });

  it('finds a line whose tolerance decides on a deeper segment, not its nearest one', () => {
    // QL-B: vertical uncertainty 0.15·h. The shallow segment is nearer but the deep one encroaches.
    const work: OpenCut = { kind: 'open_cut', footprint: [[0, 0], [10, 0], [10, 10], [0, 10]], bottomZ: -2, topZ: 0 };
    const link = makeLink('w', [-3, -1.2, -1, 0, 5, -1.2, -1, 0, 5, -1.2, -1, 0, 13, -30, -40, 0], 'water', 'B', { shape: 'circular', diameterMm: 100 });
    const table = buildSegmentTable([link]);
    const result = screenExcavation(table, buildSegmentIndex(table), work, RULES, 'cn-gb50289');
    const line = result.lines[0]!;
    expect(line.verdict).toBe('ENCROACH');
    expect(line.centrelineDepth).toBeGreaterThan(30);
  });
});

// ---------------------------------------------------------------------------------------------
// Monotonicity: a bigger work, a fatter pipe or a vaguer position never makes a verdict milder.

const severityOf = (rules: ScreeningRules, link: Link, work: OpenCut): number => {
  const table = buildSegmentTable([link]);
  const line = screenExcavation(table, buildSegmentIndex(table), work, rules, 'cn-gb50289').lines[0];
  return line ? VERDICTS.indexOf(line.verdict) : VERDICTS.length;
};

const coord = fc.double({ min: -20, max: 20, noNaN: true });
const arbLink = fc.record({
  a: fc.tuple(coord, coord, fc.double({ min: -10, max: 2, noNaN: true })),
  b: fc.tuple(coord, coord, fc.double({ min: -10, max: 2, noNaN: true })),
  diameterMm: fc.integer({ min: 10, max: 2000 }),
  utility: fc.constantFrom(...UTILITY_TYPES),
  quality: fc.constantFrom(...QUALITY_LEVELS, null),
});
const arbWork = fc.record({
  // Star-shaped about the origin (unlike U and comb), so scaling up about it contains the original.
  shape: fc.constantFrom(L_SHAPE, star(6, 0.4), star(3, 0.2), SQUARE_COLLINEAR, [[-1, -0.2], [1, -0.2], [1, 0.2], [-1, 0.2]] as Ring),
  cx: fc.double({ min: -8, max: 8, noNaN: true }),
  cy: fc.double({ min: -8, max: 8, noNaN: true }),
  scale: fc.double({ min: 0.5, max: 8, noNaN: true }),
  angle: fc.double({ min: 0, max: 6.28, noNaN: true }),
  depth: fc.double({ min: 0.2, max: 6, noNaN: true }),
});
type ArbLink = { a: [number, number, number]; b: [number, number, number]; diameterMm: number; utility: UtilityType; quality: QualityLevel | null };
const toLink = (l: ArbLink, diameterMm = l.diameterMm): Link =>
  makeLink('p', [...l.a, 0, ...l.b, 0], l.utility, l.quality, { shape: 'circular', diameterMm });
const toWork = (w: { shape: Ring; cx: number; cy: number; scale: number; angle: number; depth: number }, grow = 1, deepen = 0): OpenCut => ({
  kind: 'open_cut',
  footprint: place(w.shape, w.cx, w.cy, w.scale * grow, w.angle),
  bottomZ: -w.depth - deepen,
  topZ: 0 + deepen / 2,
});

describe('screening verdicts', () => {
  it('never get milder when the work grows', () => {
    fc.assert(fc.property(arbLink, arbWork, fc.double({ min: 1, max: 3, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }),
      (l, w, grow, deepen) => {
        expect(severityOf(RULES, toLink(l), toWork(w, grow, deepen))).toBeLessThanOrEqual(severityOf(RULES, toLink(l), toWork(w)));
      }), { numRuns: 400, seed: 11 });
  });

  it('never get milder when the pipe is fatter', () => {
    fc.assert(fc.property(arbLink, arbWork, fc.integer({ min: 0, max: 3000 }), (l, w, extra) => {
      expect(severityOf(RULES, toLink(l, l.diameterMm + extra), toWork(w))).toBeLessThanOrEqual(severityOf(RULES, toLink(l), toWork(w)));
    }), { numRuns: 400, seed: 12 });
  });

  it('never get milder when the positional uncertainty grows', () => {
    fc.assert(fc.property(arbLink, arbWork, fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }),
      (l, w, add, share) => {
        const vaguer = structuredClone(RULES);
        for (const q of QUALITY_LEVELS) {
          const u = vaguer.positionalUncertainty[q];
          u.horizontal += add; u.vertical += add / 2; u.horizontalDepthShare += share; u.verticalDepthShare += share;
        }
        expect(severityOf(vaguer, toLink(l), toWork(w))).toBeLessThanOrEqual(severityOf(RULES, toLink(l), toWork(w)));
      }), { numRuns: 400, seed: 13 });
  });
});
