/**
 * Same-run A/B of the open-cut kernel alone (distance.ts `segmentPrismDistance`): another commit's
 * kernel (A) against the working tree's (B) on the same calls: every candidate the bench's 1,000 digs
 * find in the seeded 1M-segment network, with the reach cutoff screen.ts passes. The whole screening
 * hides a change of a few percent in the kernel under the machine's noise; this does not.
 *
 * A's copy comes from bench/screeningAB.ts (run it once for the rev first: it extracts
 * $TMPDIR/undergrid-ab/<sha>). Rounds alternate A, B / B, A; each round times 5 passes over the calls
 * in CPU time (process.cpuUsage), so time the machine gives to others is not counted (their effect on
 * the caches is). Prints the outputs that differ (distance, plan distance or vertical gap) and B / A
 * for the best round and the median round.
 *
 * Run: npx tsx bench/screeningKernelAB.ts [rev] [all|convex|trench|bore|piles]; `convex` keeps only the digs whose
 * footprint is one ring turning the same way at every vertex (half the bench's digs are L-shaped);
 * `trench` times the convex-prism kernel (convexPrism.ts `segmentConvexPrismDistance`) instead, on
 * the calls of the 1,000 trenches of bench/works.ts (each box and mitre of each trench against every
 * candidate its padded box finds, with the reach cutoff), each side on its own prepared prisms, and
 * compares every field of every answer bit for bit (−0 and NaN told apart); `bore` (`piles`) does the
 * same with every piece of the 1,000 bores (pile groups) of bench/works.ts, capsules and pits
 * (cylinders), through each side's `pieceDistance` (volume.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import rulesJson from '../data/rules/screening.json';
import * as B from '../src/core/screening/distance';
import { validateExcavation } from '../src/core/screening/excavation';
import * as BC from '../src/core/screening/convexPrism';
import { IndexSearch } from '../src/core/screening/indexSearch';
import type { OpenCut } from '../src/core/screening/openCut';
import { ruleContext, segmentTolerances, VERDICT_SLACK_M } from '../src/core/screening/ruleContext';
import { validateScreeningRules } from '../src/core/screening/rules';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import * as BV from '../src/core/screening/volume';
import { loadText, mulberry32 } from './stats';
import { AREA_PER_SEGMENT_M2, dig, network } from './syntheticNetwork';
import { drawWorks } from './works';

const SEED = 0xb0a7;
const SEGMENTS = 1_000_000;
const ROUNDS = 100;
const WARM_ROUNDS = 10;
const PASSES_PER_ROUND = 5;

const rev = process.argv[2] ?? 'HEAD';
const only = process.argv[3] ?? 'all';
const here = resolve(import.meta.dirname, '..');
const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: here, encoding: 'utf8' }).trim();
const dirA = join(tmpdir(), 'undergrid-ab', sha);
if (!existsSync(join(dirA, 'src/core/screening/distance.ts'))) {
  throw new Error(`no copy of ${sha} in ${dirA}: run npx tsx bench/screeningAB.ts ${rev} once first`);
}
const A = (await import(pathToFileURL(join(dirA, 'src/core/screening/distance.ts')).href)) as typeof B;
if (only === 'trench' || only === 'bore' || only === 'piles') {
  await worksKernels(only);
  process.exit(0);
}

const rng = mulberry32(SEED + SEGMENTS);
const side = Math.sqrt(SEGMENTS * AREA_PER_SEGMENT_M2);
const links = network(rng, SEGMENTS, side);
const digs = Array.from({ length: 1000 }, () => dig(rng, side));
const rules = validateScreeningRules(rulesJson);
const table = buildSegmentTable(links);
const index = buildSegmentIndex(table);
const ctx = ruleContext(rules, rules.defaultRuleSet, table);
segmentTolerances(table, ctx);
const tolerances = segmentTolerances(table, ctx)!;
const search = new IndexSearch();
const c = table.coords;

interface Call { prismA: B.Prism; prismB: B.Prism; seg: [number, number, number, number, number, number]; cutoff: number }
const calls: Call[] = [];
let convexDigs = 0;
for (const d of digs) {
  const w = validateExcavation(d) as OpenCut;
  const prismA = A.preparePrism(w.footprint, w.bottomZ, w.topZ), prismB = B.preparePrism(w.footprint, w.bottomZ, w.topZ);
  const convex = (w.holes?.length ?? 0) === 0 && turnsOneWay(w.footprint);
  if (convex) convexDigs++;
  if (only === 'convex' && !convex) continue;
  const p = ctx.searchPad;
  const n = search.run(index, prismB.minX - p, prismB.minY - p, prismB.maxX + p, prismB.maxY + p);
  for (let f = 0; f < n; f++) {
    const s = search.items[f]!, o = 6 * s;
    const reach = Math.max(tolerances[s]!, rules.notifyDistance.value) + table.radius[s]! + VERDICT_SLACK_M;
    calls.push({ prismA, prismB, seg: [c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[o + 5]!], cutoff: reach + VERDICT_SLACK_M });
  }
}

/** Every turn of the ring the same way (the bench's digs are simple rings: no star to rule out). */
function turnsOneWay(ring: readonly (readonly [number, number])[]): boolean {
  let left = 0, right = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!, b = ring[(i + 1) % ring.length]!, c = ring[(i + 2) % ring.length]!;
    const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (cross > 0) left++; else if (cross < 0) right++;
  }
  return left === 0 || right === 0;
}

const outA = A.createSegmentPrismDistance(), outB = B.createSegmentPrismDistance();
let differ = 0, worst = 0;
for (const k of calls) {
  const a = A.segmentPrismDistance(k.prismA, ...k.seg, outA, k.cutoff), b = B.segmentPrismDistance(k.prismB, ...k.seg, outB, k.cutoff);
  if (a.distance !== b.distance || a.horizontal !== b.horizontal || a.vertical !== b.vertical) {
    differ++;
    if (a.distance < Infinity) worst = Math.max(worst, Math.abs(a.distance - b.distance));
  }
}
console.log(`Kernel A/B, ${sha} (A) vs the working tree (B): ${digs.length} digs (${convexDigs} convex), ${only}: ${calls.length} calls; ` +
  `outputs differ on ${differ} (largest distance difference ${worst.toExponential(1)} m)`);

let sink = 0;
// Each side as its screening calls the kernel: from a row of coordinates where it has the `…At` form
// (no boxed doubles per call), else with the six numbers.
const rows = new Float64Array(6 * calls.length);
calls.forEach((k, i) => rows.set(k.seg, 6 * i));
type Kernel = typeof B.segmentPrismDistance;
type KernelAt = (prism: B.Prism, seg: Float64Array, q: number, out: B.SegmentPrismDistance, cutoff: number) => B.SegmentPrismDistance;
const kernelOf = (m: object): { at?: KernelAt; plain: Kernel } =>
  ({ at: (m as { segmentPrismDistanceAt?: KernelAt }).segmentPrismDistanceAt, plain: (m as typeof B).segmentPrismDistance });
const kernelA = kernelOf(A), kernelB = kernelOf(B);
function round(side: 'A' | 'B'): number {
  const { at, plain } = side === 'A' ? kernelA : kernelB;
  const out = side === 'A' ? outA : outB;
  const t0 = process.cpuUsage();
  for (let p = 0; p < PASSES_PER_ROUND; p++) {
    for (let i = 0; i < calls.length; i++) {
      const k = calls[i]!, prism = side === 'A' ? k.prismA : k.prismB;
      const q = 6 * i;
      sink += at ? at(prism, rows, q, out, k.cutoff).t
        : plain(prism, rows[q]!, rows[q + 1]!, rows[q + 2]!, rows[q + 3]!, rows[q + 4]!, rows[q + 5]!, out, k.cutoff).t;
    }
  }
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1000 / PASSES_PER_ROUND;
}
reportRounds(round, calls.length);
if (sink === 0.5) console.log('');

/** Rounds alternating A, B / B, A; prints B / A of the best and the median round (CPU ns per call). */
function reportRounds(round: (side: 'A' | 'B') => number, calls: number): void {
  const timesA: number[] = [], timesB: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) { timesA.push(round('A')); timesB.push(round('B')); } else { timesB.push(round('B')); timesA.push(round('A')); }
  }
  const kept = (x: number[]): number[] => x.slice(WARM_ROUNDS).sort((p, q) => p - q);
  const a = kept(timesA), b = kept(timesB);
  const ns = (ms: number): string => ((ms / calls) * 1e6).toFixed(0);
  console.log(`  CPU ns per call, best round: A ${ns(a[0]!)}, B ${ns(b[0]!)}, B / A ${(b[0]! / a[0]!).toFixed(3)}; median round: ` +
    `A ${ns(a[a.length >> 1]!)}, B ${ns(b[b.length >> 1]!)}, B / A ${(b[b.length >> 1]! / a[a.length >> 1]!).toFixed(3)} (${loadText()})`);
}

type Out = B.SegmentPrismDistance;
/** A kernel as the screening calls it: the segment from `seg[q … q + 5]`. */
type RowKernel = (piece: BV.Piece, seg: Float64Array, q: number, out: Out, cutoff: number) => Out;

/**
 * One side's kernel for the `trench` mode (the convex-prism kernel) or the `bore` and `piles` modes
 * (every piece through `pieceDistance`), as that side's screening calls it: its `…At` form where the side has one
 * (the segment read from a row: no boxed doubles), else with the six numbers read from the row.
 */
function rowKernel(kind: 'trench' | 'bore' | 'piles', volume: object, convex: object): RowKernel {
  if (kind === 'trench') {
    const m = convex as typeof BC & { segmentConvexPrismDistanceAt?: (c: BC.ConvexPrism, seg: Float64Array, q: number, out: Out, cutoff: number) => Out };
    const at = m.segmentConvexPrismDistanceAt, plain = m.segmentConvexPrismDistance;
    return at ? (piece, seg, q, out, cutoff) => at((piece as { convex: BC.ConvexPrism }).convex, seg, q, out, cutoff)
      : (piece, seg, q, out, cutoff) => plain((piece as { convex: BC.ConvexPrism }).convex, seg[q]!, seg[q + 1]!, seg[q + 2]!, seg[q + 3]!, seg[q + 4]!, seg[q + 5]!, out, cutoff);
  }
  const m = volume as typeof BV & { pieceDistanceAt?: RowKernel };
  const at = m.pieceDistanceAt, plain = m.pieceDistance;
  return at ?? ((piece, seg, q, out, cutoff) => plain(piece, seg[q]!, seg[q + 1]!, seg[q + 2]!, seg[q + 3]!, seg[q + 4]!, seg[q + 5]!, out, cutoff));
}

/**
 * The `trench` mode (the convex-prism kernel of A and B on the bench trenches' box and mitre calls)
 * and the `bore` and `piles` modes (every piece of the bench's bores, capsules and pits, or of its
 * pile groups, cylinders, through `pieceDistance`).
 */
async function worksKernels(kind: 'trench' | 'bore' | 'piles'): Promise<void> {
  const AC = (await import(pathToFileURL(join(dirA, 'src/core/screening/convexPrism.ts')).href)) as typeof BC;
  const AV = (await import(pathToFileURL(join(dirA, 'src/core/screening/volume.ts')).href)) as typeof BV;
  const segments = SEGMENTS, side = Math.sqrt(segments * AREA_PER_SEGMENT_M2);
  const links = network(mulberry32(0xb0a7 + segments), segments, side); // screeningPeersWorks.ts's network
  const works = drawWorks(mulberry32(0x3077), side, 1000).works[kind]; // and its works
  const rules = validateScreeningRules(rulesJson);
  const table = buildSegmentTable(links), index = buildSegmentIndex(table);
  const ctx = ruleContext(rules, rules.defaultRuleSet, table);
  segmentTolerances(table, ctx);
  const tolerances = segmentTolerances(table, ctx)!;
  const search = new IndexSearch(), c = table.coords, p = ctx.searchPad;
  const piecesA: BV.Piece[] = [], piecesB: BV.Piece[] = [], seg: number[] = [], cutoffs: number[] = [];
  for (const w of works) {
    const va = AV.volumeOf(validateExcavation(w)), vb = BV.volumeOf(validateExcavation(w));
    vb.pieces.forEach((piece, k) => {
      const other = va.pieces[k]!;
      if (kind === 'trench' && (piece.shape !== 'convex' || other.shape !== 'convex')) return;
      const b = piece.bounds;
      const n = search.run(index, b.minX - p, b.minY - p, b.maxX + p, b.maxY + p);
      for (let f = 0; f < n; f++) {
        const s = search.items[f]!, o = 6 * s;
        piecesA.push(other); piecesB.push(piece);
        seg.push(c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[o + 5]!);
        cutoffs.push(Math.max(tolerances[s]!, rules.notifyDistance.value) + table.radius[s]! + 2 * VERDICT_SLACK_M);
      }
    });
  }
  const calls = cutoffs.length, rows = Float64Array.from(seg);
  const kernelA = rowKernel(kind, AV, AC), kernelB = rowKernel(kind, BV, BC);
  const outA = A.createSegmentPrismDistance(), outB = B.createSegmentPrismDistance();
  const FIELDS = ['distance', 't', 'x', 'y', 'z', 'horizontal', 'horizontalT', 'vertical', 'verticalT'] as const;
  let differ = 0, infinite = 0;
  for (let k = 0; k < calls; k++) {
    for (const cutoff of [cutoffs[k]!, Infinity]) {
      const a = kernelA(piecesA[k]!, rows, 6 * k, outA, cutoff), b = kernelB(piecesB[k]!, rows, 6 * k, outB, cutoff);
      if (cutoff < Infinity && b.distance === Infinity) infinite++;
      if (FIELDS.some((f) => !Object.is(a[f], b[f]))) differ++;
    }
  }
  console.log(`${kind === 'trench' ? 'Convex-prism kernel' : `${kind} pieces' kernels`} A/B, ${sha} (A) vs the working tree (B): ` +
    `${works.length} ${kind === 'trench' ? 'trenches' : kind === 'bore' ? 'bores' : 'pile groups'}, ${calls} calls (${infinite} past their cutoff), each also without a cutoff: ` +
    `outputs differ (any field, bit for bit) on ${differ}`);
  let sink = 0;
  const round = (which: 'A' | 'B'): number => {
    const kernel = which === 'A' ? kernelA : kernelB;
    const pieces = which === 'A' ? piecesA : piecesB, out = which === 'A' ? outA : outB;
    const t0 = process.cpuUsage();
    for (let pass = 0; pass < PASSES_PER_ROUND; pass++) {
      for (let k = 0; k < calls; k++) sink += kernel(pieces[k]!, rows, 6 * k, out, cutoffs[k]!).t;
    }
    const u = process.cpuUsage(t0);
    return (u.user + u.system) / 1000 / PASSES_PER_ROUND;
  };
  reportRounds(round, calls);
  if (sink === 0.5) console.log('');
}
