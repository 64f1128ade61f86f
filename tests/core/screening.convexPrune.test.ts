/**
 * The convex-prism kernel's lower-bound pruning (convexPrism.ts, eighth speed round): beside the
 * polygon in plan a call whose plan distance already exceeds the best so far (the cutoff) skips the
 * ends and edges, and each edge is skipped when its wall's plan distance (or plan box gap) with the
 * gap between z ranges exceeds the best by more than the slack. Aimed at the bound's edge: cutoffs a
 * few ulps and a few nanometres either side of the true distance, pipes beside a wall at the
 * trench's depth (3D distance = plan distance: every bound is tight), risers at corners, segments
 * parallel to a wall or to the floor, ties between two walls, points, degenerate (1 µm) legs and
 * mitre wedges with a sharp vertex.
 *
 * Two checks per case: (1) bit for bit the same answer as the same prism with `sharpest` = 0, which
 * makes the slack infinite and so prunes nothing (the kernel as before the round); (2) the
 * independent oracle (oracleSolids.ts `convexSolid`): within KERNEL_VS_ORACLE_M, never above it, and
 * with a cutoff exact below it, not below it past it.
 */
import { describe, expect, it } from 'vitest';
import { prepareConvexPrism, segmentConvexPrismDistance, type ConvexPrism } from '../../src/core/screening/convexPrism';
import { createSegmentPrismDistance, type SegmentPrismDistance } from '../../src/core/screening/segmentDistance';
import { MAX_TRENCH_BOTTOM_SLOPE, validateTrench } from '../../src/core/screening/excavation';
import { volumeOf } from '../../src/core/screening/volume';
import type { Seg } from './oracle';
import { between, KERNEL_VS_ORACLE_M, mulberry32, NEVER_ABOVE_M, pick, type Rng } from './oracleChecks';
import { convexSolid, type OracleSolid } from './oracleSolids';

const FIELDS = ['distance', 't', 'x', 'y', 'z', 'horizontal', 'horizontalT', 'vertical', 'verticalT'] as const;

interface Case { prism: ConvexPrism; unpruned: ConvexPrism; solid: OracleSolid }

function caseOf(prism: ConvexPrism): Case {
  const poly = prism.xs.map((x, i): [number, number] => [prism.originX + x, prism.originY + prism.ys[i]!]);
  return { prism, unpruned: { ...prism, sharpest: 0 }, solid: convexSolid(poly, prism.bottomAt, prism.topZ) };
}

/** The convex pieces of a trench: its boxes and mitre wedges. */
function trenchPrisms(centreline: [number, number][], width: number, bottomZ: number[], topZ: number): ConvexPrism[] {
  // Validation refuses a bottom steeper than MAX_TRENCH_BOTTOM_SLOPE (review 10): a short leg keeps
  // nearly the steepest fall it allows.
  const b = bottomZ.slice();
  for (let i = 1; i < b.length; i++) {
    const limit = 0.99 * MAX_TRENCH_BOTTOM_SLOPE * Math.hypot(centreline[i]![0] - centreline[i - 1]![0], centreline[i]![1] - centreline[i - 1]![1]);
    b[i] = b[i - 1]! + Math.max(-limit, Math.min(limit, b[i]! - b[i - 1]!));
  }
  return volumeOf(validateTrench({ kind: 'trench', centreline, width, bottomZ: b, topZ })).pieces
    .flatMap((p) => (p.shape === 'convex' ? [p.convex] : []));
}

/** A random prism: a trench box (sloped, any heading, legs down to 1 µm), a wedge of a slight or sharp bend, or a thin triangle. */
function randomPrisms(rng: Rng): ConvexPrism[] {
  const cx = between(rng, -3000, 3000), cy = between(rng, -3000, 3000), top = between(rng, -5, 40);
  const a = between(rng, 0, 2 * Math.PI), len = pick(rng, [2e-6, 1e-4, 0.05, 2, 30, 300]);
  const width = pick(rng, [0.02, 0.6, 1.5, 8]);
  const b0 = top - between(rng, 0.3, 5), b1 = top - between(rng, 0.3, 5);
  const kind = rng();
  if (kind < 0.4) {
    // A leg of `len` (down to 2 µm), then a straight one to make up the trench's minimum length.
    const x1 = cx + len * Math.cos(a), y1 = cy + len * Math.sin(a);
    return trenchPrisms([[cx, cy], [x1, y1], [x1 + 0.05 * Math.cos(a), y1 + 0.05 * Math.sin(a)]], width, [b0, b1, b1], top);
  }
  if (kind < 0.8) {
    // A bend: from just past the wedge threshold (sharp wedge vertex) to a hairpin.
    const turn = pick(rng, [2e-3, 0.02, 0.5, Math.PI / 2, 2.5]) * (rng() < 0.5 ? -1 : 1);
    const l2 = Math.max(len, 0.5);
    const p1: [number, number] = [cx + l2 * Math.cos(a), cy + l2 * Math.sin(a)];
    const p2: [number, number] = [p1[0] + l2 * Math.cos(a + turn), p1[1] + l2 * Math.sin(a + turn)];
    return trenchPrisms([[cx, cy], p1, p2], width, [b0, b1, top - between(rng, 0.3, 5)], top);
  }
  // A thin triangle (one sharp vertex), bottom sloping both ways.
  const sharp = pick(rng, [1e-3, 0.05, 0.6]);
  const r = pick(rng, [0.5, 5, 50]);
  const tri: [number, number][] = [[cx, cy], [cx + r * Math.cos(a), cy + r * Math.sin(a)], [cx + r * Math.cos(a + sharp), cy + r * Math.sin(a + sharp)]];
  return [prepareConvexPrism(tri, cx, cy, b0, between(rng, -0.2, 0.2), between(rng, -0.2, 0.2), top + 2 * r * 0.2 + 6)];
}

const FAMILIES = ['beside at depth', 'corner riser', 'parallel to a wall', 'wall tie', 'under the floor', 'over the top', 'point', 'random'] as const;

/** A segment aimed at the pruning bounds of `cp`. */
function segmentNear(rng: Rng, family: (typeof FAMILIES)[number], cp: ConvexPrism): Seg {
  const n = cp.vertexCount, i = Math.floor(rng() * n), k = (i + 1) % n;
  const ox = cp.originX, oy = cp.originY;
  const vx = ox + cp.xs[i]!, vy = oy + cp.ys[i]!, wx = ox + cp.xs[k]!, wy = oy + cp.ys[k]!;
  const nx = cp.nx[i]!, ny = cp.ny[i]!, ex = wx - vx, ey = wy - vy;
  const off = pick(rng, [0, 1e-12, 1e-9, 3e-9, 1e-6, 0.01, between(rng, 0, 3), 20]);
  const floorAt = (u: number): number => cp.bottomAt[i]! + u * (cp.bottomAt[k]! - cp.bottomAt[i]!);
  const depth = (u: number): number => pick(rng, [cp.topZ, floorAt(u), (cp.topZ + floorAt(u)) / 2, floorAt(u) - off, cp.topZ + off]);
  const size = Math.hypot(ex, ey) + 1;
  switch (family) {
    case 'beside at depth': {
      // Along the wall at distance `off`, z within the wall: 3D distance = plan distance.
      const u0 = between(rng, -0.5, 1.5), u1 = between(rng, -0.5, 1.5), z = (cp.topZ + Math.max(floorAt(0), floorAt(1))) / 2;
      return [vx + u0 * ex + off * nx, vy + u0 * ey + off * ny, z, vx + u1 * ex + off * nx, vy + u1 * ey + off * ny, rng() < 0.5 ? z : z + between(rng, -1, 1)];
    }
    case 'corner riser': {
      const d = between(rng, 0, 2 * Math.PI);
      const x = vx + off * Math.cos(d), y = vy + off * Math.sin(d);
      return [x, y, cp.minZ - between(rng, 0, 5), x, y, cp.topZ + between(rng, 0, 5)];
    }
    case 'parallel to a wall': {
      const u0 = between(rng, -1, 2), len = between(rng, 0, 2) * size, z = depth(u0);
      const x0 = vx + u0 * ex + off * nx, y0 = vy + u0 * ey + off * ny, ux = ex / Math.hypot(ex, ey), uy = ey / Math.hypot(ex, ey);
      return [x0, y0, z, x0 + len * ux, y0 + len * uy, z];
    }
    case 'wall tie': {
      // Equidistant from the two walls meeting at vertex k: along the outer bisector of the corner.
      const nk = (k + 1) % n;
      const mx = cp.nx[i]! + cp.nx[k]!, my = cp.ny[i]! + cp.ny[k]!, m = Math.hypot(mx, my) || 1;
      const x = wx + (off * mx) / m, y = wy + (off * my) / m;
      const z = (cp.topZ + cp.bottomAt[k]!) / 2;
      const tx = ox + cp.xs[nk]! - wx, ty = oy + cp.ys[nk]! - wy;
      return rng() < 0.5 ? [x, y, z, x + (tx - ex) * 0.1, y + (ty - ey) * 0.1, z] : [x, y, z, x, y, z + between(rng, -3, 3)];
    }
    case 'under the floor': {
      const a = between(rng, 0, Math.PI), d = size, z = cp.minZ - off - between(rng, 0, 1);
      const mx = (vx + wx) / 2 - 0.3 * nx, my = (vy + wy) / 2 - 0.3 * ny;
      return [mx - d * Math.cos(a), my - d * Math.sin(a), z, mx + d * Math.cos(a), my + d * Math.sin(a), z - between(rng, 0, 0.5)];
    }
    case 'over the top': {
      const a = between(rng, 0, Math.PI), d = size, z = cp.topZ + off;
      const mx = (vx + wx) / 2 - 0.3 * nx, my = (vy + wy) / 2 - 0.3 * ny;
      return [mx - d * Math.cos(a), my - d * Math.sin(a), z, mx + d * Math.cos(a), my + d * Math.sin(a), rng() < 0.5 ? z : z + between(rng, 0, 2)];
    }
    case 'point': {
      const u = between(rng, -0.2, 1.2), x = vx + u * ex + off * nx, y = vy + u * ey + off * ny, z = depth(u);
      return [x, y, z, x, y, z];
    }
    case 'random': {
      const r = 2 * size;
      const p = (): [number, number, number] => [vx + between(rng, -r, r), vy + between(rng, -r, r), between(rng, cp.minZ - 3, cp.topZ + 3)];
      return [...p(), ...p()];
    }
  }
}

const A = createSegmentPrismDistance(), B = createSegmentPrismDistance();

function sameBits(a: SegmentPrismDistance, b: SegmentPrismDistance): boolean {
  return FIELDS.every((f) => Object.is(a[f], b[f]));
}

/** Pruned against unpruned, bit for bit; against the oracle, with and without the cutoff. */
function check(c: Case, s: Seg, cutoff: number, where: () => string): void {
  segmentConvexPrismDistance(c.prism, ...s, A, cutoff);
  segmentConvexPrismDistance(c.unpruned, ...s, B, cutoff);
  if (!sameBits(A, B)) expect.fail(`cutoff ${cutoff}: pruned ${JSON.stringify(A)} vs unpruned ${JSON.stringify(B)} (${where()})`);
  const o = c.solid.segment(s);
  if (cutoff === Infinity || o < cutoff - KERNEL_VS_ORACLE_M) {
    if (Math.abs(A.distance - o) > KERNEL_VS_ORACLE_M) expect.fail(`cutoff ${cutoff}: kernel ${A.distance} vs oracle ${o} (${where()})`);
  }
  if (A.distance > o + NEVER_ABOVE_M && A.distance !== Infinity) expect.fail(`kernel ${A.distance} above the oracle's ${o} (${where()})`);
  if (A.distance === Infinity && !(o >= cutoff - KERNEL_VS_ORACLE_M)) expect.fail(`Infinity at cutoff ${cutoff}, oracle ${o} (${where()})`);
}

describe('the convex-prism kernel prunes nothing that could change its answer', () => {
  for (const [fi, family] of FAMILIES.entries()) {
    it(`"${family}": bit for bit the unpruned answer, and the oracle's, with cutoffs at the true distance ± ulps and ± nm`, () => {
      const rng = mulberry32(0xc0e8 + 7919 * fi);
      let cases = 0, pruned = 0;
      for (let w = 0; w < 60; w++) {
        for (const prism of randomPrisms(rng)) {
          const c = caseOf(prism);
          for (let j = 0; j < 6; j++) {
            const s = segmentNear(rng, family, prism);
            const where = (): string => `${family} prism ${JSON.stringify({ xs: prism.xs, ys: prism.ys, o: [prism.originX, prism.originY], b: prism.bottomAt, top: prism.topZ })} seg ${JSON.stringify(s)}`;
            const exact = segmentConvexPrismDistance(c.unpruned, ...s, B, Infinity).distance;
            check(c, s, Infinity, where);
            // Cutoffs straddling the true distance, where `h² > cutoff² + slack` turns.
            for (const cut of [exact * (1 - 4e-16), exact, exact * (1 + 4e-16), exact - 1e-9, exact + 1e-9, exact + 1e-6, exact * 2 + 1e-3, exact / 2]) {
              if (!(cut > 0)) continue;
              check(c, s, cut, where);
              cases++;
              if (A.distance === Infinity) pruned++;
            }
          }
        }
      }
      if (process.env.SHOW_TALLY) console.log(family, cases, pruned);
      expect(cases).toBeGreaterThan(1000);
      // The boundary is reached: some answers past their cutoff.
      expect(pruned).toBeGreaterThan(0);
    });
  }

  it('answers a pipe beside a trench wall at its depth, just inside and just outside the cutoff, as before', () => {
    const [box] = trenchPrisms([[0, 0], [10, 0]], 1, [-2, -2], 0);
    const c = caseOf(box!);
    // 0.75 m beside the wall (y = 0.5), at mid-depth: distance 0.75 exactly in plan and 3D.
    const s: Seg = [2, 1.25, -1, 8, 1.25, -1];
    for (const cutoff of [0.75 - 1e-12, 0.75, 0.75 + 1e-12, 0.75 + 1e-9, 0.76, Infinity]) {
      check(c, s, cutoff, () => `cutoff ${cutoff}`);
      if (cutoff > 0.75 + 1e-9) expect(A.distance).toBeCloseTo(0.75, 12);
      else expect(A.distance).toBeGreaterThanOrEqual(0.75 - 1e-12);
    }
  });

  it('never prunes on a degenerate vertex (sharpest 0): the slack is infinite', () => {
    const [box] = trenchPrisms([[0, 0], [10, 0]], 1, [-2, -2], 0);
    const c = caseOf(box!);
    expect(box!.sharpest).toBeCloseTo(Math.SQRT1_2, 12);
    // Far beside the box, past the cutoff: both answer Infinity, the unpruned one by running every candidate.
    check(c, [0, 30, -1, 10, 30, -1], 5, () => 'far');
    expect(A.distance).toBe(Infinity);
  });
});
