/**
 * A tile's two contents as glTF 2.0 (GLB). Lines: a unit cylinder instanced once per straight
 * segment of a round pipe, a unit box once per segment of a rectangular duct. Fittings: upright
 * cylinders. Both with EXT_mesh_gpu_instancing (TRANSLATION, ROTATION, SCALE), per-instance feature
 * ids (EXT_instance_features) and their attributes in one EXT_structural_metadata property table
 * per GLB. Two GLBs, not one, because CesiumJS styles and picks from a single property table per
 * glTF: a tile lists both in its 3D Tiles 1.1 `contents`.
 *
 * Axis convention (the part that went wrong before; tested in tests/core/tiles.pipes.test.ts):
 * - the unit shapes lie along glTF +X, centred, one unit long and across (unitMeshes.ts);
 * - glTF is y-up. A tileset turns glTF content z-up with Y_UP_TO_Z_UP (+90° about X:
 *   (x, y, z)_glTF → (x, −z, y)_tile), 3D Tiles 1.1 §"glTF transforms". So a tileset-frame point
 *   (east, north, up) is written in glTF as (east, up, −north);
 * - an instance's rotation is yaw ψ about glTF +Y (up) then pitch θ about its own +Z:
 *   q = q_y(ψ) ⊗ q_z(θ) = (sin ψ/2 · sin θ/2, sin ψ/2 · cos θ/2, cos ψ/2 · sin θ/2, cos ψ/2 · cos θ/2),
 *   with ψ = atan2(north, east) and θ = atan2(up, horizontal) of the segment. It takes +X onto the
 *   segment and keeps the box's +Y in the vertical plane through it (no roll), so a duct's height
 *   stays vertical. SCALE = (length, height, width); a round pipe's height and width are its diameter;
 * - each content node carries `translation` = the tile's anchor in glTF coordinates; instance
 *   translations are relative to it (small numbers, float32-exact to a few µm).
 * CesiumJS (1.140) applies exactly Y_UP_TO_Z_UP to tileset content (Cesium3DTileset uses
 * forwardAxis X). `Model.fromGltfAsync` defaults to forwardAxis Z and adds a further 90° turn
 * (Z_UP_TO_X_UP): a tile loaded as a bare Model needs `forwardAxis: Axis.X` to match.
 *
 * Compression (EXT_meshopt_compression, meshopt.ts; README "Size on the wire"): translations and
 * lengths are snapped to 1/128 m, which the exponential filter then keeps exactly; rotations go
 * through the quaternion filter; instances are ordered by link and segment so consecutive
 * translations are close and rotations, scales and feature ids repeat for the byte-delta codec.
 */
import type { Rgb } from '../colours';
import { GL, GltfBuilder } from './glb';
import type { LayerInstances } from './layerInstances';
import { FITTING_CLASS, LINK_CLASS, enumValueType, writePropertyTable, type Column, type LayerSchema, type PropertyTableJson } from './metadata';
import { IMPORTANCE_NAMES } from './importance';
import { exponentialFilter, quaternionFilter } from './meshopt';
import { unitBox, unitCylinder } from './unitMeshes';

/** Instance translations and lengths are multiples of this, m (3.9 mm steps; the error is half). */
export const POSITION_QUANTUM_M = 1 / 128;
/**
 * Precision of the meshopt filters (meshopt.ts). Quaternions: 16 bits a component, decoded to
 * normalized int16 (EXT_mesh_gpu_instancing allows SHORT normalized): ≤ 3e-5 rad, 3 mm at the end
 * of a 100 m segment. Translations and scales: a 24-bit mantissa, one exponent per component over
 * the batch, so values snapped to POSITION_QUANTUM_M (a power of two) come back exactly while the
 * batch is under 2^16 m across.
 */
const QUATERNION_BITS = 16;
/** Uncompressed quaternions: normalized int16. */
const INT16_MAX = 32767;
const EXPONENT_BITS = 24;

export const INSTANCING = 'EXT_mesh_gpu_instancing';
export const INSTANCE_FEATURES = 'EXT_instance_features';
export const STRUCTURAL_METADATA = 'EXT_structural_metadata';

export interface TileContentInput {
  layer: LayerInstances;
  schema: LayerSchema;
  /** Instance indices, any order: segments (into layer.seg*) for linesGlb, fittings (into layer.fit*) for fittingsGlb. */
  instances: ArrayLike<number>;
  /** Tileset-frame point the content is drawn relative to (usually its box centre). */
  anchor: readonly [number, number, number];
  /** Base colour of pipes, 8-bit sRGB; fittings are drawn lighter. */
  colour: Rgb;
  /** Reference the layer schema by URI (relative to the tile) instead of embedding it. */
  schemaUri?: string;
  /**
   * 'meshopt' (default): every bufferView but the property tables EXT_meshopt_compression-coded.
   * 'none': plain glTF (quaternions as normalized int16), for viewers without the extension and as
   * the bench's peer.
   */
  compression?: TileCompression;
}

export type TileCompression = 'meshopt' | 'none';

/** Instance transforms in glTF form, ready for accessors. */
export interface InstanceBatch {
  translation: Float32Array;
  /** Unit quaternions (x, y, z, w); stored through meshopt's QUATERNION filter as normalized int16. */
  rotation: Float32Array | null;
  scale: Float32Array;
  /** Row in the property table; unused (implicit ids) for fittings. */
  featureId: Uint32Array;
}

function snap(v: number): number {
  return Math.round(v / POSITION_QUANTUM_M) * POSITION_QUANTUM_M;
}

/**
 * Writes instance i of a batch that lays the unit shape from `a` to `b` (tileset frame, relative to
 * the anchor), with cross-section height h (glTF Y) and width w (glTF Z).
 */
export function writeSegmentInstance(
  a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, anchor: readonly [number, number, number],
  h: number, w: number, batch: InstanceBatch, i: number,
): void {
  const de = b[bo]! - a[ao]!, dn = b[bo + 1]! - a[ao + 1]!, du = b[bo + 2]! - a[ao + 2]!;
  const me = (a[ao]! + b[bo]!) / 2 - anchor[0], mn = (a[ao + 1]! + b[bo + 1]!) / 2 - anchor[1], mu = (a[ao + 2]! + b[bo + 2]!) / 2 - anchor[2];
  // Tileset (east, north, up) → glTF (east, up, −north).
  batch.translation[i * 3] = snap(me);
  batch.translation[i * 3 + 1] = snap(mu);
  batch.translation[i * 3 + 2] = snap(-mn);
  const horizontal = Math.hypot(de, dn);
  const psi = horizontal > 0 ? Math.atan2(dn, de) : 0;
  const theta = Math.atan2(du, horizontal);
  const sp = Math.sin(psi / 2), cp = Math.cos(psi / 2), st = Math.sin(theta / 2), ct = Math.cos(theta / 2);
  const r = batch.rotation!;
  // w = cos ψ/2 · cos θ/2 ≥ 0 (|ψ| ≤ π, |θ| ≤ π/2): one canonical sign, so repeated headings repeat bytes.
  r[i * 4] = sp * st;
  r[i * 4 + 1] = sp * ct;
  r[i * 4 + 2] = cp * st;
  r[i * 4 + 3] = cp * ct;
  batch.scale[i * 3] = Math.max(POSITION_QUANTUM_M, snap(Math.hypot(de, dn, du)));
  batch.scale[i * 3 + 1] = h;
  batch.scale[i * 3 + 2] = w;
}

/** +X onto glTF +Y (up): a quarter turn about +Z. */
const UPRIGHT = [0, 0, Math.SQRT1_2, Math.SQRT1_2];

function newBatch(n: number, rotation: boolean): InstanceBatch {
  return { translation: new Float32Array(n * 3), rotation: rotation ? new Float32Array(n * 4) : null, scale: new Float32Array(n * 3), featureId: new Uint32Array(n) };
}

/** sRGB 8-bit → linear factor, as glTF's baseColorFactor is linear (glTF 2.0 §3.9.2). */
function srgbToLinear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
}

/** Fittings are drawn lighter than the pipes they sit on, so a valve reads against its main. */
const FITTING_TINT = 0.5;

/**
 * The skeleton both contents share: unit meshes, one material, instanced nodes, one property
 * table (CesiumJS 1.140 Model.js selectFeatureTableId takes the first instanced node's table).
 */
class ContentWriter {
  readonly builder = new GltfBuilder();
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly meshes: Record<string, unknown>[] = [];
  private readonly materials: Record<string, unknown>[] = [];
  private readonly anchorGltf: number[];
  private readonly compress: boolean;

  constructor(private readonly input: TileContentInput, colour: number[], materialName: string) {
    const a = input.anchor;
    this.anchorGltf = [a[0], a[2], -a[1]];
    this.compress = (input.compression ?? 'meshopt') === 'meshopt';
    this.materials.push({ name: materialName, pbrMetallicRoughness: { baseColorFactor: colour, metallicFactor: 0, roughnessFactor: 0.7 } });
  }

  addMesh(shape: 'cylinder' | 'box'): number {
    const mesh = shape === 'cylinder' ? unitCylinder() : unitBox();
    const b = this.builder;
    const z = this.compress ? { compress: {} } : {};
    const position = b.addAccessor({ data: mesh.positions, componentType: GL.FLOAT, type: 'VEC3', target: GL.ARRAY_BUFFER, bounds: true, name: `${shape} POSITION`, ...z });
    const normal = b.addAccessor({ data: mesh.normals, componentType: GL.FLOAT, type: 'VEC3', target: GL.ARRAY_BUFFER, name: `${shape} NORMAL`, ...z });
    const indices = b.addAccessor({ data: mesh.indices, componentType: GL.UNSIGNED_SHORT, type: 'SCALAR', target: GL.ELEMENT_ARRAY_BUFFER, name: `${shape} indices`, ...z });
    this.meshes.push({ name: `unit ${shape}`, primitives: [{ attributes: { POSITION: position, NORMAL: normal }, indices, material: 0, mode: GL.TRIANGLES }] });
    return this.meshes.length - 1;
  }

  /** An instanced node; `featureIds` null means implicit ids (the instance index). */
  addInstancedNode(name: string, mesh: number, batch: InstanceBatch, featureCount: number, featureIds: Uint32Array | null, label: string): void {
    const b = this.builder;
    const c = this.compress;
    const z = c ? { compress: {} } : {};
    const exponential = (v: Float32Array) => (c ? { compress: { filter: 'EXPONENTIAL' as const, encoded: exponentialFilter(v, 3, EXPONENT_BITS) } } : {});
    const attributes: Record<string, number> = {
      TRANSLATION: b.addAccessor({ data: batch.translation, componentType: GL.FLOAT, type: 'VEC3', target: GL.ARRAY_BUFFER, bounds: true, name: `${name} TRANSLATION`, ...exponential(batch.translation) }),
    };
    if (batch.rotation) {
      const q = batch.rotation;
      attributes['ROTATION'] = b.addAccessor({
        componentType: GL.SHORT, normalized: true, type: 'VEC4', target: GL.ARRAY_BUFFER, name: `${name} ROTATION`,
        ...(c ? { data: q, compress: { filter: 'QUATERNION' as const, encoded: quaternionFilter(q, QUATERNION_BITS) } } : { data: Int16Array.from(q, (v) => Math.round(v * INT16_MAX)) }),
      });
    }
    attributes['SCALE'] = b.addAccessor({ data: batch.scale, componentType: GL.FLOAT, type: 'VEC3', target: GL.ARRAY_BUFFER, name: `${name} SCALE`, ...exponential(batch.scale) });
    if (featureIds) {
      // Float, tightly packed: attribute elements must be 4-byte aligned (glTF 2.0 §3.6.2.4), so a
      // 2-byte id would need a 4-byte stride, and CesiumJS copies a strided accessor element by
      // element through a DataView as each tile loads (GltfLoader getPackedTypedArray) where it
      // copies a packed one in one go. Exact for ids below 2^24 (a table holds at most 8,192 rows).
      attributes['_FEATURE_ID_0'] = b.addAccessor({ data: Float32Array.from(featureIds), componentType: GL.FLOAT, type: 'SCALAR', target: GL.ARRAY_BUFFER, name: `${name} _FEATURE_ID_0`, ...z });
    }
    const featureId: Record<string, unknown> = { featureCount, propertyTable: 0, label };
    if (featureIds) featureId['attribute'] = 0;
    this.nodes.push({
      name,
      mesh,
      translation: this.anchorGltf,
      extensions: { [INSTANCING]: { attributes }, [INSTANCE_FEATURES]: { featureIds: [featureId] } },
    });
  }

  finish(propertyTable: PropertyTableJson): Uint8Array {
    const metadata: Record<string, unknown> = this.input.schemaUri !== undefined ? { schemaUri: this.input.schemaUri } : { schema: this.input.schema.schema };
    metadata['propertyTables'] = [propertyTable];
    return this.builder.toGlb({
      asset: { version: '2.0', generator: 'Undergrid tiles' },
      extensionsUsed: [INSTANCING, INSTANCE_FEATURES, STRUCTURAL_METADATA],
      // Without instancing a viewer would draw each unit shape once at the anchor: refuse instead.
      extensionsRequired: [INSTANCING],
      extensions: { [STRUCTURAL_METADATA]: metadata },
      scene: 0,
      scenes: [{ nodes: this.nodes.map((_, i) => i) }],
      nodes: this.nodes,
      meshes: this.meshes,
      materials: this.materials,
    });
  }
}

function checkIndices(what: string, instances: Uint32Array, count: number): void {
  if (instances.length === 0) throw new RangeError(`${what}: no instances; a tile without them has no content`);
  for (const i of instances) if (i >= count) throw new RangeError(`${what}: instance ${i} ≥ count ${count}`);
}

/**
 * The lines of one tile: round pipes as instanced cylinders, rectangular ducts as instanced boxes,
 * both with feature ids into one `link` property table (a row per link, in order of first
 * appearance). Throws only on caller bugs (indices out of range, nothing to write).
 */
export function linesGlb(input: TileContentInput): Uint8Array {
  const { layer } = input;
  const segments = Uint32Array.from(input.instances);
  checkIndices('linesGlb', segments, layer.segmentCount);
  // Link then segment order: a link's instances are consecutive, so ids and headings repeat.
  segments.sort((p, q) => layer.segLink[p]! - layer.segLink[q]! || layer.segVertex[p]! - layer.segVertex[q]!);
  const [r, g, b] = input.colour;
  const w = new ContentWriter(input, [srgbToLinear(r), srgbToLinear(g), srgbToLinear(b), 1], 'pipe');
  const rowOf = new Map<number, number>();
  const rowLinks: number[] = [];
  for (const s of segments) {
    const li = layer.segLink[s]!;
    if (!rowOf.has(li)) { rowOf.set(li, rowLinks.length); rowLinks.push(li); }
  }
  for (const shape of ['circular', 'rect'] as const) {
    const mine = segments.filter((s) => layer.links[layer.segLink[s]!]!.section.shape === shape);
    if (mine.length === 0) continue;
    const batch = newBatch(mine.length, true);
    mine.forEach((s, i) => {
      const li = layer.segLink[s]!;
      writeSegmentInstance(layer.segStart, s * 3, layer.segEnd, s * 3, input.anchor, layer.linkHeightM[li]!, layer.linkWidthM[li]!, batch, i);
      batch.featureId[i] = rowOf.get(li)!;
    });
    w.addInstancedNode(shape === 'circular' ? 'pipes' : 'ducts', w.addMesh(shape === 'circular' ? 'cylinder' : 'box'), batch, rowLinks.length, batch.featureId, LINK_CLASS);
  }
  return w.finish(linkTable(w.builder, input, rowLinks));
}

/**
 * The fittings of one tile: upright instanced cylinders (layerInstances.ts FITTING_SHAPES), one row
 * of the `fitting` table per instance, so the feature ids are implicit and cost nothing.
 */
export function fittingsGlb(input: TileContentInput): Uint8Array {
  const { layer } = input;
  const fittings = Uint32Array.from(input.instances).sort();
  checkIndices('fittingsGlb', fittings, layer.fittingCount);
  const tint = (c: number) => srgbToLinear(c + (255 - c) * FITTING_TINT);
  const [r, g, b] = input.colour;
  const w = new ContentWriter(input, [tint(r), tint(g), tint(b), 1], 'fitting');
  const batch = newBatch(fittings.length, true);
  fittings.forEach((f, i) => {
    const d = layer.fitSize[f]!;
    writeSegmentInstance(layer.fitStart, f * 3, layer.fitEnd, f * 3, input.anchor, d, d, batch, i);
    // Stand every fitting along the tileset frame's up: one rotation repeated, which gzip all but
    // removes. The true vertical leans from it by distance / earth radius (0.05° at 5 km: under
    // 1 mm on a 1 m shaft), far below what is drawn.
    batch.rotation!.set(UPRIGHT, i * 4);
  });
  w.addInstancedNode('fittings', w.addMesh('cylinder'), batch, fittings.length, null, FITTING_CLASS);
  return w.finish(fittingTable(w.builder, input, fittings));
}

function linkTable(builder: GltfBuilder, input: TileContentInput, rows: readonly number[]): PropertyTableJson {
  const { layer, schema } = input;
  const s = schema.schema;
  const links = rows.map((li) => layer.links[li]!);
  const e = (enumId: string, values: (string | null)[]): Column => ({ type: 'ENUM', valueType: enumValueType(s, enumId), values: values.map((v) => schema.code(enumId, v)) });
  const u16 = (values: number[]): Column => ({ type: 'SCALAR', componentType: 'UINT16', values: values.map((v) => Math.max(0, Math.min(0xffff, Math.round(v)))) });
  const cm = (values: number[]): Column => ({ type: 'SCALAR', componentType: 'INT16', values: values.map(toCm) });
  return writePropertyTable(builder, LINK_CLASS, rows.length, {
    id: { type: 'STRING', values: links.map((l) => l.id) },
    utility: e('utility', links.map((l) => l.utility)),
    subtype: e('subtype', links.map((l) => l.subtype)),
    importance: e('importance', rows.map((li) => IMPORTANCE_NAMES[layer.linkImportance[li]!]!)),
    material: e('material', links.map((l) => l.material)),
    sectionShape: e('sectionShape', links.map((l) => l.section.shape)),
    diameterMm: u16(links.map((l) => (l.section.shape === 'circular' ? l.section.diameterMm : 0))),
    widthMm: u16(links.map((l) => (l.section.shape === 'rect' ? l.section.widthMm : 0))),
    heightMm: u16(links.map((l) => (l.section.shape === 'rect' ? l.section.heightMm : 0))),
    pressureClass: e('pressureClass', links.map((l) => l.pressureClass)),
    installYear: u16(links.map((l) => l.installYear ?? 0)),
    owner: e('owner', links.map((l) => l.owner)),
    status: e('status', links.map((l) => l.status)),
    qualityLevel: e('qualityLevel', links.map((l) => l.qualityLevel)),
    minCoverCm: cm(rows.map((li) => layer.linkMinCover[li]!)),
    maxCoverCm: cm(rows.map((li) => layer.linkMaxCover[li]!)),
  });
}

/** Metres → whole centimetres in int16 range (±327 m, far beyond any cover). */
function toCm(m: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(m * 100)));
}

function fittingTable(builder: GltfBuilder, input: TileContentInput, rows: ArrayLike<number>): PropertyTableJson {
  const { layer, schema } = input;
  const s = schema.schema;
  const nodes = Array.from(rows, (f) => layer.nodes[layer.fitNode[f]!]!);
  const e = (enumId: string, values: (string | null)[]): Column => ({ type: 'ENUM', valueType: enumValueType(s, enumId), values: values.map((v) => schema.code(enumId, v)) });
  const tri = (v: boolean | null, yes: string, no: string) => (v === null ? null : v ? yes : no);
  return writePropertyTable(builder, FITTING_CLASS, rows.length, {
    id: { type: 'STRING', values: nodes.map((n) => n.id) },
    utility: e('utility', nodes.map((n) => n.utility)),
    nodeType: e('nodeType', nodes.map((n) => n.nodeType)),
    importance: e('importance', Array.from(rows, (f) => IMPORTANCE_NAMES[layer.nodeImportance[f]!]!)),
    normallyOpen: e('valveState', nodes.map((n) => tri(n.normallyOpen, 'open', 'closed'))),
    operable: e('operable', nodes.map((n) => tri(n.operable, 'yes', 'no'))),
    customerClass: e('customerClass', nodes.map((n) => n.customerClass)),
    coverCm: { type: 'SCALAR', componentType: 'INT16', values: nodes.map((n) => toCm(n.ground - n.z)) },
  });
}
