/**
 * The embedded default store: one SQLite file (better-sqlite3 12), WAL journal, R*Tree indexes on
 * link and node extents in the local frame. Writers are transactional: an import that fails half
 * way leaves the previous network untouched.
 */
import Database from 'better-sqlite3';
import type { LocalFrame } from '../../core/crs';
import type { ImportedNetwork } from '../../core/importNetwork';
import { VERTEX_STRIDE, type CrossSection, type Link, type NetworkNode } from '../../core/model';
import type { LinkQuery, NetworkSnapshot, NetworkStore, NetworkVersion, Rect } from './networkStore';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS network_versions (
  version INTEGER PRIMARY KEY, imported_at TEXT NOT NULL, source TEXT NOT NULL, source_crs TEXT NOT NULL,
  vertical_datum TEXT, links INTEGER NOT NULL, nodes INTEGER NOT NULL, segments INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS links (
  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, utility TEXT NOT NULL, subtype TEXT NOT NULL,
  material TEXT NOT NULL, diameter_mm REAL, width_mm REAL, height_mm REAL, pressure_class TEXT,
  install_year INTEGER, owner TEXT NOT NULL, status TEXT NOT NULL, quality_level TEXT, street TEXT,
  from_node TEXT, to_node TEXT, vertices BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS links_utility ON links (utility);
CREATE VIRTUAL TABLE IF NOT EXISTS links_rtree USING rtree (rid, min_x, max_x, min_y, max_y);
CREATE TABLE IF NOT EXISTS nodes (
  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, node_type TEXT NOT NULL, utility TEXT NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL, ground REAL NOT NULL, normally_open INTEGER,
  operable INTEGER, link TEXT, customer_class TEXT, name TEXT, street TEXT);
CREATE INDEX IF NOT EXISTS nodes_utility ON nodes (utility);
CREATE VIRTUAL TABLE IF NOT EXISTS nodes_rtree USING rtree (rid, min_x, max_x, min_y, max_y);
`;

interface LinkRow {
  id: string; utility: string; subtype: string; material: string; diameter_mm: number | null;
  width_mm: number | null; height_mm: number | null; pressure_class: string | null; install_year: number | null;
  owner: string; status: string; quality_level: string | null; street: string | null;
  from_node: string | null; to_node: string | null; vertices: Buffer;
}

interface NodeRow {
  id: string; node_type: string; utility: string; x: number; y: number; z: number; ground: number;
  normally_open: number | null; operable: number | null; link: string | null; customer_class: string | null;
  name: string | null; street: string | null;
}

function rowToLink(r: LinkRow): Link {
  const section: CrossSection = r.diameter_mm !== null
    ? { shape: 'circular', diameterMm: r.diameter_mm }
    : { shape: 'rect', widthMm: r.width_mm!, heightMm: r.height_mm! };
  // Copy out of the row's Buffer: its memory may be pooled and is not 8-byte aligned.
  const vertices = new Float64Array(r.vertices.byteLength / 8);
  new Uint8Array(vertices.buffer).set(r.vertices);
  return {
    id: r.id, utility: r.utility as Link['utility'], subtype: r.subtype, material: r.material, section,
    pressureClass: r.pressure_class, installYear: r.install_year, owner: r.owner, status: r.status as Link['status'],
    qualityLevel: r.quality_level as Link['qualityLevel'], street: r.street, fromNode: r.from_node, toNode: r.to_node,
    vertices,
  };
}

function rowToNode(r: NodeRow): NetworkNode {
  const bool = (v: number | null) => (v === null ? null : v === 1);
  return {
    id: r.id, nodeType: r.node_type as NetworkNode['nodeType'], utility: r.utility as NetworkNode['utility'],
    x: r.x, y: r.y, z: r.z, ground: r.ground, normallyOpen: bool(r.normally_open), operable: bool(r.operable),
    link: r.link, customerClass: r.customer_class as NetworkNode['customerClass'], name: r.name, street: r.street,
  };
}

function extent(vertices: Float64Array): Rect {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let o = 0; o < vertices.length; o += VERTEX_STRIDE) {
    const x = vertices[o]!, y = vertices[o + 1]!;
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

export class SqliteNetworkStore implements NetworkStore {
  private readonly db: Database.Database;

  /** `readonly`: a reader beside the writer (e.g. the tile cutter's worker thread); the file must exist. */
  constructor(readonly path: string, options: { readonly?: boolean } = {}) {
    if (options.readonly) {
      this.db = new Database(path, { readonly: true, fileMustExist: true });
      return;
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  frame(): LocalFrame | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('frame') as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as LocalFrame) : null;
  }

  currentVersion(): NetworkVersion | null {
    const r = this.db.prepare('SELECT * FROM network_versions ORDER BY version DESC LIMIT 1').get() as
      | { version: number; imported_at: string; source: string; source_crs: string; vertical_datum: string | null; links: number; nodes: number; segments: number }
      | undefined;
    if (!r) return null;
    return {
      version: r.version, importedAt: r.imported_at, source: r.source, sourceCrs: r.source_crs,
      verticalDatum: r.vertical_datum, links: r.links, nodes: r.nodes, segments: r.segments,
    };
  }

  replaceNetwork(network: ImportedNetwork, source: string): NetworkVersion {
    const existing = this.frame();
    if (existing && (existing.originLon !== network.frame.originLon || existing.originLat !== network.frame.originLat)) {
      throw new Error(`replaceNetwork: delivery is in frame ${JSON.stringify(network.frame)}, the project's frame is ${JSON.stringify(existing)}; import with the project's frame`);
    }
    const db = this.db;
    const insertLink = db.prepare(`INSERT INTO links (rid, id, utility, subtype, material, diameter_mm, width_mm, height_mm,
      pressure_class, install_year, owner, status, quality_level, street, from_node, to_node, vertices)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertLinkBox = db.prepare('INSERT INTO links_rtree (rid, min_x, max_x, min_y, max_y) VALUES (?, ?, ?, ?, ?)');
    const insertNode = db.prepare(`INSERT INTO nodes (rid, id, node_type, utility, x, y, z, ground, normally_open, operable,
      link, customer_class, name, street) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertNodeBox = db.prepare('INSERT INTO nodes_rtree (rid, min_x, max_x, min_y, max_y) VALUES (?, ?, ?, ?, ?)');
    const boolInt = (b: boolean | null) => (b === null ? null : b ? 1 : 0);

    const run = db.transaction((): NetworkVersion => {
      db.exec('DELETE FROM links; DELETE FROM links_rtree; DELETE FROM nodes; DELETE FROM nodes_rtree;');
      let segments = 0;
      network.links.forEach((l, i) => {
        const s = l.section;
        insertLink.run(i + 1, l.id, l.utility, l.subtype, l.material,
          s.shape === 'circular' ? s.diameterMm : null, s.shape === 'rect' ? s.widthMm : null, s.shape === 'rect' ? s.heightMm : null,
          l.pressureClass, l.installYear, l.owner, l.status, l.qualityLevel, l.street, l.fromNode, l.toNode,
          Buffer.from(l.vertices.buffer, l.vertices.byteOffset, l.vertices.byteLength));
        const e = extent(l.vertices);
        insertLinkBox.run(i + 1, e.minX, e.maxX, e.minY, e.maxY);
        segments += l.vertices.length / VERTEX_STRIDE - 1;
      });
      network.nodes.forEach((n, i) => {
        insertNode.run(i + 1, n.id, n.nodeType, n.utility, n.x, n.y, n.z, n.ground, boolInt(n.normallyOpen), boolInt(n.operable),
          n.link, n.customerClass, n.name, n.street);
        insertNodeBox.run(i + 1, n.x, n.x, n.y, n.y);
      });
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('frame', JSON.stringify(network.frame));
      const previous = this.currentVersion()?.version ?? 0;
      const version: NetworkVersion = {
        version: previous + 1, importedAt: new Date().toISOString(), source, sourceCrs: network.sourceCrs,
        verticalDatum: network.verticalDatum, links: network.links.length, nodes: network.nodes.length, segments,
      };
      db.prepare(`INSERT INTO network_versions (version, imported_at, source, source_crs, vertical_datum, links, nodes, segments)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(version.version, version.importedAt, source, version.sourceCrs,
        version.verticalDatum, version.links, version.nodes, version.segments);
      return version;
    });
    return run();
  }

  links(query: LinkQuery = {}): Link[] {
    return this.spatialSelect('links', query, rowToLink);
  }

  /**
   * One read transaction: in WAL mode its first SELECT fixes the snapshot every later read in it sees,
   * so an import another connection commits meanwhile is not half seen (it is seen by the next call).
   */
  snapshot(): NetworkSnapshot | null {
    return this.readConsistent((): NetworkSnapshot | null => {
      const version = this.currentVersion();
      if (!version) return null;
      return { version, frame: this.frame()!, links: this.links() };
    });
  }

  readConsistent<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  link(id: string): Link | null {
    const r = this.db.prepare('SELECT * FROM links WHERE id = ?').get(id) as LinkRow | undefined;
    return r ? rowToLink(r) : null;
  }

  nodes(query: LinkQuery = {}): NetworkNode[] {
    return this.spatialSelect('nodes', query, rowToNode);
  }

  /**
   * Rows of `table` filtered by utility and by the R*Tree of their extents, each made into what it
   * stands for as it is read: the rows of a whole table (with their vertex Buffers) are never all
   * held at once beside what they become (reading the large city's 160,062 lines peaked at 336 MB
   * of RSS with `.all()`, 218 MB so; the reports' job reading them 361–366 MB before, 242–251 after:
   * bench/reportMemory.ts, src/server/README.md).
   */
  private spatialSelect<R, T>(table: 'links' | 'nodes', query: LinkQuery, make: (row: R) => T): T[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.utility) { where.push('t.utility = ?'); params.push(query.utility); }
    let from = `${table} t`;
    if (query.bbox) {
      from += ` JOIN ${table}_rtree r ON r.rid = t.rid`;
      where.push('r.max_x >= ? AND r.min_x <= ? AND r.max_y >= ? AND r.min_y <= ?');
      params.push(query.bbox.minX, query.bbox.maxX, query.bbox.minY, query.bbox.maxY);
    }
    const sql = `SELECT t.* FROM ${from}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY t.rid`;
    const out: T[] = [];
    for (const row of this.db.prepare(sql).iterate(...params)) out.push(make(row as R));
    return out;
  }

  countsByUtility(): Record<string, { links: number; nodes: number }> {
    const out: Record<string, { links: number; nodes: number }> = {};
    for (const r of this.db.prepare('SELECT utility, COUNT(*) c FROM links GROUP BY utility').all() as { utility: string; c: number }[]) {
      out[r.utility] = { links: r.c, nodes: 0 };
    }
    for (const r of this.db.prepare('SELECT utility, COUNT(*) c FROM nodes GROUP BY utility').all() as { utility: string; c: number }[]) {
      (out[r.utility] ??= { links: 0, nodes: 0 }).nodes = r.c;
    }
    return out;
  }

  close(): void {
    this.db.close();
  }
}
