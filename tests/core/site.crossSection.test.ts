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
    for (const [s, z] of circle!) expect(Math.hypot(s - 5, z - 6)).toBeCloseTo(0.25, 6);
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
