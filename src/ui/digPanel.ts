/** Draw a dig, give its depth, screen it, read the result: the permit reviewer's core journey. */
import type { DigScreening, ScreenedLine } from '../core/digScreening';
import { UTILITY_TYPES, type UtilityType } from '../core/model';
import type { ViewState, ViewStore } from '../store/viewStore';
import { appendAll, clear, formatNumber, h } from './dom';
import { translate, type MessageKey } from './i18n';

export type ScreeningView =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; result: DigScreening & { ms: number }; serverAgrees: boolean | null }
  | { status: 'error'; message: string };

export interface RuleSetView {
  id: string;
  title: string;
  clearances: Record<UtilityType, number>;
}

export interface DigPanelActions {
  screen(): void;
  exportReport(format: 'json' | 'geojson'): void;
  focusLine(line: ScreenedLine): void;
  ruleSets: RuleSetView[];
  notifyDistance: number;
}

export function renderDigPanel(root: HTMLElement, store: ViewStore, view: ScreeningView, actions: DigPanelActions): void {
  const s = store.getState();
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(s.locale, k, p);
  const dig = s.dig;
  clear(root);
  appendAll(root,
    h('h2', {}, t('dig')),
    h('div', { className: 'row' },
      h('button', {
        id: 'draw-dig', className: dig.drawing ? 'active' : '',
        onclick: () => store.setState({ dig: { ...dig, drawing: true, corners: dig.drawing ? dig.corners : [] } }),
      }, t('drawDig')),
      h('button', { id: 'finish-dig', disabled: !dig.drawing || dig.corners.length < 3, onclick: () => store.setState({ dig: { ...dig, drawing: false } }) }, t('finishDig')),
      h('button', { id: 'clear-dig', onclick: () => store.setState({ dig: { ...dig, drawing: false, corners: [] } }) }, t('clearDig'))),
    dig.drawing ? h('div', { className: 'status' }, t('drawHint')) : null,
    h('label', {}, t('depth'),
      h('input', {
        id: 'dig-depth', type: 'number', min: 0.1, max: 50, step: 0.1, value: dig.depth, inputmode: 'decimal',
        onchange: (e: Event) => store.setState({ dig: { ...store.getState().dig, depth: Number((e.target as HTMLInputElement).value) } }),
      })),
    h('label', {}, t('ruleSet'),
      h('select', { id: 'rule-set', onchange: (e: Event) => store.setState({ ruleSetId: (e.target as HTMLSelectElement).value }) },
        ...actions.ruleSets.map((r) => h('option', { value: r.id, selected: r.id === s.ruleSetId }, r.title)))),
    renderOverrides(store, actions, t),
    h('div', { className: 'row' },
      h('button', { id: 'screen-dig', className: 'primary', disabled: view.status === 'running', onclick: actions.screen }, t('screen'))),
    renderResult(view, s.locale, t, actions),
  );
}

/** The reviewer's own numbers: blank keeps the rule set's value (shown as the placeholder). */
function renderOverrides(store: ViewStore, actions: DigPanelActions, t: (k: MessageKey, p?: Record<string, string | number>) => string): HTMLElement {
  const s = store.getState();
  const o = s.overrides;
  const ruleSet = actions.ruleSets.find((r) => r.id === s.ruleSetId) ?? actions.ruleSets[0];
  const setOverrides = (patch: Partial<ViewState['overrides']>) =>
    store.setState({ overrides: { ...store.getState().overrides, ...patch } });
  const numberOrNull = (e: Event) => {
    const raw = (e.target as HTMLInputElement).value.trim();
    return raw === '' ? null : Number(raw);
  };
  const active = Object.keys(o.clearances).length > 0 || o.notifyDistance !== null;
  return h('details', { id: 'overrides', open: active },
    h('summary', {}, active ? `${t('overrides')} ✱` : t('overrides')),
    ...UTILITY_TYPES.map((u) => h('label', {}, t(`utility.${u}` as MessageKey),
      h('input', {
        type: 'number', min: 0, max: 50, step: 0.05, inputmode: 'decimal', 'data-override': u,
        value: o.clearances[u] ?? '', placeholder: ruleSet ? ruleSet.clearances[u].toFixed(2) : '',
        onchange: (e: Event) => {
          const v = numberOrNull(e);
          const clearances = { ...store.getState().overrides.clearances };
          if (v === null) delete clearances[u];
          else clearances[u] = v;
          setOverrides({ clearances });
        },
      }))),
    h('label', {}, t('notifyDistance'),
      h('input', {
        type: 'number', min: 0, max: 100, step: 0.5, inputmode: 'decimal', id: 'override-notify',
        value: o.notifyDistance ?? '', placeholder: actions.notifyDistance.toFixed(1),
        onchange: (e: Event) => setOverrides({ notifyDistance: numberOrNull(e) }),
      })),
    h('label', {}, t('overrideReason'),
      h('input', { type: 'text', maxlength: 200, id: 'override-reason', value: o.reason, onchange: (e: Event) => setOverrides({ reason: (e.target as HTMLInputElement).value }) })));
}

function renderResult(view: ScreeningView, _locale: string, t: (k: MessageKey, p?: Record<string, string | number>) => string, actions: DigPanelActions): HTMLElement {
  if (view.status === 'idle') return h('div', { id: 'screening-status' });
  if (view.status === 'running') return h('div', { id: 'screening-status', className: 'status', role: 'status' }, t('screening'));
  if (view.status === 'error') return h('div', { id: 'screening-status', className: 'status error', role: 'alert' }, view.message);
  const r = view.result;
  const rows = r.lines.map((line) =>
    h('tr', { className: 'result', 'data-link-id': line.linkId, 'data-verdict': line.verdict, onclick: () => actions.focusLine(line) },
      h('td', {}, h('span', { className: `verdict ${line.verdict}` }, t(`verdict.${line.verdict}` as MessageKey))),
      h('td', { title: line.owner }, `${t(`utility.${line.utility}` as MessageKey)} ${line.linkId}`),
      h('td', { className: 'num' }, formatNumber(line.distance3d)),
      h('td', { className: 'num' }, formatNumber(line.horizontal)),
      h('td', { className: 'num' }, formatNumber(line.vertical)),
      h('td', { className: 'num', title: `${line.clearance.toFixed(2)} m: ${line.clearanceSource}; + ${line.uncertainty.toFixed(2)} m (QL-${line.quality ?? 'D'})` }, formatNumber(line.tolerance))));
  return h('div', { id: 'screening-status' },
    h('div', { className: 'status', role: 'status' }, t('screened', { count: r.lines.length, ms: r.ms.toFixed(1) })),
    h('div', { className: 'row' },
      h('button', { id: 'export-json', onclick: () => actions.exportReport('json') }, t('exportJson')),
      h('button', { id: 'export-geojson', onclick: () => actions.exportReport('geojson') }, t('exportGeojson'))),
    view.serverAgrees === null ? null : h('div', { className: `status${view.serverAgrees ? '' : ' error'}`, id: 'server-check' }, t(view.serverAgrees ? 'serverAgrees' : 'serverDisagrees')),
    r.lines.length === 0 ? h('div', { className: 'status' }, t('noConflicts')) :
      h('table', { id: 'screening-results' },
        h('thead', {}, h('tr', {}, ...(['col.verdict', 'col.line', 'col.d3', 'col.h', 'col.v', 'col.req'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...rows)));
}
