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
 * prefilter searches the piece's plan bbox padded by every distance that could matter (max clearance
 * + max uncertainty at the network's deepest line + notify distance + max radius + slack); since a
 * plan distance never exceeds the 3D one and each bbox contains its piece, every segment that can get
 * a verdict from any piece is a candidate of that piece. A 3D bbox-to-bbox gap, a lower bound on the
 * true distance, then skips hopeless (piece, segment) pairs before the piece's kernel. A segment's
 * distance to the volume is the minimum over its pieces.
 *
 * One row per line: the segment that decides the line's verdict (most severe verdict first, then
 * smallest distance). Tolerance can differ between a line's segments (depth-scaled uncertainty), so
 * the nearest segment is not always the one that decides.
 */
import type Flatbush from 'flatbush';
import { QUALITY_LEVELS, UTILITY_TYPES, type QualityLevel, type UtilityType } from '../model';
import { createSegmentPrismDistance, type SegmentPrismDistance } from './distance';
import { validateExcavation, type Excavation } from './excavation';
import {
  horizontalUncertaintyAt, maxClearance, maxUncertaintyAt, ruleSetOf, uncertaintyDepth, verticalUncertaintyAt,
  type PositionalUncertainty, type ScreeningRules,
} from './rules';
import { qualityOfLink, type SegmentTable } from './segmentTable';
import { foldPieceDistance, pieceDistance, volumeOf, type Volume } from './volume';

/** Rounding allowance, m: far above the kernel's float error (~1e-12 m at city scale), far below survey precision. */
export const VERDICT_SLACK_M = 1e-6;

export const VERDICTS = ['STRIKE', 'ENCROACH', 'NEAR'] as const;
export type Verdict = (typeof VERDICTS)[number];
const NO_VERDICT = VERDICTS.length;

export interface Point3 { x: number; y: number; z: number }

export interface LineConflict {
  linkId: string;
  utility: UtilityType;
  /** As recorded; null (unknown) is screened as QL-D. */
  quality: QualityLevel | null;
  verdict: Verdict;
  /** Minimum 3D distance from the excavation to the outside of the pipe on the deciding segment, m. */
  distance3d: number;
  /** Plan distance to the outside of the pipe, m (0 when the line crosses the footprint in plan). */
  horizontal: number;
  /** Vertical gap to the outside of the pipe where it passes over or under the footprint; null if it never does. */
  vertical: number | null;
  /** Closest point on the pipe's axis, local frame (x, y m; z elevation m). */
  closestPoint: Point3;
  /** Point on the axis where the horizontal distance is attained. */
  horizontalAt: Point3;
  /** Point on the axis where the vertical gap is attained; null with `vertical`. */
  verticalAt: Point3 | null;
  /** Segment number from the link's start: the segment from vertex `segmentIndex` to the next. */
  segmentIndex: number;
  /** Parameter of the closest point along that segment, 0..1. */
  t: number;
  /** Bounding radius of the section, m. */
  radius: number;
  /** h used for depth-scaled uncertainty: deeper end of the segment, at least 1 m (rules.ts). */
  centrelineDepth: number;
  /** False when the ground is unknown at an end: the depth is then the network's deepest line. */
  depthKnown: boolean;
  clearance: number;
  clearanceSource: string;
  horizontalUncertainty: number;
  verticalUncertainty: number;
  uncertainty: number;
  tolerance: number;
}

export interface ScreeningSummary {
  strike: number;
  encroach: number;
  near: number;
  /** Segments the flatbush prefilter returned. */
  candidates: number;
  /** Segments that went through the exact kernel. */
  segmentsTested: number;
  segmentsInNetwork: number;
  /** From the table: lines that could not be screened at all (no finite geometry). */
  unscreenableLinkIds: string[];
  skippedNonFiniteSegments: number;
}

export interface ScreeningResult {
  ruleSetId: string;
  notifyDistance: number;
  notifySource: string;
  lines: LineConflict[];
  summary: ScreeningSummary;
}

/** Verdict index (0 STRIKE, 1 ENCROACH, 2 NEAR, 3 none) for an axis distance. */
export function verdictIndex(axisDistance: number, radius: number, tolerance: number, notifyDistance: number): number {
  const outside = axisDistance - radius - VERDICT_SLACK_M;
  if (outside <= 0) return 0;
  if (outside <= tolerance) return 1;
  if (outside <= notifyDistance) return 2;
  return NO_VERDICT;
}

interface LineBest {
  slot: number;
  verdict: number;
  outside: number;
}

/** The union's distances for one segment: the minimum over the pieces computed so far (volume.ts). */
type SegmentHit = SegmentPrismDistance;

const KERNEL_OUT = createSegmentPrismDistance();

/**
 * What a rule set needs per call, computed once per (rules, rule set, table depth) and cached:
 * clearance per utility, the uncertainty parameters per quality (index 4, unknown, is QL-D) and the
 * index pad.
 */
interface RuleContext {
  clearance: Float64Array;
  clearanceSource: string[];
  uncertainty: PositionalUncertainty[];
  pad: number;
}
const RULE_CONTEXTS = new WeakMap<ScreeningRules, Map<string, RuleContext>>();

function ruleContext(rules: ScreeningRules, ruleSetId: string, table: SegmentTable): RuleContext {
  let byKey = RULE_CONTEXTS.get(rules);
  if (!byKey) RULE_CONTEXTS.set(rules, (byKey = new Map()));
  const key = `${ruleSetId}\u0000${table.maxCentrelineDepth}\u0000${table.maxRadius}`;
  let ctx = byKey.get(key);
  if (!ctx) {
    const ruleSet = ruleSetOf(rules, ruleSetId);
    const clearance = new Float64Array(UTILITY_TYPES.length);
    for (let u = 0; u < UTILITY_TYPES.length; u++) clearance[u] = ruleSet.clearances[UTILITY_TYPES[u]!].value;
    const clearanceSource = UTILITY_TYPES.map((u) => ruleSet.clearances[u].source);
    const uncertainty = QUALITY_LEVELS.map((q) => rules.positionalUncertainty[q]);
    uncertainty.push(rules.positionalUncertainty.D);
    // Every distance that could matter, at the network's deepest line: a superset of every verdict.
    const pad = maxClearance(rules, ruleSetId) + maxUncertaintyAt(rules, table.maxCentrelineDepth) +
      rules.notifyDistance.value + table.maxRadius + VERDICT_SLACK_M;
    byKey.set(key, (ctx = { clearance, clearanceSource, uncertainty, pad }));
  }
  return ctx;
}

// Working storage reused across calls (screenExcavation is synchronous and not re-entered): per hit
// slot its segment, tolerance, depth and the kernel's distances.
let hitSegment = new Int32Array(64);
let hitTolerance = new Float64Array(64);
let hitDepth = new Float64Array(64);
const hitPool: SegmentHit[] = [];

function growHits(n: number): void {
  if (n <= hitSegment.length) return;
  const size = Math.max(n, 2 * hitSegment.length);
  const s = new Int32Array(size); s.set(hitSegment); hitSegment = s;
  const t = new Float64Array(size); t.set(hitTolerance); hitTolerance = t;
  const d = new Float64Array(size); d.set(hitDepth); hitDepth = d;
}

/** Depth left by the last `toleranceOf` call: deeper end of the segment, NaN when unknown. */
let lastDepth = 0;

/** Tolerance of segment s: clearance + max(horizontal, vertical uncertainty) at its depth. */
function toleranceOf(table: SegmentTable, ctx: RuleContext, s: number): number {
  const c = table.coords, o = s * 6;
  const link = table.linkOfSegment[s]!;
  const q = table.linkQuality[link]!;
  const unc = ctx.uncertainty[q]!;
  const h = Math.max(table.segmentGround[2 * s]! - c[o + 2]!, table.segmentGround[2 * s + 1]! - c[o + 5]!);
  lastDepth = h;
  const depth = h === h ? h : table.maxCentrelineDepth;
  return ctx.clearance[table.linkUtility[link]!]! + Math.max(horizontalUncertaintyAt(unc, depth), verticalUncertaintyAt(unc, depth));
}

function pointOn(table: SegmentTable, segment: number, t: number): Point3 {
  const c = table.coords, o = segment * 6;
  return {
    x: c[o]! + t * (c[o + 3]! - c[o]!),
    y: c[o + 1]! + t * (c[o + 4]! - c[o + 1]!),
    z: c[o + 2]! + t * (c[o + 5]! - c[o + 2]!),
  };
}

/** Gap between two intervals (0 where they overlap). */
function gap(aMin: number, aMax: number, bMin: number, bMax: number): number {
  const a = aMin - bMax, b = bMin - aMax;
  return a > b ? (a > 0 ? a : 0) : (b > 0 ? b : 0);
}

/**
 * Screens one excavation against the network. The excavation is validated here (the server re-runs
 * this on untrusted input); `rules` must come from validateScreeningRules.
 */
export function screenExcavation(
  table: SegmentTable, index: Flatbush, excavation: Excavation, rules: ScreeningRules, ruleSetId: string = rules.defaultRuleSet,
): ScreeningResult {
  const work = validateExcavation(excavation);
  const ctx = ruleContext(rules, ruleSetId, table);
  if (table.segmentCount > 0 && index.numItems !== table.segmentCount) {
    throw new RangeError(`screenExcavation: index holds ${index.numItems} items but the table has ${table.segmentCount} segments`);
  }
  const volume = volumeOf(work);
  const notify = rules.notifyDistance.value;
  const c = table.coords, radius = table.radius;

  // Each piece searches the index with its own plan box padded by every distance that could matter;
  // the union of those boxes holds every segment within reach of the volume.
  const pad = ctx.pad;
  const several = volume.pieces.length > 1;
  const slotOf = several ? new Map<number, number>() : null;
  const seen = several ? new Set<number>() : null;
  let hitCount = 0;
  let candidates = 0;
  let segmentsTested = 0;
  for (const piece of table.segmentCount === 0 ? [] : volume.pieces) {
    const b = piece.bounds;
    const found = index.search(b.minX - pad, b.minY - pad, b.maxX + pad, b.maxY + pad);
    if (seen) for (const s of found) seen.add(s);
    else candidates += found.length;
    growHits(hitCount + found.length);
    for (let f = 0; f < found.length; f++) {
      const s = found[f]!;
      const o = s * 6;
      const x0 = c[o]!, y0 = c[o + 1]!, z0 = c[o + 2]!, x1 = c[o + 3]!, y1 = c[o + 4]!, z1 = c[o + 5]!;
      // A box-to-box gap is a lower bound on the distance: skip pieces that cannot reach any threshold.
      const gx = gap(b.minX, b.maxX, x0 < x1 ? x0 : x1, x0 < x1 ? x1 : x0);
      const gy = gap(b.minY, b.maxY, y0 < y1 ? y0 : y1, y0 < y1 ? y1 : y0);
      const gz = gap(b.minZ, b.maxZ, z0 < z1 ? z0 : z1, z0 < z1 ? z1 : z0);
      const g2 = gx * gx + gy * gy + gz * gz;
      // First against the widest reach any line can have (cheap), then against this line's own.
      if (g2 > pad * pad) continue;
      const tolerance = toleranceOf(table, ctx, s);
      const reach = (tolerance > notify ? tolerance : notify) + radius[s]! + VERDICT_SLACK_M;
      if (g2 > reach * reach) continue;
      segmentsTested++;
      const k = pieceDistance(piece, x0, y0, z0, x1, y1, z1, KERNEL_OUT);
      const prev = slotOf ? slotOf.get(s) : undefined;
      if (prev !== undefined) { foldPieceDistance(hitPool[prev]!, k); continue; }
      const slot = hitCount++;
      if (slotOf) slotOf.set(s, slot);
      const hit = hitPool[slot] ?? (hitPool[slot] = createSegmentPrismDistance());
      hit.distance = k.distance; hit.t = k.t; hit.x = k.x; hit.y = k.y; hit.z = k.z;
      hit.horizontal = k.horizontal; hit.horizontalT = k.horizontalT; hit.vertical = k.vertical; hit.verticalT = k.verticalT;
      hitSegment[slot] = s; hitTolerance[slot] = tolerance; hitDepth[slot] = lastDepth;
    }
  }
  if (seen) candidates = seen.size;

  const best = new Map<number, LineBest>();
  for (let slot = 0; slot < hitCount; slot++) {
    const s = hitSegment[slot]!;
    const r = radius[s]!;
    const distance = hitPool[slot]!.distance;
    const verdict = verdictIndex(distance, r, hitTolerance[slot]!, notify);
    if (verdict === NO_VERDICT) continue;
    const outside = distance - r > 0 ? distance - r : 0;
    const link = table.linkOfSegment[s]!;
    const prev = best.get(link);
    if (prev && (prev.verdict < verdict || (prev.verdict === verdict &&
      (prev.outside < outside || (prev.outside === outside && hitSegment[prev.slot]! < s))))) continue;
    best.set(link, { slot, verdict, outside });
  }

  // Severity, then distance, then id: sorted before the rows are built, on plain numbers.
  const order = [...best];
  if (order.length > 1) {
    const ids = table.linkIds;
    order.sort(([la, a], [lb, b]) => a.verdict - b.verdict || a.outside - b.outside ||
      (ids[la]! < ids[lb]! ? -1 : ids[la]! > ids[lb]! ? 1 : 0));
  }
  const lines: LineConflict[] = new Array<LineConflict>(order.length);
  const counts = [0, 0, 0];
  for (let i = 0; i < order.length; i++) {
    const [link, b] = order[i]!;
    const segment = hitSegment[b.slot]!;
    const hit = hitPool[b.slot]!;
    if (several) completePlanAndGap(volume, table, segment, hit);
    const r = radius[segment]!;
    const depthKnown = !Number.isNaN(hitDepth[b.slot]!);
    const depth = depthKnown ? hitDepth[b.slot]! : table.maxCentrelineDepth;
    const u = table.linkUtility[link]!;
    const unc = ctx.uncertainty[table.linkQuality[link]!]!;
    // The tolerance zone as toleranceFor (rules.ts) gives it, from the cached rule set.
    const horizontalUncertainty = horizontalUncertaintyAt(unc, depth);
    const verticalUncertainty = verticalUncertaintyAt(unc, depth);
    const uncertainty = Math.max(horizontalUncertainty, verticalUncertainty);
    counts[b.verdict]!++;
    lines[i] = {
      linkId: table.linkIds[link]!,
      utility: UTILITY_TYPES[u]!, quality: qualityOfLink(table, link),
      verdict: VERDICTS[b.verdict]!,
      distance3d: b.outside,
      horizontal: Math.max(0, hit.horizontal - r),
      vertical: hit.vertical === null ? null : Math.max(0, hit.vertical - r),
      closestPoint: { x: hit.x, y: hit.y, z: hit.z },
      horizontalAt: pointOn(table, segment, hit.horizontalT),
      verticalAt: hit.vertical === null ? null : pointOn(table, segment, hit.verticalT),
      segmentIndex: table.segmentVertex[segment]!,
      t: hit.t,
      radius: r,
      centrelineDepth: uncertaintyDepth(depth),
      depthKnown,
      clearance: ctx.clearance[u]!,
      clearanceSource: ctx.clearanceSource[u]!,
      horizontalUncertainty,
      verticalUncertainty,
      uncertainty,
      tolerance: ctx.clearance[u]! + uncertainty,
    };
  }

  return {
    ruleSetId,
    notifyDistance: notify,
    notifySource: rules.notifyDistance.source,
    lines,
    summary: {
      strike: counts[0]!, encroach: counts[1]!, near: counts[2]!,
      candidates, segmentsTested, segmentsInNetwork: table.segmentCount,
      unscreenableLinkIds: table.unscreenableLinkIds.length ? [...table.unscreenableLinkIds] : [], skippedNonFiniteSegments: table.skippedNonFinite,
    },
  };
}

/**
 * Plan distance and vertical gap are minima over the whole volume, but the 3D cull skips pieces out of
 * reach in 3D that can still be the nearest in plan (a bore passing deep under a line). For a listed
 * line's deciding segment, fold in every piece whose plan box could be nearer.
 */
function completePlanAndGap(volume: Volume, table: SegmentTable, s: number, hit: SegmentHit): void {
  const c = table.coords, o = s * 6;
  const x0 = c[o]!, y0 = c[o + 1]!, z0 = c[o + 2]!, x1 = c[o + 3]!, y1 = c[o + 4]!, z1 = c[o + 5]!;
  const minX = Math.min(x0, x1), maxX = Math.max(x0, x1), minY = Math.min(y0, y1), maxY = Math.max(y0, y1);
  const h = hit.horizontal;
  const near = volume.index ? volume.index.search(minX - h, minY - h, maxX + h, maxY + h) : volume.pieces.map((_, i) => i);
  for (const i of near) {
    const piece = volume.pieces[i]!;
    const b = piece.bounds;
    const planGap = Math.hypot(gap(b.minX, b.maxX, minX, maxX), gap(b.minY, b.maxY, minY, maxY));
    if (planGap > hit.horizontal || (planGap > 0 && hit.horizontal === 0)) continue;
    foldPieceDistance(hit, pieceDistance(piece, x0, y0, z0, x1, y1, z1, KERNEL_OUT));
  }
}
