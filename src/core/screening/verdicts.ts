/**
 * What a screening answers (screen.ts): the verdicts, a line's row, the summary, and the verdict of
 * an axis distance. Types and one pure function, shared by the screening and its callers.
 */
import type { QualityLevel, UtilityType } from '../model';
import { VERDICT_SLACK_M } from './ruleContext';

export const VERDICTS = ['STRIKE', 'ENCROACH', 'NEAR'] as const;
export type Verdict = (typeof VERDICTS)[number];
/** verdictIndex's answer when no verdict applies. */
export const NO_VERDICT = VERDICTS.length;

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
  /** h used for depth-scaled uncertainty: deeper end of the segment, at least the rules' uncertaintyMinimumDepth. */
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
