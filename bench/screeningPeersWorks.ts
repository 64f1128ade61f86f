/**
 * Every kind of work against PostGIS, in one run, on the network of screeningPeers.ts (same generator
 * and seed: the same 1M segments) and its rules: 1,000 seeded works per kind,
 *
 *   open_cut  the digs of bench/screening.ts's generator (3-40 m × 2-12 m, 1.5-6 m deep)
 *   trench    a 3-6 vertex centre line 20-200 m long (bends up to ±40°), 0.6-1.5 m wide, 1-3 m deep,
 *             its bottom sloping between vertices
 *   bore      a 100-400 m path of 3-6 stations, 3-15 m deep between its ends (2 m deep, in the pits),
 *             reamer 0.2-0.6 m, a 3 m × 2 m × 2.5 m entry and exit pit
 *   piles     4-20 piles in a row or a grid 2-5 m apart, 0.3-1 m across, 5-20 m deep
 *
 * all with ground at z = 0 as the digs have it.
 *
 *   ours     screenExcavation per work (warm: 3 passes, then 5 timed passes), p50/p99 per kind.
 *   PostGIS  the same throwaway cluster and segment table as screeningPeers.ts (postgis.ts). Each work
 *            is the union of pieces PostGIS can measure: the convex prisms of our own screened volume
 *            (volume.ts: a trench's per-segment boxes with their sloped bottoms and its bends' mitre
 *            wedges; an open cut or a pit) as closed POLYHEDRALSURFACE Z with the wholly-inside test
 *            (a closed surface is measured only to its faces: a segment that touches no face has one
 *            end tested against the footprint and the bottom plane), and the round parts as their
 *            axis, a LINESTRING Z, with ST_3DDistance − radius (a bore leg's capsule: exact; a pile's
 *            or a trench joint's vertical cylinder: exact beside the shaft, but its flat toe is read as
 *            rounded, up to a radius nearer below it, never farther); the axes of one work and one
 *            radius (its piles, its bore legs, its trench joints) sent as one MULTILINESTRING Z.
 *            Candidates by ST_3DDWithin (reach + the piece's radius) on the GiST index; per-work time
 *            server-side in PL/pgSQL (clock_timestamp, 2 passes after a warm one; the plan forced
 *            generic, as a prepared statement), each work's pieces arriving as array values (not
 *            looked up inside the timed query), their geometries as WKB as a client library sends
 *            them. Timed in the same run in turn (VARIANTS): one piece each in WKB, and in the WKT
 *            text this bench sent before 2026-11-28; verdicts compared with ours line by line, and
 *            each variant's with the figures'.
 *
 * Run: npx tsx bench/screeningPeersWorks.ts [segments]   (default 1,000,000; root for apt-get and runuser)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import rulesJson from '../data/rules/screening.json';
import type { Excavation } from '../src/core/screening/excavation';
import type { OpenCut } from '../src/core/screening/openCut';
import { validateScreeningRules } from '../src/core/screening/rules';
import { screenExcavation, VERDICTS, type LineConflict } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { segSegDist2 } from '../src/core/screening/segmentSegment';
import { volumeOf } from '../src/core/screening/volume';
import { cleanUp, footprintWkt, postgisVersion, prismWkt, psql, sec, segmentsCsv, serverTimingSql, Skip, startCluster, wkbFromWktSql, type Cluster } from './postgis';
import { mulberry32, percentile, timeEach } from './stats';
import { AREA_PER_SEGMENT_M2, network } from './syntheticNetwork';
import { drawWorks, KINDS, type Kind } from './works';

const SEED = 0xb0a7; // screeningPeers.ts's: the same network
const WORK_SEED = 0x3077;
const PER_KIND = 1000;
const WARM_PASSES = 3;
const TIMED_PASSES = 5;
const RULES = validateScreeningRules(rulesJson);
const RULE_SET = RULES.defaultRuleSet;
const NOTIFY = RULES.notifyDistance.value;
const SLACK = 1e-6; // screen.ts VERDICT_SLACK_M

const us = (x: number): string => (x * 1000).toFixed(1);
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
const VERDICT_RANK = new Map<string, number>(VERDICTS.map((v, i) => [v, i]));

// ---- the network and the works ------------------------------------------------------------------------

const segmentsWanted = Number(process.argv[2] ?? 1_000_000);
if (!(segmentsWanted > 0)) throw new RangeError(`segments should be a positive number, got ${process.argv[2]}`);
const side = Math.sqrt(segmentsWanted * AREA_PER_SEGMENT_M2);
const links = network(mulberry32(SEED + segmentsWanted), segmentsWanted, side);
const { works, refused } = drawWorks(mulberry32(WORK_SEED), side, PER_KIND);

console.log(`Undergrid screening per kind of work vs PostGIS: seed ${SEED} (network) / ${WORK_SEED} (works), node ${process.version}, ` +
  `rule set ${RULE_SET}, notify ${NOTIFY} m; ${cpus().length} CPUs, load average ${load()} at start (shared machine: timings are noisy)`);
const table = buildSegmentTable(links);
const index = buildSegmentIndex(table);
console.log(`${table.segmentCount.toLocaleString('en')} segments in a ${(side / 1000).toFixed(1)} km square; ${PER_KIND} works per kind ` +
  `(${refused} drawn again: self-contact)`);

// ---- ours -----------------------------------------------------------------------------------------------

const ours = {} as Record<Kind, Map<string, LineConflict>[]>;
const oursTimes = {} as Record<Kind, number[]>;
function timeOurs(kind: Kind): number[] {
  const list = works[kind];
  for (let pass = 0; pass < WARM_PASSES; pass++) for (const w of list) screenExcavation(table, index, w, RULES, RULE_SET);
  return timeEach(list, TIMED_PASSES, (w) => screenExcavation(table, index, w, RULES, RULE_SET));
}
console.log('\nours: screenExcavation, warm, per work');
for (const kind of KINDS) {
  let candidates = 0, tested = 0;
  ours[kind] = works[kind].map((w) => {
    const r = screenExcavation(table, index, w, RULES, RULE_SET);
    candidates += r.summary.candidates; tested += r.summary.segmentsTested;
    return new Map(r.lines.map((l) => [l.linkId, l]));
  });
  oursTimes[kind] = timeOurs(kind);
  const counts = [0, 0, 0];
  for (const m of ours[kind]) for (const l of m.values()) counts[VERDICT_RANK.get(l.verdict)!]!++;
  const pieces = works[kind].reduce((a, w) => a + volumeOf(w).pieces.length, 0) / PER_KIND;
  console.log(`  ${kind.padEnd(8)} p50 ${us(percentile(oursTimes[kind], 50))} µs, p99 ${us(percentile(oursTimes[kind], 99))} µs; ` +
    `${pieces.toFixed(1)} pieces, ${(candidates / PER_KIND).toFixed(1)} candidates, ${(tested / PER_KIND).toFixed(1)} segments tested per work; lines listed ${counts[0]} STRIKE, ${counts[1]} ENCROACH, ${counts[2]} NEAR`);
}

// ---- PostGIS -----------------------------------------------------------------------------------------------

/**
 * One piece as PostGIS measures it: a closed prism (solid, with its footprint and bottom plane
 * z = b0 + bx·(x − ox) + by·(y − oy) for the inside test) or an axis with a radius.
 */
interface PgPiece { solid: boolean; wkt: string; fp: string; r: number; b0: number; bx: number; by: number; ox: number; oy: number; top: number }

const flatPrism = (d: OpenCut): PgPiece => ({
  solid: true, wkt: prismWkt(d.footprint, d.footprint.map(() => d.bottomZ), d.topZ), fp: footprintWkt(d.footprint),
  r: 0, b0: d.bottomZ, bx: 0, by: 0, ox: 0, oy: 0, top: d.topZ,
});
const axis = (x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, r: number): PgPiece =>
  ({ solid: false, wkt: `LINESTRING Z (${x0} ${y0} ${z0},${x1} ${y1} ${z1})`, fp: '', r, b0: 0, bx: 0, by: 0, ox: 0, oy: 0, top: 0 });

function pgPieces(w: Excavation): PgPiece[] {
  switch (w.kind) {
    case 'open_cut': return [flatPrism(w)];
    case 'bore': {
      const r = w.reamerDiameter / 2, p = w.path;
      const out = p.slice(1).map(([x1, y1, z1], i) => axis(p[i]![0], p[i]![1], p[i]![2], x1, y1, z1, r));
      for (const pit of [w.entryPit, w.exitPit]) if (pit) out.push(flatPrism(pit));
      return out;
    }
    case 'piles': return w.piles.map((q) => axis(q.x, q.y, q.topZ - q.depth, q.x, q.y, q.topZ, q.diameter / 2));
    case 'trench':
      return volumeOf(w).pieces.map((piece): PgPiece => {
        if (piece.shape === 'cylinder') {
          const c = piece.cylinder;
          return axis(c.centreX, c.centreY, c.bottomZ, c.centreX, c.centreY, c.topZ, c.radius);
        }
        if (piece.shape !== 'convex') throw new Error(`unexpected trench piece ${piece.shape}`);
        const c = piece.convex;
        const poly = c.xs.map((x, i): [number, number] => [c.originX + x, c.originY + c.ys[i]!]);
        return { solid: true, wkt: prismWkt(poly, c.bottomAt, c.topZ), fp: footprintWkt(poly), r: 0, b0: c.b0, bx: c.bx, by: c.by, ox: c.originX, oy: c.originY, top: c.topZ };
      });
  }
}

/**
 * How a work's geometries reach the timed query: as WKB (bytea, made at load by wkbFromWktSql: the same
 * doubles), as a client library sends a geometry and as screeningPeers.ts sends its dig, the figures'
 * input; or as the WKT text this bench sent before 2026-11-28 (works13), timed in the same run.
 */
const INPUTS = {
  wkb: { arrays: 'w.wkbs, w.fp_wkbs', parse: 'ST_GeomFromWKB' },
  wkt: { arrays: 'w.wkts, w.fps', parse: 'ST_GeomFromText' },
} as const;
type Input = keyof typeof INPUTS;

/**
 * What is timed, in turn (ABCCBA, each a warm pass and 2 timed, so drift in the load falls on all):
 * `merged` the figures: the work as a PostGIS expert sends it, in WKB, the round pieces of one radius
 * (a bore's legs, a trench's joints, a work's piles) as one MULTILINESTRING Z (work_pieces_merged):
 * one index probe and one ST_3DDistance per candidate instead of one per piece, the same minimum,
 * so the same verdicts; `wkb` one piece each (work_pieces), in WKB; `wkt` one piece each as the
 * WKT text this bench sent before 2026-11-28 (works13).
 */
const VARIANTS = {
  merged: { input: 'wkb', rows: 'work_pieces_merged' },
  wkb: { input: 'wkb', rows: 'work_pieces' },
  wkt: { input: 'wkt', rows: 'work_pieces' },
} as const satisfies Record<string, { input: Input; rows: string }>;
type Variant = keyof typeof VARIANTS;
const VARIANT_NAMES = Object.keys(VARIANTS) as Variant[];
const ROUND_ORDER: readonly Variant[] = [...VARIANT_NAMES, ...[...VARIANT_NAMES].reverse()];

/**
 * A work's pieces as the timed query reads them: the row `w` of work_pieces holds them as one array per
 * field, values the loop hands the query as parameters, as an application would send a permit's work
 * (and as screeningPeers.ts sends its dig); the verdicts compared are those of this same query.
 */
const piecesOfW = (input: Input): string =>
  `unnest(w.solids, ${INPUTS[input].arrays}, w.rs, w.b0s, w.bxs, w.bys, w.oxs, w.oys, w.tops) AS t(solid, geo, fp, r, b0, bx, "by", ox, oy, top)`;

/**
 * One work's screening in SQL; rows (link, v), v = 0 STRIKE .. 2 NEAR, the work's pieces read from
 * the row `w` of work_pieces (piecesOfW), their geometries given as `input`. Timed with the plan forced generic, PostGIS's best case:
 * by default PostgreSQL re-planned this query for each work (a custom plan, ~100 µs of planning per
 * work: open cuts at 200,000 segments 174–201 µs against 113–118 µs generic, trenches 838 against 580,
 * bores 575 against 295–303, under the same load), which a prepared statement in an application
 * would not pay; earlier runs (before 2026-11-28) timed that default and a lookup of the pieces
 * inside the timed query, and overstated PostGIS by 30–50% (the ratios in their notes with it).
 */
function workQuery(input: Input, reach: number): string {
  const parse = INPUTS[input].parse;
  const verdict = `min(CASE WHEN d <= 0 THEN 0 WHEN d <= tol THEN 1 WHEN d <= ${NOTIFY} THEN 2 ELSE 3 END)`;
  const start = 'ST_StartPoint(cand.geom)';
  return `
    SELECT link, ${verdict} AS v FROM (
      SELECT cand.link, cand.tol, CASE WHEN NOT p.solid THEN cand.face - p.r
        -- a segment that touches no face of a convex solid is wholly inside or wholly outside: test one end
        WHEN cand.face > 0 AND ST_Z(${start}) BETWEEN p.b0 + p.bx * (ST_X(${start}) - p.ox) + p.by * (ST_Y(${start}) - p.oy) AND p.top
             AND ST_Intersects(ST_Force2D(${start}), p.fpg) THEN 0
        ELSE cand.face END - cand.radius - ${SLACK} AS d
      FROM (SELECT solid, ${parse}(geo) AS g, CASE WHEN solid THEN ${parse}(fp) END AS fpg, t.r, b0, bx, by, ox, oy, top
            FROM ${piecesOfW(input)} OFFSET 0) p
      CROSS JOIN LATERAL (
        SELECT s.link, s.radius, s.tol, s.geom, ST_3DDistance(s.geom, p.g) AS face
        FROM segs s WHERE ST_3DDWithin(s.geom, p.g, ${reach} + p.r) OFFSET 0
      ) cand OFFSET 0
    ) hit GROUP BY link HAVING ${verdict} < 3`;
}

/**
 * The verdict rank (0 STRIKE .. 3 none) a line gets from a work's vertical cylinders (trench joints,
 * piles) read PostGIS's way, as their axis − radius (a rounded toe): explains a "more severe" PostGIS
 * verdict when it matches it.
 */
function roundedToeRank(w: Excavation, linkId: string, o: LineConflict): number {
  const v = links[Number(linkId.slice(1))]!.vertices;
  let best = Infinity;
  for (const piece of volumeOf(w).pieces) {
    if (piece.shape !== 'cylinder') continue;
    const c = piece.cylinder;
    for (let i = 0; i + 4 < v.length; i += 4) {
      const d = Math.sqrt(segSegDist2(v[i]!, v[i + 1]!, v[i + 2]!, v[i + 4]!, v[i + 5]!, v[i + 6]!, c.centreX, c.centreY, c.bottomZ, c.centreX, c.centreY, c.topZ));
      best = Math.min(best, d - c.radius - o.radius - SLACK);
    }
  }
  return best <= 0 ? 0 : best <= o.tolerance ? 1 : best <= NOTIFY ? 2 : 3;
}

interface KindResult { p50: number; p99: number; wkb50: number; wkt50: number; same: number; missing: number; milder: number; severer: number; toe: number; extra: number }

async function measurePostgis(c: Cluster): Promise<{ results: Record<Kind, KindResult>; oursAfter: Record<Kind, number>; loadAfter: string }> {
  console.log(`  cluster in ${c.dir}, port ${c.port}; PostgreSQL ${postgisVersion(c)}`);
  let t = performance.now();
  const segs = segmentsCsv(c, 'segs', table, RULES, RULE_SET);
  const rows: string[] = [];
  const q = (s: string): string => `"${s}"`;
  let pieceCount = 0;
  KINDS.forEach((kind, k) => works[kind].forEach((w, i) => {
    for (const p of pgPieces(w)) {
      rows.push(`${k * PER_KIND + i},${p.solid},${q(p.wkt)},${q(p.fp)},${p.r},${p.b0},${p.bx},${p.by},${p.ox},${p.oy},${p.top}`);
      pieceCount++;
    }
  }));
  writeFileSync(join(c.dir, 'pieces.csv'), rows.join('\n') + '\n');
  writeFileSync(join(c.dir, 'works.csv'), KINDS.flatMap((kind, k) => works[kind].map((_, i) => `${k * PER_KIND + i},${kind}`)).join('\n') + '\n');
  const aggs = 'array_agg(solid) AS solids, array_agg(wkb) AS wkbs, array_agg(fp_wkb) AS fp_wkbs, array_agg(r) AS rs, array_agg(b0) AS b0s, ' +
    'array_agg(bx) AS bxs, array_agg("by") AS bys, array_agg(ox) AS oxs, array_agg(oy) AS oys, array_agg(top) AS tops';
  writeFileSync(join(c.dir, 'load.sql'), `${segs.sql}
    CREATE TABLE pieces (work int, solid bool, wkt text, fp text, r float8, b0 float8, bx float8, by float8, ox float8, oy float8, top float8);
    COPY pieces FROM '${join(c.dir, 'pieces.csv')}' (FORMAT csv);
    CREATE INDEX pieces_work ON pieces (work);
    CREATE TABLE works (id int PRIMARY KEY, kind text);
    COPY works FROM '${join(c.dir, 'works.csv')}' (FORMAT csv);
    CREATE TABLE pieces_wkb AS SELECT *, ${wkbFromWktSql('wkt')} AS wkb, ${wkbFromWktSql("NULLIF(fp, '')")} AS fp_wkb FROM pieces;
    CREATE TABLE work_pieces AS SELECT work AS id, ${aggs}, array_agg(wkt) AS wkts, array_agg(fp) AS fps FROM pieces_wkb GROUP BY work;
    CREATE TABLE work_pieces_merged AS SELECT work AS id, ${aggs} FROM (
      SELECT work, solid, wkb, fp_wkb, r, b0, bx, "by", ox, oy, top FROM pieces_wkb WHERE solid
      UNION ALL
      SELECT work, false, ST_AsBinary(ST_Collect(ST_GeomFromText(wkt))), NULL, r, 0, 0, 0, 0, 0, 0 FROM pieces WHERE NOT solid GROUP BY work, r
    ) p GROUP BY work;
    VACUUM ANALYZE pieces; VACUUM ANALYZE works; VACUUM ANALYZE work_pieces; VACUUM ANALYZE work_pieces_merged;
    SELECT 'M', k.kind, avg(cardinality(m.solids)) FROM work_pieces_merged m JOIN works k USING (id) GROUP BY k.kind;
    SELECT count(*) FROM segs;`);
  const merged = psql(c, join(c.dir, 'load.sql')).split('\n').filter((l) => l.startsWith('M|')).map((l) => l.split('|'));
  const reach = Math.max(NOTIFY, segs.maxTol) + table.maxRadius + SLACK;
  console.log(`  loaded ${table.segmentCount.toLocaleString('en')} segments (GiST) and ${pieceCount.toLocaleString('en')} pieces of ${KINDS.length * PER_KIND} works in ${sec(t)}; ` +
    `candidates by ST_3DDWithin(segment, piece, ${reach.toFixed(3)} m + the piece's radius); merged, pieces per work: ` +
    merged.map(([, kind, n]) => `${kind} ${Number(n).toFixed(1)}`).join(', '));

  const order = ROUND_ORDER.map((v, i) => `\\echo @@SERVER|${v}
${serverTimingSql(VARIANTS[v].rows, workQuery(VARIANTS[v].input, reach), `timings_${i}`)}`).join('\n');
  const verdictsSql = VARIANT_NAMES.map((v) => `\\echo @@VERDICTS|${v}
SELECT 'R', w.id, q.* FROM ${VARIANTS[v].rows} w CROSS JOIN LATERAL (${workQuery(VARIANTS[v].input, reach)}) q;`).join('\n');
  writeFileSync(join(c.dir, 'bench.sql'), `
\\echo @@PLAN
EXPLAIN (COSTS OFF) SELECT q.* FROM work_pieces_merged w CROSS JOIN LATERAL (${workQuery('wkb', reach)}) q WHERE w.id = ${PER_KIND};
SET plan_cache_mode = force_generic_plan;
${order}
SET plan_cache_mode = auto;
${verdictsSql}
`);
  t = performance.now();
  const text = psql(c, join(c.dir, 'bench.sql'));
  console.log(`  bench script (plan; ${ROUND_ORDER.join(', ')}: each 3 × ${KINDS.length * PER_KIND} PL/pgSQL; verdicts of each) ran in ${sec(t)}, load ${load()}`);
  // Ours again right after (warm passes first): the load may have changed since the start.
  const oursAfter = {} as Record<Kind, number>;
  for (const kind of KINDS) oursAfter[kind] = percentile(timeOurs(kind), 50);
  const loadAfter = load();

  let section = '', variant: Variant = 'merged';
  const plan: string[] = [];
  const server = Object.fromEntries(VARIANT_NAMES.map((v) => [v, KINDS.map((): number[] => [])])) as Record<Variant, number[][]>;
  const verdicts = Object.fromEntries(VARIANT_NAMES.map((v) => [v, KINDS.flatMap(() => works.open_cut.map(() => new Map<number, number>()))])) as Record<Variant, Map<number, number>[]>;
  for (const line of text.split('\n')) {
    if (line.startsWith('@@')) { [section, variant] = line.slice(2).split('|') as [string, Variant]; continue; }
    const f = line.split('|');
    if (section === 'PLAN') plan.push(line);
    else if (section === 'SERVER' && f[0] === 'T') server[variant][Math.floor(Number(f[1]) / PER_KIND)]!.push(Number(f[2]));
    else if (section === 'VERDICTS' && f[0] === 'R') verdicts[variant][Number(f[1])]!.set(Number(f[2]), Number(f[3]));
  }
  for (const v of VARIANT_NAMES) {
    const want = 2 * PER_KIND * ROUND_ORDER.filter((y) => y === v).length;
    if (server[v].some((s) => s.length !== want)) throw new Error(`unexpected psql output: ${server[v].map((s) => s.length).join(', ')} ${v} server timings per kind`);
    if (v === 'merged') continue;
    // The same doubles and the same minimum: every variant's verdicts must be the figures', line for line.
    const differ = verdicts.merged.reduce((n, m, i) => n + [...new Set([...m.keys(), ...verdicts[v][i]!.keys()])].filter((l) => m.get(l) !== verdicts[v][i]!.get(l)).length, 0);
    console.log(`  ${v}'s verdicts against merged's: ${differ} lines differ`);
    if (differ > 0) process.exitCode = 1;
  }
  const pg = verdicts.merged;
  console.log(`  plan uses the GiST index: ${plan.some((l) => l.includes('segs_geom')) ? 'yes' : 'NO'} ` +
    `(${plan.filter((l) => /Scan|Loop/.test(l)).map((l) => l.trim().replace(/^->\s*/, '')).join('; ')})`);

  const results = {} as Record<Kind, KindResult>;
  KINDS.forEach((kind, k) => {
    const r: KindResult = { p50: percentile(server.merged[k]!, 50), p99: percentile(server.merged[k]!, 99), wkb50: percentile(server.wkb[k]!, 50), wkt50: percentile(server.wkt[k]!, 50), same: 0, missing: 0, milder: 0, severer: 0, toe: 0, extra: 0 };
    const shown: string[] = [];
    const show = (what: string, i: number, id: string, o: LineConflict | undefined, v: number | undefined): void => {
      if (shown.length >= 6) return;
      const oursText = o ? `ours ${o.verdict} (3D ${o.distance3d.toFixed(4)} m, plan ${o.horizontal.toFixed(4)} m, vertical ${o.vertical === null ? '—' : o.vertical.toFixed(4)} m, ` +
        `radius ${o.radius.toFixed(3)} m, tolerance ${o.tolerance.toFixed(3)} m)` : 'ours: not listed';
      shown.push(`    ${what} ${kind} ${i} ${id}: ${oursText}; PostGIS ${v === undefined ? 'not listed' : VERDICTS[v]}`);
    };
    for (let i = 0; i < PER_KIND; i++) {
      const o = ours[kind][i]!, p = pg[k * PER_KIND + i]!;
      for (const [id, l] of o) {
        const v = p.get(Number(id.slice(1))), rank = VERDICT_RANK.get(l.verdict)!;
        if (v === undefined) { r.missing++; show('MISSED', i, id, l, v); }
        else if (v > rank) { r.milder++; show('MILDER', i, id, l, v); }
        else if (v < rank) { r.severer++; if (roundedToeRank(works[kind][i]!, id, l) === v) r.toe++; show('more severe', i, id, l, v); }
        else r.same++;
      }
      for (const [link, v] of p) if (!o.has(table.linkIds[link]!)) { r.extra++; show('extra', i, table.linkIds[link]!, undefined, v); }
    }
    results[kind] = r;
    console.log(`  ${kind.padEnd(8)} server side, merged: p50 ${us(r.p50)} µs, p99 ${us(r.p99)} µs (a piece each, WKB: p50 ${us(r.wkb50)} µs, merged/WKB ${(r.p50 / r.wkb50).toFixed(2)}; WKT: p50 ${us(r.wkt50)} µs, WKB/WKT ${(r.wkb50 / r.wkt50).toFixed(2)}); verdicts: ${r.same} agree, PostGIS misses ${r.missing}, ` +
      `milder ${r.milder}, more severe ${r.severer} (${r.toe} of them the verdict a joint or pile read as axis − radius gives: its flat toe read as rounded), extra ${r.extra}`);
    for (const s of shown) console.log(s);
  });
  return { results, oursAfter, loadAfter };
}

let measured: Awaited<ReturnType<typeof measurePostgis>> | null = null;
console.log('\nPostGIS: throwaway PostgreSQL 15 + PostGIS 3 cluster on 127.0.0.1');
try {
  const cluster = await startCluster();
  try {
    measured = await measurePostgis(cluster);
  } finally {
    cluster.stop();
    console.log(`  cluster stopped and ${cluster.dir} deleted`);
  }
} catch (e) {
  console.log(`PostGIS: ${e instanceof Skip ? 'skipped' : 'failed'} (${e instanceof Error ? e.message : String(e)})`);
  if (!(e instanceof Skip)) process.exitCode = 1;
} finally {
  cleanUp();
}

// ---- the table ---------------------------------------------------------------------------------------------

const header = ['kind', 'ours p50 µs', 'ours p99 µs', 'PostGIS p50 µs', 'PostGIS p99 µs', 'ratio p50', 'ours after µs', 'ratio after', 'a piece each, WKB p50 µs', 'merged/WKB', 'WKT p50 µs', 'WKB/WKT', 'verdicts vs ours'];
const all = [header, ...KINDS.map((kind) => {
  const o50 = percentile(oursTimes[kind], 50), o99 = percentile(oursTimes[kind], 99);
  const m = measured?.results[kind], after = measured?.oursAfter[kind];
  return [kind, us(o50), us(o99), m ? us(m.p50) : '—', m ? us(m.p99) : '—', m ? `${(m.p50 / o50).toFixed(1)}×` : '—',
    after === undefined ? '—' : us(after), m && after !== undefined ? `${(m.p50 / after).toFixed(1)}×` : '—',
    m ? us(m.wkb50) : '—', m ? (m.p50 / m.wkb50).toFixed(2) : '—', m ? us(m.wkt50) : '—', m ? (m.wkb50 / m.wkt50).toFixed(2) : '—',
    m ? `${m.same} agree; ${m.missing} missed, ${m.milder} milder, ${m.severer} more severe (${m.toe} rounded toe), ${m.extra} extra` : 'PostGIS not run'];
})];
const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
console.log(`\n${table.segmentCount.toLocaleString('en')} segments, ${PER_KIND} works per kind; PostGIS server side (PL/pgSQL), pieces as WKB with the round ones of a radius merged (a piece each and as WKT: same run); ` +
  `load ${load()} at the end${measured ? ` (${measured.loadAfter} when ours was timed again)` : ''}`);
for (const [k, r] of all.entries()) {
  console.log(`| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`);
  if (k === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
}
