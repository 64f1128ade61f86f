/**
 * The network flattened for screening: one row per straight segment of every link, in typed arrays
 * so a worker can receive it without copying (postMessage with `segmentTableBuffers(t)` as the
 * transfer list) and the kernel can walk it without touching a `Link` object.
 *
 * Frame and units: x, y are the project's local metric frame (crs.ts), z and ground are elevations
 * in the project's vertical datum; all metres. Float32 columns are rounded UP (towards +∞) so that a
 * stored radius or ground is never smaller than the true one: a bigger radius or a deeper line only
 * makes a verdict more severe, never milder.
 */
import Flatbush from 'flatbush';
import {
  boundingRadius, QUALITY_LEVELS, UTILITY_TYPES, VERTEX_STRIDE,
  type Link, type QualityLevel, type UtilityType,
} from '../model';
import { spatialOrder } from './spatialOrder';

/** The fields of a Link the table reads: screening needs no other attribute. */
export type ScreenedLink = Pick<Link, 'id' | 'utility' | 'qualityLevel' | 'section' | 'vertices'>;

/** `linkQuality` value of a link without a quality level (treated as QL-D). */
export const QUALITY_UNKNOWN = 4;

/** Segments per flatbush node: flatbush's default, a good balance of build and query time. */
export const INDEX_NODE_SIZE = 16;

export interface SegmentTable {
  segmentCount: number;
  /** 6 per segment: x0, y0, z0, x1, y1, z1 (centreline). */
  coords: Float64Array;
  /** Bounding radius of the link's cross-section (model.ts `boundingRadius`), rounded up to float32. */
  radius: Float32Array;
  /** 2 per segment: ground elevation above each end, rounded up to float32; NaN when unknown. */
  segmentGround: Float32Array;
  linkOfSegment: Uint32Array;
  /** Index within its link of the segment's first vertex: segment k runs from vertex k to k + 1. */
  segmentVertex: Uint32Array;
  linkIds: string[];
  /** Index into UTILITY_TYPES. */
  linkUtility: Uint8Array;
  /** 0..3 for QL-A..D, QUALITY_UNKNOWN when the link has none. */
  linkQuality: Uint8Array;
  maxRadius: number;
  /** Deepest centreline depth (ground − z) at any segment end with a known ground; at least 0. */
  maxCentrelineDepth: number;
  /** Zero-length segments dropped (their point is an end of a neighbouring segment of the same link). */
  skippedDegenerate: number;
  /** Segments dropped because an end has a non-finite x, y or z: they cannot be screened. */
  skippedNonFinite: number;
  /** Links whose dropped segments left nothing to screen: reported so a reviewer sees the gap. */
  unscreenableLinkIds: string[];
  /** Links whose vertices are all one point, kept as one zero-length segment (a sphere of `radius`). */
  pointLinks: number;
  /** Segments with an unknown ground at an end: their depth is unknown (see screen.ts). */
  segmentsWithoutGround: number;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The smallest float32 ≥ v. */
export function float32AtLeast(v: number): number {
  F32[0] = v;
  const f = F32[0]!;
  if (f >= v || Number.isNaN(v)) return f;
  if (f > 0) U32[0]! += 1;
  else if (f < 0) U32[0]! -= 1;
  else U32[0] = 1;
  return F32[0]!;
}

/** The largest float32 ≤ v. */
export function float32AtMost(v: number): number {
  return -float32AtLeast(-v);
}

/**
 * The largest float32 strictly below the float32 f. A value v stored as float32AtLeast(v) = f lies
 * in (float32Below(f), f], so float32Below(f) is a lower bound of v that holds at any magnitude.
 */
export function float32Below(f: number): number {
  F32[0] = f;
  if (F32[0] !== f) throw new RangeError(`float32Below: ${f} is not a float32`);
  if (f > 0) U32[0]! -= 1;
  else if (f < 0) U32[0]! += 1;
  else return -1.401298464324817e-45;
  return F32[0]!;
}

function indexOfUtility(link: ScreenedLink): number {
  const u = UTILITY_TYPES.indexOf(link.utility);
  if (u < 0) {
    throw new RangeError(`Link "${link.id}" has utility "${String(link.utility)}"; expected one of ${UTILITY_TYPES.join(', ')}`);
  }
  return u;
}

function indexOfQuality(q: QualityLevel | null): number {
  if (q === null) return QUALITY_UNKNOWN;
  const i = QUALITY_LEVELS.indexOf(q);
  return i < 0 ? QUALITY_UNKNOWN : i;
}

function finite3(v: Float64Array, o: number): boolean {
  return Number.isFinite(v[o]!) && Number.isFinite(v[o + 1]!) && Number.isFinite(v[o + 2]!);
}

/**
 * Flattens links into a SegmentTable, the links' segments stored in `spatialOrder` (a link keeps its
 * input number; `unscreenableLinkIds` are in input order). Degenerate geometry is skipped and counted, never thrown
 * (STYLE.md); a link that would vanish entirely because all its vertices coincide is kept as one
 * zero-length segment, since a pipe recorded as a point is still in the ground.
 */
export function buildSegmentTable(links: readonly ScreenedLink[]): SegmentTable {
  let upper = 0;
  for (const link of links) upper += Math.max(1, Math.floor(link.vertices.length / VERTEX_STRIDE) - 1);

  const coords = new Float64Array(upper * 6);
  const radius = new Float32Array(upper);
  const segmentGround = new Float32Array(upper * 2);
  const linkOfSegment = new Uint32Array(upper);
  const segmentVertex = new Uint32Array(upper);
  const linkUtility = new Uint8Array(links.length);
  const linkQuality = new Uint8Array(links.length);
  const linkIds: string[] = new Array<string>(links.length);
  const unscreenableLinkIds: string[] = [];

  let n = 0;
  let maxRadius = 0;
  let maxCentrelineDepth = 0;
  let skippedDegenerate = 0;
  let skippedNonFinite = 0;
  let pointLinks = 0;
  let segmentsWithoutGround = 0;

  const push = (link: ScreenedLink, li: number, i: number, r: number): void => {
    const v = link.vertices;
    const a = i * VERTEX_STRIDE;
    const b = a + VERTEX_STRIDE;
    const c = n * 6;
    coords[c] = v[a]!; coords[c + 1] = v[a + 1]!; coords[c + 2] = v[a + 2]!;
    coords[c + 3] = v[b]!; coords[c + 4] = v[b + 1]!; coords[c + 5] = v[b + 2]!;
    radius[n] = r;
    const g0 = Number.isFinite(v[a + 3]!) ? float32AtLeast(v[a + 3]!) : NaN;
    const g1 = Number.isFinite(v[b + 3]!) ? float32AtLeast(v[b + 3]!) : NaN;
    segmentGround[2 * n] = g0;
    segmentGround[2 * n + 1] = g1;
    if (Number.isNaN(g0) || Number.isNaN(g1)) segmentsWithoutGround++;
    // Depth from the stored (rounded-up) ground, so the prefilter bound and the kernel agree.
    const d0 = segmentGround[2 * n]! - v[a + 2]!;
    const d1 = segmentGround[2 * n + 1]! - v[b + 2]!;
    if (d0 > maxCentrelineDepth) maxCentrelineDepth = d0;
    if (d1 > maxCentrelineDepth) maxCentrelineDepth = d1;
    linkOfSegment[n] = li;
    segmentVertex[n] = i;
    n++;
  };

  const unscreenable: number[] = [];
  // The lines' own columns first, in input order: a refusal names the first bad line of the input.
  const linkRadius = new Float64Array(links.length);
  for (let li = 0; li < links.length; li++) {
    const link = links[li]!;
    linkIds[li] = link.id;
    linkUtility[li] = indexOfUtility(link);
    linkQuality[li] = indexOfQuality(link.qualityLevel);
    const r = float32AtLeast(boundingRadius(link.section));
    if (!(r >= 0)) throw new RangeError(`Link "${link.id}" has a cross-section with radius ${r} m`);
    if (r > maxRadius) maxRadius = r;
    linkRadius[li] = r;
  }
  for (const li of spatialOrder(links)) {
    const link = links[li]!;
    const r = linkRadius[li]!;

    const v = link.vertices;
    const count = Math.floor(v.length / VERTEX_STRIDE);
    const before = n;
    let firstPoint = -1;
    for (let i = 0; i + 1 < count; i++) {
      const a = i * VERTEX_STRIDE;
      const b = a + VERTEX_STRIDE;
      if (!finite3(v, a) || !finite3(v, b)) { skippedNonFinite++; continue; }
      if (v[a] === v[b] && v[a + 1] === v[b + 1] && v[a + 2] === v[b + 2]) {
        skippedDegenerate++;
        if (firstPoint < 0) firstPoint = i;
        continue;
      }
      push(link, li, i, r);
    }
    if (n === before) {
      if (firstPoint >= 0) {
        skippedDegenerate--;
        pointLinks++;
        push(link, li, firstPoint, r);
      } else if (count === 1 && finite3(v, 0)) {
        // A single vertex: screen it as a point; the "segment" runs from vertex 0 to itself.
        pointLinks++;
        const c = n * 6;
        coords[c] = coords[c + 3] = v[0]!;
        coords[c + 1] = coords[c + 4] = v[1]!;
        coords[c + 2] = coords[c + 5] = v[2]!;
        radius[n] = r;
        const g = Number.isFinite(v[3]!) ? float32AtLeast(v[3]!) : NaN;
        segmentGround[2 * n] = segmentGround[2 * n + 1] = g;
        if (Number.isNaN(g)) segmentsWithoutGround++;
        else if (g - v[2]! > maxCentrelineDepth) maxCentrelineDepth = g - v[2]!;
        linkOfSegment[n] = li;
        segmentVertex[n] = 0;
        n++;
      } else {
        unscreenable.push(li);
      }
    }
  }
  // Reported in the links' order, whatever order they were stored in.
  unscreenable.sort((a, b) => a - b);
  for (const li of unscreenable) unscreenableLinkIds.push(links[li]!.id);

  return {
    segmentCount: n,
    coords: n * 6 === coords.length ? coords : coords.slice(0, n * 6),
    radius: n === radius.length ? radius : radius.slice(0, n),
    segmentGround: n * 2 === segmentGround.length ? segmentGround : segmentGround.slice(0, n * 2),
    linkOfSegment: n === linkOfSegment.length ? linkOfSegment : linkOfSegment.slice(0, n),
    segmentVertex: n === segmentVertex.length ? segmentVertex : segmentVertex.slice(0, n),
    linkIds, linkUtility, linkQuality,
    maxRadius, maxCentrelineDepth,
    skippedDegenerate, skippedNonFinite, unscreenableLinkIds, pointLinks, segmentsWithoutGround,
  };
}

export function utilityOfLink(t: SegmentTable, linkIndex: number): UtilityType {
  return UTILITY_TYPES[t.linkUtility[linkIndex]!]!;
}

export function qualityOfLink(t: SegmentTable, linkIndex: number): QualityLevel | null {
  const q = t.linkQuality[linkIndex]!;
  return q === QUALITY_UNKNOWN ? null : QUALITY_LEVELS[q]!;
}

const SEGMENT_LINK_IDS = new WeakMap<SegmentTable, { uses: number; ids: string[] | null }>();
let lastSegmentLinkIds: { table: SegmentTable; ids: string[] } | null = null;

/**
 * Each segment's line id (`linkIds[linkOfSegment[s]]`: the same string), built the second time a
 * table asks for it and kept with it (one reference per segment: 8 bytes); null before that, so a
 * one-off table does not pay for a pass. Why a screening wants it: a listed line's id was reached
 * through its line number, which the gather reads, then the id's slot, then the string: one round of
 * cache misses after another. From the segment number the gather can read the slot with the
 * candidate's other columns, and the rows then read the string with their other line data.
 */
export function segmentLinkIds(t: SegmentTable): readonly string[] | null {
  const last = lastSegmentLinkIds;
  if (last && last.table === t) return last.ids;
  let entry = SEGMENT_LINK_IDS.get(t);
  if (!entry) SEGMENT_LINK_IDS.set(t, (entry = { uses: 0, ids: null }));
  if (!entry.ids && ++entry.uses >= 2) {
    const ids = new Array<string>(t.segmentCount), linkOf = t.linkOfSegment, linkIds = t.linkIds;
    for (let s = 0; s < t.segmentCount; s++) ids[s] = linkIds[linkOf[s]!]!;
    entry.ids = ids;
  }
  if (entry.ids) lastSegmentLinkIds = { table: t, ids: entry.ids };
  return entry.ids;
}

/**
 * The same column if it is built, without counting a use (the gather's read: one count per screening,
 * the rows', so the column is built on a table's second full screening, as documented above).
 */
export function builtSegmentLinkIds(t: SegmentTable): readonly string[] | null {
  const last = lastSegmentLinkIds;
  return last && last.table === t ? last.ids : SEGMENT_LINK_IDS.get(t)?.ids ?? null;
}

/** The buffers to list as transferables when posting a table to or from a worker. */
export function segmentTableBuffers(t: SegmentTable): ArrayBuffer[] {
  const arrays = [t.coords, t.radius, t.segmentGround, t.linkOfSegment, t.segmentVertex, t.linkUtility, t.linkQuality];
  const out: ArrayBuffer[] = [];
  for (const a of arrays) {
    const b = a.buffer;
    if (b instanceof ArrayBuffer && !out.includes(b)) out.push(b);
  }
  return out;
}

/** Bytes held by the table's typed arrays (strings not counted). */
export function segmentTableByteLength(t: SegmentTable): number {
  return t.coords.byteLength + t.radius.byteLength + t.segmentGround.byteLength + t.linkOfSegment.byteLength +
    t.segmentVertex.byteLength + t.linkUtility.byteLength + t.linkQuality.byteLength;
}

function expectArray<T extends { length: number }>(value: unknown, ctor: abstract new (...args: never[]) => T, name: string, length: number): T {
  if (!(value instanceof ctor)) {
    throw new TypeError(`segment table: ${name} should be a ${ctor.name}, got ${Object.prototype.toString.call(value)}`);
  }
  if (value.length !== length) throw new RangeError(`segment table: ${name} has length ${value.length}, expected ${length}`);
  return value;
}

/**
 * Checks a table received from postMessage (structured clone keeps typed arrays and plain fields, so
 * no reassembly is needed) and returns it typed. Throws on a malformed message, naming the column.
 */
export function segmentTableFromTransfer(message: unknown): SegmentTable {
  if (typeof message !== 'object' || message === null) throw new TypeError(`segment table: expected an object, got ${String(message)}`);
  const m = message as Record<string, unknown>;
  const n = m.segmentCount;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RangeError(`segment table: segmentCount is ${String(n)}`);
  if (!Array.isArray(m.linkIds)) throw new TypeError('segment table: linkIds should be an array of strings');
  const links = m.linkIds.length;
  expectArray(m.coords, Float64Array, 'coords', n * 6);
  expectArray(m.radius, Float32Array, 'radius', n);
  expectArray(m.segmentGround, Float32Array, 'segmentGround', n * 2);
  const linkOf = expectArray(m.linkOfSegment, Uint32Array, 'linkOfSegment', n);
  expectArray(m.segmentVertex, Uint32Array, 'segmentVertex', n);
  expectArray(m.linkUtility, Uint8Array, 'linkUtility', links);
  expectArray(m.linkQuality, Uint8Array, 'linkQuality', links);
  for (let i = 0; i < n; i++) {
    if (linkOf[i]! >= links) throw new RangeError(`segment table: linkOfSegment[${i}] = ${linkOf[i]} but there are ${links} links`);
  }
  for (const key of ['maxRadius', 'maxCentrelineDepth'] as const) {
    if (typeof m[key] !== 'number' || !((m[key] as number) >= 0)) throw new RangeError(`segment table: ${key} is ${String(m[key])}`);
  }
  return message as SegmentTable;
}

/**
 * A 2D flatbush index of each segment's plan bbox padded by its radius, in Float32 boxes rounded
 * outwards (min down, max up), so no rounding shrinks a box; half the bytes of Float64 boxes, and
 * the search, which is bound by memory, reads half the cache lines. Item i is segment i. Transfer `index.data`; rebuild with `Flatbush.from(data)`.
 * Flatbush refuses zero items, so an empty table gets a one-item placeholder index that
 * screenExcavation never searches (it checks `segmentCount` first).
 */
export function buildSegmentIndex(t: SegmentTable): Flatbush {
  if (t.segmentCount === 0) {
    const empty = new Flatbush(1, INDEX_NODE_SIZE);
    empty.add(0, 0, 0, 0);
    empty.finish();
    return empty;
  }
  const index = new Flatbush(t.segmentCount, INDEX_NODE_SIZE, Float32Array);
  const c = t.coords;
  for (let s = 0; s < t.segmentCount; s++) {
    const o = s * 6;
    const r = t.radius[s]!;
    const x0 = c[o]!, y0 = c[o + 1]!, x1 = c[o + 3]!, y1 = c[o + 4]!;
    index.add(float32AtMost(Math.min(x0, x1) - r), float32AtMost(Math.min(y0, y1) - r),
      float32AtLeast(Math.max(x0, x1) + r), float32AtLeast(Math.max(y0, y1) + r));
  }
  index.finish();
  return index;
}
