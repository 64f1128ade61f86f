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
 *   ours     screenExcavation per work (warm: 3 passes, then 5 timed passes), p50/p99 per kind; in the
 *            turns, screenExcavation (the full answer) and screenExcavationSummary (the verdicts alone).
 *   PostGIS  the same throwaway cluster and segment table as screeningPeers.ts (postgis.ts). Each work
 *            is the union of pieces PostGIS can measure: the convex prisms of our own screened volume
 *            (volume.ts: a trench's per-segment boxes with their sloped bottoms and its bends' mitre
 *            wedges; an open cut or a pit) as closed POLYHEDRALSURFACE Z with the wholly-inside test,
 *            and the round parts as their axis, a LINESTRING Z, with ST_3DDistance − radius (a bore
 *            leg's capsule: exact; a pile's or a trench joint's vertical cylinder: exact beside the
 *            shaft, but its flat ends read as rounded, up to a radius nearer, never farther); the axes of
 *            one work and one radius sent as one MULTILINESTRING Z (postgisQueries.ts workHits).
 *            Candidates by ST_3DDWithin (reach + the piece's radius) on the GiST index; per-work time
 *            server-side in PL/pgSQL (clock_timestamp, 2 passes after a warm one; the plan forced
 *            generic, as a prepared statement), each work's pieces arriving as array values, their
 *            geometries as WKB as a client library sends them.
 *            Two answers: the verdicts alone (workVerdictQuery) and the permit's full answer, the
 *            LineConflict row per line (fullWorkQuery; an open cut by fullDigQuery, cheaper for one
 *            prism): deciding segment, 3D distance and closest point, plan distance and point to the
 *            union's plan shape, vertical gap and point over it, segment and parameter, depth,
 *            uncertainties, clearance and its source, id, utility, quality; sorted; counts per verdict.
 *            A row whose 3D distance PostGIS reads through a cylinder's rounded end is marked `approx`.
 *
 * Checked: PostGIS's verdicts line by line against ours (it must miss nothing and rate nothing milder;
 * more severe only where a joint's or pile's rounded toe explains it), its full answer field by field
 * (bench/fullAnswer.ts: any 3D distance apart settled by the oracle, tests/core/oracleSolids.ts; a
 * marked row's distance must be at most the oracle's), and the verdicts of the variants equal.
 * Timed: per kind, ours and PostGIS take turns (ROUNDS rounds of ours / PostGIS / ours, as
 * screeningPeers.ts) for both pairs, full answer against full answer and verdicts against verdicts,
 * each round's ratio against the mean of ours' two turns around PostGIS's; the median round is the
 * figure. Also timed in turn (VARIANTS, ABCCBA): PostGIS's verdicts with one piece each in WKB, and in
 * the WKT text this bench sent before 2026-11-28; and the union's full answer by part (without the
 * vertical gap; without plan distance and vertical gap).
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
import { screenExcavation, screenExcavationSummary, VERDICTS, type LineConflict } from '../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../src/core/screening/segmentTable';
import { segSegDist2 } from '../src/core/screening/segmentSegment';
import { TRENCH_MITRE_LIMIT, volumeOf } from '../src/core/screening/volume';
import { boreSolids, pileSolids, prismSolid, solidsDistance, trenchSolids, type OracleSolid } from '../tests/core/oracleSolids';
import { againstOursFull, describeComparison, type FullComparison } from './fullAnswer';
import {
  cleanUp, detailsCsv, footprintWkt, postgisVersion, prismWkt, psql, sec, segmentsCsv, serverTimingSql, serverTurn, Skip, startCluster, wideSegmentsSql, wkbFromWktSql, type Cluster,
} from './postgis';
import { FULL_COLUMNS, fullDigQuery, FULL_WORK_COLUMNS, fullWorkQuery, VERTICAL_GAP_SQL, WORK_GAP_ARRAYS, workVerdictQuery } from './postgisQueries';
import { mulberry32, percentile, takeTurns, timeEach, type TurnRound } from './stats';
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

/** Per kind, per work: ours' lines by id, in screenExcavation's order (severity, distance, id). */
const ours = {} as Record<Kind, Map<string, LineConflict>[]>;
const oursTimes = {} as Record<Kind, number[]>;
/** Warm passes, then TIMED_PASSES timed passes of screenExcavation over the kind's works: each call's time, ms. */
function timeOurs(kind: Kind): number[] {
  const list = works[kind];
  for (let pass = 0; pass < WARM_PASSES; pass++) for (const w of list) screenExcavation(table, index, w, RULES, RULE_SET);
  return timeEach(list, TIMED_PASSES, (w) => screenExcavation(table, index, w, RULES, RULE_SET));
}
/** The same of screenExcavationSummary: each line's verdict, counted, no rows built (PostGIS's verdicts alone' peer). */
function timeOursSummary(kind: Kind): number[] {
  const list = works[kind];
  for (let pass = 0; pass < WARM_PASSES; pass++) for (const w of list) screenExcavationSummary(table, index, w, RULES, RULE_SET);
  return timeEach(list, TIMED_PASSES, (w) => screenExcavationSummary(table, index, w, RULES, RULE_SET));
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

// ---- the oracle ----------------------------------------------------------------------------------------------

/** Each work as the oracle builds it (tests/core/oracleSolids.ts: from its definition, no kernel code). */
function solidsOf(w: Excavation): OracleSolid[] {
  switch (w.kind) {
    case 'open_cut': return [prismSolid(w.footprint, w.holes ?? [], w.bottomZ, w.topZ)];
    case 'trench': return trenchSolids(w.centreline, w.width, w.bottomZ, w.topZ, TRENCH_MITRE_LIMIT);
    case 'bore': return boreSolids(w.path, w.reamerDiameter, [w.entryPit, w.exitPit].filter((p): p is OpenCut => p !== undefined));
    case 'piles': return pileSolids(w.piles);
  }
}
/** The oracle's axis distance from segment s to work i of `kind`. */
function oracleAxis(kind: Kind): (i: number, s: number) => number {
  const solids = new Map<number, OracleSolid[]>();
  return (i, s) => {
    let u = solids.get(i);
    if (!u) solids.set(i, (u = solidsOf(works[kind][i]!)));
    const c = table.coords, o = s * 6;
    return solidsDistance(u, [c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[o + 5]!]);
  };
}

// ---- PostGIS -----------------------------------------------------------------------------------------------

/**
 * One piece as PostGIS measures it: a closed prism (solid, with its footprint and bottom plane
 * z = b0 + bx·(x − ox) + by·(y − oy) for the inside test) or an axis with a radius; `kind` (0 prism,
 * 1 capsule, 2 vertical cylinder), its axis ends and its plan box (radius included) for the vertical gap.
 */
interface PgPiece {
  solid: boolean; wkt: string; fp: string; r: number; b0: number; bx: number; by: number; ox: number; oy: number; top: number;
  kind: 0 | 1 | 2; axis: readonly number[]; box: readonly number[];
}

const boxOf = (xs: readonly number[], ys: readonly number[], r: number): number[] =>
  [Math.min(...xs) - r - 1e-9, Math.min(...ys) - r - 1e-9, Math.max(...xs) + r + 1e-9, Math.max(...ys) + r + 1e-9];
const prismPiece = (poly: readonly (readonly [number, number])[], bottomAt: readonly number[], top: number, b0: number, bx: number, by: number, ox: number, oy: number): PgPiece => ({
  solid: true, wkt: prismWkt(poly, bottomAt, top), fp: footprintWkt(poly), r: 0, b0, bx, by, ox, oy, top,
  kind: 0, axis: [0, 0, 0, 0, 0, 0], box: boxOf(poly.map((p) => p[0]), poly.map((p) => p[1]), 0),
});
const flatPrism = (d: OpenCut): PgPiece => prismPiece(d.footprint, d.footprint.map(() => d.bottomZ), d.topZ, d.bottomZ, 0, 0, 0, 0);
const axis = (x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, r: number, kind: 1 | 2): PgPiece => ({
  solid: false, wkt: `LINESTRING Z (${x0} ${y0} ${z0},${x1} ${y1} ${z1})`, fp: '', r, b0: 0, bx: 0, by: 0, ox: 0, oy: 0, top: 0,
  kind, axis: [x0, y0, z0, x1, y1, z1], box: boxOf([x0, x1], [y0, y1], r),
});

/** A work's pieces, in volume.ts's order (its vertical gap takes the first piece on a tie). */
function pgPieces(w: Excavation): PgPiece[] {
  switch (w.kind) {
    case 'open_cut': return [flatPrism(w)];
    case 'bore': {
      const r = w.reamerDiameter / 2, p = w.path;
      const out = p.slice(1).map(([x1, y1, z1], i) => axis(p[i]![0], p[i]![1], p[i]![2], x1, y1, z1, r, 1));
      for (const pit of [w.entryPit, w.exitPit]) if (pit) out.push(flatPrism(pit));
      return out;
    }
    case 'piles': return w.piles.map((q) => axis(q.x, q.y, q.topZ - q.depth, q.x, q.y, q.topZ, q.diameter / 2, 2));
    case 'trench':
      return volumeOf(w).pieces.map((piece): PgPiece => {
        if (piece.shape === 'cylinder') {
          const c = piece.cylinder;
          return axis(c.centreX, c.centreY, c.bottomZ, c.centreX, c.centreY, c.topZ, c.radius, 2);
        }
        if (piece.shape !== 'convex') throw new Error(`unexpected trench piece ${piece.shape}`);
        const c = piece.convex;
        const poly = c.xs.map((x, i): [number, number] => [c.originX + x, c.originY + c.ys[i]!]);
        return prismPiece(poly, c.bottomAt, c.topZ, c.b0, c.bx, c.by, c.originX, c.originY);
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
 * A work's pieces as the timed query reads them: the row `w` holds them as one array per field, values
 * the loop hands the query as parameters, as an application would send a permit's work (and as
 * screeningPeers.ts sends its dig); the verdicts compared are those of this same query. `cyl` (the full
 * answer's): whether a round piece is a vertical cylinder.
 */
const piecesOfW = (input: Input, cyl = false): string =>
  `unnest(w.solids, ${INPUTS[input].arrays}, w.rs, w.b0s, w.bxs, w.bys, w.oxs, w.oys, w.tops${cyl ? ', w.cyls' : ''}) AS t(solid, geo, fp, r, b0, bx, "by", ox, oy, top${cyl ? ', cyl' : ''})`;

/**
 * One work's verdicts in SQL (postgisQueries.ts workVerdictQuery), the work's pieces read from the row
 * `w` (piecesOfW), their geometries given as `input`. Timed with the plan forced generic, PostGIS's best case:
 * by default PostgreSQL re-planned this query for each work (a custom plan, ~100 µs of planning per
 * work: open cuts at 200,000 segments 174–201 µs against 113–118 µs generic, trenches 838 against 580,
 * bores 575 against 295–303, under the same load), which a prepared statement in an application
 * would not pay; earlier runs (before 2026-11-28) timed that default and a lookup of the pieces
 * inside the timed query, and overstated PostGIS by 30–50% (the ratios in their notes with it).
 */
const workQuery = (input: Input, reach: number): string => workVerdictQuery(piecesOfW(input), INPUTS[input].parse, reach);
/** PostGIS's full answer for a work of several pieces (postgisQueries.ts fullWorkQuery) from the row `w` of work_full; `parts` leaves fields out. */
const fullQuery = (reach: number, parts: { plan?: boolean; vertical?: boolean } = {}): string => fullWorkQuery(piecesOfW('wkb', true), reach, parts);
/**
 * PostGIS's full answer as the figures time it, per kind: an open cut, one prism, by screeningPeers.ts's
 * fullDigQuery (its one piece read from the row's arrays), which answers the same fields 27% faster than
 * the union's query (20,000 segments: p50 147 against 201 µs, the same run): an expert writes one prism's
 * query without the union's machinery; every other kind by fullWorkQuery.
 */
const kindFullQuery = (kind: Kind, reach: number): string => kind === 'open_cut'
  ? fullDigQuery('ST_GeomFromWKB(w.wkbs[1])', 'ST_GeomFromWKB(w.fp_wkbs[1])', 'w.b0s[1]', 'w.tops[1]', reach, { from: 'segv', wide: true })
  : fullQuery(reach);
const kindFullColumns = (kind: Kind): readonly string[] => (kind === 'open_cut' ? FULL_COLUMNS : FULL_WORK_COLUMNS);
const GENERIC = 'SET plan_cache_mode = force_generic_plan;';

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

/** Rounds in which ours and PostGIS take turns, per kind. */
const ROUNDS = 5;
/** One round of a kind: ours' p50 (the mean of its turns just before and just after PostGIS's), PostGIS's server-side p50, ms; the load after. */

interface KindResult {
  p50: number; p99: number; wkb50: number; wkt50: number; same: number; missing: number; milder: number; severer: number; toe: number; extra: number;
  full: FullComparison; rounds: TurnRound[];
  /** PostGIS's full answer, p50 ms: whole, without the vertical gap, without plan distance and vertical gap (one turn each). */
  parts?: { full: number; noVertical: number; noPlan: number };
}

async function measurePostgis(c: Cluster): Promise<Record<Kind, KindResult>> {
  console.log(`  cluster in ${c.dir}, port ${c.port}; PostgreSQL ${postgisVersion(c)}`);
  let t = performance.now();
  const segs = segmentsCsv(c, 'segs', table, RULES, RULE_SET);
  const details = detailsCsv(c, 'seg', table, RULES, RULE_SET);
  const rows: string[] = [];
  const q = (s: string): string => `"${s}"`;
  let pieceCount = 0;
  KINDS.forEach((kind, k) => works[kind].forEach((w, i) => {
    for (const [seq, p] of pgPieces(w).entries()) {
      rows.push([k * PER_KIND + i, seq, p.solid, q(p.wkt), q(p.fp), p.r, p.b0, p.bx, p.by, p.ox, p.oy, p.top, p.kind, ...p.axis, ...p.box].join(','));
      pieceCount++;
    }
  }));
  writeFileSync(join(c.dir, 'pieces.csv'), rows.join('\n') + '\n');
  writeFileSync(join(c.dir, 'works.csv'), KINDS.flatMap((kind, k) => works[kind].map((_, i) => `${k * PER_KIND + i},${kind}`)).join('\n') + '\n');
  const aggs = 'array_agg(solid) AS solids, array_agg(wkb) AS wkbs, array_agg(fp_wkb) AS fp_wkbs, array_agg(r) AS rs, array_agg(b0) AS b0s, ' +
    'array_agg(bx) AS bxs, array_agg("by") AS bys, array_agg(ox) AS oxs, array_agg(oy) AS oys, array_agg(top) AS tops';
  const gapColumn = (a: string): string => (a === 'fp' ? 'fp_wkb' : a === 'by' ? '"by"' : a);
  writeFileSync(join(c.dir, 'load.sql'), `${segs.sql}${details}${wideSegmentsSql('segs', 'seg', 'segv')}
    ${VERTICAL_GAP_SQL}
    CREATE TABLE pieces (work int, seq int, solid bool, wkt text, fp text, r float8, b0 float8, bx float8, by float8, ox float8, oy float8, top float8,
      kind int, x0 float8, y0 float8, z0 float8, x1 float8, y1 float8, z1 float8, minx float8, miny float8, maxx float8, maxy float8);
    COPY pieces FROM '${join(c.dir, 'pieces.csv')}' (FORMAT csv);
    CREATE INDEX pieces_work ON pieces (work);
    CREATE TABLE works (id int PRIMARY KEY, kind text);
    COPY works FROM '${join(c.dir, 'works.csv')}' (FORMAT csv);
    CREATE TABLE pieces_wkb AS SELECT *, ${wkbFromWktSql('wkt')} AS wkb, ${wkbFromWktSql("NULLIF(fp, '')")} AS fp_wkb FROM pieces;
    CREATE TABLE work_pieces AS SELECT work AS id, ${aggs}, array_agg(wkt) AS wkts, array_agg(fp) AS fps FROM pieces_wkb GROUP BY work;
    CREATE TABLE work_pieces_merged AS SELECT work AS id, ${aggs}, array_agg(cyl) AS cyls FROM (
      SELECT work, solid, wkb, fp_wkb, r, b0, bx, "by", ox, oy, top, false AS cyl FROM pieces_wkb WHERE solid
      UNION ALL
      SELECT work, false, ST_AsBinary(ST_Collect(ST_GeomFromText(wkt))), NULL, r, 0, 0, 0, 0, 0, 0, kind = 2 FROM pieces WHERE NOT solid GROUP BY work, r, kind
    ) p GROUP BY work;
    -- The full answer's work: the search pieces (merged), the plan shape (the prisms' footprints as one
    -- MULTIPOLYGON, the round pieces' plan axes per radius) and each piece for the vertical gap, in order.
    CREATE TABLE work_full AS SELECT m.*, pl.plan_wkbs, pl.plan_rs, ${WORK_GAP_ARRAYS.map((a) => `g.gap_${a}s`).join(', ')}
      FROM work_pieces_merged m
      JOIN (SELECT work, array_agg(g) AS plan_wkbs, array_agg(r) AS plan_rs FROM (
        SELECT work, ST_AsBinary(ST_Collect(ST_GeomFromText(fp))) AS g, 0::float8 AS r FROM pieces WHERE solid GROUP BY work
        UNION ALL
        SELECT work, ST_AsBinary(ST_Collect(ST_Force2D(ST_GeomFromText(wkt)))), r FROM pieces WHERE NOT solid GROUP BY work, r) u GROUP BY work) pl ON pl.work = m.id
      JOIN (SELECT work, ${WORK_GAP_ARRAYS.map((a) => `array_agg(${gapColumn(a)} ORDER BY seq) AS gap_${a}s`).join(', ')}
        FROM pieces_wkb GROUP BY work) g ON g.work = m.id;
    VACUUM ANALYZE pieces; VACUUM ANALYZE works; VACUUM ANALYZE work_pieces; VACUUM ANALYZE work_pieces_merged; VACUUM ANALYZE work_full;
    SELECT 'M', k.kind, avg(cardinality(m.solids)) FROM work_pieces_merged m JOIN works k USING (id) GROUP BY k.kind;
    SELECT count(*) FROM segs;`);
  const merged = psql(c, join(c.dir, 'load.sql')).split('\n').filter((l) => l.startsWith('M|')).map((l) => l.split('|'));
  const reach = Math.max(NOTIFY, segs.maxTol) + table.maxRadius + SLACK;
  console.log(`  loaded ${table.segmentCount.toLocaleString('en')} segments (GiST; and a wide copy with each segment's and line's attributes for the full answer) ` +
    `and ${pieceCount.toLocaleString('en')} pieces of ${KINDS.length * PER_KIND} works in ${sec(t)}; ` +
    `candidates by ST_3DDWithin(segment, piece, ${reach.toFixed(3)} m + the piece's radius); merged, pieces per work: ` +
    merged.map(([, kind, n]) => `${kind} ${Number(n).toFixed(1)}`).join(', '));

  const order = ROUND_ORDER.map((v, i) => `\\echo @@SERVER|${v}
${serverTimingSql(VARIANTS[v].rows, workQuery(VARIANTS[v].input, reach), `timings_${i}`)}`).join('\n');
  const verdictsSql = VARIANT_NAMES.map((v) => `\\echo @@VERDICTS|${v}
SELECT 'R', w.id, q.* FROM ${VARIANTS[v].rows} w CROSS JOIN LATERAL (${workQuery(VARIANTS[v].input, reach)}) q;`).join('\n');
  writeFileSync(join(c.dir, 'bench.sql'), `
\\echo @@PLAN
EXPLAIN (COSTS OFF) SELECT q.* FROM work_pieces_merged w CROSS JOIN LATERAL (${workQuery('wkb', reach)}) q WHERE w.id = ${PER_KIND};
${KINDS.slice(0, 2).map((kind, k) => `\\echo @@FULLPLAN
EXPLAIN (COSTS OFF) SELECT q.* FROM work_full w CROSS JOIN LATERAL (${kindFullQuery(kind, reach)}) q WHERE w.id = ${k * PER_KIND};`).join('\n')}
${GENERIC}
${order}
SET plan_cache_mode = auto;
${verdictsSql}
${KINDS.map((kind, k) => `\\echo @@FULL|merged
SELECT 'F', w.id, q.* FROM work_full w CROSS JOIN LATERAL (${kindFullQuery(kind, reach)}) q WHERE w.id BETWEEN ${k * PER_KIND} AND ${(k + 1) * PER_KIND - 1};`).join('\n')}
`);
  t = performance.now();
  const text = psql(c, join(c.dir, 'bench.sql'));
  console.log(`  bench script (plan; ${ROUND_ORDER.join(', ')}: each 3 × ${KINDS.length * PER_KIND} PL/pgSQL; verdicts of each; the full answer of each work) ran in ${sec(t)}, load ${load()}`);

  let section = '', variant: Variant = 'merged';
  const plan: string[] = [], fullPlan: string[] = [];
  const server = Object.fromEntries(VARIANT_NAMES.map((v) => [v, KINDS.map((): number[] => [])])) as Record<Variant, number[][]>;
  const verdicts = Object.fromEntries(VARIANT_NAMES.map((v) => [v, KINDS.flatMap(() => works.open_cut.map(() => new Map<number, number>()))])) as Record<Variant, Map<number, number>[]>;
  const fullRows: string[][][] = KINDS.flatMap(() => works.open_cut.map((): string[][] => []));
  for (const line of text.split('\n')) {
    if (line.startsWith('@@')) { [section, variant] = line.slice(2).split('|') as [string, Variant]; continue; }
    const f = line.split('|');
    if (section === 'PLAN') plan.push(line);
    else if (section === 'FULLPLAN') fullPlan.push(line);
    else if (section === 'SERVER' && f[0] === 'T') server[variant][Math.floor(Number(f[1]) / PER_KIND)]!.push(Number(f[2]));
    else if (section === 'VERDICTS' && f[0] === 'R') verdicts[variant][Number(f[1])]!.set(Number(f[2]), Number(f[3]));
    else if (section === 'FULL' && f[0] === 'F') fullRows[Number(f[1])]!.push(f.slice(2));
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
    `(${plan.filter((l) => /Scan|Loop/.test(l)).map((l) => l.trim().replace(/^->\s*/, '')).join('; ')}); the full answer's (an open cut's and a trench's): ` +
    `${fullPlan.filter((l) => l.includes('segv_geom')).length === 2 ? 'yes' : 'NO'}`);

  const results = {} as Record<Kind, KindResult>;
  KINDS.forEach((kind, k) => {
    const full = againstOursFull(ours[kind], fullRows.slice(k * PER_KIND, (k + 1) * PER_KIND), table, oracleAxis(kind), kindFullColumns(kind));
    const r: KindResult = {
      p50: percentile(server.merged[k]!, 50), p99: percentile(server.merged[k]!, 99), wkb50: percentile(server.wkb[k]!, 50), wkt50: percentile(server.wkt[k]!, 50),
      same: 0, missing: 0, milder: 0, severer: 0, toe: 0, extra: 0, full, rounds: [],
    };
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
    if (r.missing + r.milder + full.missed + full.milder > 0) process.exitCode = 1;
    results[kind] = r;
    console.log(`  ${kind.padEnd(8)} verdicts alone, server side, merged: p50 ${us(r.p50)} µs, p99 ${us(r.p99)} µs (a piece each, WKB: p50 ${us(r.wkb50)} µs, merged/WKB ${(r.p50 / r.wkb50).toFixed(2)}; ` +
      `WKT: p50 ${us(r.wkt50)} µs, WKB/WKT ${(r.wkb50 / r.wkt50).toFixed(2)}); verdicts: ${r.same} agree, PostGIS misses ${r.missing}, ` +
      `milder ${r.milder}, more severe ${r.severer} (${r.toe} of them the verdict a joint or pile read as axis − radius gives: its flat toe read as rounded), extra ${r.extra}`);
    for (const s of shown) console.log(s);
    console.log(`    full answer vs ours: ${describeComparison(full)}`);
    for (const d of full.distanceApart.slice(0, 8)) console.log(`      APART ${d}`);
    for (const d of full.examples) console.log(`      FULL ${d}`);
  });

  // Like for like, taking turns (as screeningPeers.ts): per kind, ours and PostGIS alternate ROUNDS times,
  // each of PostGIS's turns (its full answer, then its verdicts alone) bracketed by two of ours, and each
  // round's ratio is taken against the mean of the two brackets, so drift in the load falls on both.
  // Two pairs that do the same work: the full answer (ours screenExcavation; PostGIS fullWorkQuery, every
  // row fetched) and the verdicts alone (ours screenExcavationSummary; PostGIS workVerdictQuery, counted).
  console.log(`  taking turns, per kind (${ROUNDS} rounds; PostGIS server-side p50, ${PER_KIND} works × 2 passes after a warm one, plan forced generic; ` +
    `ours p50, the mean of its turns just before and just after):`);
  KINDS.forEach((kind, k) => {
    const rowsOf = (name: string): string => `(SELECT * FROM ${name} WHERE id BETWEEN ${k * PER_KIND} AND ${(k + 1) * PER_KIND - 1}) x`;
    results[kind].rounds = takeTurns(ROUNDS, () => ({ full: percentile(timeOurs(kind), 50), verdicts: percentile(timeOursSummary(kind), 50) }), (round) => ({
      full: serverTurn(c, `full_${kind}_${round}`, rowsOf('work_full'), kindFullQuery(kind, reach), 'rows', 2 * PER_KIND, GENERIC),
      verdicts: serverTurn(c, `verdicts_${kind}_${round}`, rowsOf('work_pieces_merged'), workQuery('wkb', reach), 'count', 2 * PER_KIND, GENERIC),
    }), (r, round) => console.log(`    ${kind.padEnd(8)} round ${round + 1} (load ${r.load.toFixed(1)}): full answer ours ${us(r.oursFull)} µs, PostGIS ${us(r.pgFull)} µs: ${(r.pgFull / r.oursFull).toFixed(1)}×; ` +
      `verdicts alone ours ${us(r.oursVerdicts)} µs, PostGIS ${us(r.pgVerdicts)} µs: ${(r.pgVerdicts / r.oursVerdicts).toFixed(1)}×`));
    // Where PostGIS's full answer spends its time: the union's query (fullWorkQuery, also for open cuts),
    // once whole and once each without the vertical gap and without plan distance and vertical gap (their
    // fields null), one after another.
    const part = (name: string, parts: { plan?: boolean; vertical?: boolean }): number =>
      serverTurn(c, `part_${name}_${kind}`, rowsOf('work_full'), fullQuery(reach, parts), 'rows', 2 * PER_KIND, GENERIC);
    results[kind].parts = { full: part('full', {}), noVertical: part('novertical', { vertical: false }), noPlan: part('noplan', { plan: false, vertical: false }) };
    const pp = results[kind].parts!;
    console.log(`    ${kind.padEnd(8)} PostGIS's full answer by part (load ${loadavg()[0]!.toFixed(1)}): whole ${us(pp.full)} µs, without the vertical gap ${us(pp.noVertical)} µs, ` +
      `without plan distance and vertical gap ${us(pp.noPlan)} µs`);
  });
  return results;
}

let measured: Record<Kind, KindResult> | null = null;
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

// ---- the tables --------------------------------------------------------------------------------------------

function printTable(all: string[][]): void {
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  for (const [k, r] of all.entries()) {
    console.log(`| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`);
    if (k === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  }
}
const median = (xs: readonly number[]): number => percentile(xs, 50);
const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}×`;
console.log(`\n${table.segmentCount.toLocaleString('en')} segments, ${PER_KIND} works per kind; like for like, taking turns (${ROUNDS} rounds per kind; ` +
  `ratio = PostGIS server-side p50 / ours p50, the mean of ours' turns around PostGIS's); load ${load()} at the end`);
printTable([
  ['kind', 'ours full p50 µs', 'PostGIS full p50 µs', 'full answer: median (range)', 'ours verdicts p50 µs', 'PostGIS verdicts p50 µs', 'verdicts alone: median (range)', 'load'],
  ...KINDS.map((kind) => {
    const rs = measured?.[kind].rounds ?? [];
    if (rs.length === 0) return [kind, '—', '—', 'PostGIS not run', '—', '—', '—', '—'];
    const full = rs.map((r) => r.pgFull / r.oursFull), verdicts = rs.map((r) => r.pgVerdicts / r.oursVerdicts);
    return [kind, us(median(rs.map((r) => r.oursFull))), us(median(rs.map((r) => r.pgFull))), `${median(full).toFixed(1)}× (${range(full)})`,
      us(median(rs.map((r) => r.oursVerdicts))), us(median(rs.map((r) => r.pgVerdicts))), `${median(verdicts).toFixed(1)}× (${range(verdicts)})`,
      `${Math.min(...rs.map((r) => r.load)).toFixed(1)}–${Math.max(...rs.map((r) => r.load)).toFixed(1)}`];
  }),
]);
console.log(`\nwhere PostGIS's full answer spends its time: the union's query (fullWorkQuery; the open cuts' turns use fullDigQuery, cheaper for one prism), ` +
  `p50 µs, one turn each, one after another; its verdicts alone: the turns' median`);
printTable([
  ['kind', 'full answer', 'without the vertical gap', 'without plan distance and vertical gap', 'verdicts alone'],
  ...KINDS.map((kind) => {
    const m = measured?.[kind], pp = m?.parts;
    return pp ? [kind, us(pp.full), us(pp.noVertical), us(pp.noPlan), us(median(m!.rounds.map((r) => r.pgVerdicts)))] : [kind, '—', '—', '—', '—'];
  }),
]);
console.log(`\nthe answers, and PostGIS's verdicts alone by how the pieces are sent (ABCCBA at the start of the PostGIS script; ours p50/p99 at the start)`);
printTable([
  ['kind', 'ours p50 µs', 'ours p99 µs', 'PostGIS verdicts p50 µs', 'p99 µs', 'a piece each, WKB p50 µs', 'merged/WKB', 'WKT p50 µs', 'WKB/WKT', 'verdicts vs ours', 'full answer vs ours'],
  ...KINDS.map((kind) => {
    const o50 = percentile(oursTimes[kind], 50), o99 = percentile(oursTimes[kind], 99), m = measured?.[kind];
    if (!m) return [kind, us(o50), us(o99), '—', '—', '—', '—', '—', '—', 'PostGIS not run', '—'];
    const f = m.full;
    return [kind, us(o50), us(o99), us(m.p50), us(m.p99), us(m.wkb50), (m.p50 / m.wkb50).toFixed(2), us(m.wkt50), (m.wkb50 / m.wkt50).toFixed(2),
      `${m.same} agree; ${m.missing} missed, ${m.milder} milder, ${m.severer} more severe (${m.toe} rounded toe), ${m.extra} extra`,
      `${f.lines} rows; ${f.missed} missed, ${f.milder} milder; ${f.verdictDiffersUnmarked} unmarked verdicts differ; ${f.marked} marked (${f.markedSafe} safe); ` +
      `${f.distanceApart.length} 3D apart; ${f.orderDiffersUnmarked} works' order differs unmarked`];
  }),
]);
if (measured) {
  const all = KINDS.flatMap((kind) => measured![kind].rounds);
  console.log(`\ngoal (issue 3: ≥ 25× faster than PostGIS per permit, like for like, every rule, uncertainty and verdict included): the full answer's median round per kind: ` +
    KINDS.map((kind) => `${kind} ${median(measured![kind].rounds.map((r) => r.pgFull / r.oursFull)).toFixed(1)}×`).join(', ') +
    `; load ${Math.min(...all.map((r) => r.load)).toFixed(1)}–${Math.max(...all.map((r) => r.load)).toFixed(1)} during the turns`);
}
