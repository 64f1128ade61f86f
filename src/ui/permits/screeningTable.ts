/**
 * A permit's screening as a person reads it: the verdict counts, then every struck, encroached and
 * near line with its owner, distances and the tolerance zone the rules require. The same table goes
 * in the panel and on the printed permit.
 */
import type { ScreenedLine } from '../../core/digScreening';
import type { ScreeningSummaryView } from '../../protocol/permitApi';
import { formatNumber, h } from '../dom';
import type { MessageKey } from '../i18n';
import type { Translate } from './permitController';

export function verdictCounts(t: Translate, summary: ScreeningSummaryView | { strike: number; encroach: number; near: number }): HTMLElement {
  return h('div', { className: 'verdict-counts', 'data-strike': summary.strike, 'data-encroach': summary.encroach, 'data-near': summary.near },
    h('span', { className: 'verdict STRIKE' }, `${t('verdict.STRIKE')} ${summary.strike}`), ' ',
    h('span', { className: 'verdict ENCROACH' }, `${t('verdict.ENCROACH')} ${summary.encroach}`), ' ',
    h('span', { className: 'verdict NEAR' }, `${t('verdict.NEAR')} ${summary.near}`));
}

export function screeningTable(t: Translate, lines: readonly ScreenedLine[], id: string): HTMLElement {
  if (lines.length === 0) return h('div', { className: 'status', id }, t('noConflicts'));
  return h('table', { className: 'permit-screening', id },
    h('thead', {}, h('tr', {},
      ...(['col.verdict', 'col.line', 'attr.owner', 'col.d3', 'col.h', 'col.v', 'col.req'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
    h('tbody', {}, ...lines.map((line) =>
      h('tr', { 'data-link-id': line.linkId, 'data-verdict': line.verdict },
        h('td', {}, h('span', { className: `verdict ${line.verdict}` }, t(`verdict.${line.verdict}` as MessageKey))),
        h('td', {}, `${t(`utility.${line.utility}` as MessageKey)} ${line.linkId}`),
        h('td', {}, line.owner),
        h('td', { className: 'num' }, formatNumber(line.distance3d)),
        h('td', { className: 'num' }, formatNumber(line.horizontal)),
        h('td', { className: 'num' }, formatNumber(line.vertical)),
        h('td', { className: 'num' }, formatNumber(line.tolerance))))));
}
