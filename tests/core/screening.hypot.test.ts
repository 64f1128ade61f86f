/**
 * segmentSegment.ts `hypot2`: Math.hypot(x, y) written out so that V8 inlines it (the builtin boxes
 * its arguments and result). The kernels' plan distances, rim searches and trench volumes moved to
 * it without a bit of their output changing, which holds exactly when the two agree on every pair:
 * special values, every magnitude, random bit patterns.
 */
import { describe, expect, it } from 'vitest';
import { hypot2 } from '../../src/core/screening/segmentSegment';
import { mulberry32 } from '../../bench/stats';

const SPECIALS = [
  0, -0, 1, -1, 3, 4, 0.1, 0.2, Infinity, -Infinity, NaN, Number.MIN_VALUE, 2.2250738585072014e-308, 1e-310,
  1e-300, 1e-160, 1e160, 1e300, Number.MAX_VALUE, 1e-9, 2e3, 3e6,
];

function disagreement(x: number, y: number): string | null {
  const a = hypot2(x, y), b = Math.hypot(x, y);
  return Object.is(a, b) ? null : `hypot2(${x}, ${y}) = ${a}, Math.hypot = ${b}`;
}

describe('hypot2', () => {
  it('agrees with Math.hypot on every pair of special values, both orders and signs', () => {
    for (const x of SPECIALS) for (const y of SPECIALS) expect(disagreement(x, y)).toBeNull();
  });

  it('agrees with Math.hypot bit for bit over every magnitude and over random bit patterns', () => {
    const rng = mulberry32(0x4e907);
    const bits = new Float64Array(1), words = new Uint32Array(bits.buffer);
    const word = (): number => Math.floor(rng() * 2 ** 32);
    let checked = 0;
    for (let i = 0; i < 200_000; i++) {
      // Coordinates as the kernels see them: up to 1e7 m, down to 1e-12 m, often of unlike size.
      const x = (rng() - 0.5) * 10 ** (Math.floor(rng() * 40) - 20), y = (rng() - 0.5) * 10 ** (Math.floor(rng() * 40) - 20);
      const problem = disagreement(x, y) ?? disagreement(x, x * (1 + rng() * 1e-9));
      if (problem) expect.fail(problem);
      words[0] = word(); words[1] = word();
      const u = bits[0]!;
      words[0] = word(); words[1] = word();
      const v = bits[0]!;
      const other = disagreement(u, v);
      if (other) expect.fail(other);
      checked += 3;
    }
    expect(checked).toBe(600_000);
  });

  it('is within 4 ulp of √(x² + y²) (itself rounded) where the squares neither overflow nor underflow', () => {
    const rng = mulberry32(0xa11);
    for (let i = 0; i < 100_000; i++) {
      const x = (rng() - 0.5) * 10 ** (Math.floor(rng() * 12) - 4), y = (rng() - 0.5) * 10 ** (Math.floor(rng() * 12) - 4);
      const exact = Math.sqrt(x * x + y * y), h = hypot2(x, y);
      expect(Math.abs(h - exact)).toBeLessThanOrEqual(4 * Number.EPSILON * exact);
    }
  });
});
