/**
 * "Where am I" on the dig site (src/site/userPosition.ts): the device's lon/lat in the local frame,
 * where it stands against the cross-section, and the nearest STRIKE / ENCROACH line in plan, from a
 * real screening (DigScreener, data/rules).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lonLatTransform, type LocalFrame } from '../../src/core/crs';
import { DigScreener, type ScreenableLink } from '../../src/core/digScreening';
import { screenedWorks, siteLines, siteModel } from '../../src/site/siteModel';
import { nearestSevereLine, userFix, userOnSlice } from '../../src/site/userPosition';

const frame: LocalFrame = { originLon: 113.3, originLat: 23.1 };
const { fromLocal } = lonLatTransform(frame);
const rules = JSON.parse(readFileSync(new URL('../../data/rules/screening.json', import.meta.url), 'utf8')) as unknown;

/** A gas main through the pit (STRIKE), a water main 3 m north of it (listed, milder), a duct crossing 0.5 m east of it. */
const main: ScreenableLink = {
  id: 'G1', utility: 'gas', owner: 'City Gas', qualityLevel: 'B', section: { shape: 'circular', diameterMm: 600 },
  vertices: Float64Array.from([-60, 0, 8.5, 10, 60, 0, 8.5, 10]),
};
const water: ScreenableLink = {
  id: 'W2', utility: 'water', owner: 'Water Co', qualityLevel: 'A', section: { shape: 'circular', diameterMm: 200 },
  vertices: Float64Array.from([-60, 6, 9, 10, 60, 6, 9, 10]),
};
const duct: ScreenableLink = {
  id: 'T3', utility: 'telecom', owner: 'Tel Co', qualityLevel: 'A', section: { shape: 'rect', widthMm: 800, heightMm: 400 },
  vertices: Float64Array.from([4.5, -60, 9, 10, 4.5, 60, 9, 10]),
};

function site() {
  const s = new DigScreener(rules);
  s.load([main, water, duct], frame, 1);
  const result = s.screen({ footprint: [fromLocal(-4, -3), fromLocal(4, -3), fromLocal(4, 3), fromLocal(-4, 3)], depth: 3, groundElevation: 10, ruleSetId: 'cn-gb50289' });
  const openCut = { footprint: [fromLocal(-4, -3), fromLocal(4, -3), fromLocal(4, 3), fromLocal(-4, 3)], depth: 3 };
  const model = siteModel(frame, screenedWorks(result, openCut), result.notifyDistance, 5);
  return { result, lines: siteLines(model, [main, water, duct], result.lines).lines };
}

describe('where am I on the site', () => {
  it('puts the device’s lon/lat in the local frame as crs.ts does', () => {
    const [lon, lat] = fromLocal(12.5, -7.25);
    const fix = userFix(frame, lon, lat, 4);
    expect(fix.x).toBeCloseTo(12.5, 6);
    expect(fix.y).toBeCloseTo(-7.25, 6);
    expect(fix.accuracy).toBe(4);
  });

  it('tells the distance to the nearest STRIKE or ENCROACH line in plan, to its outside, passing milder lines by', () => {
    const { result, lines } = site();
    const verdict = (id: string) => result.lines.find((l) => l.linkId === id)?.verdict;
    expect(verdict('G1')).toBe('STRIKE');
    expect(verdict('W2')).not.toMatch(/STRIKE|ENCROACH/);
    // 12 m north of the main: the water main (6 m north) is nearer but milder; the main's outside is 12 − 0.3 m away.
    const north = nearestSevereLine(lines, -10, 12)!;
    expect(north.line.row?.linkId).toBe('G1');
    expect(north.distance).toBeCloseTo(11.7, 9);
    expect([north.at.x, north.at.y]).toEqual([-10, 0]);
    // Standing over the main: 0, not negative.
    expect(nearestSevereLine(lines, 1, 0.1)!.distance).toBe(0);
    // A duct is as wide as its width: 3 m east of its axis is 2.6 m from its side.
    expect(verdict('T3')).toMatch(/^(STRIKE|ENCROACH)$/);
    const east = nearestSevereLine(lines, 7.5, 10)!;
    expect(east.line.row?.linkId).toBe('T3');
    expect(east.distance).toBeCloseTo(2.6, 9);
    // No line rated so: nothing to tell.
    expect(nearestSevereLine(lines.filter((l) => l.row?.verdict !== 'STRIKE' && l.row?.verdict !== 'ENCROACH'), 0, 0)).toBeNull();
  });

  it('places the device against the cross-section: along it and off it', () => {
    const plane = { ox: 2, oy: 0, ux: 0, uy: 1, halfLength: 10 };
    expect(userOnSlice(plane, { x: 5, y: 3, accuracy: 2 })).toEqual({ s: 3, off: -3 });
  });
});
