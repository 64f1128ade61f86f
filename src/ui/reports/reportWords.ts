/**
 * The reports panel's sentences and count labels, from the summary and page alone (no DOM): every
 * number an engineer reads is one the server's body gives — findings are `findings.length`, the
 * pairs to check by hand `checkByHand.length` (saying how many are also findings), and a report
 * with no findings says it clears only the lines it checked. Unit-tested in
 * tests/core/networkReportView.test.ts in both languages.
 */
import type { ReportPage, ReportSummary } from '../../core/networkReportView';
import type { MessageKey } from '../i18n';

export type Translate = (k: MessageKey, p?: Record<string, string | number>) => string;

/** "3 findings", "3 findings + 1 to check by hand": a kind's or a utility pair's count, labelled. */
export function countText(t: Translate, count: number, handOnly: number): string {
  const findings = t('report.countFindings', { count: count.toLocaleString() });
  return handOnly > 0 ? t('report.countWithHand', { findings, hand: handOnly.toLocaleString() }) : findings;
}

/** The line under the summary on the pairs to check by hand; null when the report lists none. */
export function checkByHandText(t: Translate, s: ReportSummary): string | null {
  if (s.checkByHand === 0) return null;
  const count = s.checkByHand.toLocaleString();
  return s.checkByHandAlsoFindings > 0
    ? t('report.checkByHandAlso', { count, also: s.checkByHandAlsoFindings.toLocaleString() })
    : t('report.checkByHand', { count });
}

/**
 * What a report without findings says; null when it has findings. "Every line meets the rules" only
 * when the report checked every line and lists nothing to check by hand; otherwise: no finding among
 * the lines checked, and how many lines could not be checked.
 */
export function noFindingsText(t: Translate, s: ReportSummary): string | null {
  if (s.findings > 0) return null;
  if (s.unchecked === 0 && s.checkByHand === 0) return t('report.none');
  return s.unchecked > 0 ? t('report.noneUnchecked', { count: s.unchecked.toLocaleString() }) : t('report.noneChecked');
}

/** The pager's "Page 1 of 3 (120 findings)", the hand-only rows the filters let through said apart. */
export function pageText(t: Translate, p: ReportPage): string {
  return t('report.page', { page: p.page + 1, pages: p.pages, matching: countText(t, p.matchingFindings, p.matchingHandOnly) });
}
