/**
 * The permit workflow's rules table (data/rules/permit-workflow.json): each stage's time limit and
 * handler, who may take which action from which state, the card thresholds and the outbox's retry
 * policy. The states, actions and roles are fixed here (code depends on them); which role may do
 * what, and every number, is data.
 */
import { CHANNELS, type Channel, type RetryPolicy } from './outbox';
import { RulesError, flag, has, integerIn, list, numberIn, oneOf, onlyKeys, record, show, text } from '../rulesTable';

export const ROLES = ['public', 'applicant', 'reviewer', 'approver', 'dispatcher', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** submitted → accepted (受理) → assigned (承办) → reviewed (审核) → approved (批准) → completed (办结). */
export const PERMIT_STATES = ['submitted', 'accepted', 'assigned', 'reviewed', 'approved', 'completed', 'returned', 'rejected', 'withdrawn'] as const;
export type PermitState = (typeof PERMIT_STATES)[number];

/** 'submit' creates a permit; every other action moves one. */
export const PERMIT_ACTIONS = ['submit', 'accept', 'assign', 'review', 'approve', 'complete', 'return', 'reject', 'resubmit', 'withdraw'] as const;
export type PermitAction = (typeof PERMIT_ACTIONS)[number];

/** Roles a permit names people for (its assignment); a stage's handler is one of them. */
export const HANDLER_ROLES = ['dispatcher', 'reviewer', 'approver'] as const;
export type HandlerRole = (typeof HANDLER_ROLES)[number];

/** The longest stage limit the table may set, in working days (about 18 months). */
export const MAX_STAGE_LIMIT_WORKING_DAYS = 365;

export interface StageLimit {
  /** Working days, counted from the working day after the stage starts. */
  value: number;
  source: string;
  verified: boolean;
}

export interface StageRule {
  /** null: the stage is not supervised (the applicant's time, or a closed permit). */
  limit: StageLimit | null;
  handlerRole: HandlerRole | null;
}

export interface DecisionLimit extends StageLimit {
  /** The clock runs while the permit stays in these stages, from its latest entry into the run. */
  stages: PermitState[];
}

export interface TransitionRule {
  action: Exclude<PermitAction, 'submit'>;
  from: PermitState[];
  to: PermitState;
  roles: Role[];
  reasonRequired: boolean;
  /** A reviewer or approver must be the one the permit's assignment names (when it names one). */
  assignedOnly: boolean;
  /** The action carries the assignment (reviewer and approving leader). */
  setsAssignment: boolean;
}

export interface CardRule {
  yellowAfterOverdueWorkingDays: number;
  redAfterOverdueWorkingDays: number;
  channels: Channel[];
  source: string;
  verified: boolean;
}

export interface PermitWorkflowRules {
  version: number;
  stages: Record<PermitState, StageRule>;
  decisionLimit: DecisionLimit;
  submitRoles: Role[];
  transitions: TransitionRule[];
  cards: CardRule;
  retry: RetryPolicy & { source: string; verified: boolean };
}

function limit(v: unknown, path: string, extraKeys: readonly string[] = []): StageLimit {
  const o = record(v, path);
  onlyKeys(o, ['value', 'source', 'verified', ...extraKeys], path);
  return {
    value: integerIn(o.value, `${path}.value`, 1, MAX_STAGE_LIMIT_WORKING_DAYS),
    source: text(o.source, `${path}.source`),
    verified: flag(o.verified, `${path}.verified`),
  };
}

function distinct<T extends string>(v: unknown, allowed: readonly T[], path: string, minLength: number): T[] {
  const items = list(v, path).map((x, i) => oneOf(x, allowed, `${path}[${i}]`));
  if (items.length < minLength) throw new RulesError(path, `expected at least ${minLength} item${minLength === 1 ? '' : 's'}`);
  items.forEach((x, i) => {
    if (items.indexOf(x) !== i) throw new RulesError(`${path}[${i}]`, `${x} is listed twice`);
  });
  return items;
}

/**
 * Checks the workflow table (parsed JSON, untrusted) and returns a typed copy. Refuses, naming the
 * path: a missing or unknown stage, a supervised stage without a handler, a transition from a state
 * with two rules for the same action (the outcome must be unique), a transition to its own state
 * (it would restart a clock unseen), a transition out of a closed state, thresholds out of order.
 */
export function validatePermitWorkflowRules(input: unknown): PermitWorkflowRules {
  const root = record(input, 'workflow');
  onlyKeys(root, ['version', 'stages', 'decisionLimit', 'submit', 'transitions', 'cards', 'retry'], 'workflow');
  const version = integerIn(root.version, 'version', 1, Number.MAX_SAFE_INTEGER);

  const stagesIn = record(root.stages, 'stages');
  onlyKeys(stagesIn, PERMIT_STATES, 'stages');
  const stages = {} as Record<PermitState, StageRule>;
  for (const s of PERMIT_STATES) {
    const path = `stages.${s}`;
    if (!has(stagesIn, s)) throw new RulesError(path, `missing; every state ${PERMIT_STATES.join(', ')} needs an entry`);
    const o = record(stagesIn[s], path);
    onlyKeys(o, ['limit', 'handlerRole'], path);
    const lim = o.limit === null ? null : limit(o.limit, `${path}.limit`);
    const handlerRole = o.handlerRole === null ? null : oneOf(o.handlerRole, HANDLER_ROLES, `${path}.handlerRole`);
    if (lim && !handlerRole) throw new RulesError(`${path}.handlerRole`, 'a supervised stage (with a limit) needs a handler role to notify');
    stages[s] = { limit: lim, handlerRole };
  }

  const dlIn = record(root.decisionLimit, 'decisionLimit');
  const decisionLimit: DecisionLimit = { ...limit(dlIn, 'decisionLimit', ['stages']), stages: distinct(dlIn.stages, PERMIT_STATES, 'decisionLimit.stages', 1) };
  decisionLimit.stages.forEach((s, i) => {
    if (!stages[s].limit) throw new RulesError(`decisionLimit.stages[${i}]`, `${s} is not a supervised stage`);
  });

  const submitIn = record(root.submit, 'submit');
  onlyKeys(submitIn, ['roles'], 'submit');
  const submitRoles = distinct(submitIn.roles, ROLES, 'submit.roles', 1);

  const actions = PERMIT_ACTIONS.filter((a): a is Exclude<PermitAction, 'submit'> => a !== 'submit');
  const keys = ['action', 'from', 'to', 'roles', 'reasonRequired', 'assignedOnly', 'setsAssignment'];
  const transitions: TransitionRule[] = list(root.transitions, 'transitions').map((tIn, i) => {
    const path = `transitions[${i}]`;
    const t = record(tIn, path);
    onlyKeys(t, keys, path);
    for (const k of keys) if (!has(t, k)) throw new RulesError(`${path}.${k}`, 'missing');
    const action = oneOf(t.action, actions, `${path}.action`);
    const from = distinct(t.from, PERMIT_STATES, `${path}.from`, 1);
    const to = oneOf(t.to, PERMIT_STATES, `${path}.to`);
    if (from.includes(to)) throw new RulesError(`${path}.to`, `${to} is also in from; a transition must change the state`);
    return {
      action, from, to,
      roles: distinct(t.roles, ROLES, `${path}.roles`, 1),
      reasonRequired: flag(t.reasonRequired, `${path}.reasonRequired`),
      assignedOnly: flag(t.assignedOnly, `${path}.assignedOnly`),
      setsAssignment: flag(t.setsAssignment, `${path}.setsAssignment`),
    };
  });
  const ruleFor = new Map<string, number>();
  transitions.forEach((t, i) => t.from.forEach((f, j) => {
    const key = `${t.action} ${f}`;
    const first = ruleFor.get(key);
    if (first !== undefined) throw new RulesError(`transitions[${i}].from[${j}]`, `${t.action} from ${f} is already ruled by transitions[${first}]`);
    ruleFor.set(key, i);
  }));
  const closed = PERMIT_STATES.filter((s) => !transitions.some((t) => t.from.includes(s)));
  closed.forEach((s) => {
    if (stages[s].limit) throw new RulesError(`stages.${s}.limit`, `${s} has no way out, so it cannot have a time limit`);
  });

  const cIn = record(root.cards, 'cards');
  onlyKeys(cIn, ['yellowAfterOverdueWorkingDays', 'redAfterOverdueWorkingDays', 'channels', 'source', 'verified'], 'cards');
  const yellow = integerIn(cIn.yellowAfterOverdueWorkingDays, 'cards.yellowAfterOverdueWorkingDays', 1, MAX_STAGE_LIMIT_WORKING_DAYS);
  const red = integerIn(cIn.redAfterOverdueWorkingDays, 'cards.redAfterOverdueWorkingDays', 1, MAX_STAGE_LIMIT_WORKING_DAYS);
  if (red <= yellow) throw new RulesError('cards.redAfterOverdueWorkingDays', `${red} must be more than yellowAfterOverdueWorkingDays (${yellow})`);
  const cards: CardRule = {
    yellowAfterOverdueWorkingDays: yellow,
    redAfterOverdueWorkingDays: red,
    channels: distinct(cIn.channels, CHANNELS, 'cards.channels', 1),
    source: text(cIn.source, 'cards.source'),
    verified: flag(cIn.verified, 'cards.verified'),
  };

  const rIn = record(root.retry, 'retry');
  onlyKeys(rIn, ['baseDelaySeconds', 'factor', 'maxDelaySeconds', 'maxAttempts', 'source', 'verified'], 'retry');
  const base = numberIn(rIn.baseDelaySeconds, 'retry.baseDelaySeconds', 1, 86_400);
  const maxDelay = numberIn(rIn.maxDelaySeconds, 'retry.maxDelaySeconds', 1, 7 * 86_400);
  if (maxDelay < base) throw new RulesError('retry.maxDelaySeconds', `${show(maxDelay)} is less than baseDelaySeconds (${base})`);
  const retry = {
    baseDelayMs: base * 1000,
    factor: numberIn(rIn.factor, 'retry.factor', 1, 10),
    maxDelayMs: maxDelay * 1000,
    maxAttempts: integerIn(rIn.maxAttempts, 'retry.maxAttempts', 1, 100),
    source: text(rIn.source, 'retry.source'),
    verified: flag(rIn.verified, 'retry.verified'),
  };
  return { version, stages, decisionLimit, submitRoles, transitions, cards, retry };
}

/** The rule for `action` taken from `from`, or null. */
export function ruleFor(rules: PermitWorkflowRules, action: PermitAction, from: PermitState): TransitionRule | null {
  return rules.transitions.find((t) => t.action === action && t.from.includes(from)) ?? null;
}

/** States with no transition out: the permit is closed. */
export function isClosedState(rules: PermitWorkflowRules, state: PermitState): boolean {
  return !rules.transitions.some((t) => t.from.includes(state));
}
