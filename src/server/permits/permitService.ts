/**
 * What people do to permits: apply (with a pre-screening at once), edit a draft, submit, move it
 * through the workflow, add conditions. Each write is one transaction; the workflow core decides
 * who may do what and this file maps its refusals to HTTP (403 role, 409 state, 400 input).
 */
import { civilDateOf, tryDayNumber } from '../../core/permits/civilDate';
import { generateReceipt } from '../../core/permits/receipt';
import { TransitionError, type TransitionErrorCode } from '../../core/permits/workflow';
import type { ActionRequest, ConditionRequest, CreatePermitRequest, PermitDetail, PermitSummary, UpdateDraftRequest } from '../../protocol/permitApi';
import { HttpError } from '../http/respond';
import { newId, type UserRow } from './accounts';
import { actorOf, permitOf, requireRole, visibleRow, type PermitsContext } from './context';
import type { PermitFields, PermitRow, PermitScreening } from './permitStore';
import { approvalHold, conditionEditor, detailOf, summaryOf } from './views';

const STATUS_OF: Record<TransitionErrorCode, [number, string | undefined]> = {
  'unknown-action': [400, 'action'],
  'forbidden-role': [403, undefined],
  'not-applicant': [403, undefined],
  'not-assigned': [403, undefined],
  'invalid-from-state': [409, undefined],
  'reason-required': [400, 'reason'],
  'reason-too-long': [400, 'reason'],
  'assignment-required': [400, 'assignment'],
  'assignment-not-allowed': [400, 'assignment'],
  'invalid-assignment': [400, 'assignment'],
  'invalid-actor': [403, undefined],
  'invalid-input': [400, undefined],
  'clock-went-back': [409, undefined],
};

export function httpErrorOf(e: TransitionError): HttpError {
  const [status, field] = STATUS_OF[e.code];
  return new HttpError(status, e.code.replace(/-/g, '_'), e.message, field);
}

export class PermitService {
  constructor(private readonly ctx: PermitsContext) {}

  /** Screens the works (an open cut or a work list) on the current network; a refusal names the field under 'works.'. */
  screenWorks(works: CreatePermitRequest['works']): PermitScreening {
    try {
      return this.ctx.screening.screen(works);
    } catch (e) {
      if (e instanceof HttpError && e.status < 500) throw new HttpError(e.status, e.code, e.message, e.field ? `works.${e.field}` : 'works');
      throw e;
    }
  }

  private fields(body: UpdateDraftRequest): PermitFields {
    const start = tryDayNumber(body.startDate);
    const end = tryDayNumber(body.endDate);
    if (start === null) throw new HttpError(400, 'invalid_request', `startDate ${body.startDate} is not a calendar date`, 'startDate');
    if (end === null) throw new HttpError(400, 'invalid_request', `endDate ${body.endDate} is not a calendar date`, 'endDate');
    if (end < start) throw new HttpError(400, 'invalid_request', 'endDate is before startDate', 'endDate');
    const max = this.ctx.rules.server.form.maxPermitDays;
    if (end - start + 1 > max) throw new HttpError(400, 'invalid_request', `a permit covers at most ${max} days`, 'endDate');
    const { title, workKinds, works, startDate, endDate, method, contact } = body;
    return { title: title.trim(), workKinds, works, startDate, endDate, method, contact };
  }

  create(user: UserRow, body: CreatePermitRequest): PermitDetail {
    requireRole(user, this.ctx.rules.workflow.submitRoles, 'applying for a permit');
    if (!user.unit_id) throw new HttpError(403, 'no_unit', 'your account belongs to no unit; ask an admin');
    const fields = this.fields(body);
    this.ctx.hooks.beforeScreening(user, 'POST /api/permits');
    const screening = this.screenWorks(fields.works);
    const id = newId('permit');
    const now = this.ctx.now();
    this.ctx.permits.transaction(() => {
      this.ctx.permits.insertPermit(id, user.id, user.unit_id!, fields, now);
      this.ctx.permits.insertScreening(id, screening, 'create', now);
      if (body.submit) this.submitDraft(user, id, now);
    });
    return detailOf(this.ctx, this.ctx.permits.row(id)!, user);
  }

  updateDraft(user: UserRow, id: string, body: UpdateDraftRequest): PermitDetail {
    const row = visibleRow(this.ctx, user, id);
    if (row.applicant_id !== user.id) throw new HttpError(403, 'forbidden', 'only the applicant edits a draft');
    if (row.status !== 'draft') throw new HttpError(409, 'not_a_draft', `the permit is ${row.status}; only a draft can be edited`);
    const fields = this.fields(body);
    this.ctx.hooks.beforeScreening(user, `PUT /api/permits/${id}`);
    const screening = this.screenWorks(fields.works);
    const now = this.ctx.now();
    this.ctx.permits.transaction(() => {
      this.ctx.permits.updateDraft(id, fields, now);
      this.ctx.permits.insertScreening(id, screening, 'update', now);
    });
    return detailOf(this.ctx, this.ctx.permits.row(id)!, user);
  }

  /** The submission event with a fresh receipt number, in the caller's transaction. */
  private submitDraft(user: UserRow, id: string, now: number): void {
    const year = Number(civilDateOf(now).slice(0, 4));
    let receipt = generateReceipt(year, this.ctx.randomBytes);
    while (this.ctx.permits.receiptTaken(receipt)) receipt = generateReceipt(year, this.ctx.randomBytes);
    try {
      this.ctx.permits.appendEvent(this.ctx.workflow.submit({ permitId: id, receipt }, actorOf(user), now).event);
    } catch (e) {
      throw e instanceof TransitionError ? httpErrorOf(e) : e;
    }
  }

  act(user: UserRow, id: string, req: ActionRequest): PermitDetail {
    const row = visibleRow(this.ctx, user, id);
    const now = this.ctx.now();
    if (req.action === 'submit') {
      requireRole(user, this.ctx.rules.workflow.submitRoles, 'submit');
      if (row.status !== 'draft') throw new HttpError(409, 'invalid_from_state', `the permit is already ${row.status}; submit is taken from a draft`);
      if (row.applicant_id !== user.id) throw new HttpError(403, 'not_applicant', 'an applicant submits only their own permit');
      this.ctx.permits.transaction(() => this.submitDraft(user, id, now));
      return detailOf(this.ctx, this.ctx.permits.row(id)!, user);
    }
    if (req.assignment) this.checkAssignment(req.assignment);
    this.ctx.permits.transaction(() => {
      const permit = permitOf(this.ctx, this.ctx.permits.row(id)!);
      if (!permit) {
        const rules = this.ctx.rules.workflow.transitions.filter((t) => t.action === req.action);
        if (!rules.some((t) => t.roles.includes(user.role))) throw new HttpError(403, 'forbidden_role', `${req.action} is for ${[...new Set(rules.flatMap((t) => t.roles))].join(', ')}`);
        throw new HttpError(409, 'invalid_from_state', `${req.action} is not taken from a draft; submit it first`);
      }
      try {
        const { event } = this.ctx.workflow.transition(permit, req.action, actorOf(user), req.reason ?? null, now,
          req.assignment ? { assignment: req.assignment } : {});
        // Who may approve and from which state is the workflow's (403/409 above); on what screening is this.
        const hold = req.action === 'approve' ? approvalHold(this.ctx, this.ctx.permits.row(id)!) : null;
        if (hold) throw new HttpError(409, hold.code, `approve refused: ${hold.message}`);
        this.ctx.permits.appendEvent(event);
      } catch (e) {
        throw e instanceof TransitionError ? httpErrorOf(e) : e;
      }
    });
    return detailOf(this.ctx, this.ctx.permits.row(row.id)!, user);
  }

  private checkAssignment(a: NonNullable<ActionRequest['assignment']>): void {
    for (const [key, role] of [['reviewerId', 'reviewer'], ['approverId', 'approver']] as const) {
      const u = this.ctx.accounts.userRow(a[key]);
      if (!u || u.role !== role) throw new HttpError(400, 'invalid_assignment', `${a[key]} is not a ${role}`, `assignment.${key}`);
    }
  }

  private editableRow(user: UserRow, id: string): PermitRow {
    const row = visibleRow(this.ctx, user, id);
    const why = conditionEditor(row, user);
    if (why === 'role') throw new HttpError(403, 'forbidden', 'conditions are set by the assigned reviewer or approver');
    if (why === 'state') throw new HttpError(409, 'invalid_from_state', `the permit is ${row.status}: a ${user.role} sets conditions while it is ${user.role === 'reviewer' ? 'assigned' : 'reviewed'}`);
    if (why === 'assignment') throw new HttpError(403, 'not_assigned', `the permit is assigned to another ${user.role}`);
    return row;
  }

  addCondition(user: UserRow, id: string, req: ConditionRequest): PermitDetail {
    const row = this.editableRow(user, id);
    if (req.kind === 'other' && !req.text?.trim()) throw new HttpError(400, 'invalid_request', 'a condition of kind other needs its text', 'text');
    if (req.kind === 'owner-presence' && !req.owner?.trim()) throw new HttpError(400, 'invalid_request', 'name the owner who must be present', 'owner');
    if (req.kind === 'trial-hole' && !req.lineId) throw new HttpError(400, 'invalid_request', 'a trial hole is dug where the works cross a line: name the line', 'lineId');
    if (req.lineId) {
      const lines = (this.ctx.permits.latestScreening(id)?.result as PermitScreening | undefined)?.lines ?? [];
      if (!lines.some((l) => l.linkId === req.lineId)) throw new HttpError(400, 'invalid_request', `line ${req.lineId} is not in this permit's screening`, 'lineId');
    }
    this.ctx.permits.transaction(() => this.ctx.permits.insertCondition({
      id: newId('cond'), permit_id: id, kind: req.kind, line_id: req.lineId ?? null, owner: req.owner?.trim() || null,
      text: req.text?.trim() || null, added_by: user.id, added_at: this.ctx.now(),
    }));
    return detailOf(this.ctx, row, user);
  }

  removeCondition(user: UserRow, id: string, conditionId: string): PermitDetail {
    const row = this.editableRow(user, id);
    if (!this.ctx.permits.transaction(() => this.ctx.permits.deleteCondition(id, conditionId))) {
      throw new HttpError(404, 'not_found', `no condition ${conditionId} on permit ${id}`);
    }
    return detailOf(this.ctx, row, user);
  }

  acknowledgeRescreen(user: UserRow, id: string): PermitDetail {
    const row = visibleRow(this.ctx, user, id);
    requireRole(user, ['reviewer', 'dispatcher'], 'acknowledging a re-screen');
    if (user.role === 'reviewer' && row.reviewer_id !== user.id) throw new HttpError(403, 'not_assigned', 'the permit is assigned to another reviewer');
    this.ctx.permits.transaction(() => this.ctx.permits.setRescreenChanged(id, false));
    return detailOf(this.ctx, this.ctx.permits.row(id)!, user);
  }

  detail(user: UserRow, id: string): PermitDetail {
    return detailOf(this.ctx, visibleRow(this.ctx, user, id), user);
  }

  list(user: UserRow, filter: { status?: PermitSummary['status']; unitId?: string }): PermitSummary[] {
    const rows = user.role === 'applicant'
      ? this.ctx.permits.rows({ ...filter, applicantId: user.id, withDrafts: true })
      : this.ctx.permits.rows({ ...filter, withDrafts: false });
    return rows.map((r) => summaryOf(this.ctx, r));
  }

  /** What waits on this user, due first: the dispatcher's window, the reviewer's and approver's own, the applicant's returns. */
  queue(user: UserRow): PermitSummary[] {
    const p = this.ctx.permits;
    let rows: PermitRow[] = [];
    if (user.role === 'dispatcher') rows = p.rows({ states: ['submitted', 'accepted', 'approved'], withDrafts: false });
    if (user.role === 'reviewer') rows = p.rows({ status: 'assigned', withDrafts: false }).filter((r) => r.reviewer_id === user.id);
    if (user.role === 'approver') rows = p.rows({ status: 'reviewed', withDrafts: false }).filter((r) => r.approver_id === user.id);
    if (user.role === 'applicant') rows = p.rows({ applicantId: user.id, states: ['draft', 'returned'], withDrafts: true });
    const due = (s: PermitSummary) => s.clock?.dueAt ?? Number.MAX_SAFE_INTEGER;
    return rows.map((r) => summaryOf(this.ctx, r)).sort((a, b) => due(a) - due(b) || a.createdAt - b.createdAt);
  }
}
