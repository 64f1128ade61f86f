/**
 * What a screening of each kind of work handles, per work (not timed): the items its index searches
 * return (summed over the pieces' searches), the distinct candidates (`summary.candidates`), the
 * (piece, candidate) pairs the pieces' searches give, those that pass the 3D box cull against the pad
 * and against the line's own reach, those whose found box is within the search's pad of the piece's
 * plan shape (manyPieces.ts `planShapeMeets`: what the gather reads since the seventh round) and of
 * those the ones that pass the 3D culls, the kernel calls (`summary.segmentsTested`), and the lines listed. The bench's 1M-segment network and
 * the 1,000 works of each kind of bench/screeningPeersWorks.ts (bench/works.ts, same seeds).
 * Run: npx tsx bench/screeningCounts.ts [segments]
 */
import rulesJson from '../data/rules/screening.json';
import { IndexSearch } from '../src/core/screening/indexSearch';
import { gap, planShapeMeets, writePlanCull } from '../src/core/screening/manyPieces';
import { ruleContext, segmentToleranceOf, VERDICT_SLACK_M } from '../src/core/screening/ruleContext';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { volumeOf } from '../src/core/screening/volume';
import { validateExcavation } from '../src/core/screening/excavation';
import { loadText, mulberry32 } from './stats';
import { AREA_PER_SEGMENT_M2, dig, network } from './syntheticNetwork';
import { drawWorks, KINDS } from './works';

const segments = Number(process.argv[2] ?? 1_000_000);
const side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
const links = network(mulberry32(0xb0a7 + segments), segments, side);
const drawn = drawWorks(mulberry32(0x3077), side, 1000).works;
const openRng = mulberry32(0xb0a7 + segments);
network(openRng, segments, side); // screeningAB.ts's digs follow its network in the same stream
drawn.open_cut = Array.from({ length: 1000 }, () => dig(openRng, side));
const rules = validateScreeningRules(rulesJson);
const table = buildSegmentTable(links);
const index = buildSegmentIndex(table);
const search = new IndexSearch();
const ctx = ruleContext(rules, rules.defaultRuleSet, table);
const notify = rules.notifyDistance.value;
const c = table.coords;
const index4 = index._boxes;
const position = new Map<number, number>();
for (let p = 0; p < index.numItems; p++) position.set(index._indices[p]!, p);

console.log(`${segments} segments, searchPad ${ctx.searchPad.toFixed(3)} m, pad ${ctx.pad.toFixed(3)} m (${loadText()})`);
console.log('per work    pieces   found  candid.   pairs  3D-pad  3D-reach  shape  +3D-pad +3D-reach  kernels  lines');
for (const kind of KINDS) {
  const t = { pieces: 0, found: 0, candidates: 0, pairs: 0, pad0: 0, reach0: 0, shape: 0, pad: 0, reach: 0, kernels: 0, lines: 0 };
  for (const w of drawn[kind]) {
    const volume = volumeOf(validateExcavation(w));
    const r = screenExcavation(table, index, w, rules);
    t.candidates += r.summary.candidates; t.kernels += r.summary.segmentsTested; t.lines += r.lines.length;
    t.pieces += volume.pieces.length;
    for (const piece of volume.pieces) {
      const b = piece.bounds, sp = ctx.searchPad;
      const n = search.run(index, b.minX - sp, b.minY - sp, b.maxX + sp, b.maxY + sp);
      t.found += n; t.pairs += n;
      const cull = new Float64Array(20);
      writePlanCull(cull, 0, piece, sp);
      for (let f = 0; f < n; f++) {
        const s = search.items[f]!, q = 4 * position.get(s)!;
        const meets = planShapeMeets(cull, 0, index4[q]!, index4[q + 1]!, index4[q + 2]!, index4[q + 3]!);
        if (meets) t.shape++;
        const o = s * 6;
        const x0 = c[o]!, y0 = c[o + 1]!, z0 = c[o + 2]!, x1 = c[o + 3]!, y1 = c[o + 4]!, z1 = c[o + 5]!;
        const gx = gap(b.minX, b.maxX, Math.min(x0, x1), Math.max(x0, x1));
        const gy = gap(b.minY, b.maxY, Math.min(y0, y1), Math.max(y0, y1));
        const gz = gap(b.minZ, b.maxZ, Math.min(z0, z1), Math.max(z0, z1));
        const g2 = gx * gx + gy * gy + gz * gz;
        if (g2 > ctx.pad * ctx.pad) continue;
        t.pad0++; if (meets) t.pad++;
        const tol = segmentToleranceOf(table, ctx, s);
        const reach = Math.max(tol, notify) + table.radius[s]! + VERDICT_SLACK_M;
        if (g2 <= reach * reach) { t.reach0++; if (meets) t.reach++; }
      }
    }
  }
  const per = (v: number): string => (v / drawn[kind].length).toFixed(1).padStart(7);
  console.log(`${kind.padEnd(9)} ${[t.pieces, t.found, t.candidates, t.pairs, t.pad0, t.reach0, t.shape, t.pad, t.reach, t.kernels, t.lines].map(per).join(' ')}`);
}
