/**
 * What the "Site view" button says when it cannot open the view (src/ui/siteLauncher.ts), kept here
 * so the launcher changes by a line: a failure in the interface's words with the browser's or the
 * server's own detail kept (a bare "Failed to fetch" told a site worker nothing), and a notice when
 * the button is pressed before the network has loaded (it did nothing at all).
 */
import { ApiError } from '../services/api';
import { h } from './dom';
import type { MessageKey } from './i18n';

type T = (k: MessageKey, p?: Record<string, string | number>) => string;

/** Why the view could not open, translated, with the detail as the browser or server gave it. */
export function siteFailure(e: unknown, t: T): string {
  const detail = e instanceof Error ? e.message : String(e);
  if (e instanceof ApiError) {
    if (e.code === 'stale_version') return t('site.failedStale', { detail });
    return t('site.failedServer', { status: e.status, detail });
  }
  // fetch rejects with a TypeError when no answer came at all (offline, connection reset, aborted).
  if (e instanceof TypeError) return t('site.failedNetwork', { detail });
  return t('site.failedOther', { detail });
}

/** The launcher's status panel saying the network is not loaded yet, with a close button. */
export function notReadyNotice(parent: HTMLElement, t: T, close: () => void): HTMLElement {
  const status = h('div', { id: 'site-loading', className: 'panel status error', role: 'status' }, t('site.notReady'), ' ',
    h('button', { type: 'button', onclick: close }, t('site.close')));
  parent.append(status);
  return status;
}
