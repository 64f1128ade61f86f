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
  horizontalUncertaintyAt, maxClearance, maxUncertaintyAt, ruleSetOf, toleranceFor, uncertaintyDepth, verticalUncertaintyAt,
  type PositionalUncertainty, type ScreeningRules,
} from './rules';
import { QUALITY_UNKNOWN, qualityOfLink, utilityOfLink, type SegmentTable } from './segmentTable';
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
  segment: number;
  verdict: number;
  outside: number;
  depth: number;
  depthKnown: boolean;
}

/** The union's distances for one segment: the minimum over the pieces computed so far (volume.ts). */
type SegmentHit = SegmentPrismDistance;

const KERNEL_OUT = createSegmentPrismDistance();

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
  return Math.max(aMin - bMax, bMin - aMax, 0);
}

/**
 * Screens one excavation against the network. The excavation is validated here (the server re-runs
 * this on untrusted input); `rules` must come from validateScreeningRules.
 */
export function screenExcavation(
  table: SegmentTable, index: Flatbush, excavation: Excavation, rules: ScreeningRules, ruleSetId: string = rules.defaultRuleSet,
): ScreeningResult {
  const work = validateExcavation(excavation);
  const ruleSet = ruleSetOf(rules, ruleSetId);
  if (table.segmentCount > 0 && index.numItems !== table.segmentCount) {
    throw new RangeError(`screenExcavation: index holds ${index.numItems} items but the table has ${table.segmentCount} segments`);
  }
  const volume = volumeOf(work);
  const notify = rules.notifyDistance.value;
  const clearance = new Float64Array(UTILITY_TYPES.length);
  for (let u = 0; u < UTILITY_TYPES.length; u++) clearance[u] = ruleSet.clearances[UTILITY_TYPES[u]!].value;
  const uncertainty: PositionalUncertainty[] = QUALITY_LEVELS.map((q) => rules.positionalUncertainty[q]);
  const unknownDepth = table.maxCentrelineDepth;
  const c = table.coords;

  // Tolerance of segment s; also leaves its depth (for uncertainty) in `depth` and `depthKnown`.
  let depth = 0;
  let depthKnown = true;
  const toleranceOf = (s: number): number => {
    const o = s * 6;
    const link = table.linkOfSegment[s]!;
    const q = table.linkQuality[link]!;
    const unc = uncertainty[q === QUALITY_UNKNOWN ? 3 : q]!;
    const h = Math.max(table.segmentGround[2 * s]! - c[o + 2]!, table.segmentGround[2 * s + 1]! - c[o + 5]!);
    depthKnown = !Number.isNaN(h);
    depth = depthKnown ? h : unknownDepth;
    return clearance[table.linkUtility[link]!]! + Math.max(horizontalUncertaintyAt(unc, depth), verticalUncertaintyAt(unc, depth));
  };

  // Each piece searches the index with its own plan box padded by every distance that could matter;
  // the union of those boxes holds every segment within reach of the volume.
  const pad = maxClearance(rules, ruleSetId) + maxUncertaintyAt(rules, unknownDepth) + notify + table.maxRadius + VERDICT_SLACK_M;
  const hits = new Map<number, SegmentHit>();
  const seen = volume.pieces.length > 1 ? new Set<number>() : null;
  let candidates = 0;
  let segmentsTested = 0;
  for (const piece of table.segmentCount === 0 ? [] : volume.pieces) {
    const b = piece.bounds;
    const found = index.search(b.minX - pad, b.minY - pad, b.maxX + pad, b.maxY + pad);
    if (seen) for (const s of found) seen.add(s);
    else candidates += found.length;
    for (const s of found) {
      const o = s * 6;
      const x0 = c[o]!, y0 = c[o + 1]!, z0 = c[o + 2]!, x1 = c[o + 3]!, y1 = c[o + 4]!, z1 = c[o + 5]!;
      const reach = Math.max(toleranceOf(s), notify) + table.radius[s]! + VERDICT_SLACK_M;
      // A box-to-box gap is a lower bound on the distance: skip pieces that cannot reach any threshold.
      const gx = gap(b.minX, b.maxX, Math.min(x0, x1), Math.max(x0, x1));
      const gy = gap(b.minY, b.maxY, Math.min(y0, y1), Math.max(y0, y1));
      const gz = gap(b.minZ, b.maxZ, Math.min(z0, z1), Math.max(z0, z1));
      if (gx * gx + gy * gy + gz * gz > reach * reach) continue;
      segmentsTested++;
      const k = pieceDistance(piece, x0, y0, z0, x1, y1, z1, KERNEL_OUT);
      const hit = hits.get(s);
      if (hit) foldPieceDistance(hit, k);
      else hits.set(s, { ...k });
    }
  }
  if (seen) candidates = seen.size;

  const best = new Map<number, LineBest>();
  for (const [s, hit] of hits) {
    const r = table.radius[s]!;
    const verdict = verdictIndex(hit.distance, r, toleranceOf(s), notify);
    if (verdict === NO_VERDICT) continue;
    const outside = Math.max(0, hit.distance - r);
    const link = table.linkOfSegment[s]!;
    const prev = best.get(link);
    if (prev && (prev.verdict < verdict || (prev.verdict === verdict &&
      (prev.outside < outside || (prev.outside === outside && prev.segment < s))))) continue;
    best.set(link, { segment: s, verdict, outside, depth, depthKnown });
  }

  const lines: LineConflict[] = [];
  const counts = [0, 0, 0];
  for (const [link, b] of best) {
    const hit = hits.get(b.segment)!;
    if (volume.pieces.length > 1) completePlanAndGap(volume, table, b.segment, hit);
    const r = table.radius[b.segment]!;
    const utility = utilityOfLink(table, link);
    const quality = qualityOfLink(table, link);
    const zone = toleranceFor(rules, ruleSetId, utility, quality, b.depth);
    counts[b.verdict]!++;
    lines.push({
      linkId: table.linkIds[link]!,
      utility, quality,
      verdict: VERDICTS[b.verdict]!,
      distance3d: b.outside,
      horizontal: Math.max(0, hit.horizontal - r),
      vertical: hit.vertical === null ? null : Math.max(0, hit.vertical - r),
      closestPoint: { x: hit.x, y: hit.y, z: hit.z },
      horizontalAt: pointOn(table, b.segment, hit.horizontalT),
      verticalAt: hit.vertical === null ? null : pointOn(table, b.segment, hit.verticalT),
      segmentIndex: table.segmentVertex[b.segment]!,
      t: hit.t,
      radius: r,
      centrelineDepth: uncertaintyDepth(b.depth),
      depthKnown: b.depthKnown,
      clearance: zone.clearance,
      clearanceSource: zone.clearanceSource,
      horizontalUncertainty: zone.horizontalUncertainty,
      verticalUncertainty: zone.verticalUncertainty,
      uncertainty: Math.max(zone.horizontalUncertainty, zone.verticalUncertainty),
      tolerance: zone.tolerance,
    });
  }
  lines.sort((a, b) => VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict) ||
    a.distance3d - b.distance3d || (a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0));

  return {
    ruleSetId,
    notifyDistance: notify,
    notifySource: rules.notifyDistance.source,
    lines,
    summary: {
      strike: counts[0]!, encroach: counts[1]!, near: counts[2]!,
      candidates, segmentsTested, segmentsInNetwork: table.segmentCount,
      unscreenableLinkIds: [...table.unscreenableLinkIds], skippedNonFiniteSegments: table.skippedNonFinite,
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
