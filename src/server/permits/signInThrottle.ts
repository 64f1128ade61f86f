/**
 * Throttles password guessing at sign-in. Failed attempts are rows in permits.sqlite (so every API
 * server behind a balancer sees the same counts, and a restart forgets nothing). Before a password
 * is even checked:
 * - a username with `maxFailuresPerAccount` failures inside the last `windowMinutes` is refused
 *   until the oldest of them leaves the window (429, Retry-After); unknown usernames count alike,
 *   so the answer does not reveal which accounts exist;
 * - an address with `maxFailuresPerAddress` failures in the window is refused the same way, which
 *   stops one client walking through many usernames.
 * A refused attempt is not counted (the lock cannot be extended by hammering it). An attempt is
 * counted before its password is checked, so parallel guesses cannot all pass the check; a correct
 * sign-in then clears its username's count. Figures: data/rules/permit-server.json `signIn`.
 */
import type Database from 'better-sqlite3';
import { HttpError } from '../http/respond';
import type { PermitServerRules } from './rules';

export class SignInRefused extends HttpError {
  constructor(message: string, field: string | undefined, readonly retryAfterSeconds: number) {
    super(429, 'too_many_attempts', message, field);
  }
}

export class SignInThrottle {
  constructor(private readonly db: Database.Database, private readonly rules: PermitServerRules['signIn'], private readonly now: () => number) {}

  private get windowMs(): number {
    return this.rules.windowMinutes * 60_000;
  }

  /** Throws SignInRefused when this username or address may not try now. */
  check(username: string, address: string): void {
    const since = this.now() - this.windowMs;
    this.refuseOver('username', username, this.rules.maxFailuresPerAccount, since,
      (minutes) => `too many failed sign-ins for this username; try again in ${minutes} min`, 'username');
    this.refuseOver('address', address, this.rules.maxFailuresPerAddress, since,
      (minutes) => `too many failed sign-ins from this address; try again in ${minutes} min`, undefined);
  }

  private refuseOver(column: 'username' | 'address', value: string, limit: number, since: number, say: (minutes: number) => string, field: string | undefined): void {
    // The limit-th newest failure in the window: while it is inside, the key is locked.
    const row = this.db.prepare(`SELECT at FROM sign_in_failures WHERE ${column} = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?`)
      .get(value, since, limit - 1) as { at: number } | undefined;
    if (!row) return;
    const retryAfter = Math.max(1, Math.ceil((row.at + this.windowMs - this.now()) / 1000));
    throw new SignInRefused(say(Math.ceil(retryAfter / 60)), field, retryAfter);
  }

  failed(username: string, address: string): void {
    const now = this.now();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sign_in_failures WHERE at <= ?').run(now - this.windowMs);
      this.db.prepare('INSERT INTO sign_in_failures (username, address, at) VALUES (?, ?, ?)').run(username, address, now);
    })();
  }

  succeeded(username: string): void {
    this.db.prepare('DELETE FROM sign_in_failures WHERE username = ?').run(username);
  }
}
