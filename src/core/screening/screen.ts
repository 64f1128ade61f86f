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
 * The flatbush prefilter searches the footprint's bbox padded by every distance that could matter
 * (max clearance + max uncertainty at the network's deepest line + notify distance + max radius +
 * slack); since a plan distance never exceeds the 3D one, every segment that can get a verdict is a
 * candidate. A 3D bbox-to-bbox gap, a lower bound on the true distance, then skips hopeless candidates
 * before the exact kernel (distance.ts).
 *
 * One row per line: the segment that decides the line's verdict (most severe verdict first, then
 * smallest distance). Tolerance can differ between a line's segments (depth-scaled uncertainty), so
 * the nearest segment is not always the one that decides.
 */
import type Flatbush from 'flatbush';
import { QUALITY_LEVELS, UTILITY_TYPES, type QualityLevel, type UtilityType } from '../model';
import { createSegmentPrismDistance, preparePrism, segmentPrismDistance, type Prism } from './distance';
import { validateExcavation, type Excavation } from './excavation';
import {
  horizontalUncertaintyAt, maxClearance, maxUncertaintyAt, ruleSetOf, toleranceFor, uncertaintyDepth, verticalUncertaintyAt,
  type PositionalUncertainty, type ScreeningRules,
} from './rules';
import { QUALITY_UNKNOWN, qualityOfLink, utilityOfLink, type SegmentTable } from './segmentTable';

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
  t: number; x: number; y: number; z: number;
  horizontal: number;
  horizontalT: number;
  vertical: number | null;
  verticalT: number;
  depth: number;
  depthKnown: boolean;
}

function volumeOf(e: Excavation): Prism {
  switch (e.kind) {
    case 'open_cut': return preparePrism(e.footprint, e.bottomZ, e.topZ);
    default: {
      const never: never = e.kind;
      throw new RangeError(`no screening volume for excavation kind ${String(never)}`);
    }
  }
}

const KERNEL_OUT = createSegmentPrismDistance();

function pointOn(table: SegmentTable, segment: number, t: number): Point3 {
  const c = table.coords, o = segment * 6;
  return {
    x: c[o]! + t * (c[o + 3]! - c[o]!),
    y: c[o + 1]! + t * (c[o + 4]! - c[o + 1]!),
    z: c[o + 2]! + t * (c[o + 5]! - c[o + 2]!),
  };
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
  const prism = volumeOf(work);
  const notify = rules.notifyDistance.value;
  const clearance = new Float64Array(UTILITY_TYPES.length);
  for (let u = 0; u < UTILITY_TYPES.length; u++) clearance[u] = ruleSet.clearances[UTILITY_TYPES[u]!].value;
  const uncertainty: PositionalUncertainty[] = QUALITY_LEVELS.map((q) => rules.positionalUncertainty[q]);
  const unknownDepth = table.maxCentrelineDepth;

  const pad = maxClearance(rules, ruleSetId) + maxUncertaintyAt(rules, unknownDepth) + notify + table.maxRadius + VERDICT_SLACK_M;
  const candidates = table.segmentCount === 0
    ? []
    : index.search(prism.minX - pad, prism.minY - pad, prism.maxX + pad, prism.maxY + pad);

  const c = table.coords;
  const best = new Map<number, LineBest>();
  let segmentsTested = 0;
  for (const s of candidates) {
    const o = s * 6;
    const x0 = c[o]!, y0 = c[o + 1]!, z0 = c[o + 2]!, x1 = c[o + 3]!, y1 = c[o + 4]!, z1 = c[o + 5]!;
    const r = table.radius[s]!;
    const link = table.linkOfSegment[s]!;
    const q = table.linkQuality[link]!;
    const unc = uncertainty[q === QUALITY_UNKNOWN ? 3 : q]!;
    const h = Math.max(table.segmentGround[2 * s]! - z0, table.segmentGround[2 * s + 1]! - z1);
    const depthKnown = !Number.isNaN(h);
    const depth = depthKnown ? h : unknownDepth;
    const tolerance = clearance[table.linkUtility[link]!]! +
      Math.max(horizontalUncertaintyAt(unc, depth), verticalUncertaintyAt(unc, depth));
    const reach = Math.max(tolerance, notify) + r + VERDICT_SLACK_M;

    const gx = Math.max(prism.minX - Math.max(x0, x1), Math.min(x0, x1) - prism.maxX, 0);
    const gy = Math.max(prism.minY - Math.max(y0, y1), Math.min(y0, y1) - prism.maxY, 0);
    const gz = Math.max(prism.bottomZ - Math.max(z0, z1), Math.min(z0, z1) - prism.topZ, 0);
    if (gx * gx + gy * gy + gz * gz > reach * reach) continue;

    segmentsTested++;
    const k = segmentPrismDistance(prism, x0, y0, z0, x1, y1, z1, KERNEL_OUT);
    const verdict = verdictIndex(k.distance, r, tolerance, notify);
    if (verdict === NO_VERDICT) continue;
    const outside = Math.max(0, k.distance - r);
    const prev = best.get(link);
    if (prev && (prev.verdict < verdict || (prev.verdict === verdict &&
      (prev.outside < outside || (prev.outside === outside && prev.segment < s))))) continue;
    best.set(link, {
      segment: s, verdict, outside, t: k.t, x: k.x, y: k.y, z: k.z,
      horizontal: Math.max(0, k.horizontal - r),
      horizontalT: k.horizontalT,
      vertical: k.vertical === null ? null : Math.max(0, k.vertical - r),
      verticalT: k.verticalT,
      depth, depthKnown,
    });
  }

  const lines: LineConflict[] = [];
  const counts = [0, 0, 0];
  for (const [link, b] of best) {
    const utility = utilityOfLink(table, link);
    const quality = qualityOfLink(table, link);
    const zone = toleranceFor(rules, ruleSetId, utility, quality, b.depth);
    counts[b.verdict]!++;
    lines.push({
      linkId: table.linkIds[link]!,
      utility, quality,
      verdict: VERDICTS[b.verdict]!,
      distance3d: b.outside,
      horizontal: b.horizontal,
      vertical: b.vertical,
      closestPoint: { x: b.x, y: b.y, z: b.z },
      horizontalAt: pointOn(table, b.segment, b.horizontalT),
      verticalAt: b.vertical === null ? null : pointOn(table, b.segment, b.verticalT),
      segmentIndex: table.segmentVertex[b.segment]!,
      t: b.t,
      radius: table.radius[b.segment]!,
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
      candidates: candidates.length, segmentsTested, segmentsInNetwork: table.segmentCount,
      unscreenableLinkIds: [...table.unscreenableLinkIds], skippedNonFiniteSegments: table.skippedNonFinite,
    },
  };
}
