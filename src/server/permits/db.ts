/**
 * The permits database: its own SQLite file (permits.sqlite in the data folder), WAL with
 * synchronous=FULL so that a write acknowledged to a client is on disk (a commit fsyncs the WAL),
 * and schema migrations counted by PRAGMA user_version. The audit log (permit_events) is
 * append-only: triggers refuse UPDATE and DELETE.
 */
import Database from 'better-sqlite3';

/** Migration i brings the schema from user_version i to i + 1. Append; never edit a shipped one. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE units (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
  CREATE TABLE users (
    id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, role TEXT NOT NULL,
    unit_id TEXT REFERENCES units(id), phone TEXT, email TEXT,
    password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE permits (
    id TEXT PRIMARY KEY, receipt TEXT UNIQUE, applicant_id TEXT NOT NULL REFERENCES users(id),
    unit_id TEXT NOT NULL REFERENCES units(id), title TEXT NOT NULL, work_kinds TEXT NOT NULL,
    works TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, method TEXT NOT NULL,
    contact TEXT NOT NULL,
    status TEXT NOT NULL, dispatcher_id TEXT, reviewer_id TEXT, approver_id TEXT,
    rescreen_changed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
  CREATE INDEX permits_applicant ON permits(applicant_id);
  CREATE INDEX permits_status ON permits(status);
  CREATE TABLE permit_events (
    permit_id TEXT NOT NULL REFERENCES permits(id), seq INTEGER NOT NULL,
    from_state TEXT, to_state TEXT NOT NULL, action TEXT NOT NULL,
    actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT,
    receipt TEXT, assignment TEXT,
    PRIMARY KEY (permit_id, seq));
  CREATE TRIGGER permit_events_no_update BEFORE UPDATE ON permit_events
    BEGIN SELECT RAISE(ABORT, 'permit_events is append-only'); END;
  CREATE TRIGGER permit_events_no_delete BEFORE DELETE ON permit_events
    BEGIN SELECT RAISE(ABORT, 'permit_events is append-only'); END;
  CREATE TABLE screenings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, permit_id TEXT NOT NULL REFERENCES permits(id),
    network_version INTEGER NOT NULL, created_at INTEGER NOT NULL, reason TEXT NOT NULL,
    result TEXT NOT NULL, strike INTEGER NOT NULL, encroach INTEGER NOT NULL, near INTEGER NOT NULL,
    owners TEXT NOT NULL, verdicts TEXT NOT NULL);
  CREATE INDEX screenings_permit ON screenings(permit_id, id);
  CREATE TABLE conditions (
    id TEXT PRIMARY KEY, permit_id TEXT NOT NULL REFERENCES permits(id), kind TEXT NOT NULL,
    line_id TEXT, owner TEXT, text TEXT, added_by TEXT NOT NULL REFERENCES users(id), added_at INTEGER NOT NULL);
  CREATE INDEX conditions_permit ON conditions(permit_id);
  CREATE TABLE cards (
    card_id TEXT PRIMARY KEY, permit_id TEXT NOT NULL REFERENCES permits(id), instance_id TEXT NOT NULL,
    stage TEXT NOT NULL, colour TEXT NOT NULL, raised_at INTEGER NOT NULL, issued_at INTEGER NOT NULL,
    stage_open INTEGER NOT NULL, recipients TEXT NOT NULL, unassigned TEXT NOT NULL);
  CREATE INDEX cards_permit ON cards(permit_id);
  CREATE TABLE outbox (
    id TEXT PRIMARY KEY, card_id TEXT, permit_id TEXT, channel TEXT NOT NULL, recipient TEXT NOT NULL,
    template TEXT NOT NULL, params TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER,
    status TEXT NOT NULL, last_error TEXT, created_at INTEGER NOT NULL, delivered_at INTEGER, delivered_via TEXT);
  CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
  CREATE INDEX outbox_permit ON outbox(permit_id);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  `
  CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL, address TEXT NOT NULL, at INTEGER NOT NULL);
  CREATE INDEX sign_in_failures_username ON sign_in_failures(username, at);
  CREATE INDEX sign_in_failures_address ON sign_in_failures(address, at);
  `,
  `
  ALTER TABLE permits ADD COLUMN rescreen_failed_version INTEGER;
  ALTER TABLE permits ADD COLUMN rescreen_failed_reason TEXT;
  ALTER TABLE permits ADD COLUMN rescreen_failed_at INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function openPermitsDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    db.close();
    throw new Error(`${file} has schema version ${current}; this server knows up to ${SCHEMA_VERSION}: run a newer server`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return db;
}

export function getMeta(db: Database.Database, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
