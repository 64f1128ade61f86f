/**
 * The PostGIS side of the open-cut peers in SQL (screeningPeers.ts measures them; screeningPeersFull.ts
 * tries faster ways to write the full answer): the dig as WKT, the verdict of a distance, one dig's
 * candidates, its verdicts, its full answer, and its verdicts against the network stored one row per line.
 */
import rulesJson from '../data/rules/screening.json';
import type { OpenCut } from '../src/core/screening/excavation';
import { validateScreeningRules } from '../src/core/screening/rules';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { footprintWkt, prismWkt, wkbFromWktSql, type Cluster } from './postgis';

const RULES = validateScreeningRules(rulesJson);
export const NOTIFY = RULES.notifyDistance.value;
export const SLACK = 1e-6; // screen.ts VERDICT_SLACK_M
/** The dig as a closed POLYHEDRALSURFACE Z: bottom, top, one quad per wall. */
export const solidWkt = (d: OpenCut): string => prismWkt(d.footprint, d.footprint.map(() => d.bottomZ), d.topZ);

/**
 * The digs as table `digs` (id, solid and fp as WKT, bottom, top) and the same geometries as WKB
 * (solid_wkb, fp_wkb: the doubles themselves, so the same digs). The peers read the WKB: a client
 * library sends a geometry as WKB, and parsing WKT's decimal text was a third of PostGIS's verdict
 * query (bench/README.md, "PostGIS's advocate").
 */
export function digsSql(c: Cluster, digs: readonly OpenCut[]): string {
  const file = join(c.dir, 'digs.csv');
  writeFileSync(file, digs.map((d, i) => `${i},"${solidWkt(d)}","${footprintWkt(d.footprint)}",${d.bottomZ},${d.topZ}`).join('\n') + '\n');
  return `
    CREATE TABLE digs (id int PRIMARY KEY, solid text, fp text, bottom float8, top float8);
    COPY digs FROM '${file}' (FORMAT csv);
    ALTER TABLE digs ADD COLUMN solid_wkb bytea, ADD COLUMN fp_wkb bytea;
    UPDATE digs SET solid_wkb = ${wkbFromWktSql('solid')}, fp_wkb = ${wkbFromWktSql('fp')};
    VACUUM ANALYZE digs;`;
}

/** SQL: the verdict index (0 STRIKE .. 3 none) of outside distance x against the row's `tol`. */
export const verdictSql = (x: string): string => `CASE WHEN ${x} <= 0 THEN 0 WHEN ${x} <= tol THEN 1 WHEN ${x} <= ${NOTIFY} THEN 2 ELSE 3 END`;

/**
 * One dig's candidate segments in SQL, with their outside distances. `solid`, `fp`, `bottom`, `top`
 * are SQL expressions (parameters of a prepared statement, PL/pgSQL variables, or columns of a
 * lateral row); `reach` is the constant ST_3DDWithin distance. Rows (id, link, tol, naive, fixed,
 * and `extra`'s columns): `fixed` is the outside distance less the slack with the wholly-inside case
 * handled (a closed surface is measured to its faces only), `naive` what the distance to the WKT
 * surface alone gives. OFFSET 0 keeps each level from being flattened, so ST_3DDistance runs once
 * per candidate. `candColumns`: what each candidate carries from `from` (alias s) besides its distance.
 */
export function hitRows(solid: string, fp: string, bottom: string, top: string, reach: number, from: string, extra = '', candColumns = 's.id, s.link, s.radius, s.tol, s.geom'): string {
  return `
      SELECT id, link, tol, face - radius - ${SLACK} AS naive,
        -- a segment that touches no face is wholly inside or wholly outside: test one end
        CASE WHEN face > 0 AND ST_Z(ST_StartPoint(geom)) BETWEEN ${bottom} AND ${top}
                  AND ST_Intersects(ST_Force2D(ST_StartPoint(geom)), dig.fp)
             THEN 0 ELSE face END - radius - ${SLACK} AS fixed${extra}
      FROM (SELECT ${solid} AS solid, ${fp} AS fp OFFSET 0) dig
      CROSS JOIN LATERAL (
        SELECT ${candColumns}, ST_3DDistance(s.geom, dig.solid) AS face
        FROM ${from} s WHERE ST_3DDWithin(s.geom, dig.solid, ${reach}) OFFSET 0
      ) cand OFFSET 0`;
}

/**
 * One dig's screening in SQL, verdicts only (hitRows' arguments): (link, v, nv), the line's verdict
 * index with the wholly-inside case handled, and nv, what the naive "distance to the WKT surface"
 * gives. What a permit needs is more (fullDigQuery); this is PostGIS's least work, its best case.
 */
export function digQuery(solid: string, fp: string, bottom: string, top: string, reach: number, from = 'segs'): string {
  return `
    SELECT link, min(${verdictSql('fixed')}) AS v, min(${verdictSql('naive')}) AS nv FROM (${hitRows(solid, fp, bottom, top, reach, from)}
    ) hit GROUP BY link HAVING min(${verdictSql('fixed')}) < 3 OR min(${verdictSql('naive')}) < 3`;
}

/**
 * One dig's screening in SQL as a permit is answered (issue 3: "for each line near the work, return:
 * verdict, the minimal 3D distance …, the horizontal and vertical components, where along the line
 * it occurs (a point and the segment), the clearance required and which rule gave it, … the line's
 * quality level. Sort by severity. A permit-level summary: counts per verdict"): per line its
 * deciding segment (most severe verdict, then smallest outside distance, then lowest segment: as
 * screen.ts), and for that segment only the fields of screen.ts's LineConflict: the 3D distance to
 * the outside (0 when inside), the closest point on the axis (ST_3DClosestPoint), the plan distance
 * and its point (ST_Distance, ST_ClosestPoint on the segment in plan, z along the segment), the
 * vertical gap over the footprint and its point (the axis's part over the footprint,
 * ST_Intersection, which interpolates z, taken only where the axis is over the footprint in plan;
 * its lowest and highest z against the dig's top and bottom),
 * the segment's vertex number and the closest point's parameter, the depth and uncertainties
 * (seg_attr), the clearance and its source (clearances), the line's id, utility and quality
 * (line_attr), sorted by verdict, distance, id, with the counts per verdict on every row (a window).
 * Rows: 'F'-tagged by the caller; columns as `FULL_COLUMNS`.
 */
/** How fullDigQuery is written (screeningPeersFull.ts times each way; the defaults are the fastest that answers the same). */
export interface FullDigOptions {
  /** The segment table (a GiST index on geom). */
  from?: string;
  /**
   * ST_Intersection (GEOS) for every deciding segment, as first written; otherwise only where the
   * segment's axis is over the footprint in plan (ST_Distance ≤ 1e-9 m: elsewhere GEOS returns an
   * empty intersection, so the vertical gap is null either way).
   */
  intersectEverywhere?: boolean;
  /** `from` also carries seg_attr's and line_attr's columns (one wide table), so only clearances is joined. */
  wide?: boolean;
}

export function fullDigQuery(solid: string, fp: string, bottom: string, top: string, reach: number, options: FullDigOptions = {}): string {
  const { from = 'segs', intersectEverywhere = false, wide = false } = options;
  const a = wide ? 'b' : 'a', l = wide ? 'b' : 'l';
  const attrs = ['vertex', 'x0', 'y0', 'z0', 'x1', 'y1', 'z1', 'depth', 'depth_known', 'hunc', 'vunc', 'ext_id', 'utility', 'quality'];
  const pass = `, geom, radius, dig.solid AS solid, dig.fp AS fp, ${bottom} AS bottom, ${top} AS top${wide ? `, ${attrs.join(', ')}` : ''}`;
  const candColumns = `s.id, s.link, s.radius, s.tol, s.geom${wide ? attrs.map((c) => `, s.${c}`).join('') : ''}`;
  /** The point at parameter t along the segment, as x, y, z columns (null where `none` holds). */
  const at = (t: string, none = 'false'): string =>
    ['x', 'y', 'z'].map((c) => `CASE WHEN ${none} THEN NULL ELSE ${a}.${c}0 + ${t} * (${a}.${c}1 - ${a}.${c}0) END`).join(', ');
  const ix = intersectEverywhere ? 'ST_Intersection(b.geom, b.fp)' : 'CASE WHEN pd <= 1e-9 THEN ST_Intersection(b.geom, b.fp) END';
  return `
    SELECT b.link, b.v, greatest(0, b.fixed + ${SLACK}) AS d3,
      greatest(0, g.pd - b.radius) AS h,
      CASE WHEN g.zmin IS NULL THEN NULL ELSE greatest(0, greatest(0, g.zmin - b.top, b.bottom - g.zmax) - b.radius) END AS vg,
      ST_X(g.cp), ST_Y(g.cp), ST_Z(g.cp),
      ${at('g.hl')},
      ${at('g.vl', 'g.zmin IS NULL')},
      ${a}.vertex, CASE WHEN g.len2 > 0 THEN ((ST_X(g.cp) - ${a}.x0) * (${a}.x1 - ${a}.x0) + (ST_Y(g.cp) - ${a}.y0) * (${a}.y1 - ${a}.y0) + (ST_Z(g.cp) - ${a}.z0) * (${a}.z1 - ${a}.z0)) / g.len2 ELSE 0 END,
      b.radius, ${a}.depth, ${a}.depth_known, c.value, ${a}.hunc, ${a}.vunc, greatest(${a}.hunc, ${a}.vunc), c.value + greatest(${a}.hunc, ${a}.vunc),
      ${l}.ext_id, ${l}.utility, ${l}.quality,
      count(*) FILTER (WHERE b.v = 0) OVER (), count(*) FILTER (WHERE b.v = 1) OVER (), count(*) FILTER (WHERE b.v = 2) OVER (),
      b.id, c.source
    FROM (
      SELECT DISTINCT ON (link) * FROM (SELECT *, ${verdictSql('fixed')} AS v FROM (${hitRows(solid, fp, bottom, top, reach, from, pass, candColumns)}
      ) hit) hv WHERE v < 3 ORDER BY link, v, greatest(0, fixed), id
    ) b
    ${wide ? '' : 'JOIN seg_attr a ON a.id = b.id JOIN line_attr l ON l.link = b.link '}JOIN clearances c ON c.utility = ${l}.utility
    CROSS JOIN LATERAL (
      SELECT g2, cp, len2, pd, ST_ZMin(ix) AS zmin, ST_ZMax(ix) AS zmax,
        CASE WHEN ST_Length(g2) > 0 THEN ST_LineLocatePoint(g2, ST_ClosestPoint(g2, b.fp)) ELSE 0 END AS hl,
        -- the vertical gap's point: the part over the footprint's lowest point above the top, highest below the
        -- bottom, else its point nearest the top within [bottom, top]; z is linear along the segment
        CASE WHEN ${a}.z1 = ${a}.z0 OR ST_IsEmpty(ix) THEN 0 ELSE
          (CASE WHEN ST_ZMin(ix) > b.top THEN ST_ZMin(ix) WHEN ST_ZMax(ix) < b.bottom THEN ST_ZMax(ix)
                ELSE least(ST_ZMax(ix), b.top) END - ${a}.z0) / (${a}.z1 - ${a}.z0) END AS vl
      FROM (SELECT g2, cp, len2, pd, ${ix} AS ix FROM (
        SELECT ST_Force2D(b.geom) AS g2, ST_3DClosestPoint(b.geom, b.solid) AS cp,
          (${a}.x1 - ${a}.x0) ^ 2 + (${a}.y1 - ${a}.y0) ^ 2 + (${a}.z1 - ${a}.z0) ^ 2 AS len2,
          ST_Distance(b.geom, b.fp) AS pd OFFSET 0) q0 OFFSET 0) q
    ) g
    ORDER BY b.v, d3, ${l}.ext_id`;
}

/** fullDigQuery's columns, in order (after the caller's tag and dig). */
export const FULL_COLUMNS = ['link', 'v', 'd3', 'h', 'vg', 'cx', 'cy', 'cz', 'hx', 'hy', 'hz', 'vx', 'vy', 'vz', 'vertex', 't', 'radius', 'depth', 'depthKnown',
  'clearance', 'hunc', 'vunc', 'unc', 'tol', 'id', 'utility', 'quality', 'strike', 'encroach', 'near', 'seg', 'source'] as const;

/**
 * digQuery against the network stored one row per line (`lines`, bench/postgis.ts linesCsv), as a
 * GIS keeps it: ST_3DDWithin finds the lines near the dig, ST_DumpSegments splits each into its
 * segments, a segment whose plan box misses the footprint's box grown by the reach is dropped (it
 * cannot be within the reach), and each other segment is decided as in digQuery with its own
 * tolerance (`tols[k]`: the uncertainty grows with depth along a line), so the verdicts are the
 * per-segment query's.
 */
export function lineDigQuery(solid: string, fp: string, bottom: string, top: string, reach: number): string {
  const verdict = verdictSql;
  return `
    SELECT link, min(${verdict('fixed')}) AS v, min(${verdict('naive')}) AS nv FROM (
      SELECT link, tol, face - radius - ${SLACK} AS naive,
        CASE WHEN face > 0 AND ST_Z(ST_StartPoint(sg)) BETWEEN ${bottom} AND ${top}
                  AND ST_Intersects(ST_Force2D(ST_StartPoint(sg)), dig.fp)
             THEN 0 ELSE face END - radius - ${SLACK} AS fixed
      FROM (SELECT ${solid} AS solid, ${fp} AS fp, ST_Expand(ST_Envelope(${fp}), ${reach}) AS box OFFSET 0) dig
      CROSS JOIN LATERAL (
        SELECT l.link, l.radius, l.tols, l.geom FROM lines l WHERE ST_3DDWithin(l.geom, dig.solid, ${reach}) OFFSET 0
      ) cand
      CROSS JOIN LATERAL (
        SELECT cand.tols[(d).path[1]] AS tol, (d).geom AS sg, ST_3DDistance((d).geom, dig.solid) AS face
        FROM ST_DumpSegments(cand.geom) d WHERE (d).geom && dig.box OFFSET 0
      ) seg OFFSET 0
    ) hit GROUP BY link HAVING min(${verdict('fixed')}) < 3 OR min(${verdict('naive')}) < 3`;
}
