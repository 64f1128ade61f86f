import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import workflowJson from '../../data/rules/permit-workflow.json';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import { generateReceipt } from '../../src/core/permits/receipt';
import { PermitWorkflow, ReplayError, TransitionError, replay, type Actor, type Permit } from '../../src/core/permits/workflow';
import {
  PERMIT_ACTIONS, PERMIT_STATES, ROLES, validatePermitWorkflowRules, type PermitAction, type PermitState, type Role,
} from '../../src/core/permits/workflowRules';
import { RulesError } from '../../src/core/screening/rules';
import { ACTOR } from './permitActors';

const RULES = validatePermitWorkflowRules(workflowJson);
const WF = new PermitWorkflow(RULES);
const RECEIPT = generateReceipt(2026, (n) => new Uint8Array(n).fill(7));
const T0 = shanghaiTime('2026-03-09', 9);
const HOUR = 3_600_000;

const ASSIGNMENT = { reviewerId: 'reviewer-1', approverId: 'approver-1' };

type Step = [PermitAction, Role];
/** How to bring a new permit to each state. */
const PATH: Record<PermitState, Step[]> = {
  submitted: [],
  accepted: [['accept', 'dispatcher']],
  assigned: [['accept', 'dispatcher'], ['assign', 'dispatcher']],
  reviewed: [['accept', 'dispatcher'], ['assign', 'dispatcher'], ['review', 'reviewer']],
  approved: [['accept', 'dispatcher'], ['assign', 'dispatcher'], ['review', 'reviewer'], ['approve', 'approver']],
  completed: [['accept', 'dispatcher'], ['assign', 'dispatcher'], ['review', 'reviewer'], ['approve', 'approver'], ['complete', 'dispatcher']],
  returned: [['return', 'dispatcher']],
  rejected: [['reject', 'dispatcher']],
  withdrawn: [['withdraw', 'applicant']],
};

/** The intended policy, written out here independently of the JSON it checks. */
const ALLOWED: Record<Exclude<PermitAction, 'submit'>, Partial<Record<PermitState, Role[]>>> = {
  accept: { submitted: ['dispatcher'] },
  assign: { accepted: ['dispatcher'] },
  review: { assigned: ['reviewer'] },
  approve: { reviewed: ['approver'] },
  complete: { approved: ['dispatcher'] },
  return: { submitted: ['dispatcher'], accepted: ['dispatcher'], assigned: ['reviewer'], reviewed: ['approver'] },
  reject: { submitted: ['dispatcher'], accepted: ['dispatcher'], reviewed: ['approver'] },
  resubmit: { returned: ['applicant'] },
  withdraw: { submitted: ['applicant'], accepted: ['applicant'], assigned: ['applicant'], reviewed: ['applicant'], returned: ['applicant'] },
};

function detailsFor(action: PermitAction) {
  return action === 'assign' ? { assignment: ASSIGNMENT } : {};
}

function permitIn(state: PermitState): Permit {
  let { permit } = WF.submit({ permitId: 'permit-1', receipt: RECEIPT }, ACTOR.applicant, T0);
  PATH[state].forEach(([action, role], i) => {
    permit = WF.transition(permit, action, ACTOR[role], 'a reason', T0 + (i + 1) * HOUR, detailsFor(action)).permit;
  });
  expect(permit.state).toBe(state);
  return permit;
}

function refused(run: () => unknown): TransitionError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(TransitionError);
    return e as TransitionError;
  }
  return expect.fail('allowed');
}

describe('the shipped workflow table', () => {
  it('validates', () => {
    expect(RULES.submitRoles).toEqual(['applicant']);
    expect(RULES.stages.assigned.handlerRole).toBe('reviewer');
    expect(RULES.stages.returned.limit).toBeNull();
  });

  it('refuses two rules for the same action from the same state, naming the path', () => {
    const bad = structuredClone(workflowJson) as Record<string, any>;
    bad.transitions[6].from.push('submitted');
    const e = (() => { try { validatePermitWorkflowRules(bad); } catch (err) { return err as RulesError; } return expect.fail('accepted'); })();
    expect(e).toBeInstanceOf(RulesError);
    expect(e.path).toBe('transitions[6].from[1]');
  });

  it('refuses a missing stage, an unknown role, a supervised stage without a handler and red before yellow', () => {
    const cases: [(j: Record<string, any>) => void, string][] = [
      [(j) => { delete j.stages.reviewed; }, 'stages.reviewed'],
      [(j) => { j.transitions[0].roles = ['clerk']; }, 'transitions[0].roles[0]'],
      [(j) => { j.stages.assigned.handlerRole = null; }, 'stages.assigned.handlerRole'],
      [(j) => { j.cards.redAfterOverdueWorkingDays = 1; }, 'cards.redAfterOverdueWorkingDays'],
      [(j) => { j.stages.completed.limit = { value: 3, source: 'x', verified: false }; j.stages.completed.handlerRole = 'dispatcher'; }, 'stages.completed.limit'],
      [(j) => { j.transitions[0].to = 'submitted'; }, 'transitions[0].to'],
    ];
    for (const [spoil, path] of cases) {
      const bad = structuredClone(workflowJson) as Record<string, any>;
      spoil(bad);
      expect(() => validatePermitWorkflowRules(bad), path).toThrow(RulesError);
      try { validatePermitWorkflowRules(bad); } catch (e) { expect((e as RulesError).path).toBe(path); }
    }
  });
});

describe('transitions', () => {
  const actions = PERMIT_ACTIONS.filter((a): a is Exclude<PermitAction, 'submit'> => a !== 'submit');

  it('lets every role try every action from every state: the allowed succeed, the rest are refused naming role and action', () => {
    let tried = 0;
    for (const state of PERMIT_STATES) {
      for (const action of actions) {
        for (const role of ROLES) {
          tried++;
          const permit = permitIn(state);
          const allowed = ALLOWED[action][state]?.includes(role) ?? false;
          const run = () => WF.transition(permit, action, ACTOR[role], 'the reason', T0 + 24 * HOUR, detailsFor(action));
          if (allowed) {
            const { permit: next, event } = run();
            expect(next.state, `${role} ${action} from ${state}`).toBe(event.to);
            expect(event.from).toBe(state);
            continue;
          }
          const e = refused(run);
          const roleMayAct = Object.values(ALLOWED[action]).some((roles) => roles.includes(role));
          expect(e.code, `${role} ${action} from ${state}`).toBe(roleMayAct && !ALLOWED[action][state] ? 'invalid-from-state' : 'forbidden-role');
          expect(e.message).toContain(role);
          expect(e.message).toContain(action);
          expect(e.role).toBe(role);
          expect(e.action).toBe(action);
        }
      }
    }
    expect(tried).toBe(PERMIT_STATES.length * actions.length * ROLES.length);
  });

  it('lets only an applicant submit', () => {
    for (const role of ROLES) {
      const run = () => WF.submit({ permitId: 'p', receipt: RECEIPT }, ACTOR[role], T0);
      if (role === 'applicant') expect(run().permit.state).toBe('submitted');
      else expect(refused(run).code).toBe('forbidden-role');
    }
  });

  it('refuses a submission with a receipt whose check character is wrong', () => {
    expect(refused(() => WF.submit({ permitId: 'p', receipt: `${RECEIPT.slice(0, -1)}${RECEIPT.endsWith('0') ? '1' : '0'}` }, ACTOR.applicant, T0)).code).toBe('invalid-input');
  });

  it('records who, when, why and what in the audit event', () => {
    const { event } = WF.transition(permitIn('assigned'), 'return', ACTOR.reviewer, '  Trench depth missing on drawing 2  ', T0 + 30 * HOUR);
    expect(event).toEqual({
      permitId: 'permit-1', seq: 3, from: 'assigned', to: 'returned', action: 'return',
      actorId: 'reviewer-1', actorRole: 'reviewer', at: T0 + 30 * HOUR, reason: 'Trench depth missing on drawing 2',
    });
  });

  it('requires a reason to reject or return, and refuses blank ones', () => {
    for (const reason of [null, '', '   ']) {
      expect(refused(() => WF.transition(permitIn('reviewed'), 'reject', ACTOR.approver, reason, T0 + 24 * HOUR)).code).toBe('reason-required');
      expect(refused(() => WF.transition(permitIn('submitted'), 'return', ACTOR.dispatcher, reason, T0 + 24 * HOUR)).code).toBe('reason-required');
    }
    expect(refused(() => WF.transition(permitIn('submitted'), 'return', ACTOR.dispatcher, 'x'.repeat(2001), T0 + HOUR)).code).toBe('reason-too-long');
  });

  it('does not let an applicant withdraw after approval', () => {
    for (const state of ['approved', 'completed'] as const) {
      expect(refused(() => WF.transition(permitIn(state), 'withdraw', ACTOR.applicant, null, T0 + 24 * HOUR)).code).toBe('invalid-from-state');
    }
  });

  it("does not let an applicant act on someone else's permit", () => {
    const other: Actor = { id: 'applicant-2', role: 'applicant' };
    expect(refused(() => WF.transition(permitIn('submitted'), 'withdraw', other, null, T0 + HOUR)).code).toBe('not-applicant');
  });

  it('lets only the assigned reviewer review and the assigned approver approve', () => {
    expect(refused(() => WF.transition(permitIn('assigned'), 'review', { id: 'reviewer-2', role: 'reviewer' }, null, T0 + 24 * HOUR)).code).toBe('not-assigned');
    expect(refused(() => WF.transition(permitIn('reviewed'), 'approve', { id: 'approver-2', role: 'approver' }, null, T0 + 24 * HOUR)).code).toBe('not-assigned');
  });

  it('needs the reviewer and a different approving leader to assign, and refuses an assignment elsewhere', () => {
    const accepted = permitIn('accepted');
    expect(refused(() => WF.transition(accepted, 'assign', ACTOR.dispatcher, null, T0 + 24 * HOUR)).code).toBe('assignment-required');
    expect(refused(() => WF.transition(accepted, 'assign', ACTOR.dispatcher, null, T0 + 24 * HOUR, { assignment: { reviewerId: 'x', approverId: 'x' } })).code).toBe('invalid-assignment');
    expect(refused(() => WF.transition(permitIn('submitted'), 'accept', ACTOR.dispatcher, null, T0 + HOUR, { assignment: ASSIGNMENT })).code).toBe('assignment-not-allowed');
    const assigned = WF.transition(accepted, 'assign', ACTOR.dispatcher, null, T0 + 24 * HOUR, { assignment: ASSIGNMENT }).permit;
    expect(assigned.assignment).toEqual({ dispatcherId: 'dispatcher-1', reviewerId: 'reviewer-1', approverId: 'approver-1' });
  });

  it('refuses a transition dated before the last event', () => {
    expect(refused(() => WF.transition(permitIn('accepted'), 'assign', ACTOR.dispatcher, null, T0, { assignment: ASSIGNMENT })).code).toBe('clock-went-back');
  });

  it('refuses an unknown action and a role that does not exist', () => {
    expect(refused(() => WF.transition(permitIn('submitted'), 'teleport' as PermitAction, ACTOR.dispatcher, null, T0 + HOUR)).code).toBe('unknown-action');
    expect(refused(() => WF.transition(permitIn('submitted'), 'accept', { id: 'x', role: 'root' as Role }, null, T0 + HOUR)).code).toBe('invalid-actor');
  });

  it('offers each actor the actions it may take', () => {
    expect(WF.allowedActions(permitIn('accepted'), ACTOR.dispatcher)).toEqual(['assign', 'return', 'reject']);
    expect(WF.allowedActions(permitIn('accepted'), ACTOR.applicant)).toEqual(['withdraw']);
    expect(WF.allowedActions(permitIn('accepted'), ACTOR.supervisor)).toEqual([]);
    expect(WF.allowedActions(permitIn('completed'), ACTOR.admin)).toEqual([]);
  });

  it('leaves the permit it was given untouched and its events frozen', () => {
    const before = permitIn('submitted');
    const snapshot = structuredClone(before);
    WF.transition(before, 'accept', ACTOR.dispatcher, null, T0 + HOUR);
    expect(before).toEqual(snapshot);
    expect(Object.isFrozen(before.events)).toBe(true);
    expect(Object.isFrozen(before.events[0])).toBe(true);
  });
});

describe('replay', () => {
  it('gives the same permit as the transitions did, through a return and a resubmission', () => {
    const steps: [PermitAction, Role, string | null][] = [
      ['accept', 'dispatcher', null], ['assign', 'dispatcher', null], ['return', 'reviewer', 'Need the traffic plan'],
      ['resubmit', 'applicant', null], ['accept', 'dispatcher', null], ['assign', 'dispatcher', null],
      ['review', 'reviewer', 'Clearances fine'], ['approve', 'approver', null], ['complete', 'dispatcher', null],
    ];
    let { permit } = WF.submit({ permitId: 'permit-9', receipt: RECEIPT }, ACTOR.applicant, T0);
    steps.forEach(([action, role, reason], i) => {
      permit = WF.transition(permit, action, ACTOR[role], reason, T0 + (i + 1) * 5 * HOUR, detailsFor(action)).permit;
      expect(replay(permit.events)).toEqual(permit);
    });
    expect(permit.state).toBe('completed');
    expect(permit.events).toHaveLength(steps.length + 1);
  });

  it('equals the incremental state for any sequence of attempts by any roles', () => {
    const attempt = fc.tuple(fc.constantFrom(...PERMIT_ACTIONS.filter((a) => a !== 'submit')), fc.constantFrom(...ROLES), fc.constantFrom(null, 'why'));
    fc.assert(fc.property(fc.array(attempt, { maxLength: 40 }), (attempts) => {
      let { permit } = WF.submit({ permitId: 'p', receipt: RECEIPT }, ACTOR.applicant, T0);
      attempts.forEach(([action, role, reason], i) => {
        try {
          permit = WF.transition(permit, action, ACTOR[role], reason, T0 + i * HOUR, detailsFor(action)).permit;
        } catch (e) {
          if (!(e instanceof TransitionError)) throw e;
        }
      });
      expect(replay(permit.events)).toEqual(permit);
    }));
  });

  it('refuses a broken story, naming the event', () => {
    const events = [...permitIn('reviewed').events];
    const gap = [...events.slice(0, 2), ...events.slice(3)];
    expect(() => replay(gap)).toThrow(ReplayError);
    expect(() => replay(gap)).toThrow(/events\[2\]\.seq/);
    const wrongFrom = events.map((e, i) => (i === 2 ? { ...e, from: 'submitted' as const } : e));
    expect(() => replay(wrongFrom)).toThrow(/events\[2\]\.from: expected accepted/);
    expect(() => replay([])).toThrow(/events\[0\]/);
    expect(() => replay(events.slice(1))).toThrow(/events\[0\]\.seq/);
  });
});
