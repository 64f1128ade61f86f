/**
 * Shared by the screening tests of the work kinds (screening.holes/trench/bore/piles/permit.test.ts):
 * seeded randomness, random networks, the checks of a kernel's answer against the oracle, and the
 * drivers each kind runs (its adversarial families, whole screenings against brute force, verdicts
 * at the tolerance boundary); each kind file keeps only its own work and segment builders.
 *
 * Named tolerances:
 *   KERNEL_VS_ORACLE_M  kernel and oracle distances (3D, plan, vertical) agree within this
 *   NEVER_ABOVE_M       the kernel's 3D distance never exceeds the oracle's (an upper bound) by more
 */
import { expect, it } from 'vitest';
import { QUALITY_LEVELS, UTILITY_TYPES, type Link, type QualityLevel, type UtilityType } from '../../src/core/model';
import { createSegmentPrismDistance } from '../../src/core/screening/segmentDistance';
import type { Excavation } from '../../src/core/screening/excavation';
import type { ScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation, VERDICTS, type LineConflict, type ScreeningResult } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { segmentVolumeDistance, type Volume } from '../../src/core/screening/volume';
import { severity, type OracleLine, type Seg } from './oracle';
import { mulberry32, type Rng } from '../../src/core/random';
import {
  solidsDistance, solidsHorizontal, solidsPoint, solidsSampledUpperBound, solidsVerticalAt, type OracleSolid,
} from './oracleSolids';

export const KERNEL_VS_ORACLE_M = 1e-6;
export const NEVER_ABOVE_M = 1e-9;

export { mulberry32, type Rng };

export const between = (rng: Rng, a: number, b: number): number => a + (b - a) * rng();
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

export const SECTIONS = [
  { shape: 'circular', diameterMm: 25 }, { shape: 'circular', diameterMm: 110 }, { shape: 'circular', diameterMm: 300 },
  { shape: 'circular', diameterMm: 1200 }, { shape: 'rect', widthMm: 800, heightMm: 600 }, { shape: 'rect', widthMm: 2000, heightMm: 1500 },
] as const;

/** Grounds on a 1/64 m grid are exact in float32, so the table's rounded-up ground equals the oracle's. */
export const ground = (rng: Rng): number => Math.round(between(rng, -0.5, 0.5) * 64) / 64;

export function makeLink(id: string, vertices: number[], utility: UtilityType, quality: QualityLevel | null, section: Link['section']): Link {
  return {
    id, utility, subtype: 'main', material: 'PE', section, pressureClass: null, installYear: null, owner: `owner-${utility}`,
    status: 'in_service', qualityLevel: quality, street: null, fromNode: null, toNode: null, vertices: new Float64Array(vertices),
  };
}

/** Random pipe runs in [−half, half]², 0–8 m deep, with risers and repeated vertices. */
export function randomNetwork(rng: Rng, links: number, half: number): Link[] {
  const out: Link[] = [];
  for (let l = 0; l < links; l++) {
    const n = 1 + Math.floor(rng() * 6);
    const v: number[] = [];
    let x = between(rng, -half, half), y = between(rng, -half, half), z = between(rng, -8, 0);
    for (let i = 0; i < n; i++) {
      v.push(x, y, z, ground(rng));
      const kind = rng();
      if (kind < 0.1) { /* repeated vertex: a zero-length segment */ } else if (kind < 0.2) z += between(rng, -3, 3);
      else { x += between(rng, -12, 12); y += between(rng, -12, 12); z += between(rng, -0.5, 0.5); }
    }
    const q = rng() < 0.15 ? null : pick(rng, QUALITY_LEVELS);
    out.push(makeLink(`L${l}`, v, pick(rng, UTILITY_TYPES), q, pick(rng, SECTIONS)));
  }
  return out;
}

export interface Tally { cases: number; sampled: number; worstOracle: number; worstAbove: number; worstCase?: string }
export const newTally = (): Tally => ({ cases: 0, sampled: 0, worstOracle: 0, worstAbove: -Infinity });

const OUT = createSegmentPrismDistance();
const CUT_OUT = createSegmentPrismDistance();

/**
 * One segment against one work: the kernel's union distance (segmentVolumeDistance) against the
 * oracle's; plan distance; the vertical gap attained where the kernel says and, when `sample`, no
 * smaller anywhere along the segment; never above a sampled upper bound.
 */
export function checkVolumeCase(volume: Volume, solids: readonly OracleSolid[], s: Seg, where: () => string, sample: boolean, tally: Tally): void {
  const k = segmentVolumeDistance(volume, ...s, OUT);
  const o = solidsDistance(solids, s);
  const diff = Math.abs(k.distance - o);
  if (diff > tally.worstOracle) { tally.worstOracle = diff; if (process.env.SHOW_TALLY) tally.worstCase = `${k.distance} vs ${o}: ${where()}`; }
  tally.worstAbove = Math.max(tally.worstAbove, k.distance - o);
  if (diff > KERNEL_VS_ORACLE_M) expect.fail(`kernel ${k.distance} vs oracle ${o} (${where()})`);
  if (k.distance > o + NEVER_ABOVE_M) expect.fail(`kernel ${k.distance} above the oracle's ${o}: not conservative (${where()})`);
  if (!(k.t >= 0 && k.t <= 1)) expect.fail(`t = ${k.t} (${where()})`);
  const atClosest = solidsPoint(solids, k.x, k.y, k.z);
  if (Math.abs(atClosest - k.distance) > KERNEL_VS_ORACLE_M) expect.fail(`closest point is ${atClosest} away, distance says ${k.distance} (${where()})`);

  const h = solidsHorizontal(solids, s);
  if (Math.abs(k.horizontal - h) > KERNEL_VS_ORACLE_M) expect.fail(`horizontal ${k.horizontal} vs oracle ${h} (${where()})`);
  const at = (t: number): [number, number, number] => [s[0] + t * (s[3] - s[0]), s[1] + t * (s[4] - s[1]), s[2] + t * (s[5] - s[2])];
  if (k.vertical !== null) {
    if (h > KERNEL_VS_ORACLE_M) expect.fail(`vertical ${k.vertical} with plan gap ${h} (${where()})`);
    const g = solidsVerticalAt(solids, ...at(k.verticalT), KERNEL_VS_ORACLE_M);
    if (g === null || g > k.vertical + KERNEL_VS_ORACLE_M) {
      expect.fail(`vertical ${k.vertical} at t = ${k.verticalT}, but the gap there is ${g} (${where()})`);
    }
  } else if (k.horizontal === 0) {
    expect.fail(`vertical missing with plan overlap (${where()})`);
  }
  // With a reach cutoff (screen.ts): exact below it; at or past it, anything not below it (Infinity
  // from a kernel that stopped, or another piece's farther exact distance); plan distance and
  // vertical gap unchanged. Cutoffs on both sides of the true distance.
  const exact = { distance: k.distance, horizontal: k.horizontal, vertical: k.vertical };
  const cutoff = o * (0.5 + (tally.cases % 7) / 4) + (tally.cases % 3) * 1e-7;
  const cut = segmentVolumeDistance(volume, ...s, CUT_OUT, cutoff);
  const same = Math.abs(cut.distance - exact.distance) <= KERNEL_VS_ORACLE_M;
  if (!same && (o < cutoff - KERNEL_VS_ORACLE_M || !(cut.distance >= cutoff - KERNEL_VS_ORACLE_M))) {
    expect.fail(`cutoff ${cutoff}: kernel ${cut.distance}, oracle ${o} (${where()})`);
  }
  if (cut.horizontal !== exact.horizontal || cut.vertical !== exact.vertical) expect.fail(`cutoff ${cutoff} changed the plan distance or vertical gap (${where()})`);
  if (sample) {
    tally.sampled++;
    const ub = solidsSampledUpperBound(solids, s, 400);
    if (k.distance > ub + KERNEL_VS_ORACLE_M) expect.fail(`kernel ${k.distance} exceeds sampled upper bound ${ub} (${where()})`);
    if (k.vertical !== null) {
      for (let i = 0; i <= 200; i++) {
        const g = solidsVerticalAt(solids, ...at(i / 200));
        if (g !== null && g < k.vertical - KERNEL_VS_ORACLE_M) expect.fail(`vertical ${k.vertical}, but ${g} at t = ${i / 200} (${where()})`);
      }
    }
  }
  tally.cases++;
}

/**
 * Whole screening against brute force: every line the strict oracle lists is listed, never milder;
 * every listed line is within some threshold + 2 µm (the verdict slack plus rounding). Returns how
 * many verdicts agreed exactly.
 */
export function compareWithBruteForce(
  result: Pick<ScreeningResult, 'lines'>, strict: Map<string, OracleLine>, lenient: Map<string, OracleLine>, where: () => string,
): { listed: number; agreed: number } {
  const got = new Map(result.lines.map((l) => [l.linkId, l]));
  let agreed = 0;
  for (const [id, o] of strict) {
    const k = got.get(id);
    if (!k) expect.fail(`line ${id} missed: oracle says ${o.verdict} at ${o.distance} (${where()})`);
    if (VERDICTS.indexOf(k.verdict) > severity(o.verdict)) expect.fail(`line ${id} is ${k.verdict}, oracle ${o.verdict} at ${o.distance} (${where()})`);
    if (k.verdict === o.verdict) agreed++;
  }
  for (const [id, k] of got) {
    const o = lenient.get(id);
    if (!o) expect.fail(`line ${id} listed as ${k.verdict} at ${k.distance3d} but not within any threshold + 2e-6 (${where()})`);
    if (VERDICTS.indexOf(k.verdict) < severity(o.verdict)) expect.fail(`line ${id} is ${k.verdict}, more severe than the threshold allowance (${o.verdict}) (${where()})`);
  }
  return { listed: got.size, agreed };
}

/** Each link's verdict as a severity index (0 STRIKE … VERDICTS.length for none), for monotonicity properties. */
export function verdictSeverities(links: readonly Link[], work: Excavation, rules: ScreeningRules, ruleSetId = 'cn-gb50289'): number[] {
  const table = buildSegmentTable(links);
  const lines = new Map(screenExcavation(table, buildSegmentIndex(table), work, rules, ruleSetId).lines.map((l) => [l.linkId, VERDICTS.indexOf(l.verdict)]));
  return links.map((l) => lines.get(l.id) ?? VERDICTS.length);
}

// ---- the drivers every kind's test runs (screening.holes/trench/bore/piles.test.ts) -----------

/**
 * One kind's adversarial families against the oracle: `perFamily` cases per family, a fresh random
 * work every `every` cases (`first`, when given, draws one before the loop), every `samplePeriod`-th
 * case also against a sampled upper bound. `SCREENING_SEED` shifts every family's seed.
 */
export interface FamilyCases<W, F extends string> {
  families: readonly F[];
  perFamily: number;
  seed: (familyIndex: number) => number;
  every: number;
  samplePeriod: number;
  first?: (rng: Rng) => W;
  next: (rng: Rng) => W;
  volume: (w: W) => Volume;
  solids: (w: W) => OracleSolid[];
  segment: (rng: Rng, family: F, w: W) => Seg;
  /** The work as the failure message shows it. */
  show: (w: W) => unknown;
}

export const SCREENING_SEED = Number(process.env.SCREENING_SEED ?? 0);

export function oracleFamilyTests<W, F extends string>(c: FamilyCases<W, F>): void {
  for (const [fi, family] of c.families.entries()) {
    it(`matches the oracle and is never farther than it for ${c.perFamily} "${family}" cases`, () => {
      const rng = mulberry32(c.seed(fi) + SCREENING_SEED);
      const tally = newTally();
      let w = c.first ? c.first(rng) : null;
      let volume = w === null ? null : c.volume(w), solids = w === null ? [] : c.solids(w);
      for (let i = 0; i < c.perFamily; i++) {
        if (i % c.every === 0) {
          w = c.next(rng);
          volume = c.volume(w);
          solids = c.solids(w);
        }
        const seg = c.segment(rng, family, w!);
        checkVolumeCase(volume!, solids, seg, () => `${family}: ${JSON.stringify(c.show(w!))} seg ${JSON.stringify(seg)}`, i % c.samplePeriod === 0, tally);
      }
      expect(tally.cases).toBe(c.perFamily);
      expect(tally.worstOracle).toBeLessThanOrEqual(KERNEL_VS_ORACLE_M);
      if (process.env.SHOW_TALLY) console.log(family, tally);
    });
  }
}

/** Brute force over a work: strict (slack 0) or lenient (slack 2 µm), as oracleScreen/oracleScreenSolids give it. */
export type BruteForce<W> = (links: readonly Link[], work: W, ruleSetId: string, slack?: number) => Map<string, OracleLine>;

/**
 * Whole screenings against brute force: 12 random networks of 300 links, 6 works each (`work` may
 * return null to skip one), a random rule set each; every line found, never milder, and nearly all
 * verdicts exactly the oracle's.
 */
export function expectScreeningsMatchBruteForce<W extends Excavation>(seed: number, rules: ScreeningRules, work: (rng: Rng) => W | null, bruteForce: BruteForce<W>): void {
  const rng = mulberry32(seed);
  const ruleSets = Object.keys(rules.ruleSets);
  let listed = 0, agreed = 0;
  for (let net = 0; net < 12; net++) {
    const links = randomNetwork(rng, 300, 30);
    const table = buildSegmentTable(links);
    const index = buildSegmentIndex(table);
    for (let k = 0; k < 6; k++) {
      const w = work(rng);
      if (w === null) continue;
      const ruleSetId = pick(rng, ruleSets);
      const result = screenExcavation(table, index, w, rules, ruleSetId);
      const c = compareWithBruteForce(result, bruteForce(links, w, ruleSetId), bruteForce(links, w, ruleSetId, 2e-6),
        () => `net ${net} ${w.kind} ${JSON.stringify(w)}`);
      listed += c.listed; agreed += c.agreed;
    }
  }
  expect(listed).toBeGreaterThan(300);
  expect(agreed).toBeGreaterThan(0.95 * listed);
}

/** Gas, QL-D, in cn-gb50289: clearance 1.0 m + uncertainty 2.0 m. */
export const GAS_QLD_TOLERANCE_M = 1.0 + 2.0;

/**
 * A 200 mm QL-D gas line placed by `vertices(offset)` at `offset` m (outside distance) from the work,
 * for each [offset, verdict]: the verdict it must get. Returns the rows for further checks.
 */
export function expectVerdictsAtOffsets(
  work: Excavation, rules: ScreeningRules, cases: readonly (readonly [number, string])[], vertices: (offset: number) => number[],
): LineConflict[] {
  return cases.map(([offset, verdict]) => {
    const table = buildSegmentTable([makeLink('g', vertices(offset), 'gas', 'D', { shape: 'circular', diameterMm: 200 })]);
    const line = screenExcavation(table, buildSegmentIndex(table), work, rules, 'cn-gb50289').lines[0];
    expect(line?.verdict, `offset ${offset}`).toBe(verdict);
    return line!;
  });
}
