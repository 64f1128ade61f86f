/** The cross-section across a dig (src/core/site/crossSection.ts): where it is cut, the dig's outline in it, each line's cut. */
import { describe, expect, it } from 'vitest';
import { slicePlaneFor, sliceLine, sliceVolume, type SlicePlane } from '../../src/core/site/crossSection';
import { volumeOf } from '../../src/core/screening/volume';
import type { Excavation } from '../../src/core/screening/excavation';

const line = (...v: number[][]) => Float64Array.from(v.flat());
const round = (o: [number, number][][]): [number, number][][] => o.map((r) => r.map(([s, z]): [number, number] => [+s.toFixed(6), +z.toFixed(6)]));

describe('slicePlaneFor', () => {
  it('cuts a trench square to its centre line, at the foot of the point to show', () => {
    const trench: Excavation = { kind: 'trench', centreline: [[0, 0], [20, 0], [20, 20]], width: 1, bottomZ: [8, 8, 8], topZ: 11 };
    const p = slicePlaneFor(trench, [20.4, 12], null, 10);
    expect([p.ox, p.oy]).toEqual([20, 12]);
    expect(Math.abs(p.ux)).toBeCloseTo(1, 12);
    expect(p.uy).toBeCloseTo(0, 12);
    const middle = slicePlaneFor(trench, null, null, 10);
    expect([middle.ox, middle.oy, Math.abs(middle.uy)]).toEqual([10, 0, 1]);
  });

  it('cuts an open cut across its shorter side, or across the longer one when the line would lie in the slice', () => {
    const cut: Excavation = { kind: 'open_cut', footprint: [[0, 0], [10, 0], [10, 4], [0, 4]], bottomZ: 7, topZ: 11 };
    const p = slicePlaneFor(cut, null, null, 10);
    expect([p.ox, p.oy]).toEqual([5, 2]);
    expect(Math.abs(p.uy)).toBeCloseTo(1, 12); // along y: the 4 m side
    // A line running north–south would lie in that slice: the slice turns to run east–west.
    const turned = slicePlaneFor(cut, [5, 2], [0, 3], 10);
    expect(Math.abs(turned.ux)).toBeCloseTo(1, 12);
    // A line running east–west crosses it square: kept.
    expect(Math.abs(slicePlaneFor(cut, [5, 2], [1, 0], 10).uy)).toBeCloseTo(1, 12);
  });
});

describe('sliceVolume', () => {
  const across: SlicePlane = { ox: 5, oy: 2, ux: 0, uy: 1, halfLength: 20 };

  it('gives an open cut’s section as rectangles, with a gap where a hole is', () => {
    const cut = volumeOf({ kind: 'open_cut', footprint: [[0, 0], [10, 0], [10, 4], [0, 4]], holes: [[[4, 1], [6, 1], [6, 3], [4, 3]]], bottomZ: 7, topZ: 11 });
    expect(round(sliceVolume(across, cut))).toEqual([
      [[-2, 11], [-1, 11], [-1, 7], [-2, 7]],
      [[1, 11], [2, 11], [2, 7], [1, 7]],
    ]);
  });

  it('gives a trench’s section from its own pieces (volume.ts): the box of its width down to its bottom', () => {
    const trench = volumeOf({ kind: 'trench', centreline: [[0, 2], [10, 2]], width: 1.2, bottomZ: [8, 6], topZ: 11 });
    const outlines = round(sliceVolume(across, trench));
    expect(outlines).toHaveLength(1);
    expect(outlines[0]!.map(([s]) => Math.abs(s)).sort()).toEqual([0.6, 0.6, 0.6, 0.6]);
    // Halfway along, the sloped bottom is at 7 m.
    expect(outlines[0]!.filter(([, z]) => z < 11).map(([, z]) => z)).toEqual([7, 7]);
  });

  it('gives a bore leg cut square as a circle of the reamer’s radius, and a pile as its diameter', () => {
    const bore = volumeOf({ kind: 'bore', path: [[5, -10, 6], [5, 10, 6]], reamerDiameter: 0.5 });
    const plane: SlicePlane = { ox: 0, oy: 0, ux: 1, uy: 0, halfLength: 20 };
    const [circle] = sliceVolume(plane, bore);
    // A polygon about the true circle, never inside it (every side on a tangent), at most 1 mm outside.
    for (const [s, z] of circle!) expect(Math.hypot(s - 5, z - 6)).toBeGreaterThanOrEqual(0.25 - 1e-9);
    for (const [s, z] of circle!) expect(Math.hypot(s - 5, z - 6)).toBeLessThanOrEqual(0.25 + 1e-3);
    circle!.forEach(([s, z], i) => {
      const [s2, z2] = circle![(i + 1) % circle!.length]!;
      expect(Math.hypot((s + s2) / 2 - 5, (z + z2) / 2 - 6)).toBeGreaterThanOrEqual(0.25 - 1e-9);
    });
    const piles = volumeOf({ kind: 'piles', piles: [{ x: 3, y: 0.3, diameter: 1, topZ: 11, depth: 5 }] });
    expect(round(sliceVolume(plane, piles))).toEqual([[[2.6, 11], [3.4, 11], [3.4, 6], [2.6, 6]]]);
  });
});

describe('sliceLine', () => {
  const plane: SlicePlane = { ox: 0, oy: 0, ux: 0, uy: 1, halfLength: 10 };

  it('finds where each line crosses the slice, with its elevation and ground there', () => {
    const cuts = sliceLine(plane, line([-4, 3, 7, 10], [4, 3, 5, 12]));
    expect(cuts).toEqual([{ segment: 0, t: 0.5, s: 3, z: 6, ground: 11 }]);
  });

  it('cuts a line through a vertex on the slice once, and leaves out cuts beyond the half-length', () => {
    expect(sliceLine(plane, line([-4, 1, 7, 10], [0, 1, 7, 10], [4, 1, 7, 10]))).toHaveLength(1);
    expect(sliceLine(plane, line([-4, 11, 7, 10], [4, 11, 7, 10]))).toEqual([]);
    expect(sliceLine(plane, line([1, -5, 7, 10], [1, 5, 7, 10]))).toEqual([]);
  });
});

describe('an open cut’s slice through a point on its side', () => {
  it('stays inside the pit, so the pit is not drawn as a sliver', () => {
    const cut: Excavation = { kind: 'open_cut', footprint: [[0, 0], [10, 0], [10, 4], [0, 4]], bottomZ: 7, topZ: 11 };
    // A line running east–west strikes the pit where it enters, on its west side (x = 0).
    const p = slicePlaneFor(cut, [0, 2], [1, 0], 10);
    expect(p.ox).toBeCloseTo(1, 12); // 10 % of the 10 m length in from the west end
    expect(p.oy).toBeCloseTo(2, 12);
    const [outline] = sliceVolume(p, volumeOf(cut));
    expect(outline!.map(([s]) => Math.abs(s))).toEqual([2, 2, 2, 2]);
  });
});

describe('a square pit’s slice', () => {
  it('runs square to a side, never diagonally, so it crosses the whole pit', () => {
    // A 5.4 m square as four taps give it, turned a little; the line meets it on a side.
    const a = 0.2, c = Math.cos(a), s = Math.sin(a);
    const sq: [number, number][] = [[-2.7, -2.7], [2.7, -2.7], [2.7, 2.7], [-2.7, 2.7]].map(([x, y]) => [c * x! - s * y!, s * x! + c * y!]);
    const cut: Excavation = { kind: 'open_cut', footprint: sq, bottomZ: 7, topZ: 11 };
    const p = slicePlaneFor(cut, [c * 2.7, s * 2.7], null, 10);
    const [outline] = sliceVolume(p, volumeOf(cut));
    const width = Math.max(...outline!.map(([x]) => x)) - Math.min(...outline!.map(([x]) => x));
    expect(width).toBeCloseTo(5.4, 9);
  });
});

describe('a trench’s or bore’s slice shows the line it struck (review14)', () => {
  const trench: Excavation = { kind: 'trench', centreline: [[0, 0], [20, 0]], width: 0.8, bottomZ: [8.5, 8.5], topZ: 11 };
  /** A gas line running north–south (square to the trench) through x, at 9 m. */
  const across = (x: number): Float64Array => line([x, -40, 9, 10], [x, 40, 9, 10]);

  it('cuts along the leg when the line crosses it square (it would lie in a slice square to the leg)', () => {
    const p = slicePlaneFor(trench, [10, 0], [0, 1], 30);
    expect(Math.abs(p.ux)).toBeCloseTo(1, 12);
    expect(sliceLine(p, across(10)).map((k) => [+k.s.toFixed(9), k.z])).toEqual([[0, 9]]);
    // The trench in the section: its whole 20 m length.
    const [outline] = sliceVolume(p, volumeOf(trench));
    expect(Math.max(...outline!.map(([s]) => s)) - Math.min(...outline!.map(([s]) => s))).toBeCloseTo(20, 9);
  });

  it('keeps the slice in from the leg’s ends: a line struck 0.8 m past the end is cut, beside the trench’s end', () => {
    for (const x of [-0.8, 20.8]) {
      const p = slicePlaneFor(trench, [x, 0], [0, 1], 30);
      const [cut] = sliceLine(p, across(x));
      expect(cut, `line at x = ${x}`).toBeDefined();
      const [outline] = sliceVolume(p, volumeOf(trench));
      const ss = outline!.map(([s]) => s);
      // The gap between the trench's end and the line: 0.8 m.
      expect(Math.min(Math.abs(cut!.s - Math.min(...ss)), Math.abs(cut!.s - Math.max(...ss)))).toBeCloseTo(0.8, 9);
    }
    // A line running beside the trench crosses a square slice: square, through the foot kept 10 % in.
    const p = slicePlaneFor(trench, [20.3, 1], [1, 0], 30);
    expect([p.ox, p.oy, Math.abs(p.uy)]).toEqual([18, 0, 1]);
    expect(sliceVolume(p, volumeOf(trench))).toHaveLength(1);
  });

  it('draws a trench’s end face when the slice lies along it (an edge in the slice counts)', () => {
    // The end face of the leg's box lies on x = 20; the trench on either side of the slice's normal.
    for (const uy of [1, -1]) {
      const p: SlicePlane = { ox: 20, oy: 0, ux: 0, uy, halfLength: 10 };
      const outlines = round(sliceVolume(p, volumeOf(trench)));
      expect(outlines, `uy = ${uy}`).toHaveLength(1);
      expect(outlines[0]!.map(([s]) => Math.abs(s))).toEqual([0.4, 0.4, 0.4, 0.4]);
    }
    // An open cut's side in the slice: its wall, whichever side the pit lies.
    for (const uy of [1, -1]) {
      const cut = volumeOf({ kind: 'open_cut', footprint: [[0, 0], [10, 0], [10, 4], [0, 4]], bottomZ: 7, topZ: 11 });
      const outlines = sliceVolume({ ox: 10, oy: 2, ux: 0, uy, halfLength: 10 }, cut);
      expect(outlines.length, `uy = ${uy}`).toBeGreaterThan(0);
      for (const o of outlines) expect(round([o])[0]!.map(([s]) => Math.abs(s))).toEqual([2, 2, 2, 2]);
    }
  });

  it('draws a bore leg cut along its path as the whole tube (a stadium), not a sliver', () => {
    const work: Excavation = { kind: 'bore', path: [[0, 0, 7], [30, 0, 6]], reamerDiameter: 0.4 };
    const p = slicePlaneFor(work, [15, 0], [0, 1], 40);
    expect(Math.abs(p.ux)).toBeCloseTo(1, 12);
    const [outline] = sliceVolume(p, volumeOf(work));
    const xs = outline!.map(([s]) => p.ox + s * p.ux);
    expect(Math.min(...xs)).toBeLessThanOrEqual(-0.2 + 1e-9);
    expect(Math.min(...xs)).toBeGreaterThan(-0.2 - 1e-3);
    expect(Math.max(...xs)).toBeGreaterThanOrEqual(30.2 - 1e-9);
    expect(Math.max(...xs)).toBeLessThan(30.2 + 1e-3);
    /** Even–odd: (x, z) inside the drawn outline. */
    const inside = (x: number, z: number): boolean => {
      const s = (x - p.ox) * p.ux;
      let odd = false;
      outline!.forEach(([si, zi], i) => {
        const [sj, zj] = outline![(i + 1) % outline!.length]!;
        if ((zi > z) !== (zj > z) && s < ((sj - si) * (z - zi)) / (zj - zi) + si) odd = !odd;
      });
      return odd;
    };
    // Along the whole leg the tube is drawn its full 0.4 m (the axis falls from 7 m to 6 m).
    for (const x of [1, 10, 15, 20, 29]) {
      const z = 7 - x / 30;
      expect([inside(x, z), inside(x, z + 0.19), inside(x, z - 0.19), inside(x, z + 0.21)], `x = ${x}`).toEqual([true, true, true, false]);
    }
  });
});
