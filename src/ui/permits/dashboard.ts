/**
 * The supervisor's dashboard (电子监察): every open permit's stage clock (working days used of the
 * limit), its yellow and red cards, who was notified and when, filtered by unit and handler, and the
 * counts per week. The clock is the server's (`now` in the response), counted on the same calendar.
 */
import calendarTable from '../../../data/rules/calendar-cn.json';
import { WorkingDayCalendar } from '../../core/permits/calendar';
import { civilDateOf } from '../../core/permits/civilDate';
import type { DashboardResponse, SupervisedPermit } from '../../protocol/permitApi';
import { appendAll, h } from '../dom';
import type { MessageKey } from '../i18n';
import { barChart } from './barChart';
import type { PermitController, Translate } from './permitController';
import { clockBadge, formatTime, stageLabel } from './permitList';
import { screeningNotice } from './screeningNotice';

/** Display only: a year the calendar does not cover counts weekends alone (the server's cards refuse to guess). */
const calendar = WorkingDayCalendar.fromJson(calendarTable, { beyondCoverage: 'weekendsOnly' });

const CHART_COLOURS = { submitted: '#64b5f6', approved: '#81c784', rejected: '#b0bec5', yellowCards: '#ffd600', redCards: '#ff1744' } as const;

/** Working days a stage has used by `now`: those after the day it started, up to today. */
export function workingDaysUsed(startedAt: number, now: number): number {
  return calendar.workingDaysBetween(civilDateOf(startedAt), civilDateOf(now));
}

function permitCard(t: Translate, p: SupervisedPermit, now: number): HTMLElement {
  const clock = p.clock;
  const worst = p.cards.some((c) => c.colour === 'red') ? 'red' : p.cards.some((c) => c.colour === 'yellow') ? 'yellow' : (clock?.card ?? 'none');
  const notice = screeningNotice(t, p);
  return h('article', { className: `sup-card card-${worst}`, 'data-permit-id': p.id, 'data-card': worst, 'data-screening-hold': notice?.code ?? 'none' },
    h('header', {}, h('strong', {}, p.title), ' ', h('span', { className: 'permit-meta' }, `${p.receipt ?? ''} · ${p.unitName}`)),
    h('div', {}, `${stageLabel(t, p.status)} · ${t('permit.handler')}: ${p.handlerName ?? '—'}`),
    notice ? h('div', { className: 'status error sup-screening-hold', 'data-code': notice.code }, notice.detail) : null,
    clock ? h('div', { className: 'stage-clock' },
      t('permit.clockUsed', { used: workingDaysUsed(clock.startedAt, now), limit: clock.limitWorkingDays }), ' ', clockBadge(t, clock)) : null,
    p.decision ? h('div', { className: 'permit-meta' }, t('permit.decisionDue', { date: p.decision.dueDate, days: p.decision.overdueWorkingDays })) : null,
    p.cards.length ? h('ul', { className: 'card-list' }, ...p.cards.map((c) => h('li', { 'data-card': c.colour },
      h('span', { className: `clock card-${c.colour}` }, t(c.colour === 'red' ? 'permit.card.red' : 'permit.card.yellow')),
      ` ${stageLabel(t, c.stage)} · ${t('permit.raised')} ${formatTime(c.raisedAt)}`))) : null,
    p.notifications.length ? h('table', { className: 'notifications' },
      h('thead', {}, h('tr', {}, ...(['permit.notified', 'permit.channel', 'permit.deliveryStatus', 'permit.when'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
      h('tbody', {}, ...p.notifications.map((n) => h('tr', { 'data-status': n.status },
        h('td', {}, n.toName ?? n.to),
        h('td', {}, n.channel),
        h('td', { title: n.lastError ?? '' }, `${t(`permit.outbox.${n.status}` as MessageKey)} (${n.attempts})`),
        h('td', {}, formatTime(n.deliveredAt ?? n.createdAt)))))) : null);
}

export function renderDashboard(ctrl: PermitController, data: DashboardResponse | null): HTMLElement {
  const t = ctrl.t;
  const root = h('div', { id: 'supervision', 'data-loaded': data ? 'true' : 'false' });
  if (!data) return root;
  const filters = ctrl.deps.ui.getState().dashboardFilters;
  const choose = (patch: Partial<typeof filters>) => void ctrl.setDashboardFilters({ ...filters, ...patch });
  const yellow = data.permits.filter((p) => p.clock?.card === 'yellow').length;
  const red = data.permits.filter((p) => p.clock?.card === 'red').length;
  const held = data.permits.filter((p) => p.approvalHold !== null).length;
  appendAll(root,
    h('h2', {}, t('permit.dashboard')),
    h('div', { className: 'row' },
      h('label', {}, t('permit.unit'), h('select', { id: 'filter-unit', onchange: (e: Event) => choose({ unitId: (e.target as HTMLSelectElement).value || null }) },
        h('option', { value: '' }, t('permit.all')),
        ...data.units.map((u) => h('option', { value: u.id, selected: u.id === filters.unitId }, u.name)))),
      h('label', {}, t('permit.handler'), h('select', { id: 'filter-handler', onchange: (e: Event) => choose({ handlerId: (e.target as HTMLSelectElement).value || null }) },
        h('option', { value: '' }, t('permit.all')),
        ...data.handlers.map((u) => h('option', { value: u.id, selected: u.id === filters.handlerId }, u.displayName)))),
      h('button', { type: 'button', id: 'dashboard-refresh', onclick: () => void ctrl.open('dashboard') }, t('permit.refresh'))),
    h('div', { className: 'status', id: 'supervision-totals', 'data-open': data.permits.length, 'data-yellow': yellow, 'data-red': red },
      t('permit.totals', { open: data.permits.length, yellow, red, at: formatTime(data.now) })),
    held ? h('div', { className: 'status error', id: 'supervision-screening-held', 'data-held': held }, t('permit.totalsHeld', { held })) : null,
    barChart(data.weeks.map((w) => w.weekOf), [
      { label: t('permit.series.submitted'), colour: CHART_COLOURS.submitted, values: data.weeks.map((w) => w.submitted) },
      { label: t('permit.series.approved'), colour: CHART_COLOURS.approved, values: data.weeks.map((w) => w.approved) },
      { label: t('permit.series.rejected'), colour: CHART_COLOURS.rejected, values: data.weeks.map((w) => w.rejected) },
      { label: t('permit.card.yellow'), colour: CHART_COLOURS.yellowCards, values: data.weeks.map((w) => w.yellowCards) },
      { label: t('permit.card.red'), colour: CHART_COLOURS.redCards, values: data.weeks.map((w) => w.redCards) },
    ], t('permit.perWeek')),
    data.permits.length === 0 ? h('div', { className: 'status' }, t('permit.noOpen'))
      : h('div', { className: 'sup-cards' }, ...data.permits.map((p) => permitCard(t, p, data.now))));
  return root;
}
