/**
 * A dig asked for in lon/lat with the ground left to the network (src/core/digScreening.ts): the
 * estimate at any altitude, which vertices may give it, a bore widened by the ground's range, and the
 * local frame's scale far from its meridian. Each case is one a review of the whole chain (HTTP to
 * report) found wrong; the numbers are chosen so the old code gives the milder or missing answer.
 */
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import { lonLatTransform, type LocalFrame } from '../../src/core/crs';
import { DigScreener, type ScreenableLink } from '../../src/core/digScreening';
import { ExcavationError } from '../../src/core/screening/excavation';
import { float32AtLeast, float32Below } from '../../src/core/screening/segmentTable';

const FRAME: LocalFrame = { originLon: 113.3, originLat: 23.1 };
const { fromLocal } = lonLatTransform(FRAME);

function gasMain(id: string, vertices: [number, number, number, number][]): ScreenableLink {
  return {
    id, utility: 'gas', owner: `owner-of-${id}`, qualityLevel: 'A', section: { shape: 'circular', diameterMm: 200 },
    vertices: new Float64Array(vertices.flat()),
  };
}

function screenerOf(links: ScreenableLink[]): DigScreener {
  const s = new DigScreener(rulesJson);
  s.load(links, FRAME, 1);
  return s;
}

/** A square of `half` metres around a local point, as lon/lat corners. */
function square(x: number, y: number, half: number): [number, number][] {
  return [[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]].map(([a, b]) => fromLocal(a!, b!));
}

describe('the ground under a dig, estimated from the network', () => {
  it('never stands above the surveyed ground, at any altitude: a pipe whose top is at the true bottom is struck', () => {
    // Above 1,024 m the float32 step (1.2e-4 m to 2,048 m, 9.8e-4 near 9,000 m) is larger than the old 1e-4 m allowance.
    for (const ground of [300.00003, 1500.00003, 2300.00003, 3650.00003, 8999.00003]) {
      const depth = 1.5;
      const axis = ground - depth - 0.1; // the pipe's top exactly at the dig's true bottom
      const screener = screenerOf([gasMain('main', [[-40, 0, axis, ground], [40, 0, axis, ground]])]);
      const r = screener.screen({ footprint: square(0, 0, 2), depth, groundElevation: null, ruleSetId: 'cn-gb50289' });
      expect(r.groundElevation, `ground ${ground}`).toBeLessThanOrEqual(ground);
      expect(r.lines[0]?.verdict, `ground ${ground}`).toBe('STRIKE');
      const works = screener.screenWorks({ works: [{ kind: 'open_cut', footprint: square(0, 0, 2), depth }], groundElevation: null, ruleSetId: 'cn-gb50289' });
      expect(works.lines[0]?.verdict, `works, ground ${ground}`).toBe('STRIKE');
    }
  });

  it('lowers a stored float32 ground below the surveyed value it came from', () => {
    for (const v of [0.3, -12.7, 1023.99999, 1024.00001, 2300.00003, 8999.99999, 1e-30]) {
      const stored = float32AtLeast(v);
      expect(float32Below(stored)).toBeLessThan(v);
      expect(float32Below(stored)).toBeLessThan(stored);
    }
  });

  it('asks for the ground when the only vertices are far away, though their segment passes under the dig', () => {
    // An 800 m straight main whose vertices are 400 m away each side: the ground between them is unknown.
    const far = screenerOf([gasMain('long', [[-400, 0, 190, 200], [400, 0, 190, 200]])]);
    let error: unknown;
    try {
      far.screen({ footprint: square(0, 0, 2), depth: 6, groundElevation: null, ruleSetId: 'cn-gb50289' });
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ExcavationError);
    expect((error as ExcavationError).field).toBe('groundElevation');
    expect(() => far.screenWorks({ works: [{ kind: 'open_cut', footprint: square(0, 0, 2), depth: 6 }], groundElevation: null, ruleSetId: 'cn-gb50289' }))
      .toThrow(/works\[0\].*no surveyed ground/);
    // Given, the same dig is screened; a vertex 30 m off gives the estimate again.
    expect(far.screen({ footprint: square(0, 0, 2), depth: 6, groundElevation: 195, ruleSetId: 'cn-gb50289' }).lines[0]?.verdict).toBe('STRIKE');
    const near = screenerOf([gasMain('long', [[-400, 0, 190, 200], [30, 0, 190, 196], [400, 0, 190, 200]])]);
    expect(near.screen({ footprint: square(0, 0, 2), depth: 6, groundElevation: null, ruleSetId: 'cn-gb50289' }).groundElevation).toBeCloseTo(196, 3);
  });
});

describe('a bore on sloping ground, the ground estimated', () => {
  it('is screened with its reamer widened by the ground range, past the limit on what a person asks for', () => {
    // Ground 10 m at one end, 16 m at the other: a 0.3 m reamer becomes a 6.3 m capsule (the limit on a request is 3 m).
    const screener = screenerOf([gasMain('main', [[-60, 0, 8, 10], [60, 0, 14, 16]])]);
    const path: [number, number, number][] = [[...fromLocal(-50, 3), 2], [...fromLocal(50, 3), 2]];
    const r = screener.screenWorks({ works: [{ kind: 'bore', path, reamerDiameter: 0.3 }], groundElevation: null, ruleSetId: 'cn-gb50289' });
    const work = r.works[0]!;
    // Vertices at mid-range (13 m) − 2 m, ± the widened radius 3.15 m.
    expect(work.topZ).toBeCloseTo(11 + 3.15, 3);
    expect(work.bottomZ).toBeCloseTo(11 - 3.15, 3);
    expect(r.lines.map((l) => [l.linkId, l.verdict])).toEqual([['main', 'STRIKE']]);
    // Ground ranging over more than MAX_BORE_GROUND_RANGE_M: asked for, not screened as a 25 m capsule.
    const steep = screenerOf([gasMain('main', [[-60, 0, 8, 10], [60, 0, 33, 35]])]);
    expect(() => steep.screenWorks({ works: [{ kind: 'bore', path, reamerDiameter: 0.3 }], groundElevation: null, ruleSetId: 'cn-gb50289' }))
      .toThrow(/works\[0\]\.groundElevation: the ground around the bore ranges from .* more than MAX_BORE_GROUND_RANGE_M/);
    // What the person asks for is still held to the limit, naming their field.
    expect(() => screener.screenWorks({ works: [{ kind: 'bore', path, reamerDiameter: 3.5 }], groundElevation: null, ruleSetId: 'cn-gb50289' }))
      .toThrow(/works\[0\]\.reamerDiameter/);
  });
});

describe('the local frame far from its meridian', () => {
  // GRS80: a 5 m step along a parallel is Δλ = d / (N cos φ) to ~1e-12 m, N the prime vertical radius.
  const A = 6378137, E2 = 0.00669438002290;
  const lat = 23.1, phi = (lat * Math.PI) / 180;
  const N = A / Math.sqrt(1 - E2 * Math.sin(phi) ** 2);
  const degreesWest = (metres: number): number => (metres / (N * Math.cos(phi))) * (180 / Math.PI);

  /** A gas main along the meridian `lon` (±110 m) and a 1 m pile due west of it, `outside` metres (true) from its outside. */
  function pileWest(lon: number, outside: number) {
    const { toLocal } = lonLatTransform(FRAME);
    const [x0, y0] = toLocal(lon, lat - 0.001), [x1, y1] = toLocal(lon, lat + 0.001);
    const screener = screenerOf([gasMain('main', [[x0, y0, 8.5, 10], [x1, y1, 8.5, 10]])]);
    const pile: [number, number] = [lon - degreesWest(outside + 0.5 + 0.1), lat];
    return screener.screenWorks({ works: [{ kind: 'piles', points: [pile], diameter: 1, depth: 3 }], groundElevation: 10, ruleSetId: 'cn-gb50289' });
  }

  it('lists a line truly inside the notify distance 10 km east of the meridian, where frame distances read long', () => {
    // Notify 5 m; the frame's scale there is about 1 + 1.3e-6, so 4.999998 m true reads 5.0000044 m.
    const r = pileWest(113.4, 5 - 2e-6);
    expect(r.lines.map((l) => [l.linkId, l.verdict])).toEqual([['main', 'NEAR']]);
    expect(r.lines[0]!.clearanceSource).toMatch(/local frame's scale/);
    // Near the meridian nothing is scaled.
    const home = pileWest(113.3001, 5 - 2e-6);
    expect(home.lines.map((l) => l.verdict)).toEqual(['NEAR']);
    expect(home.lines[0]!.clearanceSource).not.toMatch(/scale/);
  });

  it('does not widen the notify distance by more than the scale: a line 20 µm outside it is not listed', () => {
    expect(pileWest(113.4, 5 + 2e-5).lines).toEqual([]);
    expect(pileWest(113.3001, 5 + 2e-5).lines).toEqual([]);
  });
});
