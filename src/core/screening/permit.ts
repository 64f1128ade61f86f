/**
 * Screening a permit that holds several works (a trench, the pits at its ends, a row of posts, a bore
 * under the road): each work is screened on its own (screen.ts) and the rows are merged per line.
 * A line's row comes from the work that decides it: the most severe verdict, then the smallest
 * distance, then the lower work index; `work` records which. This is the same as screening the union
 * of the works, since a verdict is monotone in distance and a line's row is its most severe segment.
 */
import type Flatbush from 'flatbush';
import type { Excavation } from './excavation';
import type { ScreeningRules } from './rules';
import { screenExcavation, VERDICTS, type LineConflict, type ScreeningResult, type ScreeningSummary } from './screen';
import type { SegmentTable } from './segmentTable';
import { arrayAt, ExcavationError, withFieldPrefix } from './validation';

/** Works per permit: a permit is one job on one site; more is an upload error. */
export const MAX_WORKS_PER_PERMIT = 256;

export interface PermitLineConflict extends LineConflict {
  /** Index into the permit's works of the work that decided this line's row. */
  work: number;
}

export interface PermitScreeningResult extends Omit<ScreeningResult, 'lines'> {
  lines: PermitLineConflict[];
  /** Each work's own summary, in the order of `works`. */
  workSummaries: ScreeningSummary[];
}

function severity(l: LineConflict): number {
  return VERDICTS.indexOf(l.verdict);
}

/**
 * Screens every work of a permit and merges the rows per line. Each work is validated; a refusal
 * names it ('works[2].centreline[3][0]'). `summary.candidates` and `summary.segmentsTested` add up
 * the works'; the verdict counts are of the merged rows.
 */
export function screenPermit(
  table: SegmentTable, index: Flatbush, works: Excavation[], rules: ScreeningRules, ruleSetId: string = rules.defaultRuleSet,
): PermitScreeningResult {
  const list = arrayAt(works, 'works', 'an array of works', MAX_WORKS_PER_PERMIT, 'MAX_WORKS_PER_PERMIT');
  if (list.length === 0) throw new ExcavationError('works', 'no works; a permit needs at least 1');
  const results = list.map((w, i) => withFieldPrefix(`works[${i}].`, () => screenExcavation(table, index, w as Excavation, rules, ruleSetId)));

  const merged = new Map<string, PermitLineConflict>();
  for (const [work, result] of results.entries()) {
    for (const line of result.lines) {
      const prev = merged.get(line.linkId);
      if (prev && (severity(prev) < severity(line) || (severity(prev) === severity(line) && prev.distance3d <= line.distance3d))) continue;
      merged.set(line.linkId, { ...line, work });
    }
  }
  const lines = [...merged.values()].sort((a, b) => severity(a) - severity(b) ||
    a.distance3d - b.distance3d || (a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0));
  const counts = [0, 0, 0];
  for (const l of lines) counts[severity(l)]!++;
  const first = results[0]!;
  return {
    ruleSetId: first.ruleSetId,
    notifyDistance: first.notifyDistance,
    notifySource: first.notifySource,
    lines,
    summary: {
      strike: counts[0]!, encroach: counts[1]!, near: counts[2]!,
      candidates: results.reduce((s, r) => s + r.summary.candidates, 0),
      segmentsTested: results.reduce((s, r) => s + r.summary.segmentsTested, 0),
      segmentsInNetwork: first.summary.segmentsInNetwork,
      unscreenableLinkIds: first.summary.unscreenableLinkIds,
      skippedNonFiniteSegments: first.summary.skippedNonFiniteSegments,
    },
    workSummaries: results.map((r) => r.summary),
  };
}
