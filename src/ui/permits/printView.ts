/**
 * The printable permit: a sheet over the map with the permit's data, its conditions, a picture of the
 * site in 3D and the screening report; the browser's print (to paper or PDF) prints the sheet alone
 * (permits.css, @media print). The picture is a snapshot of the Cesium canvas taken as the sheet opens.
 */
import type { PrintablePermit } from '../../protocol/permitApi';
import { appendAll, h } from '../dom';
import type { MessageKey } from '../i18n';
import { linesOf, type PermitController } from './permitController';
import { formatTime, stageLabel } from './permitList';
import { describeCondition } from './permitDetail';
import { depthText, permitDepth, workRows } from './permitWorks';
import { screeningNotice } from './screeningNotice';
import { screeningTable, verdictCounts } from './screeningTable';

export function renderPrintSheet(ctrl: PermitController, printable: PrintablePermit): HTMLElement {
  const t = ctrl.t;
  const d = printable.permit;
  const screening = printable.screening;
  const img = h('img', { id: 'print-map-image', alt: t('permit.mapAlt') });
  const mapBox = h('figure', { id: 'print-map', 'data-ready': 'false' }, img, h('figcaption', {}, t('permit.mapCaption', { depth: permitDepth(d.works) ?? '—' })));
  void ctrl.deps.scene.snapshot(d.works).then((url) => {
    img.src = url;
    mapBox.dataset['ready'] = 'true';
  });
  const rows: [string, string][] = [
    [t('permit.receipt'), printable.approval?.receipt ?? d.receipt ?? '—'],
    [t('permit.title'), d.title],
    [t('permit.stage'), stageLabel(t, d.status)],
    [t('permit.applicant'), `${d.applicantName} · ${d.unitName}`],
    [t('permit.contact'), `${d.contact.name} ${d.contact.phone}`],
    [t('permit.dates'), `${d.startDate} – ${d.endDate}`],
    [t('permit.method'), t(`permit.method.${d.method}` as MessageKey)],
    [t('permit.workKinds'), d.workKinds.join(', ')],
    [t('depth'), depthText(d.works)],
    ...workRows(t, d.works),
  ];
  if (printable.approval) rows.push([t('permit.approvedBy'), `${printable.approval.approverName}, ${formatTime(printable.approval.approvedAt)}`]);
  // A screening not to sign on (re-screening failed, an older network, a change not yet reviewed) says so at the top.
  const notice = screeningNotice(t, d);
  const banner = notice && h('div', { id: 'print-screening-hold', className: 'sheet-alert', role: 'alert', 'data-code': notice.code },
    h('strong', {}, notice.headline), h('div', {}, notice.detail));
  const sheet = h('div', { id: 'permit-sheet', className: 'sheet print-sheet', 'data-permit-id': d.id });
  appendAll(sheet,
    h('div', { className: 'row no-print' },
      h('button', { type: 'button', id: 'print-now', className: 'primary', onclick: () => window.print() }, t('permit.printNow')),
      h('button', { type: 'button', id: 'print-close', onclick: () => ctrl.closePrint() }, t('close'))),
    h('h1', {}, t('permit.printTitle')),
    banner,
    printable.approval ? null : h('p', { className: 'sheet-warning' }, t('permit.notApprovedYet')),
    h('table', { className: 'sheet-data' }, h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))))),
    h('h2', {}, t('permit.conditions')),
    printable.conditions.length === 0 ? h('p', {}, t('permit.noConditions'))
      : h('ol', { id: 'print-conditions' }, ...printable.conditions.map((c) => h('li', { 'data-condition-kind': c.kind }, describeCondition(t, c)))),
    mapBox,
    h('h2', {}, t('permit.screeningReport')),
    screening ? h('div', {},
      banner && h('p', { className: 'sheet-warning' }, notice!.detail),
      h('p', {}, t('permit.screenedAgainst', { version: screening.networkVersion, at: formatTime(screening.createdAt) })),
      verdictCounts(t, screening.summary),
      screeningTable(t, linesOf(screening.result), 'print-screening'),
      screening.summary.owners.length ? h('p', {}, `${t('permit.owners')}: ${screening.summary.owners.join(', ')}`) : null)
      : h('p', {}, t('permit.noScreening')),
    h('p', { className: 'sheet-footer' }, t('permit.printedAt', { at: formatTime(printable.printedAt) })),
  );
  return sheet;
}
