/**
 * The permits feature as an ApiModule (issue 6): its own database (permits.sqlite in the data
 * folder), the routes of src/protocol/permitApi.ts, and two unref'd timers: the supervision run
 * (re-screen after an import, then yellow/red cards) and the outbox delivery. The clock is
 * injected (`now`); tests pass a fake one and call runSupervision / deliverDue themselves.
 */
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { PermitWorkflow } from '../../core/permits/workflow';
import type { ApiModule } from '../http/apiModule';
import { clientAddressOf, trustedProxiesFromEnv, type ClientAddress } from '../http/clientAddress';
import { HttpError } from '../http/respond';
import type { ScreeningService } from '../screeningService';
import type { NetworkStore } from '../storage/networkStore';
import type { PermitState } from '../../core/permits/workflowRules';
import type { PermitWorks } from '../../protocol/permitApi';
import { Accounts, type UserRow } from './accounts';
import { NO_PERMIT_HOOKS, type PermitHooks, type PermitsContext } from './context';
import { openPermitsDatabase } from './db';
import { OutboxDelivery, notifyConfigFromEnv, type NotifyConfig } from './delivery';
import { OutboxStore } from './outboxStore';
import { PermitService } from './permitService';
import { PermitStore } from './permitStore';
import { buildRoutes, callOf } from './routes';
import { loadPermitRules } from './rules';
import { buildValidators } from './schemas';
import { seedDemoAccounts } from './seed';
import { SupervisionService, type RescreenOutcome } from './supervisionService';

export const PERMITS_DATABASE = 'permits.sqlite';

export interface PermitsModuleOptions {
  dataDir: string;
  network: NetworkStore;
  screening: ScreeningService;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  notify?: NotifyConfig;
  rulesDir?: string;
  /** Create the demo accounts in an empty database (default: unless UNDERGRID_DEMO_ACCOUNTS=0). */
  seedDemo?: boolean;
  /** Proxies whose X-Forwarded-For is believed for per-address limits (default: UNDERGRID_TRUSTED_PROXIES). */
  trustedProxies?: string[];
  /** Start the supervision and delivery timers (default true). */
  timers?: boolean;
}

const PREFIXES = ['/api/auth/', '/api/users', '/api/permits', '/api/admin/', '/api/supervision/', '/api/public/receipts/'];

export class PermitsModule implements ApiModule {
  readonly ctx: PermitsContext;
  readonly supervision: SupervisionService;
  readonly delivery: OutboxDelivery;
  private readonly routes: ReturnType<typeof buildRoutes>;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly lookups = new Map<string, { minute: number; count: number }>();

  private readonly clientAddress: ClientAddress;

  private constructor(db: Database.Database, options: PermitsModuleOptions) {
    const rules = loadPermitRules(options.rulesDir);
    this.clientAddress = clientAddressOf(options.trustedProxies ?? trustedProxiesFromEnv());
    const now = options.now ?? (() => Date.now());
    const permits = new PermitStore(db);
    this.ctx = {
      db, permits, outbox: new OutboxStore(db), accounts: new Accounts(db, rules.server, now), rules,
      workflow: new PermitWorkflow(rules.workflow), screening: options.screening, network: options.network, now,
      randomBytes: (n) => randomFillSync(new Uint8Array(n)),
      hooks: NO_PERMIT_HOOKS,
    };
    this.supervision = new SupervisionService(this.ctx);
    this.delivery = new OutboxDelivery(this.ctx, options.notify ?? notifyConfigFromEnv());
    this.routes = buildRoutes({ ctx: this.ctx, permits: new PermitService(this.ctx), supervision: this.supervision, validators: buildValidators(rules.server) },
      (req) => this.lookupAllowed(req), this.clientAddress);
  }

  static async create(options: PermitsModuleOptions): Promise<PermitsModule> {
    const db = openPermitsDatabase(join(options.dataDir, PERMITS_DATABASE));
    const module = new PermitsModule(db, options);
    if (options.seedDemo ?? process.env['UNDERGRID_DEMO_ACCOUNTS'] !== '0') await seedDemoAccounts(module.ctx.accounts);
    if (options.timers ?? true) module.startTimers();
    return module;
  }

  private startTimers(): void {
    const { supervisionIntervalMs, deliveryIntervalMs } = this.ctx.rules.server;
    const supervise = () => {
      try {
        this.runSupervision();
      } catch (e) {
        console.error('[permits] supervision run failed', e);
      }
    };
    supervise();
    this.timers.push(setInterval(supervise, supervisionIntervalMs).unref());
    // The short timer also looks for a new network version (one indexed query when unchanged), so a
    // re-screen follows an import within seconds rather than at the next supervision run.
    this.timers.push(setInterval(() => {
      try {
        this.supervision.rescreenIfNetworkChanged();
      } catch (e) {
        console.error('[permits] re-screen failed', e);
      }
      this.deliverDue().catch((e) => console.error('[permits] delivery failed', e));
    }, deliveryIntervalMs).unref());
  }

  /** Network access's checks and audit around permit answers (src/server/access/accessModule.ts guardPermits). */
  useHooks(hooks: PermitHooks): void {
    this.ctx.hooks = hooks;
  }

  /** One supervision run: re-screen after a network change, then issue the cards now due. */
  runSupervision(): { rescreen: RescreenOutcome; cards: string[] } {
    const rescreen = this.supervision.rescreenIfNetworkChanged();
    return { rescreen, cards: this.supervision.issueCards() };
  }

  deliverDue(): Promise<number> {
    return this.delivery.deliverDue();
  }

  private lookupAllowed(req: IncomingMessage): boolean {
    const minute = Math.floor(this.ctx.now() / 60_000);
    const key = this.clientAddress(req);
    const entry = this.lookups.get(key);
    if (!entry || entry.minute !== minute) {
      if (this.lookups.size > 10_000) this.lookups.clear();
      this.lookups.set(key, { minute, count: 1 });
      return true;
    }
    entry.count++;
    return entry.count <= this.ctx.rules.server.publicLookupsPerMinute;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (!PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return false;
    let pathMatched = false;
    for (const [method, pattern, handler] of this.routes) {
      const m = pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (method !== req.method) continue;
      await handler(callOf(req, res, url, m.slice(1), this.ctx));
      return true;
    }
    if (pathMatched) throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}`);
    return false;
  }

  /** The signed-in user of a request (cookie or Bearer token), or null: for network access (src/server/access). */
  userOf(req: IncomingMessage, res: ServerResponse, url: URL): UserRow | null {
    try {
      return callOf(req, res, url, [], this.ctx).session().user;
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) return null;
      throw e;
    }
  }

  /** The works of a unit's permits in these states (drafts never): a contractor's sites. */
  unitWorks(unitId: string, states: readonly PermitState[]): PermitWorks[] {
    return this.ctx.permits.rows({ unitId, states, withDrafts: false }).map((r) => JSON.parse(r.works) as PermitWorks);
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.delivery.close();
    this.ctx.db.close();
  }
}
