/**
 * The audit of restricted views (issue 6, DESIGN.md Security), for the roles that oversee access
 * (access.json audit.readRoles: admin, supervisor): who saw which restricted assets, by which route,
 * on which network version, newest first. Filters by username and start date; "Older" pages back
 * with the API's `before` cursor. The rows are GET /api/admin/audit's (src/server/access/accessModule.ts).
 */
import type { AuditResponse, AuditRow } from '../../protocol/accessApi';
import { request } from '../../services/api';
import { appendAll, field, h } from '../dom';
import type { MessageKey } from '../i18n';
import { formatTime } from './permitList';
import type { PermitController } from './permitController';

/** Rows per page in this view (the server caps a page at access.json audit.maxRowsPerPage). */
export const AUDIT_PAGE_ROWS = 100;

export interface AuditFilters {
  /** A username, or '' for everyone. */
  user: string;
  /** A civil date (yyyy-mm-dd, China Standard Time), or '' for no start. */
  since: string;
}

export interface AuditData {
  filters: AuditFilters;
  rows: AuditRow[];
  /** False once a page came back shorter than AUDIT_PAGE_ROWS: nothing older matches. */
  more: boolean;
}

/** One page of rows matching the filters, older than row `before` when given. */
export async function loadAuditPage(filters: AuditFilters, before: number | null): Promise<AuditRow[]> {
  const q = new URLSearchParams({ limit: String(AUDIT_PAGE_ROWS) });
  if (filters.user.trim()) q.set('user', filters.user.trim());
  // A date typed in the page is a day in Guangzhou, where the permits are: its start in UTC+8.
  if (filters.since) q.set('since', `${filters.since}T00:00:00+08:00`);
  if (before !== null) q.set('before', String(before));
  return (await request<AuditResponse>(`/api/admin/audit?${q.toString()}`, { credentials: 'same-origin' })).rows;
}

export async function loadAudit(filters: AuditFilters): Promise<AuditData> {
  const rows = await loadAuditPage(filters, null);
  return { filters, rows, more: rows.length === AUDIT_PAGE_ROWS };
}

function idsCell(t: (key: MessageKey, params?: Record<string, string | number>) => string, row: AuditRow): HTMLElement {
  if (row.assetIds.length === 0) return h('td', {}, String(row.assetCount));
  const summary = row.idsTruncated ? t('access.audit.idsTruncated', { shown: row.assetIds.length, count: row.assetCount }) : t('access.audit.ids', { count: row.assetCount });
  return h('td', {}, h('details', {}, h('summary', {}, summary), h('div', { className: 'audit-ids' }, row.assetIds.join(', '))));
}

export function renderAudit(ctrl: PermitController, data: AuditData | null, open: (filters: AuditFilters) => void, older: () => void): HTMLElement {
  const t = ctrl.t;
  // data-user: the user filter the rows shown were loaded with (a filter applied but not yet loaded keeps the old one).
  const root = h('div', {
    id: 'permit-audit', 'data-loaded': data ? 'true' : 'false', 'data-rows': data?.rows.length ?? 0, 'data-user': data?.filters.user.trim() ?? '',
  });
  if (!data) return root;
  const draft: AuditFilters = { ...data.filters };
  const busy = ctrl.deps.ui.getState().busy !== null;
  appendAll(root,
    h('h2', {}, t('access.audit.title')),
    h('p', { className: 'permit-meta' }, t('access.audit.about')),
    h('form', { id: 'audit-filters', className: 'row', onsubmit: (e: Event) => { e.preventDefault(); open(draft); } },
      field(t('permit.username'), h('input', {
        id: 'audit-user', name: 'user', value: draft.user, maxlength: 64, autocomplete: 'off', autocapitalize: 'off',
        oninput: (e: Event) => { draft.user = (e.target as HTMLInputElement).value; },
      })),
      field(t('access.audit.since'), h('input', {
        id: 'audit-since', name: 'since', type: 'date', value: draft.since,
        onchange: (e: Event) => { draft.since = (e.target as HTMLInputElement).value; },
      })),
      h('button', { type: 'submit', id: 'audit-apply', disabled: busy }, t('access.audit.apply'))),
    data.rows.length === 0
      ? h('p', { id: 'audit-empty' }, t('access.audit.empty'))
      : h('table', { id: 'audit-rows' },
        h('thead', {}, h('tr', {}, ...(['permit.when', 'permit.username', 'access.audit.route', 'access.audit.version', 'access.audit.assets'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...data.rows.map((r) => h('tr', { 'data-audit-id': r.id, 'data-username': r.username, 'data-route': r.route },
          h('td', {}, formatTime(r.at)),
          h('td', {}, `${r.username} · ${t(`permit.role.${r.role}` as MessageKey)}`),
          h('td', {}, h('code', {}, r.route)),
          h('td', {}, String(r.networkVersion)),
          idsCell(t, r))))),
    data.more ? h('button', { type: 'button', id: 'audit-older', disabled: busy, onclick: older }, t('access.audit.older')) : null);
  return root;
}
