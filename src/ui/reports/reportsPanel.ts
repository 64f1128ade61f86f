/**
 * The network reports panel: cover depth and clearances between the network's own lines, as the
 * server computes them. Counts per kind and utility (each a button that filters), a utility and kind
 * filter, one page of findings most severe first, the chosen finding's details (rule source,
 * assumptions), the rules the report applied. Every action is a button, a select or a row that
 * takes Enter: it works by touch and by keyboard, nothing depends on hover.
 */
import { NETWORK_REPORT_KINDS, type NetworkReportKind, type ReportPage, type ReportQuery, type ReportRow, type ReportSummary } from '../../core/networkReportView';
import { appendAll, clear, formatNumber, h } from '../dom';
import { hasMessage, type MessageKey } from '../i18n';
import { checkByHandText, countText, noFindingsText, pageText, type Translate } from './reportWords';

export type { Translate } from './reportWords';

export type ReportState =
  | { status: 'idle' }
  | { status: 'fetching' }
  | { status: 'computing'; retryInS: number; progress: { step: number; steps: number } | null; message: string | null }
  | { status: 'ready'; summary: ReportSummary; page: ReportPage; query: ReportQuery }
  | { status: 'error'; message: string };

export interface ReportsView {
  open: boolean;
  kind: NetworkReportKind;
  states: Record<NetworkReportKind, ReportState>;
  /** Said above the report (the network changed under it). */
  notice: string | null;
  /** The chosen finding (its index in the server's list) of the report on show. */
  chosen: ReportRow | null;
}

export interface ReportsActions {
  toggle(): void;
  setKind(kind: NetworkReportKind): void;
  filter(patch: Partial<Pick<ReportQuery, 'kind' | 'utility' | 'group'>>): void;
  goto(page: number): void;
  choose(row: ReportRow): void;
}

const utilityName = (t: Translate, u: string) => (hasMessage(`utility.${u}`) ? t(`utility.${u}` as MessageKey) : u);
const kindName = (t: Translate, k: string) => (hasMessage(`report.findingKind.${k}`) ? t(`report.findingKind.${k}` as MessageKey) : k);
const flagText = (t: Translate, f: string) => (hasMessage(`report.flag.${f}`) ? t(`report.flag.${f}` as MessageKey) : t('report.flag.other', { field: f }));

export function renderReportsPanel(root: HTMLElement, view: ReportsView, t: Translate, actions: ReportsActions): void {
  clear(root);
  appendAll(root,
    h('h2', {}, t('report.title')),
    h('div', { className: 'row' },
      h('button', { id: 'reports-toggle', 'aria-expanded': String(view.open), 'aria-controls': 'reports-body', onclick: actions.toggle }, t(view.open ? 'report.close' : 'report.open'))));
  if (!view.open) return;
  const state = view.states[view.kind];
  appendAll(root, h('div', { id: 'reports-body' },
    h('div', { className: 'row', role: 'tablist' },
      ...NETWORK_REPORT_KINDS.map((k) => h('button', {
        id: `report-tab-${k}`, role: 'tab', 'aria-selected': String(k === view.kind), className: k === view.kind ? 'active' : '',
        onclick: () => actions.setKind(k),
      }, t(`report.kind.${k}` as MessageKey)))),
    view.notice ? h('div', { className: 'status', id: 'report-notice', role: 'note' }, view.notice) : null,
    renderState(state, view, t, actions)));
}

function renderState(state: ReportState, view: ReportsView, t: Translate, actions: ReportsActions): HTMLElement {
  const status = (text: string, error = false) => h('div', { id: 'report-status', className: `status${error ? ' error' : ''}`, role: error ? 'alert' : 'status', 'data-state': state.status }, text);
  switch (state.status) {
    case 'idle': case 'fetching': return status(t('report.fetching'));
    case 'computing': {
      const s = Math.round(state.retryInS);
      const el = status(state.progress === null ? t('report.computing', { s }) : t('report.computingProgress', { s, ...state.progress }));
      if (state.message) el.title = state.message; // the server's own words (English), for whoever hovers
      return el;
    }
    case 'error': return status(t('report.failed', { message: state.message }), true);
    case 'ready': break;
  }
  const { summary, page, query } = state;
  const rows = page.rows.map((r) => renderRow(r, t, actions, view.chosen?.index === r.index));
  const hand = checkByHandText(t, summary), none = noFindingsText(t, summary);
  return h('div', {},
    status(t('report.summary', { count: summary.findings.toLocaleString(), version: summary.networkVersion ?? '—' })),
    hand !== null ? h('div', { className: 'status error', id: 'report-check-by-hand', role: 'note' }, hand) : null,
    summary.assumed > 0 ? h('div', { className: 'status', id: 'report-assumed' }, t('report.assumed', { count: summary.assumed.toLocaleString() })) : null,
    summary.facts.length > 0 ? h('div', { className: 'status', id: 'report-facts' },
      summary.facts.map((f) => `${f.value.toLocaleString()} ${hasMessage(`report.fact.${f.key}`) ? t(`report.fact.${f.key}` as MessageKey) : f.key}`).join(' · ')) : null,
    renderRules(summary, t),
    none !== null ? h('div', { className: 'status', id: 'report-none' }, none) : null,
    summary.total === 0 ? null : h('div', {},
      renderCounts(summary, query, t, actions),
      renderFilters(summary, query, t, actions),
      h('div', { className: 'status' }, t('report.chooseHint')),
      h('table', { id: 'report-findings' },
        h('thead', {}, h('tr', {}, ...(['report.col.lines', 'report.col.actual', 'report.col.required', 'report.col.shortfall', 'report.col.rule'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...rows)),
      renderPager(page, t, actions),
      view.chosen ? renderDetail(view.chosen, t) : null));
}

function renderRow(r: ReportRow, t: Translate, actions: ReportsActions, chosen: boolean): HTMLElement {
  const choose = () => actions.choose(r);
  const lines = r.linkIds.map((id, i) => `${utilityName(t, r.utilities[i] ?? '')} ${id}`).join(' ↔ ');
  return h('tr', {
    className: `result${chosen ? ' chosen' : ''}`, tabindex: 0, 'aria-selected': String(chosen),
    'data-index': r.index, 'data-kind': r.kind, 'data-link-ids': r.linkIds.join(' '),
    onclick: choose,
    onkeydown: (e: Event) => {
      const k = (e as KeyboardEvent).key;
      if (k === 'Enter' || k === ' ') { e.preventDefault(); choose(); }
    },
  },
  h('td', {}, h('span', { className: 'report-kind' }, kindName(t, r.kind)), ' ', lines, r.assumptions.length > 0 ? h('span', { className: 'report-flag', title: r.assumptions.map((f) => flagText(t, f)).join('; ') }, ' ⚠') : null),
  h('td', { className: 'num' }, formatNumber(r.actual)),
  h('td', { className: 'num' }, r.required === null ? t('report.noRule') : formatNumber(r.required)),
  h('td', { className: 'num' }, formatNumber(r.shortfall)),
  h('td', { className: 'report-source', title: r.source ?? '' }, `${r.source ?? '—'}${r.verified === false ? ' †' : ''}`));
}

function renderCounts(summary: ReportSummary, query: ReportQuery, t: Translate, actions: ReportsActions): HTMLElement {
  return h('div', { id: 'report-counts' },
    h('div', { className: 'row' }, ...summary.byKind.map((k) => h('span', { className: 'report-count', 'data-kind': k.kind }, `${kindName(t, k.kind)}: ${countText(t, k.count, k.handOnly)}`))),
    h('details', { open: summary.groups.length <= 8 },
      h('summary', {}, t('report.counts')),
      h('div', { className: 'row' }, ...summary.groups.map((g) => h('button', {
        className: `report-group${query.group === g.key ? ' active' : ''}`, 'data-group': g.key, 'aria-pressed': String(query.group === g.key),
        onclick: () => actions.filter({ group: query.group === g.key ? null : g.key }),
      }, `${g.utilities.map((u) => utilityName(t, u)).join(' + ')} · ${kindName(t, g.kind)}: ${countText(t, g.count, g.handOnly)}`)))));
}

function renderFilters(summary: ReportSummary, query: ReportQuery, t: Translate, actions: ReportsActions): HTMLElement {
  const select = (id: string, label: string, value: string | null, options: { value: string; text: string }[], onValue: (v: string | null) => void) =>
    h('label', {}, label, h('select', { id, onchange: (e: Event) => onValue((e.target as HTMLSelectElement).value || null) },
      h('option', { value: '', selected: value === null }, t('report.all')),
      ...options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.text))));
  const filtered = query.kind !== null || query.utility !== null || query.group !== null;
  return h('div', { className: 'row', id: 'report-filters' },
    select('report-utility', t('report.filterUtility'), query.utility, summary.utilities.map((u) => ({ value: u, text: utilityName(t, u) })), (utility) => actions.filter({ utility })),
    summary.byKind.length > 1 ? select('report-kind', t('report.filterKind'), query.kind, summary.byKind.map((k) => ({ value: k.kind, text: kindName(t, k.kind) })), (kind) => actions.filter({ kind })) : null,
    filtered ? h('button', { id: 'report-clear-filters', onclick: () => actions.filter({ kind: null, utility: null, group: null }) }, t('report.clearFilters')) : null);
}

function renderPager(page: ReportPage, t: Translate, actions: ReportsActions): HTMLElement {
  return h('div', { className: 'row', id: 'report-pager' },
    h('button', { id: 'report-prev', disabled: page.page === 0, onclick: () => actions.goto(page.page - 1) }, t('report.prev')),
    h('span', { className: 'status', id: 'report-page' }, pageText(t, page)),
    h('button', { id: 'report-next', disabled: page.page >= page.pages - 1, onclick: () => actions.goto(page.page + 1) }, t('report.next')));
}

/** The chosen finding in full: what a tooltip would hide from a finger. */
function renderDetail(r: ReportRow, t: Translate): HTMLElement {
  return h('dl', { id: 'report-detail', 'data-index': r.index },
    h('dt', {}, t('report.col.lines')), h('dd', {}, r.linkIds.map((id, i) => `${utilityName(t, r.utilities[i] ?? '')} ${id}`).join(' ↔ ')),
    h('dt', {}, t('report.col.kind')), h('dd', {}, [kindName(t, r.kind), r.surface, r.installation, r.length !== null ? `${formatNumber(r.length, 1)} m` : null].filter((x) => x).join(' · ')),
    h('dt', {}, t('report.col.actual')), h('dd', {}, `${formatNumber(r.actual)} / ${r.required === null ? t('report.noRule') : formatNumber(r.required)}`),
    h('dt', {}, t('report.col.rule')), h('dd', {}, `${r.source ?? '—'}${r.verified === false ? ` († ${t('report.unverified')})` : ''}`),
    ...(r.assumptions.length > 0 ? [h('dt', {}, '⚠'), h('dd', { id: 'report-detail-flags' }, r.assumptions.map((f) => flagText(t, f)).join('; '))] : []),
    ...(r.note ? [h('dt', {}, t('report.col.note')), h('dd', {}, r.note)] : []));
}

/** The report's own statement of its rules (versions, sources), when the server sends one. */
function renderRules(summary: ReportSummary, t: Translate): HTMLElement | null {
  if (!summary.rules || summary.rules.length === 0) return null;
  return h('details', { id: 'report-rules', className: 'status' },
    h('summary', {}, t('report.rules')),
    h('ul', {}, ...summary.rules.map((l) => h('li', { 'data-path': l.path }, l.path ? `${l.path}: ${l.text}` : l.text))));
}
