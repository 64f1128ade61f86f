/**
 * Screening benchmark: seeded random networks of 100k and 1M segments, 1,000 random digs each.
 * Measures table and index build time, bytes per segment, per-permit screening time (p50, p99,
 * mean ± sd), and a peer in the same run: brute force, the same exact kernel and verdict rules over
 * every segment with no index. Run: npx tsx bench/screening.ts [segments ...]
 */
import rulesJson from '../data/rules/screening.json';
import { QUALITY_LEVELS, UTILITY_TYPES, type Link } from '../src/core/model';
import { createSegmentPrismDistance, preparePrism, segmentPrismDistance } from '../src/core/screening/distance';
import type { OpenCut } from '../src/core/screening/excavation';
import { horizontalUncertaintyAt, validateScreeningRules, verticalUncertaintyAt } from '../src/core/screening/rules';
import { gridIndexByteLength, gridOf } from '../src/core/screening/gridIndex';
import { ruleContext, segmentTolerances } from '../src/core/screening/ruleContext';
import { screenExcavation, verdictIndex, VERDICTS } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable, QUALITY_UNKNOWN, segmentTableByteLength, type SegmentTable } from '../src/core/screening/segmentTable';
import { mulberry32 } from '../src/core/random';
import { AREA_PER_SEGMENT_M2, dig, network } from './syntheticNetwork';

const SEED = 0xb0a7;
const DIGS = 1000;
const WARM_PASSES = 3;
const TIMED_PASSES = 5;
const BRUTE_DIGS: Record<number, number> = { 100_000: 100, 1_000_000: 20 };
const RULES = validateScreeningRules(rulesJson);
const RULE_SET = RULES.defaultRuleSet;



/** The peer: exact kernel and verdict rules over every segment, no index, no bbox cull. */
function bruteForce(table: SegmentTable, work: OpenCut): Map<string, string> {
  const prism = preparePrism(work.footprint, work.bottomZ, work.topZ);
  const out = createSegmentPrismDistance();
  const notify = RULES.notifyDistance.value;
  const ruleSet = RULES.ruleSets[RULE_SET]!;
  const best = new Map<number, number>();
  const c = table.coords;
  for (let s = 0; s < table.segmentCount; s++) {
    const o = s * 6;
    const link = table.linkOfSegment[s]!;
    const q = table.linkQuality[link]!;
    const unc = RULES.positionalUncertainty[QUALITY_LEVELS[q === QUALITY_UNKNOWN ? 3 : q]!];
    const h = Math.max(table.segmentGround[2 * s]! - c[o + 2]!, table.segmentGround[2 * s + 1]! - c[o + 5]!);
    const depth = Number.isNaN(h) ? table.maxCentrelineDepth : h;
    const tol = ruleSet.clearances[UTILITY_TYPES[table.linkUtility[link]!]!].value +
      Math.max(horizontalUncertaintyAt(unc, depth), verticalUncertaintyAt(unc, depth));
    segmentPrismDistance(prism, c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[o + 5]!, out);
    const v = verdictIndex(out.distance, table.radius[s]!, tol, notify);
    if (v < VERDICTS.length && v < (best.get(link) ?? VERDICTS.length)) best.set(link, v);
  }
  return new Map([...best].map(([l, v]) => [table.linkIds[l]!, VERDICTS[v]!]));
}

function stats(ms: number[]): { p50: number; p99: number; mean: number; sd: number; min: number } {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean, sd, min: s[0]! };
}

const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

function run(segments: number): void {
  const rng = mulberry32(SEED + segments);
  const side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
  const links = network(rng, segments, side);

  let t0 = performance.now();
  const table = buildSegmentTable(links);
  const tableMs = performance.now() - t0;
  t0 = performance.now();
  const index = buildSegmentIndex(table);
  const indexMs = performance.now() - t0;
  const bytes = segmentTableByteLength(table) + index.data.byteLength;

  const digs = Array.from({ length: DIGS }, () => dig(rng, side));
  // Warm as screeningPeers.ts does (the JIT settles over a few passes), then time every dig in 5 passes.
  for (let p = 0; p < WARM_PASSES; p++) for (const d of digs) screenExcavation(table, index, d, RULES, RULE_SET);
  const times: number[] = [];
  let candidates = 0, tested = 0, listed = 0;
  for (let p = 0; p < TIMED_PASSES; p++) {
    for (const d of digs) {
      const s = performance.now();
      const r = screenExcavation(table, index, d, RULES, RULE_SET);
      times.push(performance.now() - s);
      if (p === 0) { candidates += r.summary.candidates; tested += r.summary.segmentsTested; listed += r.lines.length; }
    }
  }

  const bruteDigs = BRUTE_DIGS[segments] ?? 20;
  const bruteTimes: number[] = [];
  let mismatches = 0;
  for (let i = 0; i < bruteDigs; i++) {
    const s = performance.now();
    const brute = bruteForce(table, digs[i]!);
    bruteTimes.push(performance.now() - s);
    const fast = new Map(screenExcavation(table, index, digs[i]!, RULES, RULE_SET).lines.map((l) => [l.linkId, l.verdict]));
    if (fast.size !== brute.size || [...brute].some(([id, v]) => fast.get(id) !== v)) mismatches++;
  }

  const q = stats(times), b = stats(bruteTimes);
  // Built by the warm passes (its second use): one per set of tolerance values in use.
  const column = segmentTolerances(table, ruleContext(RULES, RULE_SET, table))?.byteLength ?? 0;
  // Built on the index's second search (also by the warm passes): the search grid over its boxes.
  const grid = gridOf(index);
  const gridBytes = grid ? gridIndexByteLength(grid) : 0;
  console.log(`\n${segments.toLocaleString('en')} segments (${table.linkIds.length.toLocaleString('en')} links) in a ${(side / 1000).toFixed(1)} km square`);
  console.log(`  build: table ${tableMs.toFixed(0)} ms, index ${indexMs.toFixed(0)} ms; ${(bytes / table.segmentCount).toFixed(1)} bytes/segment ` +
    `(table ${(segmentTableByteLength(table) / table.segmentCount).toFixed(1)}, index ${(index.data.byteLength / table.segmentCount).toFixed(1)}), ` +
    `+ ${(column / table.segmentCount).toFixed(1)} for the rule set's tolerance column, ` +
    `+ ${(gridBytes / table.segmentCount).toFixed(1)} for the index's search grid${grid ? ` (${grid.columns} × ${grid.rows} cells)` : ' (none)'}`);
  console.log(`  screenExcavation over ${DIGS} digs × ${TIMED_PASSES} passes (after ${WARM_PASSES} warm): p50 ${fmt(q.p50)}, p99 ${fmt(q.p99)}, min ${fmt(q.min)}, mean ${fmt(q.mean)} ± ${fmt(q.sd)}; ` +
    `per dig ${(candidates / DIGS).toFixed(1)} candidates, ${(tested / DIGS).toFixed(1)} tested exactly, ${(listed / DIGS).toFixed(2)} lines listed`);
  console.log(`  brute force over ${bruteDigs} digs:   p50 ${fmt(b.p50)}, min ${fmt(b.min)}, mean ${fmt(b.mean)} ± ${fmt(b.sd)}; ` +
    `${(b.mean / table.segmentCount * 1e6).toFixed(0)} ns per segment`);
  console.log(`  ratio brute force / indexed: p50 ${(b.p50 / q.p50).toFixed(0)}×, mean ${(b.mean / q.mean).toFixed(0)}×; ` +
    `verdicts differ on ${mismatches} of ${bruteDigs} digs`);
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
console.log(`Undergrid screening bench, seed ${SEED}, node ${process.version}, rule set ${RULE_SET}`);
for (const n of sizes.length ? sizes : [100_000, 1_000_000]) run(n);
