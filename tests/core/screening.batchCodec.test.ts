import { describe, expect, it } from 'vitest';
import { packWorks, readSummary, SUMMARY_STRIDE, unpackWorks, writeSummary } from '../../src/core/screening/batchCodec';
import { validateExcavation, type Excavation } from '../../src/core/screening/excavation';

const cut = (x: number, y: number): Excavation =>
  ({ kind: 'open_cut', footprint: [[x, y], [x + 4, y], [x + 4, y + 3], [x, y + 3]], bottomZ: -2.5, topZ: 0.25 });

function refusal(w: unknown): string {
  try { validateExcavation(w); return 'accepted'; } catch (e) { return (e as Error).message; }
}

describe('batch codec', () => {
  it('gives back every work as sent: plain open cuts through the numbers, the rest as the same objects', () => {
    const trench: Excavation = { kind: 'trench', centreline: [[0, 0], [10, 0]], width: 0.6, bottomZ: [-1, -1.2], topZ: 0 };
    const holed: Excavation = { kind: 'open_cut', footprint: [[0, 0], [9, 0], [9, 9], [0, 9]], holes: [[[3, 3], [4, 3], [4, 4]]], bottomZ: -2, topZ: 0 };
    const extraKey = { ...cut(5, 5), note: 'kept as an object' } as unknown as Excavation;
    const works = [cut(1e5 + 0.1, 2e5 + 0.3), trench, holed, cut(-7, 8), extraKey];
    const packed = packWorks(works);
    expect(packed.objects).toEqual([trench, holed, extraKey]);
    const back = unpackWorks(packed);
    expect(back).toEqual(works);
    expect(back[1]).toBe(trench);
    expect(back.map((w) => validateExcavation(w))).toEqual(works.map((w) => validateExcavation(w)));
  });

  it('keeps bad numbers and bad shapes, so a refusal names the same field as before packing', () => {
    const bad = [
      { kind: 'open_cut', footprint: [[0, 0], [1, NaN], [1, 1]], bottomZ: -1, topZ: 0 },
      { kind: 'open_cut', footprint: [[0, 0], [1, 0], [1, 1]], bottomZ: 1, topZ: 0 },
      { kind: 'open_cut', footprint: [[0, 0], [1, 0, 3], [1, 1]], bottomZ: -1, topZ: 0 },
      { kind: 'open_cut', footprint: [[0, 0], [1, 1]], bottomZ: -1, topZ: 0 },
      { kind: 'open_cut', footprint: [[0, 0], [1, 0], [1, 1]], bottomZ: '-1', topZ: 0 },
      { kind: 'open_cut', footprint: [], bottomZ: -1, topZ: Infinity },
    ] as unknown as Excavation[];
    const back = unpackWorks(packWorks(bad));
    expect(back.map(refusal)).toEqual(bad.map(refusal));
    expect(back.map(refusal).every((m) => m !== 'accepted')).toBe(true);
  });

  it('carries summaries as numbers and fills the network-wide fields from the table', () => {
    const counts = new Float64Array(2 * SUMMARY_STRIDE);
    const s = { strike: 1, encroach: 2, near: 3, candidates: 40, segmentsTested: 12, segmentsInNetwork: 99, unscreenableLinkIds: ['L9'], skippedNonFiniteSegments: 2 };
    writeSummary(counts, 1, s);
    expect(readSummary(counts, 1, { segmentCount: 99, unscreenableLinkIds: ['L9'], skippedNonFinite: 2 })).toEqual(s);
  });
});
