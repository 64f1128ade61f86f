/**
 * "Site view" / "现场三维": opens a screened dig in the three.js site view (src/site) over the city,
 * from the dig panel's result or a permit's screening. three.js and the site code are loaded by a
 * dynamic import on the first open, so the city's first paint never pays for them. Closing returns
 * to the city as it was.
 */
import type { LocalFrame } from '../core/crs';
import type { DigScreening, WorksScreening } from '../core/digScreening';
import type { UtilityType } from '../core/model';
import { api } from '../services/api';
import type { SiteView } from '../site/siteView';
import type { ViewStore } from '../store/viewStore';
import { DISPLAY } from '../viewer/tileStyle';
import { h } from './dom';
import { translate, type MessageKey } from './i18n';
import { notReadyNotice, siteFailure } from './siteNotices';

export interface SiteLaunch {
  result: DigScreening | WorksScreening;
  /** For a one-dig screening: the footprint and depth it was asked with (the result does not carry them). */
  openCut?: { footprint: [number, number][]; depth: number };
}

export interface SiteLauncherDeps {
  parent: HTMLElement;
  store: ViewStore;
  network(): { version: number; frame: LocalFrame; utilities: UtilityType[] } | null;
}

export class SiteLauncher {
  /** The open view (tests aim their taps through it), null when closed. */
  view: SiteView | null = null;
  private status: HTMLElement | null = null;
  private opening = 0;

  constructor(private readonly deps: SiteLauncherDeps) {}

  async open(launch: SiteLaunch): Promise<void> {
    const net = this.deps.network();
    this.close();
    const attempt = ++this.opening;
    const locale = this.deps.store.getState().locale;
    const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
    if (!net) { this.status = notReadyNotice(this.deps.parent, t, () => this.close()); return; }
    const status = h('div', { id: 'site-loading', className: 'panel status', role: 'status' }, t('site.drawing'));
    this.status = status;
    this.deps.parent.append(status);
    try {
      const { mountSite } = await import('../site/mountSite');
      if (attempt !== this.opening) return;
      this.view = await mountSite(this.deps.parent, {
        frame: net.frame, result: launch.result, ...(launch.openCut ? { openCut: launch.openCut } : {}), utilities: net.utilities,
        layer: (u, bbox) => api.layerIn(net.version, u, bbox), networkVersion: net.version,
        marginM: DISPLAY.siteMarginM, scheme: this.deps.store.getState().colourScheme, t,
        progress: (done, total) => { status.textContent = t('site.loading', { done, total }); },
        onClose: () => this.close(),
      });
      if (attempt !== this.opening) { this.view.destroy(); this.view = null; return; }
      status.remove();
      this.view.element.dataset['ready'] = 'true';
    } catch (e) {
      if (attempt !== this.opening) return;
      status.textContent = t('site.failed', { message: siteFailure(e, t) });
      status.classList.add('error');
      status.append(' ', h('button', { type: 'button', onclick: () => this.close() }, t('site.close')));
    }
  }

  close(): void {
    this.opening++;
    this.view?.destroy();
    this.view = null;
    this.status?.remove();
    this.status = null;
  }
}
