/**
 * The permit API's routes (src/protocol/permitApi.ts PERMIT_ROUTES): each validates its body with
 * its schema, checks the session and role, and calls the services. Answers are JSON; errors are
 * HttpError with the field named.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normaliseReceipt, publicView } from '../../core/permits/receipt';
import { replay } from '../../core/permits/workflow';
import { PERMIT_STATES, ROLES, type Role } from '../../core/permits/workflowRules';
import type { PermitStatus } from '../../protocol/permitApi';
import type { ClientAddress } from '../http/clientAddress';
import { HttpError, readJsonBody, sendJson } from '../http/respond';
import type { Session } from './accounts';
import { requireRole, visibleRow, type PermitsContext } from './context';
import type { PermitService } from './permitService';
import { check, type Validators } from './schemas';
import type { SupervisionService } from './supervisionService';
import { SignInRefused } from './signInThrottle';
import { printableOf } from './views';

export const SESSION_COOKIE = 'ug_session';

export interface RouteDeps {
  ctx: PermitsContext;
  permits: PermitService;
  supervision: SupervisionService;
  validators: Validators;
}

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  /** The signed-in user's session; throws 401 without one. */
  session(): Session;
  token: string | null;
}

type Handler = (c: Call) => Promise<void> | void;

function tokenOf(req: IncomingMessage): string | null {
  const auth = String(req.headers['authorization'] ?? '');
  if (auth.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  for (const part of String(req.headers['cookie'] ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v.join('=') || null;
  }
  return null;
}

const STAFF: Role[] = ['dispatcher', 'reviewer', 'approver', 'supervisor', 'admin'];
const OVERSIGHT: Role[] = ['supervisor', 'admin'];

function queryOneOf<T extends string>(url: URL, name: string, allowed: readonly T[]): T | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new HttpError(400, 'invalid_query', `${name} must be one of ${allowed.join(', ')}`, name);
  return v as T;
}

function query(url: URL, name: string): string | undefined {
  const v = url.searchParams.get(name);
  if (v !== null && v.length > 128) throw new HttpError(400, 'invalid_query', `${name} is too long`, name);
  return v || undefined;
}

export function buildRoutes(d: RouteDeps, lookupAllowed: (req: IncomingMessage) => boolean, clientAddress: ClientAddress): [string, RegExp, Handler][] {
  const { ctx, permits, supervision, validators: v } = d;
  const body = async <T>(c: Call, validate: Parameters<typeof check<T>>[0]) => check(validate, await readJsonBody(c.req));
  const json = (c: Call, status: number, value: unknown) => sendJson(c.req, c.res, status, value);
  /** A permit answer: stored screenings may carry restricted lines, which the hooks audit (and sent as they give it). */
  const permitJson = (c: Call, status: number, value: unknown) => {
    json(c, status, ctx.hooks.answered(c.session().user, `${c.req.method} ${c.url.pathname}`, value));
  };
  const id = '([A-Za-z0-9-]{1,128})';
  return [
    ['POST', /^\/api\/auth\/sign-in$/, async (c) => {
      const b = await body(c, v.signIn);
      let s;
      try {
        s = await ctx.accounts.signIn(b.username, b.password, clientAddress(c.req));
      } catch (e) {
        if (e instanceof SignInRefused) c.res.setHeader('Retry-After', String(e.retryAfterSeconds));
        throw e;
      }
      const maxAge = Math.floor((s.expiresAt - ctx.now()) / 1000);
      c.res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${s.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}`);
      json(c, 200, { user: ctx.accounts.view(s.user), token: s.token, expiresAt: s.expiresAt });
    }],
    ['POST', /^\/api\/auth\/sign-out$/, (c) => {
      if (c.token) ctx.accounts.signOut(c.token);
      c.res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
      c.res.writeHead(204).end();
    }],
    ['GET', /^\/api\/auth\/session$/, (c) => {
      // A page asks this on load: no session is an answer (200, user null), not an error the browser logs.
      try {
        const s = c.session();
        json(c, 200, { user: ctx.accounts.view(s.user), expiresAt: s.expiresAt });
      } catch (e) {
        if (!(e instanceof HttpError && e.status === 401)) throw e;
        json(c, 200, { user: null, expiresAt: null });
      }
    }],
    ['GET', /^\/api\/auth\/me$/, (c) => {
      const s = c.session();
      json(c, 200, { user: ctx.accounts.view(s.user), expiresAt: s.expiresAt });
    }],
    ['GET', /^\/api\/users$/, (c) => {
      requireRole(c.session().user, STAFF, 'the staff list');
      json(c, 200, { users: ctx.accounts.users(queryOneOf(c.url, 'role', ROLES)) });
    }],
    ['GET', /^\/api\/permits$/, (c) => {
      const status = queryOneOf<PermitStatus>(c.url, 'state', [...PERMIT_STATES, 'draft']);
      const unitId = query(c.url, 'unitId');
      json(c, 200, { permits: permits.list(c.session().user, { ...(status ? { status } : {}), ...(unitId ? { unitId } : {}) }) });
    }],
    ['GET', /^\/api\/permits\/queue$/, (c) => permitJson(c, 200, { permits: permits.queue(c.session().user) })],
    ['POST', /^\/api\/permits$/, async (c) => {
      const user = c.session().user;
      permitJson(c, 201, permits.create(user, await body(c, v.createPermit)));
    }],
    ['GET', new RegExp(`^/api/permits/${id}$`), (c) => permitJson(c, 200, permits.detail(c.session().user, c.params[0]!))],
    ['PUT', new RegExp(`^/api/permits/${id}$`), async (c) => {
      const user = c.session().user;
      permitJson(c, 200, permits.updateDraft(user, c.params[0]!, await body(c, v.updateDraft)));
    }],
    ['POST', new RegExp(`^/api/permits/${id}/actions$`), async (c) => {
      const user = c.session().user;
      permitJson(c, 200, permits.act(user, c.params[0]!, await body(c, v.action)));
    }],
    ['POST', new RegExp(`^/api/permits/${id}/conditions$`), async (c) => {
      const user = c.session().user;
      permitJson(c, 201, permits.addCondition(user, c.params[0]!, await body(c, v.condition)));
    }],
    ['DELETE', new RegExp(`^/api/permits/${id}/conditions/${id}$`), (c) => permitJson(c, 200, permits.removeCondition(c.session().user, c.params[0]!, c.params[1]!))],
    ['GET', new RegExp(`^/api/permits/${id}/screenings$`), (c) => {
      const row = visibleRow(ctx, c.session().user, c.params[0]!);
      permitJson(c, 200, { screenings: ctx.permits.screenings(row.id) });
    }],
    ['POST', new RegExp(`^/api/permits/${id}/rescreen-acknowledged$`), (c) => permitJson(c, 200, permits.acknowledgeRescreen(c.session().user, c.params[0]!))],
    ['GET', new RegExp(`^/api/permits/${id}/print$`), (c) => {
      const user = c.session().user;
      permitJson(c, 200, printableOf(ctx, visibleRow(ctx, user, c.params[0]!), user));
    }],
    ['GET', /^\/api\/admin\/units$/, (c) => {
      requireRole(c.session().user, ['admin'], 'managing units');
      json(c, 200, { units: ctx.accounts.units() });
    }],
    ['POST', /^\/api\/admin\/units$/, async (c) => {
      requireRole(c.session().user, ['admin'], 'managing units');
      const b = await body(c, v.createUnit);
      json(c, 201, ctx.permits.transaction(() => ctx.accounts.createUnit(b.name.trim())));
    }],
    ['GET', /^\/api\/admin\/users$/, (c) => {
      requireRole(c.session().user, ['admin'], 'managing users');
      json(c, 200, { users: ctx.accounts.users() });
    }],
    ['POST', /^\/api\/admin\/users$/, async (c) => {
      requireRole(c.session().user, ['admin'], 'managing users');
      json(c, 201, await ctx.accounts.createUser(await body(c, v.createUser)));
    }],
    ['GET', /^\/api\/supervision\/dashboard$/, (c) => {
      requireRole(c.session().user, OVERSIGHT, 'the supervision dashboard');
      const unitId = query(c.url, 'unitId');
      const handlerId = query(c.url, 'handlerId');
      json(c, 200, supervision.dashboard({ ...(unitId ? { unitId } : {}), ...(handlerId ? { handlerId } : {}) }));
    }],
    ['GET', /^\/api\/supervision\/notifications$/, (c) => {
      requireRole(c.session().user, OVERSIGHT, 'the notification record');
      const permitId = query(c.url, 'permitId');
      json(c, 200, { notifications: ctx.outbox.notifications(permitId ? { permitId } : {}, (x) => ctx.accounts.displayName(x)) });
    }],
    ['GET', /^\/api\/public\/receipts\/([^/]{1,64})$/, (c) => {
      if (!lookupAllowed(c.req)) throw new HttpError(429, 'too_many_lookups', 'too many receipt lookups from this address; wait a minute');
      const receipt = normaliseReceipt(decodeURIComponent(c.params[0]!));
      if (!receipt) throw new HttpError(400, 'invalid_receipt', 'not a receipt number (like UG-2026-7K3QD-M9XB4); check the characters', 'receipt');
      const row = ctx.permits.byReceipt(receipt);
      if (!row) throw new HttpError(404, 'not_found', `no permit with receipt ${receipt}`, 'receipt');
      json(c, 200, publicView(replay(ctx.permits.events(row.id))));
    }],
  ];
}

export function callOf(req: IncomingMessage, res: ServerResponse, url: URL, params: string[], ctx: PermitsContext): Call {
  const token = tokenOf(req);
  // Looked up once per request: a handler, its answer's audit (permitJson) and the gate all ask, and a
  // session that expires mid-request must not turn a write already made into a 401.
  let session: Session | null = null;
  return {
    req, res, url, params, token,
    session() {
      session ??= token ? ctx.accounts.session(token) : null;
      if (!session) throw new HttpError(401, 'unauthenticated', token ? 'your session has expired or ended: sign in again' : 'sign in first');
      return session;
    },
  };
}
