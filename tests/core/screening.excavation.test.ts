import { describe, expect, it } from 'vitest';
import {
  ExcavationError, MAX_EXCAVATION_DEPTH_M, MAX_EXCAVATION_EXTENT_M, MAX_FOOTPRINT_VERTICES,
  validateExcavation, validateOpenCut,
} from '../../src/core/screening/excavation';
import { firstRingContact, openRing, SMALL_RING_VERTICES, smallRingIsSimple } from '../../src/core/screening/polygon';
import { mulberry32 } from '../../src/core/random';

const SQUARE: [number, number][] = [[0, 0], [4, 0], [4, 3], [0, 3]];
const cut = (over: Record<string, unknown>): Record<string, unknown> => ({ kind: 'open_cut', footprint: SQUARE, bottomZ: -2, topZ: 0, ...over });

function refusal(input: unknown): ExcavationError {
  try {
    validateExcavation(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ExcavationError);
    expect(e).toBeInstanceOf(RangeError);
    return e as ExcavationError;
  }
  return expect.fail(`accepted ${JSON.stringify(input)}`);
}

describe('validateOpenCut', () => {
  it('checks a small ring pair by pair exactly as the sweep does (lattice rings: touching, folding, collinear)', () => {
    const rng = mulberry32(0x51a11);
    let simple = 0, meeting = 0;
    for (let i = 0; i < 20_000; i++) {
      // Vertices on a 4 × 4 lattice, offset far from the origin: contacts at vertices and along edges are common.
      const n = 3 + Math.floor(rng() * (SMALL_RING_VERTICES - 2));
      const points = Array.from({ length: n }, () => [5e5 + Math.floor(rng() * 4) * 0.5, 3e6 + Math.floor(rng() * 4) * 0.5] as [number, number]);
      const ring = openRing(points);
      if (new Set(ring.map((p) => p.join())).size < 3) continue;
      const [ox, oy] = ring[0]!;
      const sweep = firstRingContact([ring], ox, oy) === null;
      if (smallRingIsSimple(ring, ox, oy) !== sweep) expect.fail(`pairwise ${!sweep}, sweep ${sweep}: ${JSON.stringify(ring)}`);
      if (sweep) simple++; else meeting++;
    }
    // Both answers were exercised.
    expect(simple).toBeGreaterThan(100);
    expect(meeting).toBeGreaterThan(100);
  });

  it('accepts a ring given closed or open and returns it open', () => {
    const open = validateOpenCut(cut({}));
    const closed = validateOpenCut(cut({ footprint: [...SQUARE, [0, 0]] }));
    expect(open.footprint).toEqual(SQUARE);
    expect(closed.footprint).toEqual(SQUARE);
  });

  it('accepts either orientation and drops consecutive repeated vertices', () => {
    const cw = [...SQUARE].reverse();
    expect(validateOpenCut(cut({ footprint: cw })).footprint).toEqual(cw);
    const repeated = [[0, 0], [0, 0], [4, 0], [4, 3], [4, 3], [0, 3], [0, 0]];
    expect(validateOpenCut(cut({ footprint: repeated })).footprint).toEqual(SQUARE);
  });

  it('accepts concave footprints', () => {
    expect(() => validateOpenCut(cut({ footprint: [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]] }))).not.toThrow();
  });

  it('does not mutate its input', () => {
    const input = cut({ footprint: [[0, 0], [0, 0], [4, 0], [4, 3], [0, 3], [0, 0]] });
    const copy = structuredClone(input);
    validateOpenCut(input);
    expect(input).toEqual(copy);
  });

  it('refuses fewer than 3 distinct vertices, naming the footprint', () => {
    const e = refusal(cut({ footprint: [[0, 0], [1, 1], [0, 0], [1, 1]] }));
    expect(e.field).toBe('footprint');
    expect(e.message).toMatch(/at least 3/);
  });

  it('refuses a zero-area footprint', () => {
    expect(refusal(cut({ footprint: [[0, 0], [1, 1], [2, 2]] })).message).toMatch(/area 0 m²/);
  });

  it('refuses a near-zero-area sliver', () => {
    expect(refusal(cut({ footprint: [[0, 0], [10, 0], [10, 0.0005]] })).field).toBe('footprint');
  });

  it('refuses a self-intersecting (bow-tie) footprint and names the edges', () => {
    const e = refusal(cut({ footprint: [[0, 0], [2, 2], [2, 0], [0, 2]] }));
    expect(e.field).toBe('footprint');
    expect(e.message).toMatch(/intersects itself: edges 0 .* and 2 /);
  });

  it('refuses a ring that touches itself at a vertex', () => {
    expect(refusal(cut({ footprint: [[0, 0], [4, 0], [2, 2], [4, 4], [0, 4], [2, 2]] })).message).toMatch(/intersects itself/);
  });

  it('refuses a ring that doubles back along itself', () => {
    expect(refusal(cut({ footprint: [[0, 0], [4, 0], [2, 0], [2, 3]] })).message).toMatch(/intersects itself/);
  });

  it('refuses non-finite coordinates, naming the vertex and axis', () => {
    expect(refusal(cut({ footprint: [[0, 0], [4, NaN], [4, 3]] })).field).toBe('footprint[1][1]');
    expect(refusal(cut({ footprint: [[0, 0], [4, 0], [Infinity, 3]] })).field).toBe('footprint[2][0]');
    expect(refusal(cut({ footprint: [[0, 0], [4, 0], ['4', 3]] })).field).toBe('footprint[2][0]');
    expect(refusal(cut({ bottomZ: NaN })).field).toBe('bottomZ');
    expect(refusal(cut({ topZ: undefined })).field).toBe('topZ');
  });

  it('refuses a vertex that is not an [x, y] pair', () => {
    expect(refusal(cut({ footprint: [[0, 0], [4, 0, 1], [4, 3]] })).field).toBe('footprint[1]');
    expect(refusal(cut({ footprint: 'POLYGON((0 0, 1 0, 1 1))' })).field).toBe('footprint');
  });

  it('refuses a bottom at or above the top, quoting both', () => {
    const e = refusal(cut({ bottomZ: 0, topZ: 0 }));
    expect(e.field).toBe('bottomZ');
    expect(e.message).toMatch(/bottomZ \(0 m\) must be below topZ \(0 m\)/);
    expect(refusal(cut({ bottomZ: 1, topZ: 0 })).field).toBe('bottomZ');
  });

  it(`refuses a work more than MAX_EXCAVATION_EXTENT_M (${MAX_EXCAVATION_EXTENT_M} m) across`, () => {
    const e = refusal(cut({ footprint: [[0, 0], [2100, 0], [2100, 10], [0, 10]] }));
    expect(e.field).toBe('footprint');
    expect(e.message).toMatch(/2100\.0\d* m across/);
    // A diamond whose bbox diagonal (2687 m) exceeds the limit but whose width (1900 m) does not is measured by its vertices.
    expect(() => validateOpenCut(cut({ footprint: [[0, 950], [950, 0], [1900, 950], [950, 1900]] }))).not.toThrow();
    // 2000 m + 1.03e-13 m across (exactly, in fractions): the bbox diagonal's √ rounds to 2000 m, hypot to just over.
    expect(refusal(cut({ footprint: [[0, 0], [1034.1535912400477, 0], [1034.1535912400477, 1711.878018354495]] })).message).toMatch(/MAX_EXCAVATION_EXTENT_M/);
  });

  it(`refuses a cut deeper than MAX_EXCAVATION_DEPTH_M (${MAX_EXCAVATION_DEPTH_M} m)`, () => {
    expect(refusal(cut({ bottomZ: -600, topZ: 0 })).field).toBe('bottomZ');
  });

  it('refuses more than MAX_FOOTPRINT_VERTICES vertices', () => {
    const ring = Array.from({ length: MAX_FOOTPRINT_VERTICES + 10 }, (_, i) => {
      const a = (2 * Math.PI * i) / (MAX_FOOTPRINT_VERTICES + 10);
      return [10 * Math.cos(a), 10 * Math.sin(a)];
    });
    expect(refusal(cut({ footprint: ring })).message).toMatch(/MAX_FOOTPRINT_VERTICES/);
  });
});

describe('validateExcavation', () => {
  it('refuses an unknown kind and lists the known kinds', () => {
    const e = refusal({ kind: 'tunnel', footprint: SQUARE, bottomZ: -1, topZ: 0 });
    expect(e.field).toBe('kind');
    expect(e.message).toMatch(/known kinds: open_cut/);
  });

  it('refuses something that is not an object', () => {
    expect(refusal(null).field).toBe('kind');
    expect(refusal(42).field).toBe('kind');
  });
});
