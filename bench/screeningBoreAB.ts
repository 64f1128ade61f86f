/**
 * Same-run A/B of one kind of work (default: bores) between another commit (A, default 4a0edc3: the
 * capsule's vertical gap by search) and the working tree (B): the 1M-segment network and the 1,000
 * works of that kind of bench/screeningPeersWorks.ts (bench/works.ts, same seeds). As
 * bench/screeningAB.ts: A's src/core and data/rules by `git archive` into $TMPDIR/undergrid-ab-kind/<rev>,
 * timed passes alternating A, B, A, B… Verdicts must match line by line.
 * Run: npx tsx bench/screeningBoreAB.ts [rev] [kind] [segments]
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractRev, fastestPassMean, loadScreen } from './abSide';
import { loadText, mulberry32, percentile } from './stats';
import { AREA_PER_SEGMENT_M2, network } from './syntheticNetwork';
import { drawWorks, KINDS, type Kind } from './works';

const SEED = 0xb0a7; // screeningPeersWorks.ts's
const WORK_SEED = 0x3077;
const PER_KIND = 1000;
const WARM_PASSES = 2;
const TIMED_PASSES = 6;

async function main(): Promise<void> {
  const rev = process.argv[2] ?? '4a0edc3';
  const kind = (process.argv[3] ?? 'bore') as Kind;
  if (!KINDS.includes(kind)) throw new RangeError(`kind should be one of ${KINDS.join(', ')}, got ${kind}`);
  const segments = Number(process.argv[4] ?? 1_000_000);
  const here = resolve(import.meta.dirname, '..');
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: here, encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), 'undergrid-ab', sha);
  extractRev(here, sha, dir);
  const side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
  const links = network(mulberry32(SEED + segments), segments, side);
  const works = drawWorks(mulberry32(WORK_SEED), side, PER_KIND).works[kind];
  const sides = [
    { name: `A ${sha}`, screen: await loadScreen(dir, links), times: [] as number[] },
    { name: 'B working tree', screen: await loadScreen(here, links), times: [] as number[] },
  ];
  let mismatches = 0, candidates = 0;
  for (const w of works) {
    const va = new Map(sides[0]!.screen(w).lines.map((l) => [l.linkId, l.verdict]));
    const rb = sides[1]!.screen(w);
    candidates += rb.summary.candidates;
    if (va.size !== rb.lines.length || rb.lines.some((l) => va.get(l.linkId) !== l.verdict)) mismatches++;
  }
  for (let p = 0; p < WARM_PASSES + TIMED_PASSES; p++) {
    for (const s of p % 2 === 0 ? sides : [...sides].reverse()) {
      for (const w of works) {
        const t0 = performance.now();
        s.screen(w);
        if (p >= WARM_PASSES) s.times.push(performance.now() - t0);
      }
    }
  }
  const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`Screening A/B, ${kind}: ${segments.toLocaleString('en')} segments, ${PER_KIND} works × ${TIMED_PASSES} passes, ` +
    `${(candidates / PER_KIND).toFixed(1)} candidates per work, node ${process.version} (${loadText()})`);
  for (const s of sides) console.log(`  ${s.name.padEnd(16)} p50 ${us(percentile(s.times, 50))}, p99 ${us(percentile(s.times, 99))}`);
  const [a, b] = sides as [typeof sides[0], typeof sides[0]];
  console.log(`  A / B at p50: ${(percentile(a.times, 50) / percentile(b.times, 50)).toFixed(2)}×, at p99: ` +
    `${(percentile(a.times, 99) / percentile(b.times, 99)).toFixed(2)}×; verdicts differ on ${mismatches} of ${PER_KIND} works`);
  // Each work's fastest pass, averaged: preemption only adds time, so this is steadier under load.
  const fastest = (times: number[]): number => fastestPassMean(times, PER_KIND);
  console.log(`  each work's fastest pass, mean: A ${us(fastest(a.times))}, B ${us(fastest(b.times))}; A / B ${(fastest(a.times) / fastest(b.times)).toFixed(2)}×`);
}

await main();
