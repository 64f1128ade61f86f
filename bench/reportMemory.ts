/**
 * Memory of the network reports' job (src/server/networkReports.ts: both reports of a version from
 * one snapshot in a worker thread, encoded whole and for general viewers): this process's RSS above
 * its start, the peak while each step of REPORT_STEPS runs (sampled every 20 ms) and the process's
 * true peak (VmHWM, reset through /proc/self/clear_refs before the job starts), then what is left
 * half a second after the thread ended. One job per process: run it once per revision, alternating
 * (A B B A), each from that revision's tree, and compare same-run figures at the load printed.
 *
 * With --codings: then the clearances body (whole) gzipped at the default level and brotli-coded at
 * qualities 4 to 9 in this thread (5 and 9 with a 16 MB window too; 11 with --eleven), each timed (best of two) with its size: what
 * data/rules/report-server.json `compression.brotliQuality` was chosen from.
 *
 * Usage: node --expose-gc --import tsx bench/reportMemory.ts [file.sqlite | small|medium|large] [seed] [--codings [--eleven]]
 *   A database file is opened read-only and not changed; a city size is generated and imported into
 *   a temporary file first (the large city takes a minute or two).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { CitySize } from '../src/core/city';
import { loadAccessRules } from '../src/server/access/accessRules';
import { NetworkReports } from '../src/server/networkReports';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';
import { loadText } from './stats';
import { importCity } from './tileLoop';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const what = args[0] ?? 'large';
const seed = Number(args[1] ?? 20261127);

const status = () => readFileSync('/proc/self/status', 'utf8');
const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())![1]);
const mb = (k: number) => Math.round(k / 1024);

let dir: string | null = null;
let store: SqliteNetworkStore;
if (what.endsWith('.sqlite')) {
  store = new SqliteNetworkStore(what, { readonly: true });
} else {
  dir = mkdtempSync(join(tmpdir(), 'undergrid-bench-report-memory-'));
  importCity(join(dir, 'network.sqlite'), what as CitySize, seed).close();
  store = new SqliteNetworkStore(join(dir, 'network.sqlite'), { readonly: true });
}
try {
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const rss0 = kb('VmRSS');
  writeFileSync('/proc/self/clear_refs', '5'); // VmHWM := VmRSS
  let line = '';
  const reports = new NetworkReports(store, { restricted: loadAccessRules(), background: true, log: (l) => { line = l; } });
  const peak = new Map<string, number>();
  for (;;) {
    const s = reports.status();
    const key = s.doing ?? s.state;
    peak.set(key, Math.max(peak.get(key) ?? 0, kb('VmRSS') - rss0));
    if (s.state !== 'computing') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const hwm = kb('VmHWM') - rss0;
  await new Promise((r) => setTimeout(r, 500));
  const v = store.currentVersion()!.version;
  const sizes = (['cover', 'clearances'] as const).map((k) => {
    const a = reports.report(k, v);
    const f = (e: typeof a.all) => `${(e.body.byteLength / 1e6).toFixed(1)} MB (gzip ${((e.gzipped?.byteLength ?? 0) / 1e6).toFixed(2)}${e.brotli ? `, br ${(e.brotli.byteLength / 1e6).toFixed(2)}` : ''})`;
    return `${k} ${f(a.all)}, general ${f(a.general)}`;
  });
  console.log(line);
  console.log(`RSS above start, MB: peak per step ${JSON.stringify(Object.fromEntries([...peak].map(([k, x]) => [k, mb(x)])))}; `
    + `true peak (VmHWM) ${mb(hwm)}; 0.5 s after the thread ended ${mb(kb('VmRSS') - rss0)} (${loadText()})`);
  console.log(sizes.join('; '));
  if (process.argv.includes('--codings')) {
    const body = reports.report('clearances', v).all.body;
    const timed = (name: string, code: () => Buffer) => {
      let best = Infinity, bytes = 0;
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        bytes = code().byteLength;
        best = Math.min(best, performance.now() - t0);
      }
      console.log(`${name.padEnd(20)} ${(bytes / 1e6).toFixed(2)} MB (${(bytes / body.byteLength * 100).toFixed(1)} % of ${(body.byteLength / 1e6).toFixed(1)} MB) in ${(best / 1000).toFixed(2)} s (${loadText()})`);
    };
    timed('gzip', () => gzipSync(body));
    const brotli = (q: number, lgwin: number) => () => brotliCompressSync(body, { params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: q, [zlibConstants.BROTLI_PARAM_LGWIN]: lgwin, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    } });
    for (const q of [4, 5, 6, 7, 9]) timed(`brotli ${q}`, brotli(q, 22));
    for (const q of [5, 9]) timed(`brotli ${q} window 24`, brotli(q, 24));
    if (process.argv.includes('--eleven')) timed('brotli 11 window 24', brotli(11, 24));
  }
  reports.close();
} finally {
  store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
