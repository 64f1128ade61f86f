/**
 * Screening against its peers, in one run, on the same seeded network and the same 1,000 seeded digs
 * (the generator and seed of bench/screening.ts, so its numbers line up with this one's):
 *
 *   ours     buildSegmentTable + buildSegmentIndex, then screenExcavation per permit (warm).
 *   turf     what a quick hand-rolled tool does: @turf/turf buffers the footprint in lon/lat by the
 *            notify distance and runs booleanIntersects against every line (2D, no spatial index;
 *            with and without a per-line bbox check). Its verdict set is compared with ours.
 *   PostGIS  a throwaway PostgreSQL 15 + PostGIS 3.3 cluster on 127.0.0.1 (installed with apt-get if
 *            missing, started in a temp dir, stopped and deleted at the end, also on failure): one row
 *            per segment as LINESTRING Z (SRID 0, local metres) with a 2D GiST index, ST_3DDWithin
 *            to the dig sent as a POLYHEDRALSURFACE Z in WKB, ST_3DDistance for the verdict, with the
 *            wholly-inside case handled (a closed surface is measured to its faces only). Timed per
 *            permit server-side (clock_timestamp in PL/pgSQL) and client-side (psql \timing of a
 *            prepared statement over the unix socket), and as one 1,000-dig LATERAL statement.
 *
 *
 * The goal's figure is like for like, taking turns: ours and PostGIS alternate (5 rounds, each PostGIS
 * turn between two of ours), for the permit's full answer (screenExcavation / fullDigQuery) and for the
 * verdicts alone (screenExcavationSummary / digQuery); the median round's ratio is printed.
 *
 * Run: npx tsx bench/screeningPeers.ts [segments]   (default 1,000,000; root for apt-get and runuser)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { bbox as turfBbox, booleanIntersects, buffer as turfBuffer, lineString, polygon as turfPolygon } from '@turf/turf';
import type { Feature, LineString, MultiPolygon, Polygon } from 'geojson';
import rulesJson from '../data/rules/screening.json';
import { lonLatTransform } from '../src/core/crs';
import { type Link } from '../src/core/model';
import type { OpenCut } from '../src/core/screening/excavation';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation, screenExcavationSummary, VERDICTS, type LineConflict } from '../src/core/screening/screen';
import { oracleDistance, oraclePrism } from '../tests/core/oracle';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { againstOursFull, EQUAL_M } from './fullAnswer';
import { cleanUp, detailsCsv, linesCsv, postgisVersion, psql, sec, segmentsCsv, serverTimingSql, serverTurn, Skip, startCluster, wideSegmentsSql, type Cluster } from './postgis';
import { digQuery, digsSql, fullDigQuery, lineDigQuery, NOTIFY, SLACK } from './postgisQueries';
import { percentile, takeTurns, timeEach, type TurnRound } from './stats';
import { peersCity, PEERS_SEED } from './syntheticNetwork';

// ---- data: the generator of bench/screening.ts (same seed, same sequence) -------------------------

const DIGS = 1000;
/** Digs timed for turf without the per-line bbox check (a few seconds each at 1M segments). */
const TURF_FULL_DIGS = 10;
const OURS_WARM_PASSES = 3;
const OURS_TIMED_PASSES = 5;
/** Rounds in which ours and PostGIS take turns (measurePostgis). */
const INTERLEAVED_ROUNDS = 5;
/** Local frame origin for the lon/lat conversion: Guangzhou, Tianhe. */
const FRAME = { originLon: 113.33, originLat: 23.13 };
const RULES = validateScreeningRules(rulesJson);
const RULE_SET = RULES.defaultRuleSet;



const STUB_LENGTH_M = 0.5;
const STUB_RADIUS_M = 0.05;

/**
 * A service stub wholly inside the dig: it starts at local (w/4, h/4) of the footprint (inside both
 * the rectangle and the L that dig() draws) and runs 0.5 m along the first edge, at mid-depth.
 */
function stubInside(d: OpenCut, i: number): Link {
  const f = d.footprint, [x0, y0] = f[0]!, [x1, y1] = f[1]!, [xn, yn] = f[f.length - 1]!;
  const ex = x1 - x0, ey = y1 - y0, len = Math.hypot(ex, ey);
  const ax = x0 + ex / 4 + (xn - x0) / 4, ay = y0 + ey / 4 + (yn - y0) / 4, z = (d.bottomZ + d.topZ) / 2;
  const v = new Float64Array([ax, ay, z, d.topZ, ax + (ex / len) * STUB_LENGTH_M, ay + (ey / len) * STUB_LENGTH_M, z, d.topZ]);
  return {
    id: `S${i}`, utility: 'telecom', subtype: 'service', material: 'PE', section: { shape: 'circular', diameterMm: STUB_RADIUS_M * 2000 },
    pressureClass: null, installYear: null, owner: 'bench', status: 'in_service', qualityLevel: 'A',
    street: null, fromNode: null, toNode: null, vertices: v,
  };
}


// ---- small helpers ------------------------------------------------------------------------------------

const ms = (x: number): string => (x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(1));
const p = (xs: readonly number[], q: number): number => percentile(xs, q);
const VERDICT_RANK = new Map<string, number>(VERDICTS.map((v, i) => [v, i]));

interface Row { method: string; p50: number | null; p99: number | null; batch: number | null; ratio: string; misses: string }
const rows: Row[] = [];

// ---- ours -----------------------------------------------------------------------------------------------

const { side, links, digs } = peersCity(Number(process.argv[2] ?? 1_000_000), DIGS);

console.log(`Undergrid screening vs peers: seed ${PEERS_SEED}, node ${process.version}, rule set ${RULE_SET}, notify ${NOTIFY} m; ` +
  `${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start (timings are noisy on a busy machine)`);
let t0 = performance.now();
const table = buildSegmentTable(links);
const tableMs = performance.now() - t0;
t0 = performance.now();
const index = buildSegmentIndex(table);
const indexMs = performance.now() - t0;
console.log(`${table.segmentCount.toLocaleString('en')} segments, ${links.length.toLocaleString('en')} lines in a ${(side / 1000).toFixed(1)} km square; ` +
  `${DIGS} digs (3-40 m × 2-12 m, 1.5-6 m deep)`);
console.log(`\nours: buildSegmentTable ${tableMs.toFixed(0)} ms, buildSegmentIndex ${indexMs.toFixed(0)} ms`);

const ours: Map<string, LineConflict>[] = digs.map((d) => new Map(screenExcavation(table, index, d, RULES, RULE_SET).lines.map((l) => [l.linkId, l])));
// Warm: V8 tiers the kernel up over the first few thousand calls.
for (let pass = 0; pass < OURS_WARM_PASSES; pass++) for (const d of digs) screenExcavation(table, index, d, RULES, RULE_SET);
/** OURS_TIMED_PASSES timed passes over the digs: each permit's time, ms. */
function timeOurs(): number[] {
  return timeEach(digs, OURS_TIMED_PASSES, (d) => screenExcavation(table, index, d, RULES, RULE_SET));
}
/** The same passes of screenExcavationSummary: each line's verdict, counted, no rows built. */
function timeOursSummary(): number[] {
  return timeEach(digs, OURS_TIMED_PASSES, (d) => screenExcavationSummary(table, index, d, RULES, RULE_SET));
}
const oursTimes = timeOurs();
let oursLoop = Infinity;
for (let run = 0; run < 3; run++) {
  const s = performance.now();
  for (const d of digs) screenExcavation(table, index, d, RULES, RULE_SET);
  oursLoop = Math.min(oursLoop, (performance.now() - s) / DIGS);
}
const oursP50 = p(oursTimes, 50), oursP99 = p(oursTimes, 99);
const oursCounts = [0, 0, 0];
for (const m of ours) for (const l of m.values()) oursCounts[VERDICT_RANK.get(l.verdict)!]!++;
console.log(`  screenExcavation, ${DIGS} digs × ${OURS_TIMED_PASSES} passes after ${OURS_WARM_PASSES} warm passes: p50 ${ms(oursP50)} ms, p99 ${ms(oursP99)} ms; 1,000-permit loop ${ms(oursLoop)} ms per permit (best of 3)`);
console.log(`  lines listed: ${oursCounts[0]} STRIKE, ${oursCounts[1]} ENCROACH, ${oursCounts[2]} NEAR over the ${DIGS} digs`);
// Adversarial: a short service stub wholly inside each dig, touching none of its faces (see PostGIS).
const stubs = digs.map(stubInside);
const stubTable = buildSegmentTable(stubs);
const stubIndex = buildSegmentIndex(stubTable);
const oursStubStrikes = digs.filter((d, i) => screenExcavation(stubTable, stubIndex, d, RULES, RULE_SET).lines.some((l) => l.linkId === `S${i}` && l.verdict === 'STRIKE')).length;
console.log(`  adversarial: a ${STUB_LENGTH_M} m service stub (radius ${STUB_RADIUS_M} m) wholly inside each dig: ours says STRIKE on ${oursStubStrikes} of ${DIGS}`);
rows.push({ method: 'ours: grid over flatbush, exact 3D kernel', p50: oursP50, p99: oursP99, batch: oursLoop, ratio: '1×', misses: `0 (reference); stubs ${DIGS - oursStubStrikes}/${DIGS}` });

const ratioTo = (peerP50: number | null, peerBatch: number | null): string =>
  [peerP50 === null ? null : `p50 ${(peerP50 / oursP50).toFixed(0)}×`, peerBatch === null ? null : `batch ${(peerBatch / oursLoop).toFixed(0)}×`]
    .filter(Boolean).join(', ');

/** A line on which a peer and ours disagree (peer: its verdict, or null when it lists nothing). */
interface Disagreement { dig: number; linkId: string; ours: LineConflict | null; peer: string | null }

function describe(d: Disagreement): string {
  const o = d.ours;
  const where = o ? `ours ${o.verdict} (3D ${o.distance3d.toFixed(4)} m, plan ${o.horizontal.toFixed(4)} m, radius ${o.radius.toFixed(3)} m, tolerance ${o.tolerance.toFixed(3)} m)` : 'ours: not listed';
  return `dig ${d.dig} ${d.linkId}: ${where}; peer ${d.peer ?? 'not listed'}`;
}

/** Plan distance from a line's axis (vertices at stride 4) to a footprint polygon: 0 where they meet. */
function planDistance(v: Float64Array, ring: readonly [number, number][]): number {
  const n = ring.length;
  const inside = (x: number, y: number): boolean => {
    let odd = false;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
    return odd;
  };
  const pointSeg = (px: number, py: number, ax: number, ay: number, bx: number, by: number): number => {
    const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
    return Math.hypot(px - ax - t * dx, py - ay - t * dy);
  };
  const cross = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number => (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  let best = Infinity;
  for (let i = 0; i + 4 < v.length; i += 4) {
    const ax = v[i]!, ay = v[i + 1]!, bx = v[i + 4]!, by = v[i + 5]!;
    if (inside(ax, ay)) return 0;
    for (let k = 0; k < n; k++) {
      const [cx, cy] = ring[k]!, [dx, dy] = ring[(k + 1) % n]!;
      const d1 = cross(ax, ay, bx, by, cx, cy), d2 = cross(ax, ay, bx, by, dx, dy);
      const d3 = cross(cx, cy, dx, dy, ax, ay), d4 = cross(cx, cy, dx, dy, bx, by);
      if (((d1 > 0) !== (d2 > 0)) && ((d3 > 0) !== (d4 > 0))) return 0;
      best = Math.min(best, pointSeg(ax, ay, cx, cy, dx, dy), pointSeg(bx, by, cx, cy, dx, dy), pointSeg(cx, cy, ax, ay, bx, by), pointSeg(dx, dy, ax, ay, bx, by));
    }
  }
  if (v.length >= 4 && inside(v[v.length - 4]!, v[v.length - 3]!)) return 0;
  return best;
}

// ---- turf ------------------------------------------------------------------------------------------------

function runTurf(): void {
  console.log('\nturf (@turf/turf 7.4): buffer the footprint in lon/lat by the notify distance, booleanIntersects against every line, 2D');
  let t = performance.now();
  const frame = lonLatTransform(FRAME);
  const lines: Feature<LineString>[] = [];
  const boxes = new Float64Array(links.length * 4);
  for (let l = 0; l < links.length; l++) {
    const v = links[l]!.vertices;
    const coords: [number, number][] = [];
    for (let i = 0; i < v.length; i += 4) coords.push(frame.fromLocal(v[i]!, v[i + 1]!));
    const f = lineString(coords, { id: links[l]!.id });
    lines.push(f);
    const b = turfBbox(f);
    boxes.set([b[0], b[1], b[2], b[3]], l * 4);
  }
  console.log(`  setup (not timed per permit): ${links.length.toLocaleString('en')} lines to lon/lat and their bboxes in ${sec(t)}`);

  const zone = (d: OpenCut): Feature<Polygon | MultiPolygon> => {
    const ring = d.footprint.map(([x, y]) => frame.fromLocal(x, y));
    ring.push(ring[0]!);
    const b = turfBuffer(turfPolygon([ring]), NOTIFY, { units: 'meters' });
    if (!b) throw new Error('turf buffer returned nothing');
    return b;
  };
  const screenBoxed = (d: OpenCut): Set<string> => {
    const z = zone(d);
    const [x0, y0, x1, y1] = turfBbox(z);
    const hit = new Set<string>();
    for (let l = 0; l < lines.length; l++) {
      const o = l * 4;
      if (boxes[o]! > x1 || boxes[o + 2]! < x0 || boxes[o + 1]! > y1 || boxes[o + 3]! < y0) continue;
      if (booleanIntersects(z, lines[l]!)) hit.add(links[l]!.id);
    }
    return hit;
  };
  const screenFull = (d: OpenCut): Set<string> => {
    const z = zone(d);
    const hit = new Set<string>();
    for (let l = 0; l < lines.length; l++) if (booleanIntersects(z, lines[l]!)) hit.add(links[l]!.id);
    return hit;
  };

  for (let i = 0; i < 50; i++) screenBoxed(digs[i]!); // warm the JIT
  const results: Set<string>[] = [];
  const times: number[] = [];
  for (const d of digs) {
    const s = performance.now();
    results.push(screenBoxed(d));
    times.push(performance.now() - s);
  }
  t = performance.now();
  for (const d of digs) screenBoxed(d);
  const loop = (performance.now() - t) / DIGS;

  const fullTimes: number[] = [];
  let fullDiffer = 0;
  for (let i = 0; i < TURF_FULL_DIGS; i++) {
    const s = performance.now();
    const r = screenFull(digs[i]!);
    fullTimes.push(performance.now() - s);
    const a = results[i]!;
    if (r.size !== a.size || [...r].some((id) => !a.has(id))) fullDiffer++;
  }

  // Verdicts versus ours.
  const missed: Disagreement[] = [];
  let agree = 0;
  const overList: { dig: number; linkId: string }[] = [];
  for (let i = 0; i < DIGS; i++) {
    const o = ours[i]!, tr = results[i]!;
    for (const [id, l] of o) {
      if (tr.has(id)) agree++;
      else missed.push({ dig: i, linkId: id, ours: l, peer: null });
    }
    for (const id of tr) if (!o.has(id)) overList.push({ dig: i, linkId: id });
  }
  const severe = missed.filter((m) => m.ours!.verdict !== 'NEAR');
  const linkIndex = new Map(links.map((l, i) => [l.id, i]));
  const axisPlan = (digIndex: number, id: string): number => planDistance(links[linkIndex.get(id)!]!.vertices, digs[digIndex]!.footprint);
  const radiusCause = missed.filter((m) => axisPlan(m.dig, m.linkId) > NOTIFY).length;
  const overDepth = overList.filter((m) => axisPlan(m.dig, m.linkId) <= NOTIFY).length;
  console.log(`  per permit, ${DIGS} digs, with a per-line bbox check before booleanIntersects: p50 ${ms(p(times, 50))} ms, p99 ${ms(p(times, 99))} ms; loop ${ms(loop)} ms per permit`);
  console.log(`  per permit, first ${TURF_FULL_DIGS} digs only (too slow for 1,000), booleanIntersects on every line: p50 ${ms(p(fullTimes, 50))} ms, ` +
    `p99 ${ms(p(fullTimes, 99))} ms (same lines as with the bbox check on ${TURF_FULL_DIGS - fullDiffer} of ${TURF_FULL_DIGS} digs)`);
  console.log(`  vs ours over ${DIGS} digs: ${agree} lines found by both; turf MISSES ${missed.length} lines ours lists ` +
    `(${severe.length} STRIKE/ENCROACH, ${missed.length - severe.length} NEAR): ${radiusCause} because it measures to the pipe's axis, not its ` +
    `outside (axis > ${NOTIFY} m from the footprint in plan, outside within ${NOTIFY} m), ${missed.length - radiusCause} from its ` +
    `spherical-earth buffer and 8-step arcs (axis within ${NOTIFY} m in plan); it over-reports ${overList.length} line(s) ours does not list: ` +
    `${overDepth} within ${NOTIFY} m in plan but farther in 3D (it cannot see depth), ${overList.length - overDepth} from its buffer's geodesy`);
  for (const m of severe) console.log(`    MISSED ${describe(m)}`);
  for (const m of missed.filter((x) => x.ours!.verdict === 'NEAR').slice(0, 5)) console.log(`    missed ${describe(m)}`);
  rows.push({
    method: 'turf 2D, bbox check + booleanIntersects', p50: p(times, 50), p99: p(times, 99), batch: loop,
    ratio: ratioTo(p(times, 50), loop), misses: `${missed.length} (${severe.length} STRIKE/ENCROACH); +${overList.length} over`,
  });
  rows.push({
    method: `turf 2D, booleanIntersects every line (${TURF_FULL_DIGS} digs)`, p50: p(fullTimes, 50), p99: p(fullTimes, 99), batch: null,
    ratio: ratioTo(p(fullTimes, 50), null), misses: 'as above',
  });
}

// ---- PostGIS (its queries: postgisQueries.ts) -------------------------------------------------------------

async function runPostgis(): Promise<void> {
  console.log('\nPostGIS: throwaway PostgreSQL 15 + PostGIS 3 cluster on 127.0.0.1');
  let cluster: Cluster;
  try {
    cluster = await startCluster();
  } catch (e) {
    if (e instanceof Skip) {
      console.log(`PostGIS: skipped (${e.message})`);
      rows.push({ method: 'PostGIS', p50: null, p99: null, batch: null, ratio: 'skipped', misses: '—' });
      return;
    }
    throw e;
  }
  try {
    await measurePostgis(cluster);
  } finally {
    cluster.stop();
    console.log(`  cluster stopped and ${cluster.dir} deleted`);
  }
}

async function measurePostgis(c: Cluster): Promise<void> {
  console.log(`  cluster in ${c.dir}, port ${c.port}; psql over the unix socket (the pg npm package is not installed)`);
  console.log(`  PostgreSQL ${postgisVersion(c)}`);

  // Load: the same segments (the table's Float64 coordinates, its float32-rounded-up radius) and each
  // segment's tolerance as screen.ts computes it, so PostGIS decides only the geometry.
  let t = performance.now();
  const segs = segmentsCsv(c, 'segs', table, RULES, RULE_SET), stubSegs = segmentsCsv(c, 'stubs', stubTable, RULES, RULE_SET);
  const lineRows = linesCsv(c, 'lines', table, RULES, RULE_SET);
  const details = detailsCsv(c, 'seg', table, RULES, RULE_SET);
  const maxTol = Math.max(segs.maxTol, stubSegs.maxTol);
  writeFileSync(join(c.dir, 'load.sql'), `${segs.sql}${stubSegs.sql}${lineRows.sql}${details}${wideSegmentsSql('segs', 'seg', 'segv')}${digsSql(c, digs)}
    SELECT count(*), pg_size_pretty(pg_total_relation_size('segs')) FROM segs;`);
  const loaded = psql(c, join(c.dir, 'load.sql')).trim().split('|');
  console.log(`  loaded ${Number(loaded[0]).toLocaleString('en')} segments as LINESTRING Z (SRID 0) with a 2D GiST index (built by insertion) in ${sec(t)} (${loaded[1]} with index); ` +
    `the digs as WKB, sent and read as a client library sends a geometry`);
  // Each dig's WKB as hex, for the prepared statements' bytea parameters.
  writeFileSync(join(c.dir, 'wkb.sql'), "SELECT id, encode(solid_wkb, 'hex'), encode(fp_wkb, 'hex') FROM digs ORDER BY id;");
  const wkbHex = psql(c, join(c.dir, 'wkb.sql')).trim().split('\n').map((l) => l.split('|'));
  if (wkbHex.length !== DIGS || wkbHex.some((r, i) => Number(r[0]) !== i)) throw new Error('digs WKB: unexpected rows');
  /** The dig read from the digs table row `w` (server-side loops, batch) or from prepared-statement parameters. */
  const fromRow = ['ST_GeomFromWKB(w.solid_wkb)', 'ST_GeomFromWKB(w.fp_wkb)', 'w.bottom', 'w.top'] as const;

  // A verdict needs outside distance ≤ tolerance or ≤ notify: the larger of the two bounds it (as ours, ruleContext.ts).
  const reach = Math.max(NOTIFY, maxTol) + table.maxRadius + SLACK;
  console.log(`  candidates: ST_3DDWithin(segment, dig POLYHEDRALSURFACE Z, ${reach.toFixed(3)} m = max(notify ${NOTIFY}, max tolerance ` +
    `${maxTol.toFixed(3)}) + max radius ${table.maxRadius.toFixed(3)}); verdict from ST_3DDistance − radius`);

  const plpgsql = digQuery(...fromRow, reach);
  const batch = `SELECT w.id AS dig, q.* FROM digs w CROSS JOIN LATERAL (${plpgsql}) q`;
  /**
   * psql sections timing one query per dig: prepared (its plan under @@<tag>PLAN, a warm pass, a
   * \timing pass under @@<tag>CLIENT whose rows start with `row`), then server-side under @@<tag>SERVER.
   */
  const perDig = (name: string, tag: string, row: string, query: (solid: string, fp: string, bottom: string, top: string, reach: number) => string, consume: 'count' | 'rows' = 'count'): string => {
    const execute = (d: OpenCut, i: number): string => `EXECUTE ${name}(${i}, '\\x${wkbHex[i]![1]}', '\\x${wkbHex[i]![2]}', ${d.bottomZ}, ${d.topZ});`;
    const executes = digs.map(execute).join('\n');
    return `PREPARE ${name}(int, bytea, bytea, float8, float8) AS SELECT '${row}', $1, q.* FROM (${query('ST_GeomFromWKB($2)', 'ST_GeomFromWKB($3)', '$4', '$5', reach)}) q;
\\echo @@${tag}PLAN
EXPLAIN (COSTS OFF) ${execute(digs[0]!, 0)}
\\echo @@${tag}WARM
${executes}
\\echo @@${tag}CLIENT
\\timing on
${executes}
\\timing off
\\echo @@${tag}SERVER
${serverTimingSql('digs', query(...fromRow, reach), `${name}_timings`, consume)}
`;
  };
  writeFileSync(join(c.dir, 'bench.sql'), `
${perDig('screen', '', 'R', digQuery)}\\echo @@BATCH
CREATE TEMP TABLE batch_timings (run int, ms float8, n int);
DO $$
DECLARE t0 timestamptz; n int; BEGIN
  FOR r IN 1..4 LOOP
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM (${batch}) b;
    INSERT INTO batch_timings VALUES (r, 1000 * extract(epoch FROM clock_timestamp() - t0), n);
  END LOOP;
END $$;
SELECT 'BT', run, ms, n FROM batch_timings ORDER BY run;
\\timing on
SELECT 'BR', b.* FROM (${batch}) b;
\\timing off
\\echo @@STUBS
SELECT 'S', w.id, q.* FROM digs w CROSS JOIN LATERAL (${digQuery(...fromRow, reach, 'stubs')}) q;
\\echo @@BATCHPLAN
EXPLAIN (COSTS OFF) ${batch};
${perDig('screenl', 'L', 'L', lineDigQuery)}
${perDig('screenf', 'F', 'F', (...a) => fullDigQuery(...a, { from: 'segv', wide: true }), 'rows')}`);
  t = performance.now();
  const text = psql(c, join(c.dir, 'bench.sql'));
  console.log(`  bench script (plan, 1,000 warm + 1,000 timed prepared EXECUTEs, 3 × 1,000 PL/pgSQL, 5 batches, stubs) ran in ${sec(t)}`);
  // Ours again, right after PostGIS's timed runs (warm passes first: the script's run evicted our
  // table and index from the caches): on a shared machine the load can change a lot between ours at
  // the start and PostGIS minutes later, and the ratio with it. The cluster is still up (it may be
  // checkpointing the load), as it was for its own timings.
  for (let pass = 0; pass < OURS_WARM_PASSES; pass++) for (const d of digs) screenExcavation(table, index, d, RULES, RULE_SET);
  oursAfterP50 = p(timeOurs(), 50);
  oursAfterLoad = loadavg()[0]!;

  // Parse.
  let section = '';
  const plan: string[] = [], batchPlan: string[] = [];
  const clientTimes: number[] = [];
  const serverTimes: number[] = [];
  const batchRuns: number[] = [];
  let batchClient = NaN;
  const perPermit: Map<number, { v: number; nv: number }>[] = digs.map(() => new Map());
  const batchRows = new Set<string>();
  const linePlan: string[] = [], lineClientTimes: number[] = [], lineServerTimes: number[] = [];
  const linePerPermit: Map<number, { v: number; nv: number }>[] = digs.map(() => new Map());
  const stubRows = new Map<number, { v: number; nv: number }>();
  const fullClientTimes: number[] = [], fullServerTimes: number[] = [];
  const fullRows: string[][][] = digs.map(() => []);
  for (const line of text.split('\n')) {
    if (line.startsWith('@@')) { section = line.slice(2); continue; }
    const f = line.split('|');
    const timing = /^Time: ([\d.]+) ms/.exec(line);
    if (section === 'PLAN') plan.push(line);
    else if (section === 'BATCHPLAN') batchPlan.push(line);
    else if (section === 'CLIENT' && timing) clientTimes.push(Number(timing[1]));
    else if (section === 'CLIENT' && f[0] === 'R') perPermit[Number(f[1])]!.set(Number(f[2]), { v: Number(f[3]), nv: Number(f[4]) });
    else if (section === 'SERVER' && f[0] === 'T') serverTimes.push(Number(f[2]));
    else if (section === 'BATCH' && f[0] === 'BT') batchRuns.push(Number(f[2]));
    else if (section === 'BATCH' && f[0] === 'BR') batchRows.add(`${f[1]}|${f[2]}|${f[3]}|${f[4]}`);
    else if (section === 'BATCH' && timing) batchClient = Number(timing[1]);
    else if (section === 'STUBS' && f[0] === 'S' && f[1] === f[2]) stubRows.set(Number(f[1]), { v: Number(f[3]), nv: Number(f[4]) });
    else if (section === 'LPLAN') linePlan.push(line);
    else if (section === 'LCLIENT' && timing) lineClientTimes.push(Number(timing[1]));
    else if (section === 'LCLIENT' && f[0] === 'L') linePerPermit[Number(f[1])]!.set(Number(f[2]), { v: Number(f[3]), nv: Number(f[4]) });
    else if (section === 'LSERVER' && f[0] === 'T') lineServerTimes.push(Number(f[2]));
    else if (section === 'FCLIENT' && timing) fullClientTimes.push(Number(timing[1]));
    else if (section === 'FCLIENT' && f[0] === 'F') fullRows[Number(f[1])]!.push(f.slice(2));
    else if (section === 'FSERVER' && f[0] === 'T') fullServerTimes.push(Number(f[2]));
  }
  if (clientTimes.length !== DIGS || serverTimes.length !== 2 * DIGS || batchRuns.length !== 4 || lineClientTimes.length !== DIGS || lineServerTimes.length !== 2 * DIGS ||
    fullClientTimes.length !== DIGS || fullServerTimes.length !== 2 * DIGS) {
    throw new Error(`unexpected psql output: ${clientTimes.length} client timings, ${serverTimes.length} server timings, ${batchRuns.length} batch runs, ` +
      `${lineClientTimes.length} + ${lineServerTimes.length} for the line table, ${fullClientTimes.length} + ${fullServerTimes.length} for the full answer`);
  }
  const indexed = plan.some((l) => l.includes('segs_geom')) && batchPlan.some((l) => l.includes('segs_geom'));
  console.log(`  plans use the GiST index: ${indexed ? 'yes' : 'NO'} (${plan.filter((l) => /Scan|Loop/.test(l)).map((l) => l.trim().replace(/^->\s*/, '')).join('; ')})`);

  // Verdicts versus ours, and what the naive surface distance would have said.
  let batchDiffer = 0;
  for (let i = 0; i < DIGS; i++) for (const [link, r] of perPermit[i]!) if (!batchRows.has(`${i}|${link}|${r.v}|${r.nv}`)) batchDiffer++;
  const { same, missing, milder, severer, extra, naiveMissed } = againstOurs(perPermit);
  if (batchRows.size !== [...perPermit].reduce((a, m) => a + m.size, 0)) batchDiffer++;
  // Segments wholly inside a dig: the naive query reads them as their distance to the nearest face.
  const inside = await countInsideSegments();
  console.log(`  verdicts vs ours over ${DIGS} digs: ${same} lines agree; PostGIS misses ${missing.length}, milder ${milder.length}, ` +
    `more severe ${severer.length}, extra ${extra.length}; batch statement and per-permit statements ${batchDiffer === 0 ? 'agree' : `DIFFER on ${batchDiffer} rows`}`);
  for (const d of [...missing, ...milder, ...severer, ...extra].slice(0, 20)) console.log(`    DISAGREE ${describe(d)}`);
  console.log(`  the naive query (ST_3DDistance to the WKT POLYHEDRALSURFACE only) would miss or under-rate ${naiveMissed.length} lines; ` +
    `${inside.segments} segments lie wholly inside a dig (on ${inside.digs} digs), each read as up to ${inside.maxFace.toFixed(2)} m away ` +
    `instead of 0; their lines were still caught through a neighbouring segment that crosses a face, which a short service stub wholly inside a pit would not have`);
  for (const d of naiveMissed.slice(0, 10)) console.log(`    NAIVE ${describe(d)}`);
  const stubFixed = [...stubRows.values()].filter((r) => r.v === 0).length;
  const stubNaive = [...stubRows.values()].filter((r) => r.nv === 0).length;
  const stubNaiveNone = DIGS - [...stubRows.values()].filter((r) => r.nv < 3).length;
  console.log(`  adversarial: the ${STUB_LENGTH_M} m stub wholly inside each dig: STRIKE on ${stubFixed} of ${DIGS} with the inside test ` +
    `(ours: ${oursStubStrikes}); the naive query says STRIKE on ${stubNaive}, a milder verdict on ${DIGS - stubNaive - stubNaiveNone}, nothing on ${stubNaiveNone}`);

  const sP50 = p(serverTimes, 50), sP99 = p(serverTimes, 99), cP50 = p(clientTimes, 50), cP99 = p(clientTimes, 99);
  const batchPer = Math.min(...batchRuns.slice(1)) / DIGS;
  console.log(`  per permit, server side (PL/pgSQL loop, clock_timestamp, cached plan; 2 passes after a warm one): p50 ${ms(sP50)} ms, p99 ${ms(sP99)} ms`);
  console.log(`  per permit, client round trip (prepared EXECUTE with WKB parameters, psql \\timing, unix socket, warm): p50 ${ms(cP50)} ms, p99 ${ms(cP99)} ms`);
  console.log(`  1,000 digs in ONE statement (digs table LATERAL-joined to segs): best of 3 warm runs ${ms(batchPer * DIGS)} ms ` +
    `= ${ms(batchPer)} ms per permit (client-timed with its ${batchRows.size} result rows: ${ms(batchClient)} ms)`);
  const pgMisses = `${missing.length + milder.length} (${missing.length} missed, ${milder.length} milder); stubs ${DIGS - stubFixed}/${DIGS}`;
  rows.push({ method: 'PostGIS 3D, per permit, server side', p50: sP50, p99: sP99, batch: batchPer, ratio: ratioTo(sP50, batchPer), misses: pgMisses });
  rows.push({ method: 'PostGIS 3D, per permit, client round trip', p50: cP50, p99: cP99, batch: null, ratio: ratioTo(cP50, null), misses: 'same query' });
  const lineVs = againstOurs(linePerPermit);
  const lineIndexed = linePlan.some((l) => l.includes('lines_geom'));
  const lP50 = p(lineServerTimes, 50), lP99 = p(lineServerTimes, 99), lcP50 = p(lineClientTimes, 50), lcP99 = p(lineClientTimes, 99);
  console.log(`  one row per line (${lineRows.rows.toLocaleString('en')} LINESTRING Z rows, ST_DumpSegments for each segment's tolerance; ` +
    `GiST index used: ${lineIndexed ? 'yes' : 'NO'}): server side p50 ${ms(lP50)} ms, p99 ${ms(lP99)} ms; client round trip p50 ${ms(lcP50)} ms, p99 ${ms(lcP99)} ms; ` +
    `verdicts vs ours: ${lineVs.same} agree, misses ${lineVs.missing.length}, milder ${lineVs.milder.length}, more severe ${lineVs.severer.length}, extra ${lineVs.extra.length}`);
  for (const d of [...lineVs.missing, ...lineVs.milder, ...lineVs.severer, ...lineVs.extra].slice(0, 10)) console.log(`    DISAGREE (lines) ${describe(d)}`);
  rows.push({ method: 'PostGIS 3D, one row per line, server side', p50: lP50, p99: lP99, batch: null, ratio: ratioTo(lP50, null), misses: `${lineVs.missing.length + lineVs.milder.length}` });
  rows.push({ method: 'PostGIS 3D, one row per line, client round trip', p50: lcP50, p99: lcP99, batch: null, ratio: ratioTo(lcP50, null), misses: 'same query' });
  lineP50 = lP50;
  // The exact axis distance from segment s to dig i (tests/core/oracle.ts: written apart from both).
  const full = againstOursFull(ours, fullRows, table, (i, s) => {
    const co = table.coords, o = s * 6, dg = digs[i]!;
    return oracleDistance(oraclePrism(dg.footprint, dg.bottomZ, dg.topZ), [co[o]!, co[o + 1]!, co[o + 2]!, co[o + 3]!, co[o + 4]!, co[o + 5]!]);
  });
  const fP50 = p(fullServerTimes, 50), fP99 = p(fullServerTimes, 99), fcP50 = p(fullClientTimes, 50), fcP99 = p(fullClientTimes, 99);
  console.log(`  the full answer (fullDigQuery: per line its deciding segment's LineConflict fields, sorted, counts per verdict; ` +
    `each row fetched whole): server side p50 ${ms(fP50)} ms, p99 ${ms(fP99)} ms; client round trip p50 ${ms(fcP50)} ms, p99 ${ms(fcP99)} ms`);
  console.log(`    vs ours: ${full.lines} lines; order ${full.orderDiffers === 0 ? 'the same on every dig' : `DIFFERS on ${full.orderDiffers} digs`}; ` +
    `verdicts differ on ${full.verdictDiffers}; counts per verdict differ on ${full.countDiffers} digs; another deciding segment on ${full.segmentDiffers} ` +
    `(both equally near within ${EQUAL_M} m: ${full.segmentTies}); on the same segment, 3D distances more than ${EQUAL_M} m apart on ` +
    `${full.distanceApart.length} lines (each checked against the oracle, below), and elsewhere the largest |difference|: ${full.fields}`);
  for (const d of full.distanceApart) console.log(`    APART ${d}`);
  for (const d of full.examples) console.log(`    FULL ${d}`);
  rows.push({ method: 'PostGIS 3D, full answer, server side', p50: fP50, p99: fP99, batch: null, ratio: ratioTo(fP50, null), misses: `${full.verdictDiffers} verdicts differ` });
  rows.push({ method: 'PostGIS 3D, full answer, client round trip', p50: fcP50, p99: fcP99, batch: null, ratio: ratioTo(fcP50, null), misses: 'same query' });
  fullP50 = fP50;
  rows.push({ method: 'PostGIS naive (distance to WKT surface)', p50: null, p99: null, batch: null, ratio: 'same query', misses: `${naiveMissed.length} lines; ${DIGS - stubNaive}/${DIGS} stubs under-rated` });
  postgisP50 = sP50;
  console.log(`  ours again just after this script (load ${oursAfterLoad.toFixed(1)}): p50 ${ms(oursAfterP50)} ms (at the start: ${ms(oursP50)} ms); ` +
    `server-side p50 against it: ${(sP50 / oursAfterP50).toFixed(0)}×, client round trip ${(cP50 / oursAfterP50).toFixed(0)}×, batch ${(batchPer / oursAfterP50).toFixed(0)}× (per permit)`);

  // Like for like, taking turns: the load on a shared machine drifts over the minutes between ours at
  // the start and PostGIS, and the ratio with it. So ours and PostGIS now alternate, INTERLEAVED_ROUNDS
  // times, each of PostGIS's turns bracketed by two of ours, and each round's ratio is taken against
  // the mean of the two brackets. Two pairs that do the same work: the full answer (ours:
  // screenExcavation; PostGIS: fullDigQuery, every row fetched) and the verdicts alone (ours:
  // screenExcavationSummary, the same screening up to each line's verdict, counted, no rows built;
  // PostGIS: digQuery, each line's verdict, counted).
  const turn = (name: string, query: string, consume: 'count' | 'rows'): number => serverTurn(c, name, 'digs', query, consume, 2 * DIGS);
  const fullQuery = fullDigQuery(...fromRow, reach, { from: 'segv', wide: true }), verdictQuery = digQuery(...fromRow, reach);
  interleaved.push(...takeTurns(INTERLEAVED_ROUNDS, () => {
    // Warm passes first: PostGIS's turn evicted our table and index from the caches.
    for (let pass = 0; pass < OURS_WARM_PASSES; pass++) for (const d of digs) screenExcavation(table, index, d, RULES, RULE_SET);
    return { full: p(timeOurs(), 50), verdicts: p(timeOursSummary(), 50) };
  }, (k) => ({ full: turn(`full${k}`, fullQuery, 'rows'), verdicts: turn(`verdicts${k}`, verdictQuery, 'count') })));
  console.log(`  taking turns (${INTERLEAVED_ROUNDS} rounds; PostGIS server-side p50, 1,000 digs × 2 passes after a warm one; ours p50, ` +
    `the mean of its turns just before and just after):`);
  for (const [k, r] of interleaved.entries()) {
    console.log(`    round ${k + 1} (load ${r.load.toFixed(1)}): full answer ours ${ms(r.oursFull)} ms, PostGIS ${ms(r.pgFull)} ms: ${(r.pgFull / r.oursFull).toFixed(1)}×; ` +
      `verdicts alone ours ${ms(r.oursVerdicts)} ms, PostGIS ${ms(r.pgVerdicts)} ms: ${(r.pgVerdicts / r.oursVerdicts).toFixed(1)}×`);
  }

  async function countInsideSegments(): Promise<{ segments: number; digs: number; maxFace: number }> {
    writeFileSync(join(c.dir, 'inside.sql'), `
      SELECT count(*), count(DISTINCT w.id), coalesce(max(ST_3DDistance(s.geom, ST_GeomFromText(w.solid))), 0)
      FROM digs w JOIN segs s ON ST_3DDWithin(s.geom, ST_GeomFromText(w.solid), ${reach})
      WHERE ST_3DDistance(s.geom, ST_GeomFromText(w.solid)) > 0
        AND ST_Z(ST_StartPoint(s.geom)) BETWEEN w.bottom AND w.top AND ST_Intersects(ST_Force2D(ST_StartPoint(s.geom)), ST_GeomFromText(w.fp));`);
    const [segments, d, maxFace] = psql(c, join(c.dir, 'inside.sql')).trim().split('|').map(Number);
    return { segments: segments!, digs: d!, maxFace: maxFace! };
  }
}

let postgisP50: number | null = null, lineP50: number | null = null, fullP50: number | null = null;

/** A peer's verdicts per dig (link → verdict index, 3 = none; nv the naive query's) against ours. */
function againstOurs(perPermit: readonly Map<number, { v: number; nv: number }>[]): {
  same: number; missing: Disagreement[]; milder: Disagreement[]; severer: Disagreement[]; extra: Disagreement[]; naiveMissed: Disagreement[];
} {
  let same = 0;
  const missing: Disagreement[] = [], milder: Disagreement[] = [], severer: Disagreement[] = [], extra: Disagreement[] = [], naiveMissed: Disagreement[] = [];
  for (let i = 0; i < DIGS; i++) {
    const o = ours[i]!, pg = perPermit[i]!;
    for (const [id, l] of o) {
      const r = pg.get(Number(id.slice(1)));
      const oursRank = VERDICT_RANK.get(l.verdict)!;
      const d: Disagreement = { dig: i, linkId: id, ours: l, peer: r && r.v < 3 ? VERDICTS[r.v]! : null };
      if (!r || r.v >= 3) missing.push(d);
      else if (r.v > oursRank) milder.push(d);
      else if (r.v < oursRank) severer.push(d);
      else same++;
      if (!r || r.nv > oursRank) naiveMissed.push({ ...d, peer: r && r.nv < 3 ? VERDICTS[r.nv]! : null });
    }
    for (const [link, r] of pg) {
      if (r.v < 3 && !o.has(table.linkIds[link]!)) extra.push({ dig: i, linkId: table.linkIds[link]!, ours: null, peer: VERDICTS[r.v]! });
    }
  }
  return { same, missing, milder, severer, extra, naiveMissed };
}
let oursAfterP50 = NaN, oursAfterLoad = NaN;
/** Each round of ours and PostGIS taking turns: p50s in ms, the load at its end. */
const interleaved: TurnRound[] = [];

runTurf();
try {
  await runPostgis();
} catch (e) {
  console.log(`PostGIS: failed (${e instanceof Error ? e.message : String(e)})`);
  rows.push({ method: 'PostGIS', p50: null, p99: null, batch: null, ratio: 'failed', misses: '' });
  process.exitCode = 1;
} finally {
  cleanUp();
}

// ---- the table ---------------------------------------------------------------------------------------------

const cells = (r: Row): string[] => [r.method, r.p50 === null ? '—' : ms(r.p50), r.p99 === null ? '—' : ms(r.p99), r.batch === null ? '—' : ms(r.batch), r.ratio, r.misses];
const header = ['method', 'p50 ms', 'p99 ms', 'per-permit batch ms', 'ratio to ours', 'misses vs ours'];
const all = [header, ...rows.map(cells)];
const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
console.log(`\n${table.segmentCount.toLocaleString('en')} segments, ${DIGS} digs`);
for (const [k, r] of all.entries()) {
  console.log(`| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`);
  if (k === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
}
const yes = (ok: boolean): string => (ok ? 'met' : 'NOT met');
console.log(`\ngoals (issue 3, at 1M segments${table.segmentCount < 1_000_000 ? `; this run has ${table.segmentCount.toLocaleString('en')}` : ''}):`);
console.log(`  ours p50 < 0.02 ms: ${ms(oursP50)} ms, ${yes(oursP50 < 0.02)}`);
console.log(`  ours p99 < 0.2 ms: ${ms(oursP99)} ms, ${yes(oursP99 < 0.2)}`);
const median = (xs: number[]): number => p(xs, 50);
if (interleaved.length > 0) {
  const full = interleaved.map((r) => r.pgFull / r.oursFull), verdicts = interleaved.map((r) => r.pgVerdicts / r.oursVerdicts);
  const range = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}×`;
  console.log(`  ≥ 25× faster than PostGIS per permit, like for like (the permit's full answer, PostGIS server-side, taking turns): ` +
    `median ${median(full).toFixed(1)}× over ${full.length} rounds (${range(full)}), ${yes(median(full) >= 25)}`);
  console.log(`  the same for the verdicts alone (ours screenExcavationSummary, PostGIS digQuery counted): ` +
    `median ${median(verdicts).toFixed(1)}× (${range(verdicts)}), ${yes(median(verdicts) >= 25)}`);
}
console.log(postgisP50 === null
  ? '  ≥ 25× faster than PostGIS per permit: not measured (PostGIS skipped)'
  : `  ours' full answer against PostGIS's verdicts alone (server-side p50; PostGIS does less of the work): ${(postgisP50 / oursP50).toFixed(0)}×` +
    ` (against ours timed again just after PostGIS: ${(postgisP50 / oursAfterP50).toFixed(0)}×)`);
if (fullP50 !== null) {
  console.log(`  the full answer, ours at the start against PostGIS minutes later (each line's distance, plan and vertical parts, points, segment, ` +
    `rule, quality; sorted; counts): ${(fullP50 / oursP50).toFixed(0)}× (${(fullP50 / oursAfterP50).toFixed(0)}× against ours timed after)`);
}
if (lineP50 !== null) {
  console.log(`  ours' full answer against PostGIS's verdicts with the network one row per line, as a GIS stores it: ${(lineP50 / oursP50).toFixed(0)}× ` +
    `(${(lineP50 / oursAfterP50).toFixed(0)}× against ours timed after)`);
}
