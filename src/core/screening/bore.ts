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
    MAX_REAMER_DIAMETER_M, 'MAX_REAMER_DIAMETER_M');
  const points = readTuples(o.path, 'path', 3, MAX_BORE_VERTICES, 'MAX_BORE_VERTICES');
  const path: [number, number, number][] = [];
  for (const [x, y, z] of points as [number, number, number][]) {
    const last = path[path.length - 1];
    if (last && last[0] === x && last[1] === y && last[2] === z) continue;
    path.push([x, y, z]);
  }
  if (path.length < 2) throw new ExcavationError('path', `${path.length} distinct vertices; a bore needs at least 2`);
  checkExtent(path.map((p) => p[0]), path.map((p) => p[1]), 'path', 'bore path');
  let length = 0;
  for (let i = 1; i < path.length; i++) length += Math.hypot(path[i]![0] - path[i - 1]![0], path[i]![1] - path[i - 1]![1], path[i]![2] - path[i - 1]![2]);
  if (!(length >= MIN_BORE_LENGTH_M)) {
    throw new ExcavationError('path', `the bore path is ${fmt(length)} m long; the minimum is MIN_BORE_LENGTH_M = ${MIN_BORE_LENGTH_M} m`);
  }
  const zs = path.map((p) => p[2]);
  const rise = Math.max(...zs) - Math.min(...zs);
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
function firstPathContact(path: readonly [number, number, number][]): [number, number] | null {
  const [ox, oy, oz] = path[0]!;
  const p = path.map(([x, y, z]) => [x - ox, y - oy, z - oz] as const);
  for (let i = 0; i + 1 < p.length; i++) {
    const a = p[i]!, b = p[i + 1]!;
    const c = p[i + 2];
    if (c) {
      const ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
      const vx = c[0] - b[0], vy = c[1] - b[1], vz = c[2] - b[2];
      const parallel = uy * vz - uz * vy === 0 && uz * vx - ux * vz === 0 && ux * vy - uy * vx === 0;
      if (parallel && ux * vx + uy * vy + uz * vz < 0) return [i, i + 1];
    }
    for (let j = i + 2; j + 1 < p.length; j++) {
      const d = p[j]!, e = p[j + 1]!;
      if (Math.max(d[0], e[0]) < Math.min(a[0], b[0]) || Math.min(d[0], e[0]) > Math.max(a[0], b[0])) continue;
      if (Math.max(d[1], e[1]) < Math.min(a[1], b[1]) || Math.min(d[1], e[1]) > Math.max(a[1], b[1])) continue;
      if (segSegDist2(a[0], a[1], a[2], b[0], b[1], b[2], d[0], d[1], d[2], e[0], e[1], e[2]) === 0) return [i, j];
    }
  }
  return null;
}
