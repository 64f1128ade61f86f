/**
 * The dig-site view's model (src/site/siteModel.ts) from a real screening (DigScreener, the rules
 * table in data/rules): each work's volume is rebuilt exactly as it was screened, the site box holds
 * the notify distance, lines are clipped to it and carry their rows, a contractor's clipped stretches
 * (`id#2`) carry their line's row, and a row whose line this viewer was not given is said.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lonLatTransform, type LocalFrame } from '../../src/core/crs';
import { DigScreener, type ScreenableLink, type WorksScreening } from '../../src/core/digScreening';
import type { DigWork } from '../../src/core/screening/digWorks';
import { sliceLine, sliceVolume } from '../../src/core/site/crossSection';
import { defaultSlice, groundRangeOf, screenedWorks, siteLines, siteModel } from '../../src/site/siteModel';

const frame: LocalFrame = { originLon: 113.3, originLat: 23.1 };
const { fromLocal } = lonLatTransform(frame);
const rules = JSON.parse(readFileSync(new URL('../../data/rules/screening.json', import.meta.url), 'utf8')) as unknown;
const ll = (x: number, y: number): [number, number] => fromLocal(x, y);

/** A gas main along y = 0 at 8.5 m, surveyed ground 10 to 12 m at its vertices near the works: the ground under each work is a range. */
const main: ScreenableLink = {
  id: 'G1', utility: 'gas', owner: 'City Gas', qualityLevel: 'B', section: { shape: 'circular', diameterMm: 600 },
  vertices: Float64Array.from([-200, 0, 8.5, 10, -20, 0, 8.5, 10, 25, 0, 8.5, 11, 50, 0, 8.5, 12, 200, 0, 8.5, 12]),
};
const far: ScreenableLink = {
  id: 'W9', utility: 'water', owner: 'Water Co', qualityLevel: 'A', section: { shape: 'circular', diameterMm: 200 },
  vertices: Float64Array.from([-200, 30, 9, 10, 200, 30, 9, 12]),
};

const works: DigWork[] = [
  { kind: 'open_cut', footprint: [ll(-4, -3), ll(4, -3), ll(4, 3), ll(-4, 3)], depth: 3 },
  { kind: 'trench', centreLine: [ll(10, -6), ll(10, 6), ll(16, 8)], width: 0.8, depths: [1.5, 2, 2.5] },
  { kind: 'bore', path: [[...ll(20, -10), 1.2], [...ll(20, 10), 0.4]], reamerDiameter: 0.3 },
  {
    kind: 'bore', path: [[...ll(30, -10), 2], [...ll(30, 10), 2]], reamerDiameter: 0.2,
    entryPit: { footprint: [ll(29, -11), ll(31, -11), ll(31, -9), ll(29, -9)], depth: 2.5 },
  },
  { kind: 'piles', points: [ll(40, 1), ll(42, 1)], diameter: 0.6, depth: 6 },
];

function screen(): WorksScreening {
  const s = new DigScreener(rules);
  s.load([main, far], frame, 1);
  return s.screenWorks({ works, groundElevation: null, ruleSetId: 'cn-gb50289' });
}

describe('the site model', () => {
  it('rebuilds every kind of work exactly as it was screened (top and bottom of each volume)', () => {
    const result = screen();
    const sw = screenedWorks(result);
    const model = siteModel(frame, sw, result.notifyDistance, 5);
    expect(model.volumes).toHaveLength(works.length);
    result.works.forEach((w, i) => {
      expect(sw[i]!.ground.max, `work ${i}: ground range`).toBeGreaterThan(sw[i]!.ground.min);
      expect(model.volumes[i]!.bounds.maxZ).toBeCloseTo(w.topZ, 9);
      expect(model.volumes[i]!.bounds.minZ).toBeCloseTo(w.bottomZ, 9);
    });
    expect(model.groundZ).toBe(Math.min(...result.works.map((w) => w.groundElevation)));
  });

  it('finds the bore’s ground range from its path when it has no pits', () => {
    const bore = works[2]!;
    // top = max − shallowest depth + reamer / 2, so max = top + 0.4 − 0.15.
    expect(groundRangeOf(bore, 10, 11.75)).toEqual({ min: 10, max: 12 });
  });

  it('grows the site box by the notify distance and the margin, and asks the layers for its lon/lat box', () => {
    const result = screen();
    const model = siteModel(frame, screenedWorks(result), result.notifyDistance, 5);
    expect(model.box.minX).toBeCloseTo(-4 - 10, 6);
    expect(model.box.maxX).toBeCloseTo(42.3 + 10, 6);
    const [w, s, e, n] = model.lonLatBox;
    expect(w).toBeLessThan(e);
    expect(s).toBeLessThan(n);
    expect(ll(model.box.minX, model.box.minY)[0]).toBeGreaterThanOrEqual(w);
  });

  it('clips lines to the box and gives each its row; a contractor’s stretches carry their line’s row; an unsent line’s row is said', () => {
    const result = screen();
    const model = siteModel(frame, screenedWorks(result), result.notifyDistance, 5);
    const row = result.lines.find((l) => l.linkId === 'G1')!;
    expect(row.verdict).toBe('STRIKE');
    const { lines, unseen } = siteLines(model, [main, far], result.lines);
    const g = lines.find((l) => l.key === 'G1')!;
    expect(g.row).toBe(row);
    expect(g.link.vertices[0]).toBeCloseTo(model.box.minX, 9);
    expect(lines.find((l) => l.key === 'W9')).toBeUndefined(); // 30 m north: outside the box
    expect(unseen).toEqual([]);
    // A contractor is sent the main as two stretches clipped to their sites.
    const pieces: ScreenableLink[] = [
      { ...main, vertices: Float64Array.from([-10, 0, 8.5, 10.9, 12, 0, 8.5, 11]) },
      { ...main, id: 'G1#2', vertices: Float64Array.from([25, 0, 8.5, 11, 45, 0, 8.5, 11.1]) },
    ];
    const clipped = siteLines(model, pieces, result.lines);
    expect(clipped.lines.map((l) => [l.key, l.row?.linkId])).toEqual([['G1', 'G1'], ['G1#2', 'G1']]);
    // A restricted line this viewer is not sent: its row is still shown, as unseen.
    expect(siteLines(model, [], result.lines).unseen.map((l) => l.linkId)).toContain('G1');
  });

  it('a contractor sent only the second stretch of a struck line (`G1#2`: its first lies at another of their sites) sees it struck', () => {
    const result = screen();
    const model = siteModel(frame, screenedWorks(result), result.notifyDistance, 5);
    const row = result.lines.find((l) => l.linkId === 'G1')!;
    expect(row.verdict).toBe('STRIKE');
    // The layers route numbers a line's stretches over all the viewer's sites, then drops those outside the bbox.
    const second: ScreenableLink = { ...main, id: 'G1#2', vertices: Float64Array.from([-10, 0, 8.5, 10.9, 45, 0, 8.5, 11.1]) };
    const { lines, unseen } = siteLines(model, [second], result.lines);
    expect(lines.map((l) => [l.key, l.row?.verdict])).toEqual([['G1#2', 'STRIKE']]);
    expect(unseen).toEqual([]);
    // An id that only looks like a stretch (`#1` is never one) is not taken for the line.
    expect(siteLines(model, [{ ...second, id: 'G1#1' }], result.lines).lines[0]!.row).toBeNull();
  });
});

describe('the default cross-section', () => {
  it('goes across the work that struck the line, near its closest point, and cuts the line', () => {
    const result = screen();
    const model = siteModel(frame, screenedWorks(result), result.notifyDistance, 5);
    const { lines } = siteLines(model, [main, far], result.lines);
    const row = result.lines[0]!;
    expect(row.linkId).toBe('G1');
    const { work, plane } = defaultSlice(model, lines, result.lines);
    expect(work).toBe(model.excavations[0]);
    // Through the closest point (where the main meets the pit, on its east side), moved 10 % of the
    // pit's length in so that the slice crosses the pit (crossSection.ts SLICE_INSET).
    expect(row.closestPoint.x).toBeCloseTo(4, 6);
    expect(plane.ox).toBeCloseTo(3.2, 6);
    expect(plane.oy).toBeCloseTo(row.closestPoint.y, 9);
    const g = lines.find((l) => l.key === 'G1')!;
    const cuts = sliceLine(plane, g.link.vertices);
    expect(cuts).toHaveLength(1);
    expect(Math.abs(cuts[0]!.s)).toBeLessThan(1e-6);
    expect(cuts[0]!.z).toBeCloseTo(8.5, 9);
    // The work it goes across has its outline in the slice.
    expect(sliceVolume(plane, model.volumes[(row as typeof row & { work: number }).work]!).length).toBeGreaterThan(0);
  });

  it('across a trench, cuts the line it struck where the line crosses it square, and just past its end (review14)', () => {
    for (const x of [10, 20.8]) {
      const gas: ScreenableLink = { id: 'G', utility: 'gas', owner: 'City Gas', qualityLevel: 'A', section: { shape: 'circular', diameterMm: 300 },
        vertices: Float64Array.from([x, -40, 9, 10, x, 40, 9, 10]) };
      const s = new DigScreener(rules);
      s.load([gas], frame, 1);
      const result = s.screenWorks({ works: [{ kind: 'trench', centreLine: [ll(0, 0), ll(20, 0)], width: 0.8, depth: 1.5 }], groundElevation: 10, ruleSetId: 'cn-gb50289' });
      expect(result.lines.map((l) => l.verdict), `line at x = ${x}`).toEqual([x === 10 ? 'STRIKE' : 'ENCROACH']);
      const model = siteModel(frame, screenedWorks(result), result.notifyDistance, 5);
      const { lines } = siteLines(model, [gas], result.lines);
      const { plane } = defaultSlice(model, lines, result.lines);
      expect(sliceLine(plane, lines[0]!.link.vertices), `line at x = ${x}`).toHaveLength(1);
      expect(sliceVolume(plane, model.volumes[0]!), `line at x = ${x}`).toHaveLength(1);
    }
  });
});
