/** Lists of permits: the applicant's own, and the queue of what waits on a reviewer, approver or dispatcher. */
import { formatShanghai, type EpochMs } from '../../core/permits/civilDate';
import type { PermitStatus, PermitSummary, StageClockView } from '../../protocol/permitApi';
import { h } from '../dom';
import type { MessageKey } from '../i18n';
import type { Translate } from './permitController';

/** 'YYYY-MM-DD HH:mm' in Shanghai time: the time the permit office works in. */
export function formatTime(ms: EpochMs): string {
  return formatShanghai(ms).slice(0, 16).replace('T', ' ');
}

export function stageLabel(t: Translate, status: PermitStatus): string {
  return t(`permit.state.${status}` as MessageKey);
}

/** Oldest due first; permits without a running clock after them, newest first among those. */
export function byDueDate(a: PermitSummary, b: PermitSummary): number {
  const da = a.clock?.dueAt ?? Infinity, db = b.clock?.dueAt ?? Infinity;
  return da !== db ? da - db : b.updatedAt - a.updatedAt;
}

/** The stage clock in words: due date, working days used of the limit, and the card when there is one. */
export function clockBadge(t: Translate, clock: StageClockView | null): HTMLElement | null {
  if (!clock) return null;
  const text = clock.card === 'none'
    ? t('permit.due', { date: clock.dueDate })
    : t(clock.card === 'red' ? 'permit.redCard' : 'permit.yellowCard', { date: clock.dueDate, days: clock.overdueWorkingDays });
  return h('span', { className: `clock card-${clock.card}`, 'data-card': clock.card, title: clock.provisional ? t('permit.provisional') : undefined },
    text, clock.provisional ? ' *' : '');
}

export function summaryCounts(t: Translate, p: PermitSummary): string {
  return p.summary ? t('permit.counts', { strike: p.summary.strike, encroach: p.summary.encroach, near: p.summary.near }) : '';
}

export function renderPermitList(t: Translate, permits: readonly PermitSummary[], open: (id: string) => void, emptyKey: MessageKey, listId: string): HTMLElement {
  if (permits.length === 0) return h('div', { className: 'status', id: listId, 'data-count': 0 }, t(emptyKey));
  const sorted = [...permits].sort(byDueDate);
  return h('ul', { className: 'permit-list', id: listId, 'data-count': sorted.length },
    ...sorted.map((p) => h('li', {},
      h('button', {
        className: `permit-row card-${p.clock?.card ?? 'none'}`, type: 'button', 'data-permit-id': p.id, 'data-receipt': p.receipt ?? '',
        'data-status': p.status, onclick: () => open(p.id),
      },
      h('span', { className: 'permit-title' }, p.title),
      h('span', { className: 'permit-meta' }, `${p.receipt ?? t('permit.draft')} · ${stageLabel(t, p.status)} · ${p.unitName}`),
      h('span', { className: 'permit-meta' }, `${p.startDate} – ${p.endDate}`, p.rescreenChanged ? ` · ${t('permit.rescreenChanged')}` : '',
        p.rescreenFailed ? ` · ${t('permit.rescreenFailedShort')}` : ''),
      h('span', { className: 'permit-meta' }, clockBadge(t, p.clock), ' ', summaryCounts(t, p))))));
}
