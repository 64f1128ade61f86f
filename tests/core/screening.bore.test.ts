/**
 * HDD bore paths: chains of capsules plus entry and exit pits (capsule.ts, volume.ts) against the
 * independent oracle (oracleSolids.ts `boreSolids`: golden-section search on the exact point–capsule
 * distance, earcut pieces for the pits), whole screenings against brute force, validation, and "a
 * bigger reamer is never milder".
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import rulesJson from '../../data/rules/screening.json';
import { MAX_BORE_VERTICES, MAX_BORE_GROUND_RANGE_M, MAX_REAMER_DIAMETER_M, MIN_REAMER_DIAMETER_M } from '../../src/core/screening/bore';
import { createSegmentPrismDistance } from '../../src/core/screening/segmentDistance';
import { ExcavationError, validateBore, validateExcavation, type BorePath, type OpenCut } from '../../src/core/screening/excavation';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { segmentVolumeDistance, volumeOf } from '../../src/core/screening/volume';
import type { Seg } from './oracle';
import {
  between, expectScreeningsMatchBruteForce, expectVerdictsAtOffsets, GAS_QLD_TOLERANCE_M, makeLink, mulberry32, oracleFamilyTests, pick,
  randomNetwork, type Rng, verdictSeverities,
} from './oracleChecks';
import { boreSolids, oracleScreenSolids, type OracleSolid } from './oracleSolids';

const RULES = validateScreeningRules(rulesJson);

function pitAround(x: number, y: number, z: number, size: number, angle: number, withHole: boolean): OpenCut {
  const c = Math.cos(angle), s = Math.sin(angle);
  const at = (u: number, v: number): [number, number] => [x + size * (c * u - s * v), y + size * (s * u + c * v)];
  const pit: OpenCut = { kind: 'open_cut', footprint: [at(-1, -0.6), at(1, -0.6), at(1, 0.6), at(-1, 0.6)], bottomZ: z - 0.5, topZ: z + 2 };
  if (withHole) pit.holes = [[at(0.4, -0.2), at(0.8, -0.2), at(0.8, 0.2), at(0.4, 0.2)]];
  return pit;
}

/** Entry down at 8–20°, a run with gentle bends, and back up; sometimes a random 3D walk. */
function randomBore(rng: Rng, cx: number, cy: number, scale: number): BorePath {
  for (;;) {
    const path: [number, number, number][] = [];
    const top = between(rng, -1, 40);
    let heading = between(rng, 0, 2 * Math.PI), x = cx, y = cy, z = top;
    path.push([x, y, z]);
    const legs = 1 + Math.floor(rng() * 5);
    for (let i = 0; i < legs; i++) {
      const len = scale * between(rng, 0.2, 1);
      const dip = rng() < 0.3 ? between(rng, -1.2, 1.2) : i === 0 ? -between(rng, 0.14, 0.35) : i === legs - 1 ? between(rng, 0.14, 0.35) : between(rng, -0.05, 0.05);
      heading += rng() < 0.5 ? between(rng, -0.3, 0.3) : 0;
      x += len * Math.cos(heading) * Math.cos(dip); y += len * Math.sin(heading) * Math.cos(dip); z += len * Math.sin(dip);
      path.push([x, y, z]);
    }
    const reamerDiameter = pick(rng, [0.05, 0.2, 0.6, 1.2, 2.5]) * between(rng, 0.8, 1);
    const bore: Record<string, unknown> = { kind: 'bore', path, reamerDiameter };
    if (rng() < 0.5) bore.entryPit = pitAround(path[0]![0], path[0]![1], path[0]![2] - 1, between(rng, 1, 3), heading, rng() < 0.3);
    if (rng() < 0.3) bore.exitPit = pitAround(x, y, z - 1, between(rng, 1, 3), heading, false);
    try {
      return validateBore(bore);
    } catch (e) {
      if (!(e instanceof ExcavationError)) throw e;
    }
  }
}

const solidsOf = (b: BorePath): OracleSolid[] => boreSolids(b.path, b.reamerDiameter, [b.entryPit, b.exitPit].filter((p): p is OpenCut => p !== undefined));

const FAMILIES = ['random', 'crossing at reamer', 'parallel', 'over or under', 'riser', 'bend', 'pit', 'point'] as const;

function unit(v: [number, number, number]): [number, number, number] {
  const l = Math.hypot(...v);
  return [v[0] / l, v[1] / l, v[2] / l];
}
function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

function randomSegment(rng: Rng, family: (typeof FAMILIES)[number], b: BorePath, scale: number): Seg {
  const r = b.reamerDiameter / 2;
  const i = Math.floor(rng() * (b.path.length - 1));
  const p = b.path[i]!, q = b.path[i + 1]!;
  const d = unit([q[0] - p[0], q[1] - p[1], q[2] - p[2]]);
  const u = between(rng, 0, 1);
  const on: [number, number, number] = [p[0] + u * (q[0] - p[0]), p[1] + u * (q[1] - p[1]), p[2] + u * (q[2] - p[2])];
  // A unit vector square to the leg.
  const perp = unit(cross(d, Math.abs(d[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0]));
  const a = between(rng, 0, 2 * Math.PI);
  const other = cross(d, perp);
  const n: [number, number, number] = [Math.cos(a) * perp[0] + Math.sin(a) * other[0], Math.cos(a) * perp[1] + Math.sin(a) * other[1], Math.cos(a) * perp[2] + Math.sin(a) * other[2]];
  const gap = (): number => r + (rng() < 0.85 ? pick(rng, [0, 1e-9, 1e-6, 1e-3, between(rng, 0, 2)]) : -between(rng, 0, r));
  const xs = b.path.map((v) => v[0]), ys = b.path.map((v) => v[1]), zs = b.path.map((v) => v[2]);
  const xyz = (): [number, number, number] => [
    between(rng, Math.min(...xs) - 5, Math.max(...xs) + 5), between(rng, Math.min(...ys) - 5, Math.max(...ys) + 5), between(rng, Math.min(...zs) - 5, Math.max(...zs) + 5)];
  switch (family) {
    case 'random': { const s = xyz(), e = xyz(); return [...s, ...e]; }
    case 'crossing at reamer': {
      // Square to both the leg and n, through a point r + δ out along n: the axis distance is r + δ.
      const g = gap(), c: [number, number, number] = [on[0] + g * n[0], on[1] + g * n[1], on[2] + g * n[2]];
      const w = cross(d, n), l = between(rng, 0.5, 6);
      return [c[0] - l * w[0], c[1] - l * w[1], c[2] - l * w[2], c[0] + l * w[0], c[1] + l * w[1], c[2] + l * w[2]];
    }
    case 'parallel': {
      const g = gap(), u0 = between(rng, -0.3, 1.3) * scale, u1 = between(rng, -0.3, 1.3) * scale;
      const c: [number, number, number] = [p[0] + g * n[0], p[1] + g * n[1], p[2] + g * n[2]];
      return [c[0] + u0 * d[0], c[1] + u0 * d[1], c[2] + u0 * d[2], c[0] + u1 * d[0], c[1] + u1 * d[1], c[2] + u1 * d[2]];
    }
    case 'over or under': {
      // A level pipe crossing over or under the bore in plan.
      const g = gap() * (rng() < 0.5 ? 1 : -1), h = Math.atan2(d[1], d[0]) + between(rng, 0.3, 2.8), l = between(rng, 1, 8);
      return [on[0] - l * Math.cos(h), on[1] - l * Math.sin(h), on[2] + g, on[0] + l * Math.cos(h), on[1] + l * Math.sin(h), on[2] + g];
    }
    case 'riser': {
      const g = gap(), hx = -d[1], hy = d[0], hl = Math.hypot(hx, hy) || 1;
      const x = on[0] + g * hx / hl, y = on[1] + g * hy / hl;
      return [x, y, on[2] + between(rng, -6, 6), x, y, on[2] + between(rng, -6, 6)];
    }
    case 'bend': {
      const v = pick(rng, b.path), e = xyz();
      const off = pick(rng, [0, r, r + 1e-6, between(rng, 0, 2 * r)]);
      return [v[0] + off * n[0], v[1] + off * n[1], v[2] + off * n[2], rng() < 0.5 ? e[0] : v[0], rng() < 0.5 ? e[1] : v[1], e[2]];
    }
    case 'pit': {
      const pit = b.entryPit ?? b.exitPit;
      if (!pit) return randomSegment(rng, 'bend', b, scale);
      const [vx, vy] = pick(rng, pit.footprint);
      const z = pick(rng, [pit.topZ, pit.bottomZ, pit.bottomZ - 1e-6, between(rng, pit.bottomZ - 2, pit.topZ + 1)]);
      const e = xyz();
      return rng() < 0.5 ? [vx, vy, z, vx, vy, z + between(rng, -3, 3)] : [vx, vy, z, e[0], e[1], rng() < 0.5 ? z : e[2]];
    }
    case 'point': {
      const g = gap(), c: [number, number, number] = [on[0] + g * n[0], on[1] + g * n[1], on[2] + g * n[2]];
      const s = rng() < 0.5 ? c : xyz();
      return [...s, ...s];
    }
  }
}

describe('the bore volume', () => {
  oracleFamilyTests({
    families: FAMILIES, perFamily: 2_600, seed: (fi) => 0xb0e + fi * 15485863, every: 5, samplePeriod: 25,
    first: (rng) => ({ bore: randomBore(rng, 0, 0, 10), scale: 10 }),
    next: (rng) => {
      const scale = pick(rng, [3, 20, 100, 500]) * between(rng, 0.5, 1);
      return { bore: randomBore(rng, between(rng, -3000, 3000), between(rng, -3000, 3000), scale), scale };
    },
    volume: (w) => volumeOf(w.bore),
    solids: (w) => solidsOf(w.bore),
    segment: (rng, family, w) => randomSegment(rng, family, w.bore, w.scale),
    show: (w) => w.bore,
  });

  it('gives exact distances for a pipe crossing at the reamer radius, over the bore and beside it', () => {
    const v = volumeOf(validateBore({ kind: 'bore', path: [[0, 0, -2], [20, 0, -6], [60, 0, -6]], reamerDiameter: 0.5 }));
    const out = createSegmentPrismDistance();
    // A level pipe crossing 0.25 above the axis of the level leg: touching.
    expect(segmentVolumeDistance(v, 40, -5, -5.75, 40, 5, -5.75, out).distance).toBeCloseTo(0, 12);
    // 1.25 above: 1.0 clear, all of it vertical.
    segmentVolumeDistance(v, 40, -5, -4.75, 40, 5, -4.75, out);
    expect(out.distance).toBeCloseTo(1, 12);
    expect(out.horizontal).toBe(0);
    expect(out.vertical).toBeCloseTo(1, 7); // the closed form reports g − m, m = 1e-10 × the coordinates (capsule.ts)
    expect(out.z).toBeCloseTo(-4.75, 12);
    // Beside the leg at 2 m: 1.75 clear in plan and in 3D; no vertical gap.
    segmentVolumeDistance(v, 30, 2, -6, 50, 2, -6, out);
    expect(out.distance).toBeCloseTo(1.75, 12);
    expect(out.horizontal).toBeCloseTo(1.75, 12);
    expect(out.vertical).toBeNull();
  });
});

describe('screening a bore', () => {
  it('lists exactly the lines the brute-force screening lists, never with a milder verdict', () => {
    expectScreeningsMatchBruteForce(8088, RULES, (rng) => {
      const bore = randomBore(rng, between(rng, -20, 20), between(rng, -20, 20), between(rng, 5, 20));
      const level: BorePath = { ...bore, path: bore.path.map(([x, y, z]) => [x, y, Math.max(-9, Math.min(0, z - bore.path[0]![2]))] as [number, number, number]) };
      try { return validateBore({ ...level, entryPit: undefined, exitPit: undefined }); } catch { return null; }
    }, (links, bore, ruleSetId, slack) => oracleScreenSolids(links, solidsOf(bore), RULES, ruleSetId, slack));
  });

  it('calls a pipe crossing at the reamer radius STRIKE, at its tolerance ENCROACH and just beyond NEAR', () => {
    const tol = GAS_QLD_TOLERANCE_M;
    const bore: BorePath = { kind: 'bore', path: [[0, 0, -1], [10, 0, -5], [50, 0, -5], [60, 0, -1]], reamerDiameter: 0.6 };
    const cases = [[0, 'STRIKE'], [tol, 'ENCROACH'], [tol + 1e-3, 'NEAR']] as const;
    // A level pipe square to the level leg, passing over it: axis distance = 0.3 + 0.1 + offset.
    const lines = expectVerdictsAtOffsets(bore, RULES, cases, (offset) => [30, -10, -5 + 0.3 + 0.1 + offset, 0, 30, 10, -5 + 0.3 + 0.1 + offset, 0]);
    for (const [i, [offset]] of cases.entries()) if (offset > 0) expect(lines[i]!.vertical).toBeCloseTo(offset, 6);
  });

  it('reports the pit that strikes a line, and the plan crossing of a bore deep beneath another', () => {
    // The bore drops to 20 m: a line crossing over it is out of 3D reach of the bore (culled) but
    // within notify distance of the pit, and its row still gives the plan crossing and the vertical gap.
    const bore: BorePath = {
      kind: 'bore', path: [[0, 0, -1], [3, 0, -20], [40, 0, -20], [50, 0, -1]], reamerDiameter: 0.4,
      entryPit: { kind: 'open_cut', footprint: [[-2, -1.5], [1, -1.5], [1, 1.5], [-2, 1.5]], bottomZ: -2.5, topZ: 0 },
    };
    const table = buildSegmentTable([
      makeLink('through-pit', [-0.5, -10, -1.2, 0, -0.5, 10, -1.2, 0], 'water', 'A', { shape: 'circular', diameterMm: 100 }),
      makeLink('over-bore', [4, -3, -1, 0, 21.5, 10, -1, 0], 'gas', 'A', { shape: 'circular', diameterMm: 100 }),
    ]);
    const result = screenExcavation(table, buildSegmentIndex(table), bore, RULES, 'cn-gb50289');
    const byId = new Map(result.lines.map((l) => [l.linkId, l]));
    expect(byId.get('through-pit')?.verdict).toBe('STRIKE');
    const over = byId.get('over-bore')!;
    expect(over.verdict).toBe('NEAR');
    expect(over.distance3d).toBeCloseTo(Math.hypot(3, 1.5) - 0.05, 6); // radius rounded up to float32
    expect(over.horizontal).toBe(0);
    expect(over.vertical).toBeCloseTo(19 - 0.2 - 0.05, 6);
    expect(over.verticalAt?.y).toBeCloseTo(0, 6);
  });
});

describe('bore verdicts', () => {
  const severities = (links: ReturnType<typeof randomNetwork>, b: BorePath): number[] => verdictSeverities(links, b, RULES);
  it('never get milder when the reamer is bigger', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 2, noNaN: true }), (seed, bigger) => {
      const rng = mulberry32(seed);
      const links = randomNetwork(rng, 40, 12);
      const b = randomBore(rng, between(rng, -8, 8), between(rng, -8, 8), between(rng, 3, 10));
      const level = validateBore({ ...b, path: b.path.map(([x, y, z]) => [x, y, Math.max(-9, Math.min(0, z - b.path[0]![2]))]) });
      const grown: BorePath = { ...level, reamerDiameter: Math.min(MAX_REAMER_DIAMETER_M, level.reamerDiameter + bigger) };
      const before = severities(links, level), after = severities(links, grown);
      for (let i = 0; i < links.length; i++) expect(after[i]).toBeLessThanOrEqual(before[i]!);
    }), { numRuns: 200, seed: 23 });
  });
});

describe('validateBore', () => {
  const bore = (over: Record<string, unknown>): Record<string, unknown> =>
    ({ kind: 'bore', path: [[0, 0, -1], [10, 0, -4], [30, 0, -4], [40, 0, -1]], reamerDiameter: 0.3, ...over });
  const refusal = (input: unknown): ExcavationError => {
    try { validateExcavation(input); } catch (e) { expect(e).toBeInstanceOf(ExcavationError); return e as ExcavationError; }
    return expect.fail(`accepted ${JSON.stringify(input)}`);
  };
  const pit = { kind: 'open_cut', footprint: [[-1, -1], [1, -1], [1, 1], [-1, 1]], bottomZ: -2, topZ: 0 };

  it('accepts a bore with pits, drops repeated vertices and does not mutate its input', () => {
    const input = bore({ path: [[0, 0, -1], [0, 0, -1], [10, 0, -4], [40, 0, -1]], entryPit: pit });
    const copy = structuredClone(input);
    const b = validateBore(input);
    expect(b.path).toEqual([[0, 0, -1], [10, 0, -4], [40, 0, -1]]);
    expect(b.entryPit?.footprint).toEqual(pit.footprint);
    expect(input).toEqual(copy);
  });

  it('names the bad field, pits included', () => {
    expect(refusal(bore({ reamerDiameter: 0 })).field).toBe('reamerDiameter');
    expect(refusal(bore({ reamerDiameter: MIN_REAMER_DIAMETER_M / 2 })).message).toMatch(/MIN_REAMER_DIAMETER_M/);
    // The kernel allows a reamer widened by an uncertain ground (digWorks.ts); a request is held to MAX_REAMER_DIAMETER_M there.
    expect(refusal(bore({ reamerDiameter: MAX_REAMER_DIAMETER_M + MAX_BORE_GROUND_RANGE_M + 1 })).message).toMatch(/MAX_REAMER_DIAMETER_M \+ MAX_BORE_GROUND_RANGE_M/);
    expect(refusal(bore({ path: [[0, 0, -1], [10, 0, NaN]] })).field).toBe('path[1][2]');
    expect(refusal(bore({ path: [[0, 0, -1], [10, 0]] })).field).toBe('path[1]');
    expect(refusal(bore({ entryPit: { ...pit, footprint: [[-1, -1], [1, -1], [1, 'x']] } })).field).toBe('entryPit.footprint[2][1]');
    expect(refusal(bore({ exitPit: { ...pit, bottomZ: 1 } })).field).toBe('exitPit.bottomZ');
    expect(refusal(bore({ exitPit: 'pit' })).field).toBe('exitPit');
  });

  it('refuses an empty, a one-point, a folding-back, a self-meeting and an absurd path', () => {
    expect(refusal(bore({ path: [] })).field).toBe('path');
    expect(refusal(bore({ path: [[1, 1, 1], [1, 1, 1]] })).message).toMatch(/at least 2/);
    expect(refusal(bore({ path: [[1, 1, 1], [1, 1, 1.001]] })).message).toMatch(/MIN_BORE_LENGTH_M/);
    expect(refusal(bore({ path: [[0, 0, -1], [10, 0, -1], [5, 0, -1]] })).message).toMatch(/meets itself/);
    expect(refusal(bore({ path: [[0, 0, -1], [10, 0, -1], [10, 5, -1], [5, -5, -1]] })).message).toMatch(/meets itself/);
    expect(refusal(bore({ path: [[0, 0, -1], [2500, 0, -1]] })).message).toMatch(/MAX_EXCAVATION_EXTENT_M/);
    expect(refusal(bore({ path: [[0, 0, -1], [10, 0, -900]] })).message).toMatch(/MAX_EXCAVATION_DEPTH_M/);
    const many = Array.from({ length: MAX_BORE_VERTICES + 1 }, (_, i) => [i, 0, -1]);
    expect(refusal(bore({ path: many })).message).toMatch(/MAX_BORE_VERTICES/);
  });
});
