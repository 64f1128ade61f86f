/**
 * Network access as the server wires it: the gate and the per-viewer answers (for app.ts), the
 * audit file, and the one route of its own:
 *
 *   GET /api/admin/audit?since=&user=&before=&limit=   restricted views, newest first (access.json audit.readRoles)
 *
 * `since` is epoch ms or an ISO 8601 date/time, `user` a username, `before` a row id (the next page holds
 * the rows older than the last one shown), `limit` ≤ audit.maxRowsPerPage.
 * The query is checked by a JSON schema like every request body; a refusal names the parameter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Ajv, type JSONSchemaType } from 'ajv';
import type { AuditResponse } from '../../protocol/accessApi';
import type { ApiModule } from '../http/apiModule';
import { HttpError, sendJson } from '../http/respond';
import { requireRole, type PermitHooks } from '../permits/context';
import { check } from '../permits/schemas';
import type { NetworkStore } from '../storage/networkStore';
import { loadAccessRules, type AccessRules } from './accessRules';
import { AUDIT_DATABASE, AuditLog } from './auditLog';
import { NetworkAccess, type SessionSource } from './networkAccess';

export interface AccessOptions {
  store: NetworkStore;
  sessions: SessionSource;
  dataDir: string;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  rulesDir?: string;
}

interface AuditQuery {
  since?: string;
  user?: string;
  before?: string;
  limit?: string;
}

const auditQuerySchema: JSONSchemaType<AuditQuery> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', nullable: true, pattern: '^(\\d{1,15}|\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?)$' },
    user: { type: 'string', nullable: true, minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' },
    before: { type: 'string', nullable: true, pattern: '^[1-9]\\d{0,14}$' },
    limit: { type: 'string', nullable: true, pattern: '^[1-9]\\d{0,5}$' },
  },
};

export class AccessModule implements ApiModule {
  readonly access: NetworkAccess;
  private readonly audit: AuditLog;
  private readonly validateQuery = new Ajv({ allErrors: false }).compile(auditQuerySchema);

  constructor(private readonly options: AccessOptions, readonly rules: AccessRules = loadAccessRules(options.rulesDir)) {
    this.audit = new AuditLog(join(options.dataDir, AUDIT_DATABASE), options.now ?? (() => Date.now()), rules.audit.maxIdsPerRow);
    this.access = new NetworkAccess(options.store, options.sessions, rules, this.audit);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== '/api/admin/audit') return false;
    if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`);
    const user = this.options.sessions.userOf(req, res, url);
    if (!user) throw new HttpError(401, 'unauthenticated', 'sign in first');
    requireRole(user, this.rules.audit.readRoles, 'the audit of restricted views');
    const q = check(this.validateQuery, Object.fromEntries(url.searchParams));
    let since: number | undefined;
    if (q.since !== undefined) {
      since = /^\d+$/.test(q.since) ? Number(q.since) : Date.parse(q.since);
      if (!Number.isFinite(since)) throw new HttpError(400, 'invalid_request', `since is not a date: ${q.since}`, 'since');
    }
    const limit = q.limit === undefined ? this.rules.audit.maxRowsPerPage : Number(q.limit);
    if (limit > this.rules.audit.maxRowsPerPage) throw new HttpError(400, 'invalid_request', `limit must be at most ${this.rules.audit.maxRowsPerPage}`, 'limit');
    const body: AuditResponse = {
      rows: this.audit.rows({
        ...(since !== undefined ? { since } : {}), ...(q.user ? { username: q.user } : {}), ...(q.before ? { before: Number(q.before) } : {}), limit,
      }),
    };
    sendJson(req, res, 200, body);
    return true;
  }

  /** Holds a permit's screenings to the same rate as POST /api/screenings, and audits restricted lines in permit answers. */
  guardPermits(permits: { useHooks(hooks: PermitHooks): void }): void {
    permits.useHooks({
      beforeScreening: (user, route) => this.access.takeScreening(user, route),
      answered: (user, route, answer) => this.access.permitAnswer(user, route, answer),
    });
  }

  close(): void {
    this.audit.close();
  }
}
