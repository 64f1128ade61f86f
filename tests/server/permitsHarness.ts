/**
 * A real permits server for the permit API tests: the small sample city in a real SQLite file, the
 * permits module on its own permits.sqlite, a real HTTP server on 127.0.0.1, and a fake clock the
 * test moves (the module is constructed directly with it, as production never can).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCity } from '../../scripts/city';
import { createApp } from '../../src/server/app';
import { loadConfig, type ServerConfig } from '../../src/server/config';
import type { NotifyConfig } from '../../src/server/permits/delivery';
import { PermitsModule } from '../../src/server/permits/permitsModule';
import { AccessModule } from '../../src/server/access/accessModule';
import { createBurstModule } from '../../src/server/burst/burstModule';
import { SEED_ACCOUNTS } from '../../src/server/permits/seed';
import { ScreeningService } from '../../src/server/screeningService';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import type { CreatePermitRequest, PermitDetail, PermitOpenCut, SignInResponse } from '../../src/protocol/permitApi';
import { lonLatTransform } from '../../src/core/crs';
import type { Server } from 'node:http';

export interface Clock {
  now: number;
}

export interface PermitsHarness {
  url: string;
  dir: string;
  config: ServerConfig;
  clock: Clock;
  module: PermitsModule;
  /** Network access (src/server/access): the gate, and the audit of restricted views. */
  access: AccessModule;
  store: SqliteNetworkStore;
  logLines: string[];
  call<T = unknown>(method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>;
  signIn(username: string): Promise<string>;
  signInWith(username: string, password: string): Promise<string>;
  /** call() as a seed account, signing in again when the fake clock has outlived the session. */
  as<T = unknown>(username: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  dispose(): Promise<void>;
}

export async function startPermitsHarness(start: number, notify: NotifyConfig = {}): Promise<PermitsHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'undergrid-permits-'));
  const config = loadConfig({
    ...process.env, PORT: '0', HOST: '127.0.0.1', UNDERGRID_DATA_DIR: join(dir, 'db'), UNDERGRID_CITY_DIR: join(dir, 'city'),
    UNDERGRID_CITY_SIZE: 'small',
  });
  await ensureCity(config);
  const store = new SqliteNetworkStore(config.databaseFile);
  const screening = new ScreeningService(store);
  const clock: Clock = { now: start };
  const logLines: string[] = [];
  const module = await PermitsModule.create({
    dataDir: config.dataDir, network: store, screening, now: () => clock.now, timers: false, seedDemo: true,
    notify: { log: (l) => logLines.push(l), ...notify },
  });
  const access = new AccessModule({ store, sessions: module, dataDir: config.dataDir, now: () => clock.now });
  access.guardPermits(module);
  const burst = createBurstModule({ store, dataDir: config.dataDir, access: access.access });
  const server: Server = createApp({ store, screening, clientDir: null, modules: [access, burst, module], access: access.access });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sessions = new Map<string, string>();
  const h: PermitsHarness = {
    url, dir, config, clock, module, access, store, logLines,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(url + path, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as never, headers: res.headers };
    },
    async signIn(username) {
      const a = SEED_ACCOUNTS.find((x) => x.username === username);
      if (!a) throw new Error(`no seed account ${username}`);
      return h.signInWith(username, a.password);
    },
    async signInWith(username, password) {
      const cached = sessions.get(`${username}\n${password}`);
      if (cached && (await h.call('GET', '/api/auth/me', { token: cached })).status === 200) return cached;
      const r = await h.call<SignInResponse>('POST', '/api/auth/sign-in', { body: { username, password } });
      if (r.status !== 200) throw new Error(`sign-in ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      sessions.set(`${username}\n${password}`, r.body.token);
      return r.body.token;
    },
    async as(username, method, path, body) {
      let token = sessions.get(username) ?? await h.signIn(username);
      sessions.set(username, token);
      let r = await h.call(method, path, { token, body });
      if (r.status === 401) {
        token = await h.signIn(username);
        sessions.set(username, token);
        r = await h.call(method, path, { token, body });
      }
      return r as never;
    },
    async dispose() {
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      module.close();
      access.close();
      burst.close?.();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** A square footprint of `half` metres around a local point of the network, as lon/lat corners. */
export function squareAround(h: PermitsHarness, x: number, y: number, half: number): [number, number][] {
  const fromLocal = lonLatTransform(h.store.frame()!).fromLocal;
  return [[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]].map(([a, b]) => fromLocal(a!, b!));
}

/** A permit request over the middle of the first segment of the first gas main (screens with a STRIKE). */
/** A permit request whose works are one open cut (the first shape). */
export type OpenCutPermitRequest = CreatePermitRequest & { works: PermitOpenCut };

export function permitOverGas(h: PermitsHarness, submit = true): OpenCutPermitRequest {
  const v = h.store.links({ utility: 'gas' })[0]!.vertices;
  return {
    title: 'Gas service repair', workKinds: ['gas'], startDate: '2026-03-10', endDate: '2026-03-20', method: 'open-cut',
    contact: { name: 'Site lead', phone: '+86 138 1111 2222' },
    works: { footprint: squareAround(h, (v[0]! + v[4]!) / 2, (v[1]! + v[5]!) / 2, 2), depth: 3, ruleSetId: 'cn-gb50289', groundElevation: null },
    submit,
  };
}

export type { PermitDetail };
