/**
 * The applicant's form: what kind of work, where (drawn on the map with the dig drawing, or a GeoJSON
 * file), how deep, when, how, and who to call. Trench, bore and piles are drawn with the dig panel's
 * works draft (src/ui/workDraft.ts: the same store, its size fields and "add to permit"); a permit of
 * one open cut is sent as {footprint, depth}, anything else as a work list {works: […]}. The dig is screened by the server as soon as its
 * outline is complete, and the verdicts show at once, in the panel and lit in 3D. Submitting returns
 * the receipt number the applicant follows the permit by.
 */
import { civilDateOf } from '../../core/permits/civilDate';
import { PERMIT_METHODS, type CreatePermitRequest, type PermitMethod, type PermitWorks } from '../../protocol/permitApi';
import { renderKindFields, renderWorks } from '../digPanel';
import { appendAll, field, h } from '../dom';
import type { MessageKey } from '../i18n';
import { drawnWork, MIN_POINTS, WORK_KINDS, type WorkKind } from '../workDraft';
import { permitWorksOf } from './permitWorks';
import { FootprintFileError, parseFootprintGeoJson, singleFootprint } from './footprintFile';
import type { PermitController, Translate } from './permitController';
import { screeningTable, verdictCounts } from './screeningTable';

/** How far ahead the planned start is put by default, days. */
const DEFAULT_DURATION_DAYS = 7;
const DAY_MS = 86_400_000;

/** What the person has typed; kept outside the store so that a re-render never loses it. */
export interface ApplyDraft {
  title: string;
  workKinds: string;
  startDate: string;
  endDate: string;
  method: PermitMethod;
  contactName: string;
  contactPhone: string;
  fileMessage: string | null;
  /** False when the last file was refused. */
  fileOk: boolean;
  formError: string | null;
}

export function newApplyDraft(now = Date.now()): ApplyDraft {
  return {
    title: '', workKinds: '', method: 'open-cut', contactName: '', contactPhone: '',
    startDate: civilDateOf(now), endDate: civilDateOf(now + DEFAULT_DURATION_DAYS * DAY_MS), fileMessage: null, fileOk: true, formError: null,
  };
}

function textInput(draft: ApplyDraft, key: 'title' | 'workKinds' | 'contactName' | 'contactPhone' | 'startDate' | 'endDate', attrs: Record<string, string | number> = {}): HTMLInputElement {
  return h('input', {
    type: 'text', id: `permit-${key}`, name: key, value: draft[key], ...attrs,
    oninput: (e: Event) => { draft[key] = (e.target as HTMLInputElement).value; },
  });
}

/** The request from the draft and the works on screen, or the first missing or wrong field (message key). */
export function requestFromDraft(draft: ApplyDraft, works: PermitWorks | MessageKey): CreatePermitRequest | MessageKey {
  if (typeof works === 'string') return works;
  if (draft.title.trim() === '') return 'permit.need.title';
  const workKinds = draft.workKinds.split(/[,，;；]/).map((s) => s.trim()).filter(Boolean);
  if (workKinds.length === 0) return 'permit.need.workKinds';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.startDate) || !/^\d{4}-\d{2}-\d{2}$/.test(draft.endDate)) return 'permit.need.dates';
  if (draft.endDate < draft.startDate) return 'permit.need.dateOrder';
  if (draft.contactName.trim() === '' || draft.contactPhone.trim() === '') return 'permit.need.contact';
  return {
    title: draft.title.trim(), workKinds, works,
    startDate: draft.startDate, endDate: draft.endDate, method: draft.method,
    contact: { name: draft.contactName.trim(), phone: draft.contactPhone.trim() },
  };
}

async function readFootprintFile(ctrl: PermitController, draft: ApplyDraft, file: File, rerender: () => void): Promise<void> {
  const t = ctrl.t;
  try {
    const ring = singleFootprint(parseFootprintGeoJson(await file.text()));
    draft.fileMessage = t('permit.file.read', { name: file.name, count: ring.length });
    draft.fileOk = true;
    const depth = ctrl.deps.view.getState().dig.depth;
    ctrl.deps.scene.show({ footprint: ring, depth, ruleSetId: ctrl.deps.view.getState().ruleSetId }, null, true);
  } catch (e) {
    draft.fileMessage = e instanceof FootprintFileError
      ? t('permit.file.error', { name: file.name, where: e.path, what: t(e.key, e.params) })
      : t('permit.file.error', { name: file.name, where: '(file)', what: (e as Error).message });
    draft.fileOk = false;
    document.body.dataset['permitFileError'] = e instanceof FootprintFileError ? e.key : 'other';
  }
  rerender();
}

export function renderApplyForm(ctrl: PermitController, draft: ApplyDraft, rerender: () => void): HTMLElement {
  const t = ctrl.t;
  const { view, ui } = ctrl.deps;
  const dig = view.getState().dig;
  const workDraft = ctrl.deps.draft;
  const d = workDraft.getState();
  const s = ui.getState();
  const setDig = (patch: Partial<typeof dig>) => view.setState({ dig: { ...view.getState().dig, ...patch } });
  const root = h('form', { id: 'permit-apply', onsubmit: (e: Event) => e.preventDefault() });
  appendAll(root,
    h('h2', {}, t('permit.apply')),
    field(t('permit.excavationKind'), h('select', {
      id: 'permit-excavation-kind', onchange: (e: Event) => workDraft.setState({ kind: (e.target as HTMLSelectElement).value as WorkKind }),
    }, ...WORK_KINDS.map((k) => h('option', { value: k, selected: k === d.kind }, t(`permit.kind.${k}` as MessageKey))))),
    h('div', { className: 'row' },
      h('button', { type: 'button', id: 'permit-draw', className: dig.drawing ? 'active' : '', onclick: () => setDig({ drawing: true, corners: [] }) }, t(d.kind === 'open_cut' ? 'permit.drawFootprint' : 'drawDig')),
      h('button', { type: 'button', id: 'permit-finish', disabled: !dig.drawing || dig.corners.length < MIN_POINTS[d.kind], onclick: () => setDig({ drawing: false }) }, t('finishDig'))),
    h('div', { className: 'status', id: 'permit-footprint-status', 'data-corners': dig.corners.length, 'data-works': d.works.length },
      dig.drawing ? t(d.kind === 'open_cut' ? 'drawHint' : `dig.hint.${d.kind}` as MessageKey)
        : dig.corners.length >= 3 && d.kind === 'open_cut' ? t('permit.footprintCorners', { count: dig.corners.length })
          : d.works.length === 0 && !drawnWork(view.getState(), d) ? t('permit.footprintNone') : ''),
    ...renderKindFields(view, workDraft, t, 'apply-'),
    renderWorks(view, workDraft, t, 'apply-'),
    // The browser's own file button speaks the browser's language, not the page's: ours is a label over a hidden input.
    field(t('permit.uploadFootprint'), h('span', { className: 'file-pick' },
      h('input', {
        type: 'file', id: 'permit-file', className: 'visually-hidden', accept: '.geojson,.json,application/geo+json,application/json',
        onchange: (e: Event) => {
          const file = (e.target as HTMLInputElement).files?.[0];
          delete document.body.dataset['permitFileError'];
          if (file) void readFootprintFile(ctrl, draft, file, rerender);
        },
      }),
      h('span', { className: 'button', 'aria-hidden': 'true' }, t('permit.chooseFile')))),
    draft.fileMessage ? h('div', { className: `status${draft.fileOk ? '' : ' error'}`, id: 'permit-file-message', role: draft.fileOk ? 'status' : 'alert' }, draft.fileMessage) : null,
    field(t('depth'), h('input', {
      type: 'number', id: 'permit-depth', min: 0.1, max: 50, step: 0.1, inputmode: 'decimal', value: dig.depth,
      onchange: (e: Event) => setDig({ depth: Number((e.target as HTMLInputElement).value) }),
    })),
    renderPreScreening(t, s.preScreening),
    field(t('permit.title'), textInput(draft, 'title', { maxlength: 200 })),
    field(t('permit.workKinds'), textInput(draft, 'workKinds', { maxlength: 200, placeholder: t('permit.workKindsHint') })),
    field(t('permit.startDate'), textInput(draft, 'startDate', { type: 'date' })),
    field(t('permit.endDate'), textInput(draft, 'endDate', { type: 'date' })),
    field(t('permit.method'), h('select', {
      id: 'permit-method', onchange: (e: Event) => { draft.method = (e.target as HTMLSelectElement).value as PermitMethod; },
    }, ...PERMIT_METHODS.map((m) => h('option', { value: m, selected: m === draft.method }, t(`permit.method.${m}` as MessageKey))))),
    field(t('permit.contactName'), textInput(draft, 'contactName', { maxlength: 100, autocomplete: 'name' })),
    field(t('permit.contactPhone'), textInput(draft, 'contactPhone', { type: 'tel', maxlength: 40, autocomplete: 'tel' })),
    draft.formError ? h('div', { className: 'status error', role: 'alert', id: 'permit-form-error' }, draft.formError) : null,
    h('div', { className: 'row' },
      h('button', {
        type: 'button', id: 'permit-submit', className: 'primary', disabled: s.busy !== null || s.preScreening.status !== 'done',
        onclick: () => {
          const req = requestFromDraft(draft, permitWorksOf(view.getState(), workDraft.getState(), ctrl.deps.networkVersion()));
          draft.formError = typeof req === 'string' ? t(req) : null;
          if (typeof req === 'string') return rerender();
          void ctrl.submit(req);
        },
      }, t('permit.submit'))),
    s.receipt ? h('div', { className: 'receipt-box', id: 'permit-receipt', 'data-receipt': s.receipt, role: 'status' },
      t('permit.receiptIs'), h('strong', {}, s.receipt),
      h('a', { href: `receipt.html?n=${encodeURIComponent(s.receipt)}`, target: '_blank', rel: 'noopener' }, t('permit.publicPage'))) : null,
  );
  return root;
}

function renderPreScreening(t: Translate, pre: ReturnType<PermitController['deps']['ui']['getState']>['preScreening']): HTMLElement {
  const box = h('div', { id: 'permit-prescreen', 'data-status': pre.status });
  if (pre.status === 'running') box.append(h('div', { className: 'status', role: 'status' }, t('permit.preScreening')));
  else if (pre.status === 'error') box.append(h('div', { className: 'status error', role: 'alert' }, pre.message));
  else if (pre.status === 'done') {
    appendAll(box,
      h('h2', {}, t('permit.preScreen')),
      verdictCounts(t, pre.result.summary),
      screeningTable(t, pre.result.lines.filter((l) => l.verdict !== 'NEAR'), 'permit-prescreen-lines'),
      pre.result.summary.near > 0 ? h('div', { className: 'status' }, t('permit.nearOmitted', { count: pre.result.summary.near })) : null);
  }
  return box;
}
