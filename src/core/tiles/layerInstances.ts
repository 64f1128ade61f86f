/**
 * One utility layer as instances in the tileset frame (ENU at the project origin, see
 * earthFrame.ts): one instance per straight segment of every link, one per fitting. Arrays are
 * columnar (struct of arrays) so a million segments stay a few tens of MB.
 *
 * Segments shorter than MIN_SEGMENT_M are skipped and reported, not thrown (a zero-length pipe has
 * no direction); everything else becomes exactly one instance.
 */
import { VERTEX_STRIDE, coverAt, type Link, type NetworkNode, type NodeType, type UtilityType } from '../model';
import { TilesetFrame, type HeightReference } from './earthFrame';
import { linkImportance, nodeImportance, sectionSizeMm } from './importance';

/** Shorter than this a segment has no usable direction, m. */
export const MIN_SEGMENT_M = 1e-3;

/**
 * Slack added to every bounding box, m: covers float32 rounding of instance translations and
 * scales and the int16 quantisation of rotations (≤ 3e-5 rad), plus the snapping of translations
 * and lengths (instancedPipes.ts, ≤ 4 mm). `BOUNDS_SLACK_PER_M` grows it with the segment length.
 */
export const BOUNDS_SLACK_M = 0.02;
export const BOUNDS_SLACK_PER_M = 1e-4;

/**
 * How a fitting is drawn: an upright cylinder (the unit cylinder stood on end), `diameter` across.
 * `toGround` shafts run from the fitting up to the ground (a manhole's chamber and shaft) and
 * `aboveGround` further (a hydrant's barrel, so a crew can find it); the rest are `height` tall,
 * centred on the fitting. One shape for all keeps a tile's fittings in one instanced node and one
 * property table (CesiumJS styles and picks from one table per glTF).
 */
export interface FittingShape {
  diameter: number;
  height: number;
  toGround?: boolean;
  aboveGround?: number;
}

/**
 * Display sizes of fittings, m. Access chambers are commonly 0.7–1.0 m inside (CJJ 6-2009); the
 * rest are drawn larger than life so they can be found and picked.
 */
export const FITTING_SHAPES: Record<NodeType, FittingShape> = {
  manhole: { diameter: 1.0, height: 0, toGround: true },
  hydrant: { diameter: 0.25, height: 0, toGround: true, aboveGround: 0.75 },
  valve: { diameter: 0.5, height: 0.5 },
  junction: { diameter: 0.3, height: 0.3 },
  tee: { diameter: 0.3, height: 0.3 },
  meter: { diameter: 0.4, height: 0.4 },
  service_connection: { diameter: 0.4, height: 0.4 },
  tank: { diameter: 3.0, height: 3.0 },
  source: { diameter: 3.0, height: 3.0 },
  outfall: { diameter: 1.5, height: 1.5 },
};

/**
 * Junctions and tees are points where pipes meet: drawn, they would be boxes hidden inside the
 * pipes, a third of a water layer's fittings for nothing. They stay in the network and the API.
 */
export const UNDRAWN_NODE_TYPES: ReadonlySet<NodeType> = new Set(['junction', 'tee']);

/** A shaft is never drawn shorter than this, m (a fitting at or above ground). */
export const MIN_SHAFT_M = 0.3;

export interface SkippedSegment {
  linkId: string;
  /** Index of the segment's first vertex. */
  segment: number;
  reason: string;
}

export interface LayerInstances {
  utility: UtilityType;
  links: readonly Link[];
  nodes: readonly NetworkNode[];
  frame: TilesetFrame;
  heightReference: HeightReference;

  /** Per link. */
  linkImportance: Uint8Array;
  linkSizeMm: Float64Array;
  /** Extent of the section across the pipe: vertical (glTF Y) and horizontal (glTF Z), m. */
  linkHeightM: Float64Array;
  linkWidthM: Float64Array;
  linkMinCover: Float64Array;
  linkMaxCover: Float64Array;

  /** Per segment instance. */
  segmentCount: number;
  segLink: Uint32Array;
  /** Index of the segment's first vertex in its link. */
  segVertex: Uint32Array;
  /** Start and end in the tileset frame, 3 numbers each. */
  segStart: Float64Array;
  segEnd: Float64Array;

  /** Per fitting instance (every node of the layer but UNDRAWN_NODE_TYPES). */
  fittingCount: number;
  fitNode: Uint32Array;
  /** Bottom and top of the upright cylinder, tileset frame. */
  fitStart: Float64Array;
  fitEnd: Float64Array;
  /** Diameter, m. */
  fitSize: Float64Array;
  nodeImportance: Uint8Array;

  skipped: SkippedSegment[];
}

export interface LayerInput {
  utility: UtilityType;
  frame: TilesetFrame;
  links: readonly Link[];
  nodes: readonly NetworkNode[];
  heightReference?: HeightReference;
}

export function layerInstances(input: LayerInput): LayerInstances {
  const { links, nodes, frame, utility } = input;
  const heightReference = input.heightReference ?? 'ground';
  for (const l of links) if (l.utility !== utility) throw new RangeError(`layerInstances: link "${l.id}" is ${l.utility}, the layer is ${utility}`);
  for (const n of nodes) if (n.utility !== utility) throw new RangeError(`layerInstances: node "${n.id}" is ${n.utility}, the layer is ${utility}`);
  const height = heightReference === 'ground' ? (z: number, g: number) => z - g : (z: number) => z;

  let maxSegments = 0;
  for (const l of links) maxSegments += Math.max(0, l.vertices.length / VERTEX_STRIDE - 1);
  const segLink = new Uint32Array(maxSegments);
  const segVertex = new Uint32Array(maxSegments);
  const segStart = new Float64Array(maxSegments * 3);
  const segEnd = new Float64Array(maxSegments * 3);
  const nL = links.length;
  const out: Pick<LayerInstances, 'linkImportance' | 'linkSizeMm' | 'linkHeightM' | 'linkWidthM' | 'linkMinCover' | 'linkMaxCover'> = {
    linkImportance: new Uint8Array(nL), linkSizeMm: new Float64Array(nL), linkHeightM: new Float64Array(nL),
    linkWidthM: new Float64Array(nL), linkMinCover: new Float64Array(nL), linkMaxCover: new Float64Array(nL),
  };
  const skipped: SkippedSegment[] = [];
  const prev = new Float64Array(3), cur = new Float64Array(3);
  let s = 0;
  for (let li = 0; li < nL; li++) {
    const l = links[li]!;
    out.linkImportance[li] = linkImportance(l);
    out.linkSizeMm[li] = sectionSizeMm(l.section);
    out.linkHeightM[li] = l.section.shape === 'circular' ? l.section.diameterMm / 1000 : l.section.heightMm / 1000;
    out.linkWidthM[li] = l.section.shape === 'circular' ? l.section.diameterMm / 1000 : l.section.widthMm / 1000;
    const v = l.vertices;
    const n = v.length / VERTEX_STRIDE;
    let minCover = Infinity, maxCover = -Infinity;
    for (let i = 0; i < n; i++) {
      const c = coverAt(l, i);
      if (c < minCover) minCover = c;
      if (c > maxCover) maxCover = c;
      const o = i * VERTEX_STRIDE;
      frame.toTileset(v[o]!, v[o + 1]!, height(v[o + 2]!, v[o + 3]!), cur);
      if (i > 0) {
        const len = Math.hypot(cur[0]! - prev[0]!, cur[1]! - prev[1]!, cur[2]! - prev[2]!);
        if (!(len >= MIN_SEGMENT_M)) {
          skipped.push({ linkId: l.id, segment: i - 1, reason: `segment is ${len.toFixed(4)} m long (< ${MIN_SEGMENT_M} m): no direction to draw it along` });
        } else {
          segLink[s] = li;
          segVertex[s] = i - 1;
          segStart.set(prev, s * 3);
          segEnd.set(cur, s * 3);
          s++;
        }
      }
      prev.set(cur);
    }
    out.linkMinCover[li] = n > 0 ? minCover : 0;
    out.linkMaxCover[li] = n > 0 ? maxCover : 0;
  }

  const drawn: number[] = [];
  nodes.forEach((node, i) => { if (!UNDRAWN_NODE_TYPES.has(node.nodeType)) drawn.push(i); });
  const nN = drawn.length;
  const fitNode = new Uint32Array(nN);
  const fitStart = new Float64Array(nN * 3);
  const fitEnd = new Float64Array(nN * 3);
  const fitSize = new Float64Array(nN);
  const nodeImp = new Uint8Array(nN);
  for (let i = 0; i < nN; i++) {
    const node = nodes[drawn[i]!]!;
    const shape = FITTING_SHAPES[node.nodeType];
    fitNode[i] = drawn[i]!;
    fitSize[i] = shape.diameter;
    nodeImp[i] = nodeImportance(node);
    const h = height(node.z, node.ground);
    let bottom = h - shape.height / 2, top = h + shape.height / 2;
    if (shape.toGround) {
      bottom = h;
      top = Math.max(height(node.ground, node.ground) + (shape.aboveGround ?? 0), h + MIN_SHAFT_M);
    }
    // Both ends through the exact transform: the cylinder stands along the local vertical.
    frame.toTileset(node.x, node.y, bottom, fitStart, i * 3);
    frame.toTileset(node.x, node.y, top, fitEnd, i * 3);
  }

  return {
    utility, links, nodes, frame, heightReference, ...out,
    segmentCount: s, segLink: segLink.subarray(0, s), segVertex: segVertex.subarray(0, s),
    segStart: segStart.subarray(0, s * 3), segEnd: segEnd.subarray(0, s * 3),
    fittingCount: nN, fitNode, fitStart, fitEnd, fitSize, nodeImportance: nodeImp,
    skipped,
  };
}

/**
 * Conservative axis-aligned box of segment s in the tileset frame, written to out[o..o+5] as
 * minX, minY, minZ, maxX, maxY, maxZ: the end points ± the section's bounding radius (a disc of
 * radius r reaches at most r along any axis) plus the slack for quantisation.
 */
export function segmentBox(layer: LayerInstances, s: number, out: Float64Array, o: number): void {
  const li = layer.segLink[s]!;
  const a = layer.segStart, b = layer.segEnd;
  const len = Math.hypot(b[s * 3]! - a[s * 3]!, b[s * 3 + 1]! - a[s * 3 + 1]!, b[s * 3 + 2]! - a[s * 3 + 2]!);
  const r = Math.hypot(layer.linkHeightM[li]!, layer.linkWidthM[li]!) / 2 + BOUNDS_SLACK_M + BOUNDS_SLACK_PER_M * len;
  for (let k = 0; k < 3; k++) {
    const p = a[s * 3 + k]!, q = b[s * 3 + k]!;
    out[o + k] = Math.min(p, q) - r;
    out[o + 3 + k] = Math.max(p, q) + r;
  }
}

/** Conservative box of fitting f: its axis end points ± its radius, as segmentBox. */
export function fittingBox(layer: LayerInstances, f: number, out: Float64Array, o: number): void {
  const a = layer.fitStart, b = layer.fitEnd;
  const len = Math.hypot(b[f * 3]! - a[f * 3]!, b[f * 3 + 1]! - a[f * 3 + 1]!, b[f * 3 + 2]! - a[f * 3 + 2]!);
  const r = layer.fitSize[f]! / 2 + BOUNDS_SLACK_M + BOUNDS_SLACK_PER_M * len;
  for (let k = 0; k < 3; k++) {
    const p = a[f * 3 + k]!, q = b[f * 3 + k]!;
    out[o + k] = Math.min(p, q) - r;
    out[o + 3 + k] = Math.max(p, q) + r;
  }
}
