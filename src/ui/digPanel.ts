/**
 * Draw a dig, give its depth, screen it, read the result: the permit reviewer's core journey. A permit
 * can hold several works of any kind (open cut, trench, bore, piles: workDraft.ts), each drawn with taps.
 */
import type { DigScreening, ScreenedLine, WorksScreening } from '../core/digScreening';
import { UTILITY_TYPES, type UtilityType } from '../core/model';
import type { ViewState, ViewStore } from '../store/viewStore';
import { appendAll, clear, formatNumber, h } from './dom';
import { translate, type MessageKey } from './i18n';
import { drawnWork, MIN_POINTS, WORK_KINDS, type WorkDraft, type WorkDraftStore } from './workDraft';

export type ScreeningView =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; result: (DigScreening | WorksScreening) & { ms: number }; serverAgrees: boolean | null; onServer?: boolean }
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
  /** Opens the result in the three.js dig-site view (siteLauncher.ts). */
  openSite(): void;
  ruleSets: RuleSetView[];
  notifyDistance: number;
  /** The rules' overrideLimit: the server refuses a clearance or notify distance above it. */
  overrideLimit: number;
  draft: WorkDraftStore;
}

export type Translate = (k: MessageKey, p?: Record<string, string | number>) => string;

export function renderDigPanel(root: HTMLElement, store: ViewStore, view: ScreeningView, actions: DigPanelActions): void {
  const s = store.getState();
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(s.locale, k, p);
  const dig = s.dig;
  const d = actions.draft.getState();
  clear(root);
  appendAll(root,
    h('h2', {}, t('dig')),
    h('label', {}, t('dig.kind'),
      h('select', { id: 'work-kind', onchange: (e: Event) => actions.draft.setState({ kind: (e.target as HTMLSelectElement).value as WorkDraft['kind'] }) },
        ...WORK_KINDS.map((k) => h('option', { value: k, selected: k === d.kind }, t(`dig.kind.${k}` as MessageKey))))),
    h('div', { className: 'row' },
      h('button', {
        id: 'draw-dig', className: dig.drawing ? 'active' : '',
        onclick: () => store.setState({ dig: { ...dig, drawing: true, corners: dig.drawing ? dig.corners : [] } }),
      }, t('drawDig')),
      h('button', { id: 'finish-dig', disabled: !dig.drawing || dig.corners.length < MIN_POINTS[d.kind], onclick: () => store.setState({ dig: { ...dig, drawing: false } }) }, t('finishDig')),
      h('button', { id: 'clear-dig', onclick: () => store.setState({ dig: { ...dig, drawing: false, corners: [] } }) }, t('clearDig'))),
    dig.drawing ? h('div', { className: 'status' }, t(d.kind === 'open_cut' ? 'drawHint' : `dig.hint.${d.kind}` as MessageKey)) : null,
    h('label', {}, t('depth'),
      h('input', {
        id: 'dig-depth', type: 'number', min: 0.1, max: 50, step: 0.1, value: dig.depth, inputmode: 'decimal',
        onchange: (e: Event) => store.setState({ dig: { ...store.getState().dig, depth: Number((e.target as HTMLInputElement).value) } }),
      })),
    ...renderKindFields(store, actions.draft, t),
    renderWorks(store, actions.draft, t),
    h('label', {}, t('ruleSet'),
      h('select', { id: 'rule-set', onchange: (e: Event) => store.setState({ ruleSetId: (e.target as HTMLSelectElement).value }) },
        ...actions.ruleSets.map((r) => h('option', { value: r.id, selected: r.id === s.ruleSetId }, r.title)))),
    renderOverrides(store, actions, t),
    h('div', { className: 'row' },
      h('button', { id: 'screen-dig', className: 'primary', disabled: view.status === 'running', onclick: actions.screen }, t('screen'))),
    renderResult(view, s.locale, t, actions),
  );
}

function sizeInput(id: string, value: number, min: number, max: number, onValue: (v: number) => void): HTMLElement {
  return h('input', {
    id, type: 'number', min, max, step: 0.01, value, inputmode: 'decimal',
    onchange: (e: Event) => onValue(Number((e.target as HTMLInputElement).value)),
  });
}

/**
 * The sizes of the kind being drawn; a bore's depth at each tapped vertex. Also the permit apply
 * form's (src/ui/permits/applyForm.ts), whose element ids take the prefix 'apply-'.
 */
export function renderKindFields(store: ViewStore, draft: WorkDraftStore, t: Translate, idPrefix = ''): (HTMLElement | null)[] {
  const d = draft.getState();
  switch (d.kind) {
    case 'open_cut': return [];
    case 'trench': return [h('label', {}, t('dig.width'), sizeInput(`${idPrefix}work-width`, d.width, 0.02, 50, (width) => draft.setState({ width })))];
    case 'piles': return [h('label', {}, t('dig.diameter'), sizeInput(`${idPrefix}work-diameter`, d.diameter, 0.02, 6, (diameter) => draft.setState({ diameter })))];
    case 'bore':
      return [
        h('label', {}, t('dig.reamer'), sizeInput(`${idPrefix}work-reamer`, d.reamerDiameter, 0.025, 3, (reamerDiameter) => draft.setState({ reamerDiameter }))),
        ...store.getState().dig.corners.map((_, i) => h('label', {}, t('dig.vertexDepth', { n: i + 1 }),
          h('input', {
            type: 'number', min: 0.1, max: 100, step: 0.1, inputmode: 'decimal', 'data-vertex-depth': i, value: d.vertexDepths[i] ?? '',
            onchange: (e: Event) => {
              const next = [...draft.getState().vertexDepths];
              next[i] = Number((e.target as HTMLInputElement).value);
              draft.setState({ vertexDepths: next });
            },
          }))),
      ];
  }
}

/** "Add to permit" for the work on the map, and the works already in the permit (also the apply form's, ids prefixed). */
export function renderWorks(store: ViewStore, draft: WorkDraftStore, t: Translate, idPrefix = ''): HTMLElement {
  const s = store.getState();
  const d = draft.getState();
  const drawn = drawnWork(s, d);
  return h('div', { id: `${idPrefix}permit-works` },
    h('div', { className: 'row' },
      h('button', {
        type: 'button', id: `${idPrefix}add-work`, disabled: !drawn,
        onclick: () => {
          if (!drawn) return;
          draft.setState({ works: [...d.works, drawn], vertexDepths: [] });
          store.setState({ dig: { ...s.dig, drawing: false, corners: [] } });
        },
      }, t('dig.addWork'))),
    d.works.length === 0 ? null : h('ol', { 'aria-label': t('dig.works') },
      ...d.works.map((w, i) => h('li', { 'data-work': i, 'data-kind': w.kind },
        t('dig.workItem', { n: i + 1, kind: t(`dig.kind.${w.kind}` as MessageKey), points: pointCount(w) }), ' ',
        h('button', { type: 'button', onclick: () => draft.setState({ works: d.works.filter((_, j) => j !== i) }) }, t('dig.removeWork'))))));
}

function pointCount(w: WorkDraft['works'][number]): number {
  switch (w.kind) {
    case 'open_cut': return w.footprint.length;
    case 'trench': return w.centreLine.length;
    case 'bore': return w.path.length;
    case 'piles': return w.points.length;
  }
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
        type: 'number', min: 0, max: actions.overrideLimit, step: 0.05, inputmode: 'decimal', 'data-override': u,
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
        type: 'number', min: 0, max: actions.overrideLimit, step: 0.5, inputmode: 'decimal', id: 'override-notify',
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
      'work' in line ? h('td', { className: 'num', 'data-work': line.work as number }, String((line.work as number) + 1)) : null,
      h('td', { className: 'num' }, formatNumber(line.distance3d)),
      h('td', { className: 'num' }, formatNumber(line.horizontal)),
      h('td', { className: 'num' }, formatNumber(line.vertical)),
      h('td', { className: 'num', title: `${line.clearance.toFixed(2)} m: ${line.clearanceSource}; + ${line.uncertainty.toFixed(2)} m (QL-${line.quality ?? 'D'})` }, formatNumber(line.tolerance))));
  const o = r.overrides;
  const overridden = o && [
    ...UTILITY_TYPES.filter((u) => o.clearances?.[u] !== undefined).map((u) => `${t(`utility.${u}` as MessageKey)} ${formatNumber(o.clearances![u]!)} m`),
    ...(o.notifyDistance !== undefined ? [`${t('notifyDistance')} ${formatNumber(o.notifyDistance)} m`] : []),
  ];
  return h('div', { id: 'screening-status' },
    h('div', { className: 'status', role: 'status' }, t(view.onServer ? 'screenedOnServer' : 'screened', { count: r.lines.length, ms: r.ms.toFixed(1) })),
    overridden ? h('div', { className: 'status error', id: 'screening-overrides', role: 'note' },
      t('overridesApplied', { what: overridden.join(', ') || '—', reason: o.reason || '—' })) : null,
    h('div', { className: 'row' },
      h('button', { id: 'export-json', onclick: () => actions.exportReport('json') }, t('exportJson')),
      h('button', { id: 'export-geojson', onclick: () => actions.exportReport('geojson') }, t('exportGeojson')),
      h('button', { id: 'site-view-open', onclick: () => actions.openSite() }, t('site.open'))),
    view.serverAgrees === null ? null : h('div', { className: `status${view.serverAgrees ? '' : ' error'}`, id: 'server-check' }, t(view.serverAgrees ? 'serverAgrees' : 'serverDisagrees')),
    r.lines.length === 0 ? h('div', { className: 'status' }, t('noConflicts')) :
      h('table', { id: 'screening-results' },
        h('thead', {}, h('tr', {}, ...(['col.verdict', 'col.line', ...('works' in r ? ['dig.col.work'] : []), 'col.d3', 'col.h', 'col.v', 'col.req'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...rows)));
}
