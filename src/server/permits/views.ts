/** Wire views of a permit (summary, detail, printable) built from the stored rows and events. */
import { stageClock } from '../../core/permits/supervision';
import type { Permit } from '../../core/permits/workflow';
import type { ApprovalHold, ConditionView, PermitDetail, PermitSummary, PrintablePermit, StageClockView } from '../../protocol/permitApi';
import type { UserRow } from './accounts';
import { actorOf, permitOf, type PermitsContext } from './context';
import type { ConditionRow, PermitRow } from './permitStore';

export function clockView(ctx: PermitsContext, permit: Permit | null): StageClockView | null {
  if (!permit) return null;
  try {
    const c = stageClock(permit, ctx.rules.calendar, ctx.rules.workflow, ctx.now());
    return c && {
      stage: c.stage, startedAt: c.startedAt, limitWorkingDays: c.limitWorkingDays, dueDate: c.dueDate, dueAt: c.dueAt,
      overdueWorkingDays: c.overdueWorkingDays, card: c.card, provisional: c.provisional,
    };
  } catch (e) {
    // A date the calendar does not cover: no clock rather than a wrong one (the scheduler logs it).
    if (e instanceof RangeError) return null;
    throw e;
  }
}

export function summaryOf(ctx: PermitsContext, row: PermitRow, permit: Permit | null = permitOf(ctx, row)): PermitSummary {
  const latest = ctx.permits.latestScreening(row.id);
  const hold = row.status === 'draft' ? null : approvalHold(ctx, row, latest?.networkVersion ?? null);
  return {
    id: row.id, receipt: row.receipt, title: row.title, status: row.status, applicantId: row.applicant_id,
    applicantName: ctx.accounts.displayName(row.applicant_id) ?? row.applicant_id, unitId: row.unit_id,
    unitName: ctx.accounts.unit(row.unit_id)?.name ?? row.unit_id, method: row.method, startDate: row.start_date, endDate: row.end_date,
    createdAt: row.created_at, updatedAt: row.updated_at, clock: clockView(ctx, permit), rescreenChanged: row.rescreen_changed === 1,
    rescreenFailed: row.rescreen_failed_version === null ? null
      : { networkVersion: row.rescreen_failed_version, reason: row.rescreen_failed_reason ?? '', at: row.rescreen_failed_at ?? 0 },
    approvalHold: hold,
    summary: latest?.summary ?? null,
  };
}

export function conditionView(ctx: PermitsContext, c: ConditionRow): ConditionView {
  return {
    id: c.id, kind: c.kind, ...(c.line_id ? { lineId: c.line_id } : {}), ...(c.owner ? { owner: c.owner } : {}), ...(c.text ? { text: c.text } : {}),
    addedBy: c.added_by, addedByName: ctx.accounts.displayName(c.added_by) ?? c.added_by, addedAt: c.added_at,
  };
}

/** May this user add or remove conditions now: the assigned reviewer while assigned, the assigned approver while reviewed. */
export function conditionEditor(row: PermitRow, user: UserRow): 'yes' | 'role' | 'state' | 'assignment' {
  if (user.role !== 'reviewer' && user.role !== 'approver') return 'role';
  const state = user.role === 'reviewer' ? 'assigned' : 'reviewed';
  if (row.status !== state) return 'state';
  const assigned = user.role === 'reviewer' ? row.reviewer_id : row.approver_id;
  return assigned === user.id ? 'yes' : 'assignment';
}

/**
 * Why this permit may not be approved now, null when nothing holds it. A decision is signed on the
 * screening shown: it must be of the network in force, and a changed one must have been seen. On a
 * permit already decided the same hold says its sheet is not to be signed or dug on (printView.ts,
 * dashboard.ts). `screenedVersion`: the latest screening's version when the caller has read it.
 */
export function approvalHold(ctx: PermitsContext, row: PermitRow,
  screenedVersion: number | null = ctx.permits.latestVerdicts(row.id)?.networkVersion ?? null): ApprovalHold | null {
  const networkVersion = ctx.network.currentVersion()?.version ?? null;
  const versions = { screenedVersion, networkVersion };
  if (row.rescreen_failed_version !== null) {
    return {
      code: 'rescreen_failed', ...versions,
      message: `re-screening on network version ${row.rescreen_failed_version} failed (${row.rescreen_failed_reason ?? 'no reason recorded'}): ` +
        `the permit's screening is on version ${screenedVersion}, not the network in force; it is tried again after every import and supervision run`,
    };
  }
  if (networkVersion !== null && screenedVersion !== networkVersion) {
    return {
      code: 'screening_not_current', ...versions,
      message: `the permit was screened on network version ${screenedVersion}; the network is now version ${networkVersion}: approve once it is re-screened (within a minute of an import)`,
    };
  }
  if (row.rescreen_changed === 1) {
    return {
      code: 'rescreen_unacknowledged', ...versions,
      message: `the re-screening on network version ${screenedVersion} changed the verdicts or the owners to notify: the reviewer acknowledges it before approval`,
    };
  }
  return null;
}

export function detailOf(ctx: PermitsContext, row: PermitRow, user: UserRow): PermitDetail {
  const permit = permitOf(ctx, row);
  const summary = summaryOf(ctx, row, permit);
  const hold = summary.approvalHold;
  const allowedActions = (permit
    ? ctx.workflow.allowedActions(permit, actorOf(user))
    : row.applicant_id === user.id ? (['submit'] as const).slice() : []).filter((a) => !(hold && a === 'approve'));
  return {
    ...summary,
    workKinds: JSON.parse(row.work_kinds) as string[],
    works: JSON.parse(row.works) as PermitDetail['works'],
    contact: JSON.parse(row.contact) as PermitDetail['contact'],
    assignment: { dispatcherId: row.dispatcher_id, reviewerId: row.reviewer_id, approverId: row.approver_id },
    events: (permit?.events ?? []).map((e) => ({
      seq: e.seq, action: e.action, from: e.from, to: e.to, at: e.at, actorId: e.actorId,
      actorName: ctx.accounts.displayName(e.actorId) ?? e.actorId, actorRole: e.actorRole, reason: e.reason,
    })),
    conditions: ctx.permits.conditions(row.id).map((c) => conditionView(ctx, c)),
    screening: ctx.permits.latestScreening(row.id),
    allowedActions,
    canEditConditions: conditionEditor(row, user) === 'yes',
  };
}

export function printableOf(ctx: PermitsContext, row: PermitRow, user: UserRow): PrintablePermit {
  const permit = detailOf(ctx, row, user);
  const approved = [...permit.events].reverse().find((e) => e.action === 'approve');
  const stillApproved = row.status === 'approved' || row.status === 'completed';
  return {
    permit, screening: permit.screening, conditions: permit.conditions,
    approval: approved && stillApproved && row.receipt ? { approvedAt: approved.at, approverName: approved.actorName, receipt: row.receipt } : null,
    printedAt: ctx.now(),
  };
}
