/**
 * Works as a person (or a permit system) sends them over HTTP or to the browser worker: lon/lat in
 * WGS 84 degrees and depths below ground, one entry per work of the permit,
 *
 *   { kind: 'open_cut', footprint: [[lon, lat]…], holes?: [[[lon, lat]…]…], depth | bottomElevation }
 *   { kind: 'trench',   centreLine: [[lon, lat]…], width, depth | depths (one per vertex: a sloped bottom) }
 *   { kind: 'bore',     path: [[lon, lat, depthBelowGround]…], reamerDiameter, entryPit?, exitPit? }
 *   { kind: 'piles',    points: [[lon, lat]…], diameter, depth }
 *
 * (a pit is an open cut without `kind`), and their conversion to the local-frame Excavations the
 * kernels screen (excavation.ts). Refusals are ExcavationErrors naming the request's own field,
 * e.g. 'works[2].width', 'works[0].centreLine[3][1]', 'works[1].entryPit.footprint'.
 *
 * Ground. Each work is converted against a ground range [min, max] (given, or estimated around the
 * work by the caller, digScreening.ts): the top of every volume is max + topAbove and every bottom is
 * min − depth, so the screened volume holds the true one wherever the ground lies in the range. A bore
 * path is given by depth below ground: each vertex is put at mid-range − depth and the reamer is
 * widened by the range (max − min), so the screened capsule holds the bore at any ground in range.
 */
import { MAX_BORE_GROUND_RANGE_M, MAX_BORE_VERTICES, MAX_REAMER_DIAMETER_M, MIN_REAMER_DIAMETER_M, type BorePath } from './bore';
import type { Excavation } from './excavation';
import { validateExcavation } from './excavation';
import { given } from '../rulesTable';
import { MAX_FOOTPRINT_VERTICES, type OpenCut } from './openCut';
import { MAX_PILES } from './piles';
import { MAX_CENTRELINE_VERTICES } from './trench';
import { arrayAt, ExcavationError, finiteNumber, fmt, numberIn, objectAt } from './validation';

export const MIN_WORK_DEPTH_M = 0.1;
export const MAX_WORK_DEPTH_M = 100;
/** Holes one open cut or pit of a request may have (the kernel's own limit is on their vertices). */
export const MAX_WORK_HOLES = 256;
/** A ring's corners as sent: MAX_FOOTPRINT_VERTICES and the closing one. */
const RING_LIMIT = { max: MAX_FOOTPRINT_VERTICES + 1, name: 'MAX_FOOTPRINT_VERTICES + 1 (the closing corner)' };

export type LonLat = [number, number];

export interface OpenCutWork {
  kind: 'open_cut';
  footprint: LonLat[];
  holes?: LonLat[][];
  /** Depth below ground, m; or else `bottomElevation`. */
  depth?: number;
  /** Elevation of the bottom, m in the network's vertical datum. */
  bottomElevation?: number;
}
export interface TrenchWork { kind: 'trench'; centreLine: LonLat[]; width: number; depth?: number; depths?: number[] }
export type PitWork = Omit<OpenCutWork, 'kind'> & { kind?: 'open_cut' };
export interface BoreWork {
  kind: 'bore';
  /** [lon, lat, depth below ground in m] per vertex. */
  path: [number, number, number][];
  reamerDiameter: number;
  entryPit?: PitWork;
  exitPit?: PitWork;
}
export interface PilesWork { kind: 'piles'; points: LonLat[]; diameter: number; depth: number }
export type DigWork = OpenCutWork | TrenchWork | BoreWork | PilesWork;

export const DIG_WORK_KINDS: readonly DigWork['kind'][] = ['open_cut', 'trench', 'bore', 'piles'];

function lonLat(v: unknown, field: string): LonLat {
  if (!Array.isArray(v) || v.length < 2) throw new ExcavationError(field, `expected [lon, lat], got ${fmt(v)}`);
  const lon: unknown = v[0], lat: unknown = v[1];
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
    throw new ExcavationError(`${field}[0]`, `longitude must be in [-180, 180]°; got ${given(lon, '°')}`);
  }
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw new ExcavationError(`${field}[1]`, `latitude must be in [-90, 90]°; got ${given(lat, '°')}`);
  }
  return [lon, lat];
}

/** A list of [lon, lat]: at least `min`, at most `limit.max` (named `limit.name` in the refusal). */
function lonLats(v: unknown, field: string, what: string, min: number, limit: { max: number; name: string }): LonLat[] {
  const list = arrayAt(v, field, `an array of [lon, lat] ${what}`, limit.max, limit.name);
  if (list.length < min) throw new ExcavationError(field, `${list.length} ${what}; at least ${min} needed`);
  return list.map((p, i) => lonLat(p, `${field}[${i}]`));
}

const depthIn = (v: unknown, field: string): number =>
  numberIn(v, field, MIN_WORK_DEPTH_M, 'MIN_WORK_DEPTH_M', MAX_WORK_DEPTH_M, 'MAX_WORK_DEPTH_M');

function readOpenCut(o: Record<string, unknown>): OpenCutWork {
  const footprint = lonLats(o.footprint, 'footprint', 'corners', 3, RING_LIMIT);
  const out: OpenCutWork = { kind: 'open_cut', footprint };
  if (o.holes !== undefined) {
    out.holes = arrayAt(o.holes, 'holes', 'an array of rings', MAX_WORK_HOLES, 'MAX_WORK_HOLES').map((h, i) => lonLats(h, `holes[${i}]`, 'corners', 3, RING_LIMIT));
  }
  if ((o.depth === undefined) === (o.bottomElevation === undefined)) {
    throw new ExcavationError('depth', 'give either depth (below ground, m) or bottomElevation (m), not both or neither');
  }
  if (o.depth !== undefined) out.depth = depthIn(o.depth, 'depth');
  else out.bottomElevation = finiteNumber(o.bottomElevation, 'bottomElevation');
  return out;
}

function readWork(v: unknown): DigWork {
  const o = objectAt(v, '(work)', 'a work { kind, … }');
  switch (o.kind) {
    case 'open_cut': return readOpenCut(o);
    case 'trench': {
      const centreLine = lonLats(o.centreLine, 'centreLine', 'vertices', 2, { max: MAX_CENTRELINE_VERTICES, name: 'MAX_CENTRELINE_VERTICES' });
      const width = finiteNumber(o.width, 'width');
      if ((o.depth === undefined) === (o.depths === undefined)) {
        throw new ExcavationError('depth', 'give either depth (one, m) or depths (one per centre-line vertex, m), not both or neither');
      }
      if (o.depth !== undefined) return { kind: 'trench', centreLine, width, depth: depthIn(o.depth, 'depth') };
      const depths = arrayAt(o.depths, 'depths', 'an array of depths', centreLine.length, 'the number of centre-line vertices')
        .map((d, i) => depthIn(d, `depths[${i}]`));
      if (depths.length !== centreLine.length) throw new ExcavationError('depths', `${depths.length} depths for ${centreLine.length} centre-line vertices; give one per vertex`);
      return { kind: 'trench', centreLine, width, depths };
    }
    case 'bore': {
      const path = arrayAt(o.path, 'path', 'an array of [lon, lat, depth below ground]', MAX_BORE_VERTICES, 'MAX_BORE_VERTICES').map((p, i): [number, number, number] => {
        const [lon, lat] = lonLat(p, `path[${i}]`);
        if ((p as unknown[]).length !== 3) throw new ExcavationError(`path[${i}]`, `expected [lon, lat, depth below ground], got ${fmt(p)}`);
        return [lon, lat, depthIn((p as unknown[])[2], `path[${i}][2]`)];
      });
      if (path.length < 2) throw new ExcavationError('path', `${path.length} vertices; a bore needs at least 2`);
      // Checked here as asked: the kernel sees it widened by the ground range (see the header).
      const reamerDiameter = numberIn(o.reamerDiameter, 'reamerDiameter', MIN_REAMER_DIAMETER_M, 'MIN_REAMER_DIAMETER_M', MAX_REAMER_DIAMETER_M, 'MAX_REAMER_DIAMETER_M');
      const out: BoreWork = { kind: 'bore', path, reamerDiameter };
      for (const pit of ['entryPit', 'exitPit'] as const) {
        if (o[pit] === undefined || o[pit] === null) continue;
        const p = objectAt(o[pit], pit, 'an open cut { footprint, depth | bottomElevation }');
        // A pit is an open cut: another kind here is a mistake to refuse, not to screen as an open cut.
        if (p.kind !== undefined && p.kind !== 'open_cut') {
          throw new ExcavationError(`${pit}.kind`, `a pit is an open cut ({ footprint, depth | bottomElevation }, kind 'open_cut' or none); got ${fmt(p.kind)}`);
        }
        try {
          const { kind: _openCut, ...asked } = readOpenCut(p);
          out[pit] = asked;
        } catch (e) {
          if (e instanceof ExcavationError) throw new ExcavationError(`${pit}.${e.field}`, e.detail);
          throw e;
        }
      }
      return out;
    }
    case 'piles':
      return {
        kind: 'piles', points: lonLats(o.points, 'points', 'points', 1, { max: MAX_PILES, name: 'MAX_PILES' }),
        diameter: finiteNumber(o.diameter, 'diameter'), depth: depthIn(o.depth, 'depth'),
      };
    default:
      throw new ExcavationError('kind', `unknown kind of work ${fmt(o.kind)}; known: ${DIG_WORK_KINDS.join(', ')}`);
  }
}

/** Reads and checks the request's `works` (the shape only; the geometry is checked in toExcavation). */
export function readDigWorks(v: unknown, maxWorks: number): DigWork[] {
  const list = arrayAt(v, 'works', 'an array of works', maxWorks, 'MAX_WORKS_PER_PERMIT');
  if (list.length === 0) throw new ExcavationError('works', 'no works; a permit needs at least 1');
  return list.map((w, i) => {
    try {
      return readWork(w);
    } catch (e) {
      if (e instanceof ExcavationError) throw new ExcavationError(`works[${i}]${e.field === '(work)' ? '' : `.${e.field}`}`, e.detail);
      throw e;
    }
  });
}

/** Every plan point of a work, lon/lat (for the ground search and the bbox). */
export function workPoints(w: DigWork): LonLat[] {
  switch (w.kind) {
    case 'open_cut': return w.footprint;
    case 'trench': return w.centreLine;
    case 'piles': return w.points;
    case 'bore': return [...w.path.map(([lon, lat]): LonLat => [lon, lat]), ...(w.entryPit?.footprint ?? []), ...(w.exitPit?.footprint ?? [])];
  }
}

export interface GroundRange { min: number; max: number }
type ToLocal = (lon: number, lat: number) => [number, number];

function pitToLocal(p: PitWork, toLocal: ToLocal, g: GroundRange, topAbove: number): OpenCut {
  const ring = (r: LonLat[]): [number, number][] => r.map(([lon, lat]) => toLocal(lon, lat));
  const cut: OpenCut = {
    kind: 'open_cut', footprint: ring(p.footprint),
    bottomZ: p.depth !== undefined ? g.min - p.depth : p.bottomElevation!, topZ: g.max + topAbove,
  };
  if (p.holes?.length) cut.holes = p.holes.map(ring);
  return cut;
}

/**
 * Where a bore's path ends against its pits: the entry pit's footprint must hold the path's first
 * vertex in plan, the exit pit's its last (on the outline counts; a hole of the pit does not). A pit
 * elsewhere is almost surely an input error (pits swapped, a corner mistyped) that screens a pit
 * nobody digs and leaves the real one unscreened, so it is refused naming the pit and saying how far
 * the path's end lies from it. `tolerance` (the rules' pitAtBoreEndTolerance, data/rules/screening.json)
 * is for coordinate rounding only: the drill enters and leaves the ground in its pits. Local frame,
 * after the bore is validated (valid rings).
 */
export function checkPitsAtBoreEnds(bore: BorePath, tolerance: number): void {
  const path = bore.path;
  const ends = { entryPit: path[0]!, exitPit: path[path.length - 1]! } as const;
  for (const pit of ['entryPit', 'exitPit'] as const) {
    const cut = bore[pit];
    if (!cut) continue;
    const [x, y] = ends[pit];
    const off = distanceOutside(cut, x, y);
    if (off <= tolerance) continue;
    const [ox, oy] = pit === 'entryPit' ? ends.exitPit : ends.entryPit;
    const swapped = distanceOutside(cut, ox, oy) <= tolerance
      ? ` The path's ${pit === 'entryPit' ? 'last' : 'first'} vertex lies in it: are the entry and exit pits swapped, or the path given backwards?` : '';
    throw new ExcavationError(pit, `the bore's path ${pit === 'entryPit' ? 'starts' : 'ends'} ${fmt(+off.toPrecision(4))} m outside its ` +
      `${pit === 'entryPit' ? 'entry' : 'exit'} pit (${fmt(tolerance)} m allowed for rounding): the pit's footprint must hold the path's ` +
      `${pit === 'entryPit' ? 'first' : 'last'} vertex ` +
      `(path[${pit === 'entryPit' ? 0 : path.length - 1}]), or a pit nobody digs is screened and the real one is not.${swapped}`);
  }
}

/** How far (x, y) lies from the dug area of an open cut (its footprint less its holes): 0 inside, m. */
function distanceOutside(cut: OpenCut, x: number, y: number): number {
  let near = Infinity, inside = false;
  for (const ring of [cut.footprint, ...(cut.holes ?? [])]) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j]!, [bx, by] = ring[i]!;
      if ((ay > y) !== (by > y) && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
      const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l2));
      near = Math.min(near, Math.hypot(ax + t * dx - x, ay + t * dy - y));
    }
  }
  return inside ? 0 : near;
}

/**
 * The work in the local frame against a ground range (see the header), validated by the kernels'
 * own validators; a refusal names the request's field ('centreLine', 'depths[2]', 'points[3]'). A
 * bore's pits must hold its path's ends, within `pitTolerance` m (checkPitsAtBoreEnds).
 */
export function toExcavation(w: DigWork, toLocal: ToLocal, g: GroundRange, topAbove: number, pitTolerance: number): Excavation {
  const top = g.max + topAbove;
  let ex: Excavation;
  switch (w.kind) {
    case 'open_cut': ex = pitToLocal(w, toLocal, g, topAbove); break;
    case 'trench':
      ex = {
        kind: 'trench', centreline: w.centreLine.map(([lon, lat]) => toLocal(lon, lat)), width: w.width,
        bottomZ: w.centreLine.map((_, i) => g.min - (w.depths ? w.depths[i]! : w.depth!)), topZ: top,
      };
      break;
    case 'bore': {
      const range = g.max - g.min;
      if (range > MAX_BORE_GROUND_RANGE_M) {
        throw new ExcavationError('groundElevation', `the ground around the bore ranges from ${fmt(g.min)} to ${fmt(g.max)} m, more than ` +
          `MAX_BORE_GROUND_RANGE_M = ${MAX_BORE_GROUND_RANGE_M} m: give the ground elevation and the path's depths below it`);
      }
      const mid = (g.min + g.max) / 2;
      // The reamer as asked was checked against MAX_REAMER_DIAMETER_M (readWork); widened by the ground
      // range it may pass that limit, which is on what a person asks for, not on the volume holding it.
      const bore: BorePath = {
        kind: 'bore',
        path: w.path.map(([lon, lat, d]) => { const [x, y] = toLocal(lon, lat); return [x, y, mid - d]; }),
        reamerDiameter: w.reamerDiameter + range,
      };
      if (w.entryPit) bore.entryPit = pitToLocal(w.entryPit, toLocal, g, topAbove);
      if (w.exitPit) bore.exitPit = pitToLocal(w.exitPit, toLocal, g, topAbove);
      ex = bore;
      break;
    }
    case 'piles': {
      const depth = top - (g.min - w.depth);
      ex = { kind: 'piles', piles: w.points.map(([lon, lat]) => { const [x, y] = toLocal(lon, lat); return { x, y, diameter: w.diameter, topZ: top, depth }; }) };
      break;
    }
  }
  let valid: Excavation;
  try {
    valid = validateExcavation(ex);
  } catch (e) {
    if (e instanceof ExcavationError) throw new ExcavationError(requestField(w, e.field), requestDetail(w, e, g, topAbove));
    throw e;
  }
  // The pits as given (their rings as the request's corners; the path's ends are kept by validation).
  if (ex.kind === 'bore') checkPitsAtBoreEnds(ex, pitTolerance);
  return valid;
}

/**
 * A kernel's refusal in the request's words: an open cut's (or a bore pit's) bottomZ/topZ are said as
 * what the request gave (bottomElevation, or depth below the ground) and the top the screening puts on
 * it (topAbove over the highest ground around the work); the kernels keep their own words for their callers.
 */
export function requestDetail(w: DigWork, e: ExcavationError, g: GroundRange, topAbove: number): string {
  const at = /^(?:(entryPit|exitPit)\.)?(?:bottomZ|topZ)$/.exec(e.field);
  const pit = !at ? undefined : w.kind === 'open_cut' && !at[1] ? w : w.kind === 'bore' && at[1] ? w[at[1] as 'entryPit' | 'exitPit'] : undefined;
  if (!pit) return e.detail;
  const top = `the top screened (${fmt(g.max + topAbove)} m: ${fmt(topAbove)} m above the highest ground around the work, ${fmt(g.max)} m)`;
  const bottom = pit.depth !== undefined
    ? `the bottom (${fmt(g.min - pit.depth)} m: depth ${fmt(pit.depth)} m below the lowest ground around the work, ${fmt(g.min)} m)`
    : `bottomElevation (${fmt(pit.bottomElevation!)} m)`;
  return e.detail.replace(/^bottomZ \([^)]*\) must be below topZ \([^)]*\)/, `${bottom} must be below ${top}`)
    .replace(/^the cut is (\S+) m deep;/, (_, deep: string) => `the cut is ${deep} m deep, from ${top} down to ${bottom};`);
}

/** The request's name for a field the kernels' validators name in the local frame. */
export function requestField(w: DigWork, field: string): string {
  const pitDepth = (p: PitWork): string => (p.depth !== undefined ? 'depth' : 'bottomElevation');
  switch (w.kind) {
    case 'open_cut': return field.replace(/^(bottomZ|topZ)$/, pitDepth(w));
    case 'trench':
      return field.replace(/^centreline/, 'centreLine').replace(/^bottomZ(\[\d+\])?$/, (_, i: string | undefined) => (w.depths ? `depths${i ?? ''}` : 'depth'))
        .replace(/^topZ$/, w.depths ? 'depths' : 'depth');
    case 'bore':
      return field.replace(/^(entryPit|exitPit)\.(bottomZ|topZ)$/, (_, pit: 'entryPit' | 'exitPit') => `${pit}.${pitDepth(w[pit]!)}`);
    case 'piles':
      return field.replace(/^piles\[(\d+)\]\.(x|y)$/, (_, i: string, a: string) => `points[${i}][${a === 'x' ? 0 : 1}]`)
        .replace(/^piles\[\d+\]\.(diameter|depth|topZ)$/, (_, f: string) => (f === 'topZ' ? 'depth' : f)).replace(/^piles$/, 'points');
  }
}
