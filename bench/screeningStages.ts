/**
 * Where a screening's time goes: each stage of screenExcavation run alone over the 1,000 bench digs
 * (the network, seed and digs of bench/screening.ts and screeningAB.ts), so the per-dig cost of each
 * can be read beside the whole. Every dig is timed alone in each of PASSES passes, the stages taking
 * turns pass by pass; a stage's figure is the mean over digs of each dig's fastest pass, less the
 * clock's own cost:
 *
 *   validate   validateExcavation (the API's validated copy)
 *   volume     volumeOf (preparePrism for an open cut)
 *   validate + volume, as screened   what screenExcavation runs for both (volume.ts screenedVolume:
 *              an open cut's prism straight from its checked rings, into reused storage); on a tree
 *              without it, validateExcavation then volumeOf, as screenExcavation ran them there
 *   search     the index search of the piece's padded box (IndexSearch, as screen.ts runs it: the grid)
 *   tree walk  the same search by walking flatbush's tree
 *   gather     the candidates' coordinates, radius, tolerance and line read into one array
 *   kernel     pieceDistance for each candidate the two culls keep, with the cutoff
 *   summary    screenExcavationSummary (everything but the rows)
 *   whole      screenExcavation
 *   far        screenExcavation of the same digs moved off the network (zero candidates: fixed cost)
 * and preparePrism alone for footprints of 4 to 32 vertices (best of 5 loops).
 *
 * The stages share caches differently from the whole (a stage's loop touches only its own data), so
 * their sum is not the whole; it shows the proportions. Run: npx tsx bench/screeningStages.ts [segments]
 */
import rulesJson from '../data/rules/screening.json';
import { createSegmentPrismDistance, preparePrism } from '../src/core/screening/distance';
import { validateExcavation, type Excavation, type OpenCut } from '../src/core/screening/excavation';
import { gridIndexByteLength, gridOf } from '../src/core/screening/gridIndex';
import { IndexSearch } from '../src/core/screening/indexSearch';
import { ruleContext, segmentTolerances, VERDICT_SLACK_M } from '../src/core/screening/ruleContext';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation, screenExcavationSummary } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import * as volumeModule from '../src/core/screening/volume';
import { pieceDistance, volumeOf, type Volume } from '../src/core/screening/volume';
import { loadText, mulberry32, percentile } from './stats';
import { AREA_PER_SEGMENT_M2, dig, network } from './syntheticNetwork';

const SEED = 0xb0a7;
const DIGS = 1000;
const PASSES = 20;

const segments = Number(process.argv[2] ?? 1_000_000);
const rng = mulberry32(SEED + segments);
const side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
const links = network(rng, segments, side);
const digs = Array.from({ length: DIGS }, () => dig(rng, side));
const RULES = validateScreeningRules(rulesJson);
let sink = 0;
const table = buildSegmentTable(links);
const index = buildSegmentIndex(table);
// Preparing a footprint by its vertex count (regular polygons, 10 m radius): the bench's digs have 4 or 6.
// Measured before the stages' fixtures below exist: those keep 1,000 validated works and volumes alive,
// after which V8 allocates at the same sites straight into the old generation (allocation-site
// pretenuring), and preparePrism read 2–10 µs at every size instead of 0.1–0.5.
const prepared: string[] = [];
for (const n of [4, 6, 9, 16, 32]) {
  const ring: [number, number][] = Array.from({ length: n }, (_, i) => [5000 + 10 * Math.cos((2 * Math.PI * i) / n), 7000 + 10 * Math.sin((2 * Math.PI * i) / n)]);
  const loops = 20_000;
  for (let i = 0; i < loops; i++) sink += preparePrism(ring, -3, 0).vertexCount;
  let ms = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < loops; i++) sink += preparePrism(ring, -3, 0).vertexCount;
    ms = Math.min(ms, performance.now() - t0);
  }
  prepared.push(`${n} vertices ${((ms / loops) * 1e6).toFixed(0)} ns`);
}
const ctx = ruleContext(RULES, RULES.defaultRuleSet, table);
segmentTolerances(table, ctx); segmentTolerances(table, ctx);
const tolerances = segmentTolerances(table, ctx)!;
const notify = RULES.notifyDistance.value;
// The same digs 3 × side away from the network: nothing within reach.
const far: OpenCut[] = digs.map((d) => ({ ...d, footprint: d.footprint.map(([x, y]) => [x + 3 * side, y + 3 * side] as [number, number]) }));

const works: Excavation[] = digs.map((d) => validateExcavation(d));
const volumes: Volume[] = works.map((w) => volumeOf(w));
const search = new IndexSearch();
const candidates: Int32Array[] = volumes.map((v) => {
  const b = v.pieces[0]!.bounds, p = ctx.searchPad;
  const n = search.run(index, b.minX - p, b.minY - p, b.maxX + p, b.maxY + p);
  return search.items.slice(0, n);
});
const gathered = new Float64Array(8 * 4096);
const out = createSegmentPrismDistance();

/**
 * One pass over every dig, each timed alone; `fastest[i]` keeps dig i's fastest pass (preemption and
 * collections on a shared machine only ever add time, so the per-dig minimum is the steady figure).
 */
function pass(run: (i: number) => number, fastest: Float64Array, every?: number[]): void {
  let sum = 0;
  for (let i = 0; i < DIGS; i++) {
    const t0 = performance.now();
    sum += run(i);
    const ms = performance.now() - t0;
    if (ms < fastest[i]!) fastest[i] = ms;
    if (every) every.push(ms);
  }
  sink += sum;
}

const c = table.coords, radius = table.radius;
// This tree's screenedVolume, or, on an older tree (run from a `git archive` of it), what its screening ran.
const screened = (volumeModule as { screenedVolume?: (input: unknown, reuse: boolean) => Volume }).screenedVolume ??
  ((input: unknown): Volume => volumeOf(validateExcavation(input)));
const stages: [string, (i: number) => number][] = [
  ['validate', (i) => validateExcavation(digs[i]!) === null ? 1 : 0],
  ['volume', (i) => volumeOf(works[i]!).pieces.length],
  ['validate + volume', (i) => screened(digs[i]!, true).pieces.length],
  ['search', (i) => {
    const b = volumes[i]!.pieces[0]!.bounds, p = ctx.searchPad;
    return search.run(index, b.minX - p, b.minY - p, b.maxX + p, b.maxY + p);
  }],
  ['search, tree walk', (i) => {
    const b = volumes[i]!.pieces[0]!.bounds, p = ctx.searchPad;
    return search.walk(index, b.minX - p, b.minY - p, b.maxX + p, b.maxY + p);
  }],
  ['gather', (i) => {
    const found = candidates[i]!;
    for (let f = 0; f < found.length; f++) {
      const s = found[f]!, o = s * 6, q = f * 8;
      gathered[q] = c[o]!; gathered[q + 1] = c[o + 1]!; gathered[q + 2] = c[o + 2]!;
      gathered[q + 3] = c[o + 3]!; gathered[q + 4] = c[o + 4]!; gathered[q + 5] = c[o + 5]!;
      gathered[q + 6] = radius[s]!; gathered[q + 7] = tolerances[s]! + table.linkOfSegment[s]!;
    }
    return gathered[0]!;
  }],
  ['kernel', (i) => {
    const found = candidates[i]!, piece = volumes[i]!.pieces[0]!;
    let sum = 0;
    for (let f = 0; f < found.length; f++) {
      const s = found[f]!, o = s * 6;
      const reach = Math.max(tolerances[s]!, notify) + radius[s]! + VERDICT_SLACK_M;
      const d = pieceDistance(piece, c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[o + 5]!, out, reach + VERDICT_SLACK_M).distance;
      if (d < Infinity) sum += d;
    }
    return sum;
  }],
  ['summary', (i) => screenExcavationSummary(table, index, digs[i]!, RULES).candidates],
  ['whole', (i) => screenExcavation(table, index, digs[i]!, RULES).lines.length],
  ['far (0 candidates)', (i) => screenExcavation(table, index, far[i]!, RULES).lines.length],
];
// Warm every stage first so the JIT has settled, then take turns: each round runs every stage's loop
// once, so load on a shared machine falls on all alike; each stage's figure is its fastest loop.
const fastest = stages.map(() => new Float64Array(DIGS).fill(Infinity));
for (const [, run] of stages) for (let p = 0; p < 3; p++) pass(run, new Float64Array(DIGS));
// Every sample of the whole screening too, to read beside the peers bench (its p50 is over every
// single timed screening, not each dig's fastest: the two statistics differ by the passes' spread).
const wholeStage = stages.findIndex(([name]) => name === 'whole');
const wholeEvery: number[] = [];
for (let p = 0; p < PASSES; p++) stages.forEach(([, run], k) => pass(run, fastest[k]!, k === wholeStage ? wholeEvery : undefined));
// The clock's own cost, read the same way, is taken off every stage.
const clock = new Float64Array(DIGS).fill(Infinity);
for (let p = 0; p < PASSES; p++) pass(() => 0, clock);
const meanUs = (f: Float64Array): number => (f.reduce((a, b) => a + b, 0) / DIGS) * 1000;
const meanCandidates = candidates.reduce((a, f) => a + f.length, 0) / DIGS;
console.log(`Screening stages, ${table.segmentCount.toLocaleString('en')} segments, ${DIGS} open-cut digs, ` +
  `${meanCandidates.toFixed(2)} candidates per dig; each dig's fastest of ${PASSES} passes, mean µs per dig, clock (${meanUs(clock).toFixed(2)} µs) taken off (${loadText()})`);
const grid = gridOf(index);
console.log(`  index: flatbush ${(index.data.byteLength / table.segmentCount).toFixed(1)} bytes/segment` +
  (grid ? `, its grid ${(gridIndexByteLength(grid) / table.segmentCount).toFixed(1)} more (${grid.columns} × ${grid.rows} cells, ` +
    `${(grid.boxes.length / 5 / table.segmentCount).toFixed(2)} entries per segment)` : ', no grid'));
stages.forEach(([name], k) => console.log(`  ${name.padEnd(20)} ${(meanUs(fastest[k]!) - meanUs(clock)).toFixed(2)}`));
const clockUs = meanUs(clock);
const everyUs = (q: number): string => (percentile(wholeEvery, q) * 1000 - clockUs).toFixed(2);
console.log(`  whole, every sample: p50 ${everyUs(50)}, p90 ${everyUs(90)}, p99 ${everyUs(99)}, mean ` +
  `${((wholeEvery.reduce((a, b) => a + b, 0) / wholeEvery.length) * 1000 - clockUs).toFixed(2)} (the peers bench's statistic)`);
console.log(`  preparePrism: ${prepared.join(', ')}`);
if (sink === 42) console.log(''); // keeps the stages' results alive
