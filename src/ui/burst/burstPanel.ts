/**
 * The burst panel: mode toggle, search, nearest mains, and the trace (valves in route order with a
 * one-tap "inoperable" toggle, the previous answer kept as a diff, what is cut off, nearby lines).
 * Every action is a button or an input: nothing depends on hover, so it works by touch.
 */
import type { BurstRules } from '../../core/burst/burstRules';
import type { BurstTrace, TracedValve } from '../../protocol/burstApi';
import type { BurstSearchHit, NearestMainsResult } from '../../protocol/burstApi';
import { appendAll, clear, formatNumber, h } from '../dom';
import type { MessageKey } from '../i18n';

export interface BurstView {
  active: boolean;
  query: string;
  hits: BurstSearchHit[] | null;
  mains: NearestMainsResult | null;
  linkId: string | null;
  failedValves: string[];
  nearbyDistance: number;
  routeFrom: string;
  trace: BurstTrace | null;
  /** The trace before the last "inoperable" tap, for the diff. */
  previous: BurstTrace | null;
  busy: boolean;
  error: string | null;
  notice: string | null;
  incidentId: string | null;
  /** The network's delivery CRS, in which typed x,y are read (GET /api/network). */
  networkCrs: string | null;
}

export interface BurstActions {
  toggle(): void;
  search(query: string): void;
  locate(lon: number, lat: number): void;
  selectMain(linkId: string): void;
  toggleInoperable(valveId: string): void;
  setNearbyDistance(m: number): void;
  setRouteFrom(from: string): void;
  save(): void;
  openSheet(): void;
}

export type Translate = (k: MessageKey, p?: Record<string, string | number>) => string;

const ids = (t: Translate, xs: readonly { id: string }[]) => (xs.length ? xs.map((x) => x.id).join(', ') : t('burst.none'));

export function renderBurstPanel(root: HTMLElement, view: BurstView, t: Translate, actions: BurstActions, rules: BurstRules): void {
  clear(root);
  appendAll(root,
    h('h2', {}, t('burst.title')),
    h('div', { className: 'row' },
      h('button', { id: 'burst-mode', className: view.active ? 'active' : '', 'aria-pressed': String(view.active), onclick: actions.toggle }, t('burst.mode'))),
  );
  if (!view.active) return;
  let input: HTMLInputElement;
  appendAll(root,
    h('div', { className: 'status' }, t('burst.modeHint')),
    h('form', { className: 'row', onsubmit: (e: Event) => { e.preventDefault(); actions.search(input.value); } },
      input = h('input', { id: 'burst-search', type: 'search', value: view.query, placeholder: t('burst.search', { crs: view.networkCrs ?? '—' }), 'aria-label': t('burst.search', { crs: view.networkCrs ?? '—' }), maxlength: rules.search.maxQueryLength, style: 'flex:1;min-width:0' }),
      h('button', { type: 'submit', id: 'burst-find' }, t('burst.find'))),
    view.busy ? h('div', { className: 'status', role: 'status' }, t('burst.working')) : null,
    view.error ? h('div', { className: 'status error', role: 'alert' }, view.error) : null,
    view.notice ? h('div', { className: 'status', id: 'burst-notice' }, view.notice) : null,
    renderHits(view, t, actions),
    renderMains(view, t, actions, rules),
    view.trace ? renderTrace(view, view.trace, t, actions, rules) : null,
  );
}

function renderHits(view: BurstView, t: Translate, actions: BurstActions): HTMLElement | null {
  if (!view.hits) return null;
  if (view.hits.length === 0) return h('div', { className: 'status' }, t('burst.noHits', { query: view.query }));
  if (view.hits.length === 1) return null; // located at once
  return h('ul', { id: 'burst-hits', className: 'burst-list' },
    ...view.hits.map((hit) => h('li', {},
      h('button', { 'data-kind': hit.kind, 'data-label': hit.label, onclick: () => actions.locate(hit.lon, hit.lat) },
        `${hit.label} (${t(`burst.hit.${hit.kind}` as MessageKey)})`))));
}

function renderMains(view: BurstView, t: Translate, actions: BurstActions, rules: BurstRules): HTMLElement | null {
  if (!view.mains) return null;
  if (view.mains.mains.length === 0) return h('div', { className: 'status', id: 'burst-mains' }, t('burst.noMains', { m: rules.nearestMains.radius }));
  return h('div', { id: 'burst-mains' },
    h('div', { className: 'status' }, t('burst.nearestMains')),
    h('ul', { className: 'burst-list' }, ...view.mains.mains.map((m) => h('li', {},
      h('button', {
        'data-link-id': m.linkId, className: m.linkId === view.linkId ? 'active' : '', onclick: () => actions.selectMain(m.linkId),
      }, t('burst.mainRow', { id: m.linkId, m: formatNumber(m.distance, 1), street: m.street ?? '—', dn: m.diameterMm ?? '—' }))))));
}

function valveRow(v: TracedValve, i: number, t: Translate, actions: BurstActions, isNew: boolean): HTMLElement {
  return h('tr', { 'data-valve-id': v.id, className: isNew ? 'burst-new' : '' },
    h('td', { className: 'num' }, String(i + 1)),
    h('td', {}, v.id, isNew ? h('span', { className: 'burst-badge' }, t('burst.newValve')) : null),
    h('td', {}, v.street ?? '—'),
    h('td', { className: 'num' }, v.sizeMm === null ? '—' : String(v.sizeMm)),
    h('td', { className: 'num' }, formatNumber(v.depth)),
    h('td', { className: 'num' }, formatNumber(v.leg, 0)),
    h('td', {}, h('button', { className: 'burst-inoperable', title: t('burst.inoperableTitle'), 'aria-pressed': 'false', onclick: () => actions.toggleInoperable(v.id) }, t('burst.inoperable'))));
}

function renderTrace(view: BurstView, tr: BurstTrace, t: Translate, actions: BurstActions, rules: BurstRules): HTMLElement {
  const before = view.previous ? new Set(view.previous.valvesToClose.map((v) => v.id)) : null;
  const now = new Set(tr.valvesToClose.map((v) => v.id));
  const removed = view.previous ? view.previous.valvesToClose.filter((v) => !now.has(v.id)) : [];
  const depot = rules.depots.find((d) => d.id === tr.route.depotId);
  const c = tr.customersCutOff;
  return h('div', { id: 'burst-trace', 'data-link-id': tr.burst.linkId },
    h('div', { className: 'status' }, t('burst.burstLink', { id: tr.burst.linkId, street: tr.burst.street ?? '—', dn: tr.burst.diameterMm ?? '—' })),
    h('div', { className: 'status', id: 'burst-isolated' }, t('burst.isolated', { count: tr.isolated.links.length, length: formatNumber(tr.isolated.length, 0), volume: formatNumber(tr.isolated.volume, 1) })),
    tr.burstAlreadyWithoutSupply ? h('div', { className: 'status error' }, t('burst.burstWithoutSupply')) : null,
    tr.sourcesInArea.length ? h('div', { className: 'status error' }, t('burst.sourcesInArea', { ids: tr.sourcesInArea.join(', ') })) : null,
    h('h2', {}, t('burst.valves', { count: tr.valvesToClose.length })),
    h('label', {}, t('burst.routeFrom'),
      h('select', { id: 'burst-route-from', onchange: (e: Event) => actions.setRouteFrom((e.target as HTMLSelectElement).value) },
        ...rules.depots.map((d) => h('option', { value: d.id, selected: view.routeFrom === d.id }, d.name[document.documentElement.lang] ?? d.name['en'] ?? d.id)),
        h('option', { value: 'burst', selected: view.routeFrom === 'burst' }, t('burst.fromBurst')))),
    h('div', { className: 'status' }, depot
      ? t('burst.routeFromDepot', { depot: depot.name[document.documentElement.lang] ?? depot.id, length: formatNumber(tr.route.length, 0) })
      : t('burst.routeFromBurst', { length: formatNumber(tr.route.length, 0) })),
    h('table', { id: 'burst-valves' },
      h('thead', {}, h('tr', {}, ...(['burst.col.order', 'burst.col.valve', 'burst.col.street', 'burst.col.size', 'burst.col.depth', 'burst.col.leg', 'burst.col.action'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
      h('tbody', {},
        ...tr.valvesToClose.map((v, i) => valveRow(v, i, t, actions, before !== null && !before.has(v.id))),
        ...removed.map((v) => h('tr', { className: 'burst-removed', 'data-removed-valve-id': v.id },
          h('td', {}), h('td', {}, v.id), h('td', { colspan: 5 }, t('burst.noLongerNeeded')))))),
    view.failedValves.length ? h('div', { id: 'burst-failed', className: 'row' }, `${t('burst.failedValves')}:`,
      ...view.failedValves.map((id) => h('button', { 'data-failed-valve-id': id, 'aria-pressed': 'true', className: 'active', onclick: () => actions.toggleInoperable(id) }, `${id} ✕ ${t('burst.restore')}`))) : null,
    tr.optionalValves.length ? h('div', { className: 'status' }, t('burst.optionalValves', { ids: ids(t, tr.optionalValves) })) : null,
    tr.alreadyClosedValves.length ? h('div', { className: 'status' }, t('burst.alreadyClosed', { ids: ids(t, tr.alreadyClosedValves) })) : null,
    tr.unintended.links.length ? h('div', { className: 'status error', id: 'burst-unintended' }, t('burst.unintended', { count: tr.unintended.links.length, length: formatNumber(tr.unintended.length, 0) })) : null,
    tr.alreadyWithoutSupply.links.length ? h('div', { className: 'status' }, t('burst.alreadyWithout', { count: tr.alreadyWithoutSupply.links.length, length: formatNumber(tr.alreadyWithoutSupply.length, 0) })) : null,
    h('div', { className: 'status', id: 'burst-customers' }, t('burst.customers', { domestic: c.domestic, business: c.business, critical: c.critical })),
    tr.criticalCustomers.length ? h('ul', { id: 'burst-critical', className: 'burst-list' }, ...tr.criticalCustomers.map((cc) => h('li', {}, `⚠ ${cc.name ?? cc.id}`))) : null,
    h('div', { className: 'status' }, t('burst.hydrants', { count: tr.hydrantsOutOfService.length, ids: ids(t, tr.hydrantsOutOfService) })),
    renderNearby(view, tr, t, actions, rules),
    h('div', { className: 'row' },
      h('button', { id: 'burst-save', className: 'primary', disabled: view.busy, onclick: actions.save }, t('burst.save')),
      h('button', { id: 'burst-open-sheet', onclick: actions.openSheet }, t('burst.sheet'))),
    view.incidentId ? h('div', { className: 'status', id: 'burst-incident' }, t('burst.saved', { id: view.incidentId }), ' ',
      h('a', { id: 'burst-incident-link', href: `?incident=${encodeURIComponent(view.incidentId)}` }, `?incident=${view.incidentId}`)) : null,
  );
}

function renderNearby(view: BurstView, tr: BurstTrace, t: Translate, actions: BurstActions, rules: BurstRules): HTMLElement {
  return h('div', { id: 'burst-nearby' },
    h('h2', {}, t('burst.nearby')),
    h('label', {}, t('burst.nearbyDistance'),
      h('input', {
        id: 'burst-nearby-distance', type: 'number', inputmode: 'decimal', min: rules.nearbyDistance.min, max: rules.nearbyDistance.max, step: 0.5,
        value: view.nearbyDistance, onchange: (e: Event) => actions.setNearbyDistance(Number((e.target as HTMLInputElement).value)),
      })),
    tr.nearbyLines.length === 0 ? h('div', { className: 'status' }, t('burst.noNearby', { m: tr.nearbyDistance })) :
      h('table', {},
        h('thead', {}, h('tr', {}, ...(['burst.col.utility', 'burst.col.distance', 'burst.col.depth'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...tr.nearbyLines.map((l) => h('tr', { 'data-nearby-id': l.id },
          h('td', {}, `${t(`utility.${l.utility}` as MessageKey)} ${l.id}${l.pressureClass ? ` (${l.pressureClass})` : ''}`),
          h('td', { className: 'num' }, formatNumber(l.distance)),
          h('td', { className: 'num' }, formatNumber(l.depth)))))));
}
