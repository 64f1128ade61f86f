/**
 * Cuts a layer's instances into a quadtree of 3D Tiles 1.1 tiles with additive refinement.
 *
 * Placement (level of detail by importance, importance.ts):
 * - the quadtree is over the layer's extent in the local frame; an instance belongs to the cell
 *   holding its anchor (a segment's midpoint, a fitting's position), so it is in exactly one tile;
 * - walking down from the root, a tile takes the most important instances of its cell first:
 *   trunks anywhere, distribution lines once the cell is at most `distributionMaxCellM` across,
 *   service lines and connections only in leaf tiles. Whole links (their part in the cell) are
 *   taken in order of (importance, size descending) until the level's budget would be passed
 *   (`rootInstances` at the root, 4× more per level down, at most `maxInstancesPerTile`);
 *   what is left goes to the four children. So the biggest mains come first, in the root;
 * - a cell becomes a leaf when what is left fits the budget and every class in it may be placed
 *   at that cell size, or at `maxDepth`.
 *
 * Geometric error (metres, what CesiumJS compares with its screen-space error): the tileset's is
 * the width of the root cell (drawing nothing misses the whole layer), so trunks are drawn whenever
 * the layer is in view. A leaf has 0. A
 * parent's error is what is missing until its children load: the largest CLASS_ERROR_M of the
 * classes in its children's content, and at least twice the children's own error (the usual
 * halving per quadtree level). So errors fall strictly with depth, service lines load only near
 * the camera and trunks from afar. With CesiumJS's default maximumScreenSpaceError 16 on a
 * 1080-pixel-high view (60° field of view) a tile refines within about 58 × its error: trunk
 * content of the children from ~7 km, distribution from ~1.5 km, services from ~300 m.
 *
 * Bounding volumes are boxes in the tileset frame (ENU at the project origin; the root tile's
 * `transform` maps it to ECEF), built bottom-up from each instance's conservative box
 * (layerInstances.ts), so a tile's box holds its content and all its descendants (CesiumJS does
 * not traverse into a tile whose box is culled). Each content also gets its own tighter box.
 */
import { fittingBox, segmentBox, type LayerInstances } from './layerInstances';
import { DISTRIBUTION, SERVICE, TRUNK } from './importance';

export interface TilingOptions {
  /** Most instances (segments + fittings) in one tile, except at maxDepth. */
  maxInstancesPerTile: number;
  /**
   * Most instances in the root; each level down may hold 4× more (as many per square metre as its
   * parent), up to maxInstancesPerTile. The root is drawn in every view of the layer and its box
   * is the whole layer, so it cannot be culled: fewer instances there is a cheaper frame everywhere.
   */
  rootInstances: number;
  /** Deepest level; cells there take all that is left. */
  maxDepth: number;
  /** Distribution lines are placed only in cells at most this wide, m. */
  distributionMaxCellM: number;
  /** Geometric error a missing class adds, m: [trunk, distribution, service]. */
  classErrorM: readonly [number, number, number];
}

/**
 * ~8k instances make a tile of ~100 kB gzipped: big enough that the per-tile JSON is noise in the
 * bytes per segment, small enough to cull a city into a few hundred tiles.
 */
export const DEFAULT_TILING: TilingOptions = {
  maxInstancesPerTile: 8192,
  rootInstances: 2048,
  maxDepth: 10,
  distributionMaxCellM: 2000,
  classErrorM: [120, 25, 5],
};

/** Child errors are at most this fraction of their parent's. */
const LEVEL_ERROR_RATIO = 2;
/** Smallest half-size of a bounding box, m (a degenerate box is not a volume). */
const MIN_HALF_SIZE_M = 0.01;

/** minX, minY, minZ, maxX, maxY, maxZ in the tileset frame, m. */
export type Box6 = [number, number, number, number, number, number];

export interface TileNode {
  /** `level-x-y`, x counting cells from the west, y from the south. */
  id: string;
  level: number;
  x: number;
  y: number;
  /** The cell in the local frame, m. */
  cell: { minX: number; minY: number; size: number };
  /** Instance indices of the content (into layer.seg* and layer.fit*). */
  segments: Uint32Array;
  fittings: Uint32Array;
  children: TileNode[];
  /** Boxes of each content alone; null when the tile has none of that kind. */
  linesBox: Box6 | null;
  fittingsBox: Box6 | null;
  /** Box of the content and every descendant. */
  box: Box6;
  geometricError: number;
  /** Most important class in the content (0 trunk … 2 service), -1 when empty. */
  bestClass: number;
}

export interface TileTree {
  root: TileNode;
  /** All tiles by id, parents before children. */
  tiles: Map<string, TileNode>;
  /** Geometric error of the whole tileset (error of drawing nothing). */
  geometricError: number;
  options: TilingOptions;
}

export function buildTileTree(layer: LayerInstances, options: Partial<TilingOptions> = {}): TileTree {
  const opt: TilingOptions = { ...DEFAULT_TILING, ...options };
  if (!(opt.maxInstancesPerTile >= 1)) throw new RangeError(`buildTileTree: maxInstancesPerTile must be ≥ 1; got ${opt.maxInstancesPerTile}`);
  if (!(opt.rootInstances >= 1)) throw new RangeError(`buildTileTree: rootInstances must be ≥ 1; got ${opt.rootInstances}`);
  const budget = (level: number) => Math.min(opt.maxInstancesPerTile, opt.rootInstances * 4 ** level);
  if (!(Number.isInteger(opt.maxDepth) && opt.maxDepth >= 0 && opt.maxDepth <= 24)) throw new RangeError(`buildTileTree: maxDepth must be an integer 0..24; got ${opt.maxDepth}`);
  const nS = layer.segmentCount, nF = layer.fittingCount, n = nS + nF;
  if (n === 0) throw new RangeError(`buildTileTree: layer ${layer.utility} has no segments and no fittings to tile`);

  // Per item: anchor in the local frame, class, box, and a sort key (class, size desc, feature).
  const ax = new Float64Array(n), ay = new Float64Array(n), cls = new Uint8Array(n), key = new Float64Array(n);
  const boxes = new Float64Array(n * 6);
  const feature = new Uint32Array(n);
  for (let s = 0; s < nS; s++) {
    const li = layer.segLink[s]!, v = layer.links[li]!.vertices, o = layer.segVertex[s]! * 4;
    ax[s] = (v[o]! + v[o + 4]!) / 2;
    ay[s] = (v[o + 1]! + v[o + 5]!) / 2;
    cls[s] = layer.linkImportance[li]!;
    feature[s] = li;
    key[s] = sortKey(cls[s]!, layer.linkSizeMm[li]!, li);
    segmentBox(layer, s, boxes, s * 6);
  }
  for (let f = 0; f < nF; f++) {
    const i = nS + f, node = layer.nodes[layer.fitNode[f]!]!;
    ax[i] = node.x;
    ay[i] = node.y;
    cls[i] = layer.nodeImportance[f]!;
    // Fittings after lines of their class; a separate feature space (offset by the link count).
    feature[i] = layer.links.length + f;
    key[i] = sortKey(cls[i]!, 0, layer.links.length + f);
    fittingBox(layer, f, boxes, i * 6);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((p, q) => key[p]! - key[q]! || p - q);

  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (ax[i]! < minX) minX = ax[i]!; if (ax[i]! > maxX) maxX = ax[i]!;
    if (ay[i]! < minY) minY = ay[i]!; if (ay[i]! > maxY) maxY = ay[i]!;
  }
  // A square root cell, a metre larger than the extent so no anchor sits on its far edge.
  const rootSize = Math.max(maxX - minX, maxY - minY) + 1;

  const tiles = new Map<string, TileNode>();
  const maySit = (c: number, size: number, leaf: boolean) => c === TRUNK || (c === DISTRIBUTION && (leaf || size <= opt.distributionMaxCellM)) || (c === SERVICE && leaf);

  const build = (items: Uint32Array, level: number, x: number, y: number, cx0: number, cy0: number, size: number): TileNode => {
    const id = `${level}-${x}-${y}`;
    let taken: Uint32Array;
    let rest: Uint32Array;
    const fitsAsLeaf = items.length <= opt.maxInstancesPerTile && items.every((i) => cls[i] !== DISTRIBUTION || size <= opt.distributionMaxCellM);
    if (level >= opt.maxDepth || fitsAsLeaf) {
      taken = items;
      rest = new Uint32Array(0);
    } else {
      // Items arrive in key order, so a feature's items are consecutive: take whole runs.
      let k = 0;
      while (k < items.length) {
        const c = cls[items[k]!]!;
        if (!maySit(c, size, false)) break;
        let end = k + 1;
        while (end < items.length && feature[items[end]!] === feature[items[k]!]) end++;
        if (end > budget(level)) break;
        k = end;
      }
      taken = items.subarray(0, k);
      rest = items.subarray(k);
    }
    const node: TileNode = {
      id, level, x, y, cell: { minX: cx0, minY: cy0, size },
      segments: Uint32Array.from([...taken].filter((i) => i < nS)),
      fittings: Uint32Array.from([...taken].filter((i) => i >= nS).map((i) => i - nS)),
      children: [], linesBox: null, fittingsBox: null, box: emptyBox(), geometricError: 0, bestClass: -1,
    };
    tiles.set(id, node);
    let best = -1;
    for (const i of taken) {
      const b = i < nS ? (node.linesBox ??= emptyBox()) : (node.fittingsBox ??= emptyBox());
      unionInto(b, boxes, i * 6);
      unionInto(node.box, boxes, i * 6);
      if (best < 0 || cls[i]! < best) best = cls[i]!;
    }
    node.bestClass = best;
    if (rest.length > 0) {
      const half = size / 2, mx = cx0 + half, my = cy0 + half;
      const quadrants: number[][] = [[], [], [], []];
      // Stable partition keeps key order within each child.
      for (const i of rest) quadrants[(ax[i]! >= mx ? 1 : 0) + (ay[i]! >= my ? 2 : 0)]!.push(i);
      quadrants.forEach((q, k) => {
        if (q.length === 0) return;
        const qx = k & 1, qy = k >> 1;
        node.children.push(build(Uint32Array.from(q), level + 1, x * 2 + qx, y * 2 + qy, cx0 + qx * half, cy0 + qy * half, half));
      });
    }
    let error = 0;
    for (const child of node.children) {
      unionInto(node.box, child.box, 0);
      const missing = child.bestClass >= 0 ? opt.classErrorM[child.bestClass]! : 0;
      error = Math.max(error, missing, LEVEL_ERROR_RATIO * child.geometricError);
    }
    node.geometricError = error;
    return node;
  };

  const all = Uint32Array.from(order);
  const root = build(all, 0, 0, 0, minX - 0.5, minY - 0.5, rootSize);
  const rootMissing = root.bestClass >= 0 ? opt.classErrorM[root.bestClass]! : 0;
  // The error of drawing nothing is the layer itself: as wide as its root cell. CesiumJS draws no
  // tile of a tileset whose own error is under maximumScreenSpaceError on screen, so a smaller value
  // (the trunk class error) left whole layers of the large city off its opening view.
  const geometricError = Math.max(rootMissing, LEVEL_ERROR_RATIO * root.geometricError, opt.classErrorM[TRUNK], Math.ceil(rootSize));
  return { root, tiles, geometricError, options: opt };
}

/** Ascending: class first, then larger sections, then feature order. Exact in a double (< 2^53). */
function sortKey(cls: number, sizeMm: number, feature: number): number {
  const size = Math.max(0, Math.min(65535, Math.round(sizeMm)));
  return (cls * 65536 + (65535 - size)) * 2 ** 26 + feature;
}

function emptyBox(): Box6 {
  return [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
}

function unionInto(b: Box6, boxes: ArrayLike<number>, o: number): void {
  for (let k = 0; k < 3; k++) {
    if (boxes[o + k]! < b[k]!) b[k] = boxes[o + k]!;
    if (boxes[o + 3 + k]! > b[k + 3]!) b[k + 3] = boxes[o + 3 + k]!;
  }
}

/** A 3D Tiles `box` bounding volume: centre then three half-axes, tileset frame. */
export function boxVolume(b: Box6): number[] {
  const c = [(b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2];
  const h = [0, 1, 2].map((k) => Math.max(MIN_HALF_SIZE_M, (b[k + 3]! - b[k]!) / 2));
  return [c[0]!, c[1]!, c[2]!, h[0]!, 0, 0, 0, h[1]!, 0, 0, 0, h[2]!];
}

/** Content URIs of a tile, relative to tileset.json: lines `{id}.glb`, fittings `{id}-fittings.glb`. */
export function linesUri(tileId: string): string {
  return `${tileId}.glb`;
}
export function fittingsUri(tileId: string): string {
  return `${tileId}-fittings.glb`;
}

/** Centre of a box: where a tile's content is anchored. */
export function boxCentre(b: Box6): [number, number, number] {
  return [(b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2];
}

export interface TilesetMeta {
  /** ENU→ECEF of the tileset frame, column-major (TilesetFrame.rootTransform()). */
  rootTransform: number[];
  /** A string that changes with the data (the network version). */
  tilesetVersion: string;
  /** Anything else to carry in `asset.extras`. */
  extras?: Record<string, unknown>;
}

/** The tileset.json of a tree (3D Tiles 1.1, additive refinement, content URIs relative to it). */
export function tilesetJson(tree: TileTree, meta: TilesetMeta): Record<string, unknown> {
  const tileJson = (t: TileNode, isRoot: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (isRoot) out['transform'] = meta.rootTransform;
    out['boundingVolume'] = { box: boxVolume(t.box) };
    out['geometricError'] = t.geometricError;
    if (isRoot) out['refine'] = 'ADD';
    // 3D Tiles 1.1 multiple contents: lines and fittings are separate glTFs (one property table each).
    const contents: Record<string, unknown>[] = [];
    if (t.linesBox) contents.push({ uri: linesUri(t.id), boundingVolume: { box: boxVolume(t.linesBox) } });
    if (t.fittingsBox) contents.push({ uri: fittingsUri(t.id), boundingVolume: { box: boxVolume(t.fittingsBox) } });
    if (contents.length === 1) out['content'] = contents[0];
    else if (contents.length > 1) out['contents'] = contents;
    if (t.children.length > 0) out['children'] = t.children.map((c) => tileJson(c, false));
    return out;
  };
  const asset: Record<string, unknown> = { version: '1.1', tilesetVersion: meta.tilesetVersion, generator: 'Undergrid tiles' };
  if (meta.extras) asset['extras'] = meta.extras;
  return { asset, geometricError: tree.geometricError, root: tileJson(tree.root, true) };
}
