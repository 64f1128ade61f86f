/**
 * The permit state machine. A permit is its append-only list of audit events; the state, the
 * receipt and the assignment are a fold over them (`replay`), and `PermitWorkflow.transition` returns
 * the next permit together with the one new event, for storage to append in one transaction.
 *
 * Who may do what is data (workflowRules.ts). The checks, in order, so that a caller without the
 * right role learns nothing about the permit's state: the action exists; the actor's role may take
 * it from some state; the permit is in a state it may be taken from; the role may take it from this
 * state; an applicant acts only on their own permit; a reviewer or approver only on a permit
 * assigned to them; a reason is given where one is required; time does not run backwards.
 *
 * The actor is who the server authenticated: the core trusts `actor.role`, and checks all the rest.
 */
import type { EpochMs } from './civilDate';
import { isValidReceipt } from './receipt';
import {
  HANDLER_ROLES, PERMIT_ACTIONS, ROLES, isClosedState, ruleFor,
  type HandlerRole, type PermitAction, type PermitState, type PermitWorkflowRules, type Role,
} from './workflowRules';

/** Reasons are free text from a form: longer than this is refused. */
export const MAX_REASON_LENGTH = 2000;
/** Ids (permit, actor) longer than this are refused. */
export const MAX_ID_LENGTH = 128;

export interface Actor {
  id: string;
  role: Role;
}

/** Who handles the permit: the accepting dispatcher, the handling reviewer (承办), the approving leader. */
export interface Assignment {
  dispatcherId: string | null;
  reviewerId: string | null;
  approverId: string | null;
}

export type AssignmentChange = Partial<Record<keyof Assignment, string>>;

export interface PermitEvent {
  permitId: string;
  /** 0 for the submission, then 1, 2, … with no gaps. */
  seq: number;
  from: PermitState | null;
  to: PermitState;
  action: PermitAction;
  actorId: string;
  actorRole: Role;
  at: EpochMs;
  reason: string | null;
  /** On the submission only. */
  receipt?: string;
  /** Who this event put in charge, when it put anyone. */
  assignment?: AssignmentChange;
}

export interface Permit {
  id: string;
  receipt: string;
  applicantId: string;
  state: PermitState;
  assignment: Assignment;
  events: readonly PermitEvent[];
}

export interface TransitionResult {
  permit: Permit;
  event: PermitEvent;
}

export type TransitionErrorCode =
  | 'unknown-action' | 'forbidden-role' | 'invalid-from-state' | 'not-applicant' | 'not-assigned'
  | 'reason-required' | 'reason-too-long' | 'assignment-required' | 'assignment-not-allowed'
  | 'invalid-assignment' | 'invalid-actor' | 'invalid-input' | 'clock-went-back';

export class TransitionError extends Error {
  constructor(
    readonly code: TransitionErrorCode,
    readonly action: string,
    readonly role: string,
    readonly from: PermitState | null,
    detail: string,
  ) {
    super(`${code}: ${role} may not ${action}${from ? ` a permit that is ${from}` : ''}: ${detail}`);
    this.name = 'TransitionError';
  }
}

export class ReplayError extends RangeError {
  constructor(readonly index: number, readonly field: string, detail: string) {
    super(`events[${index}].${field}: ${detail}`);
    this.name = 'ReplayError';
  }
}

export const NO_ASSIGNMENT: Readonly<Assignment> = Object.freeze({ dispatcherId: null, reviewerId: null, approverId: null });

const ASSIGNMENT_KEY: Record<HandlerRole, keyof Assignment> = { dispatcher: 'dispatcherId', reviewer: 'reviewerId', approver: 'approverId' };

export function assignedTo(assignment: Assignment, role: HandlerRole): string | null {
  return assignment[ASSIGNMENT_KEY[role]];
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && v.length <= MAX_ID_LENGTH;
}

function isHandlerRole(r: Role): r is HandlerRole {
  return (HANDLER_ROLES as readonly string[]).includes(r);
}

function apply(permit: Permit | null, e: PermitEvent): Permit {
  const events = Object.freeze([...(permit?.events ?? []), Object.freeze({ ...e })]);
  if (!permit) return { id: e.permitId, receipt: e.receipt ?? '', applicantId: e.actorId, state: e.to, assignment: { ...NO_ASSIGNMENT, ...e.assignment }, events };
  return { ...permit, state: e.to, assignment: { ...permit.assignment, ...e.assignment }, events };
}

/**
 * The permit as its events say, checking only that they form one unbroken story (same permit, seq
 * 0, 1, 2 …, each from where the last one went, time not running backwards). It does not re-check
 * roles: the events are the record of what was allowed under the rules of their day.
 */
export function replay(events: readonly PermitEvent[]): Permit {
  if (events.length === 0) throw new ReplayError(0, 'seq', 'no events: a permit starts with its submission');
  let permit: Permit | null = null;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i) throw new ReplayError(i, 'seq', `expected ${i}, got ${String(e.seq)}`);
    if (!Number.isFinite(e.at)) throw new ReplayError(i, 'at', `expected epoch milliseconds, got ${String(e.at)}`);
    if (!permit) {
      if (e.action !== 'submit' || e.from !== null || e.to !== 'submitted') throw new ReplayError(i, 'action', `the first event must be the submission, got ${e.action} ${String(e.from)} → ${e.to}`);
      if (!e.receipt) throw new ReplayError(i, 'receipt', 'the submission carries the receipt');
    } else {
      if (e.permitId !== permit.id) throw new ReplayError(i, 'permitId', `expected ${permit.id}, got ${e.permitId}`);
      if (e.from !== permit.state) throw new ReplayError(i, 'from', `expected ${permit.state}, got ${String(e.from)}`);
      const last = permit.events[permit.events.length - 1];
      if (last && e.at < last.at) throw new ReplayError(i, 'at', `${e.at} is before the previous event's ${last.at}`);
    }
    permit = apply(permit, e);
  }
  if (!permit) throw new Error('unreachable: events is not empty');
  return permit;
}

export interface SubmitInput {
  permitId: string;
  receipt: string;
}

export interface TransitionDetails {
  /** Required by actions whose rule sets the assignment ('assign'); refused elsewhere. */
  assignment?: { reviewerId: string; approverId: string };
}

export class PermitWorkflow {
  constructor(readonly rules: PermitWorkflowRules) {}

  /** A new permit in 'submitted', and its first event. The submitting applicant owns it. */
  submit(input: SubmitInput, actor: Actor, now: EpochMs): TransitionResult {
    const fail = (code: TransitionErrorCode, detail: string): never => {
      throw new TransitionError(code, 'submit', String(actor?.role), null, detail);
    };
    this.checkActor(actor, 'submit', null);
    if (!this.rules.submitRoles.includes(actor.role)) fail('forbidden-role', `submitting is for ${this.rules.submitRoles.join(', ')}`);
    if (!isId(input.permitId)) fail('invalid-input', `permitId must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    if (!isValidReceipt(input.receipt)) fail('invalid-input', `receipt ${JSON.stringify(input.receipt)} is not a valid receipt number`);
    if (!Number.isFinite(now)) fail('invalid-input', `now must be epoch milliseconds, got ${String(now)}`);
    const event: PermitEvent = {
      permitId: input.permitId, seq: 0, from: null, to: 'submitted', action: 'submit',
      actorId: actor.id, actorRole: actor.role, at: now, reason: null, receipt: input.receipt,
    };
    return { permit: apply(null, event), event: Object.freeze(event) };
  }

  /** The actions this actor may take on this permit now (for the buttons a form shows). */
  allowedActions(permit: Permit, actor: Actor): PermitAction[] {
    const now = permit.events[permit.events.length - 1]?.at ?? 0;
    const probe = { assignment: { reviewerId: 'probe-reviewer', approverId: 'probe-approver' } };
    return PERMIT_ACTIONS.filter((a) => {
      if (a === 'submit') return false;
      const details = ruleFor(this.rules, a, permit.state)?.setsAssignment ? probe : {};
      return this.refusal(permit, a, actor, 'probe reason', now, details) === null;
    });
  }

  /** The next permit and the audit event, or a TransitionError naming what was wrong. */
  transition(permit: Permit, action: PermitAction, actor: Actor, reason: string | null, now: EpochMs, details: TransitionDetails = {}): TransitionResult {
    const error = this.refusal(permit, action, actor, reason, now, details);
    if (error) throw error;
    const rule = ruleFor(this.rules, action, permit.state);
    if (!rule) throw new Error('unreachable: refusal() found the rule');
    const trimmed = typeof reason === 'string' ? reason.trim() : '';
    let assignment: AssignmentChange | undefined;
    // The dispatcher who accepts a permit is its dispatcher of record: the handler of 'accepted'.
    if (action === 'accept' && actor.role === 'dispatcher') assignment = { dispatcherId: actor.id };
    if (rule.setsAssignment && details.assignment) assignment = { reviewerId: details.assignment.reviewerId, approverId: details.assignment.approverId };
    const event: PermitEvent = {
      permitId: permit.id, seq: permit.events.length, from: permit.state, to: rule.to, action,
      actorId: actor.id, actorRole: actor.role, at: now, reason: trimmed === '' ? null : trimmed,
      ...(assignment ? { assignment } : {}),
    };
    return { permit: apply(permit, event), event: Object.freeze(event) };
  }

  private checkActor(actor: Actor, action: string, from: PermitState | null): void {
    if (!actor || !(ROLES as readonly string[]).includes(actor.role)) {
      throw new TransitionError('invalid-actor', action, String(actor?.role), from, `role must be one of ${ROLES.join(', ')}`);
    }
    if (!isId(actor.id)) throw new TransitionError('invalid-actor', action, actor.role, from, `actor id must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }

  private refusal(permit: Permit, action: PermitAction, actor: Actor, reason: string | null, now: EpochMs, details: TransitionDetails): TransitionError | null {
    const from = permit.state;
    const role = String(actor?.role);
    const err = (code: TransitionErrorCode, detail: string) => new TransitionError(code, String(action), role, from, detail);
    if (!(PERMIT_ACTIONS as readonly string[]).includes(action) || action === 'submit') {
      return err('unknown-action', `actions on a permit are ${PERMIT_ACTIONS.filter((a) => a !== 'submit').join(', ')}`);
    }
    try {
      this.checkActor(actor, action, from);
    } catch (e) {
      return e as TransitionError;
    }
    const rulesForAction = this.rules.transitions.filter((t) => t.action === action);
    if (!rulesForAction.some((t) => t.roles.includes(actor.role))) {
      const roles = [...new Set(rulesForAction.flatMap((t) => t.roles))];
      return err('forbidden-role', `${action} is for ${roles.join(', ') || 'no role'}`);
    }
    const rule = ruleFor(this.rules, action, from);
    if (!rule) {
      const froms = rulesForAction.flatMap((t) => t.from);
      return err('invalid-from-state', isClosedState(this.rules, from) ? `the permit is closed (${from})` : `${action} is taken from ${froms.join(', ')}`);
    }
    if (!rule.roles.includes(actor.role)) return err('forbidden-role', `${action} from ${from} is for ${rule.roles.join(', ')}`);
    if (actor.role === 'applicant' && actor.id !== permit.applicantId) return err('not-applicant', 'an applicant acts only on their own permit');
    if (rule.assignedOnly && isHandlerRole(actor.role)) {
      const assigned = assignedTo(permit.assignment, actor.role);
      if (assigned !== null && assigned !== actor.id) return err('not-assigned', `the permit is assigned to another ${actor.role}`);
    }
    if (reason !== null && typeof reason !== 'string') return err('invalid-input', 'reason must be text or null');
    const trimmed = (reason ?? '').trim();
    if (rule.reasonRequired && trimmed === '') return err('reason-required', `${action} needs a reason the applicant can act on`);
    if (trimmed.length > MAX_REASON_LENGTH) return err('reason-too-long', `${trimmed.length} characters is more than MAX_REASON_LENGTH = ${MAX_REASON_LENGTH}`);
    if (rule.setsAssignment) {
      const a = details.assignment;
      if (!a) return err('assignment-required', `${action} names the handling reviewer and the approving leader`);
      if (!isId(a.reviewerId) || !isId(a.approverId)) return err('invalid-assignment', 'reviewerId and approverId must be non-empty ids');
      if (a.reviewerId === a.approverId) return err('invalid-assignment', 'the reviewer and the approving leader must be different people');
    } else if (details.assignment) {
      return err('assignment-not-allowed', `${action} does not change the assignment`);
    }
    if (!Number.isFinite(now)) return err('invalid-input', `now must be epoch milliseconds, got ${String(now)}`);
    const last = permit.events[permit.events.length - 1];
    if (last && now < last.at) return err('clock-went-back', `now (${now}) is before the last event (${last.at})`);
    return null;
  }
}
