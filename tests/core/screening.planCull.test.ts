/**
 * Works of 2 to 32 pieces on the grid (seventh speed round): each piece's grid search reports an item
 * once for the whole work with the mask of pieces whose padded box its box meets (gridPieces.ts
 * `searchGridWork`, one scan of the union of the pieces' cells since the tenth round), and a piece whose plan shape the item's box cannot come within the pad of is
 * dropped before the item's data is read (manyPieces.ts `planShapeMeets`). Checked here: the searches
 * find exactly what Flatbush.search finds per piece, each item once; the plan cull is a true lower
 * bound (never drops a box within the pad of the shape); and whole screenings on a network with a grid
 * list exactly the lines a brute force over every segment and every piece lists.
 */
import Flatbush from 'flatbush';
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import type { Link } from '../../src/core/model';
import { prepareCapsule } from '../../src/core/screening/capsule';
import { createSegmentPrismDistance } from '../../src/core/screening/segmentDistance';
import { validateExcavation, type Excavation } from '../../src/core/screening/excavation';
import { buildGridIndex, gridOf, type GridIndex } from '../../src/core/screening/gridIndex';
import { searchGridWork, type PieceItems } from '../../src/core/screening/gridPieces';
import { PLAN_CULL_STRIDE, planShapeMeets, writePlanCull } from '../../src/core/screening/manyPieces';
import { ruleContext, segmentToleranceOf } from '../../src/core/screening/ruleContext';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation, verdictIndex } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { segmentVolumeDistance, trenchPieces, volumeOf, type Piece } from '../../src/core/screening/volume';
import { between, makeLink, mulberry32, pick, SECTIONS, type Rng } from './oracleChecks';
import { QUALITY_LEVELS, UTILITY_TYPES } from '../../src/core/model';

const RULES = validateScreeningRules(rulesJson);

// ---- exact plan distances, for the cull's lower bound ----

type P2 = readonly [number, number];
function segSeg2(a: P2, b: P2, c: P2, d: P2): number {
  const cross = (o: P2, p: P2, q: P2): number => (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]);
  const d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(pointSeg(a, c, d), pointSeg(b, c, d), pointSeg(c, a, b), pointSeg(d, a, b));
}
function pointSeg(p: P2, a: P2, b: P2): number {
  const dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}
function inConvex(p: P2, poly: readonly P2[]): boolean {
  let pos = false, neg = false;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!, b = poly[(i + 1) % poly.length]!;
    const c = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    if (c > 0) pos = true; else if (c < 0) neg = true;
  }
  return !(pos && neg);
}
/** Plan distance between a box and a convex polygon (or a segment: two vertices). */
function boxPolygonDistance(box: readonly number[], poly: readonly P2[]): number {
  const corners: P2[] = [[box[0]!, box[1]!], [box[2]!, box[1]!], [box[2]!, box[3]!], [box[0]!, box[3]!]];
  if (poly.some((p) => p[0] >= box[0]! && p[0] <= box[2]! && p[1] >= box[1]! && p[1] <= box[3]!)) return 0;
  if (poly.length > 2 && corners.some((c) => inConvex(c, poly))) return 0;
  let best = Infinity;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < poly.length; j++) {
      best = Math.min(best, segSeg2(corners[i]!, corners[(i + 1) % 4]!, poly[j]!, poly[(j + 1) % poly.length]!));
    }
  }
  return best;
}
/** The exact plan distance from a box to a piece's plan shape. */
function planDistance(piece: Piece, box: readonly number[]): number {
  if (piece.shape === 'capsule') {
    const k = piece.capsule;
    return boxPolygonDistance(box, [[k.originX, k.originY], [k.originX + k.ax, k.originY + k.ay]]) - k.radius;
  }
  if (piece.shape === 'cylinder') {
    const k = piece.cylinder;
    const dx = Math.max(box[0]! - k.centreX, 0, k.centreX - box[2]!), dy = Math.max(box[1]! - k.centreY, 0, k.centreY - box[3]!);
    return Math.hypot(dx, dy) - k.radius;
  }
  if (piece.shape === 'convex') {
    const k = piece.convex;
    return boxPolygonDistance(box, k.xs.map((x, i): P2 => [x + k.originX, k.ys[i]! + k.originY]));
  }
  return -Infinity; // prisms: culled by their box alone
}

function randomPiece(rng: Rng): Piece {
  const x = between(rng, -50, 50), y = between(rng, -50, 50);
  const kind = rng();
  if (kind < 0.45) {
    // Legs of every heading and length, a vertical one now and then (a point in plan).
    const len = rng() < 0.1 ? 0 : rng() ** 2 * 300, a = rng() * 2 * Math.PI;
    const c = prepareCapsule(x, y, -3, x + len * Math.cos(a), y + len * Math.sin(a), -between(rng, 1, 9), between(rng, 0.02, 1.5));
    return { shape: 'capsule', capsule: c, bounds: c };
  }
  const centreline: [number, number][] = [[x, y]];
  for (let i = 0; i < 3; i++) {
    const a = rng() * 2 * Math.PI, l = between(rng, 2, 80);
    centreline.push([centreline[i]![0] + l * Math.cos(a), centreline[i]![1] + l * Math.sin(a)]);
  }
  const pieces = trenchPieces({ kind: 'trench', centreline, width: between(rng, 0.1, 6), bottomZ: centreline.map(() => -2), topZ: 0 });
  return pick(rng, pieces); // boxes, joints (cylinders) and mitres
}

describe('the plan-shape cull (planShapeMeets)', () => {
  it('never drops a box within the pad of the piece in plan (capsules, discs, trench boxes and mitres)', () => {
    const rng = mulberry32(0x9c11);
    const cull = new Float64Array(PLAN_CULL_STRIDE);
    let dropped = 0, kept = 0, near = 0;
    for (let n = 0; n < 3000; n++) {
      const piece = randomPiece(rng), pad = pick(rng, [0, 0.5, 5, 9.1]);
      writePlanCull(cull, 0, piece, pad);
      const b = piece.bounds;
      for (let k = 0; k < 40; k++) {
        // Boxes in and around the piece's padded box: most of a diagonal piece's box is far from it.
        const w = rng() < 0.2 ? 0 : rng() ** 2 * 30, h = rng() < 0.2 ? 0 : rng() ** 2 * 30;
        const x0 = between(rng, b.minX - pad - w - 2, b.maxX + pad + 2), y0 = between(rng, b.minY - pad - h - 2, b.maxY + pad + 2);
        const box = [Math.fround(x0), Math.fround(y0), Math.fround(x0 + w), Math.fround(y0 + h)];
        const d = planDistance(piece, box);
        if (planShapeMeets(cull, 0, box[0]!, box[1]!, box[2]!, box[3]!)) { kept++; continue; }
        dropped++;
        if (d < pad + 0.01) near++;
        expect(d, `${JSON.stringify(piece.bounds)} ${JSON.stringify(box)}`).toBeGreaterThan(pad);
      }
    }
    expect(dropped).toBeGreaterThan(10_000);
    expect(kept).toBeGreaterThan(10_000);
    expect(near).toBeGreaterThan(0);
  });

  it('keeps a box just inside the pad beside a long diagonal leg and drops one just outside', () => {
    const cull = new Float64Array(PLAN_CULL_STRIDE);
    const r = 0.3, pad = 5;
    const leg = prepareCapsule(1000, 2000, -4, 1300, 2300, -6, r);
    writePlanCull(cull, 0, { shape: 'capsule', capsule: leg, bounds: leg }, pad);
    const nx = -Math.SQRT1_2, ny = Math.SQRT1_2;
    for (const along of [0.01, 0.5, 0.99]) {
      const cx = 1000 + 300 * along, cy = 2000 + 300 * along;
      for (const [off, meets] of [[r + pad - 1e-3, true], [r + pad + 1e-3, false], [-(r + pad - 1e-3), true], [-(r + pad + 1e-3), false]] as const) {
        // A point box (a vertical riser's), at `off` across the leg's axis.
        const x = cx + off * nx, y = cy + off * ny;
        expect(planShapeMeets(cull, 0, x, y, x, y), `${along} ${off}`).toBe(meets);
      }
    }
    // Beyond the ends, along the axis.
    expect(planShapeMeets(cull, 0, 1300 + 3.7, 2300 + 3.7, 1300 + 3.7, 2300 + 3.7)).toBe(true); // 5.23 m < 5.3
    expect(planShapeMeets(cull, 0, 1300 + 3.8, 2300 + 3.8, 1300 + 3.8, 2300 + 3.8)).toBe(false); // 5.37 m
    // The far corner of the leg's box: in its padded box, ~209 m from it.
    expect(planShapeMeets(cull, 0, 1300, 2000, 1301, 2001)).toBe(false);
  });
});

// ---- the grid search per piece ----

describe('searchGridWork', () => {
  it('reports each item of the pieces\' searches once, in one scan of their cells, with every piece\'s bit', () => {
    const rng = mulberry32(0x5e4c);
    for (const items of [1024, 20000]) {
      const index = new Flatbush(items, 16, Float32Array);
      for (let i = 0; i < items; i++) {
        const x = rng() * 2000, y = rng() * 1500;
        const w = rng() < 0.05 ? 0 : rng() < 0.05 ? rng() * 400 : rng() * 30, h = rng() < 0.05 ? rng() * 300 : rng() * 30;
        index.add(x, y, x + w, y + h);
      }
      index.finish();
      const grid = buildGridIndex(index)!;
      expect(grid).not.toBeNull();
      const cell = 1 / grid.inverseCell;
      const out: PieceItems = { items: new Int32Array(4), masks: new Int32Array(4), entries: new Int32Array(4) };
      for (let q = 0; q < (items > 5000 ? 150 : 400); q++) {
        const pieces = 2 + Math.floor(rng() * 31);
        const boxes = new Float64Array(4 * pieces);
        // A chain of boxes along a path (a bore's legs, a trench's pieces: overlapping, long and
        // diagonal, over many cells), some on cell borders or an item's edge, some off the extent.
        let x = rng() * 2400 - 200, y = rng() * 1900 - 200;
        for (let p = 0; p < pieces; p++) {
          const kind = rng();
          let x0: number, y0: number, x1: number, y1: number;
          if (kind < 0.15) {
            x0 = grid.originX + Math.floor(rng() * grid.columns) * cell; y0 = grid.originY + Math.floor(rng() * grid.rows) * cell;
            x1 = x0 + Math.ceil(rng() * 3) * cell; y1 = y0 + rng() * cell;
          } else if (kind < 0.25) {
            const item = Math.floor(rng() * items), b = index._boxes.subarray(4 * item, 4 * item + 4);
            x0 = b[2]!; y0 = b[3]!; x1 = x0 + rng() * 20; y1 = y0 + rng() * 20;
          } else if (kind < 0.3) {
            // Just past an item's edge (the next double): that piece does not find it; an earlier or later one may.
            const item = Math.floor(rng() * items), b = index._boxes.subarray(4 * item, 4 * item + 4);
            const past = (v: number): number => v + Math.max(Number.MIN_VALUE, Math.abs(v) * Number.EPSILON);
            x0 = past(b[2]!); y0 = b[1]! - rng() * 20; x1 = x0 + rng() * 20; y1 = b[3]! + rng() * 20;
          } else if (kind < 0.36) {
            // Ending exactly on an item's minX (touching: found) or the double below it (not found by
            // this piece): a cell's scan stops at the first entry starting past the box (gridIndex.ts).
            const item = Math.floor(rng() * items), b = index._boxes.subarray(4 * item, 4 * item + 4);
            x1 = rng() < 0.5 ? b[0]! : b[0]! - Math.max(Number.MIN_VALUE, Math.abs(b[0]!) * Number.EPSILON);
            x0 = x1 - rng() * 60; y0 = b[1]! - rng() * 20; y1 = b[3]! + rng() * 20;
          } else if (kind < 0.46 && p > 0) {
            // A later piece whose cells start one or two cells left of or below an earlier one's: the
            // union's scan meets the earlier piece's items in cells that piece does not search.
            const o = 4 * Math.floor(rng() * p), back = (1 + Math.floor(rng() * 2)) * cell;
            x0 = boxes[o]! - (rng() < 0.7 ? back : 0); y0 = boxes[o + 1]! - (rng() < 0.7 ? back : 0);
            x1 = boxes[o]! + rng() * cell; y1 = boxes[o + 1]! + rng() * cell;
          } else {
            const a = rng() * 2 * Math.PI, l = rng() ** 2 * 400, nx = x + l * Math.cos(a), ny = y + l * Math.sin(a), pad = rng() * 10;
            x0 = Math.min(x, nx) - pad; y0 = Math.min(y, ny) - pad; x1 = Math.max(x, nx) + pad; y1 = Math.max(y, ny) + pad;
            x = nx; y = ny;
          }
          boxes.set([x0, y0, x1, y1], 4 * p);
        }
        expectSearchGridWork(index, grid, boxes, pieces, out);
      }
    }
  });

  it('reports the same over more rows than its row scratch first holds, with rows no piece takes in between', () => {
    const rng = mulberry32(0x70c4);
    const index = new Flatbush(40000, 16, Float32Array);
    for (let i = 0; i < 40000; i++) {
      const x = rng() * 200, y = rng() * 4000, w = rng() * 4, h = rng() * 4;
      index.add(x, y, x + w, y + h);
    }
    index.finish();
    const grid = buildGridIndex(index)!;
    const cell = 1 / grid.inverseCell;
    expect(grid.rows).toBeGreaterThan(200);
    const out: PieceItems = { items: new Int32Array(4), masks: new Int32Array(4), entries: new Int32Array(4) };
    for (let q = 0; q < 40; q++) {
      // A tall thin piece over 70–100 rows, a piece at each end of it and one far above, rows apart.
      const x = 20 + rng() * 150, y = rng() * 1000, tall = (70 + rng() * 30) * cell;
      const boxes = Float64Array.from([
        x, y, x + rng() * 3 * cell, y + tall,
        x - cell, y - 2 * cell, x + cell, y,
        x + 2 * cell, y + tall - cell, x + 3 * cell, y + tall + cell,
        x - 5 * cell, y + tall + 6 * cell, x - 4 * cell, y + tall + 9 * cell,
      ]);
      expectSearchGridWork(index, grid, boxes, 4, out);
    }
  });
});

/**
 * searchGridWork's report for `pieces` boxes against Flatbush.search of each: each item of the union
 * once, with its own entry and the mask of every piece whose search finds it.
 */
function expectSearchGridWork(index: Flatbush, grid: GridIndex, boxes: Float64Array, pieces: number, out: PieceItems): void {
  const found = Array.from({ length: pieces }, (_, p) => new Set(index.search(boxes[4 * p]!, boxes[4 * p + 1]!, boxes[4 * p + 2]!, boxes[4 * p + 3]!)));
  const seen = new Set<number>(), faults: string[] = [];
  const n = searchGridWork(grid, boxes, pieces, out);
  for (let f = 0; f < n; f++) {
    const item = out.items[f]!;
    if (seen.has(item)) faults.push(`item ${item} reported twice`);
    let mask = 0;
    for (let k = 0; k < pieces; k++) if (found[k]!.has(item)) mask |= 1 << k;
    if (out.masks[f] !== mask) faults.push(`item ${item}: mask ${out.masks[f]}, expected ${mask}`);
    // Reported with its own entry (box) in the grid.
    if ((grid.words[out.entries[f]! + 4]! & ((1 << 30) - 1)) !== item) faults.push(`item ${item}: another's entry`);
    seen.add(item);
  }
  expect(faults).toEqual([]);
  const union = new Set(found.flatMap((s) => [...s]));
  expect(seen.size).toBe(union.size);
}

// ---- whole screenings on a network with a grid, against brute force ----

/** Short pipe runs (steps ≤ 4 m, so a grid is built) in [cx ± half]², 0.3–9 m deep, with risers. */
function denseNetwork(rng: Rng, links: number, cx: number, cy: number, half: number, deepest = 9): Link[] {
  const out: Link[] = [];
  for (let l = 0; l < links; l++) {
    const n = 2 + Math.floor(rng() * 4);
    const v: number[] = [];
    let x = cx + between(rng, -half, half), y = cy + between(rng, -half, half), z = -between(rng, 0.3, deepest);
    for (let i = 0; i < n; i++) {
      v.push(x, y, z, between(rng, -0.3, 0.3));
      if (rng() < 0.1) z = Math.max(-deepest, z - between(rng, 0.5, 3));
      else { x += between(rng, -4, 4); y += between(rng, -4, 4); z = Math.max(-deepest, z + between(rng, -0.3, 0.3)); }
    }
    out.push(makeLink(`D${l}`, v, pick(rng, UTILITY_TYPES), rng() < 0.15 ? null : pick(rng, QUALITY_LEVELS), pick(rng, SECTIONS)));
  }
  return out;
}

/**
 * Every segment against every piece (segmentVolumeDistance: no search, no cull, no cutoff): each
 * line's verdict and outside distance, the most severe then nearest of its segments.
 */
function bruteForce(links: readonly Link[], work: Excavation, ruleSetId: string): Map<string, { verdict: number; outside: number }> {
  const table = buildSegmentTable(links);
  const ctx = ruleContext(RULES, ruleSetId, table);
  const volume = volumeOf(validateExcavation(work));
  const out = createSegmentPrismDistance(), c = table.coords, notify = RULES.notifyDistance.value;
  const lines = new Map<string, { verdict: number; outside: number }>();
  for (let s = 0; s < table.segmentCount; s++) {
    const o = 6 * s, r = table.radius[s]!;
    segmentVolumeDistance(volume, c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[o + 5]!, out);
    const verdict = verdictIndex(out.distance, r, segmentToleranceOf(table, ctx, s), notify);
    if (verdict === 3) continue;
    const id = table.linkIds[table.linkOfSegment[s]!]!, outside = Math.max(0, out.distance - r), prev = lines.get(id);
    if (!prev || verdict < prev.verdict || (verdict === prev.verdict && outside < prev.outside)) lines.set(id, { verdict, outside });
  }
  return lines;
}

function expectBruteForce(links: readonly Link[], works: readonly Excavation[], ruleSetId: string): number {
  const table = buildSegmentTable(links), index = buildSegmentIndex(table);
  screenExcavation(table, index, works[0]!, RULES, ruleSetId); // the grid is built on the index's second search
  expect(gridOf(index)).not.toBeNull();
  let listed = 0;
  for (const w of works) {
    const expected = bruteForce(links, w, ruleSetId);
    const got = screenExcavation(table, index, w, RULES, ruleSetId).lines;
    expect(new Set(got.map((l) => l.linkId)), JSON.stringify(w)).toEqual(new Set(expected.keys()));
    for (const line of got) {
      const e = expected.get(line.linkId)!;
      expect(['STRIKE', 'ENCROACH', 'NEAR'][e.verdict], `${line.linkId} in ${JSON.stringify(w)}`).toBe(line.verdict);
      expect(Math.abs(line.distance3d - e.outside)).toBeLessThan(1e-9);
    }
    listed += got.length;
  }
  return listed;
}

describe('screening works of several pieces on the grid', () => {
  it('lists exactly what brute force lists beside a long diagonal leg: lines just inside and just outside reach', () => {
    // A 300 m diagonal leg (over ~60 cells) between two pits; short pipes (tight index boxes) parallel
    // to it, level with it, at outside distances on both sides of every reach (tolerances 0.3–4.1 m,
    // notify 5 m, pad 5 m) and of the pad.
    const rng = mulberry32(0xd1a9);
    const r = 0.25, z = -4;
    const bore: Excavation = {
      kind: 'bore', path: [[0, 0, -1.5], [6, 6, z], [306, 306, z], [312, 312, -1.5]], reamerDiameter: 2 * r,
      entryPit: { kind: 'open_cut', footprint: [[-1.5, -1.5], [1.5, -1.5], [1.5, 1.5], [-1.5, 1.5]], bottomZ: -2.5, topZ: 0 },
      exitPit: { kind: 'open_cut', footprint: [[310.5, 310.5], [313.5, 310.5], [313.5, 313.5], [310.5, 313.5]], bottomZ: -2.5, topZ: 0 },
    };
    // A shallow network: the notify distance is the widest reach, so lines at 5 m are at the pad.
    const links = denseNetwork(rng, 700, 156, 156, 200, 4);
    const nx = -Math.SQRT1_2, ny = Math.SQRT1_2;
    let k = 0;
    for (const offset of [0.29, 0.3, 0.31, 1.99, 2.0, 2.01, 3.09, 3.1, 3.11, 4.09, 4.1, 4.11, 4.97, 4.99, 4.999, 4.9999, 5.0, 5.0001, 5.001, 5.01, 5.3, 6]) {
      for (const side of [1, -1]) {
        const at = 20 + (k++ % 25) * 11, radius = 0.01;
        const d = side * (r + radius + offset), x = at + d * nx, y = at + d * ny;
        links.push(makeLink(`P${k}`, [x, y, z, 0.2, x + 0.005, y + 0.005, z, 0.2], pick(rng, UTILITY_TYPES), pick(rng, [...QUALITY_LEVELS, null]),
          { shape: 'circular', diameterMm: 20 }));
      }
    }
    expect(ruleContext(RULES, 'cn-gb50289', buildSegmentTable(links)).searchPad).toBeCloseTo(RULES.notifyDistance.value, 5);
    expect(expectBruteForce(links, [bore, bore], 'cn-gb50289')).toBeGreaterThan(30);
  });

  it('lists exactly what brute force lists around a bore that turns back across its own cells (one scan of the union of cells)', () => {
    // Legs heading east, north, back south-west under the first leg, then west: later legs' cells start
    // left of and below earlier ones', and most items are met in cells of several legs. Short pipes
    // beside every leg at outside distances on both sides of each reach and of the pad, so an item found
    // by one leg alone sits just inside or just outside another leg's padded box.
    const rng = mulberry32(0x7a11);
    const r = 0.3;
    const path: [number, number, number][] = [[50, 50, -1.5], [100, 50, -5], [100, 90, -5], [0, 0, -4], [-20, 0, -1.5]];
    const pit = (x: number, y: number): Excavation => ({
      kind: 'open_cut', footprint: [[x - 1.5, y - 1], [x + 1.5, y - 1], [x + 1.5, y + 1], [x - 1.5, y + 1]], bottomZ: -2.5, topZ: 0,
    } as Excavation);
    const bore = { kind: 'bore', path, reamerDiameter: 2 * r, entryPit: pit(50, 50), exitPit: pit(-20, 0) } as Excavation;
    const links = denseNetwork(rng, 800, 40, 45, 80, 4);
    let k = 0;
    for (let i = 0; i + 1 < path.length; i++) {
      const [ax, ay, az] = path[i]!, [bx, by, bz] = path[i + 1]!, len = Math.hypot(bx - ax, by - ay);
      const nx = -(by - ay) / len, ny = (bx - ax) / len;
      for (const offset of [0.29, 0.31, 2.0, 2.01, 4.1, 4.11, 4.999, 5.0, 5.0001, 5.01, 6]) {
        for (const side of [1, -1]) {
          const f = rng(), radius = 0.01, z = az + f * (bz - az);
          const d = side * (r + radius + offset), x = ax + f * (bx - ax) + d * nx, y = ay + f * (by - ay) + d * ny;
          links.push(makeLink(`Q${k++}`, [x, y, z, 0.2, x + 0.004, y - 0.003, z, 0.2], pick(rng, UTILITY_TYPES), pick(rng, [...QUALITY_LEVELS, null]),
            { shape: 'circular', diameterMm: 20 }));
        }
      }
    }
    expect(expectBruteForce(links, [bore, bore], 'cn-gb50289')).toBeGreaterThan(60);
  });

  it('keeps every line beside a leg or trench edge so short in plan that its squares underflow (review 9)', () => {
    // A plan length of 2.71e-162 m: ax² is subnormal, √ loses precision and the "unit" axis was 1.22
    // long, so the cull overstated every gap by a fifth and dropped lines in the outer part of the pad.
    const rng = mulberry32(0x5b0b);
    const links = denseNetwork(rng, 900, 500, 500, 450);
    links.push(makeLink('TARGET-BORE', [-2, -4.5, -1, 0, 2, -4.5, -1, 0], 'water', 'A', { shape: 'circular', diameterMm: 110 }));
    const tiny = 2.71e-162;
    const works: Excavation[] = [{ kind: 'bore', reamerDiameter: 0.2, path: [[0, 0, -0.5], [tiny, 0, -6.5], [0, 30, -6.5]] }];
    expect(expectBruteForce(links, works, 'cn-gb50289')).toBeGreaterThanOrEqual(1);
    const table = buildSegmentTable(links), index = buildSegmentIndex(table);
    screenExcavation(table, index, works[0]!, RULES, 'cn-gb50289');
    expect(screenExcavation(table, index, works[0]!, RULES, 'cn-gb50289').lines.map((l) => l.linkId)).toContain('TARGET-BORE');
    // A trench edge that short is now refused by validation (MIN_TRENCH_LEG_M); the cull still checks a
    // convex piece's normals (a box built directly, as the unit test of the cull does).
    const convex = trenchPieces({ kind: 'trench', width: 0.6, topZ: 0, centreline: [[tiny, 0], [0, 0], [0, 30]], bottomZ: [-6, -0.5, -0.5] })
      .find((p) => p.shape === 'convex' && p.convex.maxY - p.convex.minY < 1);
    if (convex?.shape !== 'convex') throw new Error('no box for the short leg');
    const cull = new Float64Array(PLAN_CULL_STRIDE);
    writePlanCull(cull, 0, convex, 5);
    // A box 4.3–4.6 m beside the short leg's box, within the pad of 5 m: never dropped.
    expect(planShapeMeets(cull, 0, -0.1, -4.9, 0.1, -4.6)).toBe(true);
  });

  it('lists exactly what brute force lists for random bores with pits, zigzag trenches and pile groups', () => {
    const rng = mulberry32(0x6a1d);
    let listed = 0;
    for (let net = 0; net < 3; net++) {
      const links = denseNetwork(rng, 900, 0, 0, 60);
      const works: Excavation[] = [];
      for (let w = 0; w < 12; w++) {
        const x = between(rng, -50, 50), y = between(rng, -50, 50);
        const kind = w % 3;
        if (kind === 0) {
          const path: [number, number, number][] = [[x, y, -1.5]];
          const legs = 1 + Math.floor(rng() * 6);
          for (let i = 0; i < legs; i++) {
            const a = rng() * 2 * Math.PI, l = between(rng, 3, 60);
            path.push([path[i]![0] + l * Math.cos(a), path[i]![1] + l * Math.sin(a), i + 1 === legs ? -1.5 : -between(rng, 2, 9)]);
          }
          const pit = (p: [number, number, number]): Excavation => ({
            kind: 'open_cut', footprint: [[p[0] - 1.5, p[1] - 1], [p[0] + 1.5, p[1] - 1], [p[0] + 1.5, p[1] + 1], [p[0] - 1.5, p[1] + 1]], bottomZ: -2.5, topZ: 0,
          } as Excavation);
          works.push({ kind: 'bore', path, reamerDiameter: between(rng, 0.1, 1.2), entryPit: pit(path[0]!), exitPit: pit(path[legs]!) } as Excavation);
        } else if (kind === 1) {
          const centreline: [number, number][] = [[x, y]];
          const legs = 1 + Math.floor(rng() * 8);
          for (let i = 0; i < legs; i++) {
            const a = (i % 2 ? 0.3 : -0.3) + rng() * 0.5, l = between(rng, 2, 25);
            centreline.push([centreline[i]![0] + l * Math.cos(a), centreline[i]![1] + l * Math.sin(a)]);
          }
          works.push({ kind: 'trench', centreline, width: between(rng, 0.3, 3), bottomZ: centreline.map(() => -between(rng, 1, 4)), topZ: 0 });
        } else {
          const count = 2 + Math.floor(rng() * 20);
          works.push({
            kind: 'piles',
            piles: Array.from({ length: count }, (_, i) => ({ x: x + (i % 5) * 2.5, y: y + Math.floor(i / 5) * 2.5, diameter: between(rng, 0.3, 1.2), topZ: 0, depth: between(rng, 3, 15) })),
          });
        }
      }
      listed += expectBruteForce(links, works, pick(rng, Object.keys(RULES.ruleSets)));
    }
    expect(listed).toBeGreaterThan(150);
  });
});
