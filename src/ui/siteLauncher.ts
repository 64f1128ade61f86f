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
import { formatTime } from './permits/permitList';
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
  /** The signed-in user's name ('' when none): whose offline copies of sites these are (src/site/offlineCopy.ts). */
  user(): string;
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
    const text = h('div', {}, t('site.drawing'));
    const bar = h('progress', { id: 'site-loading-bar' });
    const status = h('div', { id: 'site-loading', className: 'panel status', role: 'status' }, text, bar);
    this.status = status;
    this.deps.parent.append(status);
    try {
      const { mountSite } = await import('../site/mountSite');
      if (attempt !== this.opening) return;
      this.view = await mountSite(this.deps.parent, {
        frame: net.frame, version: net.version, user: this.deps.user(),
        result: launch.result, ...(launch.openCut ? { openCut: launch.openCut } : {}), utilities: net.utilities,
        // A poor connection may hang rather than fail: past the timeout the site's offline copy stands in.
        layer: (u, bbox) => api.layerIn(net.version, u, bbox, AbortSignal.timeout(DISPLAY.siteLayerTimeoutS * 1000)),
        marginM: DISPLAY.siteMarginM, sectionStepM: DISPLAY.siteSectionStepM, scheme: this.deps.store.getState().colourScheme, t, time: formatTime,
        progress: (done, total) => { text.textContent = t('site.loading', { done, total }); bar.max = total; bar.value = done; },
        onClose: () => this.close(),
      });
      if (attempt !== this.opening) { this.view.destroy(); this.view = null; return; }
      status.remove();
      this.view.element.dataset['ready'] = 'true';
    } catch (e) {
      if (attempt !== this.opening) return;
      bar.remove();
      text.textContent = t('site.failed', { message: siteFailure(e, t) });
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
