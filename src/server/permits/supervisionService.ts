/**
 * Electronic supervision on the server: the card run (stage clocks → yellow/red cards → outbox
 * rows for the handler, the reviewer and the approving leader, once each), the re-screen after a
 * network import, and the supervisor's dashboard. The counting itself is src/core/permits.
 */
import { civilDateOfDay, dayOfInstant, startOfDay, weekdayOfDay } from '../../core/permits/civilDate';
import { newOutboxMessage } from '../../core/permits/outbox';
import { cardMessages, cardsToIssue, decisionClock } from '../../core/permits/supervision';
import { assignedTo } from '../../core/permits/workflow';
import type { DashboardResponse, PermitWorks, SupervisedPermit, WeekCount } from '../../protocol/permitApi';
import { permitOf, type PermitsContext } from './context';
import { getMeta, setMeta } from './db';
import { OPEN_STATES, verdictSet, type PermitRow } from './permitStore';
import { summaryOf } from './views';

export const RESCREENED_VERSION_KEY = 'rescreened_network_version';

export interface RescreenOutcome {
  networkVersion: number | null;
  rescreened: string[];
  changed: string[];
  /** Permits whose re-screen failed (flagged; tried again on the next run). */
  failed: string[];
}

export class SupervisionService {
  constructor(private readonly ctx: PermitsContext) {}

  /** Issues the cards now due on every open permit; returns the new card ids. */
  issueCards(): string[] {
    const { ctx } = this;
    const now = ctx.now();
    const issued: string[] = [];
    for (const row of ctx.permits.rows({ states: OPEN_STATES, withDrafts: false })) {
      const permit = permitOf(ctx, row);
      if (!permit) continue;
      let cards;
      try {
        cards = cardsToIssue(permit, ctx.outbox.issuedCardIds(row.id), ctx.rules.calendar, ctx.rules.workflow, now);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        console.warn(`[permits] no stage clock for ${row.id}: ${e.message}`);
        continue;
      }
      if (cards.length === 0) continue;
      ctx.permits.transaction(() => {
        for (const card of cards) {
          ctx.outbox.insertCard(card, now);
          for (const m of cardMessages(card, ctx.rules.workflow.cards.channels, now)) ctx.outbox.enqueue(m, { cardId: card.cardId, permitId: row.id }, now);
          issued.push(card.cardId);
        }
      });
    }
    return issued;
  }

  /**
   * When the network version changed since the last run: re-screens every open permit (and draft),
   * an open cut or a work list alike,
   * screened on an older version, stores the new screening with its version, and flags a permit
   * whose set of (line, verdict) or owners to notify changed to its reviewer (the dispatchers when none is assigned yet).
   *
   * A re-screen that fails (the works are refused on the new network, e.g. no surveyed ground near
   * them any more) flags the permit with the version and the refusal, tells its reviewer (or the
   * dispatchers) once per permit and version (`permit.rescreen.failed`), and leaves the version
   * unfinished: the next run tries that permit again, and a success clears the flag. Approval waits
   * for it (views.ts approvalHold).
   */
  rescreenIfNetworkChanged(): RescreenOutcome {
    const { ctx } = this;
    const version = ctx.network.currentVersion()?.version ?? null;
    const out: RescreenOutcome = { networkVersion: version, rescreened: [], changed: [], failed: [] };
    if (version === null || getMeta(ctx.db, RESCREENED_VERSION_KEY) === String(version)) return out;
    for (const row of ctx.permits.rows({ states: [...OPEN_STATES, 'draft'], withDrafts: true })) {
      const before = ctx.permits.latestVerdicts(row.id);
      if (before && before.networkVersion === version) continue;
      const { networkVersion: _drawnOn, ...works } = JSON.parse(row.works) as PermitWorks;
      let screening;
      try {
        screening = ctx.screening.screen(works);
      } catch (e) {
        this.rescreenFailed(row, version, before?.networkVersion ?? null, (e as Error).message);
        out.failed.push(row.id);
        continue;
      }
      const after = verdictSet(screening);
      // Changed: another set of (line, verdict), or other owners to notify (a line handed to another owner).
      const owners = screening.summary.owners;
      const changed = before !== null && (!sameList(before.verdicts, after) || !sameList(before.owners, owners));
      const now = ctx.now();
      ctx.permits.transaction(() => {
        ctx.permits.insertScreening(row.id, screening, 'network-change', now);
        if (!changed || row.status === 'draft') return;
        ctx.permits.setRescreenChanged(row.id, true);
        const params = {
          permitId: row.id, receipt: row.receipt ?? '', networkVersion: version, previousVersion: before?.networkVersion ?? 0,
          strike: screening.summary.strike, encroach: screening.summary.encroach, near: screening.summary.near,
        };
        this.tellReviewer(row, `rescreen/${row.id}/${version}`, 'permit.rescreen.changed', params, now);
      });
      out.rescreened.push(row.id);
      if (changed) out.changed.push(row.id);
    }
    if (out.failed.length === 0) setMeta(ctx.db, RESCREENED_VERSION_KEY, String(version));
    return out;
  }

  /** Flags a permit whose re-screen on `version` failed and tells its reviewer, once per permit and version. */
  private rescreenFailed(row: PermitRow, version: number, screenedOn: number | null, reason: string): void {
    const { ctx } = this;
    if (row.rescreen_failed_version === version) return; // flagged and told on an earlier run: try again quietly
    console.warn(`[permits] re-screening ${row.id} on network version ${version} failed (its screening stays on version ${screenedOn}): ${reason}`);
    const now = ctx.now();
    ctx.permits.transaction(() => {
      ctx.permits.setRescreenFailed(row.id, { networkVersion: version, reason, at: now });
      if (row.status === 'draft') return;
      const params = { permitId: row.id, receipt: row.receipt ?? '', networkVersion: version, screenedVersion: screenedOn ?? 0, reason };
      this.tellReviewer(row, `rescreen-failed/${row.id}/${version}`, 'permit.rescreen.failed', params, now);
    });
  }

  /** Queues a message on every card channel to the permit's reviewer (the dispatchers before assignment); ids make it once only. */
  private tellReviewer(row: PermitRow, idPrefix: string, template: string, params: Record<string, string | number>, now: number): void {
    const to = row.reviewer_id ?? 'role:dispatcher';
    for (const channel of this.ctx.rules.workflow.cards.channels) {
      const m = newOutboxMessage({ id: `${idPrefix}/${channel}/${to}`, channel, to, template, params }, now);
      this.ctx.outbox.enqueue(m, { cardId: null, permitId: row.id }, now);
    }
  }

  dashboard(filter: { unitId?: string; handlerId?: string }): DashboardResponse {
    const { ctx } = this;
    const now = ctx.now();
    const nameOf = (id: string) => ctx.accounts.displayName(id);
    const permits: SupervisedPermit[] = [];
    for (const row of ctx.permits.rows({ states: OPEN_STATES, withDrafts: false, ...(filter.unitId ? { unitId: filter.unitId } : {}) })) {
      const permit = permitOf(ctx, row);
      if (!permit) continue;
      const handlerRole = ctx.rules.workflow.stages[permit.state].handlerRole;
      const handlerId = handlerRole ? assignedTo(permit.assignment, handlerRole) : null;
      if (filter.handlerId && handlerId !== filter.handlerId) continue;
      let decision: SupervisedPermit['decision'] = null;
      try {
        const d = decisionClock(permit, ctx.rules.calendar, ctx.rules.workflow, now);
        decision = d && { dueDate: d.dueDate, overdueWorkingDays: d.overdueWorkingDays };
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
      permits.push({
        ...summaryOf(ctx, row, permit), handlerId, handlerName: handlerId ? nameOf(handlerId) : null,
        cards: ctx.outbox.cards(row.id), notifications: ctx.outbox.notifications({ permitId: row.id }, nameOf), decision,
      });
    }
    // First the permits whose screening is not one to sign on (views.ts approvalHold), then the most overdue, then the soonest due.
    const held = (p: SupervisedPermit) => (p.approvalHold ? 1 : 0);
    const overdue = (p: SupervisedPermit) => p.clock?.overdueWorkingDays ?? -1;
    permits.sort((a, b) => held(b) - held(a) || overdue(b) - overdue(a) || (a.clock?.dueAt ?? Infinity) - (b.clock?.dueAt ?? Infinity));
    const handlers = (['dispatcher', 'reviewer', 'approver'] as const).flatMap((r) => ctx.accounts.users(r));
    return { now, permits, weeks: this.weeks(now), units: ctx.accounts.units(), handlers };
  }

  /** Counts per Shanghai week (Monday to Sunday), the last `dashboard.weeks` weeks, oldest first. */
  private weeks(now: number): WeekCount[] {
    const n = this.ctx.rules.server.dashboardWeeks;
    const today = dayOfInstant(now);
    const thisMonday = today - ((weekdayOfDay(today) + 6) % 7);
    const firstMonday = thisMonday - 7 * (n - 1);
    const weeks: WeekCount[] = Array.from({ length: n }, (_, i) => ({
      weekOf: civilDateOfDay(firstMonday + 7 * i), submitted: 0, approved: 0, rejected: 0, yellowCards: 0, redCards: 0,
    }));
    const weekOf = (at: number) => weeks[Math.floor((dayOfInstant(at) - firstMonday) / 7)];
    const from = startOfDay(firstMonday);
    const to = startOfDay(thisMonday + 7);
    for (const e of this.ctx.permits.eventsBetween(from, to)) {
      const w = weekOf(e.at);
      if (!w) continue;
      if (e.action === 'submit' || e.action === 'resubmit') w.submitted++;
      if (e.action === 'approve') w.approved++;
      if (e.action === 'reject') w.rejected++;
    }
    for (const c of this.ctx.outbox.cards()) {
      const w = c.raisedAt >= from && c.raisedAt < to ? weekOf(c.raisedAt) : undefined;
      if (w && c.colour === 'yellow') w.yellowCards++;
      if (w && c.colour === 'red') w.redCards++;
    }
    return weeks;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
