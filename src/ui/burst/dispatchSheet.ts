/**
 * The dispatch sheet: a printable page (window.print() gives a PDF) with the map as it was on
 * screen, the valves in the crew's route order with a box to tick when closed, who is cut off and
 * the lines near the burst. Shown over the app; print CSS (burst.css) prints it alone.
 */
import type { BurstRules } from '../../core/burst/burstRules';
import type { BurstTrace } from '../../protocol/burstApi';
import { formatNumber, h } from '../dom';
import type { MessageKey } from '../i18n';
import type { Translate } from './burstPanel';

export interface DispatchSheetInput {
  trace: BurstTrace;
  incidentId: string | null;
  /** PNG data URL of the map, read from the canvas in the frame it was drawn. */
  mapImage: string;
  networkVersion: number;
  t: Translate;
  rules: BurstRules;
}

const SHEET_ID = 'dispatch-sheet';

function table(t: Translate, heads: MessageKey[], rows: (string | Node)[][]): HTMLElement {
  return h('table', {},
    h('thead', {}, h('tr', {}, ...heads.map((k) => h('th', {}, t(k))))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}

export function openDispatchSheet(input: DispatchSheetInput): HTMLElement {
  const { trace: tr, t } = input;
  document.getElementById(SHEET_ID)?.remove();
  const depot = input.rules.depots.find((d) => d.id === tr.route.depotId);
  const lang = document.documentElement.lang;
  const c = tr.customersCutOff;
  const sheet = h('div', { id: SHEET_ID, className: 'print-sheet', role: 'dialog', 'aria-label': t('burst.sheetTitle') },
    h('div', { className: 'row sheet-actions' },
      h('button', { id: 'sheet-print', onclick: () => window.print() }, t('burst.print')),
      h('button', { id: 'sheet-close', onclick: () => sheet.remove() }, t('burst.close'))),
    h('h1', {}, t('burst.sheetTitle')),
    h('div', {}, input.incidentId ? t('burst.sheetIncident', { id: input.incidentId }) : t('burst.sheetUnsaved')),
    h('div', {}, t('burst.sheetNetwork', { version: input.networkVersion, time: new Date().toLocaleString(lang) })),
    h('div', {}, t('burst.burstLink', { id: tr.burst.linkId, street: tr.burst.street ?? '—', dn: tr.burst.diameterMm ?? '—' }),
      ` · ${tr.burst.lon.toFixed(6)}, ${tr.burst.lat.toFixed(6)}`),
    h('img', { id: 'sheet-map', src: input.mapImage, alt: tr.burst.linkId }),
    h('div', {}, t('burst.isolated', { count: tr.isolated.links.length, length: formatNumber(tr.isolated.length, 0), volume: formatNumber(tr.isolated.volume, 1) })),
    h('h2', {}, t('burst.valves', { count: tr.valvesToClose.length })),
    h('div', {}, depot
      ? t('burst.routeFromDepot', { depot: depot.name[lang] ?? depot.id, length: formatNumber(tr.route.length, 0) })
      : t('burst.routeFromBurst', { length: formatNumber(tr.route.length, 0) })),
    table(t, ['burst.col.order', 'burst.col.valve', 'burst.col.street', 'burst.col.size', 'burst.col.depth', 'burst.col.leg', 'burst.col.closed'],
      tr.valvesToClose.map((v, i) => [String(i + 1), `${v.id} (${v.lon.toFixed(6)}, ${v.lat.toFixed(6)})`, v.street ?? '—',
        v.sizeMm === null ? '—' : String(v.sizeMm), formatNumber(v.depth), formatNumber(v.leg, 0), h('span', { className: 'tick' })])),
    tr.failedValvesPassed.length ? h('div', {}, `${t('burst.failedValves')}: ${tr.failedValvesPassed.map((v) => v.id).join(', ')}`) : null,
    tr.unintended.links.length ? h('div', {}, t('burst.unintended', { count: tr.unintended.links.length, length: formatNumber(tr.unintended.length, 0) })) : null,
    h('h2', {}, t('burst.customers', { domestic: c.domestic, business: c.business, critical: c.critical })),
    tr.criticalCustomers.length ? h('ul', {}, ...tr.criticalCustomers.map((cc) => h('li', {}, `${t('burst.critical')}: ${cc.name ?? cc.id}`))) : null,
    h('div', {}, t('burst.hydrants', { count: tr.hydrantsOutOfService.length, ids: tr.hydrantsOutOfService.map((x) => x.id).join(', ') || t('burst.none') })),
    h('h2', {}, t('burst.nearby')),
    tr.nearbyLines.length === 0 ? h('div', {}, t('burst.noNearby', { m: tr.nearbyDistance })) :
      table(t, ['burst.col.utility', 'burst.col.distance', 'burst.col.depth'],
        tr.nearbyLines.map((l) => [`${t(`utility.${l.utility}` as MessageKey)} ${l.id}`, formatNumber(l.distance), formatNumber(l.depth)])),
  );
  document.body.append(sheet);
  return sheet;
}
