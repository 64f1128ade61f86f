/**
 * Saved burst incidents: their own SQLite file (incidents.sqlite in the data folder), so the
 * network store's schema is untouched. One row per incident, written in one transaction; the id
 * is random (not a counter) so a link to one incident does not reveal the others.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { BurstTrace, Incident } from '../../protocol/burstApi';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (
  id TEXT PRIMARY KEY, created_at TEXT NOT NULL, network_version INTEGER NOT NULL, link_id TEXT NOT NULL,
  failed_valves TEXT NOT NULL, nearby_distance REAL NOT NULL, route_from TEXT NOT NULL, note TEXT NOT NULL,
  trace TEXT NOT NULL);
`;

/** 9 random bytes: 12 base64url characters. */
const ID_BYTES = 9;

interface IncidentRow {
  id: string; created_at: string; network_version: number; link_id: string; failed_valves: string;
  nearby_distance: number; route_from: string; note: string; trace: string;
}

export class IncidentStore {
  private readonly db: Database.Database;

  constructor(readonly path: string, private readonly now: () => Date = () => new Date()) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  save(input: Omit<Incident, 'id' | 'createdAt' | 'trace'>, trace: BurstTrace): Incident {
    const incident: Incident = { ...input, id: randomBytes(ID_BYTES).toString('base64url'), createdAt: this.now().toISOString(), trace };
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO incidents (id, created_at, network_version, link_id, failed_valves, nearby_distance, route_from, note, trace)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(incident.id, incident.createdAt, incident.networkVersion, incident.linkId,
        JSON.stringify(incident.failedValves), incident.nearbyDistance, incident.routeFrom, incident.note, JSON.stringify(trace));
    })();
    return incident;
  }

  get(id: string): Incident | null {
    const r = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    if (!r) return null;
    return {
      id: r.id, createdAt: r.created_at, networkVersion: r.network_version, linkId: r.link_id,
      failedValves: JSON.parse(r.failed_valves) as string[], nearbyDistance: r.nearby_distance, routeFrom: r.route_from,
      note: r.note, trace: JSON.parse(r.trace) as BurstTrace,
    };
  }

  close(): void {
    this.db.close();
  }
}
