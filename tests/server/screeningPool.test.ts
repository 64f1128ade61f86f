import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import type { Excavation } from '../../src/core/screening/excavation';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation, type ScreeningResult } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { shareScreeningData } from '../../src/core/screening/sharedTable';
import { mulberry32 } from '../../src/core/random';
import { RULES_FILE } from '../../src/server/screeningService';
import { ScreeningThreadPool } from '../../src/server/screeningPool';
import { lonLatTransform } from '../../src/core/crs';
import { DigScreener, type ScreenableLink } from '../../src/core/digScreening';

const rulesTable = JSON.parse(readFileSync(RULES_FILE, 'utf8'));
const rules = validateScreeningRules(rulesTable);
const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 7 })] });
const table = buildSegmentTable(network.links);
const index = buildSegmentIndex(table);

function randomWorks(n: number): Excavation[] {
  const rand = mulberry32(11);
  return Array.from({ length: n }, () => {
    const link = network.links[Math.floor(rand() * network.links.length)]!;
    const x = link.vertices[0]! + (rand() - 0.5) * 30, y = link.vertices[1]! + (rand() - 0.5) * 30;
    const w = 1 + rand() * 15, h = 1 + rand() * 15, ground = link.vertices[3]!;
    return { kind: 'open_cut', footprint: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]], bottomZ: ground - 0.5 - rand() * 4, topZ: ground + 1 } as Excavation;
  });
}

describe('batch screening across worker threads', () => {
  let pool: ScreeningThreadPool;
  beforeAll(async () => {
    pool = await ScreeningThreadPool.start(shareScreeningData(table, index), rulesTable, 2);
  }, 60_000);
  afterAll(() => pool?.dispose());

  it('gives, for every work and in order, exactly what screening in this thread gives', async () => {
    const works = randomWorks(300);
    const results = await pool.screenBatch(works, 'cn-gb50289');
    expect(results).toHaveLength(300);
    let conflicts = 0;
    works.forEach((w, i) => {
      const local = screenExcavation(table, index, w, rules, 'cn-gb50289');
      expect(results[i]).toEqual(local);
      conflicts += local.lines.length;
    });
    expect(conflicts).toBeGreaterThan(100);
  });

  it('returns summaries only when asked (no rows built), equal to the full screening summary', async () => {
    const works = randomWorks(50);
    const results = await pool.screenBatch(works, 'cn-gb50289', 'summary');
    results.forEach((r, i) => {
      expect(Object.keys(r)).toEqual(['summary']);
      expect(r.summary).toEqual(screenExcavation(table, index, works[i]!, rules, 'cn-gb50289').summary);
    });
  });

  it('screens works of every kind in one batch, full and summary, as this thread does', async () => {
    const plain = randomWorks(40);
    const trench = { kind: 'trench', centreline: plain[0]!.kind === 'open_cut' ? plain[0]!.footprint.slice(0, 2) : [], width: 0.8, bottomZ: [-1, -1.5], topZ: 2 } as Excavation;
    const [x, y] = plain[1]!.kind === 'open_cut' ? plain[1]!.footprint[0]! : [0, 0];
    const holed = { kind: 'open_cut', footprint: [[x, y], [x + 12, y], [x + 12, y + 12], [x, y + 12]], holes: [[[x + 4, y + 4], [x + 6, y + 4], [x + 6, y + 6]]], bottomZ: -3, topZ: 5 } as Excavation;
    const works = [...plain.slice(0, 20), trench, holed, ...plain.slice(20)];
    const full = await pool.screenBatch(works, 'cn-gb50289');
    const summaries = await pool.screenBatch(works, 'cn-gb50289', 'summary');
    works.forEach((w, i) => {
      const local = screenExcavation(table, index, w, rules, 'cn-gb50289');
      expect(full[i]).toEqual(local);
      expect(summaries[i]).toEqual({ summary: local.summary });
    });
  });

  it('sends a bad work back as an error that names the field, and keeps serving', async () => {
    const bad = { kind: 'open_cut', footprint: [[0, 0], [1, 1]], bottomZ: 0, topZ: 1 } as Excavation;
    await expect(pool.screenBatch([bad, bad], 'cn-gb50289')).rejects.toThrow(/footprint/);
    await expect(pool.screenBatch(randomWorks(4), 'cn-gb50289')).resolves.toHaveLength(4);
  });
});

describe('batch screening far from the local frame\'s meridian', () => {
  // GRS80: a step of d metres along a parallel is Δλ = d / (N cos φ), N the prime vertical radius.
  const FRAME = { originLon: 113.3, originLat: 23.1 }, lon = 113.4, lat = 23.1, phi = (lat * Math.PI) / 180;
  const N = 6378137 / Math.sqrt(1 - 0.00669438002290 * Math.sin(phi) ** 2);
  const degreesWest = (metres: number): number => (metres / (N * Math.cos(phi))) * (180 / Math.PI);
  const { toLocal } = lonLatTransform(FRAME);
  const [x0, y0] = toLocal(lon, lat - 0.001), [x1, y1] = toLocal(lon, lat + 0.001);
  const main: ScreenableLink = {
    id: 'main', utility: 'gas', owner: 'Far Gas Co.', qualityLevel: 'A', section: { shape: 'circular', diameterMm: 200 },
    vertices: new Float64Array([x0, y0, 8.5, 10, x1, y1, 8.5, 10]),
  };
  /** A 1 m pile, in the frame, whose surface lies `outside` metres (true) west of the main's outside, 10 km east of the meridian. */
  const pile = (outside: number): Excavation => {
    const [x, y] = toLocal(lon - degreesWest(outside + 0.6), lat);
    return { kind: 'piles', piles: [{ x, y, diameter: 1, topZ: 11, depth: 4 }] };
  };
  const farTable = buildSegmentTable([main]);
  let far: ScreeningThreadPool;
  beforeAll(async () => {
    far = await ScreeningThreadPool.start(shareScreeningData(farTable, buildSegmentIndex(farTable)), rulesTable, 1);
  }, 60_000);
  afterAll(() => far?.dispose());

  it('lists a line 4.999998 m (true) from a pile 10 km east as NEAR, as DigScreener does, and not one 20 µm outside 5 m', async () => {
    const [inside, outside] = await far.screenBatch([pile(5 - 2e-6), pile(5 + 2e-5)], 'cn-gb50289');
    const rows = (r: typeof inside) => ('lines' in r! ? r.lines : []).map((l) => [l.linkId, l.verdict]);
    expect(rows(inside)).toEqual([['main', 'NEAR']]);
    expect(rows(outside)).toEqual([]);
    const summaries = await far.screenBatch([pile(5 - 2e-6), pile(5 + 2e-5)], 'cn-gb50289', 'summary');
    expect(summaries.map((s) => s!.summary.near)).toEqual([1, 0]);
    // The same answer as the lon/lat path (the API, permits, the browser's worker).
    const screener = new DigScreener(rulesTable);
    screener.load([main], FRAME, 1);
    const asked = screener.screenWorks({ works: [{ kind: 'piles', points: [[lon - degreesWest(5 - 2e-6 + 0.6), lat]], diameter: 1, depth: 3 }], groundElevation: 10, ruleSetId: 'cn-gb50289' });
    const line = (inside as ScreeningResult).lines[0]!;
    expect([line.verdict, line.clearanceSource]).toEqual([asked.lines[0]!.verdict, asked.lines[0]!.clearanceSource]);
    expect(line.clearanceSource).toMatch(/local frame's scale/);
  });
});
