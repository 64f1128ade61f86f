/**
 * Screening a dig: every buried line whose outside comes within its tolerance zone or the notify
 * distance of the excavation, with a verdict (DESIGN.md, "Screening a dig").
 *
 *   STRIKE    the volume touches the pipe:          outside distance ≤ 0
 *   ENCROACH  inside the line's tolerance zone:     outside distance ≤ tolerance
 *   NEAR      within the notify distance:           outside distance ≤ notifyDistance
 * where outside distance = axis distance − bounding radius (floored at 0). Each comparison gives way
 * by VERDICT_SLACK_M so that float rounding in the kernel can make a verdict more severe, never milder.
 *
 * The work's volume is a union of pieces (volume.ts: one prism for an open cut; boxes, joints and
 * wedges for a trench; capsules and pits for a bore; cylinders for piles). For each piece the flatbush
 * prefilter searches the piece's plan bbox padded by the farthest a verdict can reach (the larger of
 * the notify distance and the widest tolerance, max clearance + max uncertainty at the network's
 * deepest line, + slack; the index boxes carry each segment's radius); since a plan distance never
 * exceeds the 3D one and each bbox contains its piece, every segment that can get a verdict from any
 * piece is a candidate of that piece. For a work of several pieces the index box a piece found is
 * first tested against the piece's plan shape (a leg's axis, a disc, a box's walls: searchPieces.ts),
 * and a piece it cannot come within the pad of is dropped before the segment is read. A 3D
 * bbox-to-bbox gap, a lower bound on the true distance, then skips hopeless (piece, segment) pairs before the piece's kernel, and pairs whose
 * gap exceeds the distance an earlier piece already gave the segment. A segment's distance to the
 * volume is the minimum over its pieces; a candidate found by several pieces is gathered once.
 *
 * One row per line: the segment that decides the line's verdict (most severe verdict first, then
 * smallest distance). Tolerance can differ between a line's segments (depth-scaled uncertainty), so
 * the nearest segment is not always the one that decides.
 */
import type Flatbush from 'flatbush';
import { UTILITY_TYPES } from '../model';
import type { Excavation } from './excavation';
import { gridOf } from './gridIndex';
import { beginHits, HITS } from './hits';
import { completePlanAndGap, preparePieceSearch } from './manyPieces';
import { ruleContext, segmentDepth, segmentTolerances, VERDICT_SLACK_M, type RuleContext } from './ruleContext';
import { horizontalUncertaintyAt, uncertaintyDepth, verticalUncertaintyAt, type ScreeningRules } from './rules';
import { collectEach, collectOnePiece, collectOnGrid } from './searchPieces';
import { qualityOfLink, segmentLinkIds, type SegmentTable } from './segmentTable';
import {
  NO_VERDICT, verdictIndex, VERDICTS, type LineConflict, type Point3, type ScreeningResult, type ScreeningSummary,
} from './verdicts';
import { screenedVolume, type Volume } from './volume';

export { VERDICT_SLACK_M };

export { verdictIndex, VERDICTS } from './verdicts';
export type { LineConflict, Point3, ScreeningResult, ScreeningSummary, Verdict } from './verdicts';


/** Up to this many hits, a hit finds its line's entry by scanning the entries. */
const SCAN_ENTRIES_UP_TO = 32;

// One entry per listed line: its deciding slot, verdict and outside distance. A line finds its entry
// through linkEntry, valid where linkStamp equals this call's stamp (no Map, no clearing).
let entrySlot = new Int32Array(64);
let entryVerdict = new Int32Array(64);
let entryOutside = new Float64Array(64);
let entryLink = new Int32Array(64);
let linkStamp = new Uint32Array(0);
let linkEntry = new Int32Array(0);
let stamp = 0;

function prepareEntries(hits: number, links: number): void {
  if (hits > entrySlot.length) {
    const size = Math.max(hits, 2 * entrySlot.length);
    entrySlot = new Int32Array(size); entryVerdict = new Int32Array(size);
    entryOutside = new Float64Array(size); entryLink = new Int32Array(size);
  }
  if (links > linkStamp.length) { linkStamp = new Uint32Array(links); linkEntry = new Int32Array(links); stamp = 0; }
  if (++stamp === 0xffffffff) { linkStamp.fill(0); stamp = 1; }
}

/** Per entry, read before the rows are built: the deciding segment's depth and vertex number. */
let rowDepth = new Float64Array(64);
let rowVertex = new Int32Array(64);
/** The entries in row order (up to 16 entries; more are sorted in a plain array). */
let rowOrder = new Int32Array(64);
/** A sum over the early reads of the rows' line data: keeps them from being optimised away. */
let rowIdChars = 0;

/** Per entry, read before the rows are built: its line's id. */
const rowId: string[] = [];

/** Severity, then outside distance, then line id: the order of the rows. */
function byEntry(a: number, b: number): number {
  return entryVerdict[a]! - entryVerdict[b]! || entryOutside[a]! - entryOutside[b]! ||
    (rowId[a]! < rowId[b]! ? -1 : rowId[a]! > rowId[b]! ? 1 : 0);
}

/**
 * A row's point and the row itself are made by constructors, not object literals. V8 gives each
 * literal an allocation site and, once most of a site's objects survive a scavenge (a caller keeping a
 * pass of results: bench/screeningPeers.ts keeps its first pass's rows), allocates every later object
 * of that site in the old generation: every later row then went there, and a screening read ~20%
 * slower at p50 for the rest of the process. A constructor call has no allocation site. The objects
 * carry the same own properties in the same order as the literals did (JSON, structured clone and
 * `toEqual` see the same); only their prototype is the class's.
 */
class Point implements Point3 {
  declare x: number;
  declare y: number;
  declare z: number;
  constructor(x: number, y: number, z: number) { this.x = x; this.y = y; this.z = z; }
}

class Row implements LineConflict {
  declare linkId: string;
  declare utility: LineConflict['utility'];
  declare quality: LineConflict['quality'];
  declare verdict: LineConflict['verdict'];
  declare distance3d: number;
  declare horizontal: number;
  declare vertical: number | null;
  declare closestPoint: Point3;
  declare horizontalAt: Point3;
  declare verticalAt: Point3 | null;
  declare segmentIndex: number;
  declare t: number;
  declare radius: number;
  declare centrelineDepth: number;
  declare depthKnown: boolean;
  declare clearance: number;
  declare clearanceSource: string;
  declare horizontalUncertainty: number;
  declare verticalUncertainty: number;
  declare uncertainty: number;
  declare tolerance: number;
  constructor(
    linkId: string, utility: LineConflict['utility'], quality: LineConflict['quality'], verdict: LineConflict['verdict'],
    distance3d: number, horizontal: number, vertical: number | null, closestPoint: Point3, horizontalAt: Point3,
    verticalAt: Point3 | null, segmentIndex: number, t: number, radius: number, centrelineDepth: number, depthKnown: boolean,
    clearance: number, clearanceSource: string, horizontalUncertainty: number, verticalUncertainty: number,
    uncertainty: number, tolerance: number,
  ) {
    this.linkId = linkId; this.utility = utility; this.quality = quality; this.verdict = verdict;
    this.distance3d = distance3d; this.horizontal = horizontal; this.vertical = vertical; this.closestPoint = closestPoint;
    this.horizontalAt = horizontalAt; this.verticalAt = verticalAt; this.segmentIndex = segmentIndex; this.t = t;
    this.radius = radius; this.centrelineDepth = centrelineDepth; this.depthKnown = depthKnown; this.clearance = clearance;
    this.clearanceSource = clearanceSource; this.horizontalUncertainty = horizontalUncertainty;
    this.verticalUncertainty = verticalUncertainty; this.uncertainty = uncertainty; this.tolerance = tolerance;
  }
}

function pointOn(table: SegmentTable, segment: number, t: number): Point3 {
  const c = table.coords, o = segment * 6;
  return new Point(
    c[o]! + t * (c[o + 3]! - c[o]!),
    c[o + 1]! + t * (c[o + 4]! - c[o + 1]!),
    c[o + 2]! + t * (c[o + 5]! - c[o + 2]!),
  );
}

/** What `collect` leaves besides the hits and entries (module state): the call's context and tallies. */
interface Collected {
  ctx: RuleContext;
  volume: Volume;
  notify: number;
  entries: number;
  candidates: number;
  segmentsTested: number;
}

const NO_VOLUME: Volume = { pieces: [], bounds: { minX: 0, minY: 0, minZ: 0, maxX: 0, maxY: 0, maxZ: 0 }, index: null };
/** What `collect` returns, overwritten by each call (a screening reads it before the next). */
const COLLECTED: Collected = { ctx: null as unknown as RuleContext, volume: NO_VOLUME, notify: 0, entries: 0, candidates: 0, segmentsTested: 0 };

/**
 * The work of a screening up to the verdicts: validate, build the volume, search, cull, run the
 * kernels, and keep per line its deciding hit (entries 0..entries − 1 in the module's arrays).
 */
function collect(
  table: SegmentTable, index: Flatbush, excavation: Excavation, rules: ScreeningRules, ruleSetId: string,
): Collected {
  // Validated and built in one (volume.ts screenedVolume: an open cut's prism straight from its checked rings).
  const volume = screenedVolume(excavation, true);
  const ctx = ruleContext(rules, ruleSetId, table);
  if (table.segmentCount > 0 && index.numItems !== table.segmentCount) {
    throw new RangeError(`screenExcavation: index holds ${index.numItems} items but the table has ${table.segmentCount} segments`);
  }
  const notify = rules.notifyDistance.value;

  // Each piece searches the index with its own plan box padded by every distance that could matter;
  // the union of those boxes holds every segment within reach of the volume.
  const pad = ctx.pad, searchPad = ctx.searchPad;
  const tolerances = segmentTolerances(table, ctx);
  const pieceCount = table.segmentCount === 0 ? 0 : volume.pieces.length;
  const H = HITS;
  beginHits(pad, notify);
  // By the shape of the work (searchPieces.ts): one piece; 2–32 pieces on the index's grid, one
  // report per item and a plan-shape cull; the rest, each piece searching apart.
  let candidates = 0;
  if (pieceCount === 1) {
    candidates = collectOnePiece(table, index, volume.pieces[0]!, ctx, tolerances);
  } else if (pieceCount > 1) {
    const grid = pieceCount <= 32 ? gridOf(index) : null;
    candidates = grid !== null && preparePieceSearch(volume, pieceCount, searchPad)
      ? collectOnGrid(table, grid, volume, ctx, tolerances) : collectEach(table, index, volume, ctx, tolerances);
  }
  const hitCount = H.count, segmentsTested = H.tested;
  const hitSegment = H.segment, hitTolerance = H.tolerance, hitRadius = H.radius, hitLink = H.link, hitPool = H.pool;

  // A few hits find their line's entry by a scan of the entries (no read of a per-line array, which
  // is a cache miss per hit on a large network); many use the per-line stamp.
  const scan = hitCount <= SCAN_ENTRIES_UP_TO;
  prepareEntries(hitCount, scan ? 0 : table.linkIds.length);
  let entries = 0;
  for (let slot = 0; slot < hitCount; slot++) {
    const s = hitSegment[slot]!;
    const r = hitRadius[slot]!;
    const distance = hitPool[slot]!.distance;
    const verdict = verdictIndex(distance, r, hitTolerance[slot]!, notify);
    if (verdict === NO_VERDICT) continue;
    const outside = distance - r > 0 ? distance - r : 0;
    const link = hitLink[slot]!;
    let e = -1;
    if (scan) {
      for (let k = 0; k < entries; k++) if (entryLink[k] === link) { e = k; break; }
    } else if (linkStamp[link] === stamp) {
      e = linkEntry[link]!;
    } else {
      linkStamp[link] = stamp; linkEntry[link] = entries;
    }
    if (e < 0) {
      e = entries++; entryLink[e] = link;
    } else {
      const pv = entryVerdict[e]!, po = entryOutside[e]!;
      if (pv < verdict || (pv === verdict && (po < outside || (po === outside && hitSegment[entrySlot[e]!]! < s)))) continue;
    }
    entrySlot[e] = slot; entryVerdict[e] = verdict; entryOutside[e] = outside;
  }
  const k = COLLECTED;
  k.ctx = ctx; k.volume = volume; k.notify = notify; k.entries = entries; k.candidates = candidates; k.segmentsTested = segmentsTested;
  return k;
}

function summaryOf(table: SegmentTable, k: Collected, strike: number, encroach: number, near: number): ScreeningSummary {
  return {
    strike, encroach, near,
    candidates: k.candidates, segmentsTested: k.segmentsTested, segmentsInNetwork: table.segmentCount,
    unscreenableLinkIds: table.unscreenableLinkIds.length ? [...table.unscreenableLinkIds] : [], skippedNonFiniteSegments: table.skippedNonFinite,
  };
}

/**
 * Screens one excavation against the network. The excavation is validated here (the server re-runs
 * this on untrusted input); `rules` must come from validateScreeningRules.
 */
export function screenExcavation(
  table: SegmentTable, index: Flatbush, excavation: Excavation, rules: ScreeningRules, ruleSetId: string = rules.defaultRuleSet,
): ScreeningResult {
  const k = collect(table, index, excavation, rules, ruleSetId);
  const { ctx, volume, entries } = k;
  const several = volume.pieces.length > 1;
  const H = HITS, hitSegment = H.segment, hitRadius = H.radius, hitPieces = H.pieces, hitPool = H.pool;

  // The rows' scattered reads (depth, vertex number, line id, utility, quality) first, in one loop of independent
  // reads, so their cache misses overlap rather than each waiting behind the previous row's objects
  // (and the sort, which compares ids when verdict and distance tie, as strikes at 0 m do).
  if (entries > rowDepth.length) { rowDepth = new Float64Array(2 * entries); rowVertex = new Int32Array(2 * entries); rowOrder = new Int32Array(2 * entries); }
  let idChars = 0;
  // The id through the segment when the table has its segments' ids (the gather has read that
  // reference: one round of misses less), else through the line.
  const segmentIds = segmentLinkIds(table);
  for (let e = 0; e < entries; e++) {
    const segment = hitSegment[entrySlot[e]!]!;
    rowDepth[e] = segmentDepth(table, segment);
    rowVertex[e] = table.segmentVertex[segment]!;
    const link = entryLink[e]!;
    const id = segmentIds !== null ? segmentIds[segment]! : table.linkIds[link]!;
    rowId[e] = id;
    idChars += id.length + table.linkUtility[link]! + table.linkQuality[link]!;
  }
  rowIdChars = idChars;
  // Severity, then distance, then id: sorted before the rows are built, on plain numbers.
  let order: Int32Array | number[] = rowOrder;
  if (entries > 16) {
    // Many lines: the engine's sort (stable, so the same order as an insertion sort).
    const many: number[] = new Array<number>(entries);
    for (let e = 0; e < entries; e++) many[e] = e;
    order = many.sort(byEntry);
  } else {
    // A permit lists a few lines: insertion sort in reused storage, no call into the engine's sort.
    for (let i = 0; i < entries; i++) {
      let j = i - 1;
      while (j >= 0 && byEntry(rowOrder[j]!, i) > 0) { rowOrder[j + 1] = rowOrder[j]!; j--; }
      rowOrder[j + 1] = i;
    }
  }
  const lines: LineConflict[] = new Array<LineConflict>(entries);
  let strike = 0, encroach = 0, near = 0;
  for (let i = 0; i < entries; i++) {
    const e = order[i]!;
    const link = entryLink[e]!, slot = entrySlot[e]!, verdict = entryVerdict[e]!;
    const segment = hitSegment[slot]!;
    const hit = hitPool[slot]!;
    if (several) completePlanAndGap(volume, table, segment, hit, hitPieces[slot]!);
    const r = hitRadius[slot]!;
    const h = rowDepth[e]!;
    const depthKnown = h === h;
    const depth = depthKnown ? h : table.maxCentrelineDepth;
    const u = table.linkUtility[link]!;
    const unc = ctx.uncertainty[table.linkQuality[link]!]!;
    // The tolerance zone as toleranceFor (rules.ts) gives it, from the cached rule set.
    const horizontalUncertainty = horizontalUncertaintyAt(unc, depth);
    const verticalUncertainty = verticalUncertaintyAt(unc, depth);
    const uncertainty = Math.max(horizontalUncertainty, verticalUncertainty);
    if (verdict === 0) strike++; else if (verdict === 1) encroach++; else near++;
    lines[i] = new Row(
      rowId[e]!, UTILITY_TYPES[u]!, qualityOfLink(table, link), VERDICTS[verdict]!,
      entryOutside[e]!, Math.max(0, hit.horizontal - r), hit.vertical === null ? null : Math.max(0, hit.vertical - r),
      new Point(hit.x, hit.y, hit.z), pointOn(table, segment, hit.horizontalT),
      hit.vertical === null ? null : pointOn(table, segment, hit.verticalT),
      rowVertex[e]!, hit.t, r, uncertaintyDepth(unc, depth), depthKnown,
      ctx.clearance[u]!, ctx.clearanceSource[u]!, horizontalUncertainty, verticalUncertainty, uncertainty,
      ctx.clearance[u]! + uncertainty,
    );
  }

  const summary = summaryOf(table, k, strike, encroach, near);
  k.volume = NO_VOLUME; // a work's volume is not kept alive past its screening
  return { ruleSetId, notifyDistance: k.notify, notifySource: rules.notifyDistance.source, lines, summary };
}

/**
 * The same screening's summary only (counts per verdict, candidates, tested): no rows are built. For
 * batches that keep the counts (workers/screeningBatch.node.ts 'summary'); equal to
 * `screenExcavation(…).summary`.
 */
export function screenExcavationSummary(
  table: SegmentTable, index: Flatbush, excavation: Excavation, rules: ScreeningRules, ruleSetId: string = rules.defaultRuleSet,
): ScreeningSummary {
  const k = collect(table, index, excavation, rules, ruleSetId);
  let strike = 0, encroach = 0, near = 0;
  for (let e = 0; e < k.entries; e++) {
    const v = entryVerdict[e]!;
    if (v === 0) strike++; else if (v === 1) encroach++; else near++;
  }
  const summary = summaryOf(table, k, strike, encroach, near);
  k.volume = NO_VOLUME;
  return summary;
}
