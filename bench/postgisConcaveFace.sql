-- ST_3DDistance reads a point's distance to a concave (L-shaped) horizontal face too far, depending on
-- where the face's ring starts. Dig 210 of `npx tsx bench/screeningPeers.ts 100000` (the bottom of its
-- L-shaped pit, z = -2.021…) and the end of line L1622's segment 3 under it, 1.4796 m below the bottom.
-- The same polygon, its ring started at each of its six vertices and walked both ways: the point's foot
-- lies inside the face in every case, so every row should read 1.4796145430766043.
-- Run: psql -f bench/postgisConcaveFace.sql (any database with PostGIS; measured on 15.18 / PostGIS 3.3.2).
WITH ring(k, x, y) AS (VALUES
    (0, 2162.588004303104, 3085.354162320262), (1, 2159.078841451965, 3090.3242717755193),
    (2, 2163.360654507556, 3093.347460589662), (3, 2159.851491656417, 3098.317570044919),
    (4, 2164.133304712007, 3101.3407588590617), (5, 2171.1516304142847, 3091.4005399485472)),
  face AS (
    SELECT dir, start, ST_MakePolygon(ST_MakeLine(ARRAY(
      SELECT ST_MakePoint(x, y, -2.0210932684130967) FROM ring, generate_series(0, 6) i
      WHERE ring.k = ((start + dir * i) % 6 + 6) % 6 ORDER BY i))) AS g
    FROM generate_series(0, 5) start, (VALUES (1), (-1)) d(dir))
SELECT dir, start,
  ST_3DDistance('POINT Z (2167.602568052834 3090.874605548267 -3.500707811489701)'::geometry, g) AS distance,
  ST_Intersects('POINT (2167.602568052834 3090.874605548267)'::geometry, ST_Force2D(g)) AS foot_inside
FROM face ORDER BY dir DESC, start;
-- 15.18 / PostGIS 3.3.2: 1.4796145430766043 for nine of the twelve rings; 2.1920705684459034 (the
-- distance to the face's nearest edge instead of to the foot of the point) for dir 1 start 0 and 2, and
-- dir -1 start 4. Dir 1 start 0 is the bottom face of the dig's POLYHEDRALSURFACE as the bench sends it.
-- The likely cause (consistent with all twelve rows; 3.3.2's own source not read): every failing ring
-- samples vertex 2 where the face's plane is estimated (define_plane in
-- liblwgeom/measures3d.c: cross products of vectors from the vertex average to a few of the ring's
-- vertices, each divided by its squared length), and vertex 2 is the L's concave corner, which for the
-- bench's L-shaped digs IS the vertex average: its vector is rounding noise, blown up by that division,
-- and the normal it gives tilts, so the point-in-ring test of the point's foot runs in the wrong plane
-- and says outside. No ring that skips vertex 2 fails, and with one more vertex, the midpoint of an edge
-- (the same polygon, its vertex average off the corner), all fourteen rings read 1.4796 m.
-- See bench/README.md, "PostGIS's advocate".
