/**
 * Supervision on a real server with a fake clock: yellow and red cards counted in working days over
 * a weekend, the Labour Day holiday and a National Day make-up Saturday; each card issued once and
 * its notifications queued for the handler, the reviewer and the approving leader; the outbox
 * delivered to a real SMS gateway on 127.0.0.1 that fails twice and then answers (delivered), and
 * one that never answers well (failed after the rules' limit); and a re-screen after an import
 * moves the gas main under a permit (flagged to its reviewer).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import workflowJson from '../../data/rules/permit-workflow.json';
import { cityFile } from '../../scripts/city';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import type { ApiErrorBody, DashboardResponse, NotificationListResponse, PermitDetail, PrintablePermit, ScreeningHistoryResponse, UserListResponse } from '../../src/protocol/permitApi';
import { newOutboxMessage } from '../../src/core/permits/outbox';
import { importNetworkFile } from '../../src/server/importFile';
import { OutboxDelivery } from '../../src/server/permits/delivery';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { translate, type MessageKey } from '../../src/ui/i18n';
import { screeningNotice } from '../../src/ui/permits/screeningNotice';
import { permitOverGas, squareAround, startPermitsHarness, type PermitsHarness } from './permitsHarness';

let h: PermitsHarness;
let gateway: Server;
const received: { id: string; to: string; text: string }[] = [];
/** Message id → how many more attempts the gateway answers 500 to. */
const failures = new Map<string, number>();
const ids: Record<string, string> = {};

beforeAll(async () => {
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const m = JSON.parse(body) as { id: string; to: string; text: string };
      received.push(m);
      const left = failures.get(m.id) ?? 0;
      if (left > 0) {
        failures.set(m.id, left - 1);
        res.writeHead(500).end('gateway busy');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const smsUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
  h = await startPermitsHarness(shanghaiTime('2026-03-09', 9), { smsUrl });
  for (const u of (await h.as<UserListResponse>('dispatcher', 'GET', '/api/users')).body.users) ids[u.username] = u.id;
}, 120_000);

afterAll(async () => {
  await h?.dispose();
  await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
});

/** A permit submitted at `at` and taken by the listed actions, each one minute later. */
async function permitAt(at: number, steps: ('accept' | 'assign' | 'review')[], offset = 0): Promise<PermitDetail> {
  h.clock.now = at;
  const body = permitOverGas(h);
  const v = h.store.links({ utility: 'gas' })[0]!.vertices;
  body.works.footprint = squareAround(h, (v[0]! + v[4]!) / 2 + offset, (v[1]! + v[5]!) / 2, 2);
  let p = (await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', body)).body;
  for (const action of steps) {
    h.clock.now += 60_000;
    const who = action === 'review' ? 'reviewer' : 'dispatcher';
    const extra = action === 'assign' ? { assignment: { reviewerId: ids['reviewer'], approverId: ids['approver'] } } : {};
    const r = await h.as<PermitDetail>(who, 'POST', `/api/permits/${p.id}/actions`, { action, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    p = r.body;
  }
  return p;
}

async function cardsAt(at: number, permitId: string): Promise<string[]> {
  h.clock.now = at;
  h.module.runSupervision();
  const d = await h.as<DashboardResponse>('supervisor', 'GET', '/api/supervision/dashboard');
  expect(d.status).toBe(200);
  return (d.body.permits.find((p) => p.id === permitId)?.cards ?? []).map((c) => c.colour);
}

/**
 * What the printable permit (printView.ts) and the supervisor's dashboard (dashboard.ts) say of a
 * permit's screening, from the real server's views, in both languages: the sheet's banner, and the
 * permit's card and the count of such permits on the dashboard.
 */
async function sheetAndDashboard(permitId: string) {
  const printed = await h.as<PrintablePermit>('dispatcher', 'GET', `/api/permits/${permitId}/print`);
  expect(printed.status).toBe(200);
  const dashboard = (await h.as<DashboardResponse>('supervisor', 'GET', '/api/supervision/dashboard')).body;
  const card = dashboard.permits.find((p) => p.id === permitId);
  const words = (p: Parameters<typeof screeningNotice>[1], locale: 'en' | 'zh-CN') =>
    screeningNotice((key: MessageKey, params) => translate(locale, key, params), p);
  const en = words(printed.body.permit, 'en'), zh = words(printed.body.permit, 'zh-CN');
  return {
    code: printed.body.permit.approvalHold?.code ?? null,
    sheet: { en: en && `${en.headline} ${en.detail}`, zh: zh && `${zh.headline} ${zh.detail}` },
    card: card ? { code: card.approvalHold?.code ?? null, en: words(card, 'en')?.detail ?? null } : null,
    held: dashboard.permits.filter((p) => p.approvalHold !== null).map((p) => p.id),
    /** The dashboard's order, as held (true) or not: held ones come first, each group in the clock's order. */
    order: dashboard.permits.map((p) => [p.approvalHold !== null, p.clock?.overdueWorkingDays ?? -1] as const),
  };
}

/** The order the supervisor's dashboard promises: held permits first, then the most overdue (due dates tie-break). */
function heldFirst(order: readonly (readonly [boolean, number])[]): (readonly [boolean, number])[] {
  return [...order].sort((a, b) => Number(b[0]) - Number(a[0]) || b[1] - a[1]);
}

describe('stage cards in working days', () => {
  it('skips a weekend: a stage due Friday turns yellow at 24:00 Monday and red at 24:00 Tuesday', async () => {
    const p = await permitAt(shanghaiTime('2026-03-12', 10), ['accept']); // accepted Thu, limit 1 → due Fri 13
    expect(p.clock!.dueDate).toBe('2026-03-13');
    expect(await cardsAt(shanghaiTime('2026-03-14', 0), p.id)).toEqual([]); // Saturday 00:00: late, not a working day late
    expect(await cardsAt(shanghaiTime('2026-03-16', 23, 59), p.id)).toEqual([]);
    expect(await cardsAt(shanghaiTime('2026-03-17', 0), p.id)).toEqual(['yellow']);
    expect(await cardsAt(shanghaiTime('2026-03-17', 23, 59), p.id)).toEqual(['yellow']);
    expect(await cardsAt(shanghaiTime('2026-03-18', 0), p.id)).toEqual(['yellow', 'red']);
  });

  it('skips the Labour Day holiday (1–5 May 2026)', async () => {
    const p = await permitAt(shanghaiTime('2026-04-29', 10), ['accept']); // due Thu 30 April
    expect(p.clock!.dueDate).toBe('2026-04-30');
    expect(await cardsAt(shanghaiTime('2026-05-06', 0), p.id)).toEqual([]); // five days off: nothing
    expect(await cardsAt(shanghaiTime('2026-05-07', 0), p.id)).toEqual(['yellow']); // Wed 6 May was the first working day late
    expect(await cardsAt(shanghaiTime('2026-05-08', 0), p.id)).toEqual(['yellow', 'red']);
  });

  it('counts the National Day make-up Saturday (10 October 2026) as a working day', async () => {
    const p = await permitAt(shanghaiTime('2026-10-08', 10), ['accept']); // due Fri 9 October
    expect(p.clock!.dueDate).toBe('2026-10-09');
    expect(await cardsAt(shanghaiTime('2026-10-10', 23), p.id)).toEqual([]);
    expect(await cardsAt(shanghaiTime('2026-10-11', 0), p.id)).toEqual(['yellow']); // end of the make-up Saturday
    expect(await cardsAt(shanghaiTime('2026-10-12', 23), p.id)).toEqual(['yellow']); // Sunday is off
    expect(await cardsAt(shanghaiTime('2026-10-13', 0), p.id)).toEqual(['yellow', 'red']);
  });

  it('issues each card once and notifies the handler, the reviewer and the approving leader', async () => {
    const p = await permitAt(shanghaiTime('2026-11-02', 9), ['accept', 'assign', 'review'], 40); // reviewed Mon 2 Nov, limit 5 → due Mon 9
    expect(p.clock!.dueDate).toBe('2026-11-09');
    expect(await cardsAt(shanghaiTime('2026-11-11', 0), p.id)).toEqual(['yellow']);
    const again = h.module.runSupervision();
    expect(again.cards).toEqual([]);
    const n = await h.as<NotificationListResponse>('supervisor', 'GET', `/api/supervision/notifications?permitId=${p.id}`);
    const sent = n.body.notifications.map((m) => `${m.channel}:${m.to}:${m.template}`).sort();
    const channels = workflowJson.cards.channels;
    expect(sent).toEqual([ids['approver'], ids['reviewer']].flatMap((to) => channels.map((c) => `${c}:${to}:permit.card.yellow`)).sort());
    expect(n.body.notifications.every((m) => m.toName !== null)).toBe(true);
    const contractor = await h.as('contractor-a', 'GET', '/api/supervision/dashboard');
    expect(contractor.status).toBe(403);
  });
});

describe('the outbox', () => {
  const retry = workflowJson.retry;

  it('retries a failing SMS gateway with backoff and records the delivery', async () => {
    const p = await permitAt(shanghaiTime('2026-12-01', 10), ['accept']); // due Wed 2 Dec
    const smsId = `${p.id}/1/yellow/sms/${ids['dispatcher']}`;
    failures.set(smsId, 2);
    expect(await cardsAt(shanghaiTime('2026-12-04', 0), p.id)).toEqual(['yellow']);
    const row = () => h.module.ctx.outbox.get(smsId)!;
    const attempts = () => received.filter((r) => r.id === smsId);
    await h.module.deliverDue();
    expect([row().status, row().attempts, row().nextAttemptAt]).toEqual(['pending', 1, h.clock.now + retry.baseDelaySeconds * 1000]);
    await h.module.deliverDue(); // not due yet: nothing is sent
    expect(attempts().length).toBe(1);
    h.clock.now += retry.baseDelaySeconds * 1000;
    await h.module.deliverDue();
    expect([row().status, row().attempts]).toEqual(['pending', 2]);
    expect(row().nextAttemptAt).toBe(h.clock.now + retry.baseDelaySeconds * retry.factor * 1000);
    h.clock.now = row().nextAttemptAt!;
    await h.module.deliverDue();
    expect([row().status, row().attempts, row().deliveredVia, row().deliveredAt]).toEqual(['delivered', 3, 'sms', h.clock.now]);
    expect(attempts().length).toBe(3);
    expect(attempts()[2]!.to).toBe('+86 138 0000 0003'); // the dispatcher's phone, resolved at delivery
    expect(attempts()[2]!.text).toMatch(/YELLOW card/);
    const log = h.module.ctx.outbox.get(`${p.id}/1/yellow/log/${ids['dispatcher']}`)!;
    expect([log.status, log.deliveredVia]).toEqual(['delivered', 'log']);
    expect(h.logLines.some((l) => l.includes(`${p.id}/1/yellow/log/`))).toBe(true);
  });

  it('gives up after the rules\' maximum attempts and records the failure', async () => {
    const p = await permitAt(shanghaiTime('2026-12-07', 10), ['accept']);
    const smsId = `${p.id}/1/yellow/sms/${ids['dispatcher']}`;
    failures.set(smsId, Number.MAX_SAFE_INTEGER);
    expect(await cardsAt(shanghaiTime('2026-12-10', 0), p.id)).toEqual(['yellow']);
    const row = () => h.module.ctx.outbox.get(smsId)!;
    for (let i = 0; i < retry.maxAttempts; i++) {
      expect(row().status).toBe('pending');
      h.clock.now = Math.max(h.clock.now, row().nextAttemptAt!);
      await h.module.deliverDue();
    }
    expect([row().status, row().attempts, row().nextAttemptAt]).toEqual(['failed', retry.maxAttempts, null]);
    expect(row().lastError).toMatch(/HTTP 500/);
    const n = await h.as<NotificationListResponse>('supervisor', 'GET', `/api/supervision/notifications?permitId=${p.id}`);
    expect(n.body.notifications.find((m) => m.channel === 'sms')!.status).toBe('failed');
  });
  it('sends webhooks as JSON and drops e-mail files, and logs a channel nobody configured', async () => {
    const hookUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/hook`;
    const dropDir = join(h.dir, 'mail-drop');
    const lines: string[] = [];
    const delivery = new OutboxDelivery(h.module.ctx, { webhookUrl: hookUrl, mailDropDir: dropDir, log: (l) => lines.push(l) });
    const unconfigured = new OutboxDelivery(h.module.ctx, { log: (l) => lines.push(l) });
    const params = { permitId: 'permit-x', stage: 'assigned', colour: 'red', cardId: 'c', dueAt: '2026-12-20 24:00', overdueWorkingDays: 2 };
    const at = h.clock.now;
    const make = (id: string, channel: 'webhook' | 'email' | 'sms') =>
      h.module.ctx.outbox.enqueue(newOutboxMessage({ id, channel, to: ids['reviewer']!, template: 'permit.card.red', params }, at), { cardId: null, permitId: null }, at);
    make('adapter-test/webhook', 'webhook');
    make('adapter-test/email', 'email');
    await delivery.deliverDue();
    expect(received.find((r) => r.id === 'adapter-test/webhook')!.text).toMatch(/RED card/);
    expect(h.module.ctx.outbox.get('adapter-test/webhook')!.deliveredVia).toBe('webhook');
    expect(h.module.ctx.outbox.get('adapter-test/email')!.deliveredVia).toBe('email (file drop)');
    const mail = readFileSync(join(dropDir, readdirSync(dropDir)[0]!), 'utf8');
    expect(mail).toMatch(/^To: zhangmin@example\.org\r\nSubject: RED card/);
    make('adapter-test/sms-unconfigured', 'sms');
    await unconfigured.deliverDue();
    const row = h.module.ctx.outbox.get('adapter-test/sms-unconfigured')!;
    expect([row.status, row.deliveredVia]).toEqual(['delivered', 'log (sms not configured)']);
    expect(lines.some((l) => l.includes('adapter-test/sms-unconfigured') && l.includes('not configured'))).toBe(true);
  });
});

describe('re-screening after a network import', () => {
  it('stores a new screening with the new version and flags a changed verdict to the reviewer', async () => {
    const moved = await permitAt(shanghaiTime('2026-12-14', 10), ['accept', 'assign']);
    const gas = h.store.links({ utility: 'gas' })[0]!;
    // Somewhere far from the gas main, where it is and where it will be.
    const gasPoints: [number, number][] = [];
    for (let o = 0; o < gas.vertices.length; o += 4) gasPoints.push([gas.vertices[o]!, gas.vertices[o + 1]!], [gas.vertices[o]! + 300, gas.vertices[o + 1]!]);
    const clearance = (l: { vertices: Float64Array }) => Math.min(...gasPoints.map(([x, y]) => Math.hypot(l.vertices[0]! - x, l.vertices[1]! - y)));
    const farV = h.store.links({ utility: 'water' }).reduce((a, b) => (clearance(b) > clearance(a) ? b : a)).vertices;
    h.clock.now = shanghaiTime('2026-12-14', 11);
    const body = permitOverGas(h);
    body.works.footprint = squareAround(h, farV[0]!, farV[1]!, 1);
    const untouched = (await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', body)).body;
    expect(moved.screening!.summary.strike).toBeGreaterThan(0);

    // A new delivery: the same city with the gas main under the permit moved 300 m east.
    const city = JSON.parse(readFileSync(cityFile(h.config), 'utf8')) as { features: { properties: { id: string }; geometry: { coordinates: number[][] } }[] };
    const f = city.features.find((x) => x.properties.id === gas.id)!;
    f.geometry.coordinates = f.geometry.coordinates.map(([x, y, ...rest]) => [x! + 300, y!, ...rest]);
    const file = join(h.dir, 'moved-gas.geojson');
    writeFileSync(file, JSON.stringify(city));
    const importer = new SqliteNetworkStore(h.config.databaseFile);
    const version = await importNetworkFile(importer, file).finally(() => importer.close());

    h.clock.now = shanghaiTime('2026-12-14', 12);
    const { rescreen } = h.module.runSupervision();
    expect(rescreen.networkVersion).toBe(version.version);
    expect(rescreen.rescreened).toEqual(expect.arrayContaining([moved.id, untouched.id]));
    expect(rescreen.changed).toContain(moved.id);
    expect(rescreen.changed).not.toContain(untouched.id);
    expect(h.module.runSupervision().rescreen.rescreened).toEqual([]); // once per version

        const after = (await h.as<PermitDetail>('reviewer', 'GET', `/api/permits/${moved.id}`)).body;
    expect(after.rescreenChanged).toBe(true);
    expect(after.screening!.networkVersion).toBe(version.version);
    const history = (await h.as<ScreeningHistoryResponse>('reviewer', 'GET', `/api/permits/${moved.id}/screenings`)).body.screenings;
    expect(history.map((s) => [s.networkVersion, s.reason])).toEqual([[version.version - 1, 'create'], [version.version, 'network-change']]);
    const n = await h.as<NotificationListResponse>('supervisor', 'GET', `/api/supervision/notifications?permitId=${moved.id}`);
    expect(n.body.notifications.filter((m) => m.template === 'permit.rescreen.changed').map((m) => m.to)).toEqual(workflowJson.cards.channels.map(() => ids['reviewer']));
    expect((await h.as<PermitDetail>('dispatcher', 'GET', `/api/permits/${untouched.id}`)).body.rescreenChanged).toBe(false);
    // The sheet and the dashboard say the changed re-screening is not yet reviewed.
    const unseen = await sheetAndDashboard(moved.id);
    expect([unseen.code, unseen.card?.code]).toEqual(['rescreen_unacknowledged', 'rescreen_unacknowledged']);
    expect(unseen.sheet.en).toMatch(new RegExp(`^NOT TO BE SIGNED OR DUG ON.*re-screening on network v${version.version} changed the verdicts`));
    expect(unseen.sheet.zh).toContain(`不得据此签字或开挖`);
    expect(unseen.sheet.zh).toContain(`按管网版本 ${version.version} 重新审查后`);
    expect(unseen.held).toContain(moved.id);
    expect(unseen.held).not.toContain(untouched.id);
    // Held first on the dashboard, ahead of permits with red cards from the tests above.
    expect(unseen.order.some(([isHeld, overdue]) => !isHeld && overdue > 0)).toBe(true);
    expect(unseen.order).toEqual(heldFirst(unseen.order));

    // Reviewed with the changed re-screen unacknowledged: the approver may not approve yet.
    expect((await h.as<PermitDetail>('reviewer', 'POST', `/api/permits/${moved.id}/actions`, { action: 'review' })).status).toBe(200);
    const held = await h.as<PermitDetail>('approver', 'GET', `/api/permits/${moved.id}`);
    expect([held.body.approvalHold?.code, held.body.allowedActions.includes('approve')]).toEqual(['rescreen_unacknowledged', false]);
    const early = await h.as<ApiErrorBody>('approver', 'POST', `/api/permits/${moved.id}/actions`, { action: 'approve' });
    expect([early.status, early.body.error.code]).toEqual([409, 'rescreen_unacknowledged']);
    expect(early.body.error.message).toMatch(/changed the verdicts/);

    const ack = await h.as<PermitDetail>('reviewer', 'POST', `/api/permits/${moved.id}/rescreen-acknowledged`);
    expect([ack.status, ack.body.rescreenChanged]).toEqual([200, false]);
    const approved = await h.as<PermitDetail>('approver', 'POST', `/api/permits/${moved.id}/actions`, { action: 'approve' });
    expect([approved.status, approved.body.status]).toEqual([200, 'approved']);
  });

  it('flags a permit whose re-screen fails, tells its reviewer once, holds approval and tries again until it succeeds', async () => {
    const version = h.store.currentVersion()!.version;
    const gas = h.store.links({ utility: 'gas' })[0]!.vertices;
    const mid: [number, number] = [(gas[0]! + gas[4]!) / 2, (gas[1]! + gas[5]!) / 2];
    // P over the gas main; Q 300 m west of it, where the main was before the last import.
    const p = await permitAt(shanghaiTime('2026-12-15', 10), ['accept', 'assign', 'review']);
    const q = await permitAt(shanghaiTime('2026-12-15', 10), ['accept', 'assign', 'review'], -300);
    const draftBody = permitOverGas(h, false);
    draftBody.works.footprint = squareAround(h, mid[0] + 3, mid[1], 2);
    const draft = (await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', draftBody)).body;
    expect([p.screening!.networkVersion, q.screening!.networkVersion]).toEqual([version, version]);

    // The next delivery has no line within 80 m of P: no surveyed ground for its estimate, so its re-screen is refused.
    const segmentDistance = (v: Float64Array) => {
      let best = Infinity;
      for (let o = 0; o + 4 < v.length; o += 4) {
        const [ax, ay, bx, by] = [v[o]!, v[o + 1]!, v[o + 4]!, v[o + 5]!];
        const l2 = (bx - ax) ** 2 + (by - ay) ** 2;
        const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((mid[0] - ax) * (bx - ax) + (mid[1] - ay) * (by - ay)) / l2));
        best = Math.min(best, Math.hypot(ax + t * (bx - ax) - mid[0], ay + t * (by - ay) - mid[1]));
      }
      return best;
    };
    const gone = new Set(h.store.links().filter((l) => segmentDistance(l.vertices) < 80).map((l) => l.id));
    const delivered = readFileSync(join(h.dir, 'moved-gas.geojson'), 'utf8');
    const city = JSON.parse(delivered) as { features: { properties: { id: string; link?: string | null } }[] };
    city.features = city.features.filter((f) => !gone.has(f.properties.id) && !gone.has(f.properties.link ?? '')); // the lines and their fittings
    const bare = join(h.dir, 'bare-site.geojson');
    writeFileSync(bare, JSON.stringify(city));
    const importAs = async (file: string) => {
      const importer = new SqliteNetworkStore(h.config.databaseFile);
      return (await importNetworkFile(importer, file).finally(() => importer.close())).version;
    };
    const bareVersion = await importAs(bare);

    // Before the re-screen runs, neither is screened on the network in force: approval waits.
    const stale = await h.as<ApiErrorBody>('approver', 'POST', `/api/permits/${q.id}/actions`, { action: 'approve' });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'screening_not_current']);
    expect(stale.body.error.message).toContain(`network is now version ${bareVersion}`);

    h.clock.now = shanghaiTime('2026-12-15', 11);
    const first = h.module.runSupervision().rescreen;
    expect([first.networkVersion, [...first.failed].sort()]).toEqual([bareVersion, [p.id, draft.id].sort()]);
    expect(first.rescreened).toContain(q.id);
    const seen = (await h.as<PermitDetail>('reviewer', 'GET', `/api/permits/${p.id}`)).body;
    expect(seen.rescreenFailed).toMatchObject({ networkVersion: bareVersion, at: h.clock.now });
    expect(seen.rescreenFailed!.reason).toMatch(/no surveyed ground/);
    expect([seen.screening!.networkVersion, seen.approvalHold?.code]).toEqual([version, 'rescreen_failed']);
    const messages = async () => (await h.as<NotificationListResponse>('supervisor', 'GET', `/api/supervision/notifications?permitId=${p.id}`))
      .body.notifications.filter((m) => m.template === 'permit.rescreen.failed');
    expect((await messages()).map((m) => `${m.channel}:${m.to}`).sort()).toEqual(workflowJson.cards.channels.map((c) => `${c}:${ids['reviewer']}`).sort());
    // The printed sheet and the supervisor's dashboard say so, with the versions and the refusal.
    const failedView = await sheetAndDashboard(p.id);
    expect([failedView.code, failedView.card?.code]).toEqual(['rescreen_failed', 'rescreen_failed']);
    expect(failedView.sheet.en).toMatch(new RegExp(`^NOT TO BE SIGNED OR DUG ON: .*Re-screening on network v${bareVersion} failed \\(.*no surveyed ground.*\\); ` +
      `the screening on record is on network v${version}, the network in force is v${bareVersion}\\.`));
    expect(failedView.sheet.zh).toMatch(new RegExp(`^不得据此签字或开挖.*按管网版本 ${bareVersion} 重新审查失败（.*no surveyed ground.*）；在案审查结果基于管网版本 ${version}，现行管网为版本 ${bareVersion}`));
    expect(failedView.card!.en).toContain(`network v${bareVersion} failed`);
    expect(failedView.held).toEqual(expect.arrayContaining([p.id]));
    expect(failedView.order).toEqual(heldFirst(failedView.order));
    const refused = await h.as<ApiErrorBody>('approver', 'POST', `/api/permits/${p.id}/actions`, { action: 'approve' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'rescreen_failed']);
    expect(refused.body.error.message).toMatch(new RegExp(`version ${bareVersion} failed .*no surveyed ground.*on version ${version}`));
    expect((await h.as<PermitDetail>('approver', 'POST', `/api/permits/${q.id}/actions`, { action: 'approve' })).status).toBe(200);

    // A draft is flagged too (nobody is told: it is the applicant's); editing it screens it anew, which answers the failure.
    const flaggedDraft = (await h.as<PermitDetail>('contractor-a', 'GET', `/api/permits/${draft.id}`)).body;
    expect([flaggedDraft.rescreenFailed?.networkVersion, (await h.as<NotificationListResponse>('supervisor', 'GET', `/api/supervision/notifications?permitId=${draft.id}`)).body.notifications.length]).toEqual([bareVersion, 0]);
    const { submit: _draftOnly, ...edit } = { ...draftBody, works: { ...draftBody.works, footprint: squareAround(h, mid[0] - 300, mid[1], 2) } };
    const edited = await h.as<PermitDetail>('contractor-a', 'PUT', `/api/permits/${draft.id}`, edit);
    expect([edited.status, edited.body.screening!.networkVersion, edited.body.rescreenFailed]).toEqual([200, bareVersion, null]);

    // The next run tries P again (the version is not done), without a second message.
    h.clock.now += 60_000;
    const again = h.module.runSupervision().rescreen;
    expect([again.failed, again.rescreened]).toEqual([[p.id], []]);
    expect((await messages()).length).toBe(workflowJson.cards.channels.length);
    const sms = h.module.ctx.outbox.get(`rescreen-failed/${p.id}/${bareVersion}/sms/${ids['reviewer']}`)!;
    await h.module.deliverDue();
    expect(received.find((r) => r.id === sms.id)!.text).toMatch(new RegExp(`re-screening on network version ${bareVersion} failed.*重新筛查失败`));

    // The lines come back: P is re-screened, the flag clears and it may be approved.
    const restored = await importAs(join(h.dir, 'moved-gas.geojson'));
    const last = h.module.runSupervision().rescreen;
    expect(last.failed).toEqual([]);
    expect(last.rescreened).toContain(p.id);
    expect(last.changed).not.toContain(p.id); // the same lines as the version it was screened on
    expect(h.module.runSupervision().rescreen.rescreened).toEqual([]);
    const ok = (await h.as<PermitDetail>('approver', 'GET', `/api/permits/${p.id}`)).body;
    expect([ok.rescreenFailed, ok.screening!.networkVersion, ok.approvalHold, ok.allowedActions.includes('approve')]).toEqual([null, restored, null, true]);
    expect((await h.as<PermitDetail>('approver', 'POST', `/api/permits/${p.id}/actions`, { action: 'approve' })).status).toBe(200);
    const cleared = await sheetAndDashboard(p.id);
    expect([cleared.code, cleared.sheet.en, cleared.card?.code, cleared.held.includes(p.id)]).toEqual([null, null, null, false]);
  });
  it('flags a re-screen that changes only the owners to notify: the struck line handed to another owner', async () => {
    type Lines = { lines: { linkId: string; verdict: string }[] };
    const verdicts = (p: PermitDetail) => (p.screening!.result as Lines).lines.map((l) => `${l.linkId}:${l.verdict}`);
    const importCity = async (name: string, edit: (features: { properties: { id: string; owner?: string } }[]) => void) => {
      const city = JSON.parse(readFileSync(cityFile(h.config), 'utf8')) as { features: { properties: { id: string; owner?: string } }[] };
      edit(city.features);
      const file = join(h.dir, name);
      writeFileSync(file, JSON.stringify(city));
      const importer = new SqliteNetworkStore(h.config.databaseFile);
      await importNetworkFile(importer, file).finally(() => importer.close());
    };
    // The sample city as generated (earlier tests imported other versions), the permit re-screened on it.
    await importCity('city-again.geojson', () => {});
    const permit = await permitAt(shanghaiTime('2026-12-14', 10), ['accept', 'assign']);
    h.clock.now = shanghaiTime('2026-12-14', 11);
    h.module.runSupervision();
    const before = (await h.as<PermitDetail>('reviewer', 'GET', `/api/permits/${permit.id}`)).body;
    const struck = (before.screening!.result as Lines).lines.find((l) => l.verdict === 'STRIKE')!;
    expect(struck).toBeDefined();
    await h.as<PermitDetail>('reviewer', 'POST', `/api/permits/${permit.id}/rescreen-acknowledged`);

    // The same city, the struck line's owner changed: same lines and verdicts, another owner to notify.
    await importCity('new-owner.geojson', (features) => { features.find((x) => x.properties.id === struck.linkId)!.properties.owner = 'Another Gas Co.'; });
    h.clock.now = shanghaiTime('2026-12-14', 12);
    const { rescreen } = h.module.runSupervision();
    expect(rescreen.changed).toContain(permit.id);
    const after = (await h.as<PermitDetail>('reviewer', 'GET', `/api/permits/${permit.id}`)).body;
    expect(verdicts(after)).toEqual(verdicts(before));
    expect(after.screening!.summary.owners).toContain('Another Gas Co.');
    expect(after.rescreenChanged).toBe(true);
  });

  it('says on an approved permit\'s printed sheet and on the dashboard that its screening is on an older network, until it is re-screened', async () => {
    const importCity = async () => {
      const importer = new SqliteNetworkStore(h.config.databaseFile);
      return (await importNetworkFile(importer, cityFile(h.config)).finally(() => importer.close())).version;
    };
    // The sample city as generated (earlier tests imported other versions), every permit re-screened on it.
    await importCity();
    h.clock.now = shanghaiTime('2026-12-16', 9);
    h.module.runSupervision();
    const permit = await permitAt(shanghaiTime('2026-12-16', 10), ['accept', 'assign', 'review']);
    const approved = await h.as<PermitDetail>('approver', 'POST', `/api/permits/${permit.id}/actions`, { action: 'approve' });
    expect([approved.status, approved.body.status]).toEqual([200, 'approved']);
    const screened = approved.body.screening!.networkVersion;
    const current = await sheetAndDashboard(permit.id);
    expect([current.code, current.sheet.en, current.sheet.zh, current.card?.code]).toEqual([null, null, null, null]);

    // A new delivery (the same lines): until the re-screen runs, the sheet is of the older version.
    const next = await importCity();
    const stale = await sheetAndDashboard(permit.id);
    expect([stale.code, stale.card?.code]).toEqual(['screening_not_current', 'screening_not_current']);
    expect(stale.sheet.en).toBe('NOT TO BE SIGNED OR DUG ON: this permit’s screening is not a current, reviewed screening of the network in force. ' +
      `The screening on record is on network v${screened}; the network in force is v${next} (re-screened within a minute of an import: print again then).`);
    expect(stale.sheet.zh).toBe('不得据此签字或开挖：本许可的审查结果不是按现行管网完成并经确认的审查。' +
      ` 在案审查结果基于管网版本 ${screened}；现行管网为版本 ${next}（导入后一分钟内重新审查，届时请重新打印）。`);
    expect(stale.held).toContain(permit.id);

    h.clock.now = shanghaiTime('2026-12-16', 12);
    expect(h.module.runSupervision().rescreen.rescreened).toContain(permit.id);
    const fresh = await sheetAndDashboard(permit.id);
    expect([fresh.code, fresh.sheet.en, fresh.card?.code, fresh.held.includes(permit.id)]).toEqual([null, null, null, false]);
  });
});
