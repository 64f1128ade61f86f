/**
 * Seeded randomness for generators, tests and benchmarks: the same seed gives the same sequence on
 * every machine. Never Math.random where a result must be reproducible.
 */

export type Rng = () => number;

/** mulberry32 (Tommy Ettinger's public-domain 32-bit generator, as flatbush's bench uses): [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
