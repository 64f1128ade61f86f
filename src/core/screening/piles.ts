/**
 * Piles and posts: bored or driven, each a vertical cylinder of `diameter` from `topZ` down `depth`.
 * One work holds a group of them (a foundation, a fence line, a row of sign posts). Screened as one
 * cylinder each (volume.ts, cylinder.ts). Local frame, metres.
 */
import {
  arrayAt, checkExtent, ExcavationError, finiteAt, fmt, MAX_EXCAVATION_DEPTH_M, numberInAt, objectAt,
} from './validation';

/** Thinnest pile or post: 20 mm (a ground anchor rod). */
export const MIN_PILE_DIAMETER_M = 0.02;
/** Widest pile: large bored piles and caissons reach about 3 m; twice that is a data-entry error. */
export const MAX_PILE_DIAMETER_M = 6;
/** Shallowest pile, m: anything that goes into the ground at all. */
export const MIN_PILE_DEPTH_M = 0.01;
/** Piles per work: a large foundation has hundreds; more is an upload error. */
export const MAX_PILES = 10_000;

export interface Pile {
  /** Centre, local x, y (m). */
  x: number;
  y: number;
  diameter: number;
  /** Elevation of the pile's top (usually ground), m. */
  topZ: number;
  /** Depth below topZ of the pile's toe, m. */
  depth: number;
}

export interface PileGroup {
  kind: 'piles';
  piles: Pile[];
}

/**
 * The group being checked, one number per pile in each (x, y, diameter, topZ, depth): module scratch
 * grown to the largest group seen, valid from one `checkPiles` to the next. `validatePiles` copies it
 * into Pile objects; volume.ts `screenedVolume` builds the cylinders from it directly.
 */
export const PILES = {
  count: 0,
  x: new Float64Array(64), y: new Float64Array(64), diameter: new Float64Array(64), topZ: new Float64Array(64), depth: new Float64Array(64),
};

function growPiles(n: number): void {
  if (n <= PILES.x.length) return;
  const size = Math.max(n, 2 * PILES.x.length);
  PILES.x = new Float64Array(size); PILES.y = new Float64Array(size); PILES.diameter = new Float64Array(size);
  PILES.topZ = new Float64Array(size); PILES.depth = new Float64Array(size);
}

/** Checks a pile group into PILES; every refusal names the field ('piles[4].diameter'). */
export function checkPiles(input: unknown): void {
  const o = objectAt(input, 'excavation', 'an object');
  if (o.kind !== 'piles') throw new ExcavationError('kind', `expected 'piles', got ${fmt(o.kind)}`);
  const list = arrayAt(o.piles, 'piles', 'an array of piles', MAX_PILES, 'MAX_PILES');
  if (list.length === 0) throw new ExcavationError('piles', 'no piles; a pile group needs at least 1');
  growPiles(list.length);
  PILES.count = 0;
  const { x, y, diameter, topZ, depth } = PILES;
  // Field names ('piles[4].diameter') are built only for a refusal; the checks run in the order of the fields.
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const p = typeof item === 'object' && item !== null && !Array.isArray(item)
      ? item as Record<string, unknown> : objectAt(item, `piles[${i}]`, 'a pile { x, y, diameter, topZ, depth }');
    x[i] = finiteAt(p.x, 'piles', i, '.x');
    y[i] = finiteAt(p.y, 'piles', i, '.y');
    diameter[i] = numberInAt(p.diameter, 'piles', i, '.diameter', MIN_PILE_DIAMETER_M, 'MIN_PILE_DIAMETER_M', MAX_PILE_DIAMETER_M, 'MAX_PILE_DIAMETER_M');
    topZ[i] = finiteAt(p.topZ, 'piles', i, '.topZ');
    depth[i] = numberInAt(p.depth, 'piles', i, '.depth', MIN_PILE_DEPTH_M, 'MIN_PILE_DEPTH_M', MAX_EXCAVATION_DEPTH_M, 'MAX_EXCAVATION_DEPTH_M');
  }
  checkExtent(x, y, 'piles', 'pile group', list.length);
  PILES.count = list.length;
}

/** Checks and normalises a pile group (a copy: the input is not mutated). Piles may overlap. */
export function validatePiles(input: unknown): PileGroup {
  checkPiles(input);
  const { count, x, y, diameter, topZ, depth } = PILES;
  const piles: Pile[] = [];
  for (let i = 0; i < count; i++) piles.push({ x: x[i]!, y: y[i]!, diameter: diameter[i]!, topZ: topZ[i]!, depth: depth[i]! });
  return { kind: 'piles', piles };
}
