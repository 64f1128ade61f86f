/**
 * Event-loop delay while the server's tile cache (src/server/tiles/tileCache.ts) cuts every layer
 * of a city from a SQLite file: in this thread, as the server did before (each layer blocks the
 * loop while it is cut, encoded and compressed), against in the tile cutter's worker thread, as it
 * does now. Same city, same file, same run, the order A B B A so warm-up and load fall on both.
 * perf_hooks monitorEventLoopDelay at 10 ms resolution: max and p99 are what a request arriving
 * during the cut would wait before the server even looks at it.
 *
 * Run through bench/tiles.ts: `node --expose-gc --max-old-space-size=8192 --import tsx bench/tiles.ts large --loop`
 * (--expose-gc: a full collection before each run, so none carries the last one's garbage).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';
import { parseNetworkCollection } from '../src/core/importNetwork';
import { loadAccessRules } from '../src/server/access/accessRules';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';
import { TileCache } from '../src/server/tiles/tileCache';
import { loadTileServerRules } from '../src/server/tiles/tileRules';
import { loadText } from './stats';

type Mode = 'in-process' | 'worker' | 'idle';
interface Run { mode: Mode; wallS: number; maxMs: number; p99Ms: number; p50Ms: number; samples: number; line: string; load: string }

/** The control: the same monitor over a loop with nothing to do but the 20 ms look, for `seconds` (what the machine's load alone gives). */
async function idle(seconds: number): Promise<Run> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const load = loadText();
  h.enable();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const look = (): void => { if (performance.now() - t0 >= seconds * 1000) resolve(); else setTimeout(look, 20); };
    look();
  });
  h.disable();
  return { mode: 'idle', wallS: (performance.now() - t0) / 1000, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, p50Ms: h.percentile(50) / 1e6, samples: h.count, line: '(nothing done)', load };
}

/** What a loop-delay run measures: a job begun on the store in one mode, done when it resolves; `line` what its console said. */
export type LoopJob = (store: SqliteNetworkStore, mode: 'in-process' | 'worker') => Promise<{ line: string }>;

async function measured(store: SqliteNetworkStore, mode: 'in-process' | 'worker', job: LoopJob): Promise<Run> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const load = loadText();
  h.enable();
  const t0 = performance.now();
  const { line } = await job(store, mode);
  const wallS = (performance.now() - t0) / 1000;
  h.disable();
  // No sample at all: the loop did not turn once while the job ran, so a request waited the whole run.
  if (h.count === 0) return { mode, wallS, maxMs: wallS * 1000, p99Ms: wallS * 1000, p50Ms: wallS * 1000, samples: 0, line, load };
  return { mode, wallS, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, p50Ms: h.percentile(50) / 1e6, samples: h.count, line, load };
}

/** Polls `done` every 20 ms (the look the loop does between turns). */
export function whenDone(done: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const look = (): void => { if (done()) resolve(); else setTimeout(look, 20); };
    look();
  });
}

const cutOnce: LoopJob = async (store, mode) => {
  let line = '';
  // The cut alone: no second brotli pass (in process it would block the loop again, in the worker it would not).
  const rules = loadTileServerRules();
  const compression = { ...rules.compression, recodeBrotliQuality: rules.compression.brotliQuality };
  const cache = new TileCache(store, { cutIn: mode, restricted: loadAccessRules(), rules: { ...rules, compression }, log: (l) => { line = l; } });
  await whenDone(() => { const s = cache.status(); return s.done === s.total; });
  cache.close();
  return { line };
};

/** The city in a SQLite file; the parsed network is garbage by the time the runs start, as in a server that imported it elsewhere. */
export function importCity(file: string, size: CitySize, seed: number): SqliteNetworkStore {
  const t = performance.now();
  const store = new SqliteNetworkStore(file);
  const version = store.replaceNetwork(parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size, seed })] }), `${size} city`);
  console.log(`${size} city (seed ${seed}): ${version.segments} segments imported into SQLite in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return store;
}

const gc = (globalThis as { gc?: () => void }).gc;

export function benchTileLoop(size: CitySize, seed: number): Promise<void> {
  return benchLoop(size, seed, { job: cutOnce, did: 'every layer cut in', whole: 'while the whole city is cut', wall: 'to cut every layer' });
}

/**
 * Event-loop delay while `job` runs in this thread and in its worker thread, A B B A, with an idle
 * control as long as a worker run (bench/reportLoop.ts uses it for the network reports).
 */
export async function benchLoop(size: CitySize, seed: number, what: { job: LoopJob; did: string; whole: string; wall: string }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'undergrid-bench-loop-'));
  try {
    const store = importCity(join(dir, 'network.sqlite'), size, seed);
    const runs: Run[] = [];
    for (const mode of ['in-process', 'worker', 'idle', 'worker', 'in-process'] as const) {
      gc?.(); // the last run's tiles and the import's garbage are not collected during this one
      const run = mode === 'idle' ? await idle(runs.find((r) => r.mode === 'worker')!.wallS) : await measured(store, mode, what.job);
      runs.push(run);
      console.log(`${mode.padEnd(10)}  ${mode === 'idle' ? 'nothing done for' : what.did} ${run.wallS.toFixed(1)} s; event-loop delay max ${run.maxMs.toFixed(0)} ms, p99 ${run.p99Ms.toFixed(0)} ms, p50 ${run.p50Ms.toFixed(1)} ms over ${run.samples} samples (${run.load})`);
      console.log(`            ${run.line}`);
    }
    store.close();
    const best = (mode: Mode, f: (r: Run) => number) => Math.min(...runs.filter((r) => r.mode === mode).map(f));
    const worst = (mode: Mode, f: (r: Run) => number) => Math.max(...runs.filter((r) => r.mode === mode).map(f));
    console.log(`\nevent-loop delay ${what.whole} (worst of two runs each; figures include the 10 ms sampling interval): max ${worst('in-process', (r) => r.maxMs).toFixed(0)} ms in process, `
      + `${worst('worker', (r) => r.maxMs).toFixed(0)} ms with the worker (${(worst('worker', (r) => r.maxMs) / worst('in-process', (r) => r.maxMs)).toFixed(3)}×); `
      + `p99 ${worst('in-process', (r) => r.p99Ms).toFixed(0)} vs ${worst('worker', (r) => r.p99Ms).toFixed(0)} ms`);
    const control = runs.find((r) => r.mode === 'idle')!;
    console.log(`control, the loop idle as long as a worker run (${control.wallS.toFixed(1)} s): max ${control.maxMs.toFixed(0)} ms, p99 ${control.p99Ms.toFixed(0)} ms: `
      + 'what the machine\'s load alone does to this thread');
    console.log(`wall time ${what.wall} (best of two): ${best('in-process', (r) => r.wallS).toFixed(1)} s in process, ${best('worker', (r) => r.wallS).toFixed(1)} s with the worker `
      + `(${(best('worker', (r) => r.wallS) / best('in-process', (r) => r.wallS)).toFixed(2)}×: its start-up, reading the file in the worker, the transfer)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
