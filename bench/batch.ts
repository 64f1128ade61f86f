/**
 * Batch screening across worker_threads on a city-sized network: 10,000 permits on 1 and on 2
 * threads (the peer is the 1-thread run: the ratio is the speed-up), and one permit's round trip
 * through the pool against the same permit screened in this thread.
 * Usage: npx tsx bench/batch.ts [small|medium|large] [permits]
 */
import { readFileSync } from 'node:fs';
import { cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';
import { parseNetworkCollection } from '../src/core/importNetwork';
import type { Excavation } from '../src/core/screening/excavation';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { shareScreeningData } from '../src/core/screening/sharedTable';
import { RULES_FILE } from '../src/server/screeningService';
import { ScreeningThreadPool } from '../src/server/screeningPool';
import { mulberry32, percentile } from './stats';

const size = (process.argv[2] ?? 'large') as CitySize;
const permits = Number(process.argv[3] ?? 10_000);

let t = performance.now();
const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size, seed: 20261127 })] });
const table = buildSegmentTable(network.links);
const index = buildSegmentIndex(table);
console.log(`${size} city: ${table.segmentCount} segments, table + index built in ${((performance.now() - t) / 1000).toFixed(1)} s (generation and import included)`);

const rand = mulberry32(5);
const works: Excavation[] = Array.from({ length: permits }, () => {
  const link = network.links[Math.floor(rand() * network.links.length)]!;
  const x = link.vertices[0]! + (rand() - 0.5) * 40, y = link.vertices[1]! + (rand() - 0.5) * 40;
  const w = 2 + rand() * 20, h = 2 + rand() * 20, ground = link.vertices[3]!;
  return { kind: 'open_cut', footprint: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]], bottomZ: ground - 1 - rand() * 3, topZ: ground + 1 };
});
const rulesTable = JSON.parse(readFileSync(RULES_FILE, 'utf8'));
const rules = validateScreeningRules(rulesTable);
const data = shareScreeningData(table, index);

async function batchOn(threads: number): Promise<number> {
  const pool = await ScreeningThreadPool.start(data, rulesTable, threads);
  await pool.screenBatch(works.slice(0, 500), 'cn-gb50289', 'summary'); // warm the JIT in every thread
  const best: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    await pool.screenBatch(works, 'cn-gb50289', 'summary');
    best.push(performance.now() - t0);
  }
  pool.dispose();
  return Math.min(...best);
}

const one = await batchOn(1);
const two = await batchOn(2);
console.log(`${permits} permits, summaries back: 1 thread ${one.toFixed(0)} ms, 2 threads ${two.toFixed(0)} ms; speed-up ${(one / two).toFixed(2)}× (${(two / permits * 1000).toFixed(1)} µs per permit on 2)`);

const pool = await ScreeningThreadPool.start(data, rulesTable, 1);
const trip: number[] = [];
const local: number[] = [];
for (let i = 0; i < 1000; i++) {
  const w = works[i]!;
  t = performance.now();
  await pool.screenBatch([w], 'cn-gb50289', 'full');
  trip.push(performance.now() - t);
  t = performance.now();
  screenExcavation(table, index, w, rules, 'cn-gb50289');
  local.push(performance.now() - t);
}
pool.dispose();
const f = (xs: number[], q: number) => percentile(xs.slice(100), q).toFixed(3);
console.log(`one permit through the pool, round trip: p50 ${f(trip, 50)} ms p99 ${f(trip, 99)} ms; in this thread (peer): p50 ${f(local, 50)} ms p99 ${f(local, 99)} ms`);
