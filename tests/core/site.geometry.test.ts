/** The dig-site view's pure geometry (src/core/site/siteGeometry.ts): the site box, clipping, tubes, tap points. */
import { describe, expect, it } from 'vitest';
import { clipToBox, lineTubes, nearestOnLine, siteBox, toleranceRadius } from '../../src/core/site/siteGeometry';
import { volumeOf } from '../../src/core/screening/volume';

/** x, y, z, ground per vertex. */
const line = (...v: number[][]) => Float64Array.from(v.flat());

describe('siteBox', () => {
  it('grows the works’ volumes by the margin in plan and below, and reaches the ground on top', () => {
    const trench = volumeOf({ kind: 'trench', centreline: [[0, 0], [20, 0]], width: 1, bottomZ: [8, 7], topZ: 11 });
    const pile = volumeOf({ kind: 'piles', piles: [{ x: 30, y: 5, diameter: 0.6, topZ: 11, depth: 6 }] });
    const box = siteBox([trench.bounds, pile.bounds], 5, 12);
    expect(box).toEqual({ minX: -5, minY: -5.5, minZ: 0, maxX: 35.3, maxY: 10.3, maxZ: 12 });
  });

  it('refuses no works and a negative margin', () => {
    expect(() => siteBox([], 5, 0)).toThrow(/no works/);
    const b = volumeOf({ kind: 'piles', piles: [{ x: 0, y: 0, diameter: 1, topZ: 1, depth: 1 }] }).bounds;
    expect(() => siteBox([b], -1, 0)).toThrow(/margin/);
  });
});

describe('clipToBox', () => {
  const box = { minX: 0, minY: 0, maxX: 10, maxY: 10 };

  it('cuts a line crossing the box at its sides, with z and ground interpolated', () => {
    const pieces = clipToBox(line([-10, 5, 0, 10], [20, 5, 3, 13]), box);
    expect(pieces).toHaveLength(1);
    expect([...pieces[0]!]).toEqual([0, 5, 1, 11, 10, 5, 2, 12]);
  });

  it('keeps a line inside whole, drops one outside, and splits one that leaves and comes back', () => {
    const inside = line([1, 1, 0, 2], [5, 5, 0, 2], [9, 1, 0, 2]);
    expect(clipToBox(inside, box).map((p) => [...p])).toEqual([[...inside]]);
    expect(clipToBox(line([11, 0, 0, 0], [20, 20, 0, 0]), box)).toEqual([]);
    const uShape = clipToBox(line([2, 5, 0, 0], [2, 15, 0, 0], [8, 15, 0, 0], [8, 5, 0, 0]), box);
    expect(uShape.map((p) => [...p])).toEqual([[2, 5, 0, 0, 2, 10, 0, 0], [8, 10, 0, 0, 8, 5, 0, 0]]);
  });

  it('drops a line that only touches a corner', () => {
    expect(clipToBox(line([-5, 5, 0, 0], [5, 15, 0, 0]), box)).toEqual([]);
  });
});

describe('lineTubes', () => {
  it('draws a 600 mm pipe as a 0.3 m radius tube on its centreline at its true elevation', () => {
    const tubes = lineTubes(line([0, 0, 7.2, 10], [10, 0, 7.0, 10]), { shape: 'circular', diameterMm: 600 });
    expect(tubes).toEqual([{ from: [0, 0, 7.2], to: [10, 0, 7.0], shape: 'circle', radius: 0.3 }]);
  });

  it('draws a duct of width × height as a box of that size, and skips zero-length segments', () => {
    const tubes = lineTubes(line([0, 0, 9, 10], [0, 0, 9, 10], [0, 5, 9, 10]), { shape: 'rect', widthMm: 800, heightMm: 400 });
    expect(tubes).toEqual([{ from: [0, 0, 9], to: [0, 5, 9], shape: 'box', width: 0.8, height: 0.4 }]);
  });

  it('puts the tolerance zone around the bounding capsule the screening measures from', () => {
    expect(toleranceRadius({ shape: 'circular', diameterMm: 600 }, 1.25)).toBeCloseTo(1.55, 12);
    // A 300 × 400 mm duct is bounded by a capsule of radius 0.25 m (half its diagonal).
    expect(toleranceRadius({ shape: 'rect', widthMm: 300, heightMm: 400 }, 1)).toBeCloseTo(1.25, 12);
  });
});

describe('nearestOnLine', () => {
  it('finds the tapped point on the axis and the depth of the pipe’s top there', () => {
    const v = line([0, 0, 8, 10], [10, 0, 6, 11], [10, 10, 6, 11]);
    const p = nearestOnLine(v, { shape: 'circular', diameterMm: 400 }, 5, 0.3, 7);
    expect(p.segment).toBe(0);
    expect(p.t).toBeCloseTo(0.5, 2);
    expect(p.z).toBeCloseTo(7, 2);
    // ground 10.5 − (7 + 0.2) = 3.3 m of cover over the top.
    expect(p.topDepth).toBeCloseTo(3.3, 2);
    expect(nearestOnLine(v, { shape: 'circular', diameterMm: 400 }, 10.2, 9, 6).segment).toBe(1);
  });

  it('says the depth is unknown where the survey has no ground', () => {
    const p = nearestOnLine(line([0, 0, 8, NaN], [10, 0, 8, NaN]), { shape: 'circular', diameterMm: 100 }, 5, 0, 8);
    expect(p.topDepth).toBeNull();
  });
});
