/**
 * Works of many pieces (trenches, bores): screen.ts `collect` gathers a candidate once whatever the
 * pieces that find it (per-segment stamps), lets a later piece's kernel stop at the distance already
 * found, and completes a listed line's plan distance and gap only over the pieces it has not run.
 * Each listed line's distances must still be the union's, every piece tried (segmentVolumeDistance),
 * and screening another table in between (the stamp arrays are shared) must not change a result.
 */
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import { createSegmentPrismDistance } from '../../src/core/screening/segmentDistance';
import { validateExcavation, type Excavation } from '../../src/core/screening/excavation';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { pieceDistance, pieceDistanceAt, segmentVolumeDistance, volumeOf } from '../../src/core/screening/volume';
import { mulberry32 } from '../../bench/stats';
import { AREA_PER_SEGMENT_M2, network } from '../../bench/syntheticNetwork';
import { drawWorks } from '../../bench/works';

const RULES = validateScreeningRules(rulesJson);
const SEGMENTS = 40_000;
const SIDE = Math.sqrt(SEGMENTS * AREA_PER_SEGMENT_M2);
const LINKS = network(mulberry32(0x5eed7), SEGMENTS, SIDE);
const TABLE = buildSegmentTable(LINKS);
const INDEX = buildSegmentIndex(TABLE);
const WORKS = drawWorks(mulberry32(0x7e7), SIDE, 200).works;
const VERTICES = new Map(LINKS.map((l) => [l.id, l.vertices]));

function expectUnionDistances(work: Excavation, table = TABLE, index = INDEX, vertices = VERTICES): number {
  const result = screenExcavation(table, index, work, RULES);
  const volume = volumeOf(validateExcavation(work));
  const out = createSegmentPrismDistance();
  for (const line of result.lines) {
    const v = vertices.get(line.linkId)!, o = line.segmentIndex * 4;
    segmentVolumeDistance(volume, v[o]!, v[o + 1]!, v[o + 2]!, v[o + 4]!, v[o + 5]!, v[o + 6]!, out);
    expect(line.distance3d).toBe(Math.max(0, out.distance - line.radius));
    expect(line.horizontal).toBe(Math.max(0, out.horizontal - line.radius));
    expect(line.vertical).toBe(out.vertical === null ? null : Math.max(0, out.vertical - line.radius));
  }
  return result.lines.length;
}

describe('screening a work of many pieces', () => {
  it('gives each listed line the distance, plan distance and gap to the whole union (trenches)', () => {
    let lines = 0;
    for (const w of WORKS.trench) lines += expectUnionDistances(w);
    expect(lines).toBeGreaterThan(200);
  });

  it('gives each listed line the distance, plan distance and gap to the whole union (bores with pits)', () => {
    let lines = 0;
    for (const w of WORKS.bore) lines += expectUnionDistances(w);
    expect(lines).toBeGreaterThan(200);
  });

  it('takes the plan distance and gap from a leg culled in 3D: a line listed by the entry pit, over the deep leg', () => {
    // Entry pit around (0, 0); the path drops to −30 m within 2 m and runs on east at that depth, under
    // a line 5 m east of the entry at −1 m: in 3D the pit and the first leg are near (listed), the deep
    // leg is ~29 m away (culled), but in plan the line crosses it (plan distance 0, vertical gap ~29 m).
    const line = { ...LINKS[0]!, id: 'over', vertices: Float64Array.from([5, -20, -1, 0, 5, 20, -1, 0]) };
    const table = buildSegmentTable([line]);
    const pit = (x: number): Excavation => ({ kind: 'open_cut', footprint: [[x - 1.5, -1], [x + 1.5, -1], [x + 1.5, 1], [x - 1.5, 1]], bottomZ: -2.5, topZ: 0 });
    const bore = {
      kind: 'bore', path: [[0, 0, -2], [2, 0, -30], [100, 0, -30], [102, 0, -2]], reamerDiameter: 0.4,
      entryPit: pit(0), exitPit: pit(102),
    } as Excavation;
    expect(expectUnionDistances(bore, table, buildSegmentIndex(table), new Map([['over', line.vertices]]))).toBe(1);
    const [row] = screenExcavation(table, buildSegmentIndex(table), bore, RULES).lines;
    expect(row!.horizontal).toBe(0);
    expect(row!.vertical).toBeGreaterThan(28);
    expect(row!.distance3d).toBeLessThan(5);
  });

  it('gives the union distances on long street trenches, past the 32 pieces collect marks one bit each', () => {
    // A trench following a street for a kilometre: 40 legs of 25 m turning up to ±30° (boxes, joints and
    // mitres: well over 32 pieces), the bottom sloping along it, through the network's centre.
    const rng = mulberry32(0x57ee7);
    let lines = 0, pieces = 0;
    for (let k = 0; k < 6; k++) {
      const centreline: [number, number][] = [[SIDE / 2 - 500 + 60 * k, SIDE / 2 - 300 + 90 * k]];
      let heading = rng() * 2 * Math.PI;
      for (let i = 0; i < 40; i++) {
        heading += (rng() - 0.5) * (Math.PI / 3);
        const [x, y] = centreline[i]!;
        centreline.push([x + 25 * Math.cos(heading), y + 25 * Math.sin(heading)]);
      }
      const trench = { kind: 'trench', centreline, width: 1.2, bottomZ: centreline.map((_, i) => -1.5 - i * 0.02), topZ: 0 } as Excavation;
      pieces = Math.max(pieces, volumeOf(validateExcavation(trench)).pieces.length);
      lines += expectUnionDistances(trench);
    }
    expect(pieces).toBeGreaterThan(64);
    expect(lines).toBeGreaterThan(20);
  });

  it('completes the plan distance from a piece numbered under 32 when one 32 places later ran (no bit shared)', () => {
    // Leg 1 runs 30 m down under the line (plan distance 0, culled in 3D); legs 2–32 climb away and back;
    // leg 33 runs beside the line 0.6 m off, near in 3D (its kernel runs in collect). 1 << 33 is 1 << 1 in
    // JavaScript: a mark for leg 33 must not pass for leg 1, or the row would read 0.4 m in plan, not 0.
    const line = { ...LINKS[0]!, id: 'over', vertices: Float64Array.from([5, -20, -1, 0, 5, 20, -1, 0]) };
    const table = buildSegmentTable([line]);
    const path: [number, number, number][] = [[0, 0, -2], [2, 0, -30]];
    for (let k = 2; k <= 33; k++) {
      const u = (k - 2) / 31;
      path.push([10 + 30 * Math.sin(Math.PI * u) - 4.4 * u, 10 * u, -30 + 28.8 * u]);
    }
    path.push([5.6, 18, -1.2]);
    const bore = { kind: 'bore', path, reamerDiameter: 0.4 } as Excavation;
    expect(volumeOf(validateExcavation(bore)).pieces.length).toBe(34);
    expect(expectUnionDistances(bore, table, buildSegmentIndex(table), new Map([['over', line.vertices]]))).toBe(1);
    const [row] = screenExcavation(table, buildSegmentIndex(table), bore, RULES).lines;
    expect(row!.horizontal).toBe(0);
    expect(row!.distance3d).toBeLessThan(1);
  });

  it('answers the same after screening a smaller and a larger table in between', () => {
    const small = buildSegmentTable(LINKS.slice(0, 500));
    const smallIndex = buildSegmentIndex(small);
    const large = buildSegmentTable(network(mulberry32(0x1a49e), 2 * SEGMENTS, SIDE));
    const largeIndex = buildSegmentIndex(large);
    const works = [...WORKS.trench.slice(0, 60), ...WORKS.bore.slice(0, 60)];
    const before = works.map((w) => JSON.stringify(screenExcavation(TABLE, INDEX, w, RULES)));
    let listedElsewhere = 0;
    for (const w of works) {
      listedElsewhere += screenExcavation(small, smallIndex, w, RULES).lines.length;
      listedElsewhere += screenExcavation(large, largeIndex, w, RULES).lines.length;
      expect(JSON.stringify(screenExcavation(TABLE, INDEX, w, RULES))).toBe(before[works.indexOf(w)]);
    }
    expect(listedElsewhere).toBeGreaterThan(0);
  });

  it('runs each kernel on a segment read from a row of numbers as on its six numbers (pieceDistanceAt, every field)', () => {
    // collect passes the kernels a row of its gathered candidates (hits.ts); the public entry points
    // take six numbers. The row here sits at an odd offset among NaNs, as a misread index would show.
    const FIELDS = ['distance', 't', 'x', 'y', 'z', 'horizontal', 'horizontalT', 'vertical', 'verticalT'] as const;
    const row = new Float64Array(64).fill(NaN), c = TABLE.coords;
    const byRow = createSegmentPrismDistance(), bySix = createSegmentPrismDistance();
    const shapes = new Map<string, number>();
    let calls = 0, finite = 0;
    for (const kind of ['open_cut', 'trench', 'bore', 'piles'] as const) {
      for (const work of WORKS[kind].slice(0, 40)) {
        for (const piece of volumeOf(validateExcavation(work)).pieces) {
          const b = piece.bounds;
          for (const s of INDEX.search(b.minX - 8, b.minY - 8, b.maxX + 8, b.maxY + 8)) {
            const q = 3 + 8 * (s % 6);
            for (let k = 0; k < 6; k++) row[q + k] = c[6 * s + k]!;
            for (const cutoff of [Infinity, 2, 0.4]) {
              pieceDistanceAt(piece, row, q, byRow, cutoff);
              pieceDistance(piece, c[6 * s]!, c[6 * s + 1]!, c[6 * s + 2]!, c[6 * s + 3]!, c[6 * s + 4]!, c[6 * s + 5]!, bySix, cutoff);
              for (const f of FIELDS) if (!Object.is(byRow[f], bySix[f])) expect.fail(`${piece.shape} ${f}: ${byRow[f]} against ${bySix[f]}`);
              calls++;
              if (byRow.distance < Infinity) finite++;
            }
            shapes.set(piece.shape, (shapes.get(piece.shape) ?? 0) + 1);
            row.fill(NaN, q, q + 6);
          }
        }
      }
    }
    expect([...shapes.keys()].sort()).toEqual(['capsule', 'convex', 'cylinder', 'prism']);
    expect(finite).toBeGreaterThan(calls / 4);
  });
});
