/**
 * The permits panel on the city page: sign-in, then what the person's role does: an applicant applies
 * and follows their permits; a dispatcher, reviewer or approver works a queue sorted by due date and
 * opens each permit in 3D; a supervisor watches the dashboard. The printed permit is a sheet of its
 * own. main.ts mounts it with one call; everything else lives in this folder.
 */
import type { Viewer } from 'cesium';
import type { ViewState, ViewStore } from '../../store/viewStore';
import type { ScreenedLine } from '../../core/digScreening';
import { appendAll, clear, field, h } from '../dom';
import type { MessageKey } from '../i18n';
import type { WorkDraftStore } from '../workDraft';
import { newAdminDraft, renderAdmin } from './adminView';
import { newApplyDraft, renderApplyForm } from './applyForm';
import { renderAudit } from './auditView';
import { renderDashboard } from './dashboard';
import { PermitController } from './permitController';
import { newDetailDraft, renderPermitDetail } from './permitDetail';
import { renderPermitList } from './permitList';
import { PermitScene } from './permitScene';
import { createPermitUiStore, type PermitUiState, type PermitView } from './permitState';
import { renderPrintSheet } from './printView';
import './permits.css';
import type { SiteLaunch } from '../siteLauncher';

export interface PermitsMount {
  store: ViewStore;
  viewer: Viewer;
  draft: WorkDraftStore;
  setHighlights(lines: readonly ScreenedLine[]): void;
  networkVersion(): number;
  /** Opens a screening in the dig-site view (src/ui/siteLauncher.ts). */
  openSite(launch: SiteLaunch): void;
}

/** The views each role moves between (the detail view opens from a list). */
const NAV: Record<string, PermitView[]> = {
  applicant: ['apply', 'mine'],
  dispatcher: ['queue'],
  reviewer: ['queue'],
  approver: ['queue'],
  supervisor: ['dashboard', 'audit'],
  admin: ['dashboard', 'queue', 'admin', 'audit'],
};

function renderSignIn(ctrl: PermitController, creds: { username: string; password: string }): HTMLElement {
  const t = ctrl.t;
  const busy = ctrl.deps.ui.getState().busy !== null;
  return h('form', {
    id: 'permit-sign-in',
    onsubmit: (e: Event) => {
      e.preventDefault();
      const password = creds.password;
      creds.password = '';
      void ctrl.signIn(creds.username.trim(), password);
    },
  },
  field(t('permit.username'), h('input', {
    id: 'sign-in-user', name: 'username', autocomplete: 'username', value: creds.username, autocapitalize: 'off',
    oninput: (e: Event) => { creds.username = (e.target as HTMLInputElement).value; },
  })),
  field(t('permit.password'), h('input', {
    id: 'sign-in-password', name: 'password', type: 'password', autocomplete: 'current-password',
    oninput: (e: Event) => { creds.password = (e.target as HTMLInputElement).value; },
  })),
  h('button', { type: 'submit', id: 'sign-in', className: 'primary', disabled: busy }, t('permit.signIn')));
}

export function mountPermits(app: HTMLElement, before: Element | null, deps: PermitsMount): PermitController {
  const ui = createPermitUiStore();
  const scene = new PermitScene({ viewer: deps.viewer, store: deps.store, draft: deps.draft, setHighlights: deps.setHighlights });
  const ctrl = new PermitController({ ui, view: deps.store, scene, draft: deps.draft, networkVersion: deps.networkVersion, openSite: deps.openSite });
  const panel = h('div', { id: 'permits', className: 'panel' });
  app.insertBefore(panel, before);
  let sheet: HTMLElement | null = null;
  const creds = { username: '', password: '' };
  let applyDraft = newApplyDraft();
  const detailDraft = newDetailDraft();
  const adminDraft = newAdminDraft();
  let collapsed = false;

  function body(s: PermitUiState): HTMLElement | null {
    if (!s.user) return renderSignIn(ctrl, creds);
    if (s.view === 'apply') return renderApplyForm(ctrl, applyDraft, render);
    if (s.view === 'mine') return renderPermitList(ctrl.t, s.mine, (id) => void ctrl.openPermit(id), 'permit.noneYet', 'permit-mine');
    if (s.view === 'queue') return renderPermitList(ctrl.t, s.queue, (id) => void ctrl.openPermit(id), 'permit.queueEmpty', 'permit-queue');
    if (s.view === 'detail' && s.detail) {
      const back = NAV[s.user.role]?.includes('mine') ? 'mine' : (NAV[s.user.role]?.[0] ?? 'queue');
      return renderPermitDetail(ctrl, s.detail, detailDraft, () => void ctrl.open(back), render);
    }
    if (s.view === 'dashboard') return renderDashboard(ctrl, s.dashboard);
    if (s.view === 'admin') return renderAdmin(ctrl, s.admin, adminDraft, render);
    if (s.view === 'audit') return renderAudit(ctrl, s.audit, (f) => void ctrl.filterAudit(f), () => void ctrl.olderAudit());
    return null;
  }

  function render(): void {
    const s = ui.getState();
    const t = ctrl.t;
    document.body.dataset['permitUser'] = s.user ? s.user.role : (s.sessionChecked ? 'none' : 'checking');
    document.body.dataset['permitView'] = s.view;
    document.body.dataset['permitBusy'] = s.busy ? 'true' : 'false';
    clear(panel);
    panel.classList.toggle('wide', s.user !== null && (s.view === 'dashboard' || s.view === 'audit') && !collapsed);
    panel.classList.toggle('collapsed', collapsed);
    appendAll(panel,
      h('div', { className: 'row' },
        h('h2', { style: 'flex:1' }, t('permit.permits')),
        h('button', { type: 'button', id: 'permits-toggle', 'aria-label': t('togglePanel'), onclick: () => { collapsed = !collapsed; render(); } }, collapsed ? '▸' : '▾')));
    if (collapsed) return;
    if (s.user) {
      appendAll(panel,
        h('div', { className: 'row user-bar', id: 'permit-user', 'data-role': s.user.role },
          h('span', { style: 'flex:1' }, `${s.user.displayName} · ${t(`permit.role.${s.user.role}` as MessageKey)}${s.user.unitName ? ` · ${s.user.unitName}` : ''}`),
          h('button', { type: 'button', id: 'sign-out', onclick: () => { applyDraft = newApplyDraft(); void ctrl.signOut(); } }, t('permit.signOut'))),
        h('div', { className: 'row tabs' }, ...(NAV[s.user.role] ?? []).map((v) =>
          h('button', { type: 'button', id: `permit-tab-${v}`, className: s.view === v ? 'active' : '', onclick: () => void ctrl.open(v) }, t(`permit.tab.${v}` as MessageKey)))));
    }
    appendAll(panel,
      s.busy ? h('div', { className: 'status', role: 'status', id: 'permit-busy' }, t(s.busy as MessageKey)) : null,
      s.error ? h('div', { className: 'status error', role: 'alert', id: 'permit-error' }, s.error) : null,
      body(s));
    if (s.print && !sheet) {
      sheet = renderPrintSheet(ctrl, s.print);
      document.body.append(sheet);
    } else if (!s.print && sheet) {
      sheet.remove();
      sheet = null;
    }
  }

  ui.subscribe(render);
  deps.store.subscribe((s: ViewState, prev: ViewState) => {
    if (s.locale !== prev.locale) {
      if (sheet && ui.getState().print) { sheet.remove(); sheet = null; }
      render();
    }
    // The outline is complete (drawn and finished, or read from a file): screen it at once.
    if (s.dig !== prev.dig) worksChanged(!s.dig.drawing && (s.dig.corners !== prev.dig.corners || s.dig.depth !== prev.dig.depth || prev.dig.drawing));
  });
  // A work added, removed or resized, or another kind chosen: the same.
  deps.draft.subscribe(() => worksChanged(!deps.store.getState().dig.drawing));

  /** While an applicant fills the form: voids the pre-screening of other works, and screens these when asked and complete. */
  function worksChanged(screen: boolean): void {
    const u = ui.getState();
    if (u.user?.role !== 'applicant' || u.view !== 'apply') return;
    if (u.preScreening.status !== 'idle' || u.receipt) ui.setState({ preScreening: { status: 'idle' }, receipt: null });
    else render();
    if (screen) void ctrl.preScreen();
  }
  render();
  void ctrl.checkSession();
  return ctrl;
}
