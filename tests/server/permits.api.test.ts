/**
 * The permit API against a real server on 127.0.0.1 and real SQLite files: sign-in and sessions,
 * applying with a pre-screening, the happy path to approval, conditions, printable data, contractor
 * isolation, schema errors naming the field, and the public receipt view leaking nothing.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorksScreening } from '../../src/core/digScreening';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import type { DigWork } from '../../src/core/screening/digWorks';
import type { ApiErrorBody, CreatePermitRequest, DashboardResponse, MeResponse, SessionResponse, PermitDetail, PermitOpenCut, PermitWorkList, PermitListResponse, PrintablePermit, QueueResponse, UserListResponse } from '../../src/protocol/permitApi';
import { PERMITS_DATABASE } from '../../src/server/permits/permitsModule';
import { SEED_ACCOUNTS } from '../../src/server/permits/seed';
import { permitOverGas, startPermitsHarness, type PermitsHarness } from './permitsHarness';

const T0 = shanghaiTime('2026-03-09', 9);
const HOUR = 3_600_000;
let h: PermitsHarness;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startPermitsHarness(T0);
  for (const a of SEED_ACCOUNTS) tokens[a.username] = await h.signIn(a.username);
  const users = await h.call<UserListResponse>('GET', '/api/users', { token: tokens['dispatcher'] });
  for (const u of users.body.users) ids[u.username] = u.id;
}, 120_000);

afterAll(async () => {
  await h?.dispose();
});

const err = (b: unknown) => (b as ApiErrorBody).error;

describe('sign-in and sessions', () => {
  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const a = await h.call('POST', '/api/auth/sign-in', { body: { username: 'reviewer', password: 'wrong-password' } });
    const b = await h.call('POST', '/api/auth/sign-in', { body: { username: 'nobody', password: 'wrong-password' } });
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(err(a.body)).toEqual(err(b.body));
  });

  it('sets an HttpOnly SameSite=Strict cookie that signs the browser in', async () => {
    const r = await h.call('POST', '/api/auth/sign-in', { body: { username: 'approver', password: 'demo-approver' } });
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const me = await h.call<MeResponse>('GET', '/api/auth/me', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe('approver');
    const out = await h.call('POST', '/api/auth/sign-out', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(out.status).toBe(204);
    expect((await h.call('GET', '/api/auth/me', { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(401);
  });

  it('tells a page on load whether it is signed in, without a 401 the browser would log', async () => {
    const anonymous = await h.call<SessionResponse>('GET', '/api/auth/session');
    expect([anonymous.status, anonymous.body.user]).toEqual([200, null]);
    const signedIn = await h.call<SessionResponse>('GET', '/api/auth/session', { token: await h.signIn('reviewer') });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user?.role).toBe('reviewer');
  });

  it('stores neither passwords nor session tokens in clear', () => {
    const db = new Database(join(h.config.dataDir, PERMITS_DATABASE), { readonly: true });
    try {
      const dump = JSON.stringify([db.prepare('SELECT * FROM users').all(), db.prepare('SELECT * FROM sessions').all()]);
      for (const a of SEED_ACCOUNTS) expect(dump).not.toContain(a.password);
      for (const t of Object.values(tokens)) expect(dump).not.toContain(t);
      const hashes = (db.prepare('SELECT password_hash FROM users').all() as { password_hash: string }[]).map((r) => r.password_hash);
      expect(hashes.every((x) => x.startsWith('scrypt$'))).toBe(true);
      expect(new Set(hashes.map((x) => x.split('$')[4])).size).toBe(hashes.length); // a salt per user
    } finally {
      db.close();
    }
  });

  it('expires a session after its lifetime (8 h from the rules table)', async () => {
    const token = await h.signIn('supervisor');
    expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(200);
    const saved = h.clock.now;
    h.clock.now = saved + 8 * HOUR + 1;
    try {
      const r = await h.call('GET', '/api/auth/me', { token });
      expect(r.status).toBe(401);
      expect(err(r.body).code).toBe('unauthenticated');
    } finally {
      h.clock.now = saved;
    }
  });

  it('answers 401 without a session', async () => {
    expect((await h.call('GET', '/api/permits')).status).toBe(401);
  });
});

describe('applying and deciding', () => {
  let permit: PermitDetail;

  it('applies with a pre-screening that flags the gas main, and gives a receipt number', async () => {
    const r = await h.call<PermitDetail>('POST', '/api/permits', { token: tokens['contractor-a'], body: permitOverGas(h) });
    expect(r.status).toBe(201);
    permit = r.body;
    expect(permit.status).toBe('submitted');
    expect(permit.receipt).toMatch(/^UG-2026-/);
    expect(permit.screening!.summary.strike).toBeGreaterThan(0);
    expect(permit.screening!.networkVersion).toBe(h.store.currentVersion()!.version);
    expect(permit.clock!.stage).toBe('submitted');
  });

  it('names the field of a bad request', async () => {
    const base = permitOverGas(h);
    const cases: [unknown, string][] = [
      [{ ...base, extra: 1 }, 'extra'],
      [{ ...base, title: undefined }, 'title'],
      [{ ...base, works: { ...base.works, depth: 'deep' } }, 'works.depth'],
      [{ ...base, works: { ...base.works, footprint: [[1, 2], [3, 4], [5, 'x']] } }, 'works.footprint[2][1]'],
      [{ ...base, contact: { name: 'x', phone: 'call me' } }, 'contact.phone'],
      [{ ...base, method: 'dynamite' }, 'method'],
      [{ ...base, endDate: '2026-03-01' }, 'endDate'],
      [{ ...base, works: { ...base.works, depth: 500 } }, 'works.depth'],
    ];
    for (const [body, field] of cases) {
      const r = await h.call('POST', '/api/permits', { token: tokens['contractor-a'], body });
      expect(r.status, field).toBe(400);
      expect(err(r.body).field, JSON.stringify(err(r.body))).toBe(field);
    }
    const stale = await h.call('POST', '/api/permits', { token: tokens['contractor-a'], body: { ...base, works: { ...base.works, networkVersion: 99 } } });
    expect([stale.status, err(stale.body).field]).toEqual([409, 'works.networkVersion']);
    const act = await h.call('POST', `/api/permits/${permit.id}/actions`, { token: tokens['dispatcher'], body: { action: 'fly' } });
    expect([act.status, err(act.body).field]).toEqual([400, 'action']);
  });

  it('edits a draft with a fresh screening, and only a draft, and only its applicant', async () => {
    const body = permitOverGas(h, false);
    const draft = (await h.call<PermitDetail>('POST', '/api/permits', { token: tokens['contractor-a'], body })).body;
    expect([draft.status, draft.receipt, draft.allowedActions]).toEqual(['draft', null, ['submit']]);
    expect((await h.call('GET', `/api/permits/${draft.id}`, { token: tokens['dispatcher'] })).status).toBe(404);
    const { submit: _submit, ...update } = { ...body, title: 'Gas service repair, deeper', works: { ...body.works, depth: 4 } };
    const edited = await h.call<PermitDetail>('PUT', `/api/permits/${draft.id}`, { token: tokens['contractor-a'], body: update });
    expect([edited.status, edited.body.title, (edited.body.works as PermitOpenCut).depth]).toEqual([200, 'Gas service repair, deeper', 4]);
    const history = await h.call<{ screenings: { reason: string }[] }>('GET', `/api/permits/${draft.id}/screenings`, { token: tokens['contractor-a'] });
    expect(history.body.screenings.map((s) => s.reason)).toEqual(['create', 'update']);
    expect((await h.call('PUT', `/api/permits/${draft.id}`, { token: tokens['contractor-b'], body: update })).status).toBe(404);
    const submitted = await h.call<PermitDetail>('POST', `/api/permits/${draft.id}/actions`, { token: tokens['contractor-a'], body: { action: 'submit' } });
    expect([submitted.status, submitted.body.status]).toEqual([200, 'submitted']);
    expect(submitted.body.receipt).toMatch(/^UG-2026-/);
    expect((await h.call('PUT', `/api/permits/${draft.id}`, { token: tokens['contractor-a'], body: update })).status).toBe(409);
  });

  it('keeps a contractor to their own permits (404 for another unit\'s, nothing listed)', async () => {
    const other = tokens['contractor-b'];
    expect((await h.call('GET', `/api/permits/${permit.id}`, { token: other })).status).toBe(404);
    expect((await h.call('GET', `/api/permits/${permit.id}/print`, { token: other })).status).toBe(404);
    expect((await h.call('GET', `/api/permits/${permit.id}/screenings`, { token: other })).status).toBe(404);
    const act = await h.call('POST', `/api/permits/${permit.id}/actions`, { token: other, body: { action: 'withdraw' } });
    expect(act.status).toBe(404);
    const missing = await h.call('GET', '/api/permits/permit-0000000000000000', { token: other });
    expect(err(act.body)).toEqual({ ...err(missing.body), message: err(act.body).message });
    const list = await h.call<PermitListResponse>('GET', '/api/permits', { token: other });
    expect(list.body.permits.map((p) => p.id)).not.toContain(permit.id);
    const own = await h.call<PermitListResponse>('GET', '/api/permits', { token: tokens['contractor-a'] });
    expect(own.body.permits.map((p) => p.id)).toContain(permit.id);
  });

  it('goes through accept, assign, conditions, review and approval to a printable permit', async () => {
    const act = (who: string, body: unknown) => h.call<PermitDetail>('POST', `/api/permits/${permit.id}/actions`, { token: tokens[who], body });
    h.clock.now += HOUR;
    expect((await act('dispatcher', { action: 'accept' })).status).toBe(200);
    const badAssign = await act('dispatcher', { action: 'assign', assignment: { reviewerId: ids['approver'], approverId: ids['approver'] } });
    expect([badAssign.status, err(badAssign.body).field]).toEqual([400, 'assignment.reviewerId']);
    expect((await act('dispatcher', { action: 'assign', assignment: { reviewerId: ids['reviewer'], approverId: ids['approver'] } })).status).toBe(200);
    const queue = await h.call<QueueResponse>('GET', '/api/permits/queue', { token: tokens['reviewer'] });
    expect(queue.body.permits.map((p) => p.id)).toContain(permit.id);

    const lineId = (permit.screening!.result as { lines: { linkId: string; verdict: string }[] }).lines.find((l) => l.verdict === 'STRIKE')!.linkId;
    const cond = (who: string, body: unknown) => h.call<PermitDetail>('POST', `/api/permits/${permit.id}/conditions`, { token: tokens[who], body });
    expect((await cond('contractor-a', { kind: 'hand-dig' })).status).toBe(403);
    expect((await cond('approver', { kind: 'hand-dig' })).status).toBe(409);
    const noLine = await cond('reviewer', { kind: 'trial-hole' });
    expect([noLine.status, err(noLine.body).field]).toEqual([400, 'lineId']);
    expect((await cond('reviewer', { kind: 'hand-dig', lineId, text: 'Hand dig within 0.5 m of the gas main' })).status).toBe(201);
    expect((await cond('reviewer', { kind: 'owner-presence', owner: 'City Gas' })).status).toBe(201);
    const withTrial = await cond('reviewer', { kind: 'trial-hole', lineId });
    expect(withTrial.body.conditions.map((c) => c.kind)).toEqual(['hand-dig', 'owner-presence', 'trial-hole']);

    const reviewed = await act('reviewer', { action: 'review' });
    expect(reviewed.body.status).toBe('reviewed');
    const approved = await act('approver', { action: 'approve' });
    expect(approved.body.status).toBe('approved');
    expect(approved.body.events.map((e) => e.action)).toEqual(['submit', 'accept', 'assign', 'review', 'approve']);

    const print = await h.call<PrintablePermit>('GET', `/api/permits/${permit.id}/print`, { token: tokens['contractor-a'] });
    expect(print.status).toBe(200);
    expect(print.body.approval!.approverName).toBe(SEED_ACCOUNTS.find((a) => a.username === 'approver')!.displayName);
    expect(print.body.conditions.find((c) => c.kind === 'hand-dig')!.text).toBe('Hand dig within 0.5 m of the gas main');
    expect(print.body.screening!.summary.strike).toBeGreaterThan(0);
  });

  it('shows the public only stage and dates, and nothing private', async () => {
    const r = await h.call<Record<string, unknown>>('GET', `/api/public/receipts/${encodeURIComponent(permit.receipt!.toLowerCase())}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['history', 'stage', 'stageSince', 'submittedOn']);
    expect(r.body.stage).toBe('approved');
    const text = JSON.stringify(r.body);
    const privateValues = [permit.id, permit.title, permit.contact.name, permit.contact.phone, ids['contractor-a']!, ids['reviewer']!,
      ...SEED_ACCOUNTS.map((a) => a.displayName), String((permit.works as PermitOpenCut).footprint[0]![0]).slice(0, 8), 'City Gas', permit.unitName];
    for (const v of privateValues) expect(text).not.toContain(v);
    expect((await h.call('GET', '/api/public/receipts/UG-2026-00000-00000')).status).toBe(400);
  });
});

describe('a permit of every kind of work', () => {
  /** The trench of tests/fixtures/permits across the small city's first gas main, as a work list. */
  function trenchPermit(): CreatePermitRequest & { works: PermitWorkList } {
    const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/permits/trench.geojson'), 'utf8')) as
      { features: { geometry: { coordinates: [number, number][] }; properties: { kind: 'trench'; width: number; depths: number[] } }[] };
    const f = fixture.features[0]!;
    const trench: DigWork = { kind: 'trench', centreLine: f.geometry.coordinates, width: f.properties.width, depths: f.properties.depths };
    const { works: _openCut, ...rest } = permitOverGas(h);
    return { ...rest, title: 'Gas crossing trench', method: 'trench', works: { works: [trench], ruleSetId: 'cn-gb50289', groundElevation: null } };
  }

  it('screens a trench over the gas main as a STRIKE, stores the work list and reads it back', async () => {
    const body = trenchPermit();
    const r = await h.call<PermitDetail>('POST', '/api/permits', { token: tokens['contractor-a'], body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.screening!.summary.strike).toBeGreaterThan(0);
    const result = r.body.screening!.result as WorksScreening;
    expect(result.works.map((w) => w.kind)).toEqual(['trench']);
    const gas = new Set(h.store.links({ utility: 'gas' }).map((l) => l.id));
    expect(result.lines.some((l) => l.verdict === 'STRIKE' && gas.has(l.linkId) && l.work === 0)).toBe(true);
    const again = await h.call<PermitDetail>('GET', `/api/permits/${r.body.id}`, { token: tokens['contractor-a'] });
    expect(again.body.works).toEqual(body.works);
    expect(again.body.screening!.id).toBe(r.body.screening!.id);
    expect(again.body.screening!.summary).toEqual(r.body.screening!.summary);
  });

  it('names the field of a bad work, and refuses a half of both shapes', async () => {
    const body = trenchPermit();
    const trench = body.works.works[0]!;
    const cases: [unknown, string][] = [
      [{ ...body, works: { ...body.works, works: [trench, { ...trench, width: -1 }] } }, 'works.works[1].width'],
      [{ ...body, works: { ...body.works, works: [{ ...trench, kind: 'blast' }] } }, 'works.works[0].kind'],
      [{ ...body, works: { ...body.works, works: [] } }, 'works.works'],
      [{ ...body, works: { ...body.works, depth: 3 } }, 'works.depth'],
      [{ ...body, works: { ruleSetId: 'cn-gb50289' } }, 'works.footprint'],
    ];
    const before = (await h.call<PermitListResponse>('GET', '/api/permits', { token: tokens['contractor-a'] })).body.permits.length;
    for (const [bad, field] of cases) {
      const r = await h.call('POST', '/api/permits', { token: tokens['contractor-a'], body: bad });
      expect(r.status, field).toBe(400);
      expect(err(r.body).field, JSON.stringify(err(r.body))).toBe(field);
    }
    expect((await h.call<PermitListResponse>('GET', '/api/permits', { token: tokens['contractor-a'] })).body.permits.length).toBe(before);
  });
});

describe('admin, dashboard and public lookups', () => {
  it('lets only an admin create units and users, who can then sign in', async () => {
    const unit = { name: 'Pearl River Cable Works' };
    expect((await h.call('POST', '/api/admin/units', { token: tokens['supervisor'], body: unit })).status).toBe(403);
    const u = await h.call<{ id: string; name: string }>('POST', '/api/admin/units', { token: tokens['admin'], body: unit });
    expect(u.status).toBe(201);
    expect((await h.call('POST', '/api/admin/units', { token: tokens['admin'], body: unit })).status).toBe(409);
    const user = { username: 'cable-crew', password: 'cable-crew-pass', displayName: 'Cable crew', role: 'applicant', unitId: u.body.id };
    const bad = await h.call('POST', '/api/admin/users', { token: tokens['admin'], body: { ...user, role: 'king' } });
    expect([bad.status, err(bad.body).field]).toEqual([400, 'role']);
    const weak = await h.call('POST', '/api/admin/users', { token: tokens['admin'], body: { ...user, password: 'short' } });
    expect([weak.status, err(weak.body).field]).toEqual([400, 'password']);
    const noUnit = await h.call('POST', '/api/admin/users', { token: tokens['admin'], body: { ...user, unitId: undefined } });
    expect([noUnit.status, err(noUnit.body).field]).toEqual([400, 'unitId']);
    expect((await h.call('POST', '/api/admin/users', { token: tokens['admin'], body: user })).status).toBe(201);
    expect((await h.call('POST', '/api/admin/users', { token: tokens['admin'], body: user })).status).toBe(409);
    const token = await h.signInWith('cable-crew', 'cable-crew-pass');
    const me = await h.call<MeResponse>('GET', '/api/auth/me', { token });
    expect([me.body.user.role, me.body.user.unitName]).toEqual(['applicant', unit.name]);
    expect((await h.call('GET', '/api/admin/users', { token })).status).toBe(403);
  });

  it('filters the supervisor\'s dashboard by unit and handler and counts per week', async () => {
    const b = await h.call<PermitDetail>('POST', '/api/permits', { token: tokens['contractor-b'], body: permitOverGas(h) });
    expect(b.status).toBe(201);
    const get = (q: string) => h.call<DashboardResponse>('GET', `/api/supervision/dashboard${q}`, { token: tokens['supervisor'] });
    const all = (await get('')).body;
    expect(all.permits.map((p) => p.id)).toContain(b.body.id);
    const unitB = b.body.unitId;
    const onlyB = (await get(`?unitId=${unitB}`)).body;
    expect(onlyB.permits.length).toBeGreaterThan(0);
    expect(onlyB.permits.every((p) => p.unitId === unitB)).toBe(true);
    const dispatcherId = ids['dispatcher']!;
    const byHandler = (await get(`?handlerId=${dispatcherId}`)).body;
    expect(byHandler.permits.every((p) => p.handlerId === dispatcherId)).toBe(true);
    const thisWeek = all.weeks[all.weeks.length - 1]!;
    expect(all.weeks.length).toBe(12);
    expect(thisWeek.weekOf).toBe('2026-03-09'); // the Monday of the fake clock's week
    expect(thisWeek.submitted).toBeGreaterThanOrEqual(2);
    expect(thisWeek.approved).toBe(1);
    expect((await get('?unitId=' + 'x'.repeat(200))).status).toBe(400);
  });

  it('limits public receipt lookups per address and minute', async () => {
    h.clock.now += 60_000 * 5; // a fresh minute
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await h.call('GET', '/api/public/receipts/UG-2026-00000-0000X')).status);
    expect(statuses.slice(0, 30).every((s) => s === 400 || s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe('the reviewer\'s queue (last: it moves the clock by days)', () => {
  it('lists the permits assigned to the reviewer, the earliest due first', async () => {
    const create = async () => (await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', permitOverGas(h))).body;
    const assign = async (p: PermitDetail) => {
      await h.as('dispatcher', 'POST', `/api/permits/${p.id}/actions`, { action: 'accept' });
      const r = await h.as<PermitDetail>('dispatcher', 'POST', `/api/permits/${p.id}/actions`,
        { action: 'assign', assignment: { reviewerId: ids['reviewer'], approverId: ids['approver'] } });
      expect(r.status).toBe(200);
      return r.body;
    };
    h.clock.now = shanghaiTime('2026-03-10', 9); // Tuesday
    const a = await create();
    h.clock.now += 60_000;
    const b = await create(); // created later, so listed first by date
    const dueFirst = await assign(a);
    h.clock.now = shanghaiTime('2026-03-11', 9); // Wednesday
    const dueLater = await assign(b);
    expect(dueFirst.clock!.dueAt).toBeLessThan(dueLater.clock!.dueAt);
    const q = (await h.as<QueueResponse>('reviewer', 'GET', '/api/permits/queue')).body.permits;
    expect(q.map((p) => p.id).filter((id) => id === a.id || id === b.id)).toEqual([a.id, b.id]);
    const dues = q.map((p) => p.clock!.dueAt);
    expect(dues).toEqual([...dues].sort((x, y) => x - y));
    expect(q.every((p) => p.status === 'assigned')).toBe(true);
    expect((await h.as<QueueResponse>('approver', 'GET', '/api/permits/queue')).body.permits.map((p) => p.id)).not.toContain(a.id);
  });
});
