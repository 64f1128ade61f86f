/**
 * Seeded randomness for the sample city. Every decision draws from a stream keyed by what it decides
 * (`rngFor(seed, 'node', i, j)`), never from one shared sequence: the same street corner gets the same
 * jitter in the small, medium and large city, and the order in which the generator visits things
 * cannot change the city. Never Math.random.
 */

import { mulberry32, type Rng } from '../random';

export { mulberry32, type Rng };

/** murmur3's 32-bit finaliser: spreads one word over all bits. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashKey(seed: number, parts: readonly (number | string)[]): number {
  let h = fmix(seed ^ 0x9e3779b9);
  for (const p of parts) {
    if (typeof p === 'number') {
      h = fmix(h ^ Math.imul((p | 0) + 0x632be5ab, 0x27d4eb2f));
    } else {
      for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193);
      h = fmix(h);
    }
  }
  return h;
}

/** An independent stream for one decision, keyed by the seed and what is being decided. */
export function rngFor(seed: number, ...parts: (number | string)[]): Rng {
  return mulberry32(hashKey(seed, parts));
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** An integer in [lo, hi], both included. */
export function integer(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick: items is empty');
  return items[Math.floor(rng() * items.length)]!;
}

/** Picks by weight: `weighted(rng, [['A', 1], ['B', 3]])`. */
export function weighted<T>(rng: Rng, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let r = rng() * total;
  for (const [item, w] of table) {
    r -= w;
    if (r < 0) return item;
  }
  return table[table.length - 1]![0];
}
