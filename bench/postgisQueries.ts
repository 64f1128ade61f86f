/**
 * The PostGIS side of the open-cut peers in SQL (screeningPeers.ts measures them; screeningPeersFull.ts
 * tries faster ways to write the full answer): the dig as WKT, the verdict of a distance, one dig's
 * candidates, its verdicts, its full answer, and its verdicts against the network stored one row per line;
 * and of every kind of work (screeningPeersWorks.ts): a work's candidates over its pieces, its verdicts,
 * its full answer over the union of its pieces, and the vertical gap in SQL.
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

// ---- every kind of work (screeningPeersWorks.ts): the full answer over a union of pieces ----------------

/**
 * PL/pgSQL for the clip of verticalGap.ts `clipLinear`: the δ range where lower ≤ alpha + beta·δ ≤
 * upper, intersected into (f, t). Text spliced into `VERTICAL_GAP_SQL` (PL/pgSQL has no local procedures).
 */
const clipSql = (alpha: string, beta: string, lower: string, upper: string): string => `
    al := ${alpha}; be := ${beta};
    IF be = 0 THEN
      IF al < ${lower} OR al > ${upper} THEN f := 'Infinity'; t := '-Infinity'; END IF;
    ELSE
      d0 := (${lower} - al) / be; d1 := (${upper} - al) / be;
      f := greatest(f, least(d0, d1)); t := least(t, greatest(d0, d1));
    END IF;`;

/**
 * The vertical gap of a segment to each kind of piece, in SQL, for PostGIS's full answer
 * (fullWorkQuery): PostGIS has a 3D distance but nothing for "the smallest vertical shift that makes
 * the pipe touch the piece" (src/core/screening/README.md, "Plan distance and vertical gap of a union").
 *
 *   ug_capsule_gap  a bore leg (capsule): verticalGap.ts's closed form (the z-axis against P ⊕ ball(r))
 *                   written in PL/pgSQL arithmetic, the same double-precision steps; the end of the
 *                   interval nearer 0, signed (0 when it holds 0, NULL when the z-axis misses it).
 *                   Exact as ours' closed form (ours reports it less a 1e-10 × coordinates bracket).
 *   ug_piece_gap    one piece, {gap, parameter along the segment} or NULL when the segment never
 *                   passes over or under it: a prism (open cut, pit, trench box or mitre wedge) by
 *                   PostGIS, ST_Intersection of the segment with the footprint (GEOS interpolates z),
 *                   against the top and the bottom plane z = b0 + bx·(x − ox) + by·(y − oy): over a flat
 *                   bottom its lowest and highest z (as fullDigQuery), over a sloped one (a convex box:
 *                   one stretch) the gap at the stretch's two ends, 0 where it crosses the slab; a
 *                   capsule by ug_capsule_gap and ST_3DClosestPoint of the shifted segment for its
 *                   point; a vertical cylinder (pile, trench joint) in arithmetic (cylinder.ts: the
 *                   chord over the disc, a quadratic; its ends' gaps to [bottom, top]), PostGIS having no
 *                   circle but a polygon's approximation of one.
 */
export const VERTICAL_GAP_SQL = `
CREATE FUNCTION ug_capsule_gap(px float8, py float8, pz float8, ux float8, uy float8, uz float8, ax float8, ay float8, az float8, r float8)
RETURNS float8 LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE
  lo float8 := 'Infinity'; hi float8 := '-Infinity'; r2 float8 := r * r;
  c float8[] := ARRAY[-px, -py, -pz, ax - px, ay - py, az - pz, -px - ux, -py - uy, -pz - uz, ax - px - ux, ay - py - uy, az - pz - uz];
  e float8[] := ARRAY[-px, -py, -pz, ax, ay, az,  -px - ux, -py - uy, -pz - uz, ax, ay, az,  -px, -py, -pz, -ux, -uy, -uz,  ax - px, ay - py, az - pz, -ux, -uy, -uz];
  ex float8; ey float8; ez float8; dx float8; dy float8; dz float8; h float8; dd float8;
  cx float8; cy float8; cz float8; qa float8; qb float8; qc float8; disc float8; q float8;
  f float8; t float8; al float8; be float8; d0 float8; d1 float8;
  nx float8; ny float8; nz float8; nn float8; ux2 float8; uy2 float8; uz2 float8; vx float8; vy float8; vz float8; reach float8;
BEGIN
  -- The 4 corners' balls.
  FOR i IN 0..3 LOOP
    ex := c[3 * i + 1]; ey := c[3 * i + 2]; ez := c[3 * i + 3];
    h := r2 - ex * ex - ey * ey;
    IF h >= 0 THEN lo := least(lo, ez - sqrt(h)); hi := greatest(hi, ez + sqrt(h)); END IF;
  END LOOP;
  -- The 4 edges' cylinders, between their end planes.
  FOR i IN 0..3 LOOP
    ex := e[6 * i + 1]; ey := e[6 * i + 2]; ez := e[6 * i + 3]; dx := e[6 * i + 4]; dy := e[6 * i + 5]; dz := e[6 * i + 6];
    dd := dx * dx + dy * dy + dz * dz;
    CONTINUE WHEN NOT dd > 0;
    cx := -ey * dz + ez * dy; cy := -ez * dx + ex * dz; cz := -ex * dy + ey * dx;
    qa := dx * dx + dy * dy; qb := -cx * dy + cy * dx; qc := cx * cx + cy * cy + cz * cz - r2 * dd;
    f := '-Infinity'; t := 'Infinity';
    IF qa = 0 THEN
      CONTINUE WHEN qc > 0;
    ELSE
      disc := qb * qb - qa * qc;
      CONTINUE WHEN disc < 0;
      q := -(qb + CASE WHEN qb < 0 THEN -1 ELSE 1 END * sqrt(disc));
      d0 := q / qa; d1 := CASE WHEN q = 0 THEN 0 ELSE qc / q END;
      f := least(d0, d1); t := greatest(d0, d1);
    END IF;${clipSql('-(ex * dx + ey * dy + ez * dz)', 'dz', '0', 'dd')}
    IF f <= t THEN lo := least(lo, f); hi := greatest(hi, t); END IF;
  END LOOP;
  -- The slab: P swept ±r along its normal n = a × u.
  nx := ay * uz - az * uy; ny := az * ux - ax * uz; nz := ax * uy - ay * ux;
  nn := nx * nx + ny * ny + nz * nz;
  IF nn > 1e-12 * (ax * ax + ay * ay + az * az) * (ux * ux + uy * uy + uz * uz) THEN
    ux2 := uy * nz - uz * ny; uy2 := uz * nx - ux * nz; uz2 := ux * ny - uy * nx;
    vx := ay * nz - az * ny; vy := az * nx - ax * nz; vz := ax * ny - ay * nx;
    reach := r * sqrt(nn);
    f := '-Infinity'; t := 'Infinity';${clipSql('px * ux2 + py * uy2 + pz * uz2', 'uz2', '0', 'nn')}${clipSql('px * vx + py * vy + pz * vz', 'vz', '0', 'nn')}${clipSql('px * nx + py * ny + pz * nz', 'nz', '-reach', 'reach')}
    IF f <= t THEN lo := least(lo, f); hi := greatest(hi, t); END IF;
  END IF;
  IF NOT lo <= hi THEN RETURN NULL; END IF;
  RETURN CASE WHEN lo > 0 THEN lo WHEN hi < 0 THEN hi ELSE 0 END;
END $fn$;

CREATE FUNCTION ug_piece_gap(g geometry, x0 float8, y0 float8, z0 float8, x1 float8, y1 float8, z1 float8,
  kind int, fp geometry, b0 float8, bx float8, "by" float8, ox float8, oy float8, top float8,
  ax0 float8, ay0 float8, az0 float8, ax1 float8, ay1 float8, az1 float8, rr float8)
RETURNS float8[] LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
  axis geometry := CASE WHEN kind = 1 THEN ST_MakeLine(ST_MakePoint(ax0, ay0, az0), ST_MakePoint(ax1, ay1, az1)) END;
  sx float8 := x1 - x0; sy float8 := y1 - y0; sz float8 := z1 - z0; len2 float8 := sx * sx + sy * sy + sz * sz;
  ix geometry; pa geometry; pb geometry; zmin float8; zmax float8; z float8; fa float8; ga float8; fb float8; gb float8;
  gap float8; pt geometry; delta float8; pxc float8; pyc float8; a float8; tc float8; perp float8; half float8; ta float8; tb float8;
BEGIN
  IF kind = 0 THEN
    ix := ST_Intersection(g, fp);
    IF ix IS NULL OR ST_IsEmpty(ix) THEN RETURN NULL; END IF;
    IF bx = 0 AND "by" = 0 THEN
      -- A flat bottom (fullDigQuery): the part over the footprint's lowest point above the top, highest
      -- below the bottom, else its point nearest the top within [bottom, top]; z is linear along the segment.
      zmin := ST_ZMin(ix); zmax := ST_ZMax(ix);
      z := CASE WHEN zmin > top THEN zmin WHEN zmax < b0 THEN zmax ELSE least(zmax, top) END;
      RETURN ARRAY[greatest(0, zmin - top, b0 - zmax), CASE WHEN sz = 0 THEN 0 ELSE (z - z0) / sz END];
    END IF;
    pa := CASE WHEN GeometryType(ix) = 'POINT' THEN ix ELSE ST_StartPoint(ix) END;
    pb := CASE WHEN GeometryType(ix) = 'POINT' THEN ix ELSE ST_EndPoint(ix) END;
    fa := ST_Z(pa) - top; ga := b0 + bx * (ST_X(pa) - ox) + "by" * (ST_Y(pa) - oy) - ST_Z(pa);
    fb := ST_Z(pb) - top; gb := b0 + bx * (ST_X(pb) - ox) + "by" * (ST_Y(pb) - oy) - ST_Z(pb);
    IF greatest(0, fa, ga) = 0 OR (fa > 0 AND gb > 0) OR (ga > 0 AND fb > 0) THEN gap := 0; pt := pa;
    ELSIF greatest(0, fb, gb) = 0 THEN gap := 0; pt := pb;
    ELSIF greatest(fa, ga) <= greatest(fb, gb) THEN gap := greatest(fa, ga); pt := pa;
    ELSE gap := greatest(fb, gb); pt := pb; END IF;
    RETURN ARRAY[gap, CASE WHEN len2 > 0 THEN ((ST_X(pt) - x0) * sx + (ST_Y(pt) - y0) * sy + (ST_Z(pt) - z0) * sz) / len2 ELSE 0 END];
  ELSIF kind = 1 THEN
    IF ST_Distance(ST_Force2D(g), ST_Force2D(axis)) > rr THEN RETURN NULL; END IF;
    IF ST_3DDistance(g, axis) - rr <= 1e-10 THEN
      pt := ST_3DClosestPoint(g, axis); delta := 0;
    ELSE
      delta := ug_capsule_gap(x0 - ax0, y0 - ay0, z0 - az0, sx, sy, sz, ax1 - ax0, ay1 - ay0, az1 - az0, rr);
      IF delta IS NULL THEN RETURN NULL; END IF;
      pt := ST_3DClosestPoint(ST_Translate(g, 0, 0, delta), axis);
    END IF;
    RETURN ARRAY[abs(delta), CASE WHEN len2 > 0 THEN ((ST_X(pt) - x0) * sx + (ST_Y(pt) - y0) * sy + (ST_Z(pt) - delta - z0) * sz) / len2 ELSE 0 END];
  END IF;
  -- A vertical cylinder: where the segment's plan is over the disc (radius + 1e-9 m, as cylinder.ts).
  pxc := x0 - ax0; pyc := y0 - ay0; a := sx * sx + sy * sy;
  tc := CASE WHEN a > 0 THEN -(pxc * sx + pyc * sy) / a ELSE 0 END;
  perp := CASE WHEN a > 0 THEN abs(pxc * sy - pyc * sx) / sqrt(a) ELSE sqrt(pxc * pxc + pyc * pyc) END;
  IF perp > rr + 1e-9 THEN RETURN NULL; END IF;
  IF a > 0 THEN
    half := sqrt((rr + 1e-9 - perp) * (rr + 1e-9 + perp) / a);
    ta := greatest(0, tc - half); tb := least(1, tc + half);
    IF ta > tb THEN RETURN NULL; END IF;
  ELSE ta := 0; tb := 1; END IF;
  fa := z0 + ta * sz; fb := z0 + tb * sz; -- z at the chord's ends
  IF (fa < az0 AND fb < az0) OR (fa > az1 AND fb > az1) THEN
    ga := greatest(az0 - fa, fa - az1, 0); gb := greatest(az0 - fb, fb - az1, 0);
    RETURN CASE WHEN ga <= gb THEN ARRAY[ga, ta] ELSE ARRAY[gb, tb] END;
  END IF;
  RETURN ARRAY[0, CASE WHEN fa >= az0 AND fa <= az1 THEN ta ELSE least(tb, greatest(ta, ta + ((CASE WHEN fa > az1 THEN az1 ELSE az0 END) - fa) / (fb - fa) * (tb - ta))) END];
END $fn$;`;

/**
 * One work's candidate rows in SQL, PostGIS's way (screeningPeersWorks.ts): `pieces` is a FROM item
 * giving the work's pieces as rows (solid, geo, fp, r, b0, bx, by, ox, oy, top[, cyl]), their
 * geometries read by `parse` (ST_GeomFromWKB or ST_GeomFromText). A closed prism (solid) is a
 * POLYHEDRALSURFACE Z with the wholly-inside test (a closed surface is measured only to its faces: a
 * segment that touches no face of a convex solid has one end tested against the footprint and the
 * bottom plane z = b0 + bx·(x − ox) + by·(y − oy)); a round piece is its axis (or a MULTILINESTRING Z
 * of the axes of one radius) with ST_3DDistance − r. Candidates by ST_3DDWithin(segment, piece,
 * reach + r) on the GiST index of `from`; `columns` what each row carries, `d` the outside distance
 * less the slack.
 */
export function workHits(pieces: string, parse: string, reach: number, options: { from?: string; columns?: string; candColumns?: string; pieceColumns?: string } = {}): string {
  const { from = 'segs', columns = 'cand.link, cand.tol', candColumns = 's.link, s.radius, s.tol, s.geom', pieceColumns = '' } = options;
  const start = 'ST_StartPoint(cand.geom)';
  return `
      SELECT ${columns}, CASE WHEN NOT p.solid THEN cand.face - p.r
        -- a segment that touches no face of a convex solid is wholly inside or wholly outside: test one end
        WHEN cand.face > 0 AND ST_Z(${start}) BETWEEN p.b0 + p.bx * (ST_X(${start}) - p.ox) + p.by * (ST_Y(${start}) - p.oy) AND p.top
             AND ST_Intersects(ST_Force2D(${start}), p.fpg) THEN 0
        ELSE cand.face END - cand.radius - ${SLACK} AS d
      FROM (SELECT solid, ${parse}(geo) AS g, CASE WHEN solid THEN ${parse}(fp) END AS fpg, t.r, b0, bx, by, ox, oy, top${pieceColumns}
            FROM ${pieces} OFFSET 0) p
      CROSS JOIN LATERAL (
        SELECT ${candColumns}, ST_3DDistance(s.geom, p.g) AS face
        FROM ${from} s WHERE ST_3DDWithin(s.geom, p.g, ${reach} + p.r) OFFSET 0
      ) cand OFFSET 0`;
}

/** One work's verdicts in SQL (workHits' arguments): rows (link, v), v = 0 STRIKE .. 2 NEAR. PostGIS's least work. */
export function workVerdictQuery(pieces: string, parse: string, reach: number): string {
  const verdict = `min(${verdictSql('d')})`;
  return `
    SELECT link, ${verdict} AS v FROM (${workHits(pieces, parse, reach)}
    ) hit GROUP BY link HAVING ${verdict} < 3`;
}

/** The columns of the work's vertical-gap pieces (one per piece, in volume.ts's order), as arrays of the row `w`. */
export const WORK_GAP_ARRAYS = ['kind', 'fp', 'b0', 'bx', 'by', 'ox', 'oy', 'top', 'x0', 'y0', 'z0', 'x1', 'y1', 'z1', 'r', 'minx', 'miny', 'maxx', 'maxy'] as const;

/**
 * One work's full answer in SQL, as fullDigQuery answers an open cut, for a union of pieces: per line
 * its deciding segment (most severe verdict, then smallest outside distance, then lowest segment: as
 * screen.ts) among the candidates of the work's search pieces (`w.solids, w.wkbs, …`: workHits, a
 * work's round pieces of one radius as one MULTILINESTRING Z), and for that segment the fields of
 * LineConflict (FULL_WORK_COLUMNS):
 *
 *   3D distance and closest point  of the deciding piece (ST_3DClosestPoint; exact for prisms and bore
 *            legs; a vertical cylinder, pile or trench joint, is its axis − radius, its flat ends read
 *            as rounded, up to a radius nearer: such a row is marked `approx` 'rounded end' when the
 *            closest points are not level, the only field PostGIS cannot give exactly and cheaply);
 *   plan distance and point  to the union's plan shape: the footprints of the prisms as one
 *            MULTIPOLYGON, and per radius the round pieces' plan axes (a bore leg's plan segment, a
 *            cylinder's centre point) − the radius: a capsule's plan is a stadium, a vertical
 *            cylinder's a disc, both exactly "plan axis within r" (w.plan_wkbs, w.plan_rs); ST_Distance
 *            and ST_ClosestPoint, z along the segment;
 *   vertical gap and point  only where the segment is over the union in plan: the smallest over the
 *            pieces whose plan box its plan box meets (w.gap_* arrays) of ug_piece_gap
 *            (VERTICAL_GAP_SQL), the first piece on a tie, as volume.ts folds them;
 *
 * then segment number, parameter, depth, uncertainties, clearance and its source, id, utility,
 * quality (the wide segment table `from`, as fullDigQuery with { wide: true }), sorted by verdict,
 * distance, id, with the counts per verdict on every row.
 */
export function fullWorkQuery(pieces: string, reach: number, options: { from?: string; plan?: boolean; vertical?: boolean } = {}): string {
  // plan, vertical: false leaves that field out (null), to see what it costs (screeningPeersWorks.ts).
  const { from = 'segv', plan = true, vertical = true } = options;
  const attrs = ['vertex', 'x0', 'y0', 'z0', 'x1', 'y1', 'z1', 'depth', 'depth_known', 'hunc', 'vunc', 'ext_id', 'utility', 'quality'];
  const at = (t: string, none = 'false'): string =>
    ['x', 'y', 'z'].map((c) => `CASE WHEN ${none} THEN NULL ELSE b.${c}0 + ${t} * (b.${c}1 - b.${c}0) END`).join(', ');
  const gapArgs = WORK_GAP_ARRAYS.map((c) => `w.gap_${c}s`).join(', ');
  return `
    WITH pl AS MATERIALIZED (SELECT ST_GeomFromWKB(u.pg) AS pg, u.pr FROM unnest(w.plan_wkbs, w.plan_rs) AS u(pg, pr)),
      gp AS MATERIALIZED (SELECT u.*, CASE WHEN u.kind_ = 0 THEN ST_GeomFromWKB(u.fp_) END AS fpg
        FROM unnest(${gapArgs}) WITH ORDINALITY AS u(${WORK_GAP_ARRAYS.map((c) => `${c}_`).join(', ')}, k))
    SELECT b.link, b.v, greatest(0, b.d + ${SLACK}) AS d3,
      greatest(0, h.pd - b.radius) AS h,
      CASE WHEN vg.vv IS NULL THEN NULL ELSE greatest(0, vg.vv[1] - b.radius) END AS vg,
      ST_X(b.cp), ST_Y(b.cp), ST_Z(b.cp),
      ${at('h.hl')},
      ${at('vg.vv[2]', 'vg.vv IS NULL')},
      b.vertex, CASE WHEN b.len2 > 0 THEN ((ST_X(b.cp) - b.x0) * (b.x1 - b.x0) + (ST_Y(b.cp) - b.y0) * (b.y1 - b.y0) + (ST_Z(b.cp) - b.z0) * (b.z1 - b.z0)) / b.len2 ELSE 0 END,
      b.radius, b.depth, b.depth_known, c.value, b.hunc, b.vunc, greatest(b.hunc, b.vunc), c.value + greatest(b.hunc, b.vunc),
      b.ext_id, b.utility, b.quality,
      count(*) FILTER (WHERE b.v = 0) OVER (), count(*) FILTER (WHERE b.v = 1) OVER (), count(*) FILTER (WHERE b.v = 2) OVER (),
      b.id, c.source,
      CASE WHEN b.cyl AND abs(ST_Z(b.cp) - ST_Z(ST_3DClosestPoint(b.pg, b.geom))) > 1e-9 THEN 'rounded end' END
    FROM (SELECT * FROM (
      SELECT *, ST_3DClosestPoint(geom, pg) AS cp, ST_Force2D(geom) AS g2,
        (x1 - x0) ^ 2 + (y1 - y0) ^ 2 + (z1 - z0) ^ 2 AS len2, (x1 - x0) ^ 2 + (y1 - y0) ^ 2 AS plen2 FROM (
        SELECT DISTINCT ON (link) * FROM (SELECT *, ${verdictSql('d')} AS v FROM (${workHits(pieces, 'ST_GeomFromWKB', reach, {
          from, columns: 'cand.*, p.g AS pg, p.cyl', candColumns: `s.id, s.link, s.radius, s.tol, s.geom${attrs.map((a) => `, s.${a}`).join('')}`, pieceColumns: ', cyl',
        })}
        ) hit) hv WHERE v < 3 ORDER BY link, v, greatest(0, d), id
      ) dec OFFSET 0
    ) b0 OFFSET 0) b
    JOIN clearances c ON c.utility = b.utility
    CROSS JOIN LATERAL (${!plan ? 'SELECT NULL::float8 AS pd, NULL::float8 AS hl' : `
      SELECT min(pd) AS pd, (array_agg(hl ORDER BY pd))[1] AS hl FROM (
        SELECT greatest(0, ST_Distance(b.g2, pl.pg) - pl.pr) AS pd,
          CASE WHEN b.plen2 > 0 THEN ((ST_X(hp) - b.x0) * (b.x1 - b.x0) + (ST_Y(hp) - b.y0) * (b.y1 - b.y0)) / b.plen2 ELSE 0 END AS hl
        FROM pl CROSS JOIN LATERAL (SELECT ST_ClosestPoint(b.g2, pl.pg) AS hp OFFSET 0) q0
      ) q`}
    ) h
    CROSS JOIN LATERAL (${!vertical ? 'SELECT NULL::float8[] AS vv' : `
      SELECT CASE WHEN h.pd > 1e-9 THEN NULL ELSE (
        SELECT vv FROM (
          SELECT k, ug_piece_gap(b.geom, b.x0, b.y0, b.z0, b.x1, b.y1, b.z1, u.kind_, u.fpg, ${['b0', 'bx', 'by', 'ox', 'oy', 'top', 'x0', 'y0', 'z0', 'x1', 'y1', 'z1', 'r'].map((c) => `u.${c}_`).join(', ')}) AS vv
          FROM gp u
          WHERE least(b.x0, b.x1) <= u.maxx_ AND greatest(b.x0, b.x1) >= u.minx_ AND least(b.y0, b.y1) <= u.maxy_ AND greatest(b.y0, b.y1) >= u.miny_ OFFSET 0
        ) q WHERE vv IS NOT NULL ORDER BY vv[1], k LIMIT 1) END AS vv OFFSET 0`}
    ) vg
    ORDER BY b.v, d3, b.ext_id`;
}

/** fullWorkQuery's columns: fullDigQuery's, then `approx` (empty, or what PostGIS could not give exactly). */
export const FULL_WORK_COLUMNS = [...FULL_COLUMNS, 'approx'] as const;
