/** The left panel's top: title, language, load status, layers, colours, underground. */
import { COLOUR_SCHEMES, utilityColour, type ColourScheme } from '../core/colours';
import { UTILITY_TYPES, type UtilityType } from '../core/model';
import type { ViewStore } from '../store/viewStore';
import { appendAll, clear, h } from './dom';
import { LOCALES, translate, type Locale, type MessageKey } from './i18n';

export function renderControlPanel(root: HTMLElement, store: ViewStore, actions: { home(): void }): void {
  const s = store.getState();
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(s.locale, k, p);
  clear(root);
  appendAll(root,
    h('div', { className: 'row' },
      h('h1', { style: 'flex:1' }, t('appTitle')),
      h('button', { id: 'home', 'aria-label': t('home'), title: t('home'), onclick: actions.home }, '⌂'),
      h('button', {
        id: 'toggle-panel', 'aria-label': t('togglePanel'), title: t('togglePanel'),
        onclick: () => root.parentElement?.classList.toggle('collapsed'),
      }, '☰')),
    h('label', {}, t('language'),
      h('select', {
        id: 'locale',
        onchange: (e: Event) => store.setState({ locale: (e.target as HTMLSelectElement).value as Locale }),
      }, ...LOCALES.map((l) => h('option', { value: l, selected: l === s.locale }, l === 'en' ? 'English' : '简体中文')))),
    h('div', { id: 'load-status', className: `status${s.load.status === 'error' ? ' error' : ''}`, role: 'status' },
      s.load.status === 'loading' ? t('loading', { done: s.load.done, total: s.load.total })
        : s.load.status === 'ready' ? t('loaded', { version: s.load.version, links: s.load.links, segments: s.load.segments })
          : t('loadFailed', { message: s.load.message })),
    h('h2', {}, t('layers')),
    ...UTILITY_TYPES.map((u: UtilityType) => {
      const [r, g, b] = utilityColour(s.colourScheme, u);
      return h('label', {},
        h('input', {
          type: 'checkbox', 'data-layer': u, checked: s.visible[u],
          onchange: (e: Event) => store.setState({ visible: { ...store.getState().visible, [u]: (e.target as HTMLInputElement).checked } }),
        }),
        h('span', { className: 'swatch', style: `background: rgb(${r},${g},${b})` }),
        t(`utility.${u}` as MessageKey));
    }),
    h('label', {}, t('colourScheme'),
      h('select', {
        id: 'colour-scheme',
        onchange: (e: Event) => store.setState({ colourScheme: (e.target as HTMLSelectElement).value as ColourScheme }),
      }, ...COLOUR_SCHEMES.map((c) => h('option', { value: c, selected: c === s.colourScheme }, t(`scheme.${c}` as MessageKey))))),
    h('label', {},
      h('input', {
        type: 'checkbox', id: 'underground', checked: s.underground,
        onchange: (e: Event) => store.setState({ underground: (e.target as HTMLInputElement).checked }),
      }),
      t('underground')),
  );
}
