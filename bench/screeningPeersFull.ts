/**
 * PostGIS's full answer to a permit (postgisQueries.ts `fullDigQuery`) and its verdicts (`digQuery`),
 * written other ways by an expert PostGIS user, on the network and digs of screeningPeers.ts (same
 * generator and seed), timed in the same run against both as first written (`full_first`: the dig as
 * WKT, ST_Intersection on every deciding segment, attributes joined by key; `verdicts`: WKT), with
 * PostgreSQL's own GiST build (sorted) on `segs`. Each variant's rows are compared field by field with
 * the first-written query's; a variant whose rows differ says so.
 *
 *   tables   besides segs, built after the load for the variants that read them: segs_b (GiST built
 *            by insertion, buffering = on), segs_c (CLUSTERed on its GiST index), segs_n (n-D GiST
 *            index, gist_geometry_ops_nd: boxes in z too), segv and segvb (one wide table with the
 *            segment's and its line's attributes; segvb's index built by insertion).
 *   timing   each variant server-side as screeningPeers.ts times the full answer (serverTimingSql
 *            'rows': every row fetched whole; 3 passes over the 1,000 digs, the first warms), in ROUNDS
 *            rounds taken in turn, with session settings where the variant has them (plan cache mode).
 *            jit is not a variant: at its default thresholds it never compiles these queries (cost ~600
 *            against jit_above_cost 100,000), and forced (thresholds 0) it spent 180-350 ms compiling
 *            each one.
 *
 * Also: the execution time EXPLAIN (ANALYZE, TIMING OFF) gives for every EXPLAIN_EVERY-th dig, against
 * the PL/pgSQL loop's time for the same digs (is the loop fair to PostGIS?), and the full answer under
 * count(*), which lets PostgreSQL drop the answer's columns.
 *
 * Run: npx tsx bench/screeningPeersFull.ts [segments] [variant…]   (default 1,000,000; all variants)
 * PG_HOLD=1: after the load, print the cluster's psql command and wait until `<dir>/release` exists.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import rulesJson from '../data/rules/screening.json';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { cleanUp, detailsCsv, gistIndexSql, PG_BIN, postgisVersion, psql, sec, segmentsCsv, serverTimingSql, startCluster, wideSegmentsSql } from './postgis';
import { digQuery, digsSql, fullDigQuery, NOTIFY, SLACK, type FullDigOptions } from './postgisQueries';
import { percentile, timeEach } from './stats';
import { peersCity, PEERS_SEED } from './syntheticNetwork';

const DIGS = 1000;
const ROUNDS = 3;
/** Digs timed with EXPLAIN ANALYZE (every tenth). */
const EXPLAIN_EVERY = 10;
const RULES = validateScreeningRules(rulesJson);
const RULE_SET = RULES.defaultRuleSet;

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
const us = (ms: number): string => (ms * 1000).toFixed(1);
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const { links, digs } = peersCity(Number(process.argv[2] ?? 1_000_000), DIGS);
const table = buildSegmentTable(links);
const index = buildSegmentIndex(table);

/** Ours, warm (3 passes), then 5 timed passes: p50 ms, as screeningPeers.ts. */
function oursP50(): number {
  for (let pass = 0; pass < 3; pass++) for (const d of digs) screenExcavation(table, index, d, RULES, RULE_SET);
  return percentile(timeEach(digs, 5, (d) => screenExcavation(table, index, d, RULES, RULE_SET)), 50);
}

type Query = (solid: string, fp: string, bottom: string, top: string, reach: number) => string;
/** How the dig reaches the query: WKT text (as screeningPeers.ts sends it) or WKB, as a client library sends a geometry. */
const WKT = { solid: (p: string): string => `ST_GeomFromText(${p})`, col: { solid: 'solid', fp: 'fp' }, type: 'text' };
const WKB = { solid: (p: string): string => `ST_GeomFromWKB(${p})`, col: { solid: 'solid_wkb', fp: 'fp_wkb' }, type: 'bytea' };
interface Variant {
  name: string;
  /** What it is, for the table. */
  what: string;
  full: boolean;
  query: Query;
  input: typeof WKT;
  /** Session settings while it is timed (reset after). */
  set?: string;
  /** The segment table it needs besides segs (built after the load). */
  table?: string;
}

const full = (o: FullDigOptions): Query => (solid, fp, bottom, top, reach) => fullDigQuery(solid, fp, bottom, top, reach, o);
const verdicts = (from: string): Query => (solid, fp, bottom, top, reach) => digQuery(solid, fp, bottom, top, reach, from);
const VARIANTS: Variant[] = [
  { name: 'verdicts', what: 'digQuery as screeningPeers.ts times it (WKT)', full: false, query: verdicts('segs'), input: WKT },
  { name: 'verdicts_wkb', what: 'the same, the dig as WKB', full: false, query: verdicts('segs'), input: WKB },
  { name: 'verdicts_wkb_buffered', what: '… GiST index built by insertion (buffering = on)', full: false, query: verdicts('segs_b'), input: WKB, table: 'segs_b' },
  { name: 'verdicts_wkb_clustered', what: '… table CLUSTERed on its GiST index', full: false, query: verdicts('segs_c'), input: WKB, table: 'segs_c' },
  { name: 'verdicts_wkb_nd', what: '… n-D GiST index (gist_geometry_ops_nd)', full: false, query: verdicts('segs_n'), input: WKB, table: 'segs_n' },
  { name: 'full_first', what: 'fullDigQuery as first written (0be4476: ST_Intersection on every deciding segment; WKT)', full: true, query: full({ intersectEverywhere: true }), input: WKT },
  { name: 'full', what: 'fullDigQuery now: ST_Intersection only where the axis is over the footprint (WKT)', full: true, query: full({}), input: WKT },
  { name: 'full_wkb', what: 'the same, the dig as WKB', full: true, query: full({}), input: WKB },
  { name: 'full_wkb_wide', what: '… segment and line attributes in the segment table (no joins but clearances)', full: true, query: full({ from: 'segv', wide: true }), input: WKB, table: 'segv' },
  { name: 'full_wkb_buffered', what: '… GiST index built by insertion (buffering = on)', full: true, query: full({ from: 'segs_b' }), input: WKB, table: 'segs_b' },
  { name: 'full_wkb_clustered', what: '… table CLUSTERed on its GiST index', full: true, query: full({ from: 'segs_c' }), input: WKB, table: 'segs_c' },
  { name: 'full_wkb_nd', what: '… n-D GiST index (gist_geometry_ops_nd)', full: true, query: full({ from: 'segs_n' }), input: WKB, table: 'segs_n' },
  { name: 'full_wkb_wide_buffered', what: 'WKB, one wide table, its GiST index built by insertion: all of the above that helped', full: true, query: full({ from: 'segvb', wide: true }), input: WKB, table: 'segvb' },
  { name: 'full_wkb_generic', what: '… plan_cache_mode = force_generic_plan', full: true, query: full({}), input: WKB, set: 'SET plan_cache_mode = force_generic_plan' },
];
const TABLES: Record<string, string> = {
  segs_b: `CREATE TABLE segs_b AS SELECT * FROM segs ORDER BY id; ${gistIndexSql('segs_b')}`,
  segs_c: `CREATE TABLE segs_c AS SELECT * FROM segs ORDER BY id; ${gistIndexSql('segs_c', false)} CLUSTER segs_c USING segs_c_geom;`,
  segs_n: 'CREATE TABLE segs_n AS SELECT * FROM segs ORDER BY id; CREATE INDEX segs_n_geom ON segs_n USING gist (geom gist_geometry_ops_nd);',
  segv: wideSegmentsSql('segs', 'seg', 'segv', false),
  segvb: wideSegmentsSql('segs', 'seg', 'segvb'),
};
/** Variants EXPLAIN ANALYZE also times (item 3: is the PL/pgSQL loop fair to PostGIS?). */
const EXPLAINED = ['verdicts', 'full', 'full_wkb'];

const wanted = process.argv.slice(3);
const variants = wanted.length ? VARIANTS.filter((v) => ['verdicts', 'full_first', 'full'].includes(v.name) || wanted.includes(v.name)) : VARIANTS;
const id = (v: Variant): string => v.name;

console.log(`PostGIS full-answer variants: ${table.segmentCount.toLocaleString('en')} segments, ${DIGS} digs, ${ROUNDS} rounds; load ${load()} at start`);
const oursBefore = oursP50();
console.log(`ours p50 ${us(oursBefore)} µs (load ${load()})`);

const c = await startCluster();
try {
  const version = postgisVersion(c);
  const t = performance.now();
  // segs as PostgreSQL builds a GiST index unless told otherwise (sorted), the other tables beside it.
  const segs = segmentsCsv(c, 'segs', table, RULES, RULE_SET, false);
  const details = detailsCsv(c, 'seg', table, RULES, RULE_SET);
  const extra = [...new Set(variants.map((v) => v.table).filter((x): x is string => x !== undefined))];
  writeFileSync(join(c.dir, 'load.sql'), `${segs.sql}${details}${digsSql(c, digs)}
    ${extra.map((x) => `${TABLES[x]}\n    VACUUM ANALYZE ${x};`).join('\n    ')}
    SELECT relname, pg_size_pretty(pg_relation_size(oid)) FROM pg_class WHERE relname IN (${['segs', ...extra].map((x) => `'${x}_geom'`).join(', ')}) ORDER BY 1;`);
  const sizes = psql(c, join(c.dir, 'load.sql')).trim().split('\n').map((l) => l.replace('|', ' ')).join(', ');
  console.log(`PostgreSQL ${version}; loaded (segs${extra.map((x) => ` + ${x}`).join('')}) in ${sec(t)}; GiST index sizes: ${sizes}`);
  const reach = Math.max(NOTIFY, segs.maxTol) + table.maxRadius + SLACK;
  const sqlOf = (v: Variant, solid = `w.${v.input.col.solid}`, fp = `w.${v.input.col.fp}`, bottom = 'w.bottom', top = 'w.top'): string =>
    v.query(v.input.solid(solid), v.input.solid(fp), bottom, top, reach);

  if (process.env['PG_HOLD'] === '1') {
    for (const v of variants) writeFileSync(join(c.dir, `${v.name}.sql`), sqlOf(v));
    console.log(`holding: ${PG_BIN}/psql -X -h ${c.dir} -p ${c.port} -U postgres; queries in ${c.dir}/<variant>.sql (w.solid etc.); touch ${c.dir}/release to go on`);
    while (!existsSync(join(c.dir, 'release'))) await new Promise((r) => setTimeout(r, 1000));
  }

  // Each variant's rows for every dig, in its own order (row_number over the sorted answer).
  const rowsSql = variants.map((v) => `\\echo @@ROWS|${id(v)}
SELECT w.id, q.* FROM digs w CROSS JOIN LATERAL (SELECT row_number() OVER () AS k, q0.* FROM (${sqlOf(v)}) q0) q ORDER BY w.id, q.k;`).join('\n');
  // Plans (the index each uses).
  const planSql = variants.map((v) => `\\echo @@PLAN|${id(v)}
EXPLAIN (COSTS OFF) SELECT q.* FROM digs w CROSS JOIN LATERAL (${sqlOf(v)}) q WHERE w.id = 0;`).join('\n');
  // Timings: ROUNDS rounds, the variants in turn in each.
  const timingSql: string[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    for (const v of variants) {
      timingSql.push(`\\echo @@TIME|${id(v)}|${r}
${v.set ? `${v.set};` : ''}
${serverTimingSql('digs', sqlOf(v), `t_${id(v)}_${r}`, 'rows')}
${v.set ? 'RESET ALL;' : ''}`);
    }
  }
  // Item 3: EXPLAIN (ANALYZE, TIMING OFF) execution time for every EXPLAIN_EVERY-th dig (the second of two runs).
  const explainSql = variants.filter((v) => EXPLAINED.includes(v.name)).map((v) => `\\echo @@EXPLAIN|${id(v)}
DO $$ DECLARE j json; w record; BEGIN
  CREATE TEMP TABLE IF NOT EXISTS explained (variant text, id int, ms float8);
  FOR w IN SELECT * FROM digs WHERE id % ${EXPLAIN_EVERY} = 0 ORDER BY id LOOP
    FOR k IN 1..2 LOOP
      EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || ${lit(sqlOf(v, '$1', '$2', '$3', '$4'))} INTO j USING w.${v.input.col.solid}, w.${v.input.col.fp}, w.bottom, w.top;
    END LOOP;
    INSERT INTO explained VALUES ('${id(v)}', w.id, (j->0->>'Execution Time')::float8);
  END LOOP;
END $$;
SELECT 'E', id, ms FROM explained WHERE variant = '${id(v)}' ORDER BY id;`).join('\n');
  // The bench's verdict query and full answer under count(*), which drops unused columns.
  const countSql = variants.filter((v) => v.name === 'full').map((v) => `\\echo @@COUNT|${id(v)}
${serverTimingSql('digs', sqlOf(v), `c_${id(v)}`, 'count')}`).join('\n');
  writeFileSync(join(c.dir, 'variants.sql'), `${planSql}\n${rowsSql}\n${timingSql.join('\n')}\n${explainSql}\n${countSql}\n`);
  const t1 = performance.now();
  const text = psql(c, join(c.dir, 'variants.sql'));
  console.log(`variants script ran in ${sec(t1)} (load ${load()})`);
  const oursAfter = oursP50();
  console.log(`ours p50 again after PostGIS: ${us(oursAfter)} µs (load ${load()})`);

  // Parse.
  const plans = new Map<string, string[]>(), rows = new Map<string, string[][]>(), times = new Map<string, number[][]>();
  const explained = new Map<string, Map<number, number>>(), counted = new Map<string, number[]>();
  let section: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('@@')) { section = line.slice(2).split('|'); continue; }
    const [kind, name, round] = section, f = line.split('|');
    if (kind === 'PLAN') (plans.get(name!) ?? plans.set(name!, []).get(name!)!).push(line.trim());
    else if (kind === 'ROWS' && line) (rows.get(name!) ?? rows.set(name!, []).get(name!)!).push(f);
    else if (kind === 'TIME' && f[0] === 'T') {
      const r = Number(round) - 1, all = times.get(name!) ?? times.set(name!, []).get(name!)!;
      (all[r] ??= []).push(Number(f[2]));
    } else if (kind === 'EXPLAIN' && f[0] === 'E') (explained.get(name!) ?? explained.set(name!, new Map()).get(name!)!).set(Number(f[1]), Number(f[2]));
    else if (kind === 'COUNT' && f[0] === 'T') (counted.get(name!) ?? counted.set(name!, []).get(name!)!).push(Number(f[2]));
  }

  // Rows against the bench's own: verdicts against 'verdicts' as sets, full answers against 'full_first' row by row.
  const check = (v: Variant): string => {
    const base = rows.get(v.full ? 'full_first' : 'verdicts') ?? [], mine = rows.get(id(v)) ?? [];
    if (v.full) {
      if (base.length !== mine.length) return `${mine.length} rows, ${base.length} expected: DIFFERS`;
      let differ = 0, worst = 0;
      for (let k = 0; k < base.length; k++) {
        const a = base[k]!, b = mine[k]!;
        for (let j = 0; j < a.length; j++) {
          if (a[j] === b[j]) continue;
          const d = Math.abs(Number(a[j]) - Number(b[j]));
          if (a[j] === '' || b[j] === '' || !(d <= 1e-9)) { differ++; break; }
          worst = Math.max(worst, d);
        }
      }
      return `${mine.length} rows; ${differ === 0 ? 'the same' : `${differ} DIFFER`} (largest |difference| ${worst.toExponential(1)})`;
    }
    const key = (r: string[]): string => `${r[0]}|${r[2]}|${r[3]}|${r[4]}`; // dig, link, v, nv
    const a = new Set(base.map(key)), b = new Set(mine.map(key));
    const same = a.size === b.size && [...a].every((x) => b.has(x));
    return `${mine.length} rows; ${same ? 'the same' : 'DIFFER'}`;
  };

  const p50 = (xs: readonly number[]): number => percentile(xs, 50);
  const baseOf = (v: Variant): string => (v.full ? 'full' : 'verdicts');
  console.log(`\n| variant | what | p50 per round, µs | p50, µs | against ${'`full`'} / ${'`verdicts`'} (median of rounds) | × ours (before / after) | rows |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const v of variants) {
    const rs = times.get(id(v)) ?? [], base = times.get(baseOf(v)) ?? [];
    const perRound = rs.map((r) => p50(r));
    const ratios = perRound.map((x, r) => x / p50(base[r] ?? [NaN])).sort((a, b) => a - b);
    const all = p50(rs.flat());
    const plan = (plans.get(id(v)) ?? []).filter((l) => /Index|Seq Scan|Bitmap/.test(l)).map((l) => l.replace(/^->\s*/, '')).join('; ');
    console.log(`| ${v.name} | ${v.what} | ${perRound.map(us).join(' / ')} | ${us(all)} | ${ratios[Math.floor(ratios.length / 2)]!.toFixed(3)} | ${(all / oursBefore).toFixed(1)} / ${(all / oursAfter).toFixed(1)} | ${check(v)} |`);
    if (!/seg[sv]\w*_geom/.test(plan)) console.log(`    plan uses no GiST index: ${plan}`);
  }

  // Item 3.
  console.log(`\nthe PL/pgSQL loop against EXPLAIN (ANALYZE, TIMING OFF) execution time, every ${EXPLAIN_EVERY}th dig (the loop: its last round's two passes, per dig the median):`);
  for (const [name, ex] of explained) {
    const rs = times.get(name) ?? [], last = rs[rs.length - 1] ?? [];
    const loopOf = (i: number): number => p50([last[i]!, last[DIGS + i]!]);
    const ids = [...ex.keys()];
    const ratio = ids.map((i) => loopOf(i) / ex.get(i)!);
    console.log(`  ${name}: EXPLAIN p50 ${us(p50([...ex.values()]))} µs, loop p50 ${us(p50(ids.map(loopOf)))} µs over the same ${ids.length} digs; loop / EXPLAIN per dig: median ${p50(ratio).toFixed(2)}, ` +
      `p10 ${percentile(ratio, 10).toFixed(2)}, p90 ${percentile(ratio, 90).toFixed(2)}`);
  }
  for (const [name, ts] of counted) {
    console.log(`  ${name} under count(*) (unused columns dropped, so not computed): p50 ${us(p50(ts))} µs against ${us(p50((times.get(name) ?? []).flat()))} µs fetching every row`);
  }
  console.log(`\nload at the end ${load()}`);
} finally {
  cleanUp();
}
