/**
 * The style panel: colour by type / material / age / quality, filter by cover range, owner and
 * status, the depth cue, and the legend of the active colouring; below it the tile-loading
 * indicator. The panel only edits its own store; main.ts hands the store's state to the layers.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { LINK_STATUSES, type LinkStatus, type UtilityType } from '../core/model';
import type { ColourScheme } from '../core/colours';
import { COLOUR_BY, legendOf, type ColourBy, type StyleSpec } from '../viewer/tileStyle';
import type { TileProgress } from '../viewer/tileLayers';
import { appendAll, clear, h } from './dom';
import { hasMessage, translate, type Locale, type MessageKey } from './i18n';

export interface StyleState {
  colourBy: ColourBy;
  cover: { minM: number; maxM: number } | null;
  owner: string | null;
  statuses: readonly LinkStatus[];
  depthCue: boolean;
  /** A rejected input, shown under the panel until corrected. */
  error: MessageKey | null;
}

export type StyleStore = StoreApi<StyleState>;

export function createStyleStore(): StyleStore {
  return createStore<StyleState>(() => ({ colourBy: 'type', cover: null, owner: null, statuses: LINK_STATUSES, depthCue: true, error: null }));
}

/** The style the layers draw with: the panel's choices, the colour scheme, the screened lines. */
export function styleSpecOf(s: StyleState, scheme: ColourScheme, highlights: StyleSpec['highlights']): StyleSpec {
  return { colourBy: s.colourBy, scheme, cover: s.cover, owner: s.owner, statuses: s.statuses, highlights };
}

/** Largest cover the filter accepts, m (deeper than any utility the product models). */
const MAX_COVER_M = 50;

function readCover(root: HTMLElement, store: StyleStore): void {
  const value = (id: string) => (root.querySelector(`#${id}`) as HTMLInputElement).value.trim();
  const lo = value('cover-min'), hi = value('cover-max');
  if (lo === '' && hi === '') return store.setState({ cover: null, error: null });
  const minM = lo === '' ? 0 : Number(lo), maxM = hi === '' ? MAX_COVER_M : Number(hi);
  const ok = Number.isFinite(minM) && Number.isFinite(maxM) && minM >= 0 && maxM <= MAX_COVER_M && minM <= maxM;
  store.setState(ok ? { cover: { minM, maxM }, error: null } : { error: 'style.badCover' });
}

export interface StylePanelData {
  locale: Locale;
  scheme: ColourScheme;
  utilities: readonly UtilityType[];
  materials: readonly string[];
  owners: readonly string[];
}

export function renderStylePanel(root: HTMLElement, store: StyleStore, d: StylePanelData): void {
  const s = store.getState();
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(d.locale, k, p);
  const legend = legendOf(styleSpecOf(s, d.scheme, new Map()), d.utilities, d.materials);
  clear(root);
  appendAll(root,
    h('h2', {}, t('style.title')),
    h('label', {}, t('style.colourBy'),
      h('select', {
        id: 'colour-by',
        onchange: (e: Event) => store.setState({ colourBy: (e.target as HTMLSelectElement).value as ColourBy }),
      }, ...COLOUR_BY.map((c) => h('option', { value: c, selected: c === s.colourBy }, t(`style.by.${c}` as MessageKey))))),
    h('div', {}, t('style.cover')),
    h('div', { className: 'row' },
      h('input', { id: 'cover-min', type: 'number', min: 0, max: MAX_COVER_M, step: 0.1, style: 'width:6em', 'aria-label': t('style.coverMin'), value: s.cover ? s.cover.minM : '', onchange: () => readCover(root, store) }),
      '–',
      h('input', { id: 'cover-max', type: 'number', min: 0, max: MAX_COVER_M, step: 0.1, style: 'width:6em', 'aria-label': t('style.coverMax'), value: s.cover ? s.cover.maxM : '', onchange: () => readCover(root, store) })),
    h('label', {}, t('style.owner'),
      h('select', {
        id: 'owner-filter',
        onchange: (e: Event) => { const v = (e.target as HTMLSelectElement).value; store.setState({ owner: v === '' ? null : v }); },
      }, h('option', { value: '', selected: s.owner === null }, t('style.allOwners')),
      ...d.owners.map((o) => h('option', { value: o, selected: o === s.owner }, o)))),
    h('div', { className: 'row' }, t('style.status'),
      ...LINK_STATUSES.map((st) => h('label', {},
        h('input', {
          type: 'checkbox', 'data-status': st, checked: s.statuses.includes(st),
          onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            const cur = store.getState().statuses;
            store.setState({ statuses: LINK_STATUSES.filter((x) => (x === st ? on : cur.includes(x))) });
          },
        }), t(`status.${st}` as MessageKey)))),
    h('label', {},
      h('input', { type: 'checkbox', id: 'depth-cue', checked: s.depthCue, onchange: (e: Event) => store.setState({ depthCue: (e.target as HTMLInputElement).checked }) }),
      t('style.depthCue')),
    s.error ? h('div', { className: 'status error', role: 'alert', id: 'style-error' }, t(s.error)) : null,
    h('h2', {}, t('style.legend')),
    h('ul', { id: 'legend', style: 'list-style:none;padding:0;margin:0' }, ...legend.map((e) => {
      const label = 'text' in e.label ? e.label.text : hasMessage(e.label.key) ? t(e.label.key, e.label.params) : e.label.key;
      return h('li', { 'data-legend': label },
        h('span', { className: 'swatch', style: `background: rgb(${e.rgb[0]},${e.rgb[1]},${e.rgb[2]})` }), label);
    })),
  );
}

/** The tile-loading indicator: a bar and a line of text, live while tiles stream. */
export function renderTileProgress(root: HTMLElement, locale: Locale, p: TileProgress): void {
  const busy = p.pending + p.processing;
  root.hidden = false;
  root.classList.toggle('busy', !p.settled);
  root.setAttribute('aria-busy', String(!p.settled));
  root.textContent = p.settled ? translate(locale, 'style.tilesLoaded') : translate(locale, 'style.tilesLoading', { pending: p.pending, processing: p.processing });
  // Work left shrinks the bar's empty part; no app.css rule needed.
  const pct = p.settled ? 100 : Math.round(100 / (1 + busy / 8));
  root.style.background = `linear-gradient(to right, rgba(80, 160, 255, 0.35) ${pct}%, transparent ${pct}%)`;
}
