/**
 * The trench corridor: a centre line in plan, a width, and the trench bottom's elevation at each
 * centre-line vertex (a bottom sloping between them, as a sewer or a drain is laid to fall), up to
 * topZ. What volume is screened for it is in volume.ts (`trenchPieces`). Local frame, metres.
 */
import { firstPolylineContact } from './polygon';
import { hypot2 } from './segmentSegment';
import {
  arrayAt, checkExtent, ExcavationError, finiteAt, finiteNumber, fmt, MAX_EXCAVATION_DEPTH_M, numberIn, objectAt, readTuples,
} from './validation';

/** Narrowest trench: micro-trenches for fibre are 20–30 mm wide. */
export const MIN_TRENCH_WIDTH_M = 0.02;
/** Wider than this is an open cut, not a trench. */
export const MAX_TRENCH_WIDTH_M = 50;
/** A centre line shorter than this in all is not a trench (a pit is an open cut). */
export const MIN_TRENCH_LENGTH_M = 0.01;
/**
 * Consecutive centre-line vertices closer than this (and not equal: those are merged) are refused.
 * Below it a leg's box walls cannot be built reliably (at ~1e-16 m near the origin their normals
 * came out of zero length; below ~1e-154 m their squares underflow): review 9.
 */
export const MIN_TRENCH_LEG_M = 1e-6;
/**
 * The steepest a trench bottom may fall or rise along a leg (metres per metre of plan length). A leg's
 * box is built from its corners, each rounded to its coordinates' last bit; the bottom plane turns that
 * rounding into a height error of this slope times it (review 10: 1 m over 2 µm at x = 3e6 put a
 * corner's bottom 0.08 m off, and 1 m over 1 µm put one above the top, throwing from the prism). At
 * 100 the error stays under 1e-6 m for coordinates up to 1e7 m. A steeper fall is a step, which the
 * model has no shape for: dig the leg to the deeper bottom at both ends, or spread the fall over a longer leg.
 */
export const MAX_TRENCH_BOTTOM_SLOPE = 100;
/**
 * The shallowest a trench may be at any centre-line vertex. Below it the rounding above (under 1e-6 m)
 * could put a corner's bottom above the top; a dig a centimetre deep is not a trench.
 */
export const MIN_TRENCH_DEPTH_M = 0.01;
/** Contact is checked by a sweep over segments; a surveyed centre line never needs more vertices. */
export const MAX_CENTRELINE_VERTICES = 4096;

export interface Trench {
  kind: 'trench';
  /** Centre line, local x, y (m), at least 2 distinct vertices; it may not meet itself. */
  centreline: [number, number][];
  /** Full width, square to the centre line, m. */
  width: number;
  /** Elevation of the trench bottom at each centre-line vertex, m; linear between vertices. */
  bottomZ: number[];
  /** Elevation of the top of the trench (usually ground), m. */
  topZ: number;
}

/**
 * Checks and normalises a trench: consecutive repeated vertices are merged, keeping the deeper
 * bottom of the two (a vertical step in the bottom is dug to its foot). The input is not mutated.
 */
export function validateTrench(input: unknown): Trench {
  const o = objectAt(input, 'excavation', 'an object');
  if (o.kind !== 'trench') throw new ExcavationError('kind', `expected 'trench', got ${fmt(o.kind)}`);
  const topZ = finiteNumber(o.topZ, 'topZ');
  const width = numberIn(o.width, 'width', MIN_TRENCH_WIDTH_M, 'MIN_TRENCH_WIDTH_M', MAX_TRENCH_WIDTH_M, 'MAX_TRENCH_WIDTH_M');
  const points = readTuples(o.centreline, 'centreline', 2, MAX_CENTRELINE_VERTICES, 'MAX_CENTRELINE_VERTICES');
  const bottoms = arrayAt(o.bottomZ, 'bottomZ', 'an array of elevations, one per centre-line vertex', MAX_CENTRELINE_VERTICES, 'MAX_CENTRELINE_VERTICES');
  if (bottoms.length !== points.length) {
    throw new ExcavationError('bottomZ', `${bottoms.length} elevations for ${points.length} centre-line vertices; give one per vertex`);
  }
  const centreline: [number, number][] = [];
  const bottomZ: number[] = [];
  /** For each kept vertex, the input index whose bottom it keeps (for a refusal's field name). */
  const bottomAt: number[] = [];
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const b = finiteAt(bottoms[i], 'bottomZ', i, '');
    if (!(b < topZ)) throw new ExcavationError(`bottomZ[${i}]`, `bottomZ (${fmt(b)} m) must be below topZ (${fmt(topZ)} m)`);
    if (!(topZ - b >= MIN_TRENCH_DEPTH_M)) {
      throw new ExcavationError(`bottomZ[${i}]`, `the trench is ${fmt(topZ - b)} m deep here; the minimum is MIN_TRENCH_DEPTH_M = ${MIN_TRENCH_DEPTH_M} m`);
    }
    if (topZ - b > MAX_EXCAVATION_DEPTH_M) {
      throw new ExcavationError(`bottomZ[${i}]`, `the trench is ${fmt(topZ - b)} m deep here; the limit is MAX_EXCAVATION_DEPTH_M = ${MAX_EXCAVATION_DEPTH_M} m`);
    }
    const x = points[i]![0]!, y = points[i]![1]!;
    const last = centreline[centreline.length - 1];
    if (last && last[0] === x && last[1] === y) {
      if (b < bottomZ[bottomZ.length - 1]!) { bottomZ[bottomZ.length - 1] = b; bottomAt[bottomAt.length - 1] = i; }
      continue;
    }
    if (last) {
      // Squares, not hypot: an underflow only makes the leg read shorter, so it is refused too.
      const dx = x - last[0], dy = y - last[1];
      if (dx * dx + dy * dy < MIN_TRENCH_LEG_M * MIN_TRENCH_LEG_M) {
        throw new ExcavationError(`centreline[${i}]`,
          `this vertex is ${fmt(hypot2(dx, dy))} m from the one before; repeat it exactly or move it at least MIN_TRENCH_LEG_M = ${MIN_TRENCH_LEG_M} m away`);
      }
    }
    // readTuples' [x, y] is fresh: kept rather than copied again.
    centreline.push(points[i] as [number, number]);
    bottomZ.push(b);
    bottomAt.push(i);
    xs.push(x); ys.push(y);
  }
  // After repeated vertices are merged (a merge can deepen a vertex and so steepen its legs); the
  // legs' lengths summed on the way for the minimum length, checked after the extent.
  let length = 0;
  for (let k = 1; k < centreline.length; k++) {
    const fall = Math.abs(bottomZ[k]! - bottomZ[k - 1]!);
    const leg = hypot2(centreline[k]![0] - centreline[k - 1]![0], centreline[k]![1] - centreline[k - 1]![1]);
    length += leg;
    if (fall > MAX_TRENCH_BOTTOM_SLOPE * leg) {
      const i = bottomZ[k]! < bottomZ[k - 1]! ? bottomAt[k]! : bottomAt[k - 1]!;
      throw new ExcavationError(`bottomZ[${i}]`,
        `the bottom changes by ${fmt(fall)} m over a ${fmt(leg)} m leg, steeper than MAX_TRENCH_BOTTOM_SLOPE = ${MAX_TRENCH_BOTTOM_SLOPE} m per m; ` +
        'for a step, dig the leg to the deeper bottom at both ends or spread the fall over a longer leg');
    }
  }
  if (centreline.length < 2) throw new ExcavationError('centreline', `${centreline.length} distinct vertices; a trench needs at least 2`);
  checkExtent(xs, ys, 'centreline', 'centre line');
  if (!(length >= MIN_TRENCH_LENGTH_M)) {
    throw new ExcavationError('centreline', `the centre line is ${fmt(length)} m long; the minimum is MIN_TRENCH_LENGTH_M = ${MIN_TRENCH_LENGTH_M} m`);
  }
  const contact = firstPolylineContact(centreline, centreline[0]![0], centreline[0]![1]);
  if (contact) {
    const seg = (k: number): string => `${k} ${fmt(centreline[k])}→${fmt(centreline[k + 1])}`;
    const ring = centreline[0]![0] === centreline[centreline.length - 1]![0] && centreline[0]![1] === centreline[centreline.length - 1]![1];
    throw new ExcavationError('centreline', `the centre line meets itself: segments ${seg(contact[0])} and ${seg(contact[1])} meet` +
      (ring ? ' (a trench round a closed loop is an open cut with a hole)' : ''));
  }
  return { kind: 'trench', centreline, width, bottomZ, topZ };
}
