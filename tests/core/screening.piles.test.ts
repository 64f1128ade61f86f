/**
 * Piles and posts: the segment–cylinder kernel (cylinder.ts) against the independent oracle
 * (oracleSolids.ts `pileSolids`: golden-section search on the exact point–cylinder distance, no
 * regimes), whole screenings against brute force, validation, and "a bigger pile is never milder".
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import rulesJson from '../../data/rules/screening.json';
import { createSegmentPrismDistance } from '../../src/core/screening/segmentDistance';
import { ExcavationError, validateExcavation, validatePiles, type PileGroup } from '../../src/core/screening/excavation';
import { MAX_PILE_DIAMETER_M, MAX_PILES } from '../../src/core/screening/piles';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { segmentVolumeDistance, volumeOf } from '../../src/core/screening/volume';
import type { Seg } from './oracle';
import {
  between, expectScreeningsMatchBruteForce, expectVerdictsAtOffsets, GAS_QLD_TOLERANCE_M, mulberry32, oracleFamilyTests, pick,
  randomNetwork, type Rng, verdictSeverities,
} from './oracleChecks';
import { oracleScreenSolids, pileSolids } from './oracleSolids';

const RULES = validateScreeningRules(rulesJson);

function randomPiles(rng: Rng, cx: number, cy: number, spread: number): PileGroup {
  const count = 1 + Math.floor(rng() * 5);
  const top = between(rng, -2, 50);
  return validatePiles({
    kind: 'piles',
    piles: Array.from({ length: count }, () => ({
      x: cx + between(rng, -spread, spread), y: cy + between(rng, -spread, spread),
      diameter: pick(rng, [0.03, 0.1, 0.3, 0.8, 1.5, 3]) * between(rng, 0.7, 1),
      topZ: rng() < 0.6 ? top : top + between(rng, -2, 2),
      depth: between(rng, 0.2, 30),
    })),
  });
}

const FAMILIES = ['random', 'tangent', 'over top', 'under toe', 'rim', 'riser', 'through', 'long', 'point'] as const;

function randomSegment(rng: Rng, family: (typeof FAMILIES)[number], g: PileGroup, spread: number): Seg {
  const p = pick(rng, g.piles);
  const R = p.diameter / 2, lo = p.topZ - p.depth, hi = p.topZ;
  const span = spread + 4;
  const xy = (): [number, number] => [p.x + between(rng, -span, span), p.y + between(rng, -span, span)];
  const zr = (): number => between(rng, lo - 3, hi + 3);
  const eps = (): number => pick(rng, [0, 1e-9, 1e-6, 1e-3, between(rng, 0, 1)]);
  const dir = (): [number, number] => { const a = between(rng, 0, 2 * Math.PI); return [Math.cos(a), Math.sin(a)]; };
  switch (family) {
    case 'random': { const a = xy(), b = xy(); return [a[0], a[1], zr(), b[0], b[1], zr()]; }
    case 'tangent': {
      // A line square to the radius at R + δ: tangent to the side when δ = 0.
      const [ux, uy] = dir(), d = R + (rng() < 0.85 ? eps() : -between(rng, 0, R));
      const l0 = between(rng, -3, 1), l1 = between(rng, -1, 3);
      const z0 = between(rng, lo, hi), z1 = rng() < 0.6 ? z0 : zr();
      return [p.x + d * ux - l0 * uy, p.y + d * uy + l0 * ux, z0, p.x + d * ux - l1 * uy, p.y + d * uy + l1 * ux, z1];
    }
    case 'over top':
    case 'under toe': {
      const z = family === 'over top' ? hi + eps() : lo - eps();
      const [ux, uy] = dir(), off = between(rng, 0, 1.5) * R;
      const l = between(rng, 0.2, 4);
      const slope = rng() < 0.5 ? 0 : between(rng, -0.3, 0.3);
      return [p.x + off * ux - l * uy, p.y + off * uy + l * ux, z - slope * l, p.x + off * ux + l * uy, p.y + off * uy - l * ux, z + slope * l];
    }
    case 'rim': {
      // Through a point just off the rim (top or bottom edge), in any 3D direction.
      const [ux, uy] = dir();
      const out = eps(), up = pick(rng, [0, 1e-9, 1e-6, 1e-3, between(rng, 0, 0.5)]);
      const atTop = rng() < 0.5;
      const x = p.x + (R + out) * ux, y = p.y + (R + out) * uy, z = atTop ? hi + up : lo - up;
      const a = between(rng, 0, 2 * Math.PI), b = between(rng, -1.2, 1.2), l = between(rng, 0.1, 5);
      const dx = Math.cos(a) * Math.cos(b) * l, dy = Math.sin(a) * Math.cos(b) * l, dz = Math.sin(b) * l;
      const s = between(rng, 0, 1);
      return [x - s * dx, y - s * dy, z - s * dz, x + (1 - s) * dx, y + (1 - s) * dy, z + (1 - s) * dz];
    }
    case 'riser': {
      const [ux, uy] = dir(), d = R + (rng() < 0.8 ? eps() : -between(rng, 0, R));
      return [p.x + d * ux, p.y + d * uy, zr(), p.x + d * ux, p.y + d * uy, zr()];
    }
    case 'through': {
      const [ux, uy] = dir(), z = between(rng, lo, hi);
      return [p.x - 3 * ux, p.y - 3 * uy, z + between(rng, -1, 1), p.x + 3 * ux, p.y + 3 * uy, z + between(rng, -1, 1)];
    }
    case 'long': {
      // Up to 2 km long, passing near the rim: the rim search's Lipschitz bound is L·(b − a).
      const [ux, uy] = dir(), L = pick(rng, [50, 400, 2000]);
      const off = R + eps(), z = hi + pick(rng, [0, 1e-6, 1e-3, 0.3]);
      const sl = between(rng, -1e-3, 1e-3);
      return [p.x + off * uy - L / 2 * ux, p.y - off * ux - L / 2 * uy, z - sl * L / 2, p.x + off * uy + L / 2 * ux, p.y - off * ux + L / 2 * uy, z + sl * L / 2];
    }
    case 'point': {
      const [x, y] = rng() < 0.5 ? [p.x + (R + eps()) * Math.cos(1), p.y + (R + eps()) * Math.sin(1)] : xy();
      const z = rng() < 0.3 ? pick(rng, [hi, lo]) : zr();
      return [x, y, z, x, y, z];
    }
  }
}

describe('the pile volume', () => {
  oracleFamilyTests({
    families: FAMILIES, perFamily: 2_300, seed: (fi) => 0x91e5 + fi * 104729, every: 4, samplePeriod: 20,
    first: (rng) => ({ group: randomPiles(rng, 0, 0, 1), spread: 1 }),
    next: (rng) => {
      const spread = pick(rng, [0.5, 3, 20]);
      return { group: randomPiles(rng, between(rng, -3000, 3000), between(rng, -3000, 3000), spread), spread };
    },
    volume: (w) => volumeOf(w.group),
    solids: (w) => pileSolids(w.group.piles),
    segment: (rng, family, w) => randomSegment(rng, family, w.group, w.spread),
    show: (w) => w.group,
  });

  it('gives exact distances beside, over and past the rim of a pile', () => {
    const v = volumeOf(validatePiles({ kind: 'piles', piles: [{ x: 10, y: 20, diameter: 1, topZ: 0, depth: 12 }] }));
    const out = createSegmentPrismDistance();
    // Tangent to the side: 0; 0.25 m off the side: 0.25.
    expect(segmentVolumeDistance(v, 10.5, 10, -3, 10.5, 30, -3, out).distance).toBe(0);
    expect(segmentVolumeDistance(v, 10.75, 10, -3, 10.75, 30, -3, out).distance).toBeCloseTo(0.25, 12);
    expect(out.horizontal).toBeCloseTo(0.25, 12);
    // Over the top, across the middle: the vertical gap (the rim pieces either side of the disc may
    // undercut it by their RIM_ROUNDING_M allowance).
    expect(segmentVolumeDistance(v, 0, 20, 0.4, 20, 20, 0.4, out).distance).toBeCloseTo(0.4, 8);
    expect(out.distance).toBeLessThanOrEqual(0.4);
    expect(out.vertical).toBeCloseTo(0.4, 12);
    // Past the rim, 0.3 out and 0.4 up: 0.5 to the rim circle, within the search's bound.
    segmentVolumeDistance(v, 10.8, 10, 0.4, 10.8, 30, 0.4, out);
    expect(out.distance).toBeLessThanOrEqual(0.5);
    expect(out.distance).toBeCloseTo(0.5, 8);
    expect(out.vertical).toBeNull();
  });
});

describe('screening piles', () => {
  it('lists exactly the lines the brute-force screening lists, never with a milder verdict', () => {
    expectScreeningsMatchBruteForce(4242, RULES,
      (rng) => validatePiles({ kind: 'piles', piles: randomPiles(rng, between(rng, -20, 20), between(rng, -20, 20), 8).piles.map((p) => ({ ...p, topZ: 0 })) }),
      (links, group, ruleSetId, slack) => oracleScreenSolids(links, pileSolids(group.piles), RULES, ruleSetId, slack));
  });

  it('calls a pipe tangent to a pile STRIKE, at its tolerance ENCROACH and just beyond NEAR', () => {
    const tol = GAS_QLD_TOLERANCE_M;
    const piles: PileGroup = { kind: 'piles', piles: [{ x: 0, y: 0, diameter: 0.6, topZ: 0, depth: 10 }] };
    expectVerdictsAtOffsets(piles, RULES, [[0, 'STRIKE'], [tol, 'ENCROACH'], [tol + 1e-3, 'NEAR']], (offset) => {
      const y = 0.3 + 0.1 + offset;
      return [-5, y, -1, 0, 5, y, -1, 0];
    });
  });
});

describe('pile verdicts', () => {
  const severities = (links: ReturnType<typeof randomNetwork>, g: PileGroup): number[] => verdictSeverities(links, g, RULES);
  it('never get milder when a pile is wider or deeper', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }),
      (seed, wider, deeper) => {
        const rng = mulberry32(seed);
        const links = randomNetwork(rng, 40, 12);
        const g = randomPiles(rng, between(rng, -4, 4), between(rng, -4, 4), 5);
        const grown: PileGroup = { kind: 'piles', piles: g.piles.map((p) => ({ ...p, diameter: Math.min(MAX_PILE_DIAMETER_M, p.diameter + wider), depth: p.depth + deeper })) };
        const before = severities(links, g), after = severities(links, grown);
        for (let i = 0; i < links.length; i++) expect(after[i]).toBeLessThanOrEqual(before[i]!);
      }), { numRuns: 200, seed: 22 });
  });
});

describe('validatePiles', () => {
  const pile = { x: 1, y: 2, diameter: 0.6, topZ: 0, depth: 8 };
  const refusal = (input: unknown): ExcavationError => {
    try { validateExcavation(input); } catch (e) { expect(e).toBeInstanceOf(ExcavationError); return e as ExcavationError; }
    return expect.fail(`accepted ${JSON.stringify(input)}`);
  };

  it('accepts overlapping piles and returns a copy', () => {
    const input = { kind: 'piles', piles: [pile, { ...pile, x: 1.2 }] };
    const copy = structuredClone(input);
    const g = validatePiles(input);
    expect(g.piles).toEqual(input.piles);
    expect(g.piles[0]).not.toBe(input.piles[0]);
    expect(input).toEqual(copy);
  });

  it('names the bad field', () => {
    const piles = (p: Record<string, unknown>, at = 4): unknown => ({ kind: 'piles', piles: [pile, pile, pile, pile, pile].map((q, i) => (i === at ? { ...q, ...p } : q)) });
    expect(refusal(piles({ diameter: 0 })).field).toBe('piles[4].diameter');
    expect(refusal(piles({ diameter: NaN })).field).toBe('piles[4].diameter');
    expect(refusal(piles({ diameter: MAX_PILE_DIAMETER_M * 2 })).message).toMatch(/MAX_PILE_DIAMETER_M/);
    expect(refusal(piles({ depth: 0 }, 2)).field).toBe('piles[2].depth');
    expect(refusal(piles({ depth: 900 }, 2)).message).toMatch(/MAX_EXCAVATION_DEPTH_M/);
    expect(refusal(piles({ x: Infinity }, 0)).field).toBe('piles[0].x');
    expect(refusal(piles({ y: '2' }, 1)).field).toBe('piles[1].y');
    expect(refusal(piles({ topZ: null }, 3)).field).toBe('piles[3].topZ');
    expect(refusal({ kind: 'piles', piles: [pile, 7] }).field).toBe('piles[1]');
  });

  it('refuses no piles, too many piles and a group more than MAX_EXCAVATION_EXTENT_M across', () => {
    expect(refusal({ kind: 'piles', piles: [] }).field).toBe('piles');
    expect(refusal({ kind: 'piles' }).field).toBe('piles');
    expect(refusal({ kind: 'piles', piles: Array.from({ length: MAX_PILES + 1 }, () => pile) }).message).toMatch(/MAX_PILES/);
    expect(refusal({ kind: 'piles', piles: [pile, { ...pile, x: 2500 }] }).message).toMatch(/MAX_EXCAVATION_EXTENT_M/);
  });
});
