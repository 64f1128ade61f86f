/**
 * What the permit pages do: sign in and out, apply, follow, review, decide, print, supervise. Each
 * call goes to the permit API and puts the answer in the permit store; the views only render it.
 * Errors become the store's `error` (the server's message names the field); long calls set `busy`.
 */
import type { SiteLaunch } from '../siteLauncher';
import type { DigScreening, WorksScreening } from '../../core/digScreening';
import type { ActionRequest, ConditionRequest, CreatePermitRequest, PermitAction, PermitDetail } from '../../protocol/permitApi';
import { api, ApiError } from '../../services/api';
import type { ViewStore } from '../../store/viewStore';
import { translate, type MessageKey } from '../i18n';
import { loadAdminData } from './adminView';
import { AUDIT_PAGE_ROWS, loadAudit, loadAuditPage, type AuditFilters } from './auditView';
import { permitApi } from './permitClient';
import { forgetCopies } from '../../site/offlineCopy';
import type { WorkDraftStore } from '../workDraft';
import type { PermitScene } from './permitScene';
import { permitWorksOf } from './permitWorks';
import { homeViewOf, type PermitUiStore, type PermitView } from './permitState';

/** A screening of one open cut or of a work list, as the server answers it. */
export type PermitScreening = DigScreening | WorksScreening;

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface PermitControllerDeps {
  ui: PermitUiStore;
  view: ViewStore;
  scene: PermitScene;
  /** The works draft (the dig panel's, src/ui/workDraft.ts): the apply form draws trench, bore and piles with it. */
  draft: WorkDraftStore;
  /** The network version on screen (0 before it loads): sent with every dig so a stale one is refused. */
  networkVersion(): number;
  /** Opens a screening in the dig-site view (src/ui/siteLauncher.ts). */
  openSite(launch: SiteLaunch): void;
}

/** Screened lines of a stored screening (a DigScreening as the server computed it), or none. */
export function linesOf(result: unknown): DigScreening['lines'] {
  const lines = (result as Partial<DigScreening> | null)?.lines;
  return Array.isArray(lines) ? lines : [];
}

export class PermitController {
  constructor(readonly deps: PermitControllerDeps) {}

  get t(): Translate {
    const locale = this.deps.view.getState().locale;
    return (key, params) => translate(locale, key, params);
  }

  private describe(e: unknown): string {
    if (e instanceof ApiError) return e.field ? `${e.message} (${this.t('permit.field')}: ${e.field})` : e.message;
    return (e as Error).message ?? String(e);
  }

  /** Runs one API call with the busy flag set and any error put on screen; resolves to undefined on failure. */
  private async run<T>(label: MessageKey, work: () => Promise<T>): Promise<T | undefined> {
    const { ui } = this.deps;
    ui.setState({ busy: label, error: null });
    try {
      return await work();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) ui.setState({ user: null });
      ui.setState({ error: this.describe(e) });
      return undefined;
    } finally {
      ui.setState({ busy: null });
    }
  }

  async checkSession(): Promise<void> {
    const { ui } = this.deps;
    try {
      const me = await permitApi.session();
      if (!me.user) {
        ui.setState({ user: null });
        return;
      }
      ui.setState({ user: me.user, view: homeViewOf(me.user.role) });
      await this.open(homeViewOf(me.user.role));
    } catch {
      ui.setState({ user: null });
    } finally {
      ui.setState({ sessionChecked: true });
    }
  }

  async signIn(username: string, password: string): Promise<void> {
    const res = await this.run('permit.signingIn', () => permitApi.signIn({ username, password }));
    if (!res) return;
    this.deps.ui.setState({ user: res.user, detail: null, receipt: null, print: null });
    await this.open(homeViewOf(res.user.role));
  }

  async signOut(): Promise<void> {
    const user = this.deps.ui.getState().user;
    await this.run('permit.signingOut', () => permitApi.signOut());
    // The site view's offline copies hold what the server sent this user: none stays on the device.
    if (user) await forgetCopies(user.username).catch((e: unknown) => console.error('signing out: the site copies could not be deleted', e));
    this.deps.ui.setState({ user: null, detail: null, mine: [], queue: [], dashboard: null, admin: null, audit: null, print: null, receipt: null, preScreening: { status: 'idle' } });
  }

  /** Opens a view and loads what it shows. */
  async open(view: PermitView): Promise<void> {
    const { ui } = this.deps;
    ui.setState({ view, error: null });
    if (view === 'mine') {
      const res = await this.run('permit.loading', () => permitApi.listPermits());
      if (res) ui.setState({ mine: res.permits });
    } else if (view === 'queue') {
      const res = await this.run('permit.loading', () => permitApi.queue());
      if (res) ui.setState({ queue: res.permits });
    } else if (view === 'dashboard') {
      const res = await this.run('permit.loading', () => permitApi.dashboard(ui.getState().dashboardFilters));
      if (res) ui.setState({ dashboard: res });
    } else if (view === 'admin') {
      const res = await this.run('permit.loading', loadAdminData);
      if (res) ui.setState({ admin: res });
    } else if (view === 'audit') {
      await this.filterAudit(ui.getState().audit?.filters ?? { user: '', since: '' });
    }
  }

  /** The audit's first page for these filters. */
  async filterAudit(filters: AuditFilters): Promise<void> {
    const res = await this.run('permit.loading', () => loadAudit(filters));
    if (res) this.deps.ui.setState({ audit: res });
  }

  /** The next page of the audit: rows older than the last one shown. */
  async olderAudit(): Promise<void> {
    const audit = this.deps.ui.getState().audit;
    const last = audit?.rows[audit.rows.length - 1];
    if (!audit || !last) return;
    const rows = await this.run('permit.loading', () => loadAuditPage(audit.filters, last.id));
    if (rows) this.deps.ui.setState({ audit: { ...audit, rows: [...audit.rows, ...rows], more: rows.length === AUDIT_PAGE_ROWS } });
  }

  async setDashboardFilters(filters: { unitId: string | null; handlerId: string | null }): Promise<void> {
    this.deps.ui.setState({ dashboardFilters: filters });
    await this.open('dashboard');
  }

  /** The applicant's pre-screening: the server screens the works on screen at once, before anything is stored. */
  async preScreen(): Promise<void> {
    const { ui, view, scene, draft } = this.deps;
    const dig = view.getState().dig;
    const works = draft.getState().works;
    const request = permitWorksOf(view.getState(), draft.getState(), this.deps.networkVersion());
    if (typeof request === 'string') return;
    ui.setState({ preScreening: { status: 'running' }, receipt: null });
    try {
      const result = (await api.screen(request)) as PermitScreening;
      // Works changed while the server screened are screened again by their own change: keep only the answer for these.
      if (view.getState().dig !== dig || draft.getState().works !== works) return;
      ui.setState({ preScreening: { status: 'done', result } });
      scene.highlight(result.lines);
    } catch (e) {
      ui.setState({ preScreening: { status: 'error', message: this.describe(e) } });
    }
  }

  async submit(request: CreatePermitRequest): Promise<void> {
    const detail = await this.run('permit.submitting', () => permitApi.createPermit({ ...request, submit: true }));
    if (!detail) return;
    this.deps.ui.setState({ receipt: detail.receipt, detail });
  }

  /** Opens a permit: its data in the panel, its dig and screening in 3D, the camera flown to it. */
  async openPermit(id: string): Promise<void> {
    const detail = await this.run('permit.loading', () => permitApi.getPermit(id));
    if (!detail) return;
    this.show(detail, true);
  }

  private show(detail: PermitDetail, fly: boolean): void {
    this.deps.ui.setState({ detail, view: 'detail' });
    this.deps.scene.show(detail.works, linesOf(detail.screening?.result), fly);
  }

  async act(action: PermitAction, extra: Omit<ActionRequest, 'action'> = {}): Promise<void> {
    const detail = this.deps.ui.getState().detail;
    if (!detail) return;
    const next = await this.run('permit.working', () => permitApi.act(detail.id, { action, ...extra }));
    if (next) this.show(next, false);
  }

  async addCondition(condition: ConditionRequest): Promise<void> {
    const detail = this.deps.ui.getState().detail;
    if (!detail) return;
    const next = await this.run('permit.working', () => permitApi.addCondition(detail.id, condition));
    if (next) this.show(next, false);
  }

  async removeCondition(conditionId: string): Promise<void> {
    const detail = this.deps.ui.getState().detail;
    if (!detail) return;
    const next = await this.run('permit.working', () => permitApi.removeCondition(detail.id, conditionId));
    if (next) this.show(next, false);
  }

  async acknowledgeRescreen(): Promise<void> {
    const detail = this.deps.ui.getState().detail;
    if (!detail) return;
    const next = await this.run('permit.working', () => permitApi.acknowledgeRescreen(detail.id));
    if (next) this.show(next, false);
  }

  /** The printable permit: the server's record plus a snapshot of the site; then the browser's print dialog. */
  async openPrint(): Promise<void> {
    const detail = this.deps.ui.getState().detail;
    if (!detail) return;
    const printable = await this.run('permit.preparingPrint', () => permitApi.print(detail.id));
    if (!printable) return;
    this.deps.ui.setState({ print: printable });
  }

  closePrint(): void {
    this.deps.ui.setState({ print: null });
  }

  /** Staff for the dispatcher's assignment (handling reviewer and approving leader). Quietly: no busy flag, no re-render. */
  async staff(role: 'reviewer' | 'approver'): Promise<{ id: string; name: string }[]> {
    try {
      return (await permitApi.users(role)).users.map((u) => ({ id: u.id, name: u.displayName }));
    } catch (e) {
      this.deps.ui.setState({ error: this.describe(e) });
      return [];
    }
  }
}
