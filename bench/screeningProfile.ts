/**
 * Where a warm screening's time and allocations go, by function (and by line): screenExcavation over
 * the 1,000 bench works of one kind on the 1M-segment network (open cuts: screeningAB.ts's digs;
 * `far`: the same digs moved off the network, the fixed cost; trench, bore, piles: works.ts's), after
 * warm passes, under the inspector:
 *   cpu    V8's sampling profiler (100 µs): self time by function and, with `lines`, by source line;
 *          the profile is written to $TMPDIR/undergrid-screening.cpuprofile
 *   alloc  the sampling heap profiler (one sample per 256 bytes, objects collected since included):
 *          bytes allocated per screening, by function
 * Through tsx every module is one line, so run a bundle for line positions:
 *   node_modules/.bin/esbuild bench/screeningProfile.ts --bundle --platform=node --format=esm --outfile=/tmp/sp.mjs
 *   node /tmp/sp.mjs [open_cut|far|trench|bore|piles] [passes] [cpu|alloc] [lines]
 * (`npx tsx bench/screeningProfile.ts …` works too, by function only). Functions inlined by the
 * optimiser are counted in their caller.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rulesJson from '../data/rules/screening.json';
import type { Excavation } from '../src/core/screening/excavation';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { loadText, mulberry32 } from './stats';
import { AREA_PER_SEGMENT_M2, dig, network } from './syntheticNetwork';
import { drawWorks, type Kind } from './works';

const kind = process.argv[2] ?? 'open_cut';
const passes = Number(process.argv[3] ?? 200);
const mode = process.argv[4] ?? 'cpu';
const byLine = process.argv[5] === 'lines';
const SEGMENTS = 1_000_000;
const side = Math.sqrt(SEGMENTS * AREA_PER_SEGMENT_M2);

const rng = mulberry32(0xb0a7 + SEGMENTS); // screeningAB.ts's network and digs
const links = network(rng, SEGMENTS, side);
let works: Excavation[];
if (kind === 'open_cut' || kind === 'far') {
  const digs = Array.from({ length: 1000 }, () => dig(rng, side));
  works = kind === 'open_cut' ? digs
    : digs.map((d) => ({ ...d, footprint: d.footprint.map(([x, y]) => [x + 3 * side, y + 3 * side] as [number, number]) }));
} else {
  works = drawWorks(mulberry32(0x3077), side, 1000).works[kind as Kind]; // screeningBoreAB.ts's
  if (!works) throw new RangeError(`kind should be open_cut, far, trench, bore or piles; got ${kind}`);
}
const rules = validateScreeningRules(rulesJson);
const table = buildSegmentTable(links);
const index = buildSegmentIndex(table);
let sink = 0;
const run = (): void => { for (const w of works) sink += screenExcavation(table, index, w, rules).lines.length; };
for (let p = 0; p < 5; p++) run();

interface Frame { functionName: string; url: string; lineNumber: number }
const where = (f: Frame): string => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
function top(totals: Map<string, number>, total: number, count: number, unit: (v: number) => string): void {
  for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`  ${unit(v).padStart(9)}  ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`);
}

const session = new Session();
session.connect();
const t0 = performance.now();
if (mode === 'alloc') {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let p = 0; p < passes; p++) run();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  interface HeapNode { callFrame: Frame; selfSize: number; children: HeapNode[] }
  const totals = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode): void => {
    total += n.selfSize;
    totals.set(where(n.callFrame), (totals.get(where(n.callFrame)) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c);
  };
  walk(profile.head as unknown as HeapNode);
  const per = passes * works.length;
  console.log(`${kind}: ~${(total / per).toFixed(0)} bytes allocated per screening (sampled), ${passes} passes over ${works.length} works (${loadText()})`);
  top(totals, total, 15, (v) => `${(v / per).toFixed(0)} B`);
} else {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  for (let p = 0; p < passes; p++) run();
  const { profile } = await session.post('Profiler.stop');
  const file = join(tmpdir(), 'undergrid-screening.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  const time = new Map<number, number>();
  profile.samples!.forEach((id, k) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas![k] ?? 0)));
  const byFunction = new Map<string, number>(), lines = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const t = time.get(n.id) ?? 0;
    total += t;
    byFunction.set(where(n.callFrame), (byFunction.get(where(n.callFrame)) ?? 0) + t);
    const ticks = n.positionTicks ?? [];
    const all = ticks.reduce((a, p) => a + p.ticks, 0);
    for (const p of ticks) {
      const k = `${n.callFrame.url.split('/').pop()}:${p.line}`;
      lines.set(k, (lines.get(k) ?? 0) + (t * p.ticks) / all);
    }
  }
  const per = (performance.now() - t0) / passes / works.length;
  console.log(`${kind}: ${(per * 1000).toFixed(2)} µs per screening under the profiler, ${passes} passes over ${works.length} works (${loadText()}); profile in ${file}`);
  top(byFunction, total, 25, (v) => `${(v / 1000).toFixed(0)} ms`);
  if (byLine) { console.log('  by line:'); top(lines, total, 30, (v) => `${(v / 1000).toFixed(0)} ms`); }
}
if (sink === -1) console.log('');
