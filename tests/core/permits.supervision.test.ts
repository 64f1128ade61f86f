import { describe, expect, it } from 'vitest';
import calendarJson from '../../data/rules/calendar-cn.json';
import workflowJson from '../../data/rules/permit-workflow.json';
import { WorkingDayCalendar } from '../../src/core/permits/calendar';
import { formatShanghai, shanghaiTime } from '../../src/core/permits/civilDate';
import { generateReceipt } from '../../src/core/permits/receipt';
import {
  SUPERVISOR_ADDRESS, cardMessages, cardsToIssue, decisionClock, stageClock, stageClocks, type Card,
} from '../../src/core/permits/supervision';
import { PermitWorkflow, type Actor, type Permit } from '../../src/core/permits/workflow';
import { validatePermitWorkflowRules, type PermitAction, type PermitState, type Role } from '../../src/core/permits/workflowRules';
import { ACTOR } from './permitActors';

const CAL = WorkingDayCalendar.fromJson(calendarJson);
const RECEIPT = generateReceipt(2026, (n) => new Uint8Array(n).fill(3));
const MS = 1;

/** The shipped table with the stage limits these tests reason about set explicitly. */
function rulesWith(limits: Partial<Record<PermitState, number>>) {
  const json = structuredClone(workflowJson) as Record<string, any>;
  for (const [stage, value] of Object.entries(limits)) json.stages[stage].limit.value = value;
  return validatePermitWorkflowRules(json);
}
const RULES = rulesWith({ submitted: 5, accepted: 2, assigned: 3, reviewed: 2, approved: 2 });
const WF = new PermitWorkflow(RULES);


/** A permit submitted at `submittedAt` that then took each step at the given instant. */
function story(submittedAt: number, steps: [PermitAction, Role, number][]): Permit {
  let { permit } = WF.submit({ permitId: 'permit-1', receipt: RECEIPT }, ACTOR.applicant, submittedAt);
  for (const [action, role, at] of steps) {
    const details = action === 'assign' ? { assignment: { reviewerId: 'reviewer-1', approverId: 'approver-1' } } : {};
    const reason = action === 'return' || action === 'reject' ? 'because' : null;
    permit = WF.transition(permit, action, ACTOR[role], reason, at, details).permit;
  }
  return permit;
}

const cardOf = (permit: Permit, at: number) => stageClock(permit, CAL, RULES, at)?.card;

describe('the stage clock', () => {
  // 'accepted' has 2 working days. Accepted Monday 9 March 15:00: the limit runs Tuesday and
  // Wednesday, so it is due at 24:00 Wednesday; Thursday is the first working day past it.
  const accepted = story(shanghaiTime('2026-03-09', 9), [['accept', 'dispatcher', shanghaiTime('2026-03-09', 15)]]);

  it('does not count the day the stage started, and is due at 24:00 of the last working day', () => {
    const clock = stageClock(accepted, CAL, RULES, shanghaiTime('2026-03-10', 12));
    expect(clock).toMatchObject({ stage: 'accepted', limitWorkingDays: 2, dueDate: '2026-03-11', overdueWorkingDays: 0, card: 'none', endedAt: null, provisional: false });
    expect(formatShanghai(clock?.dueAt ?? 0)).toBe('2026-03-12T00:00:00+08:00');
  });

  it('turns yellow exactly one working day past the limit, red at two, not earlier', () => {
    const yellowAt = shanghaiTime('2026-03-13'); // 24:00 Thursday
    const redAt = shanghaiTime('2026-03-14'); // 24:00 Friday
    expect(cardOf(accepted, shanghaiTime('2026-03-12', 0))).toBe('none'); // past due, not yet a day past
    expect(cardOf(accepted, yellowAt - MS)).toBe('none');
    expect(cardOf(accepted, yellowAt)).toBe('yellow');
    expect(cardOf(accepted, redAt - MS)).toBe('yellow');
    expect(cardOf(accepted, redAt)).toBe('red');
    const clock = stageClock(accepted, CAL, RULES, redAt);
    expect([clock?.yellowAt, clock?.redAt, clock?.overdueWorkingDays]).toEqual([yellowAt, redAt, 2]);
  });

  it('does not count the weekend and Qingming in between', () => {
    // Accepted Wednesday 1 April; 2 working days: Thursday 2 and Friday 3 April. Then Saturday to
    // Monday are the Qingming holiday: Tuesday 7 April is the first working day past the limit.
    const permit = story(shanghaiTime('2026-04-01', 9), [['accept', 'dispatcher', shanghaiTime('2026-04-01', 10)]]);
    expect(stageClock(permit, CAL, RULES, shanghaiTime('2026-04-02'))?.dueDate).toBe('2026-04-03');
    expect(cardOf(permit, shanghaiTime('2026-04-07', 23, 59))).toBe('none');
    expect(stageClock(permit, CAL, RULES, shanghaiTime('2026-04-07', 23, 59))?.overdueWorkingDays).toBe(0);
    expect(cardOf(permit, shanghaiTime('2026-04-08'))).toBe('yellow');
    expect(cardOf(permit, shanghaiTime('2026-04-09') - MS)).toBe('yellow');
    expect(cardOf(permit, shanghaiTime('2026-04-09'))).toBe('red');
  });

  it('counts a make-up Saturday as a working day past the limit', () => {
    // Accepted on 30 September, the day before National Day: due Friday 9 October; Saturday
    // 10 October is a make-up working day, so the card is red by Sunday.
    const permit = story(shanghaiTime('2026-09-29', 9), [['accept', 'dispatcher', shanghaiTime('2026-09-30', 15)]]);
    const clock = stageClock(permit, CAL, RULES, shanghaiTime('2026-10-11', 8));
    expect(clock?.dueDate).toBe('2026-10-09');
    expect(formatShanghai(clock?.yellowAt ?? 0)).toBe('2026-10-11T00:00:00+08:00');
    expect(clock?.card).toBe('yellow');
    expect(formatShanghai(clock?.redAt ?? 0)).toBe('2026-10-13T00:00:00+08:00');
  });

  it('raises a stage card even while the decision limit is not breached', () => {
    const at = shanghaiTime('2026-03-14');
    expect(cardOf(accepted, at)).toBe('red');
    const decision = decisionClock(accepted, CAL, RULES, at);
    expect(decision?.limitWorkingDays).toBe(20);
    expect(decision?.overdueWorkingDays).toBe(0);
    expect(decision?.dueDate).toBe('2026-04-07'); // 20 working days after 9 March, Qingming (4–6 April) skipped
  });

  it('has no clock while the permit is with the applicant or closed', () => {
    const returned = story(shanghaiTime('2026-03-09', 9), [['return', 'dispatcher', shanghaiTime('2026-03-09', 10)]]);
    expect(stageClock(returned, CAL, RULES, shanghaiTime('2026-06-01'))).toBeNull();
    expect(cardsToIssue(returned, [], CAL, RULES, shanghaiTime('2026-06-01'))).toEqual([]);
  });

  it('is provisional when it runs into a year whose holidays are estimates', () => {
    const permit = story(shanghaiTime('2026-12-28', 9), [['accept', 'dispatcher', shanghaiTime('2026-12-29', 9)]]);
    expect(stageClock(permit, CAL, RULES, shanghaiTime('2026-12-29', 10))?.provisional).toBe(true);
    expect(stageClock(accepted, CAL, RULES, shanghaiTime('2026-03-10'))?.provisional).toBe(false);
  });

  it('stops a left stage at the moment it was left', () => {
    const permit = story(shanghaiTime('2026-03-09', 9), [
      ['accept', 'dispatcher', shanghaiTime('2026-03-09', 15)],
      ['assign', 'dispatcher', shanghaiTime('2026-03-13', 10)], // left Friday 10:00, after turning yellow at 24:00 Thursday
    ]);
    const [, acceptedClock] = stageClocks(permit, CAL, RULES, shanghaiTime('2026-05-01'));
    expect(acceptedClock).toMatchObject({ stage: 'accepted', overdueWorkingDays: 1, card: 'yellow', endedAt: shanghaiTime('2026-03-13', 10) });
  });
});

describe('cards to issue', () => {
  const assignedAt = shanghaiTime('2026-03-10', 11);
  // 'assigned' has 3 working days: Wed 11, Thu 12, Fri 13 March. Yellow after Monday 16, red after Tuesday 17.
  const assigned = story(shanghaiTime('2026-03-09', 9), [
    ['accept', 'dispatcher', shanghaiTime('2026-03-09', 10)],
    ['assign', 'dispatcher', assignedAt],
  ]);
  const ids = (cards: Card[]) => cards.map((c) => c.cardId);

  it('issues nothing before the first card is due', () => {
    expect(cardsToIssue(assigned, [], CAL, RULES, shanghaiTime('2026-03-17') - MS)).toEqual([]);
  });

  it('issues each card once, red after yellow', () => {
    const yellow = cardsToIssue(assigned, [], CAL, RULES, shanghaiTime('2026-03-17'));
    expect(ids(yellow)).toEqual(['permit-1/2/yellow']);
    expect(cardsToIssue(assigned, yellow, CAL, RULES, shanghaiTime('2026-03-17', 12))).toEqual([]);
    const red = cardsToIssue(assigned, yellow, CAL, RULES, shanghaiTime('2026-03-18'));
    expect(ids(red)).toEqual(['permit-1/2/red']);
    expect(cardsToIssue(assigned, [...yellow, ...red], CAL, RULES, shanghaiTime('2026-04-30'))).toEqual([]);
  });

  it('issues yellow before red when both are found at once', () => {
    const both = cardsToIssue(assigned, [], CAL, RULES, shanghaiTime('2026-03-25'));
    expect(ids(both)).toEqual(['permit-1/2/yellow', 'permit-1/2/red']);
    expect(both.map((c) => formatShanghai(c.raisedAt))).toEqual(['2026-03-17T00:00:00+08:00', '2026-03-18T00:00:00+08:00']);
  });

  it("tells the stage's handler, the reviewer and the approving leader, each once", () => {
    const [card] = cardsToIssue(assigned, [], CAL, RULES, shanghaiTime('2026-03-17'));
    // The handler of 'assigned' is the reviewer: one person, told once, as the handler.
    expect(card?.recipients).toEqual([{ role: 'handler', actorId: 'reviewer-1' }, { role: 'approver', actorId: 'approver-1' }]);
    expect(card?.unassigned).toEqual([]);
    expect(card?.stageOpen).toBe(true);
  });

  it('lists the roles nobody is assigned to yet, and sends such a card to the supervisors', () => {
    const submitted = story(shanghaiTime('2026-03-09', 9), []);
    const [card] = cardsToIssue(submitted, [], CAL, RULES, shanghaiTime('2026-04-30'));
    expect(card?.stage).toBe('submitted');
    expect(card?.recipients).toEqual([]);
    expect(card?.unassigned).toEqual(['handler', 'reviewer', 'approver']);
    expect(cardMessages(card as Card, ['sms'], shanghaiTime('2026-04-30')).map((m) => m.to)).toEqual([SUPERVISOR_ADDRESS]);
  });

  it('starts a new clock with its own cards when a returned permit is resubmitted and accepted again', () => {
    const permit = story(shanghaiTime('2026-03-02', 9), [
      ['accept', 'dispatcher', shanghaiTime('2026-03-02', 10)], // due Wed 4 March; yellow after Thu 5
      ['return', 'dispatcher', shanghaiTime('2026-03-06', 10)], // left on Friday, one day past: yellow
      ['resubmit', 'applicant', shanghaiTime('2026-03-09', 9)],
      ['accept', 'dispatcher', shanghaiTime('2026-03-16', 10)], // a new 'accepted': due Wed 18 March
    ]);
    const clocks = stageClocks(permit, CAL, RULES, shanghaiTime('2026-03-19', 12));
    expect(clocks.map((c) => [c.instanceId, c.stage, c.dueDate, c.card])).toEqual([
      ['permit-1/0', 'submitted', '2026-03-09', 'none'],
      ['permit-1/1', 'accepted', '2026-03-04', 'yellow'],
      ['permit-1/3', 'submitted', '2026-03-16', 'none'],
      ['permit-1/4', 'accepted', '2026-03-18', 'none'],
    ]);
    const first = cardsToIssue(permit, [], CAL, RULES, shanghaiTime('2026-03-19', 12));
    expect(ids(first)).toEqual(['permit-1/1/yellow']);
    expect(first[0]?.stageOpen).toBe(false);
    const later = cardsToIssue(permit, first, CAL, RULES, shanghaiTime('2026-03-20'));
    expect(ids(later)).toEqual(['permit-1/4/yellow']);
    expect(later[0]?.stageOpen).toBe(true);
  });

  it('writes one outbox message per recipient and channel, addressed by id, with stable ids', () => {
    const [card] = cardsToIssue(assigned, [], CAL, RULES, shanghaiTime('2026-03-17'));
    const now = shanghaiTime('2026-03-17', 0, 5);
    const messages = cardMessages(card as Card, RULES.cards.channels, now);
    expect(messages.map((m) => `${m.channel}:${m.to}`)).toEqual(['sms:reviewer-1', 'log:reviewer-1', 'sms:approver-1', 'log:approver-1']);
    expect(messages[0]).toMatchObject({
      id: 'permit-1/2/yellow/sms/reviewer-1', template: 'permit.card.yellow', status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null,
      params: { permitId: 'permit-1', stage: 'assigned', colour: 'yellow', overdueWorkingDays: 1, dueAt: '2026-03-14T00:00:00+08:00' },
    });
    expect(cardMessages(card as Card, RULES.cards.channels, now + 1000).map((m) => m.id)).toEqual(messages.map((m) => m.id));
  });
});
