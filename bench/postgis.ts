/**
 * The throwaway PostgreSQL 15 + PostGIS 3 cluster the screening peers share (screeningPeers.ts for open
 * cuts, screeningPeersWorks.ts for trenches, bores and piles): installed with apt-get if missing,
 * started in a temp dir on 127.0.0.1, stopped and deleted at the end (also on failure, and by a
 * watchdog if the bench is killed); psql over the unix socket; the network's segments loaded as
 * LINESTRING Z (SRID 0, local metres) with a 2D GiST index and each segment's tolerance as screen.ts
 * computes it, so PostGIS decides only the geometry.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUALITY_LEVELS, UTILITY_TYPES } from '../src/core/model';
import { horizontalUncertaintyAt, uncertaintyDepth, verticalUncertaintyAt, type PositionalUncertainty, type ScreeningRules } from '../src/core/screening/rules';
import { QUALITY_UNKNOWN, type SegmentTable } from '../src/core/screening/segmentTable';
import { percentile } from './stats';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const POSTGIS_CONTROL = '/usr/share/postgresql/15/extension/postgis.control';

export const sec = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** Cleanups run once at exit, on SIGINT/SIGTERM, or when the bench calls cleanUp(). */
export const cleanups: (() => void)[] = [];
export const cleanUp = (): void => { for (const f of cleanups.splice(0)) { try { f(); } catch (e) { console.error("CLEANUP", e); } } };
process.on('exit', cleanUp);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { cleanUp(); process.exit(130); });

/** The depth segment s's uncertainty is taken at (the network's deepest line where the ground is unknown), and its quality's uncertainty. */
function segmentUncertainty(t: SegmentTable, s: number, rules: ScreeningRules): { depth: number; known: boolean; unc: PositionalUncertainty } {
  const c = t.coords, o = s * 6;
  const q = t.linkQuality[t.linkOfSegment[s]!]!;
  const h = Math.max(t.segmentGround[2 * s]! - c[o + 2]!, t.segmentGround[2 * s + 1]! - c[o + 5]!);
  const known = !Number.isNaN(h);
  return { depth: known ? h : t.maxCentrelineDepth, known, unc: rules.positionalUncertainty[QUALITY_LEVELS[q === QUALITY_UNKNOWN ? 3 : q]!] };
}

/** Tolerance of segment s exactly as screen.ts computes it (clearance + max(h, v uncertainty at depth)). */
export function toleranceOf(t: SegmentTable, s: number, rules: ScreeningRules, ruleSet: string): number {
  const { depth, unc } = segmentUncertainty(t, s, rules);
  return rules.ruleSets[ruleSet]!.clearances[UTILITY_TYPES[t.linkUtility[t.linkOfSegment[s]!]!]!].value +
    Math.max(horizontalUncertaintyAt(unc, depth), verticalUncertaintyAt(unc, depth));
}

/**
 * The GiST index on `table`.geom. PostgreSQL 15 builds a PostGIS 2D GiST index by sorting the boxes
 * (sortsupport) unless told otherwise; built by insertion (`buffering = on`) it is 12% larger and a
 * search through it is cheaper (bench/README.md, "PostGIS's advocate"), so the peers get that one:
 * their best case.
 */
export const gistIndexSql = (table: string, buffering = true): string =>
  `CREATE INDEX ${table}_geom ON ${table} USING gist (geom)${buffering ? ' WITH (buffering = on)' : ''};`;

/**
 * Writes the table's segments to `<dir>/<name>.csv` (its Float64 coordinates, its float32-rounded-up
 * radius, each one's tolerance) and returns the SQL that loads them into table `name` with a GiST
 * index (gistIndexSql), and the widest tolerance.
 */
export function segmentsCsv(c: Cluster, name: string, t: SegmentTable, rules: ScreeningRules, ruleSet: string, buffering = true): { sql: string; maxTol: number } {
  const out: string[] = [];
  let maxTol = 0;
  const co = t.coords;
  for (let s = 0; s < t.segmentCount; s++) {
    const o = s * 6, tol = toleranceOf(t, s, rules, ruleSet);
    if (tol > maxTol) maxTol = tol;
    out.push(`${s},${t.linkOfSegment[s]},${co[o]},${co[o + 1]},${co[o + 2]},${co[o + 3]},${co[o + 4]},${co[o + 5]},${t.radius[s]},${tol}`);
  }
  const file = join(c.dir, `${name}.csv`);
  writeFileSync(file, out.join('\n') + '\n');
  const sql = `
    CREATE TABLE ${name}_raw (id int, link int, x0 float8, y0 float8, z0 float8, x1 float8, y1 float8, z1 float8, radius float8, tol float8);
    COPY ${name}_raw FROM '${file}' (FORMAT csv);
    CREATE TABLE ${name} AS SELECT id, link, radius, tol,
      ST_MakeLine(ST_MakePoint(x0, y0, z0), ST_MakePoint(x1, y1, z1))::geometry(LineStringZ, 0) AS geom FROM ${name}_raw;
    ${gistIndexSql(name, buffering)}
    DROP TABLE ${name}_raw;
    VACUUM ANALYZE ${name};`;
  return { sql, maxTol };
}

/**
 * The same segments as segmentsCsv, one row per line as a network is stored in a GIS (`<name>`: link,
 * radius, `tols` the tolerance of each segment in order, `geom` a LINESTRING Z through the line's
 * vertices) with a GiST index. A line whose segments do not chain end to start (a dropped zero-length
 * or non-finite segment between them) is split into one row per chained run, so each row's k-th
 * segment (ST_DumpSegments path k) is the table's segment `first + k − 1`, its tolerance `tols[k]`.
 */
export function linesCsv(c: Cluster, name: string, t: SegmentTable, rules: ScreeningRules, ruleSet: string): { sql: string; rows: number } {
  const out: string[] = [];
  const co = t.coords;
  let rows = 0;
  for (let s = 0; s < t.segmentCount;) {
    const link = t.linkOfSegment[s]!;
    let e = s + 1;
    while (e < t.segmentCount && t.linkOfSegment[e] === link &&
      co[e * 6] === co[e * 6 - 3] && co[e * 6 + 1] === co[e * 6 - 2] && co[e * 6 + 2] === co[e * 6 - 1]) e++;
    const pts: string[] = [`${co[s * 6]} ${co[s * 6 + 1]} ${co[s * 6 + 2]}`];
    const tols: number[] = [];
    for (let k = s; k < e; k++) {
      pts.push(`${co[k * 6 + 3]} ${co[k * 6 + 4]} ${co[k * 6 + 5]}`);
      tols.push(toleranceOf(t, k, rules, ruleSet));
    }
    out.push(`${link},${t.radius[s]},"{${tols.join(',')}}","LINESTRING Z (${pts.join(',')})"`);
    rows++;
    s = e;
  }
  const file = join(c.dir, `${name}.csv`);
  writeFileSync(file, out.join('\n') + '\n');
  const sql = `
    CREATE TABLE ${name}_raw (link int, radius float8, tols float8[], wkt text);
    COPY ${name}_raw FROM '${file}' (FORMAT csv);
    CREATE TABLE ${name} AS SELECT link, radius, tols, ST_GeomFromText(wkt)::geometry(LineStringZ, 0) AS geom FROM ${name}_raw;
    ${gistIndexSql(name)}
    DROP TABLE ${name}_raw;
    VACUUM ANALYZE ${name};`;
  return { sql, rows };
}

/**
 * What a permit's answer needs besides the geometry, as a GIS keeps it beside the network (the
 * peers' full-answer query, screeningPeers.ts `fullDigQuery`): `${name}_attr` per segment (its vertex
 * number on its line, both ends' coordinates, the depth h the uncertainty is taken at and whether
 * the ground was known, the horizontal and vertical uncertainty there), `line_attr` per line (its id,
 * utility, quality level), `clearances` per utility (the rule set's value and its source), each with
 * a primary key. Precomputed as screen.ts computes them for a listed line (ruleContext.ts,
 * rules.ts): the peer only looks them up, its best case.
 */
export function detailsCsv(c: Cluster, name: string, t: SegmentTable, rules: ScreeningRules, ruleSet: string): string {
  const co = t.coords;
  const seg: string[] = [];
  for (let s = 0; s < t.segmentCount; s++) {
    const o = s * 6, { depth, known, unc } = segmentUncertainty(t, s, rules);
    seg.push(`${s},${t.segmentVertex[s]},${co[o]},${co[o + 1]},${co[o + 2]},${co[o + 3]},${co[o + 4]},${co[o + 5]},` +
      `${uncertaintyDepth(unc, depth)},${known},${horizontalUncertaintyAt(unc, depth)},${verticalUncertaintyAt(unc, depth)}`);
  }
  const csv = (v: string): string => `"${v.replace(/"/g, '""')}"`;
  const lines = t.linkIds.map((id, l) => `${l},${csv(id)},${UTILITY_TYPES[t.linkUtility[l]!]},${t.linkQuality[l] === QUALITY_UNKNOWN ? '' : QUALITY_LEVELS[t.linkQuality[l]!]}`);
  const clearances = Object.entries(rules.ruleSets[ruleSet]!.clearances).map(([u, r]) => `${u},${r.value},${csv(r.source)}`);
  const file = (f: string, rows: string[]): string => { const path = join(c.dir, `${name}_${f}.csv`); writeFileSync(path, rows.join('\n') + '\n'); return path; };
  return `
    CREATE TABLE ${name}_attr (id int PRIMARY KEY, vertex int, x0 float8, y0 float8, z0 float8, x1 float8, y1 float8, z1 float8,
      depth float8, depth_known bool, hunc float8, vunc float8);
    COPY ${name}_attr FROM '${file('attr', seg)}' (FORMAT csv);
    CREATE TABLE line_attr (link int PRIMARY KEY, ext_id text, utility text, quality text);
    COPY line_attr FROM '${file('lines', lines)}' (FORMAT csv);
    CREATE TABLE clearances (utility text PRIMARY KEY, value float8, source text);
    COPY clearances FROM '${file('clearances', clearances)}' (FORMAT csv);
    VACUUM ANALYZE ${name}_attr, line_attr, clearances;`;
}

/**
 * The segment table `segs` with detailsCsv's per-segment and per-line columns in each row, as table
 * `name` with its GiST index (gistIndexSql): what fullDigQuery reads with `wide` (only the rule set's
 * clearances joined). A GIS keeps a network's segments with their line's attributes this way as often
 * as in keyed tables beside it, and at 1M segments the joins were a good part of the full answer's
 * time (bench/README.md, "PostGIS's advocate").
 */
export function wideSegmentsSql(segs: string, details: string, name: string, buffering = true): string {
  return `
    CREATE TABLE ${name} AS SELECT s.*, a.vertex, a.x0, a.y0, a.z0, a.x1, a.y1, a.z1, a.depth, a.depth_known, a.hunc, a.vunc,
      l.ext_id, l.utility, l.quality FROM ${segs} s JOIN ${details}_attr a USING (id) JOIN line_attr l USING (link) ORDER BY s.id;
    ${gistIndexSql(name, buffering)}
    VACUUM ANALYZE ${name};`;
}

export class Skip extends Error {}

export function run(cmd: string, args: string[], opts: { asPostgres?: boolean; input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const [c, a] = opts.asPostgres && process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return spawnSync(c, a, { encoding: 'utf8', maxBuffer: 1 << 30, input: opts.input, env: opts.env ?? process.env });
}

export function firstLine(r: SpawnSyncReturns<string>): string {
  return (r.error?.message ?? `${r.stderr}${r.stdout}`).trim().split('\n').filter(Boolean).slice(-3).join(' / ') || `exit ${r.status}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * PG_STOCK=1: the server as apt installs it (PostgreSQL's defaults: shared_buffers 128 MB, jit on,
 * fsync on), only its port, socket and address set; otherwise tuned for reads (shared_buffers 1 GB,
 * jit off) and for a fast load (fsync off).
 */
const STOCK = process.env['PG_STOCK'] === '1';

export interface Cluster { dir: string; data: string; port: number; stop(): void }

export async function startCluster(): Promise<Cluster> {
  if (!existsSync(`${PG_BIN}/postgres`) || !existsSync(POSTGIS_CONTROL)) {
    if (process.getuid?.() !== 0) throw new Skip('PostgreSQL 15 / PostGIS 3 not installed and not root to apt-get them');
    const t = performance.now();
    console.log('  installing postgresql-15-postgis-3 with apt-get ...');
    const r = run('apt-get', ['install', '-y', '-q', 'postgresql-15-postgis-3'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0 || !existsSync(POSTGIS_CONTROL)) throw new Skip(`apt-get install postgresql-15-postgis-3 failed: ${firstLine(r)}`);
    console.log(`  installed in ${sec(t)}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'undergrid-pg-'));
  let started = false;
  const data = join(dir, 'data');
  // A watchdog outside our process group stops and deletes the cluster once this process is gone, even
  // if it is SIGKILLed (tsx kills a child that is busy in a sync call 60 ms after Ctrl-C).
  const asPg = process.getuid?.() === 0 ? 'runuser -u postgres -- ' : '';
  const watchdog = spawn('sh', ['-c', `while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; ` +
    `[ -d "$2" ] && ${asPg}"${PG_BIN}/pg_ctl" -D "$2" -m immediate -w stop >/dev/null 2>&1; rm -rf "$3"`,
  'undergrid-pg-watchdog', String(process.pid), data, dir], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  const stop = (): void => {
    if (started) run(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', 'stop'], { asPostgres: true });
    started = false;
    rmSync(dir, { recursive: true, force: true });
    if (watchdog.pid !== undefined && watchdog.exitCode === null) { try { process.kill(watchdog.pid); } catch { /* gone */ } }
  };
  cleanups.push(stop);
  if (process.getuid?.() === 0) {
    const id = (flag: string): number => Number(run('id', [flag, 'postgres']).stdout.trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  let r = run(`${PG_BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], { asPostgres: true });
  if (r.status !== 0) throw new Skip(`initdb failed: ${firstLine(r)}`);
  const port = await freePort();
  const settings = [
    `-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c shared_buffers=1GB', '-c work_mem=64MB',
    '-c maintenance_work_mem=1GB', '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c jit=off',
    '-c dynamic_shared_memory_type=mmap', '-c max_wal_size=4GB',
  ].filter((x) => !STOCK || /^-[pk] |listen|dynamic_shared/.test(x)).join(' ');
  r = run(`${PG_BIN}/pg_ctl`, ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', settings, 'start'], { asPostgres: true });
  started = true;
  if (r.status !== 0) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').slice(-2).join(' / ') : '';
    throw new Skip(`pg_ctl start failed: ${firstLine(r)} ${log}`);
  }
  return { dir, data, port, stop };
}

export function psql(c: Cluster, file: string): string {
  const r = run(`${PG_BIN}/psql`, ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-h', c.dir, '-p', String(c.port), '-U', 'postgres', '-d', 'postgres', '-f', file]);
  // stderr holds psql's error; its stdout may be long (a plan, rows) and would hide it.
  if (r.status !== 0) throw new Error(`psql ${file} failed: ${r.stderr.trim() ? r.stderr.trim().split('\n').filter((l) => /ERROR|DETAIL|HINT/.test(l)).join(' / ') || r.stderr.trim().split('\n').slice(-3).join(' / ') : firstLine(r)}`);
  return r.stdout;
}

/** CREATE EXTENSION postgis; returns "15.x / PostGIS 3.x". */
export function postgisVersion(c: Cluster): string {
  const version = run(`${PG_BIN}/psql`, ['-X', '-q', '-A', '-t', '-h', c.dir, '-p', String(c.port), '-U', 'postgres', '-c',
    "CREATE EXTENSION IF NOT EXISTS postgis; SELECT split_part(version(), ' ', 2) || ' / PostGIS ' || postgis_lib_version()"]);
  if (version.status !== 0) throw new Error(`CREATE EXTENSION postgis failed: ${firstLine(version)}`);
  return version.stdout.trim();
}

const num = (v: number): string => String(v);

/** A plan polygon (no closing vertex) as WKT POLYGON. */
export function footprintWkt(f: readonly (readonly [number, number])[]): string {
  const ring = [...f, f[0]!];
  return `POLYGON((${ring.map(([x, y]) => `${num(x)} ${num(y)}`).join(',')}))`;
}

/**
 * SQL: WKT expression `wkt`'s geometry as WKB (bytea), made once at load so that a timed query takes
 * the geometry as a client library sends one (`ST_GeomFromWKB`) instead of parsing decimal text
 * (a third of the open-cut verdict query, bench/README.md "PostGIS's advocate"). The same doubles:
 * footprintWkt and prismWkt write each coordinate as its shortest round-trip decimal, which the
 * parser reads back exactly. NULL in, NULL out.
 */
export const wkbFromWktSql = (wkt: string): string => `ST_AsBinary(ST_GeomFromText(${wkt}))`;

/**
 * A prism over a plan polygon (no closing vertex) as a closed POLYHEDRALSURFACE Z: the bottom (at
 * bottomAt[k] under vertex k: flat or a sloped plane), the top at topZ, one quad per wall.
 */
export function prismWkt(f: readonly (readonly [number, number])[], bottomAt: readonly number[], topZ: number): string {
  const n = f.length;
  const pt = (k: number, z: number): string => `${num(f[k % n]![0])} ${num(f[k % n]![1])} ${num(z)}`;
  const bottom = (k: number): number => bottomAt[k % n]!;
  const faces: string[] = [];
  const ring = (ks: number[], z: (k: number) => number): string => `((${[...ks, ks[0]!].map((k) => pt(k, z(k))).join(',')}))`;
  faces.push(ring([...Array(n).keys()].reverse(), bottom));
  faces.push(ring([...Array(n).keys()], () => topZ));
  for (let k = 0; k < n; k++) {
    faces.push(`((${[pt(k, bottom(k)), pt(k + 1, bottom(k + 1)), pt(k + 1, topZ), pt(k, topZ), pt(k, bottom(k))].join(',')}))`);
  }
  return `POLYHEDRALSURFACE Z (${faces.join(',')})`;
}

/**
 * psql lines timing `query` once per row of `rows` (ordered by id, the row as record `w`) server-side in
 * PL/pgSQL (clock_timestamp; the plan cached after the first), 3 passes, and printing rows
 * 'T|id|ms' for the last two (the first warms).
 */
export function serverTimingSql(rows: string, query: string, into = 'timings', consume: 'count' | 'rows' = 'count'): string {
  // 'rows' fetches every row whole: under count(*) PostgreSQL replaces a subquery's unused output
  // columns with NULLs, so columns computed only for the answer (closest points, plan distances)
  // would not be timed.
  const body = consume === 'count' ? `SELECT count(*) INTO n FROM (${query}) q;` : `n := 0; FOR r IN ${query} LOOP n := n + 1; END LOOP;`;
  return `CREATE TEMP TABLE ${into} (run int, id int, ms float8);
DO $$
DECLARE w record; r record; t0 timestamptz; n int; BEGIN
  FOR pass IN 1..3 LOOP
    FOR w IN SELECT * FROM ${rows} ORDER BY id LOOP
      t0 := clock_timestamp();
      ${body}
      INSERT INTO ${into} VALUES (pass, w.id, 1000 * extract(epoch FROM clock_timestamp() - t0));
    END LOOP;
  END LOOP;
END $$;
SELECT 'T', id, ms FROM ${into} WHERE run > 1 ORDER BY run, id;`;
}

/**
 * One turn of PostGIS in a bench where ours and PostGIS take turns: serverTimingSql of `query` over
 * `rows` in a psql session of its own (after `preamble`, e.g. a SET), written to `name`.sql in the
 * cluster's folder; the p50 of its timed passes (ms). `expected`: the timings it must give.
 */
export function serverTurn(c: Cluster, name: string, rows: string, query: string, consume: 'count' | 'rows', expected: number, preamble = ''): number {
  const file = join(c.dir, `${name}.sql`);
  writeFileSync(file, `${preamble}\n${serverTimingSql(rows, query, `${name}_timings`, consume)}\n`);
  const times = psql(c, file).split('\n').filter((l) => l.startsWith('T|')).map((l) => Number(l.split('|')[2]));
  if (times.length !== expected) throw new Error(`${name}: ${times.length} server timings, expected ${expected}`);
  return percentile(times, 50);
}
