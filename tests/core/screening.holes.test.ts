/**
 * Open cuts with holes (ground left standing: a tree's root ball, a column): the prism kernel with
 * interior rings (distance.ts) against the independent oracle (oracle.ts: earcut with holes, Cyrus–
 * Beck, golden-section), whole screenings against brute force, validation, and "a smaller hole or a
 * deeper cut is never milder".
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import rulesJson from '../../data/rules/screening.json';
import { createSegmentPrismDistance, preparePrism, segmentPrismDistance } from '../../src/core/screening/distance';
import { ExcavationError, MAX_FOOTPRINT_VERTICES, validateExcavation, validateOpenCut, type OpenCut } from '../../src/core/screening/excavation';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation, VERDICTS } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { volumeOf } from '../../src/core/screening/volume';
import { oracleScreen, type Seg } from './oracle';
import {
  between, expectScreeningsMatchBruteForce, expectVerdictsAtOffsets, GAS_QLD_TOLERANCE_M, mulberry32, oracleFamilyTests, pick,
  randomNetwork, type Rng,
} from './oracleChecks';
import { prismSolid } from './oracleSolids';

const RULES = validateScreeningRules(rulesJson);
type Ring = [number, number][];

/** Outer rings, each with slots (centre, largest radius) where holes fit without touching anything. */
const OUTERS: { ring: Ring; slots: [number, number, number][] }[] = [
  { ring: [[-1, -1], [1, -1], [1, 1], [-1, 1]], slots: [[-0.5, -0.5, 0.4], [0.5, -0.5, 0.4], [0.5, 0.5, 0.4], [-0.5, 0.5, 0.4], [0, 0, 0.15]] },
  { ring: Array.from({ length: 6 }, (_, i) => [Math.cos(i * Math.PI / 3), Math.sin(i * Math.PI / 3)] as [number, number]), slots: [[0.45, 0, 0.3], [-0.225, 0.39, 0.3], [-0.225, -0.39, 0.3], [0, 0, 0.1]] },
  { ring: [[-1, -1], [1, -1], [1, 0], [0, 0], [0, 1], [-1, 1]], slots: [[-0.5, -0.5, 0.4], [0.5, -0.5, 0.4], [-0.5, 0.5, 0.4]] },
  { ring: [[-3, -0.5], [3, -0.5], [3, 0.5], [-3, 0.5]], slots: [[-2, 0, 0.4], [0, 0, 0.4], [2, 0, 0.4]] },
  {
    ring: [[-1.5, -1.5], [1.5, -1.5], [1.5, 1.5], [0.5, 1.5], [0.5, -0.5], [-0.5, -0.5], [-0.5, 1.5], [-1.5, 1.5]],
    slots: [[-1, 0.5, 0.4], [1, 0.5, 0.4], [0, -1, 0.4], [-1, -1, 0.4]],
  },
];

function place(ring: Ring, cx: number, cy: number, scale: number, angle: number): Ring {
  const c = Math.cos(angle), s = Math.sin(angle);
  return ring.map(([x, y]) => [cx + scale * (c * x - s * y), cy + scale * (s * x + c * y)]);
}

/** A convex hole: k points on a circle at jittered angles, in either orientation. */
function convexHole(rng: Rng, x: number, y: number, r: number): Ring {
  const k = 3 + Math.floor(rng() * 6);
  const a0 = between(rng, 0, 2 * Math.PI);
  const ring = Array.from({ length: k }, (_, i) => {
    const a = a0 + (2 * Math.PI * (i + between(rng, -0.3, 0.3))) / k;
    return [x + r * Math.cos(a), y + r * Math.sin(a)] as [number, number];
  });
  return rng() < 0.5 ? ring : ring.reverse();
}

interface Work { cut: OpenCut; scale: number; cx: number; cy: number }

/** A random cut with holes; draws again when validation refuses it (a hole too small, a cut too wide). */
function randomCut(rng: Rng, cx: number, cy: number, scale: number): Work {
  for (;;) {
    try {
      return drawCut(rng, cx, cy, scale);
    } catch (e) {
      if (!(e instanceof ExcavationError)) throw e;
      scale = Math.max(scale * 0.8, 0.8);
    }
  }
}

function drawCut(rng: Rng, cx: number, cy: number, scale: number): Work {
  const outer = pick(rng, OUTERS);
  const angle = rng() < 0.3 ? 0 : between(rng, 0, 2 * Math.PI);
  const slots = outer.slots.filter(() => rng() < 0.6);
  if (slots.length === 0) slots.push(outer.slots[0]!);
  const holes = slots.map(([x, y, r]) => place(convexHole(rng, x, y, r * between(rng, 0.3, 1)), cx, cy, scale, angle));
  const topZ = between(rng, -2, 50);
  const bottomZ = topZ - Math.max(0.05, between(rng, 0, 1) * Math.min(scale, 30));
  return { cut: validateOpenCut({ kind: 'open_cut', footprint: place(outer.ring, cx, cy, scale, angle), holes, bottomZ, topZ }), scale, cx, cy };
}

const FAMILIES = ['random', 'through hole', 'hole wall', 'hole riser', 'hole grazing', 'crossing', 'outer wall', 'point'] as const;

function insideHole(rng: Rng, hole: Ring): [number, number] {
  // A convex combination of a convex ring's vertices lies inside it.
  const w = hole.map(() => rng() ** 2);
  const sum = w.reduce((a, b) => a + b, 0);
  return [hole.reduce((a, p, i) => a + p[0] * w[i]! / sum, 0), hole.reduce((a, p, i) => a + p[1] * w[i]! / sum, 0)];
}

function randomSegment(rng: Rng, family: (typeof FAMILIES)[number], w: Work): Seg {
  const { cut, scale, cx, cy } = w;
  const lo = cut.bottomZ, hi = cut.topZ;
  const zr = (): number => between(rng, lo - scale, hi + scale);
  const zIn = (): number => pick(rng, [lo, hi, between(rng, lo, hi)]);
  const span = 3.5 * scale;
  const xy = (): [number, number] => [cx + between(rng, -span, span), cy + between(rng, -span, span)];
  const hole = pick(rng, cut.holes!);
  const edgeOf = (ring: Ring): [[number, number], [number, number]] => {
    const i = Math.floor(rng() * ring.length);
    return [ring[i]!, ring[(i + 1) % ring.length]!];
  };
  const offsetLine = (ring: Ring, off: number, z0: number, z1: number): Seg => {
    const [a, b] = edgeOf(ring);
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const nx = -(b[1] - a[1]) / len * off, ny = (b[0] - a[0]) / len * off;
    const u0 = between(rng, -0.3, 1.3), u1 = between(rng, -0.3, 1.3);
    return [a[0] + u0 * (b[0] - a[0]) + nx, a[1] + u0 * (b[1] - a[1]) + ny, z0, a[0] + u1 * (b[0] - a[0]) + nx, a[1] + u1 * (b[1] - a[1]) + ny, z1];
  };
  const eps = (): number => pick(rng, [0, 1e-9, 1e-6, 1e-3]) * (rng() < 0.5 ? 1 : -1);
  switch (family) {
    case 'random': { const a = xy(), b = xy(); return [a[0], a[1], zr(), b[0], b[1], zr()]; }
    case 'through hole': {
      const a = insideHole(rng, hole), b = insideHole(rng, hole);
      return [a[0], a[1], zIn(), b[0], b[1], rng() < 0.5 ? zIn() : zr()];
    }
    case 'hole wall': { const z = zIn(); return offsetLine(hole, eps(), z, rng() < 0.6 ? z : zr()); }
    case 'hole riser': {
      const [a, b] = edgeOf(hole);
      const u = pick(rng, [0, 0.5, between(rng, 0, 1)]);
      const [x, y] = rng() < 0.5 ? insideHole(rng, hole) : [a[0] + u * (b[0] - a[0]) + eps(), a[1] + u * (b[1] - a[1]) + eps()];
      return [x, y, zr(), x, y, zr()];
    }
    case 'hole grazing': {
      // Parallel to a hole's wall at a random offset either side, at a random height in the cut.
      const z = between(rng, lo, hi);
      return offsetLine(hole, between(rng, -0.3, 0.3) * scale, z, z);
    }
    case 'crossing': {
      const a = between(rng, 0, 2 * Math.PI), d = span * 2;
      const [ox, oy] = rng() < 0.5 ? insideHole(rng, hole) : [cx, cy];
      return [ox - d * Math.cos(a), oy - d * Math.sin(a), zIn(), ox + d * Math.cos(a), oy + d * Math.sin(a), zIn()];
    }
    case 'outer wall': { const z = zIn(); return offsetLine(cut.footprint, eps() + (rng() < 0.3 ? between(rng, -0.2, 0.2) * scale : 0), z, rng() < 0.6 ? z : zr()); }
    case 'point': {
      const [x, y] = rng() < 0.6 ? insideHole(rng, hole) : xy();
      const z = zr();
      return [x, y, z, x, y, z];
    }
  }
}

describe('the open cut with holes', () => {
  oracleFamilyTests({
    families: FAMILIES, perFamily: 2_600, seed: (fi) => 0x4013 + fi * 7727, every: 5, samplePeriod: 25,
    first: (rng) => randomCut(rng, 0, 0, 1),
    next: (rng) => randomCut(rng, between(rng, -3000, 3000), between(rng, -3000, 3000), pick(rng, [0.5, 2, 10, 80, 600]) * between(rng, 0.6, 1)),
    volume: (w) => volumeOf(w.cut),
    solids: (w) => [prismSolid(w.cut.footprint, w.cut.holes!, w.cut.bottomZ, w.cut.topZ)],
    segment: randomSegment,
    show: (w) => w.cut,
  });

  it('measures a pipe through a hole to the hole\'s walls, and strikes one that crosses the solid', () => {
    const prism = preparePrism([[0, 0], [10, 0], [10, 10], [0, 10]], -3, 0, [[[3, 3], [7, 3], [7, 7], [3, 7]]]);
    const out = createSegmentPrismDistance();
    segmentPrismDistance(prism, 4, 5, -1, 6, 5, -1, out);
    expect(out.distance).toBeCloseTo(1, 12);
    expect(out.horizontal).toBeCloseTo(1, 12);
    expect(out.vertical).toBeNull();
    // A riser in the middle of the hole: 2 m from every wall.
    segmentPrismDistance(prism, 5, 5, -10, 5, 5, 10, out);
    expect(out.distance).toBeCloseTo(2, 12);
    // Along the hole's wall: on the boundary of the solid.
    expect(segmentPrismDistance(prism, 3, 4, -1, 3, 6, -1, out).distance).toBe(0);
    // Across the hole and the solid either side.
    expect(segmentPrismDistance(prism, -5, 5, -1, 15, 5, -1, out).distance).toBe(0);
    // Under the floor, passing below the hole: the floor either side is 0.5 below... above it.
    segmentPrismDistance(prism, 5, -5, -3.5, 5, 15, -3.5, out);
    expect(out.distance).toBeCloseTo(0.5, 12);
    expect(out.vertical).toBeCloseTo(0.5, 12);
  });

  it('never reads a segment with a non-finite coordinate as out of reach (review: the plan shortcut gave Infinity)', () => {
    // The segment table drops such segments before any kernel sees them; the kernel must not rely on it.
    const prism = preparePrism([[0, 0], [10, 0], [10, 4], [4, 4], [4, 10], [0, 10]], -3, 0);
    const out = createSegmentPrismDistance();
    expect(segmentPrismDistance(prism, NaN, 4.9, -1.5, 12, 4.9, -1, out).distance).not.toBe(Infinity);
  });
});

describe('screening an open cut with holes', () => {
  it('lists exactly the lines the brute-force screening lists, never with a milder verdict', () => {
    expectScreeningsMatchBruteForce(99991, RULES, (rng): OpenCut => {
      const w = randomCut(rng, between(rng, -20, 20), between(rng, -20, 20), between(rng, 3, 12));
      return { ...w.cut, topZ: 0, bottomZ: -between(rng, 0.5, 6) };
    }, (links, cut, ruleSetId, slack) => oracleScreen(links, cut, RULES, ruleSetId, slack));
  });

  it('leaves a pipe through the hole unstruck, at its tolerance ENCROACH', () => {
    const tol = GAS_QLD_TOLERANCE_M;
    const cut: OpenCut = { kind: 'open_cut', footprint: [[0, 0], [20, 0], [20, 20], [0, 20]], holes: [[[2, 2], [18, 2], [18, 18], [2, 18]]], bottomZ: -3, topZ: 0 };
    expectVerdictsAtOffsets(cut, RULES, [[tol, 'ENCROACH'], [tol + 1e-3, 'NEAR'], [0, 'STRIKE']], (offset) => {
      const x = 2 + offset + 0.1;
      return [x, 8, -1, 0, x, 12, -1, 0];
    });
  });
});

describe('open cut verdicts', () => {
  it('never get milder when a hole shrinks or the cut deepens', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.1, max: 1, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }),
      (seed, shrink, deeper) => {
        const rng = mulberry32(seed);
        const links = randomNetwork(rng, 40, 12);
        const w = randomCut(rng, between(rng, -4, 4), between(rng, -4, 4), between(rng, 3, 8));
        // Shrink every hole about its own centroid (convex holes stay inside themselves).
        const holes = w.cut.holes!.map((h) => {
          const mx = h.reduce((a, p) => a + p[0], 0) / h.length, my = h.reduce((a, p) => a + p[1], 0) / h.length;
          return h.map(([x, y]) => [mx + shrink * (x - mx), my + shrink * (y - my)] as [number, number]);
        });
        const grown: OpenCut = { ...w.cut, holes, bottomZ: w.cut.bottomZ - deeper };
        try { validateOpenCut(grown); } catch { fc.pre(false); }
        const severities = (cut: OpenCut): number[] => {
          const table = buildSegmentTable(links);
          const lines = new Map(screenExcavation(table, buildSegmentIndex(table), { ...cut, topZ: 0, bottomZ: cut.bottomZ - cut.topZ }, RULES, 'cn-gb50289')
            .lines.map((l) => [l.linkId, VERDICTS.indexOf(l.verdict)]));
          return links.map((l) => lines.get(l.id) ?? VERDICTS.length);
        };
        const before = severities(w.cut), after = severities(grown);
        for (let i = 0; i < links.length; i++) expect(after[i]).toBeLessThanOrEqual(before[i]!);
      }), { numRuns: 200, seed: 24 });
  });
});

describe('validateOpenCut with holes', () => {
  const SQUARE: Ring = [[0, 0], [10, 0], [10, 10], [0, 10]];
  const hole = (x: number, y: number, s: number): Ring => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]];
  const cut = (holes: unknown): Record<string, unknown> => ({ kind: 'open_cut', footprint: SQUARE, holes, bottomZ: -2, topZ: 0 });
  const refusal = (input: unknown): ExcavationError => {
    try { validateExcavation(input); } catch (e) { expect(e).toBeInstanceOf(ExcavationError); return e as ExcavationError; }
    return expect.fail(`accepted ${JSON.stringify(input)}`);
  };

  it('accepts holes given closed or open, either way round, and returns them open', () => {
    const c = validateOpenCut(cut([[...hole(1, 1, 2), [1, 1]], [...hole(5, 5, 3)].reverse()]));
    expect(c.holes).toEqual([hole(1, 1, 2), [...hole(5, 5, 3)].reverse()]);
    expect(validateOpenCut(cut([])).holes).toBeUndefined();
  });

  it('names the hole and the coordinate', () => {
    expect(refusal(cut([hole(1, 1, 2), [[5, 5], [6, 5], [6, NaN]]])).field).toBe('holes[1][2][1]');
    expect(refusal(cut([hole(1, 1, 2), [[5, 5], [6, 5, 0], [6, 6]]])).field).toBe('holes[1][1]');
    expect(refusal(cut('none')).field).toBe('holes');
    expect(refusal(cut([[[5, 5], [6, 6], [5, 5]]])).message).toMatch(/holes\[0\]: 2 distinct vertices/);
  });

  it('refuses a hole outside, touching or crossing the footprint', () => {
    expect(refusal(cut([hole(20, 20, 2)])).message).toMatch(/hole 0 lies outside the footprint/);
    expect(refusal(cut([hole(8, 4, 2)])).message).toMatch(/hole 0 meets the footprint/);
    expect(refusal(cut([hole(9, 4, 2)])).message).toMatch(/hole 0 meets the footprint/);
    expect(refusal(cut([[[0, 5], [3, 4], [3, 6]]])).field).toBe('holes[0]');
  });

  it('refuses holes that touch, cross or nest in each other', () => {
    expect(refusal(cut([hole(1, 1, 3), hole(4, 1, 3)])).message).toMatch(/hole 1 meets hole 0/);
    expect(refusal(cut([hole(1, 1, 3), hole(3, 3, 3)])).message).toMatch(/hole 1 meets hole 0/);
    const e = refusal(cut([hole(1, 1, 6), hole(2, 2, 1)]));
    expect(e.field).toBe('holes[1]');
    expect(e.message).toMatch(/holes 0 and 1 overlap/);
  });

  it('refuses a self-intersecting hole, a sliver hole, and holes that leave nothing to dig', () => {
    expect(refusal(cut([[[2, 2], [4, 4], [4, 2], [2, 4]]])).message).toMatch(/holes\[0\]: the ring intersects itself/);
    expect(refusal(cut([[[2, 2], [4, 2], [4, 2.001]]])).message).toMatch(/MIN_FOOTPRINT_AREA_M2/);
    expect(refusal(cut([[[2, 2], [3, 3], [4, 4]]])).message).toMatch(/area 0/);
    const tight = { kind: 'open_cut', footprint: [[0, 0], [1, 0], [1, 1], [0, 1]], holes: [[[0.001, 0.001], [0.999, 0.001], [0.999, 0.999], [0.001, 0.999]]], bottomZ: -1, topZ: 0 };
    expect(refusal(tight).message).toMatch(/leave .* m² to dig/);
  });

  it('counts every ring against MAX_FOOTPRINT_VERTICES', () => {
    const circle = (n: number, r: number, x: number): Ring => Array.from({ length: n }, (_, i) => [x + r * Math.cos(2 * Math.PI * i / n), 5 + r * Math.sin(2 * Math.PI * i / n)]);
    const half = MAX_FOOTPRINT_VERTICES / 2;
    const e = refusal({ kind: 'open_cut', footprint: circle(half, 100, 5), holes: [circle(half, 1, 0), circle(8, 1, 10)], bottomZ: -1, topZ: 0 });
    expect(e.field).toBe('holes');
    expect(e.message).toMatch(/MAX_FOOTPRINT_VERTICES/);
  });
});
