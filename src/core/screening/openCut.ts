/**
 * The open cut: a polygon footprint, possibly with holes, dug from topZ down to bottomZ. Holes are
 * ground left standing inside the pit (the root ball of a tree, a column, a pier): not dug, so a line
 * through a hole that stays clear of the solid is not struck. Local frame, metres.
 */
import {
  allCollinearAt, firstRingContactAt, pointInRingAt, ringTwiceAreaAt, SMALL_RING_VERTICES, smallRingIsSimpleAt, type FlatRings,
} from './polygon';
import { preparePrismAt, type Prism } from './prism';
import {
  arrayAt, checkExtent, ExcavationError, finiteNumber, fmt, fmtBelow, MAX_EXCAVATION_DEPTH_M, objectAt, withFieldPrefix,
} from './validation';

/** A footprint smaller than 10 cm × 10 cm is not an open cut (piles are their own kind). */
export const MIN_FOOTPRINT_AREA_M2 = 0.01;
/** Contact is checked by a sweep over edges; a hand-drawn or surveyed pit never needs more vertices (all rings together). */
export const MAX_FOOTPRINT_VERTICES = 4096;

export interface OpenCut {
  kind: 'open_cut';
  /** Simple polygon, local x, y (m); the ring may be given closed or open, in either orientation. */
  footprint: [number, number][];
  /**
   * Interior rings, each a simple polygon strictly inside the footprint, touching neither it nor
   * another hole; closed or open, either orientation. Omitted or [] for a pit without holes.
   */
  holes?: [number, number][][];
  /** Elevation of the bottom of the cut, m. */
  bottomZ: number;
  /** Elevation of the top of the cut (usually ground), m. */
  topZ: number;
}

type Ring = [number, number][];
const NO_RINGS: readonly unknown[] = [];

/**
 * The rings of the cut being checked, flat (FlatRings): each ring open, consecutive repeated
 * vertices dropped. Module scratch grown to the largest cut seen (validation is synchronous and not
 * re-entered), so a valid cut allocates no [x, y] array per vertex; `validateOpenCut` copies them out,
 * `openCutPrism` prepares the prism from them. Valid from one `checkOpenCut` to the next.
 */
let cutXs = new Float64Array(64), cutYs = new Float64Array(64), cutStart = new Int32Array(8);
const CUT: FlatRings & { xs: Float64Array; ys: Float64Array; start: Int32Array; bottomZ: number; topZ: number } = {
  xs: cutXs, ys: cutYs, start: cutStart, ringCount: 0, bottomZ: 0, topZ: 0,
};
/** Twice each ring's signed area, per ring of CUT. */
let twiceAreas = new Float64Array(8);

function growCut(vertices: number, rings: number): void {
  if (vertices > cutXs.length) {
    const size = Math.max(vertices, 2 * cutXs.length);
    const x = new Float64Array(size); x.set(cutXs); cutXs = x;
    const y = new Float64Array(size); y.set(cutYs); cutYs = y;
    CUT.xs = cutXs; CUT.ys = cutYs;
  }
  if (rings + 1 > cutStart.length) {
    const size = Math.max(rings + 1, 2 * cutStart.length);
    const st = new Int32Array(size); st.set(cutStart); cutStart = st; CUT.start = cutStart;
    twiceAreas = new Float64Array(size);
  }
}

/**
 * Reads ring r (0 the footprint, 1 + h hole h) from `v` into CUT after the rings before it, as
 * readTuples then openRing would (the same refusals, in the same order: each vertex is checked as
 * it is read, and dropping a repeat never refuses), refusing fewer than 3 distinct vertices.
 */
function readRing(v: unknown, r: number, what: string): void {
  if (!Array.isArray(v)) throw new ExcavationError(ringName(r), `expected an array of [x, y] pairs, got ${fmt(v)}`);
  // + 1: a closed ring repeats its first vertex.
  if (v.length > MAX_FOOTPRINT_VERTICES + 1) {
    throw new ExcavationError(ringName(r), `${v.length} vertices; the limit is MAX_FOOTPRINT_VERTICES = ${MAX_FOOTPRINT_VERTICES}`);
  }
  const first = cutStart[r]!;
  growCut(first + v.length, r + 1);
  const xs = cutXs, ys = cutYs;
  let end = first;
  for (let i = 0; i < v.length; i++) {
    const p: unknown = v[i];
    if (!Array.isArray(p) || p.length !== 2) throw new ExcavationError(`${ringName(r)}[${i}]`, `expected [x, y], got ${fmt(p)}`);
    const x = coordinateOf(p[0], r, i, 0), y = coordinateOf(p[1], r, i, 1);
    if (end > first && xs[end - 1] === x && ys[end - 1] === y) continue;
    xs[end] = x; ys[end] = y; end++;
  }
  while (end - first > 1 && xs[first] === xs[end - 1] && ys[first] === ys[end - 1]) end--;
  cutStart[r + 1] = end;
  const distinct = distinctUpTo3(first, end);
  if (distinct < 3) throw new ExcavationError(ringName(r), `${distinct} distinct vertices; ${what} needs at least 3`);
}

/** Axis k of vertex i of ring r as a finite number; the field's name is built only for a refusal. */
function coordinateOf(c: unknown, r: number, i: number, k: number): number {
  return typeof c === 'number' && Number.isFinite(c) ? c : finiteNumber(c, `${ringName(r)}[${i}][${k}]`);
}

/** Number of distinct vertices of CUT's [first, end), counted up to 3 (all validation needs), without building keys. */
function distinctUpTo3(first: number, end: number): number {
  if (end === first) return 0;
  const xs = cutXs, ys = cutYs;
  const ax = xs[first]!, ay = ys[first]!;
  let second = -1;
  for (let i = first + 1; i < end; i++) {
    const x = xs[i]!, y = ys[i]!;
    if (x === ax && y === ay) continue;
    if (second < 0) { second = i; continue; }
    if (x !== xs[second] || y !== ys[second]) return 3;
  }
  return second < 0 ? 1 : 2;
}

/** The field of ring r: 0 the footprint, 1 + h hole h. */
function ringName(r: number): string {
  return r === 0 ? 'footprint' : `holes[${r - 1}]`;
}

/** Edge k of ring r as a refusal quotes it: '2 [4,0]→[4,3]'. */
function describeEdge(r: number, k: number): string {
  const s = cutStart[r]!, n = cutStart[r + 1]! - s, k1 = (k + 1) % n;
  return `${k} ${fmt([cutXs[s + k], cutYs[s + k]])}→${fmt([cutXs[s + k1], cutYs[s + k1]])}`;
}

/**
 * Checks an open cut, leaving its rings in CUT (see there) and its z range in CUT.bottomZ/topZ: what
 * validateOpenCut returns a copy of and openCutPrism prepares. Every refusal names the field.
 */
function checkOpenCut(input: unknown): void {
  if (typeof input !== 'object' || input === null) throw new ExcavationError('excavation', `expected an object, got ${fmt(input)}`);
  const o = input as Record<string, unknown>;
  if (o.kind !== 'open_cut') throw new ExcavationError('kind', `expected 'open_cut', got ${fmt(o.kind)}`);
  const bottomZ = finiteNumber(o.bottomZ, 'bottomZ');
  const topZ = finiteNumber(o.topZ, 'topZ');
  if (!(bottomZ < topZ)) throw new ExcavationError('bottomZ', `bottomZ (${fmt(bottomZ)} m) must be below topZ (${fmt(topZ)} m)`);
  if (topZ - bottomZ > MAX_EXCAVATION_DEPTH_M) {
    throw new ExcavationError('bottomZ', `the cut is ${fmt(topZ - bottomZ)} m deep; the limit is MAX_EXCAVATION_DEPTH_M = ${MAX_EXCAVATION_DEPTH_M} m`);
  }
  CUT.bottomZ = bottomZ; CUT.topZ = topZ; CUT.ringCount = 0;

  cutStart[0] = 0;
  readRing(o.footprint, 0, 'an open cut');
  const n0 = cutStart[1]!;
  checkExtent(cutXs, cutYs, 'footprint', 'footprint', n0);

  const holesIn = o.holes === undefined ? NO_RINGS : arrayAt(o.holes, 'holes', 'an array of rings', MAX_FOOTPRINT_VERTICES, 'MAX_FOOTPRINT_VERTICES');
  for (let h = 0; h < holesIn.length; h++) readRing(holesIn[h], h + 1, 'a hole');
  const ringCount = 1 + holesIn.length;
  const total = cutStart[ringCount]!;
  if (total > MAX_FOOTPRINT_VERTICES) {
    throw new ExcavationError('holes', `the footprint and its holes have ${total} vertices; the limit is MAX_FOOTPRINT_VERTICES = ${MAX_FOOTPRINT_VERTICES}`);
  }
  CUT.ringCount = ringCount;
  const xs = cutXs, ys = cutYs, start = cutStart;

  // Relative to the first vertex, so that areas and orientations keep their precision far from the origin.
  const ox = xs[0]!, oy = ys[0]!;
  for (let r = 0; r < ringCount; r++) twiceAreas[r] = ringTwiceAreaAt(xs, ys, start[r]!, start[r + 1]!, ox, oy);
  // All on one line: say "no area" rather than "intersects itself" (which such a ring also does).
  for (let r = 0; r < ringCount; r++) {
    if (twiceAreas[r] === 0 && allCollinearAt(xs, ys, start[r]!, start[r + 1]!)) throw new ExcavationError(ringName(r), 'area 0 m²: all vertices lie on one line');
  }
  // A small ring without holes is checked pair by pair; the sweep names the edges of a refusal.
  const simple = ringCount === 1 && n0 <= SMALL_RING_VERTICES && smallRingIsSimpleAt(xs, ys, 0, n0, ox, oy);
  const contact = simple ? null : firstRingContactAt(CUT, ox, oy);
  if (contact) {
    const { ringA, edgeA, ringB, edgeB } = contact;
    if (ringA === ringB) {
      throw new ExcavationError(ringName(ringA), `the ring intersects itself: edges ${describeEdge(ringA, edgeA)} and ${describeEdge(ringB, edgeB)} meet`);
    }
    const what = ringA === 0 ? 'the footprint' : `hole ${ringA - 1}`;
    throw new ExcavationError(ringName(ringB), `hole ${ringB - 1} meets ${what}: edges ${describeEdge(ringA, edgeA)} and ${describeEdge(ringB, edgeB)} touch`);
  }
  for (let r = 0; r < ringCount; r++) {
    const area = Math.abs(twiceAreas[r]!) / 2;
    if (!(area >= MIN_FOOTPRINT_AREA_M2)) {
      throw new ExcavationError(ringName(r), `area ${fmtBelow(area, MIN_FOOTPRINT_AREA_M2)} m² is below MIN_FOOTPRINT_AREA_M2 = ${MIN_FOOTPRINT_AREA_M2} m²`);
    }
    // No ring touches another, so one vertex tells inside from outside for the whole ring.
    const vx = xs[start[r]!]!, vy = ys[start[r]!]!;
    if (r > 0 && !pointInRingAt(xs, ys, 0, n0, vx, vy)) {
      throw new ExcavationError(ringName(r), `hole ${r - 1} lies outside the footprint`);
    }
    for (let q = 1; q < r; q++) {
      if (pointInRingAt(xs, ys, start[q]!, start[q + 1]!, vx, vy) ||
        pointInRingAt(xs, ys, start[r]!, start[r + 1]!, xs[start[q]!]!, ys[start[q]!]!)) {
        throw new ExcavationError(ringName(r), `holes ${q - 1} and ${r - 1} overlap: one lies inside the other`);
      }
    }
  }
  let dug = Math.abs(twiceAreas[0]!) / 2;
  for (let h = 1; h < ringCount; h++) dug -= Math.abs(twiceAreas[h]!) / 2;
  if (!(dug >= MIN_FOOTPRINT_AREA_M2)) {
    throw new ExcavationError('holes', `the holes leave ${fmtBelow(dug, MIN_FOOTPRINT_AREA_M2)} m² to dig, below MIN_FOOTPRINT_AREA_M2 = ${MIN_FOOTPRINT_AREA_M2} m²`);
  }
}

/** Ring r of CUT as fresh [x, y] tuples. */
function ringTuples(r: number): Ring {
  const ring: Ring = [];
  for (let v = cutStart[r]!; v < cutStart[r + 1]!; v++) ring.push([cutXs[v]!, cutYs[v]!]);
  return ring;
}

/** Checks and normalises an open cut: rings opened, consecutive repeated vertices dropped; the input is not mutated. */
export function validateOpenCut(input: unknown): OpenCut {
  checkOpenCut(input);
  const footprint = ringTuples(0), { bottomZ, topZ } = CUT;
  if (CUT.ringCount === 1) return { kind: 'open_cut', footprint, bottomZ, topZ };
  const holes: Ring[] = [];
  for (let r = 1; r < CUT.ringCount; r++) holes.push(ringTuples(r));
  return { kind: 'open_cut', footprint, holes, bottomZ, topZ };
}

/**
 * validateOpenCut's checks (the same refusals), then the cut's prism straight from the checked rings
 * (the same Prism as preparePrism of the validated cut): no validated copy is built. `into`: see
 * preparePrismAt.
 */
export function openCutPrism(input: unknown, into: Prism | null = null): Prism {
  checkOpenCut(input);
  return preparePrismAt(CUT, CUT.bottomZ, CUT.topZ, into);
}

/** A pit that belongs to another work (a bore's entry or exit pit): errors name it, e.g. 'entryPit.footprint[2][0]'. */
export function validatePit(input: unknown, field: string): OpenCut {
  objectAt(input, field, 'an open cut');
  return withFieldPrefix(`${field}.`, () => validateOpenCut(input));
}
