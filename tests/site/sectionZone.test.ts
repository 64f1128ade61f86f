/**
 * A listed line's tolerance zone in the cross-section (src/site/sectionView.ts zoneCuts) is the true
 * cut of the tube the screening measures by the slice: a circle where the line crosses square, an
 * ellipse stretched 1 / sin θ along the slice where it crosses at θ (review14: always a circle, so
 * smaller than screened on a slant), and never inside the true cut.
 */
import { describe, expect, it } from 'vitest';
import type { ScreenedLine } from '../../src/core/digScreening';
import type { SlicePlane } from '../../src/core/site/crossSection';
import { toleranceRadius } from '../../src/core/site/siteGeometry';
import { zoneCuts } from '../../src/site/sectionView';
import type { SiteLine } from '../../src/site/siteModel';

/** Even–odd: (s, z) inside the outline. */
function inside(o: [number, number][], s: number, z: number): boolean {
  let odd = false;
  o.forEach(([si, zi], i) => {
    const [sj, zj] = o[(i + 1) % o.length]!;
    if ((zi > z) !== (zj > z) && s < ((sj - si) * (z - zi)) / (zj - zi) + si) odd = !odd;
  });
  return odd;
}

const plane: SlicePlane = { ox: 0, oy: 0, ux: 1, uy: 0, halfLength: 20 };
const row = { linkId: 'G1', verdict: 'ENCROACH', tolerance: 1.2 } as ScreenedLine;

/** A 400 mm main at 8 m crossing the slice (the x axis) at `deg` in plan, 30 m each way. */
function crossing(deg: number): SiteLine {
  const c = Math.cos((deg * Math.PI) / 180), s = Math.sin((deg * Math.PI) / 180);
  return {
    key: 'G1', row,
    link: { id: 'G1', utility: 'gas', owner: 'City Gas', qualityLevel: 'B', section: { shape: 'circular', diameterMm: 400 }, vertices: Float64Array.from([-30 * c, -30 * s, 8, 10, 30 * c, 30 * s, 8, 10]) },
  };
}

describe('the tolerance zone in the cross-section', () => {
  const r = toleranceRadius({ shape: 'circular', diameterMm: 400 }, 1.2);

  for (const deg of [90, 45, 30]) {
    it(`is the true cut of the tube for a line crossing at ${deg}°: half-width r / sin θ along the slice, r up and down`, () => {
      const [o, ...more] = zoneCuts(plane, crossing(deg));
      expect(more).toEqual([]);
      const a = r / Math.sin((deg * Math.PI) / 180);
      // Every point of the true ellipse, just inside, is inside what is drawn.
      for (let k = 0; k < 90; k++) {
        const t = (2 * Math.PI * k) / 90;
        expect(inside(o!, 0.9999 * a * Math.cos(t), 8 + 0.9999 * r * Math.sin(t)), `point ${k}`).toBe(true);
      }
      // And it is that ellipse, not more than 1 % wider.
      expect(inside(o!, 1.01 * a, 8)).toBe(false);
      expect(inside(o!, 0, 8 + 1.01 * r)).toBe(false);
    });
  }

  it('draws nothing for an unlisted line, and a band for a line running beside the slice within its tolerance', () => {
    expect(zoneCuts(plane, { ...crossing(45), row: null })).toEqual([]);
    const beside: SiteLine = { ...crossing(0), link: { ...crossing(0).link, vertices: Float64Array.from([-10, 0.8, 8, 10, 10, 0.8, 8, 10]) } };
    const [band] = zoneCuts(plane, beside);
    const half = Math.sqrt(r * r - 0.8 * 0.8);
    expect(inside(band!, 0, 8 + 0.999 * half)).toBe(true);
    expect(inside(band!, 9, 8)).toBe(true);
  });
});
