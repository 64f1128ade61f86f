/**
 * PostGIS's full answer (fullDigQuery, fullWorkQuery: bench/postgisQueries.ts) against ours
 * (screenExcavation's LineConflict rows), work by work, field by field; any 3D distance apart is
 * settled by the oracle (tests/core/oracle.ts, oracleSolids.ts: exact, written apart from both).
 * Used by screeningPeersWorks.ts for every kind of work; screeningPeers.ts has the open-cut original
 * this generalises (rows may carry an `approx` mark: a field PostGIS could not give exactly).
 */
import { VERDICTS, type LineConflict, type Point3 } from '../src/core/screening/verdicts';
import type { SegmentTable } from '../src/core/screening/segmentTable';
import { FULL_COLUMNS } from './postgisQueries';

/** Two distances or coordinates closer than this are the same (the kernels are exact; GEOS rounds its own way). */
export const EQUAL_M = 1e-6;
const VERDICT_RANK = new Map<string, number>(VERDICTS.map((v, i) => [v, i]));

export interface FullComparison {
  /** Rows PostGIS returned. */
  lines: number;
  /** Works whose lines or their order differ; of them, works where they still differ without PostGIS's marked rows. */
  orderDiffers: number; orderDiffersUnmarked: number;
  /** Lines ours lists that PostGIS's full answer misses, or rates milder (must be 0). */
  missed: number; milder: number;
  /** Rows whose verdict differs from ours (all more severe when missed and milder are 0); of them, unmarked. */
  verdictDiffers: number; verdictDiffersUnmarked: number;
  /** Works whose counts per verdict differ; of them, works without a marked row. */
  countDiffers: number; countDiffersUnmarked: number;
  /** Rows on another deciding segment than ours; of them, both equally near (within EQUAL_M). */
  segmentDiffers: number; segmentTies: number;
  /** Rows PostGIS marked approximate, and of them those whose 3D distance is at most the oracle's (the safe side). */
  marked: number; markedSafe: number;
  /** Per field, the largest |difference| on rows of the same segment and an equal 3D distance. */
  fields: string;
  examples: string[];
  /** Unmarked rows on the same segment whose 3D distances are more than EQUAL_M apart, with the oracle's. */
  distanceApart: string[];
}

/**
 * PostGIS's full rows per work (`rows[i]`: each row's cells in `columns` order, the caller's tag and
 * work dropped) against ours (`ours[i]`: screenExcavation's lines in their order, by line id).
 * `oracleAxis(i, s)`: the oracle's distance from segment s's axis to work i. Points are compared only
 * where they are unique: a closest point where the distance is not 0, a plan point where the plan
 * distance is not 0, a vertical point where the gap is not 0.
 */
export function againstOursFull(
  ours: readonly ReadonlyMap<string, LineConflict>[], rows: readonly string[][][], table: SegmentTable,
  oracleAxis: (work: number, segment: number) => number, columns: readonly string[] = FULL_COLUMNS,
): FullComparison {
  const c: FullComparison = {
    lines: 0, orderDiffers: 0, orderDiffersUnmarked: 0, missed: 0, milder: 0, verdictDiffers: 0, verdictDiffersUnmarked: 0,
    countDiffers: 0, countDiffersUnmarked: 0, segmentDiffers: 0, segmentTies: 0, marked: 0, markedSafe: 0, fields: '', examples: [], distanceApart: [],
  };
  const worst = new Map<string, number>();
  const note = (k: string, d: number): void => { if (!(d <= (worst.get(k) ?? 0))) worst.set(k, d); };
  const example = (s: string): void => { if (c.examples.length < 12) c.examples.push(s); };
  const dist = (a: Point3, x: string, y: string, z: string): number => Math.hypot(a.x - Number(x), a.y - Number(y), a.z - Number(z));
  for (let i = 0; i < rows.length; i++) {
    const mine = ours[i]!, o = [...mine.values()];
    const pg = rows[i]!.map((r) => Object.fromEntries(columns.map((k, j) => [k, r[j] ?? ''])) as Record<(typeof FULL_COLUMNS)[number] | 'approx', string>);
    c.lines += pg.length;
    const markedIds = new Set(pg.filter((r) => (r.approx ?? '') !== '').map((r) => r.id));
    const ids = (xs: readonly string[]): string => xs.join(',');
    if (ids(o.map((l) => l.linkId)) !== ids(pg.map((r) => r.id))) {
      c.orderDiffers++;
      if (ids(o.map((l) => l.linkId).filter((id) => !markedIds.has(id))) !== ids(pg.map((r) => r.id).filter((id) => !markedIds.has(id)))) {
        c.orderDiffersUnmarked++;
        example(`work ${i}: ours ${o.map((l) => l.linkId).join(',')}; PostGIS ${pg.map((r) => r.id).join(',')}`);
      }
    }
    const byId = new Map(pg.map((r) => [r.id, r]));
    for (const l of o) {
      const r = byId.get(l.linkId);
      if (!r) { c.missed++; example(`MISSED work ${i} ${l.linkId}: ours ${l.verdict} at ${l.distance3d.toFixed(6)} m`); }
      else if (Number(r.v) > VERDICT_RANK.get(l.verdict)!) { c.milder++; example(`MILDER work ${i} ${l.linkId}: ours ${l.verdict}, PostGIS ${VERDICTS[Number(r.v)]}`); }
    }
    const counts = [0, 0, 0];
    for (const l of o) counts[VERDICT_RANK.get(l.verdict)!]!++;
    if (pg.length > 0 && (Number(pg[0]!.strike) !== counts[0] || Number(pg[0]!.encroach) !== counts[1] || Number(pg[0]!.near) !== counts[2])) {
      c.countDiffers++;
      if (markedIds.size === 0) c.countDiffersUnmarked++;
    }
    for (const r of pg) {
      const marked = markedIds.has(r.id);
      if (marked) {
        c.marked++;
        // A marked 3D distance must be on the safe side of the truth: never farther than the oracle's.
        const truth = oracleAxis(i, Number(r.seg)) - Number(r.radius);
        if (Number(r.d3) <= Math.max(0, truth) + EQUAL_M) c.markedSafe++;
        else example(`MARKED ${r.approx} work ${i} ${r.id} segment ${r.vertex}: PostGIS ${Number(r.d3).toFixed(6)} m, oracle ${truth.toFixed(6)} m: farther than the truth`);
      }
      const l = mine.get(r.id);
      if (!l) continue;
      if (VERDICT_RANK.get(l.verdict) !== Number(r.v)) {
        c.verdictDiffers++;
        if (!marked) { c.verdictDiffersUnmarked++; example(`work ${i} ${r.id}: ours ${l.verdict}, PostGIS ${VERDICTS[Number(r.v)]}`); }
      }
      if (l.segmentIndex !== Number(r.vertex)) {
        c.segmentDiffers++;
        if (Math.abs(l.distance3d - Number(r.d3)) <= EQUAL_M) { c.segmentTies++; continue; }
        if (marked) continue;
        // Ours' deciding segment: the line's segment with that vertex number, near PostGIS's.
        let sg = Number(r.seg);
        const link = table.linkOfSegment[sg]!;
        while (sg > 0 && table.linkOfSegment[sg - 1] === link) sg--;
        while (table.segmentVertex[sg] !== l.segmentIndex) sg++;
        example(`work ${i} ${r.id}: ours segment ${l.segmentIndex} at ${l.distance3d.toFixed(6)} m (oracle ${(oracleAxis(i, sg) - l.radius).toFixed(6)} m), ` +
          `PostGIS segment ${r.vertex} at ${Number(r.d3).toFixed(6)} m`);
        continue;
      }
      const d3 = Number(r.d3);
      const sameDistance = Math.abs(l.distance3d - d3) <= EQUAL_M;
      if (!sameDistance && !marked) {
        // Which one the oracle agrees with.
        const truth = Math.max(0, oracleAxis(i, Number(r.seg)) - l.radius);
        const side = Math.abs(l.distance3d - truth) <= EQUAL_M ? 'ours' : Math.abs(d3 - truth) <= EQUAL_M ? 'PostGIS' : 'neither';
        c.distanceApart.push(`work ${i} ${r.id} segment ${r.vertex}: ours ${l.distance3d.toFixed(6)} m, PostGIS ${d3.toFixed(6)} m, oracle ${truth.toFixed(6)} m: ${side}`);
      }
      if (sameDistance) {
        note('distance3d', Math.abs(l.distance3d - d3));
        if (l.distance3d > EQUAL_M) { note('closest point', dist(l.closestPoint, r.cx, r.cy, r.cz)); note('t', Math.abs(l.t - Number(r.t))); }
      }
      note('horizontal', Math.abs(l.horizontal - Number(r.h)));
      note('vertical', l.vertical === null || r.vg === '' ? (l.vertical === null && r.vg === '' ? 0 : Infinity) : Math.abs(l.vertical - Number(r.vg)));
      if (l.vertical === null ? r.vg !== '' : r.vg === '') example(`work ${i} ${r.id}: vertical ours ${l.vertical}, PostGIS ${r.vg || 'none'}`);
      note('tolerance', Math.abs(l.tolerance - Number(r.tol)));
      note('depth', Math.abs(l.centrelineDepth - Number(r.depth)));
      note('uncertainty', Math.max(Math.abs(l.horizontalUncertainty - Number(r.hunc)), Math.abs(l.verticalUncertainty - Number(r.vunc))));
      note('clearance and source', l.clearance === Number(r.clearance) && l.clearanceSource === r.source ? 0 : Infinity);
      note('utility, quality, depth known', l.utility === r.utility && (l.quality ?? '') === r.quality && (l.depthKnown ? 't' : 'f') === r.depthKnown ? 0 : Infinity);
      if (l.horizontal > EQUAL_M) note('plan point', dist(l.horizontalAt, r.hx, r.hy, r.hz));
      if (l.vertical !== null && l.vertical > EQUAL_M && l.verticalAt) note('vertical point', dist(l.verticalAt, r.vx, r.vy, r.vz));
    }
  }
  c.fields = [...worst].map(([k, d]) => `${k} ${d === Infinity ? 'DIFFERS' : d.toExponential(1)}`).join(', ');
  return c;
}

/** One line of a comparison, for the bench's output. */
export function describeComparison(c: FullComparison): string {
  return `${c.lines} lines; PostGIS misses ${c.missed}, milder ${c.milder}; lines or order differ on ${c.orderDiffers} works ` +
    `(${c.orderDiffersUnmarked} without its marked rows); verdicts differ on ${c.verdictDiffers} (${c.verdictDiffersUnmarked} unmarked); ` +
    `counts per verdict differ on ${c.countDiffers} works (${c.countDiffersUnmarked} without a marked row); another deciding segment on ${c.segmentDiffers} ` +
    `(equally near within ${EQUAL_M} m: ${c.segmentTies}); marked approximate ${c.marked} (${c.markedSafe} of them at most the oracle's distance); ` +
    `3D distances apart on the same segment, unmarked: ${c.distanceApart.length}; largest |difference| elsewhere: ${c.fields}`;
}
