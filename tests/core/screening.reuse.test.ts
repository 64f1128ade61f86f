/**
 * A screening reuses storage from one call to the next (screen.ts): an open cut is validated into
 * flat rings (openCut.ts) and its prism, piece and volume are overwritten in place (volume.ts
 * `screenedVolume(…, true)`, prism.ts `preparePrismAt(…, into)`). Whatever came before, a cut must
 * get the prism preparePrism gives its validated copy, and the same screening.
 */
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import { preparePrism } from '../../src/core/screening/distance';
import { validateOpenCut, type OpenCut } from '../../src/core/screening/excavation';
import { openCutPrism } from '../../src/core/screening/openCut';
import { validateScreeningRules } from '../../src/core/screening/rules';
import { screenExcavation } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';
import { screenedVolume } from '../../src/core/screening/volume';
import { mulberry32 } from '../../bench/stats';
import { AREA_PER_SEGMENT_M2, network } from '../../bench/syntheticNetwork';

const RULES = validateScreeningRules(rulesJson);
const SEGMENTS = 20_000;
const SIDE = Math.sqrt(SEGMENTS * AREA_PER_SEGMENT_M2);
const TABLE = buildSegmentTable(network(mulberry32(0x2e05e), SEGMENTS, SIDE));
const INDEX = buildSegmentIndex(TABLE);

/** Star-shaped cuts of 3–40 vertices (simple), most of 8+ with square holes, now and then given closed or with a repeated vertex. */
function cuts(count: number): OpenCut[] {
  const rng = mulberry32(0x2e05);
  return Array.from({ length: count }, () => {
    const cx = 100 + rng() * (SIDE - 200), cy = 100 + rng() * (SIDE - 200), r = 3 + rng() * 40;
    const n = 3 + Math.floor(rng() * 38), a0 = rng() * 2 * Math.PI;
    const footprint = Array.from({ length: n }, (_, i) => {
      const a = a0 + (2 * Math.PI * i) / n, rr = r * (0.5 + rng() / 2);
      return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)] as [number, number];
    });
    if (rng() < 0.2) footprint.push(footprint[0]!);
    if (rng() < 0.2) footprint.splice(1, 0, footprint[1]!);
    const cut: OpenCut = { kind: 'open_cut', footprint, bottomZ: -1 - rng() * 6, topZ: 0 };
    // Holes within r/3 of the centre: inside every footprint of 8+ vertices (inradius ≥ r/2 · cos(π/8)).
    if (n >= 8 && rng() < 0.6) {
      const h = r * 0.08;
      cut.holes = Array.from({ length: 1 + Math.floor(rng() * 3) }, (_, k) => {
        const x = cx + (k - 1) * r * 0.25;
        return [[x - h, cy - h], [x + h, cy - h], [x + h, cy + h], [x - h, cy + h]];
      });
    }
    return cut;
  });
}

describe('storage reused between screenings', () => {
  const CUTS = cuts(300);

  it('prepares into a used prism exactly the prism of the validated cut', () => {
    let into = openCutPrism(CUTS[0]!);
    for (const cut of CUTS) {
      const v = validateOpenCut(cut);
      into = openCutPrism(cut, into);
      expect(into).toEqual(preparePrism(v.footprint, v.bottomZ, v.topZ, v.holes ?? []));
      // Cut to length: a smaller cut after a larger one leaves nothing of it behind.
      expect(into.xs.length).toBe(into.vertexCount);
      expect(into.invEdgeLength.length).toBe(into.vertexCount);
    }
  });

  it('gives the reused volume the bounds and prism of a fresh one', () => {
    for (const cut of CUTS) {
      const reused = screenedVolume(cut, true), fresh = screenedVolume(cut);
      expect(reused).toEqual(fresh);
    }
  });

  it('screens a cut the same whatever was screened before it (in order, reversed, after a refusal)', () => {
    const forward = CUTS.map((c) => screenExcavation(TABLE, INDEX, c, RULES));
    expect(forward.reduce((n, r) => n + r.lines.length, 0)).toBeGreaterThan(300);
    const backward = [...CUTS].reverse().map((c) => screenExcavation(TABLE, INDEX, c, RULES)).reverse();
    expect(backward).toEqual(forward);
    for (let i = 0; i < CUTS.length; i += 7) {
      // A refusal part-way through reading a larger cut's rings leaves the next screening unchanged.
      const big = CUTS[(i + 1) % CUTS.length]!;
      expect(() => screenExcavation(TABLE, INDEX, { ...big, footprint: [...big.footprint, [NaN, 0]] }, RULES)).toThrow(/footprint/);
      expect(screenExcavation(TABLE, INDEX, CUTS[i]!, RULES)).toEqual(forward[i]);
    }
  });
});
