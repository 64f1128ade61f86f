/**
 * Same-run A/B of the screening kernel: the open-cut path of another commit (A, default c1deef2^,
 * before the new kinds) against the working tree (B), on the same seeded 1M-segment network and
 * the same 1,000 digs as bench/screening.ts. A's src/core and data/rules are taken with `git archive`
 * into $TMPDIR/undergrid-ab/<rev> (with a node_modules link, so `flatbush` resolves), each side builds its own table and
 * index, and timed passes alternate A, B, A, B… so load on a shared machine falls on both alike.
 * Verdicts must match. Run: npx tsx bench/screeningAB.ts [rev] [segments] [aa] [shared|shared-grid] [keep]; with `aa` B is a
 * second copy of rev (an A/A run), which should read 1.00: run one beside an A/B to see the noise.
 *
 * Each side's own table and index (the default) are two copies of ~120 MB placed apart in memory, and
 * that placement alone moved an A/A run by up to ±7% (kern14: 0.93–1.02 over 11 runs). `shared`:
 * both sides screen one table and index, built by B (the same numbers: buildSegmentTable is
 * unchanged since before 734ddf5), each side building its own grid from it; `shared-grid`: B's grid
 * too, adopted by A (`adoptGridIndex`), for a change that leaves the grid alone (A/A 0.996–1.014 over
 * three runs). What a side builds is then not measured, only how it screens; use it to resolve a
 * change of a few percent, and the default to see nothing else moved. `keep`: each side's first pass
 * of rows is kept alive through the timing, as bench/screeningPeers.ts keeps its own.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractRev, fastestPassMean, loadScreen, loadSide } from './abSide';
import { loadText, mulberry32, percentile } from './stats';
import { AREA_PER_SEGMENT_M2, dig, network } from './syntheticNetwork';

const SEED = 0xb0a7;
const DIGS = 1000;
const WARM_PASSES = 3;
const TIMED_PASSES = 8;

interface Side {
  name: string;
  screen: (d: unknown) => { lines: { linkId: string; verdict: string }[] };
  times: number[];
}

async function load(name: string, root: string, links: unknown): Promise<Side> {
  return { name, screen: await loadScreen(root, links), times: [] };
}

async function main(): Promise<void> {
  const rev = process.argv[2] ?? 'c1deef2^';
  const segments = Number(process.argv[3] ?? 1_000_000);
  const here = resolve(import.meta.dirname, '..');
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: here, encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), 'undergrid-ab', sha);
  // 'aa': B is a second copy of A, to read the bench's own bias (it should print 1.00).
  const flags = process.argv.slice(4);
  const self = flags.includes('aa');
  const shareGrid = flags.includes('shared-grid'), share = shareGrid || flags.includes('shared');
  const copy = join(tmpdir(), 'undergrid-ab', `${sha}-copy`);
  extractRev(here, sha, dir);
  if (self) extractRev(here, sha, copy);
  const rng = mulberry32(SEED + segments);
  const side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
  const links = network(rng, segments, side);
  const digs = Array.from({ length: DIGS }, () => dig(rng, side));
  const bRoot = self ? copy : here, aName = `A ${sha}`, bName = self ? `B ${sha} (copy)` : 'B working tree';
  let a: Side, b: Side;
  if (share) {
    const sideA = await loadSide(dir), sideB = await loadSide(bRoot);
    const table = sideB.table.buildSegmentTable(links), index = sideB.table.buildSegmentIndex(table);
    if (shareGrid) {
      if (!sideA.grid.adoptGridIndex || !sideB.grid.adoptGridIndex) throw new Error('shared-grid: a side has no adoptGridIndex');
      const grid = sideB.grid.buildGridIndex(index);
      sideB.grid.adoptGridIndex(index, grid);
      sideA.grid.adoptGridIndex(index, grid);
    }
    a = { name: aName, screen: sideA.screenOn(table, index), times: [] };
    b = { name: bName, screen: sideB.screenOn(table, index), times: [] };
  } else {
    a = await load(aName, dir, links);
    b = await load(bName, bRoot, links);
  }

  let mismatches = 0;
  // 'keep': each side's first pass of rows stays alive through the timing, as screeningPeers.ts keeps
  // its own (`ours`); V8 then pretenures a row literal's allocation site (kern14, "Eleventh speed round").
  const keep = flags.includes('keep'), kept: unknown[] = [];
  for (const d of digs) {
    const ra = a.screen(d).lines;
    const va = new Map(ra.map((l) => [l.linkId, l.verdict]));
    const vb = b.screen(d).lines;
    if (va.size !== vb.length || vb.some((l) => va.get(l.linkId) !== l.verdict)) mismatches++;
    if (keep) kept.push(new Map(ra.map((l) => [l.linkId, l])), new Map(vb.map((l) => [l.linkId, l])));
  }
  for (let p = 0; p < WARM_PASSES + TIMED_PASSES; p++) {
    for (const s of p % 2 === 0 ? [a, b] : [b, a]) {
      for (const d of digs) {
        const t0 = performance.now();
        s.screen(d);
        if (p >= WARM_PASSES) s.times.push(performance.now() - t0);
      }
    }
  }
  const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`Screening A/B, ${segments.toLocaleString('en')} segments, ${DIGS} open-cut digs × ${TIMED_PASSES} passes${share ? `, one table${shareGrid ? ' and grid' : ''} for both sides` : ''}${keep ? `, first pass's rows kept (${kept.length} maps)` : ''}, node ${process.version} (${loadText()})`);
  for (const s of [a, b]) {
    const mean = s.times.reduce((x, y) => x + y, 0) / s.times.length;
    console.log(`  ${s.name.padEnd(18)} p50 ${us(percentile(s.times, 50))}, p99 ${us(percentile(s.times, 99))}, mean ${us(mean)}`);
  }
  console.log(`  B / A at p50: ${(percentile(b.times, 50) / percentile(a.times, 50)).toFixed(2)}; verdicts differ on ${mismatches} of ${DIGS} digs`);
  // Each dig's fastest pass, summed: preemption on a busy machine only ever adds time, so the minimum
  // is the steadier comparison there (one A/A run read 0.985 on it and 1.04 at p50).
  const minimum = (times: number[]): number => fastestPassMean(times, DIGS);
  console.log(`  each dig's fastest pass, mean: A ${us(minimum(a.times))}, B ${us(minimum(b.times))}; B / A ${(minimum(b.times) / minimum(a.times)).toFixed(3)}`);
}

await main();
