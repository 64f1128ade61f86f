import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import type { Excavation } from '../../src/core/screening/excavation';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { shareScreeningData } from '../../src/core/screening/sharedTable';
import { mulberry32 } from '../../src/core/random';
import { RULES_FILE } from '../../src/server/screeningService';
import { ScreeningThreadPool } from '../../src/server/screeningPool';

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
