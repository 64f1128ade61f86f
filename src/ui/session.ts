/**
 * The network waits for a session (src/server/access, DESIGN.md Security). Without one,
 * /api/network answers 401: the viewer says "sign in to see the network" and loads it as soon as the
 * person signs in through the permits panel. Signing out reloads the page, so no network stays in
 * memory. What the summary grants decides how it is drawn: a contractor (`tiles: false`) gets the
 * polylines from its site-limited layers, the others the tilesets the server lists (restricted
 * ones only when their role may see them).
 */
import type { UtilityType } from '../core/model';
import type { AccessSummary } from '../protocol/accessApi';
import type { NetworkSummary } from '../protocol/apiTypes';
import { ApiError } from '../services/api';
import type { ViewStore } from '../store/viewStore';
import { drawModeOf, type DrawMode } from '../viewer/cityLayers';
import { TileLayers } from '../viewer/tileLayers';
import { h } from './dom';
import { translate, type MessageKey } from './i18n';
import type { PermitUiStore } from './permits/permitState';

export interface NetworkSessionDeps {
  /** The permits panel's store: its `user` is the session. */
  ui: PermitUiStore;
  store: ViewStore;
  /** The access status line goes right after this element (near the top: it explains an empty map). */
  after: HTMLElement;
}

type Phase = 'loading' | 'waiting' | 'loaded';

export class NetworkSession {
  private phase: Phase = 'loading';
  private waitingFor: MessageKey | null = null;
  private access: AccessSummary | null = null;
  private readonly status = h('div', { id: 'access-status', className: 'status', role: 'status', hidden: true });

  constructor(private readonly deps: NetworkSessionDeps) {
    deps.after.after(this.status);
    deps.store.subscribe((s, prev) => { if (s.locale !== prev.locale) this.render(); });
  }

  /** Loads the network now, or once the person signs in; reloads the page when they sign out. */
  start(load: () => Promise<void>): void {
    const run = async () => {
      this.phase = 'loading';
      document.body.dataset['networkAccess'] = 'loading';
      try {
        await load();
        this.phase = 'loaded';
        document.body.dataset['networkAccess'] = 'loaded';
      } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          this.phase = 'waiting';
          this.waitingFor = e.status === 401 ? 'access.signIn' : 'access.forbidden';
          document.body.dataset['networkAccess'] = e.status === 401 ? 'sign-in' : 'forbidden';
        } else {
          this.deps.store.setState({ load: { status: 'error', message: (e as Error).message } });
        }
      }
      this.render();
    };
    this.deps.ui.subscribe((s, prev) => {
      if (prev.user && !s.user) location.reload();
      else if (!prev.user && s.user && this.phase === 'waiting') void run();
    });
    void run();
  }

  /**
   * True when the layers this viewer holds are not the whole network (a contractor's sites, or no
   * restricted classes): the screening worker would miss lines a dig may strike, so digs are
   * screened by the server only (it screens against every line).
   */
  get partialNetwork(): boolean {
    return this.access !== null && (this.access.network === 'sites' || !this.access.restricted);
  }

  /** Records what the summary grants (for the status line) and answers how to draw it. */
  drawMode(summary: NetworkSummary, search: string): DrawMode {
    this.access = summary.access ?? null;
    this.render();
    return this.access?.tiles === false ? 'polylines' : drawModeOf(search);
  }

  /** The tilesets to open, in the viewer's load order: those the server lists, else every layer's own. */
  tilesets(summary: NetworkSummary, order: readonly UtilityType[]): { utility: UtilityType; url: string }[] {
    const listed = summary.tilesets ?? order.map((utility) => ({ utility, url: TileLayers.baseUrl(summary.version, utility) }));
    return listed.filter((t) => order.includes(t.utility)).sort((a, b) => order.indexOf(a.utility) - order.indexOf(b.utility));
  }

  private render(): void {
    const locale = this.deps.store.getState().locale;
    if (this.phase === 'waiting' && this.waitingFor) {
      this.deps.store.setState({ load: { status: 'error', message: translate(locale, this.waitingFor) } });
    }
    const a = this.access;
    const text = a?.network === 'sites'
      ? (a.sites > 0 ? translate(locale, 'access.sites', { count: a.sites, radius: a.siteRadiusM ?? 0 }) : translate(locale, 'access.noSites'))
      : '';
    this.status.textContent = text;
    this.status.hidden = text === '';
    document.body.dataset['accessSites'] = a?.network === 'sites' ? String(a.sites) : '';
  }
}
