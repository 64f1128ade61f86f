/**
 * One permit, opened from a list: its data, its screening (also lit in 3D), its conditions and the
 * actions the signed-in person may take now (the server says which: `allowedActions`). Return and
 * reject need a reason; assign names the handling reviewer and the approving leader.
 */
import { CONDITION_KINDS, isWorkList, type ConditionKind, type ConditionView, type PermitAction, type PermitDetail } from '../../protocol/permitApi';
import { appendAll, field, h } from '../dom';
import type { MessageKey } from '../i18n';
import { linesOf, type PermitController, type Translate } from './permitController';
import { clockBadge, formatTime, stageLabel } from './permitList';
import { depthText, workRows } from './permitWorks';
import { screeningTable, verdictCounts } from './screeningTable';
import type { DigScreening, WorksScreening } from '../../core/digScreening';

/** Actions that need a written reason (the workflow table's reasonRequired; the server checks it too). */
const REASONED: readonly PermitAction[] = ['return', 'reject'];
/** The order the buttons appear in: the forward step first. */
const ACTION_ORDER: readonly PermitAction[] = ['submit', 'accept', 'assign', 'review', 'approve', 'complete', 'resubmit', 'return', 'reject', 'withdraw'];

/** What the person is typing in the action and condition forms, per permit. */
export interface DetailDraft {
  permitId: string | null;
  reason: string;
  reviewerId: string;
  approverId: string;
  staff: { reviewer: { id: string; name: string }[]; approver: { id: string; name: string }[] } | null;
  /** Set when the staff lists are asked for: every render must not ask again. */
  staffRequested: boolean;
  conditionKind: ConditionKind;
  conditionLine: string;
  conditionOwner: string;
  conditionText: string;
  actionError: string | null;
}

export function newDetailDraft(): DetailDraft {
  return {
    permitId: null, reason: '', reviewerId: '', approverId: '', staff: null, staffRequested: false,
    conditionKind: 'hand-dig', conditionLine: '', conditionOwner: '', conditionText: '', actionError: null,
  };
}

export function describeCondition(t: Translate, c: Pick<ConditionView, 'kind' | 'lineId' | 'owner' | 'text'>): string {
  const base = c.kind === 'hand-dig' ? (c.lineId ? t('permit.cond.handDigLine', { line: c.lineId }) : t('permit.cond.handDigAll'))
    : c.kind === 'owner-presence' ? t('permit.cond.ownerPresent', { owner: c.owner ?? '—' })
      : c.kind === 'trial-hole' ? t('permit.cond.trialHole', { line: c.lineId ?? '—' })
        : '';
  return [base, c.text ?? ''].filter((s) => s !== '').join(base && c.text ? ' — ' : '');
}

function dl(items: [string, string | Node][]): HTMLElement {
  return h('dl', {}, ...items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function renderConditions(ctrl: PermitController, d: PermitDetail, draft: DetailDraft, rerender: () => void): HTMLElement {
  const t = ctrl.t;
  const lines = linesOf(d.screening?.result);
  const root = h('section', { id: 'permit-conditions', 'data-count': d.conditions.length }, h('h2', {}, t('permit.conditions')));
  if (d.conditions.length === 0) root.append(h('div', { className: 'status' }, t('permit.noConditions')));
  else root.append(h('ol', {}, ...d.conditions.map((c) => h('li', { 'data-condition-kind': c.kind },
    describeCondition(t, c), h('span', { className: 'permit-meta' }, ` (${c.addedByName}, ${formatTime(c.addedAt)})`),
    d.canEditConditions ? h('button', { type: 'button', className: 'small', onclick: () => void ctrl.removeCondition(c.id) }, t('permit.remove')) : null))));
  if (!d.canEditConditions) return root;
  const needsLine = draft.conditionKind === 'hand-dig' || draft.conditionKind === 'trial-hole';
  appendAll(root,
    field(t('permit.conditionKind'), h('select', {
      id: 'condition-kind',
      onchange: (e: Event) => { draft.conditionKind = (e.target as HTMLSelectElement).value as ConditionKind; rerender(); },
    }, ...CONDITION_KINDS.map((k) => h('option', { value: k, selected: k === draft.conditionKind }, t(`permit.condKind.${k}` as MessageKey))))),
    needsLine ? field(t('col.line'), h('select', {
      id: 'condition-line', onchange: (e: Event) => { draft.conditionLine = (e.target as HTMLSelectElement).value; },
    }, ...(draft.conditionKind === 'hand-dig' ? [h('option', { value: '' }, t('permit.allLines'))] : []),
    ...lines.map((l) => h('option', { value: l.linkId, selected: l.linkId === draft.conditionLine }, `${t(`verdict.${l.verdict}` as MessageKey)} ${l.linkId} (${l.owner})`)))) : null,
    draft.conditionKind === 'owner-presence' ? field(t('attr.owner'), h('select', {
      id: 'condition-owner', onchange: (e: Event) => { draft.conditionOwner = (e.target as HTMLSelectElement).value; },
    }, ...(d.screening?.summary.owners ?? []).map((o) => h('option', { value: o, selected: o === draft.conditionOwner }, o)))) : null,
    field(t('permit.conditionText'), h('input', {
      type: 'text', id: 'condition-text', maxlength: 500, value: draft.conditionText,
      oninput: (e: Event) => { draft.conditionText = (e.target as HTMLInputElement).value; },
    })),
    h('button', {
      type: 'button', id: 'condition-add',
      onclick: () => {
        const kind = draft.conditionKind;
        // A select shows its first option before anyone touches it: that is the value meant.
        const line = draft.conditionLine || (kind === 'trial-hole' ? lines[0]?.linkId ?? '' : '');
        const owner = draft.conditionOwner || (d.screening?.summary.owners[0] ?? '');
        const text = draft.conditionText.trim();
        if (kind === 'other' && text === '') { draft.actionError = t('permit.need.conditionText'); return rerender(); }
        draft.conditionText = '';
        draft.actionError = null;
        void ctrl.addCondition({
          kind, ...(needsLine && line ? { lineId: line } : {}), ...(kind === 'owner-presence' && owner ? { owner } : {}), ...(text ? { text } : {}),
        });
      },
    }, t('permit.addCondition')));
  return root;
}

/** Why approve is not offered now (the server's approvalHold), to the approver who would take it. */
function approvalHoldNote(ctrl: PermitController, d: PermitDetail): HTMLElement | null {
  const hold = d.approvalHold;
  if (!hold || d.status !== 'reviewed' || ctrl.deps.ui.getState().user?.id !== d.assignment.approverId) return null;
  return h('div', { className: 'status error', id: 'permit-approval-hold', role: 'alert', 'data-code': hold.code },
    ctrl.t(`permit.approvalHold.${hold.code}` as MessageKey, { screened: hold.screenedVersion ?? '—', version: hold.networkVersion ?? '—' }));
}

function renderActions(ctrl: PermitController, d: PermitDetail, draft: DetailDraft, rerender: () => void): HTMLElement | null {
  const t = ctrl.t;
  const actions = ACTION_ORDER.filter((a) => d.allowedActions.includes(a));
  const hold = approvalHoldNote(ctrl, d);
  if (actions.length === 0) return hold && h('section', { id: 'permit-actions' }, h('h2', {}, t('permit.decide')), hold);
  const busy = ctrl.deps.ui.getState().busy !== null;
  if (actions.includes('assign') && !draft.staffRequested) {
    draft.staffRequested = true;
    void Promise.all([ctrl.staff('reviewer'), ctrl.staff('approver')]).then(([reviewer, approver]) => {
      draft.staff = { reviewer, approver };
      draft.reviewerId ||= reviewer[0]?.id ?? '';
      draft.approverId ||= approver[0]?.id ?? '';
      rerender();
    });
  }
  const staffSelect = (role: 'reviewer' | 'approver') => field(t(`permit.assign.${role}` as MessageKey),
    h('select', {
      id: `assign-${role}`,
      onchange: (e: Event) => { draft[role === 'reviewer' ? 'reviewerId' : 'approverId'] = (e.target as HTMLSelectElement).value; },
    }, ...(draft.staff?.[role] ?? []).map((u) => h('option', { value: u.id, selected: u.id === draft[role === 'reviewer' ? 'reviewerId' : 'approverId'] }, u.name))));
  const doAction = (action: PermitAction) => {
    const reason = draft.reason.trim();
    if (REASONED.includes(action) && reason === '') { draft.actionError = t('permit.need.reason'); return rerender(); }
    draft.actionError = null;
    const extra = action === 'assign' ? { assignment: { reviewerId: draft.reviewerId, approverId: draft.approverId } }
      : reason !== '' && (REASONED.includes(action) || action === 'approve') ? { reason } : {};
    draft.reason = '';
    void ctrl.act(action, extra);
  };
  return h('section', { id: 'permit-actions' },
    h('h2', {}, t('permit.decide')),
    hold,
    actions.includes('assign') ? staffSelect('reviewer') : null,
    actions.includes('assign') ? staffSelect('approver') : null,
    actions.some((a) => REASONED.includes(a)) ? field(t('permit.reason'), h('textarea', {
      id: 'permit-reason', maxlength: 2000, rows: 2, oninput: (e: Event) => { draft.reason = (e.target as HTMLTextAreaElement).value; },
    }, draft.reason)) : null,
    draft.actionError ? h('div', { className: 'status error', role: 'alert', id: 'permit-action-error' }, draft.actionError) : null,
    h('div', { className: 'row' }, ...actions.map((a) => h('button', {
      type: 'button', id: `action-${a}`, 'data-action': a, disabled: busy,
      className: a === 'approve' || a === 'review' || a === 'accept' || a === 'assign' || a === 'submit' ? 'primary' : REASONED.includes(a) ? 'danger' : '',
      onclick: () => doAction(a),
    }, t(`permit.action.${a}` as MessageKey)))));
}

/** The permit's stored screening in the dig-site view; a one-footprint permit's works give the footprint it was screened with. */
function openSite(ctrl: PermitController, d: PermitDetail): void {
  if (!d.screening) return;
  const result = d.screening.result as DigScreening | WorksScreening;
  ctrl.deps.openSite(isWorkList(d.works) ? { result } : { result, openCut: { footprint: d.works.footprint, depth: d.works.depth } });
}

export function renderPermitDetail(ctrl: PermitController, d: PermitDetail, draft: DetailDraft, back: () => void, rerender: () => void): HTMLElement {
  const t = ctrl.t;
  if (draft.permitId !== d.id) Object.assign(draft, newDetailDraft(), { permitId: d.id });
  const lines = linesOf(d.screening?.result);
  const user = ctrl.deps.ui.getState().user;
  const printable = d.status === 'approved' || d.status === 'completed';
  return h('div', { id: 'permit-detail', 'data-permit-id': d.id, 'data-receipt': d.receipt ?? '', 'data-status': d.status, 'data-conditions': d.conditions.length },
    h('div', { className: 'row' },
      h('button', { type: 'button', id: 'permit-back', onclick: back }, `← ${t('permit.back')}`),
      printable ? h('button', { type: 'button', id: 'permit-print', onclick: () => void ctrl.openPrint() }, t('permit.print')) : null),
    h('h2', {}, d.title),
    dl([
      [t('permit.receipt'), d.receipt ?? t('permit.draft')],
      [t('permit.stage'), h('span', { id: 'permit-stage' }, stageLabel(t, d.status))],
      [t('permit.clock'), clockBadge(t, d.clock) ?? '—'],
      [t('permit.applicant'), `${d.applicantName} · ${d.unitName}`],
      [t('permit.dates'), `${d.startDate} – ${d.endDate}`],
      [t('permit.method'), t(`permit.method.${d.method}` as MessageKey)],
      [t('permit.workKinds'), d.workKinds.join(', ')],
      [t('depth'), depthText(d.works)],
      ...(isWorkList(d.works) ? workRows(t, d.works) : []),
      [t('permit.contact'), `${d.contact.name} ${d.contact.phone}`],
    ]),
    d.rescreenChanged ? h('div', { className: 'status error', id: 'permit-rescreen', role: 'alert' }, t('permit.rescreenChanged'),
      user?.role === 'reviewer' ? h('button', { type: 'button', className: 'small', onclick: () => void ctrl.acknowledgeRescreen() }, t('permit.acknowledge')) : null) : null,
    d.rescreenFailed ? h('div', { className: 'status error', id: 'permit-rescreen-failed', role: 'alert', 'data-version': d.rescreenFailed.networkVersion },
      t('permit.rescreenFailed', { version: d.rescreenFailed.networkVersion, reason: d.rescreenFailed.reason, screened: d.screening?.networkVersion ?? '—' })) : null,
    h('h2', {}, t('permit.screening')),
    d.screening ? h('div', {},
      h('div', { className: 'status' }, t('permit.screenedAgainst', { version: d.screening.networkVersion, at: formatTime(d.screening.createdAt) })),
      verdictCounts(t, d.screening.summary),
      h('div', { className: 'row' }, h('button', { type: 'button', id: 'permit-site-view', onclick: () => openSite(ctrl, d) }, t('site.open'))),
      screeningTable(t, lines, 'permit-detail-lines')) : h('div', { className: 'status' }, t('permit.noScreening')),
    renderConditions(ctrl, d, draft, rerender),
    renderActions(ctrl, d, draft, rerender),
    h('h2', {}, t('permit.history')),
    h('ol', { className: 'permit-history' }, ...d.events.map((e) => h('li', {},
      `${formatTime(e.at)} ${t(`permit.action.${e.action}` as MessageKey)} → ${stageLabel(t, e.to)} · ${e.actorName}`,
      e.reason ? h('div', { className: 'permit-meta' }, e.reason) : null))),
  );
}
