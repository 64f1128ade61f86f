/**
 * The network's own reports on the sample city (seed 42): the clearance check (flatbush prefilter)
 * on the medium (~90k segments) and large (~1M segments) city, and the cover check. The peer in the
 * same run is the brute force, the same check over every segment pair (`prefilter: 'all-pairs'`),
 * on a spatially compact 10k-segment piece of the medium city; its findings must equal the
 * prefiltered check's, and the ratio is printed. Times exclude generating and importing the city.
 * Wall-clock times are printed with this process's CPU time (user + system, which includes V8's
 * GC helper threads) and the load average, so a run on a shared machine can still be read.
 *
 * Usage: npx tsx bench/networkChecks.ts [medium] [large]      (default: both)
 */
import { availableParallelism, loadavg } from 'node:os';
import clearancesJson from '../data/rules/clearances.json';
import coverJson from '../data/rules/cover.json';
import { cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';
import { parseNetworkCollection } from '../src/core/importNetwork';
import { vertexCount, type Link } from '../src/core/model';
import { checkClearances, type ClearanceReport } from '../src/core/screening/clearanceCheck';
import { checkCover } from '../src/core/screening/coverCheck';
import { validateCoverRules } from '../src/core/screening/coverRules';
import { validateClearanceRules } from '../src/core/screening/networkRules';

const SEED = 42;
const RUNS: Record<string, number> = { medium: 7, large: 3 };
const PEER_SEGMENTS = 10_000;
const CLEARANCES = validateClearanceRules(clearancesJson);
const COVER = validateCoverRules(coverJson);

function city(size: CitySize): Link[] {
  const t = performance.now();
  const links = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size, seed: SEED })] }).links;
  console.log(`  ${size} city, seed ${SEED}: ${links.length} links, generated and imported in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed below)`);
  return links;
}

const segmentsOf = (links: readonly Link[]): number => links.reduce((n, l) => n + vertexCount(l) - 1, 0);

interface Timing { first: number; min: number; mean: number; sd: number; cpuMin: number }

/** Runs f `runs` times: the first run (cold: JIT, heap growth) apart, then min and mean ± sd of the rest. */
function time<T>(runs: number, f: () => T): { timing: Timing; result: T } {
  const ms: number[] = [];
  const cpu: number[] = [];
  let result!: T;
  for (let k = 0; k < runs; k++) {
    const c = process.cpuUsage();
    const t = performance.now();
    result = f();
    ms.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  const rest = ms.length > 1 ? ms.slice(1) : ms;
  const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
  const sd = Math.sqrt(rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length);
  return { timing: { first: ms[0]!, min: Math.min(...rest), mean, sd, cpuMin: Math.min(...(cpu.length > 1 ? cpu.slice(1) : cpu)) }, result };
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const fmt = (t: Timing): string => `first ${s(t.first)}, then min ${s(t.min)}, mean ${s(t.mean)} ± ${s(t.sd)} (CPU min ${s(t.cpuMin)})`;

function summary(r: ClearanceReport): string {
  const h = r.findings.filter((f) => f.kind === 'horizontal').length;
  return `${r.findings.length} findings (${h} horizontal, ${r.findings.length - h} vertical), ${r.segmentPairsTested} segment pairs tested, ${r.connectedLinkPairs} connected link pairs skipped`;
}

/** Links nearest the city's centre until PEER_SEGMENTS segments: a compact piece, as dense as the city. */
function piece(links: readonly Link[]): Link[] {
  const start = (l: Link): number => Math.hypot(l.vertices[0]!, l.vertices[1]!);
  const out: Link[] = [];
  let n = 0;
  for (const l of [...links].sort((a, b) => start(a) - start(b))) {
    if (n >= PEER_SEGMENTS) break;
    out.push(l);
    n += vertexCount(l) - 1;
  }
  return out;
}

function runPeer(links: readonly Link[]): void {
  const sub = piece(links);
  const n = segmentsOf(sub);
  const fast = time(5, () => checkClearances(sub, CLEARANCES));
  const brute = time(2, () => checkClearances(sub, CLEARANCES, { prefilter: 'all-pairs' }));
  const same = JSON.stringify(fast.result.findings) === JSON.stringify(brute.result.findings);
  console.log(`  peer on ${n} segments (${sub.length} links of the medium city):`);
  console.log(`    flatbush prefilter  ${fmt(fast.timing)}; ${summary(fast.result)}`);
  console.log(`    brute force         ${fmt(brute.timing)}; all ${((n * (n - 1)) / 2).toLocaleString('en')} segment pairs visited`);
  console.log(`    brute / prefilter = ${(brute.timing.min / fast.timing.min).toFixed(0)}× (min times); same findings: ${same ? 'yes' : 'NO'}`);
  if (!same) process.exitCode = 1;
  console.log(`    brute / prefilter CPU = ${(brute.timing.cpuMin / fast.timing.cpuMin).toFixed(0)}×`);
  const perPair = brute.timing.min / ((n * (n - 1)) / 2);
  for (const m of [100_000, 1_000_000]) {
    console.log(`    brute force at ${m.toLocaleString('en')} segments, extrapolated as n²: ~${((perPair * (m * (m - 1)) / 2) / 1000 / 60).toFixed(0)} min`);
  }
}

/** Runs both checks on one city size; returns the clearance check's best time per segment, ms. */
function runSize(size: CitySize, links: readonly Link[]): number {
  const n = segmentsOf(links);
  const clearance = time(RUNS[size] ?? 3, () => checkClearances(links, CLEARANCES));
  const cover = time(RUNS[size] ?? 3, () => checkCover(links, COVER));
  console.log(`  ${size}: ${n.toLocaleString('en')} segments, ${clearance.result.segmentCount.toLocaleString('en')} after dropping zero-length ones`);
  console.log(`    clearance check  ${fmt(clearance.timing)}; ${(clearance.timing.min / (n / 1e5) / 1000).toFixed(2)} s per 100k segments`);
  console.log(`                     ${summary(clearance.result)}`);
  console.log(`    cover check      ${fmt(cover.timing)}; ${cover.result.findings.length} shallow stretches on ${new Set(cover.result.findings.map((f) => f.linkId)).size} links (carriageway assumed for all)`);
  return clearance.timing.min / n;
}

const sizes = process.argv.slice(2).filter((a): a is CitySize => a === 'medium' || a === 'large');
const chosen: CitySize[] = sizes.length > 0 ? sizes : ['medium', 'large'];
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`Undergrid network checks bench: node ${process.version}, ${availableParallelism()} cores available, the checks run on one; load average ${load()}`);
const perSegment: Partial<Record<CitySize, number>> = {};
for (const size of chosen) {
  const links = city(size);
  perSegment[size] = runSize(size, links);
  if (size === 'medium') runPeer(links);
}
if (!chosen.includes('medium')) runPeer(city('medium'));
console.log(`  load average at the end: ${load()}`);
if (perSegment.medium !== undefined && perSegment.large !== undefined) {
  console.log(`  large vs medium, clearance time per segment: ${(perSegment.large / perSegment.medium).toFixed(2)}× (1.00× = linear)`);
}
