/** Moving the cross-section along the work (src/core/site/sectionTrack.ts): slider position → slice plane. */
import { describe, expect, it } from 'vitest';
import { slicePlaneFor, sliceVolume } from '../../src/core/site/crossSection';
import { sectionTrack } from '../../src/core/site/sectionTrack';
import type { Excavation } from '../../src/core/screening/excavation';
import { volumeOf } from '../../src/core/screening/volume';

describe('sectionTrack', () => {
  it('runs a trench’s slice along its centre line, square to each leg, starting where the default slice is', () => {
    const trench: Excavation = { kind: 'trench', centreline: [[0, 0], [20, 0], [20, 20]], width: 1, bottomZ: [8, 8, 8], topZ: 11 };
    const plane = slicePlaneFor(trench, [20.4, 12], null, 10);
    const track = sectionTrack(trench, plane);
    expect(track.length).toBe(40);
    expect(track.start).toBeCloseTo(32, 12);
    const back = track.at(track.start);
    expect([back.ox, back.oy, back.ux, back.uy, back.halfLength]).toEqual([plane.ox, plane.oy, plane.ux, plane.uy, 10]);
    // 5 m along the first leg (running east): the slice runs north–south through (5, 0).
    const first = track.at(5);
    expect([first.ox, first.oy, Math.abs(first.ux), first.uy]).toEqual([5, 0, 0, 1]);
    // Clamped to the ends.
    expect([track.at(-3).ox, track.at(-3).oy]).toEqual([0, 0]);
    expect([track.at(99).ox, track.at(99).oy]).toEqual([20, 20]);
    // Every position cuts the trench.
    const v = volumeOf(trench);
    for (const p of [0.5, 10, 19.5, 20.5, 30, 39.5]) expect(sliceVolume(track.at(p), v).length).toBeGreaterThan(0);
  });

  it('keeps a trench’s slice along its leg when the default runs along it (a struck line lying in a square slice), bends followed', () => {
    const trench: Excavation = { kind: 'trench', centreline: [[0, 0], [20, 0], [20, 20]], width: 1, bottomZ: [8, 8, 8], topZ: 11 };
    // A line crossing the first leg square (running north at x = 8): a square slice would hold it, so the default runs along the leg.
    const plane = slicePlaneFor(trench, [8, 0], [0, 1], 10);
    expect([Math.abs(plane.ux), Math.abs(plane.uy)]).toEqual([1, 0]);
    const track = sectionTrack(trench, plane);
    expect(track.start).toBeCloseTo(8, 12);
    const back = track.at(track.start);
    expect([back.ox, back.oy, back.ux, back.uy]).toEqual([plane.ox, plane.oy, plane.ux, plane.uy]);
    // 5 m on, still along the first leg: the line at x = 8 is still cut, 5 m from the slice's middle (before, this step turned the slice square and parallel to the line).
    const on = track.at(13);
    expect([on.ox, on.oy, Math.abs(on.ux), on.uy]).toEqual([13, 0, 1, 0]);
    expect(Math.abs(on.ux * (8 - on.ox) + on.uy * (0 - on.oy))).toBeLessThan(on.halfLength);
    // Past the bend the slice turns with the leg (north), still along it.
    const second = track.at(30);
    expect([second.ox, second.oy, Math.abs(second.ux), Math.abs(second.uy)]).toEqual([20, 10, 0, 1]);
    const v = volumeOf(trench);
    for (const p of [0.5, 8, 19.5, 30, 39.5]) expect(sliceVolume(track.at(p), v).length).toBeGreaterThan(0);
  });

  it('runs a bore’s slice along its path in plan', () => {
    const bore: Excavation = { kind: 'bore', path: [[0, 0, 8], [0, 30, 7]], reamerDiameter: 0.3 };
    const track = sectionTrack(bore, slicePlaneFor(bore, null, null, 10));
    expect(track.length).toBe(30);
    expect(track.start).toBe(15);
    const p = track.at(6);
    expect([p.ox, p.oy, Math.abs(p.ux), Math.abs(p.uy)]).toEqual([0, 6, 1, 0]);
  });

  it('moves an open cut’s slice along its long axis, from one end to the other, the slice’s direction kept', () => {
    const cut: Excavation = { kind: 'open_cut', footprint: [[0, 0], [10, 0], [10, 4], [0, 4]], bottomZ: 7, topZ: 11 };
    const plane = slicePlaneFor(cut, null, null, 10); // across the 4 m side, through (5, 2)
    const track = sectionTrack(cut, plane);
    expect(track.length).toBeCloseTo(10, 12);
    expect(track.start).toBeCloseTo(5, 12);
    const ends = [track.at(0).ox, track.at(10).ox].sort((a, b) => a - b);
    expect(ends[0]).toBeCloseTo(0, 12);
    expect(ends[1]).toBeCloseTo(10, 12);
    for (const p of [0, 2.5, 10]) {
      const q = track.at(p);
      expect([q.oy, q.ux, q.uy]).toEqual([2, plane.ux, plane.uy]);
    }
    const v = volumeOf(cut);
    for (const p of [0.5, 3, 7, 9.5]) expect(sliceVolume(track.at(p), v)[0]![1]![0] - sliceVolume(track.at(p), v)[0]![0]![0]).toBeCloseTo(4, 9);
  });

  it('moves a pile group’s slice across the piles’ outsides', () => {
    const piles: Excavation = { kind: 'piles', piles: [{ x: 0, y: 0, diameter: 0.6, topZ: 10, depth: 6 }, { x: 0, y: 4, diameter: 0.6, topZ: 10, depth: 6 }] };
    const plane = slicePlaneFor(piles, null, null, 10); // west–east through (0, 2): moved north–south
    const track = sectionTrack(piles, plane);
    expect(track.length).toBeCloseTo(4.6, 12);
    expect(track.start).toBeCloseTo(2.3, 12);
    expect(track.at(0.3).oy).toBeCloseTo(0, 12);
    expect(sliceVolume(track.at(0.3), volumeOf(piles)).length).toBe(1);
  });
});
