/** What a person sees after tapping a fitting (valve, hydrant, manhole…): the tile's own attributes. */
import { appendAll, clear, h } from './dom';
import { hasMessage, translate, type Locale, type MessageKey } from './i18n';

const SHOWN = ['id', 'utility', 'nodeType', 'importance', 'normallyOpen', 'operable', 'customerClass', 'coverCm'] as const;

export function renderFittingPanel(root: HTMLElement, locale: Locale, properties: Record<string, string> | null, onClose: () => void): void {
  clear(root);
  root.hidden = properties === null;
  if (!properties) return;
  const t = (k: MessageKey) => translate(locale, k);
  const value = (name: string, v: string) => {
    const key = `${name}.${v}`;
    return name === 'utility' && hasMessage(key) ? t(key) : v;
  };
  appendAll(root,
    h('div', { className: 'row' }, h('h1', { style: 'flex:1' }, t('fitting.title')), h('button', { id: 'close-fitting', onclick: onClose }, t('close'))),
    h('dl', { id: 'fitting-list' }, ...SHOWN.filter((n) => properties[n] !== undefined).flatMap((n) => [
      h('dt', {}, t(`fitting.${n}` as MessageKey)), h('dd', { 'data-attr': n }, value(n, properties[n]!)),
    ])),
  );
}
