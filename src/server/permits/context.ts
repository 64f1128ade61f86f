/** What the permit module's parts share: the stores, the rules, the screening and the injected clock. */
import type Database from 'better-sqlite3';
import { PermitWorkflow, replay, type Actor, type Permit } from '../../core/permits/workflow';
import type { RandomBytes } from '../../core/permits/receipt';
import { HttpError } from '../http/respond';
import type { ScreeningService } from '../screeningService';
import type { NetworkStore } from '../storage/networkStore';
import type { Accounts, UserRow } from './accounts';
import type { OutboxStore } from './outboxStore';
import type { PermitRow, PermitStore } from './permitStore';
import type { PermitRules } from './rules';

/**
 * What another module (network access, src/server/access) adds to permit answers. Defaults do
 * nothing; AccessModule.guardPermits installs its own.
 */
export interface PermitHooks {
  /** Before a user's works are screened (apply, edit a draft): may refuse, e.g. 429 past a rate. */
  beforeScreening(user: UserRow, route: string): void;
  /**
   * Every permit answer before it is sent (detail, print, screening history…): e.g. audit the
   * restricted lines it carries; returns what is sent (the access module takes the network's size
   * out of stored screenings for roles that may not know it).
   */
  answered(user: UserRow, route: string, answer: unknown): unknown;
}

export const NO_PERMIT_HOOKS: PermitHooks = { beforeScreening: () => {}, answered: (_user, _route, answer) => answer };

export interface PermitsContext {
  db: Database.Database;
  permits: PermitStore;
  outbox: OutboxStore;
  accounts: Accounts;
  rules: PermitRules;
  workflow: PermitWorkflow;
  screening: ScreeningService;
  network: NetworkStore;
  /** Epoch milliseconds; injected so tests can move time. */
  now: () => number;
  randomBytes: RandomBytes;
  hooks: PermitHooks;
}

export const actorOf = (u: UserRow): Actor => ({ id: u.id, role: u.role });

/** The permit as its events say; null for a draft (no events yet). */
export function permitOf(ctx: PermitsContext, row: PermitRow): Permit | null {
  const events = ctx.permits.events(row.id);
  return events.length ? replay(events) : null;
}

/**
 * The permit row if this user may see it. An applicant sees only their own permits; staff see every
 * submitted permit but nobody else's drafts. Anything else is the same 404 as a permit that does not
 * exist, so a contractor cannot learn that another's permit id is real.
 */
export function visibleRow(ctx: PermitsContext, user: UserRow, id: string): PermitRow {
  const row = ctx.permits.row(id);
  const visible = row !== null && (user.role === 'applicant' || row.status === 'draft' ? row.applicant_id === user.id : true);
  if (!row || !visible) throw new HttpError(404, 'not_found', `no permit ${id}`);
  return row;
}

export function requireRole(user: UserRow, roles: readonly string[], what: string): void {
  if (!roles.includes(user.role)) throw new HttpError(403, 'forbidden', `${what} is for ${roles.join(', ')}; you are signed in as ${user.role}`);
}
