/**
 * What the frame-scale bound (src/core/frameScale.ts) costs the batch threads per work: the batch
 * bench's open cuts (bench/batch.ts, same seeds) screened in this thread as a summary, A without the
 * bound (the rules as loaded) and B with it (`frameScaler` made once, `workReach` per work, as
 * workers/screeningBatch.node.ts does), passes alternating A B, B A, A B…; the bound's own call timed
 * alone over the same works. The sample city lies within ±3.2 km of its meridian, so B screens with
 * the same rules object and the summaries must be equal (checked).
 * Usage: npx tsx bench/frameScaleCost.ts [small|medium|large, default large] [permits, default 10000] [passes, default 7]
 */
import { readFileSync } from 'node:fs';
import { cityCollectionHeader, generateCity, type CitySize } from '../src/core/city';
import { frameScaler, workReach } from '../src/core/frameScale';
import { parseNetworkCollection } from '../src/core/importNetwork';
import type { Excavation } from '../src/core/screening/excavation';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavationSummary } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { RULES_FILE } from '../src/server/screeningService';
import { loadText, percentile } from './stats';
import { batchOpenCuts } from './works';

const size = (process.argv[2] ?? 'large') as CitySize;
const permits = Number(process.argv[3] ?? 10_000);
const passes = Number(process.argv[4] ?? 7);

const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size, seed: 20261127 })] });
const table = buildSegmentTable(network.links);
const index = buildSegmentIndex(table);
const works: Excavation[] = batchOpenCuts(network.links, permits);
const rules = validateScreeningRules(JSON.parse(readFileSync(RULES_FILE, 'utf8')));
const rulesAt = frameScaler(rules, table.maxCentrelineDepth);
console.log(`${size} city: ${table.segmentCount} segments, ${permits} open cuts, ${passes} passes each  (${loadText()})`);

let same = 0;
for (const w of works) {
  const a = screenExcavationSummary(table, index, w, rules, 'cn-gb50289');
  const b = screenExcavationSummary(table, index, w, rulesAt(workReach(w)), 'cn-gb50289');
  if (JSON.stringify(a) === JSON.stringify(b)) same++;
}
const timesA: number[] = [], timesB: number[] = [], bound: number[] = [];
let sink = 0;
const passA = () => {
  const t0 = performance.now();
  for (const w of works) sink += screenExcavationSummary(table, index, w, rules, 'cn-gb50289').strike;
  timesA.push(performance.now() - t0);
};
const passB = () => {
  const t0 = performance.now();
  for (const w of works) sink += screenExcavationSummary(table, index, w, rulesAt(workReach(w)), 'cn-gb50289').strike;
  timesB.push(performance.now() - t0);
};
for (let p = 0; p < passes; p++) {
  // A, B on even passes, B, A on odd: neither always runs second.
  if (p % 2 === 0) { passA(); passB(); } else { passB(); passA(); }
  const t0 = performance.now();
  for (const w of works) sink += rulesAt(workReach(w)) === rules ? 0 : 1;
  bound.push(performance.now() - t0);
}
const med = (v: number[]) => percentile(v, 0.5);
console.log(`summaries equal: ${same} of ${permits}${sink < 0 ? '' : ''}`);
console.log(`A (no bound) ${med(timesA).toFixed(1)} ms / pass, B (bound per work) ${med(timesB).toFixed(1)} ms / pass: B / A ${(med(timesB) / med(timesA)).toFixed(3)} (median pass), ` +
  `${(Math.min(...timesB) / Math.min(...timesA)).toFixed(3)} (fastest)  (${loadText()})`);
console.log(`the bound alone: ${((med(bound) / permits) * 1e6).toFixed(0)} ns per work, ${((100 * med(bound)) / med(timesA)).toFixed(2)}% of a screening  (${loadText()})`);
