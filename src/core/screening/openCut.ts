/**
 * The open cut: a polygon footprint, possibly with holes, dug from topZ down to bottomZ. Holes are
 * ground left standing inside the pit (the root ball of a tree, a column, a pier): not dug, so a line
 * through a hole that stays clear of the solid is not struck. Local frame, metres.
 */
import {
  allCollinear, firstRingContact, openRing, pointInRing, ringTwiceArea, SMALL_RING_VERTICES, smallRingIsSimple,
} from './polygon';
import {
  arrayAt, checkExtent, ExcavationError, finiteNumber, fmt, MAX_EXCAVATION_DEPTH_M, objectAt, readTuples, withFieldPrefix,
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

/** Reads one ring at `field`, refusing fewer than 3 distinct vertices. */
function readRing(v: unknown, field: string, what: string): Ring {
  if (!Array.isArray(v)) throw new ExcavationError(field, `expected an array of [x, y] pairs, got ${fmt(v)}`);
  // + 1: a closed ring repeats its first vertex.
  if (v.length > MAX_FOOTPRINT_VERTICES + 1) {
    throw new ExcavationError(field, `${v.length} vertices; the limit is MAX_FOOTPRINT_VERTICES = ${MAX_FOOTPRINT_VERTICES}`);
  }
  // readTuples' [x, y] arrays are fresh: the ring keeps them rather than copying them again.
  const ring = openRing(readTuples(v, field, 2, Infinity, '') as [number, number][]);
  const distinct = distinctUpTo3(ring);
  if (distinct < 3) throw new ExcavationError(field, `${distinct} distinct vertices; ${what} needs at least 3`);
  return ring;
}

/** Number of distinct vertices, counted up to 3 (all validation needs), without building keys. */
function distinctUpTo3(ring: Ring): number {
  if (ring.length === 0) return 0;
  const [ax, ay] = ring[0]!;
  let second = -1;
  for (let i = 1; i < ring.length; i++) {
    const [x, y] = ring[i]!;
    if (x === ax && y === ay) continue;
    if (second < 0) { second = i; continue; }
    const [bx, by] = ring[second]!;
    if (x !== bx || y !== by) return 3;
  }
  return second < 0 ? 1 : 2;
}

/** The field of ring r: 0 the footprint, 1 + h hole h. */
function ringName(r: number): string {
  return r === 0 ? 'footprint' : `holes[${r - 1}]`;
}

function describeEdge(ring: Ring, k: number): string {
  return `${k} ${fmt(ring[k])}→${fmt(ring[(k + 1) % ring.length])}`;
}

/** Checks and normalises an open cut: rings opened, consecutive repeated vertices dropped; the input is not mutated. */
export function validateOpenCut(input: unknown): OpenCut {
  if (typeof input !== 'object' || input === null) throw new ExcavationError('excavation', `expected an object, got ${fmt(input)}`);
  const o = input as Record<string, unknown>;
  if (o.kind !== 'open_cut') throw new ExcavationError('kind', `expected 'open_cut', got ${fmt(o.kind)}`);
  const bottomZ = finiteNumber(o.bottomZ, 'bottomZ');
  const topZ = finiteNumber(o.topZ, 'topZ');
  if (!(bottomZ < topZ)) throw new ExcavationError('bottomZ', `bottomZ (${fmt(bottomZ)} m) must be below topZ (${fmt(topZ)} m)`);
  if (topZ - bottomZ > MAX_EXCAVATION_DEPTH_M) {
    throw new ExcavationError('bottomZ', `the cut is ${fmt(topZ - bottomZ)} m deep; the limit is MAX_EXCAVATION_DEPTH_M = ${MAX_EXCAVATION_DEPTH_M} m`);
  }

  const ring = readRing(o.footprint, 'footprint', 'an open cut');
  const xs = new Array<number>(ring.length), ys = new Array<number>(ring.length);
  for (let i = 0; i < ring.length; i++) { xs[i] = ring[i]![0]; ys[i] = ring[i]![1]; }
  checkExtent(xs, ys, 'footprint', 'footprint');

  const holesIn = o.holes === undefined ? NO_RINGS : arrayAt(o.holes, 'holes', 'an array of rings', MAX_FOOTPRINT_VERTICES, 'MAX_FOOTPRINT_VERTICES');
  const holes: Ring[] = holesIn.length === 0 ? [] : holesIn.map((h, i) => readRing(h, `holes[${i}]`, 'a hole'));
  let total = ring.length;
  for (let h = 0; h < holes.length; h++) total += holes[h]!.length;
  if (total > MAX_FOOTPRINT_VERTICES) {
    throw new ExcavationError('holes', `the footprint and its holes have ${total} vertices; the limit is MAX_FOOTPRINT_VERTICES = ${MAX_FOOTPRINT_VERTICES}`);
  }

  // Relative to the first vertex, so that areas and orientations keep their precision far from the origin.
  const ox = ring[0]![0], oy = ring[0]![1];
  const rings = holes.length === 0 ? [ring] : [ring, ...holes];
  const twiceAreas = new Array<number>(rings.length);
  for (let r = 0; r < rings.length; r++) twiceAreas[r] = ringTwiceArea(rings[r]!, ox, oy);
  // All on one line: say "no area" rather than "intersects itself" (which such a ring also does).
  for (let r = 0; r < rings.length; r++) {
    if (twiceAreas[r] === 0 && allCollinear(rings[r]!)) throw new ExcavationError(ringName(r), 'area 0 m²: all vertices lie on one line');
  }
  // A small ring without holes is checked pair by pair; the sweep names the edges of a refusal.
  const simple = holes.length === 0 && ring.length <= SMALL_RING_VERTICES && smallRingIsSimple(ring, ox, oy);
  const contact = simple ? null : firstRingContact(rings, ox, oy);
  if (contact) {
    const { ringA, edgeA, ringB, edgeB } = contact;
    const a = rings[ringA]!, b = rings[ringB]!;
    if (ringA === ringB) {
      throw new ExcavationError(ringName(ringA), `the ring intersects itself: edges ${describeEdge(a, edgeA)} and ${describeEdge(b, edgeB)} meet`);
    }
    const what = ringA === 0 ? 'the footprint' : `hole ${ringA - 1}`;
    throw new ExcavationError(ringName(ringB), `hole ${ringB - 1} meets ${what}: edges ${describeEdge(a, edgeA)} and ${describeEdge(b, edgeB)} touch`);
  }
  for (let r = 0; r < rings.length; r++) {
    const rg = rings[r]!;
    const area = Math.abs(twiceAreas[r]!) / 2;
    if (!(area >= MIN_FOOTPRINT_AREA_M2)) {
      throw new ExcavationError(ringName(r), `area ${fmt(area)} m² is below MIN_FOOTPRINT_AREA_M2 = ${MIN_FOOTPRINT_AREA_M2} m²`);
    }
    // No ring touches another, so one vertex tells inside from outside for the whole ring.
    if (r > 0 && !pointInRing(ring, rg[0]![0], rg[0]![1])) {
      throw new ExcavationError(ringName(r), `hole ${r - 1} lies outside the footprint`);
    }
    for (let q = 1; q < r; q++) {
      if (pointInRing(rings[q]!, rg[0]![0], rg[0]![1]) || pointInRing(rg, rings[q]![0]![0], rings[q]![0]![1])) {
        throw new ExcavationError(ringName(r), `holes ${q - 1} and ${r - 1} overlap: one lies inside the other`);
      }
    }
  }
  let dug = Math.abs(twiceAreas[0]!) / 2;
  for (let h = 0; h < holes.length; h++) dug -= Math.abs(twiceAreas[h + 1]!) / 2;
  if (!(dug >= MIN_FOOTPRINT_AREA_M2)) {
    throw new ExcavationError('holes', `the holes leave ${fmt(dug)} m² to dig, below MIN_FOOTPRINT_AREA_M2 = ${MIN_FOOTPRINT_AREA_M2} m²`);
  }
  return holes.length > 0 ? { kind: 'open_cut', footprint: ring, holes, bottomZ, topZ } : { kind: 'open_cut', footprint: ring, bottomZ, topZ };
}

/** A pit that belongs to another work (a bore's entry or exit pit): errors name it, e.g. 'entryPit.footprint[2][0]'. */
export function validatePit(input: unknown, field: string): OpenCut {
  objectAt(input, field, 'an open cut');
  return withFieldPrefix(`${field}.`, () => validateOpenCut(input));
}
