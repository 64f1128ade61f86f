/**
 * Event-loop delay while the server computes the network reports (src/server/networkReports.ts:
 * both reports of a version from one snapshot, encoded whole and for general viewers): in this
 * thread (`computeIn: 'in-process'`, what the first report request did on the event loop before)
 * against in the reports' worker thread (now). Same city, same SQLite file, same run, A B B A, with
 * an idle control (bench/tileLoop.ts). max and p99 are what a request arriving meanwhile (an
 * /api/health, a tile) would wait before the server even looks at it.
 *
 * Usage: node --expose-gc --max-old-space-size=8192 --import tsx bench/reportLoop.ts [small|medium|large] [seed]
 */
import type { CitySize } from '../src/core/city';
import { loadAccessRules } from '../src/server/access/accessRules';
import { NetworkReports } from '../src/server/networkReports';
import { benchLoop, whenDone, type LoopJob } from './tileLoop';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const size = (args[0] ?? 'large') as CitySize;
const seed = Number(args[1] ?? 20261127);

const computeOnce: LoopJob = async (store, mode) => {
  let line = '';
  const reports = new NetworkReports(store, { computeIn: mode, restricted: loadAccessRules(), background: true, log: (l) => { line = l; } });
  await whenDone(() => reports.status().state !== 'computing');
  const s = reports.status();
  reports.close();
  if (s.state !== 'ready') throw new Error(`the reports failed: ${s.error}`);
  return { line };
};

await benchLoop(size, seed, { job: computeOnce, did: 'both reports computed in', whole: 'while both reports are computed', wall: 'to compute both reports' });
