/**
 * What the network reports panel costs the page's main thread, with the report worker
 * (workers/networkReport.worker.ts) and without it. The body is the small sample city's real
 * clearance report (seed 42, served as JSON) with its findings repeated, each copy under its own
 * line ids and with its gap moved by a seeded few centimetres, up to the large city's ~50,000
 * findings (review 2026-11-28: 50,879, 23.7 MB), so parsing, ordering and filtering do the large
 * city's work on the large city's shape.
 *
 * Peer in the same run: the main thread doing it all (JSON.parse of the whole body, then
 * NetworkReportView: ordering, counts) — what the panel would cost without the worker, each run one
 * uninterrupted task. With the worker, the main thread only receives a summary and one page
 * (structured clone, measured here as structuredClone of the same objects) and renders 50 rows.
 * Not measured here: the DOM (50 rows either way; without paging it would be 50,000).
 *
 * Usage: npx tsx bench/reportView.ts [findings]      (default 50,000)
 */
import { lonLatTransform } from '../src/core/crs';
import { NetworkReportView, type ReportQuery } from '../src/core/networkReportView';
import { largeClearanceReport } from './largeReport';
import { loadText } from './stats';

const TARGET = Number(process.argv[2] ?? 50_000);
const RUNS = 7;
const PAGE: ReportQuery = { kind: null, utility: null, group: null, page: 0, pageSize: 50 };

const { text, bytes, network, base, findings } = largeClearanceReport(TARGET);
const fromLocal = lonLatTransform(network.frame).fromLocal;
console.log(`clearance report: ${findings.toLocaleString()} findings (the small city's ${base} repeated), ${(bytes.length / 1e6).toFixed(1)} MB JSON; ${loadText()}`);

function time(label: string, f: () => unknown): number[] {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  const rest = ms.slice(1);
  const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
  console.log(`  ${label.padEnd(62)} first ${ms[0]!.toFixed(1).padStart(7)} ms, then min ${Math.min(...rest).toFixed(2).padStart(7)} mean ${mean.toFixed(2).padStart(7)} ms   (${loadText()})`);
  return rest;
}

console.log('main thread without the worker (peer): one task each');
const mainParse = time('JSON.parse of the body', () => JSON.parse(text));
const mainAll = time('JSON.parse + NetworkReportView (order, counts)', () => new NetworkReportView(JSON.parse(text), 'clearances', fromLocal));

console.log('in the worker (off the main thread)');
time('decode + JSON.parse + NetworkReportView', () => new NetworkReportView(JSON.parse(new TextDecoder().decode(bytes)), 'clearances', fromLocal));
const view = new NetworkReportView(JSON.parse(text), 'clearances', fromLocal);
time('a page of 50 (no filter)', () => view.page({ ...PAGE, page: 3 }));
let flip = 0;
time('a page of 50 after a new utility filter (scans every finding)', () => view.page({ ...PAGE, utility: flip++ % 2 ? 'gas' : 'water' }));

console.log('main thread with the worker: what crosses back');
const summary = view.summary;
const page = view.page(PAGE);
const withWorker = time('structuredClone of the summary + one page of 50', () => structuredClone({ summary, page }));
const min = (xs: number[]) => Math.min(...xs);
console.log(`main thread: ${min(mainAll).toFixed(1)} ms without the worker (of which JSON.parse ${min(mainParse).toFixed(1)} ms) vs ${min(withWorker).toFixed(2)} ms with it: ${(min(mainAll) / min(withWorker)).toFixed(0)}× less (mins); long-task limit 50 ms; ${loadText()}`);
