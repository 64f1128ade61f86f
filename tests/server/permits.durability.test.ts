/**
 * A permit acknowledged with 201 survives kill -9: the real server runs as a child process
 * (node --import tsx src/server/main.ts) on a temporary data folder, takes applications, is killed
 * with SIGKILL the moment the last 201 arrives, and is started again on the same files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCity } from '../../scripts/city';
import { lonLatTransform } from '../../src/core/crs';
import type { PermitDetail, PublicPermitView, SignInResponse } from '../../src/protocol/permitApi';
import { loadConfig, type ServerConfig } from '../../src/server/config';
import { PERMITS_DATABASE } from '../../src/server/permits/permitsModule';
import { SEED_ACCOUNTS } from '../../src/server/permits/seed';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';

let dir: string;
let config: ServerConfig;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'undergrid-kill-'));
  env = {
    ...process.env, PORT: '0', HOST: '127.0.0.1', UNDERGRID_DATA_DIR: join(dir, 'db'), UNDERGRID_CITY_DIR: join(dir, 'city'),
    UNDERGRID_CITY_SIZE: 'small', UNDERGRID_CLIENT_DIR: join(dir, 'no-client'),
  };
  config = loadConfig(env);
  await ensureCity(config);
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the real server as a child process; resolves with its URL once it says it is running. */
function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/server/main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+?)\/?\s/.exec(out);
      if (m) resolveStart({ child, url: m[1]! });
    });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was running: ${out}\n${err}`)));
  });
}

async function call<T>(url: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function signIn(url: string, username: string): Promise<string> {
  const password = SEED_ACCOUNTS.find((a) => a.username === username)!.password;
  return (await call<SignInResponse>(url, 'POST', '/api/auth/sign-in', null, { username, password })).body.token;
}

function application(): unknown {
  const store = new SqliteNetworkStore(config.databaseFile);
  try {
    const v = store.links({ utility: 'gas' })[0]!.vertices;
    const fromLocal = lonLatTransform(store.frame()!).fromLocal;
    const x = (v[0]! + v[4]!) / 2, y = (v[1]! + v[5]!) / 2;
    return {
      title: 'Kill test', workKinds: ['gas'], startDate: '2026-12-01', endDate: '2026-12-02', method: 'open-cut',
      contact: { name: 'Site lead', phone: '+86 138 1111 2222' }, submit: true,
      works: { footprint: [[x - 2, y - 2], [x + 2, y - 2], [x + 2, y + 2], [x - 2, y + 2]].map(([a, b]) => fromLocal(a!, b!)), depth: 3, ruleSetId: 'cn-gb50289' },
    };
  } finally {
    store.close();
  }
}

describe('durability of an acknowledged permit', () => {
  it('keeps the permit and its events after SIGKILL right after the 201', async () => {
    const first = await startChild();
    const token = await signIn(first.url, 'contractor-a');
    const body = application();
    const acknowledged: PermitDetail[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call<PermitDetail>(first.url, 'POST', '/api/permits', token, body);
      expect(r.status).toBe(201);
      acknowledged.push(r.body);
    }
    const exited = new Promise((done) => first.child.once('exit', (_code, signal) => done(signal)));
    process.kill(first.child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const second = await startChild();
    try {
      const again = await signIn(second.url, 'contractor-a');
      for (const p of acknowledged) {
        const r = await call<PermitDetail>(second.url, 'GET', `/api/permits/${p.id}`, again);
        expect(r.status).toBe(200);
        expect([r.body.receipt, r.body.status, r.body.events.map((e) => e.action)]).toEqual([p.receipt, 'submitted', ['submit']]);
        expect(r.body.screening!.summary).toEqual(p.screening!.summary);
        const pub = await call<PublicPermitView>(second.url, 'GET', `/api/public/receipts/${p.receipt}`, null);
        expect([pub.status, pub.body.stage]).toEqual([200, 'submitted']);
      }
    } finally {
      second.child.kill('SIGKILL');
    }
    const db = new Database(join(config.dataDir, PERMITS_DATABASE), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const n = db.prepare(`SELECT COUNT(*) AS n FROM permit_events WHERE permit_id IN (${acknowledged.map(() => '?').join(',')})`).get(...acknowledged.map((p) => p.id)) as { n: number };
      expect(n.n).toBe(acknowledged.length);
    } finally {
      db.close();
    }
  }, 180_000);

  it('refuses to change or delete an audit event', () => {
    const db = new Database(join(config.dataDir, PERMITS_DATABASE));
    try {
      expect(() => db.prepare("UPDATE permit_events SET reason = 'edited'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM permit_events').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});
