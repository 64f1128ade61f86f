/**
 * The audit of restricted views (DESIGN.md Security: "every view of them is audited"): one row per
 * answer that carried a restricted asset, in its own SQLite file (audit.sqlite in the data folder),
 * WAL with synchronous=FULL. Append-only: triggers refuse UPDATE and DELETE, and this class has no
 * method that would try.
 */
import Database from 'better-sqlite3';
import type { Role } from '../../core/permits/workflowRules';
import type { AuditRow } from '../../protocol/accessApi';

export const AUDIT_DATABASE = 'audit.sqlite';
const HOUR_MS = 3_600_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS restricted_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    route TEXT NOT NULL,
    network_version INTEGER NOT NULL,
    asset_count INTEGER NOT NULL,
    asset_ids TEXT NOT NULL,
    ids_truncated INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS restricted_views_at ON restricted_views(at);
  CREATE INDEX IF NOT EXISTS restricted_views_user ON restricted_views(username, at);
  CREATE TRIGGER IF NOT EXISTS restricted_views_no_update BEFORE UPDATE ON restricted_views
    BEGIN SELECT RAISE(ABORT, 'restricted_views is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS restricted_views_no_delete BEFORE DELETE ON restricted_views
    BEGIN SELECT RAISE(ABORT, 'restricted_views is append-only'); END;
  CREATE TABLE IF NOT EXISTS screenings_by_sites_roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user_id TEXT NOT NULL, username TEXT NOT NULL, route TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS screenings_by_sites_roles_user ON screenings_by_sites_roles(user_id, at);
  CREATE TRIGGER IF NOT EXISTS screenings_by_sites_roles_no_update BEFORE UPDATE ON screenings_by_sites_roles
    BEGIN SELECT RAISE(ABORT, 'screenings_by_sites_roles is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS screenings_by_sites_roles_no_delete BEFORE DELETE ON screenings_by_sites_roles
    BEGIN SELECT RAISE(ABORT, 'screenings_by_sites_roles is append-only'); END;
`;

export interface RestrictedView {
  userId: string;
  username: string;
  role: Role;
  /** Method and path as asked, e.g. 'GET /api/network/1/layers/power' or a tile path. */
  route: string;
  networkVersion: number;
  /** Every restricted asset (link or node id) the answer carried. */
  assetIds: readonly string[];
}

interface Row {
  id: number; at: number; user_id: string; username: string; role: Role; route: string; network_version: number;
  asset_count: number; asset_ids: string; ids_truncated: number;
}

export class AuditLog {
  private readonly db: Database.Database;

  constructor(file: string, private readonly now: () => number, private readonly maxIdsPerRow: number) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  record(v: RestrictedView): void {
    const ids = v.assetIds.slice(0, this.maxIdsPerRow);
    this.db.prepare(`INSERT INTO restricted_views (at, user_id, username, role, route, network_version, asset_count, asset_ids, ids_truncated)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.now(), v.userId, v.username, v.role, v.route, v.networkVersion, v.assetIds.length,
      JSON.stringify(ids), ids.length < v.assetIds.length ? 1 : 0);
  }

  /**
   * Counts a screening by a 'sites' role against its rate: at most `limit` in the hour before now.
   * Returns the seconds to wait when over (nothing recorded), or 0 when allowed (recorded).
   */
  takeScreening(userId: string, username: string, route: string, limit: number): number {
    const now = this.now();
    return this.db.transaction(() => {
      const oldest = this.db.prepare('SELECT at FROM screenings_by_sites_roles WHERE user_id = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?')
        .get(userId, now - HOUR_MS, limit - 1) as { at: number } | undefined;
      if (oldest) return Math.max(1, Math.ceil((oldest.at + HOUR_MS - now) / 1000));
      this.db.prepare('INSERT INTO screenings_by_sites_roles (at, user_id, username, route) VALUES (?, ?, ?, ?)').run(now, userId, username, route);
      return 0;
    }).immediate();
  }

  /** Newest first. */
  rows(filter: { since?: number; username?: string; before?: number; limit: number }): AuditRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.since !== undefined) { where.push('at >= ?'); args.push(filter.since); }
    if (filter.before !== undefined) { where.push('id < ?'); args.push(filter.before); }
    if (filter.username !== undefined) { where.push('username = ?'); args.push(filter.username); }
    const sql = `SELECT * FROM restricted_views ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as Row[]).map((r) => ({
      id: r.id, at: r.at, userId: r.user_id, username: r.username, role: r.role, route: r.route, networkVersion: r.network_version,
      assetCount: r.asset_count, assetIds: JSON.parse(r.asset_ids) as string[], idsTruncated: r.ids_truncated === 1,
    }));
  }

  close(): void {
    this.db.close();
  }
}
