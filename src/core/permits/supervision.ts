/**
 * Electronic supervision (电子监察): each stage's clock in working days, and the yellow and red
 * cards it raises. A stage's overtime raises its card even when the permit's whole decision limit
 * is not breached (shared/STANDARDS.md).
 *
 * Counting (README.md, "How a stage's days are counted"): the day a stage starts does not count;
 * its limit of L working days ends at 24:00 of the L-th working day after that day (the due date).
 * A stage is k working days overdue once k working days after the due date have ended. With the
 * shipped table, yellow at k = 1 and red at k = 2: a stage due on Friday that is still open turns
 * yellow at 24:00 on the next working day (Monday, or a make-up Saturday), not at 00:00 Saturday.
 *
 * Stage instances: every event that enters a supervised stage starts a new instance with its own
 * clock, even if the permit was in that stage before (returned, resubmitted, accepted again). An
 * instance is named by the entering event: '<permitId>/<seq>'. Cards are named by instance and
 * colour, and issued once each.
 */
import type { WorkingDayCalendar } from './calendar';
import { civilDateOfDay, dayOfInstant, formatShanghai, startOfDay, type CivilDate, type EpochMs } from './civilDate';
import { newOutboxMessage, type Channel, type OutboxMessage } from './outbox';
import { assignedTo, type Permit } from './workflow';
import type { PermitState, PermitWorkflowRules } from './workflowRules';

export type CardColour = 'yellow' | 'red';
export type CardLevel = 'none' | CardColour;
export type RecipientRole = 'handler' | 'reviewer' | 'approver';

/** The outbox address for a card nobody in the permit's assignment can receive. */
export const SUPERVISOR_ADDRESS = 'role:supervisor';

export interface StageClock {
  instanceId: string;
  stage: PermitState;
  startedAt: EpochMs;
  /** When the stage was left; null while the permit is in it. */
  endedAt: EpochMs | null;
  limitWorkingDays: number;
  /** The last working day of the limit (Shanghai date). */
  dueDate: CivilDate;
  /** 24:00 Shanghai at the end of dueDate. */
  dueAt: EpochMs;
  /** Working days past the limit, at now (or at endedAt for a stage already left); ≥ 0. */
  overdueWorkingDays: number;
  card: CardLevel;
  /** When the stage turns (or turned) yellow and red if still open then. */
  yellowAt: EpochMs;
  redAt: EpochMs;
  /** True when a calendar year the clock spans is an estimate, not the published notice. */
  provisional: boolean;
}

export interface DecisionClock {
  startedAt: EpochMs;
  endedAt: EpochMs | null;
  limitWorkingDays: number;
  dueDate: CivilDate;
  dueAt: EpochMs;
  overdueWorkingDays: number;
  provisional: boolean;
}

export interface Recipient {
  role: RecipientRole;
  actorId: string;
}

export interface Card {
  cardId: string;
  permitId: string;
  instanceId: string;
  stage: PermitState;
  colour: CardColour;
  dueAt: EpochMs;
  /** When the stage crossed the card's threshold. */
  raisedAt: EpochMs;
  overdueWorkingDays: number;
  /** False for a card found late, after the stage was left: record it, but it needs no chasing. */
  stageOpen: boolean;
  /** Distinct people to notify, the stage's handler first. */
  recipients: Recipient[];
  /** Roles the permit names nobody for yet: their share goes to the supervisors on duty. */
  unassigned: RecipientRole[];
  provisional: boolean;
}

export interface IssuedCard {
  cardId: string;
}

function checkNow(now: EpochMs): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new RangeError(`now: expected epoch milliseconds, got ${String(now)}`);
}

/** 24:00 at the end of the k-th working day after day `after`. */
function endOfWorkingDay(calendar: WorkingDayCalendar, after: number, k: number): EpochMs {
  return startOfDay(calendar.addWorkingDaysToDay(after, k) + 1);
}

/** Working days after `dueDay` that have ended by `t`: d with dueDay < d < the day of t. */
function overdueAt(calendar: WorkingDayCalendar, dueDay: number, t: EpochMs): number {
  const lastEnded = dayOfInstant(t) - 1;
  return lastEnded <= dueDay ? 0 : calendar.workingDaysBetweenDays(dueDay, lastEnded);
}

function clockOf(permit: Permit, seq: number, calendar: WorkingDayCalendar, rules: PermitWorkflowRules, now: EpochMs): StageClock | null {
  const entered = permit.events[seq];
  const limit = entered ? rules.stages[entered.to].limit : null;
  if (!entered || !limit) return null;
  const endedAt = permit.events[seq + 1]?.at ?? null;
  const startDay = dayOfInstant(entered.at, `events[${seq}].at`);
  const dueDay = calendar.addWorkingDaysToDay(startDay, limit.value);
  const t = endedAt === null ? now : Math.min(now, endedAt);
  const overdue = overdueAt(calendar, dueDay, t);
  const { yellowAfterOverdueWorkingDays: yellowK, redAfterOverdueWorkingDays: redK } = rules.cards;
  const redAt = endOfWorkingDay(calendar, dueDay, redK);
  const lastDay = Math.max(dayOfInstant(t), dayOfInstant(redAt));
  return {
    instanceId: `${permit.id}/${seq}`,
    stage: entered.to,
    startedAt: entered.at,
    endedAt,
    limitWorkingDays: limit.value,
    dueDate: civilDateOfDay(dueDay),
    dueAt: startOfDay(dueDay + 1),
    overdueWorkingDays: overdue,
    card: overdue >= redK ? 'red' : overdue >= yellowK ? 'yellow' : 'none',
    yellowAt: endOfWorkingDay(calendar, dueDay, yellowK),
    redAt,
    provisional: !calendar.isVerifiedBetween(civilDateOfDay(startDay), civilDateOfDay(lastDay)),
  };
}

/** Clocks of every supervised stage instance the permit has been through, oldest first. */
export function stageClocks(permit: Permit, calendar: WorkingDayCalendar, rules: PermitWorkflowRules, now: EpochMs): StageClock[] {
  checkNow(now);
  const out: StageClock[] = [];
  for (let seq = 0; seq < permit.events.length; seq++) {
    const c = clockOf(permit, seq, calendar, rules, now);
    if (c) out.push(c);
  }
  return out;
}

/** The clock of the stage the permit is in, or null when that stage is not supervised. */
export function stageClock(permit: Permit, calendar: WorkingDayCalendar, rules: PermitWorkflowRules, now: EpochMs): StageClock | null {
  checkNow(now);
  return clockOf(permit, permit.events.length - 1, calendar, rules, now);
}

/**
 * The decision clock (rules.decisionLimit): from the latest entry into its run of stages (e.g.
 * accepted → assigned → reviewed) until the permit leaves the run. Null when it never entered one.
 */
export function decisionClock(permit: Permit, calendar: WorkingDayCalendar, rules: PermitWorkflowRules, now: EpochMs): DecisionClock | null {
  checkNow(now);
  const inRun = (s: PermitState | null) => s !== null && rules.decisionLimit.stages.includes(s);
  let start = -1;
  for (let i = permit.events.length - 1; i >= 0; i--) {
    const e = permit.events[i];
    if (e && inRun(e.to) && !inRun(e.from)) { start = i; break; }
  }
  const first = permit.events[start];
  if (!first) return null;
  let endedAt: EpochMs | null = null;
  for (let i = start + 1; i < permit.events.length; i++) {
    const e = permit.events[i];
    if (e && !inRun(e.to)) { endedAt = e.at; break; }
  }
  const startDay = dayOfInstant(first.at);
  const dueDay = calendar.addWorkingDaysToDay(startDay, rules.decisionLimit.value);
  const t = endedAt === null ? now : Math.min(now, endedAt);
  return {
    startedAt: first.at,
    endedAt,
    limitWorkingDays: rules.decisionLimit.value,
    dueDate: civilDateOfDay(dueDay),
    dueAt: startOfDay(dueDay + 1),
    overdueWorkingDays: overdueAt(calendar, dueDay, t),
    provisional: !calendar.isVerifiedBetween(civilDateOfDay(startDay), civilDateOfDay(Math.max(dueDay, dayOfInstant(t)))),
  };
}

function recipientsOf(permit: Permit, clock: StageClock, rules: PermitWorkflowRules): Pick<Card, 'recipients' | 'unassigned'> {
  const handlerRole = rules.stages[clock.stage].handlerRole;
  const wanted: [RecipientRole, string | null][] = [
    ['handler', handlerRole ? assignedTo(permit.assignment, handlerRole) : null],
    ['reviewer', permit.assignment.reviewerId],
    ['approver', permit.assignment.approverId],
  ];
  const recipients: Recipient[] = [];
  const unassigned: RecipientRole[] = [];
  for (const [role, actorId] of wanted) {
    if (actorId === null) unassigned.push(role);
    else if (!recipients.some((r) => r.actorId === actorId)) recipients.push({ role, actorId });
  }
  return { recipients, unassigned };
}

/**
 * Cards now due and not yet issued, in the order they were raised (a stage's yellow before its
 * red; a red found together with its yellow comes with it). `issuedCards` is what storage has
 * recorded; pass the result's ids back next time and nothing is issued twice.
 */
export function cardsToIssue(
  permit: Permit, issuedCards: readonly IssuedCard[], calendar: WorkingDayCalendar, rules: PermitWorkflowRules, now: EpochMs,
): Card[] {
  const issued = new Set(issuedCards.map((c) => c.cardId));
  const out: Card[] = [];
  for (const clock of stageClocks(permit, calendar, rules, now)) {
    const levels: [CardColour, number, EpochMs][] = [
      ['yellow', rules.cards.yellowAfterOverdueWorkingDays, clock.yellowAt],
      ['red', rules.cards.redAfterOverdueWorkingDays, clock.redAt],
    ];
    for (const [colour, threshold, raisedAt] of levels) {
      const cardId = `${clock.instanceId}/${colour}`;
      if (clock.overdueWorkingDays < threshold || issued.has(cardId)) continue;
      out.push({
        cardId, permitId: permit.id, instanceId: clock.instanceId, stage: clock.stage, colour,
        dueAt: clock.dueAt, raisedAt, overdueWorkingDays: threshold, stageOpen: clock.endedAt === null,
        ...recipientsOf(permit, clock, rules), provisional: clock.provisional,
      });
    }
  }
  return out.sort((a, b) => a.raisedAt - b.raisedAt);
}

/**
 * The outbox rows for a card: one per recipient and channel, addressed by actor id; a card with
 * nobody to receive it goes to SUPERVISOR_ADDRESS. Ids are derived from the card, so writing the
 * same card's messages twice is idempotent.
 */
export function cardMessages(card: Card, channels: readonly Channel[], now: EpochMs): OutboxMessage[] {
  const to = card.recipients.length > 0 ? card.recipients.map((r) => r.actorId) : [SUPERVISOR_ADDRESS];
  const params = {
    permitId: card.permitId, stage: card.stage, colour: card.colour, cardId: card.cardId,
    dueAt: formatShanghai(card.dueAt), overdueWorkingDays: card.overdueWorkingDays,
  };
  return to.flatMap((recipient) => channels.map((channel) => newOutboxMessage(
    { id: `${card.cardId}/${channel}/${recipient}`, channel, to: recipient, template: `permit.card.${card.colour}`, params }, now,
  )));
}

