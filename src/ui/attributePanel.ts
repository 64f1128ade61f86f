/** What a person sees after tapping a line: its attributes and the cover where they tapped. */
import type { LinkDetails } from '../protocol/apiTypes';
import { appendAll, clear, formatMetres, h } from './dom';
import { translate, type Locale, type MessageKey } from './i18n';

export function renderAttributePanel(root: HTMLElement, locale: Locale, details: LinkDetails | null, coverHere: number | null, onClose: () => void): void {
  clear(root);
  root.hidden = details === null;
  if (!details) return;
  const t = (k: MessageKey) => translate(locale, k);
  const s = details.section;
  const size = s.shape === 'circular' ? `DN${s.diameterMm}` : `${s.widthMm} × ${s.heightMm} mm`;
  const minCover = Math.min(...details.vertices.map((v) => v.cover));
  const rows: [MessageKey, string][] = [
    ['attr.type', `${t(`utility.${details.utility}` as MessageKey)} · ${details.subtype}`],
    ['attr.id', details.id],
    ['attr.owner', details.owner],
    ['attr.material', details.material],
    ['attr.size', size],
    ['attr.cover', coverHere === null ? `${formatMetres(minCover)} (min)` : formatMetres(coverHere)],
    ['attr.installYear', details.installYear === null ? '—' : String(details.installYear)],
    ['attr.quality', t(`quality.${details.qualityLevel}` as MessageKey)],
    ['attr.pressure', details.pressureClass ?? '—'],
    ['attr.street', details.street ?? '—'],
    ['attr.status', t(`status.${details.status}` as MessageKey)],
  ];
  appendAll(root,
    h('div', { className: 'row' }, h('h1', { style: 'flex:1' }, t('attributes')), h('button', { id: 'close-attributes', onclick: onClose }, t('close'))),
    h('dl', { id: 'attribute-list' }, ...rows.flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', { 'data-attr': k }, v)])),
  );
}
