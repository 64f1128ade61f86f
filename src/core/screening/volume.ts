/**
 * What is screened for each kind of work: a union of pieces, each with an exact (or never-larger)
 * distance kernel and a 3D bounding box that contains it. The distance to a union is the minimum over
 * its pieces; so are its plan distance and vertical gap (DESIGN.md, "Screening a dig").
 *
 *   open_cut  one prism, holes included                         distance.ts
 *   trench    per centre-line segment, a box with sloped bottom  convexPrism.ts
 *             per interior vertex, a round joint (cylinder)      cylinder.ts
 *             and a mitre wedge on the outer side of the bend    convexPrism.ts
 *   bore      per path leg, a capsule; entry and exit pits       capsule.ts, distance.ts
 *   piles     per pile, a cylinder                                cylinder.ts
 *
 * The trench. Its true volume is taken to be everything within width/2 of the centre line measured
 * square to it (flat ends at the first and last vertex, round at the bends), from the bottom up to
 * topZ, where the bottom is linear along each segment and, around a bend, the vertex's own bottom.
 * The screened volume is that, plus the mitre of every bend's outer corner (the square corner an
 * excavator digs when it runs each leg straight out), cut square at TRENCH_MITRE_LIMIT × width/2 from
 * the vertex, so both a rounded and a square-cornered trench are inside it (for bends up to
 * 2·acos(1 / TRENCH_MITRE_LIMIT) = 120°; sharper square corners are cut off there). It is a superset
 * of the true trench, never a subset. Where a bend is so slight that the mitre's tip sticks out of
 * the round joint by less than TRENCH_WEDGE_MIN_M, the joint's radius grows by that much instead of
 * building a sliver wedge (a superset again, by under a micrometre).
 */
import Flatbush from 'flatbush';
import type { BorePath } from './bore';
import { prepareCapsule, segmentCapsuleDistance, segmentCapsuleDistanceAt, type Capsule } from './capsule';
import { prepareConvexPrismAt, segmentConvexPrismDistance, segmentConvexPrismDistanceAt, type ConvexPrism } from './convexPrism';
import { prepareCylinder, segmentCylinderDistance, segmentCylinderDistanceAt, type Cylinder } from './cylinder';
import { segmentPrismDistance, segmentPrismDistanceAt } from './distance';
import { validateExcavation, type Excavation } from './excavation';
import { openCutPrism, type OpenCut } from './openCut';
import { doubles, preparePrism, put, type Prism } from './prism';
import { checkPiles, PILES, type PileGroup } from './piles';
import { createSegmentPrismDistance, type SegmentPrismDistance } from './segmentDistance';
import { hypot2 } from './segmentSegment';
import type { Trench } from './trench';

/** The square corner of a bend is covered out to this many half-widths from the vertex. */
export const TRENCH_MITRE_LIMIT = 2;
/** A mitre sticking out of the round joint by less than this widens the joint instead, m. */
export const TRENCH_WEDGE_MIN_M = 1e-6;

/**
 * Pieces from which a volume gets a flatbush of its pieces (screen.ts completes each listed line's
 * plan distance over the pieces near it): below, a scan of every piece's box is cheaper than building
 * one (a new flatbush of 3–30 items costs 1–2.4 µs; screening a trench of a few segments ~10 µs).
 */
export const PIECE_INDEX_FROM = 32;

export interface Bounds {
  minX: number; minY: number; minZ: number; maxX: number; maxY: number; maxZ: number;
}

export type Piece =
  | { shape: 'prism'; prism: Prism; bounds: Bounds }
  | { shape: 'convex'; convex: ConvexPrism; bounds: Bounds }
  | { shape: 'cylinder'; cylinder: Cylinder; bounds: Bounds }
  | { shape: 'capsule'; capsule: Capsule; bounds: Bounds };

export interface Volume {
  pieces: Piece[];
  /** Union of the pieces' bounds. */
  bounds: Bounds;
  /**
   * Flatbush of the pieces' plan boxes (item i is piece i), for volumes of more than
   * PIECE_INDEX_FROM pieces; null for fewer, which are scanned (building a flatbush costs ~1 µs).
   */
  index: Flatbush | null;
}

/**
 * Distance from a segment to one piece, in the kernels' common out-parameter. With a `cutoff` (m) a
 * kernel may answer `distance` = Infinity for a true distance at least that (the prism, convex prism
 * and cylinder kernels do: open cuts, pits, trench boxes and mitres, piles and trench joints; the
 * capsule, bore legs, when its plan distance alone reaches it); plan distance and vertical gap stay exact.
 */
export function pieceDistance(
  piece: Piece, x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, out: SegmentPrismDistance,
  cutoff = Infinity,
): SegmentPrismDistance {
  switch (piece.shape) {
    case 'prism': return segmentPrismDistance(piece.prism, x0, y0, z0, x1, y1, z1, out, cutoff);
    case 'convex': return segmentConvexPrismDistance(piece.convex, x0, y0, z0, x1, y1, z1, out, cutoff);
    case 'cylinder': return segmentCylinderDistance(piece.cylinder, x0, y0, z0, x1, y1, z1, out, cutoff);
    case 'capsule': return segmentCapsuleDistance(piece.capsule, x0, y0, z0, x1, y1, z1, out, cutoff);
  }
}

/** `pieceDistance` with the segment read from `seg[q … q + 5]` (the kernels' `…At` forms: no boxed doubles). */
export function pieceDistanceAt(
  piece: Piece, seg: Float64Array<ArrayBufferLike>, q: number, out: SegmentPrismDistance, cutoff: number,
): SegmentPrismDistance {
  switch (piece.shape) {
    case 'prism': return segmentPrismDistanceAt(piece.prism, seg, q, out, cutoff);
    case 'convex': return segmentConvexPrismDistanceAt(piece.convex, seg, q, out, cutoff);
    case 'cylinder': return segmentCylinderDistanceAt(piece.cylinder, seg, q, out, cutoff);
    case 'capsule': return segmentCapsuleDistanceAt(piece.capsule, seg, q, out, cutoff);
  }
}

/**
 * Folds one piece's distances into a union's (`into`): each quantity is the minimum over the pieces,
 * and the closest point is that of the nearest piece.
 */
export function foldPieceDistance(into: SegmentPrismDistance, k: SegmentPrismDistance): void {
  if (k.distance < into.distance) { into.distance = k.distance; into.t = k.t; into.x = k.x; into.y = k.y; into.z = k.z; }
  if (k.horizontal < into.horizontal) { into.horizontal = k.horizontal; into.horizontalT = k.horizontalT; }
  if (k.vertical !== null && (into.vertical === null || k.vertical < into.vertical)) { into.vertical = k.vertical; into.verticalT = k.verticalT; }
}

const PIECE_OUT = createSegmentPrismDistance();

/**
 * Distance from a segment to the whole volume, every piece tried (no cull). For tests, reports and
 * single queries; screen.ts does the same with the index and a cull. With a `cutoff` the distance is
 * exact below it, and otherwise only known not to be below it (Infinity, or a farther piece's
 * exact distance): all a verdict needs.
 */
export function segmentVolumeDistance(
  volume: Volume, x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, out: SegmentPrismDistance,
  cutoff = Infinity,
): SegmentPrismDistance {
  out.distance = Infinity; out.horizontal = Infinity; out.vertical = null; out.verticalT = NaN;
  for (const piece of volume.pieces) foldPieceDistance(out, pieceDistance(piece, x0, y0, z0, x1, y1, z1, PIECE_OUT, cutoff));
  return out;
}

const NO_HOLES: readonly [number, number][][] = [];

function prismPiece(cut: OpenCut): Piece {
  return piece(preparePrism(cut.footprint, cut.bottomZ, cut.topZ, cut.holes ?? NO_HOLES));
}

function piece(prism: Prism): Piece {
  return { shape: 'prism', prism, bounds: { minX: prism.minX, minY: prism.minY, minZ: prism.bottomZ, maxX: prism.maxX, maxY: prism.maxY, maxZ: prism.topZ } };
}

function cylinderPiece(x: number, y: number, radius: number, bottomZ: number, topZ: number): Piece {
  const cylinder = prepareCylinder(x, y, radius, bottomZ, topZ);
  return { shape: 'cylinder', cylinder, bounds: cylinder };
}

type ConvexPiece = Extract<Piece, { shape: 'convex' }>;
type CylinderPiece = Extract<Piece, { shape: 'cylinder' }>;

/**
 * A trench's volume and pieces reused from one screening to the next (`screenedVolume(…, true)`):
 * the pieces' prisms and cylinders are overwritten in place, so a screening allocates none of them
 * (a trench of 4 legs had ~7 convex prisms of 8 arrays each, ~14 KB a screening). Valid until the
 * next such call, as the open cut's (screen.ts: a screening's volume never outlives it).
 */
interface TrenchPool { volume: Volume; convex: ConvexPiece[]; cylinders: CylinderPiece[] }
let trenchPool: TrenchPool | null = null;

/** Module scratch of trenchPieces: each leg's unit direction, and the polygon of the piece being built (x, y per vertex). */
const LEG_X = doubles(), LEG_Y = doubles(), POLYGON = doubles();

/**
 * The trench's pieces (see the header), into `pool`'s reused pieces when given. Directions are unit
 * vectors of each segment; a left normal is (−ey, ex).
 */
export function trenchPieces(t: Trench, pool?: TrenchPool): Piece[] {
  const c = t.centreline, b = t.bottomZ, h = t.width / 2, top = t.topZ;
  const n = c.length;
  const ex = LEG_X, ey = LEG_Y, poly = POLYGON;
  const pieces: Piece[] = pool ? pool.volume.pieces : [];
  pieces.length = 0;
  let convexUsed = 0, cylindersUsed = 0;
  const addConvex = (count: number, px: number, py: number, pz: number, gx: number, gy: number): void => {
    const used = pool ? pool.convex[convexUsed++] : undefined;
    const convex = prepareConvexPrismAt(poly, count, px, py, pz, gx, gy, top, used?.convex);
    const made: ConvexPiece = used ?? { shape: 'convex', convex, bounds: convex };
    if (pool && !used) pool.convex.push(made);
    pieces.push(made);
  };
  const addCylinder = (x: number, y: number, radius: number, bottomZ: number): void => {
    const used = pool ? pool.cylinders[cylindersUsed++] : undefined;
    const cylinder = prepareCylinder(x, y, radius, bottomZ, top, used?.cylinder);
    const made: CylinderPiece = used ?? { shape: 'cylinder', cylinder, bounds: cylinder };
    if (pool && !used) pool.cylinders.push(made);
    pieces.push(made);
  };
  // Per segment its box (one length per segment: its direction and its slope share it).
  for (let i = 0; i + 1 < n; i++) {
    const [ax, ay] = c[i]!, [bx, by] = c[i + 1]!;
    const len = hypot2(bx - ax, by - ay);
    const ux = (bx - ax) / len, uy = (by - ay) / len, nx = -uy * h, ny = ux * h;
    put(ex, i, ux); put(ey, i, uy);
    const slope = (b[i + 1]! - b[i]!) / len;
    put(poly, 0, ax - nx); put(poly, 1, ay - ny); put(poly, 2, bx - nx); put(poly, 3, by - ny);
    put(poly, 4, bx + nx); put(poly, 5, by + ny); put(poly, 6, ax + nx); put(poly, 7, ay + ny);
    addConvex(4, ax, ay, b[i]!, slope * ux, slope * uy);
  }
  for (let i = 1; i + 1 < n; i++) {
    const [vx, vy] = c[i]!;
    const e1x = ex[i - 1]!, e1y = ey[i - 1]!, e2x = ex[i]!, e2y = ey[i]!;
    const cross = e1x * e2y - e1y * e2x;
    // Outer side of the bend: right of a left turn, left of a right turn.
    const side = cross > 0 ? -1 : 1;
    const o1x = -e1y * side, o1y = e1x * side, o2x = -e2y * side, o2y = e2x * side;
    const sumX = o1x + o2x, sumY = o1y + o2y;
    const cosHalf = hypot2(sumX, sumY) / 2;
    const sinHalf = hypot2(o1x - o2x, o1y - o2y) / 2;
    // How far the mitre's tip lies beyond the round joint: h/cos(φ/2) − h, without cancellation.
    const excess = cosHalf > 0 ? (h * sinHalf * sinHalf) / ((1 + cosHalf) * cosHalf) : Infinity;
    if (cross === 0 || excess < TRENCH_WEDGE_MIN_M) {
      addCylinder(vx, vy, h + (cross === 0 ? 0 : excess), b[i]!);
      continue;
    }
    addCylinder(vx, vy, h, b[i]!);
    const mx = sumX / (2 * cosHalf), my = sumY / (2 * cosHalf);
    const ax = vx + h * o1x, ay = vy + h * o1y, bx = vx + h * o2x, by = vy + h * o2y;
    const mitre = h / cosHalf;
    put(poly, 0, vx); put(poly, 1, vy); put(poly, 2, ax); put(poly, 3, ay);
    if (mitre <= TRENCH_MITRE_LIMIT * h) {
      put(poly, 4, vx + mitre * mx); put(poly, 5, vy + mitre * my); put(poly, 6, bx); put(poly, 7, by);
      addConvex(4, vx, vy, b[i]!, 0, 0);
    } else {
      // Cut square to the bisector at TRENCH_MITRE_LIMIT·h: slide out along each leg's outer edge.
      const reach = TRENCH_MITRE_LIMIT * h - h * cosHalf;
      const s1 = reach / (e1x * mx + e1y * my), s2 = reach / -(e2x * mx + e2y * my);
      put(poly, 4, ax + s1 * e1x); put(poly, 5, ay + s1 * e1y); put(poly, 6, bx - s2 * e2x); put(poly, 7, by - s2 * e2y);
      put(poly, 8, bx); put(poly, 9, by);
      addConvex(5, vx, vy, b[i]!, 0, 0);
    }
  }
  return pieces;
}

/** The trench's volume in the reused pool (see TrenchPool). */
function reusedTrenchVolume(t: Trench): Volume {
  const pool = trenchPool ?? (trenchPool = { volume: { pieces: [], bounds: emptyBounds(), index: null }, convex: [], cylinders: [] });
  return volumeOfPieces(trenchPieces(t, pool), pool.volume);
}

type CapsulePiece = Extract<Piece, { shape: 'capsule' }>;
type PrismPiece = Extract<Piece, { shape: 'prism' }>;

/**
 * A bore's volume and pieces reused from one screening to the next (`screenedVolume(…, true)`), as a
 * trench's (TrenchPool): its legs' capsules and its pits' prisms are overwritten in place (a bore of
 * 5 legs and 2 pits allocated ~4.6 KB of them per screening). Valid until the next such call.
 */
interface BorePool { volume: Volume; capsules: CapsulePiece[]; pits: PrismPiece[] }
let borePool: BorePool | null = null;

/** The bore's pieces (a capsule per leg, then the entry and exit pits), into `pool`'s reused pieces when given. */
function borePieces(bore: BorePath, pool?: BorePool): Piece[] {
  const r = bore.reamerDiameter / 2;
  const pieces: Piece[] = pool ? pool.volume.pieces : [];
  pieces.length = 0;
  for (let i = 0; i + 1 < bore.path.length; i++) {
    const [x0, y0, z0] = bore.path[i]!, [x1, y1, z1] = bore.path[i + 1]!;
    const used = pool ? pool.capsules[i] : undefined;
    if (used) {
      prepareCapsule(x0, y0, z0, x1, y1, z1, r, used.capsule);
      pieces.push(used);
    } else {
      const capsule = prepareCapsule(x0, y0, z0, x1, y1, z1, r);
      const made: CapsulePiece = { shape: 'capsule', capsule, bounds: capsule };
      if (pool) pool.capsules.push(made);
      pieces.push(made);
    }
  }
  const entry = bore.entryPit ? pitPiece(bore.entryPit, pool, 0) : null;
  if (entry) pieces.push(entry);
  if (bore.exitPit) pieces.push(pitPiece(bore.exitPit, pool, entry ? 1 : 0));
  return pieces;
}

/** A pit's piece: `pool`'s k-th pit overwritten when it has one (else a new piece, kept there). */
function pitPiece(pit: OpenCut, pool: BorePool | undefined, k: number): Piece {
  const used = pool ? pool.pits[k] : undefined;
  if (!used) {
    const made = prismPiece(pit) as PrismPiece;
    if (pool) pool.pits.push(made);
    return made;
  }
  setBounds(used.bounds, preparePrism(pit.footprint, pit.bottomZ, pit.topZ, pit.holes ?? NO_HOLES, used.prism));
  return used;
}

/** The bore's volume in the reused pool (see BorePool). */
function reusedBoreVolume(bore: BorePath): Volume {
  const pool = borePool ?? (borePool = { volume: { pieces: [], bounds: emptyBounds(), index: null }, capsules: [], pits: [] });
  return volumeOfPieces(borePieces(bore, pool), pool.volume);
}

function pilePieces(group: PileGroup): Piece[] {
  return group.piles.map((p) => cylinderPiece(p.x, p.y, p.diameter / 2, p.topZ - p.depth, p.topZ));
}

/**
 * A pile group's volume and cylinders reused from one screening to the next (`screenedVolume(…, true)`),
 * as a trench's (TrenchPool): each pile's cylinder is overwritten in place. Valid until the next such call.
 */
interface PilePool { volume: Volume; cylinders: CylinderPiece[] }
let pilePool: PilePool | null = null;

/** pilePieces of the group checkPiles just checked (piles.ts PILES), into `pool`'s cylinders when given. */
function checkedPilePieces(pool?: PilePool): Piece[] {
  const { count, x, y, diameter, topZ, depth } = PILES;
  const pieces: Piece[] = pool ? pool.volume.pieces : [];
  pieces.length = 0;
  for (let i = 0; i < count; i++) {
    const used = pool ? pool.cylinders[i] : undefined;
    const cylinder = prepareCylinder(x[i]!, y[i]!, diameter[i]! / 2, topZ[i]! - depth[i]!, topZ[i]!, used?.cylinder);
    const made: CylinderPiece = used ?? { shape: 'cylinder', cylinder, bounds: cylinder };
    if (pool && !used) pool.cylinders.push(made);
    pieces.push(made);
  }
  return pieces;
}

/** The checked pile group's volume in the reused pool (see PilePool). */
function reusedPileVolume(): Volume {
  const pool = pilePool ?? (pilePool = { volume: { pieces: [], bounds: emptyBounds(), index: null }, cylinders: [] });
  return volumeOfPieces(checkedPilePieces(pool), pool.volume);
}

/** The screened volume of a validated excavation. */
export function volumeOf(work: Excavation): Volume {
  let pieces: Piece[];
  switch (work.kind) {
    case 'open_cut': pieces = [prismPiece(work)]; break;
    case 'trench': pieces = trenchPieces(work); break;
    case 'bore': pieces = borePieces(work); break;
    case 'piles': pieces = pilePieces(work); break;
    default: {
      const never: never = work;
      throw new RangeError(`no screening volume for excavation kind ${String((never as { kind?: unknown }).kind)}`);
    }
  }
  return volumeOfPieces(pieces);
}

/**
 * `volumeOf(validateExcavation(input))`: the same refusals and the same volume. An open cut goes from
 * its input to its prism (openCut.ts `openCutPrism`), a pile group to its cylinders (piles.ts
 * `checkPiles`), without building the validated copy, which nothing else reads in a screening.
 */
export function screenedVolume(input: unknown, reuse = false): Volume {
  const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  if (kind === 'piles') {
    checkPiles(input);
    return reuse ? reusedPileVolume() : volumeOfPieces(checkedPilePieces());
  }
  if (kind !== 'open_cut') {
    const work = validateExcavation(input);
    if (reuse && work.kind === 'trench') return reusedTrenchVolume(work);
    return reuse && work.kind === 'bore' ? reusedBoreVolume(work) : volumeOf(work);
  }
  if (!reuse) return volumeOfPieces([piece(openCutPrism(input))]);
  // An open cut's volume, prism and bounds overwritten in place: nothing allocated per screening.
  const cut = reusedCut;
  if (!cut) return (reusedCut = volumeOfPieces([piece(openCutPrism(input))]));
  const only = cut.pieces[0] as Extract<Piece, { shape: 'prism' }>;
  const prism = openCutPrism(input, only.prism);
  setBounds(only.bounds, prism);
  setBounds(cut.bounds, prism);
  return cut;
}

/**
 * The open-cut volume `screenedVolume(…, true)` overwrites for each screening: with `reuse`, the
 * volume returned is valid until the next such call (screen.ts: a screening's volume never outlives it).
 */
let reusedCut: Volume | null = null;

function setBounds(b: Bounds, prism: Prism): void {
  b.minX = prism.minX; b.minY = prism.minY; b.minZ = prism.bottomZ; b.maxX = prism.maxX; b.maxY = prism.maxY; b.maxZ = prism.topZ;
}

function emptyBounds(): Bounds {
  return { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
}

/** The volume of `pieces`: their union's bounds and, from PIECE_INDEX_FROM on, a flatbush of them; into a used volume when given. */
function volumeOfPieces(pieces: Piece[], into?: Volume): Volume {
  const bounds: Bounds = into ? into.bounds : emptyBounds();
  if (into) { bounds.minX = Infinity; bounds.minY = Infinity; bounds.minZ = Infinity; bounds.maxX = -Infinity; bounds.maxY = -Infinity; bounds.maxZ = -Infinity; }
  for (const { bounds: p } of pieces) {
    bounds.minX = Math.min(bounds.minX, p.minX); bounds.minY = Math.min(bounds.minY, p.minY); bounds.minZ = Math.min(bounds.minZ, p.minZ);
    bounds.maxX = Math.max(bounds.maxX, p.maxX); bounds.maxY = Math.max(bounds.maxY, p.maxY); bounds.maxZ = Math.max(bounds.maxZ, p.maxZ);
  }
  let index: Flatbush | null = null;
  if (pieces.length > PIECE_INDEX_FROM) {
    index = new Flatbush(pieces.length);
    for (const { bounds: p } of pieces) index.add(p.minX, p.minY, p.maxX, p.maxY);
    index.finish();
  }
  if (!into) return { pieces, bounds, index };
  into.pieces = pieces; into.index = index;
  return into;
}
