/**
 * A permit holding several works (screenPermit): merged rows against a brute-force screening of the
 * union of every work, the deciding work recorded, and validation naming the work.
 */
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import { ExcavationError, validateBore, validatePiles, validateTrench, type Excavation, type OpenCut } from '../../src/core/screening/excavation';
import { MAX_BORE_VERTICES } from '../../src/core/screening/bore';
import { readDigWorks, toExcavation } from '../../src/core/screening/digWorks';
import { MAX_WORKS_PER_PERMIT, screenPermit } from '../../src/core/screening/permit';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation, VERDICTS } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { TRENCH_MITRE_LIMIT } from '../../src/core/screening/volume';
import { between, compareWithBruteForce, makeLink, mulberry32, pick, randomNetwork, type Rng } from './oracleChecks';
import { boreSolids, oracleScreenSolids, pileSolids, prismSolid, trenchSolids, type OracleSolid } from './oracleSolids';

const RULES = validateScreeningRules(rulesJson);

/** One random work of any kind near (cx, cy), with its oracle solids. */
function randomWork(rng: Rng, cx: number, cy: number): { work: Excavation; solids: OracleSolid[] } {
  for (;;) {
    try {
      switch (Math.floor(rng() * 4)) {
        case 0: {
          const s = between(rng, 1, 6);
          const cut: OpenCut = {
            kind: 'open_cut', footprint: [[cx - s, cy - s], [cx + s, cy - s], [cx + s, cy + s], [cx - s, cy + s]],
            holes: rng() < 0.5 ? [[[cx - s / 2, cy - s / 2], [cx + s / 2, cy - s / 2], [cx, cy + s / 2]]] : [], bottomZ: -between(rng, 0.5, 5), topZ: 0,
          };
          return { work: cut, solids: [prismSolid(cut.footprint, cut.holes!, cut.bottomZ, cut.topZ)] };
        }
        case 1: {
          const pts: [number, number][] = [[cx, cy]];
          for (let i = 0; i < 3; i++) pts.push([pts[i]![0] + between(rng, -10, 10), pts[i]![1] + between(rng, -10, 10)]);
          const t = validateTrench({ kind: 'trench', centreline: pts, width: between(rng, 0.3, 2), bottomZ: pts.map(() => -between(rng, 1, 4)), topZ: 0 });
          return { work: t, solids: trenchSolids(t.centreline, t.width, t.bottomZ, t.topZ, TRENCH_MITRE_LIMIT) };
        }
        case 2: {
          const b = validateBore({ kind: 'bore', path: [[cx, cy, 0], [cx + 8, cy + 2, -4], [cx + 25, cy + 4, -5], [cx + 32, cy + 5, 0]], reamerDiameter: between(rng, 0.1, 1) });
          return { work: b, solids: boreSolids(b.path, b.reamerDiameter) };
        }
        default: {
          const g = validatePiles({ kind: 'piles', piles: Array.from({ length: 4 }, () => ({ x: cx + between(rng, -6, 6), y: cy + between(rng, -6, 6), diameter: between(rng, 0.1, 1.5), topZ: 0, depth: between(rng, 1, 20) })) });
          return { work: g, solids: pileSolids(g.piles) };
        }
      }
    } catch (e) {
      if (!(e instanceof ExcavationError)) throw e;
    }
  }
}

describe('screenPermit', () => {
  it('lists what a brute-force screening of all its works together lists, never milder, naming the deciding work', () => {
    const rng = mulberry32(777);
    const ruleSets = Object.keys(RULES.ruleSets);
    let listed = 0, agreed = 0;
    for (let net = 0; net < 8; net++) {
      const links = randomNetwork(rng, 300, 30);
      const table = buildSegmentTable(links);
      const index = buildSegmentIndex(table);
      for (let p = 0; p < 4; p++) {
        const parts = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => randomWork(rng, between(rng, -20, 20), between(rng, -20, 20)));
        const works = parts.map((x) => x.work);
        const solids = parts.flatMap((x) => x.solids);
        const ruleSetId = pick(rng, ruleSets);
        const result = screenPermit(table, index, works, RULES, ruleSetId);
        const where = (): string => `net ${net} permit ${JSON.stringify(works)}`;
        const c = compareWithBruteForce(result, oracleScreenSolids(links, solids, RULES, ruleSetId), oracleScreenSolids(links, solids, RULES, ruleSetId, 2e-6), where);
        listed += c.listed; agreed += c.agreed;

        // Each row is the deciding work's own row; no other work is more severe or, as severe, nearer.
        const each = works.map((w) => new Map(screenExcavation(table, index, w, RULES, ruleSetId).lines.map((l) => [l.linkId, l])));
        for (const line of result.lines) {
          const { work, ...row } = line;
          expect(each[work]!.get(line.linkId)).toEqual(row);
          for (const [i, rows] of each.entries()) {
            const other = rows.get(line.linkId);
            if (!other || i === work) continue;
            const d = VERDICTS.indexOf(other.verdict) - VERDICTS.indexOf(line.verdict);
            expect(d > 0 || (d === 0 && (other.distance3d > line.distance3d || (other.distance3d === line.distance3d && i > work)))).toBe(true);
          }
        }
        expect(result.summary.strike + result.summary.encroach + result.summary.near).toBe(result.lines.length);
        expect(result.workSummaries).toHaveLength(works.length);
      }
    }
    expect(listed).toBeGreaterThan(300);
    expect(agreed).toBeGreaterThan(0.95 * listed);
  });

  it('gives a one-work permit the rows of screenExcavation, with work 0', () => {
    const rng = mulberry32(5);
    const links = randomNetwork(rng, 200, 20);
    const table = buildSegmentTable(links);
    const index = buildSegmentIndex(table);
    const { work } = randomWork(rng, 0, 0);
    const single = screenExcavation(table, index, work, RULES);
    const permit = screenPermit(table, index, [work], RULES);
    expect(permit.lines.map(({ work: w, ...row }) => { expect(w).toBe(0); return row; })).toEqual(single.lines);
    expect(permit.summary).toEqual(single.summary);
  });

  it('takes the trench that strikes a gas main over the piles that only come near it', () => {
    const table = buildSegmentTable([makeLink('gas', [0, 0, -1.5, 0, 30, 0, -1.5, 0], 'gas', 'B', { shape: 'circular', diameterMm: 300 })]);
    const index = buildSegmentIndex(table);
    const result = screenPermit(table, index, [
      { kind: 'piles', piles: [{ x: 15, y: 3, diameter: 0.5, topZ: 0, depth: 6 }] },
      { kind: 'trench', centreline: [[10, -5], [10, 5]], width: 0.6, bottomZ: [-2, -2], topZ: 0 },
    ], RULES, 'cn-gb50289');
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatchObject({ linkId: 'gas', verdict: 'STRIKE', work: 1 });
    expect(result.workSummaries.map((s) => s.strike)).toEqual([0, 1]);
  });

  it('names the work in a refusal', () => {
    const table = buildSegmentTable([]);
    const index = buildSegmentIndex(table);
    const refusal = (works: unknown): ExcavationError => {
      try { screenPermit(table, index, works as Excavation[], RULES); } catch (e) { expect(e).toBeInstanceOf(ExcavationError); return e as ExcavationError; }
      return expect.fail(`accepted ${JSON.stringify(works)}`);
    };
    const ok = { kind: 'piles', piles: [{ x: 0, y: 0, diameter: 0.5, topZ: 0, depth: 3 }] };
    expect(refusal([]).field).toBe('works');
    expect(refusal('trench').field).toBe('works');
    expect(refusal(Array.from({ length: MAX_WORKS_PER_PERMIT + 1 }, () => ok)).message).toMatch(/MAX_WORKS_PER_PERMIT/);
    expect(refusal([ok, { kind: 'trench', centreline: [[0, 0], [5, 0]], width: 0, bottomZ: [-1, -1], topZ: 0 }]).field).toBe('works[1].width');
    expect(refusal([ok, ok, { kind: 'bore', path: [[0, 0, -1], [9, 0, -2]], reamerDiameter: 0.3, entryPit: { kind: 'open_cut', footprint: [[0, 0]], bottomZ: -1, topZ: 0 } }]).field)
      .toBe('works[2].entryPit.footprint');
    expect(refusal([{ kind: 'tunnel' }]).message).toMatch(/works\[0\]\.kind: unknown excavation kind "tunnel"; known kinds: open_cut, trench, bore, piles/);
  });

  it('refuses a lon/lat trench whose depth drops too steeply between close vertices, naming the depth', () => {
    // What a contractor drawing a drop at a manhole might send: 1 m deep, then 8 m deep 5 cm further on.
    const metre = 1 / 111_320;
    const [trench] = readDigWorks([{ kind: 'trench', width: 0.6, depths: [1, 1, 8],
      centreLine: [[113.33, 23.13], [113.33 + 20 * metre, 23.13], [113.33 + 20.05 * metre, 23.13]] }], MAX_WORKS_PER_PERMIT);
    const toLocal = (lon: number, lat: number): [number, number] => [(lon - 113.33) / metre, (lat - 23.13) / metre];
    let refused: ExcavationError | null = null;
    try { toExcavation(trench!, toLocal, { min: 10, max: 11 }, 0.5, RULES.pitAtBoreEndTolerance.value); } catch (e) { refused = e as ExcavationError; }
    expect(refused).toBeInstanceOf(ExcavationError);
    expect(refused?.field).toBe('depths[2]');
    expect(refused?.message).toMatch(/MAX_TRENCH_BOTTOM_SLOPE/);
    // Spread over 10 cm it passes (70 m per m).
    const [gentle] = readDigWorks([{ kind: 'trench', width: 0.6, depths: [1, 1, 8],
      centreLine: [[113.33, 23.13], [113.33 + 20 * metre, 23.13], [113.33 + 20.1 * metre, 23.13]] }], MAX_WORKS_PER_PERMIT);
    expect(toExcavation(gentle!, toLocal, { min: 10, max: 11 }, 0.5, RULES.pitAtBoreEndTolerance.value).kind).toBe('trench');
  });

  it('refuses a lon/lat bore path longer than MAX_BORE_VERTICES, naming the limit', () => {
    const path = (n: number): number[][] => Array.from({ length: n }, (_, i) => [113.33 + i * 1e-5, 23.13, 2]);
    const bore = (n: number): unknown => [{ kind: 'bore', path: path(n), reamerDiameter: 0.3 }];
    expect(readDigWorks(bore(MAX_BORE_VERTICES), MAX_WORKS_PER_PERMIT)).toHaveLength(1);
    let refused: ExcavationError | null = null;
    try { readDigWorks(bore(MAX_BORE_VERTICES + 1), MAX_WORKS_PER_PERMIT); } catch (e) { refused = e as ExcavationError; }
    expect(refused?.field).toBe('works[0].path');
    expect(refused?.message).toMatch(/limit is MAX_BORE_VERTICES = 1024/);
  });
});
