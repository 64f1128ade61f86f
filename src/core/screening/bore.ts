/**
 * The bore path of horizontal directional drilling (HDD): a 3D polyline (the drilled path, each
 * vertex with its own elevation) reamed out to `reamerDiameter`, with optional entry and exit pits
 * (open cuts where the rig sets in and the pipe is pulled back). Screened as a chain of capsules plus
 * the pits (volume.ts). Local frame, metres.
 */
import { validatePit, type OpenCut } from './openCut';
import { segSegDist2 } from './segmentSegment';
import {
  checkExtent, ExcavationError, fmt, MAX_EXCAVATION_DEPTH_M, numberIn, objectAt, readTuples,
} from './validation';

/** Smallest reamer: a pilot bore is 25 mm and up. */
export const MIN_REAMER_DIAMETER_M = 0.025;
/** Largest reamer: maxi-rig back-reamers reach about 1.5 m; twice that is a data-entry error. */
export const MAX_REAMER_DIAMETER_M = 3;
/**
 * Widest ground range a bore given by depths below ground is screened against (digWorks.ts widens its
 * reamer by the range, so the capsule holds the bore at any ground in it); wider, the person is asked
 * for the ground. The kernel's own check allows MAX_REAMER_DIAMETER_M + this.
 */
export const MAX_BORE_GROUND_RANGE_M = 20;
/** Self-contact is checked pairwise; a drilling plan lists tens of stations, not thousands. */
export const MAX_BORE_VERTICES = 1024;
/** A path shorter than this in all is not a bore (a hole that size is a pile or a pit). */
export const MIN_BORE_LENGTH_M = 0.01;

export interface BorePath {
  kind: 'bore';
  /** Drilled path, local x, y (m) and elevation z (m) per vertex, at least 2 distinct vertices. */
  path: [number, number, number][];
  /** Diameter of the final reamer (the hole), m. */
  reamerDiameter: number;
  /** Open cut where the drill enters, if any. */
  entryPit?: OpenCut;
  /** Open cut where the drill exits (and the pipe is pulled back from), if any. */
  exitPit?: OpenCut;
}

/** Checks and normalises a bore: consecutive repeated vertices are dropped. The input is not mutated. */
export function validateBore(input: unknown): BorePath {
  const o = objectAt(input, 'excavation', 'an object');
  if (o.kind !== 'bore') throw new ExcavationError('kind', `expected 'bore', got ${fmt(o.kind)}`);
  const reamerDiameter = numberIn(o.reamerDiameter, 'reamerDiameter', MIN_REAMER_DIAMETER_M, 'MIN_REAMER_DIAMETER_M',
    MAX_REAMER_DIAMETER_M + MAX_BORE_GROUND_RANGE_M, 'MAX_REAMER_DIAMETER_M + MAX_BORE_GROUND_RANGE_M');
  const points = readTuples(o.path, 'path', 3, MAX_BORE_VERTICES, 'MAX_BORE_VERTICES');
  // readTuples' [x, y, z] are fresh: kept rather than copied again.
  const path: [number, number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as [number, number, number];
    const last = path[path.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1] && last[2] === p[2]) continue;
    path.push(p);
  }
  if (path.length < 2) throw new ExcavationError('path', `${path.length} distinct vertices; a bore needs at least 2`);
  const xs = new Array<number>(path.length), ys = new Array<number>(path.length);
  let length = 0, lowZ = Infinity, highZ = -Infinity;
  for (let i = 0; i < path.length; i++) {
    const [x, y, z] = path[i]!;
    xs[i] = x; ys[i] = y;
    if (z < lowZ) lowZ = z;
    if (z > highZ) highZ = z;
    if (i > 0) {
      const [x0, y0, z0] = path[i - 1]!;
      length += Math.sqrt((x - x0) * (x - x0) + (y - y0) * (y - y0) + (z - z0) * (z - z0)); // not Math.hypot: several times slower in V8
    }
  }
  checkExtent(xs, ys, 'path', 'bore path');
  if (!(length >= MIN_BORE_LENGTH_M)) {
    throw new ExcavationError('path', `the bore path is ${fmt(length)} m long; the minimum is MIN_BORE_LENGTH_M = ${MIN_BORE_LENGTH_M} m`);
  }
  const rise = highZ - lowZ;
  if (rise > MAX_EXCAVATION_DEPTH_M) {
    throw new ExcavationError('path', `the bore spans ${fmt(rise)} m in elevation; the limit is MAX_EXCAVATION_DEPTH_M = ${MAX_EXCAVATION_DEPTH_M} m`);
  }
  const contact = firstPathContact(path);
  if (contact) {
    const leg = (k: number): string => `${k} ${fmt(path[k])}→${fmt(path[k + 1])}`;
    throw new ExcavationError('path', `the bore path meets itself: legs ${leg(contact[0])} and ${leg(contact[1])} meet`);
  }
  const out: BorePath = { kind: 'bore', path, reamerDiameter };
  if (o.entryPit !== undefined) out.entryPit = validatePit(o.entryPit, 'entryPit');
  if (o.exitPit !== undefined) out.exitPit = validatePit(o.exitPit, 'exitPit');
  return out;
}

/**
 * First pair of legs that meet (other than consecutive legs at their shared vertex), or consecutive
 * legs that turn straight back along each other. Relative to the first vertex for precision.
 */
/**
 * firstPathContact's coordinates, reused and grown to the longest path seen: a Float64Array of more
 * than 64 bytes is allocated off V8's heap, about 2 µs each, once per bore screened otherwise.
 */
let pathScratch = new Float64Array(3 * 16);

function firstPathContact(path: readonly [number, number, number][]): [number, number] | null {
  const n = path.length;
  const [ox, oy, oz] = path[0]!;
  if (3 * n > pathScratch.length) pathScratch = new Float64Array(Math.max(3 * n, 2 * pathScratch.length));
  const p = pathScratch;
  for (let i = 0; i < n; i++) { const v = path[i]!; p[3 * i] = v[0] - ox; p[3 * i + 1] = v[1] - oy; p[3 * i + 2] = v[2] - oz; }
  for (let i = 0; i + 1 < n; i++) {
    const ax = p[3 * i]!, ay = p[3 * i + 1]!, az = p[3 * i + 2]!, bx = p[3 * i + 3]!, by = p[3 * i + 4]!, bz = p[3 * i + 5]!;
    if (i + 2 < n) {
      const ux = bx - ax, uy = by - ay, uz = bz - az;
      const vx = p[3 * i + 6]! - bx, vy = p[3 * i + 7]! - by, vz = p[3 * i + 8]! - bz;
      const parallel = uy * vz - uz * vy === 0 && uz * vx - ux * vz === 0 && ux * vy - uy * vx === 0;
      if (parallel && ux * vx + uy * vy + uz * vz < 0) return [i, i + 1];
    }
    const loX = ax < bx ? ax : bx, hiX = ax < bx ? bx : ax, loY = ay < by ? ay : by, hiY = ay < by ? by : ay;
    for (let j = i + 2; j + 1 < n; j++) {
      const dx = p[3 * j]!, dy = p[3 * j + 1]!, dz = p[3 * j + 2]!, ex = p[3 * j + 3]!, ey = p[3 * j + 4]!, ez = p[3 * j + 5]!;
      if ((dx > ex ? dx : ex) < loX || (dx < ex ? dx : ex) > hiX) continue;
      if ((dy > ey ? dy : ey) < loY || (dy < ey ? dy : ey) > hiY) continue;
      if (segSegDist2(ax, ay, az, bx, by, bz, dx, dy, dz, ex, ey, ez) === 0) return [i, j];
    }
  }
  return null;
}
