/**
 * Sign-in throttling against a real server and a real permits.sqlite, with the fake clock: a
 * username locks after the rules table's count of failures in its window, an address after its
 * own; refused attempts do not extend a lock; a right password clears the count.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import type { ApiErrorBody } from '../../src/protocol/permitApi';
import { startPermitsHarness, type PermitsHarness } from './permitsHarness';

let h: PermitsHarness;
const err = (b: unknown) => (b as ApiErrorBody).error;

beforeAll(async () => {
  h = await startPermitsHarness(shanghaiTime('2026-03-09', 9));
}, 120_000);

afterAll(async () => {
  await h?.dispose();
});

describe('sign-in throttling', () => {
  it('locks a username after 5 failed sign-ins in 15 min (rules table), before checking the password, and frees it when they age out', async () => {
    const rules = JSON.parse(readFileSync('data/rules/permit-server.json', 'utf8')).signIn;
    const signIn = (username: string, password: string) => h.call('POST', '/api/auth/sign-in', { body: { username, password } });
    const start = h.clock.now;
    for (let i = 0; i < rules.maxFailuresPerAccount; i++) {
      expect((await signIn('supervisor', `guess-${i}`)).status).toBe(401);
      h.clock.now += 60_000;
    }
    // Locked now, even for the right password; the answer names the field and says when to retry.
    const locked = await signIn('supervisor', 'demo-supervisor');
    expect(locked.status).toBe(429);
    expect(err(locked.body)).toMatchObject({ code: 'too_many_attempts', field: 'username' });
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(rules.windowMinutes * 60);
    // Refused attempts are not counted: hammering the lock does not extend it.
    for (let i = 0; i < 3; i++) expect((await signIn('supervisor', 'still-guessing')).status).toBe(429);
    // An unknown username locks the same way, so the lock reveals no account.
    for (let i = 0; i < rules.maxFailuresPerAccount; i++) await signIn('no-such-user', 'guess');
    expect((await signIn('no-such-user', 'guess')).status).toBe(429);
    // Other accounts from the same address are untouched (the address limit is far higher).
    expect((await signIn('approver', 'demo-approver')).status).toBe(200);
    // When the first failure leaves the window, one more try is allowed, and a right password clears the count.
    h.clock.now = start + rules.windowMinutes * 60_000 + 1;
    expect((await signIn('supervisor', 'demo-supervisor')).status).toBe(200);
    for (let i = 0; i < rules.maxFailuresPerAccount - 1; i++) expect((await signIn('supervisor', 'typo')).status).toBe(401);
    expect((await signIn('supervisor', 'demo-supervisor')).status).toBe(200);
  });

  it('stops one address walking through many usernames', async () => {
    const rules = JSON.parse(readFileSync('data/rules/permit-server.json', 'utf8')).signIn;
    h.clock.now += 2 * rules.windowMinutes * 60_000; // the previous test's failures are out of the window
    for (let i = 0; i < rules.maxFailuresPerAddress; i++) {
      expect((await h.call('POST', '/api/auth/sign-in', { body: { username: `walker-${i}`, password: 'guess' } })).status).toBe(401);
    }
    const refused = await h.call('POST', '/api/auth/sign-in', { body: { username: 'reviewer', password: 'demo-reviewer' } });
    expect(refused.status).toBe(429);
    expect(err(refused.body).code).toBe('too_many_attempts');
    h.clock.now += rules.windowMinutes * 60_000 + 1;
    expect((await h.call('POST', '/api/auth/sign-in', { body: { username: 'reviewer', password: 'demo-reviewer' } })).status).toBe(200);
  });


  it('holds the lock against guesses sent in parallel: each is counted before its password is checked', async () => {
    const rules = JSON.parse(readFileSync('data/rules/permit-server.json', 'utf8')).signIn;
    h.clock.now += 2 * rules.windowMinutes * 60_000; // earlier failures are out of the window
    const answers = await Promise.all(Array.from({ length: rules.maxFailuresPerAccount + 4 }, (_, i) =>
      h.call('POST', '/api/auth/sign-in', { body: { username: 'approver', password: `parallel-${i}` } })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBe(rules.maxFailuresPerAccount);
    expect(statuses.filter((s) => s === 429).length).toBe(4);
  });
});
