/**
 * Units, users and sessions. Passwords are hashed with scrypt (node:crypto) and a per-user random
 * salt, stored as 'scrypt$N$r$p$salt$hash' so that a change of cost in the rules table leaves old
 * hashes readable; compared with timingSafeEqual. Session tokens are 32 random bytes given to the
 * client once; only their SHA-256 is stored, so a copy of the database opens no session.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Role } from '../../core/permits/workflowRules';
import type { UnitView, UserView } from '../../protocol/permitApi';
import { HttpError } from '../http/respond';
import type { PermitServerRules } from './rules';
import { SignInThrottle } from './signInThrottle';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  unit_id: string | null;
  phone: string | null;
  email: string | null;
  password_hash: string;
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  unitId?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

export interface Session {
  user: UserRow;
  expiresAt: number;
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const maxmem = (N: number, r: number) => 256 * N * r + 1024 * 1024;

export async function hashPassword(password: string, rules: PermitServerRules['passwords']): Promise<string> {
  const salt = randomBytes(rules.saltBytes);
  const key = await scryptAsync(password, salt, rules.keyLength, { N: rules.N, r: rules.r, p: rules.p, maxmem: maxmem(rules.N, rules.r) });
  return ['scrypt', rules.N, rules.r, rules.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n), R = Number(r);
  const key = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: Number(p), maxmem: maxmem(N, R) });
  return timingSafeEqual(key, expected);
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

export class Accounts {
  /** A hash to compare against when the username is unknown, so both paths take as long. */
  private dummyHash: Promise<string>;
  private readonly throttle: SignInThrottle;

  constructor(private readonly db: Database.Database, private readonly rules: PermitServerRules, private readonly now: () => number) {
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'), rules.passwords);
    this.throttle = new SignInThrottle(db, rules.signIn, now);
  }

  createUnit(name: string): UnitView {
    const id = newId('unit');
    try {
      this.db.prepare('INSERT INTO units (id, name, created_at) VALUES (?, ?, ?)').run(id, name, this.now());
    } catch (e) {
      if (String((e as Error).message).includes('UNIQUE')) throw new HttpError(409, 'unit_exists', `a unit named "${name}" exists`, 'name');
      throw e;
    }
    return { id, name };
  }

  units(): UnitView[] {
    return this.db.prepare('SELECT id, name FROM units ORDER BY name').all() as UnitView[];
  }

  unit(id: string): UnitView | null {
    return (this.db.prepare('SELECT id, name FROM units WHERE id = ?').get(id) as UnitView | undefined) ?? null;
  }

  async createUser(u: NewUser): Promise<UserView> {
    if (u.password.length < this.rules.passwords.minLength) {
      throw new HttpError(400, 'weak_password', `a password needs at least ${this.rules.passwords.minLength} characters`, 'password');
    }
    if (u.unitId !== undefined && !this.unit(u.unitId)) throw new HttpError(400, 'unknown_unit', `no unit ${u.unitId}`, 'unitId');
    if (u.role === 'applicant' && u.unitId === undefined) throw new HttpError(400, 'unit_required', 'an applicant belongs to a unit (their company)', 'unitId');
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(u.username)) {
      throw new HttpError(409, 'username_taken', `the username "${u.username}" is taken`, 'username');
    }
    const hash = await hashPassword(u.password, this.rules.passwords);
    const id = newId('user');
    try {
      this.db.prepare(`INSERT INTO users (id, username, display_name, role, unit_id, phone, email, password_hash, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(id, u.username, u.displayName, u.role, u.unitId ?? null, u.phone ?? null, u.email ?? null, hash, this.now());
    } catch (e) {
      if (String((e as Error).message).includes('UNIQUE')) throw new HttpError(409, 'username_taken', `the username "${u.username}" is taken`, 'username');
      throw e;
    }
    return this.view(this.userRow(id)!);
  }

  userCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  userRow(id: string): UserRow | null {
    return (this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined) ?? null;
  }

  users(role?: Role): UserView[] {
    const rows = (role
      ? this.db.prepare('SELECT * FROM users WHERE role = ? ORDER BY display_name').all(role)
      : this.db.prepare('SELECT * FROM users ORDER BY display_name').all()) as UserRow[];
    return rows.map((r) => this.view(r));
  }

  displayName(id: string): string | null {
    const r = this.db.prepare('SELECT display_name FROM users WHERE id = ?').get(id) as { display_name: string } | undefined;
    return r?.display_name ?? null;
  }

  view(r: UserRow): UserView {
    return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, unitId: r.unit_id, unitName: r.unit_id ? this.unit(r.unit_id)?.name ?? null : null };
  }

  /**
   * A new session for a correct username and password; the same 401 for a wrong name or password.
   * `address` is the client's (the socket's peer): with the username it is throttled (signInThrottle.ts).
   */
  async signIn(username: string, password: string, address: string): Promise<{ token: string; user: UserRow; expiresAt: number }> {
    // Checked and counted in one synchronous step before the (async) hash: attempts sent in parallel
    // each see the ones before them, so none slips past the lock. A right password clears the count.
    this.throttle.check(username, address);
    this.throttle.failed(username, address);
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    const ok = await verifyPassword(password, row?.password_hash ?? await this.dummyHash);
    if (!row || !ok) throw new HttpError(401, 'bad_credentials', 'wrong username or password');
    this.throttle.succeeded(username);
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + this.rules.sessionLifetimeMs;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
      this.db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(hashToken(token), row.id, now, expiresAt);
    })();
    return { token, user: row, expiresAt };
  }

  session(token: string): Session | null {
    const s = this.db.prepare('SELECT user_id, expires_at FROM sessions WHERE token_hash = ?').get(hashToken(token)) as
      | { user_id: string; expires_at: number } | undefined;
    if (!s || s.expires_at <= this.now()) return null;
    const user = this.userRow(s.user_id);
    return user ? { user, expiresAt: s.expires_at } : null;
  }

  signOut(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
  }
}
