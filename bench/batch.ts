/**
 * Batch screening across worker_threads on a city-sized network: 10,000 permits on 1 and on 2
 * threads (the peer is the 1-thread run: the ratio is the speed-up), and one permit's round trip
 * through the pool against the same permit screened in this thread.
 * Usage: npx tsx bench/batch.ts [small|medium|large] [permits]
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';
import { parseNetworkCollection } from '../src/core/importNetwork';
import type { Excavation } from '../src/core/screening/excavation';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation, screenExcavationSummary } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { shareScreeningData } from '../src/core/screening/sharedTable';
import { RULES_FILE } from '../src/server/screeningService';
import { ScreeningThreadPool } from '../src/server/screeningPool';
import { loadText, percentile } from './stats';
import { batchOpenCuts } from './works';

const size = (process.argv[2] ?? 'large') as CitySize;
const permits = Number(process.argv[3] ?? 10_000);

let t = performance.now();
const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size, seed: 20261127 })] });
const table = buildSegmentTable(network.links);
const index = buildSegmentIndex(table);
console.log(`${size} city: ${table.segmentCount} segments, table + index built in ${((performance.now() - t) / 1000).toFixed(1)} s (generation and import included)  (${loadText()})`);

const works: Excavation[] = batchOpenCuts(network.links, permits);
const rulesTable = JSON.parse(readFileSync(RULES_FILE, 'utf8'));
const rules = validateScreeningRules(rulesTable);
const data = shareScreeningData(table, index);

/**
 * A control for the speed-up: a fixed pure-CPU loop, twice on one thread against once on each of two,
 * 5 times. On an idle 2-core machine it reads about 2×; less means other work holds the second core.
 */
async function cpuControl(): Promise<number[]> {
  const body = `const { parentPort } = require('node:worker_threads');
    parentPort.on('message', (n) => { let x = 0; for (let i = 0; i < n; i++) x = (x * 1103515245 + i) % 2147483647; parentPort.postMessage(x); });`;
  const threads = [new Worker(body, { eval: true }), new Worker(body, { eval: true })];
  const job = (w: Worker, n: number): Promise<unknown> => new Promise((done) => { w.once('message', done); w.postMessage(n); });
  const N = 3e7;
  await Promise.all(threads.map((w) => job(w, N / 10)));
  const ratios: number[] = [];
  for (let run = 0; run < 5; run++) {
    let t0 = performance.now();
    await job(threads[0]!, N); await job(threads[0]!, N);
    const one = performance.now() - t0;
    t0 = performance.now();
    await Promise.all(threads.map((w) => job(w, N)));
    ratios.push(one / (performance.now() - t0));
  }
  await Promise.all(threads.map((w) => w.terminate()));
  return ratios;
}

// The peer for the pool's overhead: the same works screened in this thread, summaries only.
function inThread(): number {
  const t0 = performance.now();
  for (const w of works) screenExcavationSummary(table, index, w, rules, 'cn-gb50289');
  return performance.now() - t0;
}

// 1 and 2 threads alive side by side; runs alternate 1, 2, 1, 2… so load from elsewhere falls on
// both alike, and each run's 2-thread time is divided into the 1-thread run just before it.
const pools = [await ScreeningThreadPool.start(data, rulesTable, 1), await ScreeningThreadPool.start(data, rulesTable, 2)];
for (const p of pools) await p.screenBatch(works.slice(0, 2000), 'cn-gb50289', 'summary'); // warm the JIT in every thread
for (let i = 0; i < 3; i++) inThread();
const RUNS = 5;
const ms: number[][] = [[], [], []];
for (let run = 0; run < RUNS; run++) {
  const line: string[] = [];
  for (const [k, p] of pools.entries()) {
    const t0 = performance.now();
    await p.screenBatch(works, 'cn-gb50289', 'summary');
    ms[k]!.push(performance.now() - t0);
    line.push(`${p.size} thread${p.size > 1 ? 's' : ''} ${ms[k]!.at(-1)!.toFixed(0)} ms`);
  }
  ms[2]!.push(inThread());
  console.log(`  run ${run + 1}: ${line.join(', ')}, in this thread ${ms[2]!.at(-1)!.toFixed(0)} ms; ` +
    `speed-up ${(ms[0]!.at(-1)! / ms[1]!.at(-1)!).toFixed(2)}×  (${loadText()})`);
}
for (const p of pools) p.dispose();
const control = await cpuControl();
const best = ms.map((xs) => Math.min(...xs));
const ratios = ms[0]!.map((one, i) => one / ms[1]![i]!);
console.log(`${permits} permits, summaries back, best of ${RUNS}: 1 thread ${best[0]!.toFixed(0)} ms, 2 threads ${best[1]!.toFixed(0)} ms ` +
  `(${(best[1]! / permits * 1000).toFixed(1)} µs per permit), in this thread without the pool ${best[2]!.toFixed(0)} ms; ` +
  `speed-up 2 vs 1 thread: median ${percentile(ratios, 50).toFixed(2)}×, best ${Math.max(...ratios).toFixed(2)}×  (${loadText()})`);
console.log(`control, what the machine gave two threads just now: the same pure-CPU loop on 2 threads vs 1, speed-up ` +
  `median ${percentile(control, 50).toFixed(2)}×, best ${Math.max(...control).toFixed(2)}×  (${loadText()})`);

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
console.log(`one permit through the pool, round trip: p50 ${f(trip, 50)} ms p99 ${f(trip, 99)} ms; in this thread (peer): p50 ${f(local, 50)} ms p99 ${f(local, 99)} ms  (${loadText()})`);
