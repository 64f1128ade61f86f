/**
 * Permit rows, their append-only events, screenings and conditions in permits.sqlite. The permit's
 * state and assignment columns are a cache of replay(events), written in the same transaction as
 * the event that changes them; the events are the record.
 */
import type Database from 'better-sqlite3';
import type { DigScreening, WorksScreening } from '../../core/digScreening';
import type { PermitEvent } from '../../core/permits/workflow';
import type { PermitAction, PermitState, Role } from '../../core/permits/workflowRules';
import type { ConditionRequest, PermitContact, PermitMethod, PermitStatus, PermitWorks, StoredScreening } from '../../protocol/permitApi';

export interface PermitRow {
  id: string;
  receipt: string | null;
  applicant_id: string;
  unit_id: string;
  title: string;
  work_kinds: string;
  works: string;
  start_date: string;
  end_date: string;
  method: PermitMethod;
  contact: string;
  status: PermitStatus;
  dispatcher_id: string | null;
  reviewer_id: string | null;
  approver_id: string | null;
  rescreen_changed: number;
  /** The network version a re-screen of this permit failed on (its screening is older), with why and when; null when none failed. */
  rescreen_failed_version: number | null;
  rescreen_failed_reason: string | null;
  rescreen_failed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PermitFields {
  title: string;
  workKinds: string[];
  works: PermitWorks;
  startDate: string;
  endDate: string;
  method: PermitMethod;
  contact: PermitContact;
}

interface EventRow {
  permit_id: string; seq: number; from_state: PermitState | null; to_state: PermitState; action: PermitAction;
  actor_id: string; actor_role: Role; at: number; reason: string | null; receipt: string | null; assignment: string | null;
}

interface ScreeningRow {
  id: number; permit_id: string; network_version: number; created_at: number; reason: string; result: string;
  strike: number; encroach: number; near: number; owners: string; verdicts: string;
}

export interface ConditionRow {
  id: string; permit_id: string; kind: ConditionRequest['kind']; line_id: string | null; owner: string | null;
  text: string | null; added_by: string; added_at: number;
}

/** A permit's screening: of one open cut, or of a work list. */
export type PermitScreening = DigScreening | WorksScreening;

/** The verdict set a re-screen compares: 'linkId:VERDICT' sorted. */
export function verdictSet(s: PermitScreening): string[] {
  return s.lines.map((l) => `${l.linkId}:${l.verdict}`).sort();
}

export const OPEN_STATES: readonly PermitState[] = ['submitted', 'accepted', 'assigned', 'reviewed', 'approved'];

export class PermitStore {
  constructor(readonly db: Database.Database) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  insertPermit(id: string, applicantId: string, unitId: string, f: PermitFields, now: number): void {
    this.db.prepare(`INSERT INTO permits (id, receipt, applicant_id, unit_id, title, work_kinds, works, start_date, end_date, method,
      contact, status, created_at, updated_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)`).run(
      id, applicantId, unitId, f.title, JSON.stringify(f.workKinds), JSON.stringify(f.works), f.startDate, f.endDate, f.method,
      JSON.stringify(f.contact), now, now);
  }

  updateDraft(id: string, f: PermitFields, now: number): void {
    this.db.prepare(`UPDATE permits SET title = ?, work_kinds = ?, works = ?, start_date = ?, end_date = ?, method = ?, contact = ?,
      updated_at = ? WHERE id = ? AND status = 'draft'`).run(f.title, JSON.stringify(f.workKinds), JSON.stringify(f.works), f.startDate,
      f.endDate, f.method, JSON.stringify(f.contact), now, id);
  }

  row(id: string): PermitRow | null {
    return (this.db.prepare('SELECT * FROM permits WHERE id = ?').get(id) as PermitRow | undefined) ?? null;
  }

  byReceipt(receipt: string): PermitRow | null {
    return (this.db.prepare('SELECT * FROM permits WHERE receipt = ?').get(receipt) as PermitRow | undefined) ?? null;
  }

  receiptTaken(receipt: string): boolean {
    return this.db.prepare('SELECT 1 FROM permits WHERE receipt = ?').get(receipt) !== undefined;
  }

  /** Permits by filter; `applicantId` limits to one applicant's, `withDrafts` false leaves drafts out. */
  rows(filter: { applicantId?: string; status?: PermitStatus; unitId?: string; states?: readonly PermitStatus[]; withDrafts: boolean }): PermitRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.applicantId) { where.push('applicant_id = ?'); args.push(filter.applicantId); }
    if (filter.status) { where.push('status = ?'); args.push(filter.status); }
    if (filter.unitId) { where.push('unit_id = ?'); args.push(filter.unitId); }
    if (filter.states) { where.push(`status IN (${filter.states.map(() => '?').join(', ')})`); args.push(...filter.states); }
    if (!filter.withDrafts) where.push("status != 'draft'");
    const sql = `SELECT * FROM permits ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id`;
    return this.db.prepare(sql).all(...args) as PermitRow[];
  }

  /** Appends the event and updates the cached state, receipt and assignment, in the caller's transaction. */
  appendEvent(e: PermitEvent): void {
    this.db.prepare(`INSERT INTO permit_events (permit_id, seq, from_state, to_state, action, actor_id, actor_role, at, reason, receipt, assignment)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(e.permitId, e.seq, e.from, e.to, e.action, e.actorId, e.actorRole, e.at, e.reason,
      e.receipt ?? null, e.assignment ? JSON.stringify(e.assignment) : null);
    const a = e.assignment ?? {};
    this.db.prepare(`UPDATE permits SET status = ?, updated_at = ?, receipt = COALESCE(?, receipt),
      dispatcher_id = COALESCE(?, dispatcher_id), reviewer_id = COALESCE(?, reviewer_id), approver_id = COALESCE(?, approver_id)
      WHERE id = ?`).run(e.to, e.at, e.receipt ?? null, a.dispatcherId ?? null, a.reviewerId ?? null, a.approverId ?? null, e.permitId);
  }

  events(permitId: string): PermitEvent[] {
    const rows = this.db.prepare('SELECT * FROM permit_events WHERE permit_id = ? ORDER BY seq').all(permitId) as EventRow[];
    return rows.map((r) => ({
      permitId: r.permit_id, seq: r.seq, from: r.from_state, to: r.to_state, action: r.action, actorId: r.actor_id,
      actorRole: r.actor_role, at: r.at, reason: r.reason,
      ...(r.receipt ? { receipt: r.receipt } : {}),
      ...(r.assignment ? { assignment: JSON.parse(r.assignment) as PermitEvent['assignment'] } : {}),
    }));
  }

  /** Every event of every permit in a time range (dashboard counts). */
  eventsBetween(from: number, to: number): { action: PermitAction; at: number }[] {
    return this.db.prepare('SELECT action, at FROM permit_events WHERE at >= ? AND at < ?').all(from, to) as { action: PermitAction; at: number }[];
  }

  insertScreening(permitId: string, s: PermitScreening, reason: string, now: number): void {
    this.db.prepare(`INSERT INTO screenings (permit_id, network_version, created_at, reason, result, strike, encroach, near, owners, verdicts)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(permitId, s.networkVersion, now, reason, JSON.stringify(s), s.summary.strike,
      s.summary.encroach, s.summary.near, JSON.stringify(s.summary.owners), JSON.stringify(verdictSet(s)));
    // A screening on (or past) the version a re-screen failed on answers that failure, whoever screened (re-screen, draft edit).
    this.db.prepare(`UPDATE permits SET rescreen_failed_version = NULL, rescreen_failed_reason = NULL, rescreen_failed_at = NULL
      WHERE id = ? AND rescreen_failed_version <= ?`).run(permitId, s.networkVersion);
  }

  private screeningView(r: ScreeningRow): StoredScreening {
    return {
      id: r.id, networkVersion: r.network_version, createdAt: r.created_at, reason: r.reason, result: JSON.parse(r.result),
      summary: { strike: r.strike, encroach: r.encroach, near: r.near, owners: JSON.parse(r.owners) as string[] },
    };
  }

  latestScreening(permitId: string): StoredScreening | null {
    const r = this.db.prepare('SELECT * FROM screenings WHERE permit_id = ? ORDER BY id DESC LIMIT 1').get(permitId) as ScreeningRow | undefined;
    return r ? this.screeningView(r) : null;
  }

  /** The latest screening's version, its set of (line, verdict) and the owners it names to notify (sorted). */
  latestVerdicts(permitId: string): { networkVersion: number; verdicts: string[]; owners: string[] } | null {
    const r = this.db.prepare('SELECT network_version, verdicts, owners FROM screenings WHERE permit_id = ? ORDER BY id DESC LIMIT 1').get(permitId) as
      | { network_version: number; verdicts: string; owners: string } | undefined;
    return r ? { networkVersion: r.network_version, verdicts: JSON.parse(r.verdicts) as string[], owners: JSON.parse(r.owners) as string[] } : null;
  }

  screenings(permitId: string): StoredScreening[] {
    const rows = this.db.prepare('SELECT * FROM screenings WHERE permit_id = ? ORDER BY id').all(permitId) as ScreeningRow[];
    return rows.map((r) => this.screeningView(r));
  }

  setRescreenChanged(permitId: string, changed: boolean): void {
    this.db.prepare('UPDATE permits SET rescreen_changed = ? WHERE id = ?').run(changed ? 1 : 0, permitId);
  }

  /** Records a failed re-screen: the permit's latest screening is not on that network version (insertScreening clears it). */
  setRescreenFailed(permitId: string, failure: { networkVersion: number; reason: string; at: number }): void {
    this.db.prepare('UPDATE permits SET rescreen_failed_version = ?, rescreen_failed_reason = ?, rescreen_failed_at = ? WHERE id = ?')
      .run(failure.networkVersion, failure.reason, failure.at, permitId);
  }

  insertCondition(c: ConditionRow): void {
    this.db.prepare('INSERT INTO conditions (id, permit_id, kind, line_id, owner, text, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(c.id, c.permit_id, c.kind, c.line_id, c.owner, c.text, c.added_by, c.added_at);
  }

  deleteCondition(permitId: string, conditionId: string): boolean {
    return this.db.prepare('DELETE FROM conditions WHERE id = ? AND permit_id = ?').run(conditionId, permitId).changes === 1;
  }

  conditions(permitId: string): ConditionRow[] {
    return this.db.prepare('SELECT * FROM conditions WHERE permit_id = ? ORDER BY added_at, rowid').all(permitId) as ConditionRow[];
  }
}
