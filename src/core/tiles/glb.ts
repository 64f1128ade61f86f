/**
 * A minimal binary glTF 2.0 writer: one buffer, bufferViews each starting on an 8-byte boundary,
 * accessors with min/max where the spec requires them (POSITION) or where we ask, and a GLB
 * container (12-byte header, JSON chunk, BIN chunk).
 *
 * Alignment rules followed (glTF 2.0 §3.6.2.4, §4.4.3; EXT_structural_metadata "Binary Data Storage"):
 * - every bufferView starts on an 8-byte boundary of the BIN chunk, and the BIN chunk data starts on
 *   an 8-byte boundary of the file (the JSON chunk is padded with spaces so that it ends there), so
 *   any typed-array view over the whole file is aligned, 64-bit property-table columns included;
 * - vertex and instance attributes: element offsets and byteStride are multiples of 4 (a 2-byte
 *   feature id is written with byteStride 4), byteStride only when it differs from the element size;
 * - the BIN chunk is padded with zeros to a multiple of 8 and `buffers[0].byteLength` is that length.
 *
 * Compression (EXT_meshopt_compression, meshopt.ts): an accessor added with `compress` stores its
 * bufferView's bytes meshopt-coded in the BIN chunk; the bufferView itself then lies in buffer 1, a
 * fallback buffer without data (the extension is required: no uncompressed copy is shipped).
 *
 * Pure: no node:, DOM or engine imports, so it runs in a worker, on the server and in tests.
 */

import { MESHOPT, compressView, type CompressedView, type MeshoptFilter, type MeshoptMode, type MeshoptViewExtension } from './meshopt';

export const GL = {
  BYTE: 5120,
  UNSIGNED_BYTE: 5121,
  SHORT: 5122,
  UNSIGNED_SHORT: 5123,
  UNSIGNED_INT: 5125,
  FLOAT: 5126,
  ARRAY_BUFFER: 34962,
  ELEMENT_ARRAY_BUFFER: 34963,
  TRIANGLES: 4,
} as const;

export type ComponentType = typeof GL.BYTE | typeof GL.UNSIGNED_BYTE | typeof GL.SHORT | typeof GL.UNSIGNED_SHORT | typeof GL.UNSIGNED_INT | typeof GL.FLOAT;
export type AccessorType = 'SCALAR' | 'VEC2' | 'VEC3' | 'VEC4' | 'MAT4';

export const COMPONENT_BYTES: Record<ComponentType, number> = {
  [GL.BYTE]: 1, [GL.UNSIGNED_BYTE]: 1, [GL.SHORT]: 2, [GL.UNSIGNED_SHORT]: 2, [GL.UNSIGNED_INT]: 4, [GL.FLOAT]: 4,
};

export const TYPE_COMPONENTS: Record<AccessorType, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT4: 16 };

export type ComponentArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Uint32Array | Float32Array;

/** The glTF JSON members this writer produces; extension objects are free-form. */
export interface GltfBufferView {
  buffer: number; byteOffset: number; byteLength: number; byteStride?: number; target?: number; name?: string;
  extensions?: { [MESHOPT]?: MeshoptViewExtension };
}
export interface GltfBuffer { byteLength: number; extensions?: { [MESHOPT]?: { fallback: true } } }
export interface GltfAccessor {
  bufferView: number; byteOffset?: number; componentType: ComponentType; normalized?: boolean; count: number;
  type: AccessorType; min?: number[]; max?: number[]; name?: string;
}
export interface GltfJson {
  asset: { version: '2.0'; generator?: string; copyright?: string };
  extensionsUsed?: string[];
  extensionsRequired?: string[];
  extensions?: Record<string, unknown>;
  scene?: number;
  scenes?: { nodes: number[]; name?: string }[];
  nodes?: Record<string, unknown>[];
  meshes?: Record<string, unknown>[];
  materials?: Record<string, unknown>[];
  accessors: GltfAccessor[];
  bufferViews: GltfBufferView[];
  buffers: GltfBuffer[];
}

const GLB_MAGIC = 0x46546c67; // 'glTF'
const GLB_VERSION = 2;
const CHUNK_JSON = 0x4e4f534a; // 'JSON'
const CHUNK_BIN = 0x004e4942; // 'BIN\0'
const GLB_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
/** EXT_structural_metadata asks for 8-byte alignment so 64-bit columns can be viewed in place. */
const BIN_ALIGNMENT = 8;

export interface AccessorOptions {
  /** Tightly packed components, `count × components(type)` long. */
  data: ComponentArray;
  componentType: ComponentType;
  type: AccessorType;
  normalized?: boolean;
  /** Bytes between elements in the bufferView; elements are padded with zeros up to it. */
  byteStride?: number;
  /** ARRAY_BUFFER for vertex and instance attributes, ELEMENT_ARRAY_BUFFER for indices, none for other data. */
  target?: number;
  /** Write min and max (required for POSITION, glTF 2.0 §3.6.2.5). */
  bounds?: boolean;
  name?: string;
  /**
   * Store the bufferView meshopt-compressed. `encoded` is the filter's output when `filter` is not
   * NONE (meshopt.ts quaternionFilter, exponentialFilter); `data` then only gives type and count,
   * and bounds come from the decoded bytes. Mode: TRIANGLES for indices, ATTRIBUTES otherwise.
   */
  compress?: { filter?: MeshoptFilter; encoded?: Uint8Array; mode?: MeshoptMode };
}

/**
 * Collects bufferViews and accessors into one BIN buffer, then writes the GLB.
 *
 *   const b = new GltfBuilder();
 *   const position = b.addAccessor({ data, componentType: GL.FLOAT, type: 'VEC3', target: GL.ARRAY_BUFFER, bounds: true });
 *   const glb = b.toGlb({ meshes: [...], nodes: [...] });
 */
export class GltfBuilder {
  private readonly chunks: Uint8Array[] = [];
  private byteLength = 0;
  /** Length of the fallback buffer (buffer 1) that compressed bufferViews decode into. */
  private fallbackLength = 0;
  readonly bufferViews: GltfBufferView[] = [];
  readonly accessors: GltfAccessor[] = [];

  /** Appends raw bytes as one bufferView starting on an 8-byte boundary; returns its index. */
  addBufferView(bytes: Uint8Array, options: { byteStride?: number; target?: number; name?: string } = {}): number {
    const view: GltfBufferView = { buffer: 0, byteOffset: this.appendAligned(bytes), byteLength: bytes.byteLength };
    if (options.byteStride !== undefined) view.byteStride = options.byteStride;
    if (options.target !== undefined) view.target = options.target;
    if (options.name !== undefined) view.name = options.name;
    this.bufferViews.push(view);
    return this.bufferViews.length - 1;
  }

  /** Appends bytes to the BIN chunk on an 8-byte boundary; returns where they start. */
  private appendAligned(bytes: Uint8Array): number {
    const pad = (BIN_ALIGNMENT - (this.byteLength % BIN_ALIGNMENT)) % BIN_ALIGNMENT;
    if (pad > 0) {
      this.chunks.push(new Uint8Array(pad));
      this.byteLength += pad;
    }
    const at = this.byteLength;
    this.chunks.push(bytes);
    this.byteLength += bytes.byteLength;
    return at;
  }

  /** Adds a bufferView holding `data` and an accessor over it; returns the accessor index. */
  addAccessor(o: AccessorOptions): number {
    const components = TYPE_COMPONENTS[o.type];
    const componentBytes = COMPONENT_BYTES[o.componentType];
    if (o.data.length % components !== 0) {
      throw new RangeError(`addAccessor${o.name ? ` "${o.name}"` : ''}: data length ${o.data.length} is not a multiple of ${components} (${o.type})`);
    }
    // Filter input (`compress.encoded`) comes from floats; only the encoded bytes are stored.
    if (!o.compress?.encoded && o.data.BYTES_PER_ELEMENT !== componentBytes) {
      throw new RangeError(`addAccessor${o.name ? ` "${o.name}"` : ''}: ${o.data.constructor.name} does not hold componentType ${o.componentType}`);
    }
    const count = o.data.length / components;
    const elementBytes = components * componentBytes;
    const stride = o.byteStride ?? elementBytes;
    if (o.compress?.encoded && o.compress.encoded.byteLength !== stride * count) {
      throw new RangeError(`addAccessor${o.name ? ` "${o.name}"` : ''}: filter output of ${o.compress.encoded.byteLength} bytes for ${count} × ${stride}`);
    }
    if (stride < elementBytes || stride % componentBytes !== 0 || stride > 252) {
      throw new RangeError(`addAccessor: byteStride ${stride} must be ≥ ${elementBytes}, ≤ 252 and a multiple of ${componentBytes}`);
    }
    if (o.target === GL.ARRAY_BUFFER && stride % 4 !== 0) {
      throw new RangeError(`addAccessor: vertex attribute elements must be 4-byte aligned; byteStride ${stride} is not (glTF 2.0 §3.6.2.4)`);
    }
    const source = new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength);
    let bytes: Uint8Array;
    if (o.compress?.encoded) {
      bytes = o.compress.encoded;
    } else if (stride === elementBytes) {
      bytes = source.slice();
    } else {
      bytes = new Uint8Array(stride * count);
      for (let i = 0; i < count; i++) bytes.set(source.subarray(i * elementBytes, (i + 1) * elementBytes), i * stride);
    }
    const viewOptions: { byteStride?: number; target?: number } = {};
    if (stride !== elementBytes) viewOptions.byteStride = stride;
    if (o.target !== undefined) viewOptions.target = o.target;
    let bufferView: number;
    let stored = o.data;
    if (o.compress) {
      const mode = o.compress.mode ?? (o.target === GL.ELEMENT_ARRAY_BUFFER ? 'TRIANGLES' : 'ATTRIBUTES');
      // Attributes keep their stride in the bufferView (filters need one); indices must not have one.
      if (o.target === GL.ARRAY_BUFFER) viewOptions.byteStride = stride;
      const view = compressView(bytes, count, stride, mode, o.compress.filter ?? 'NONE');
      bufferView = this.addCompressedView(view, viewOptions);
      stored = typedView(o.componentType, view.decoded, elementBytes, stride, count);
    } else {
      bufferView = this.addBufferView(bytes, viewOptions);
    }
    const accessor: GltfAccessor = { bufferView, componentType: o.componentType, count, type: o.type };
    if (o.normalized) accessor.normalized = true;
    if (o.bounds) {
      const { min, max } = componentBounds(stored, components);
      accessor.min = min;
      accessor.max = max;
    }
    if (o.name !== undefined) accessor.name = o.name;
    this.accessors.push(accessor);
    return this.accessors.length - 1;
  }

  /**
   * Stores a meshopt-compressed view: its bytes go into the BIN chunk (buffer 0), the bufferView
   * lies in the fallback buffer 1 with the EXT_meshopt_compression extension pointing at them.
   */
  addCompressedView(view: CompressedView, options: { byteStride?: number; target?: number } = {}): number {
    const at = this.appendAligned(view.compressed);
    const byteOffset = this.fallbackLength;
    const byteLength = view.count * view.byteStride;
    this.fallbackLength = alignUp(byteOffset + byteLength, BIN_ALIGNMENT);
    const ext: MeshoptViewExtension = { buffer: 0, byteOffset: at, byteLength: view.compressed.byteLength, byteStride: view.byteStride, count: view.count, mode: view.mode };
    if (view.filter !== 'NONE') ext.filter = view.filter;
    const bv: GltfBufferView = { buffer: 1, byteOffset, byteLength };
    if (options.byteStride !== undefined) bv.byteStride = options.byteStride;
    if (options.target !== undefined) bv.target = options.target;
    bv.extensions = { [MESHOPT]: ext };
    this.bufferViews.push(bv);
    return this.bufferViews.length - 1;
  }

  /** True once any view is compressed: the GLB then requires EXT_meshopt_compression. */
  get compressed(): boolean {
    return this.fallbackLength > 0;
  }

  /** The BIN chunk's contents, zero-padded to a multiple of 8 bytes. */
  binary(): Uint8Array {
    const total = alignUp(this.byteLength, BIN_ALIGNMENT);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out;
  }

  /** Writes the GLB; `json` supplies everything but accessors, bufferViews and buffers. */
  toGlb(json: Omit<GltfJson, 'accessors' | 'bufferViews' | 'buffers'>): Uint8Array {
    const bin = this.binary();
    const buffers: GltfBuffer[] = [{ byteLength: bin.byteLength }];
    const full: GltfJson = { ...json, accessors: this.accessors, bufferViews: this.bufferViews, buffers };
    if (this.compressed) {
      // No uncompressed copy: the fallback buffer has no data, so the extension is required.
      buffers.push({ byteLength: this.fallbackLength, extensions: { [MESHOPT]: { fallback: true } } });
      full.extensionsUsed = [...(json.extensionsUsed ?? []).filter((e) => e !== MESHOPT), MESHOPT];
      full.extensionsRequired = [...(json.extensionsRequired ?? []).filter((e) => e !== MESHOPT), MESHOPT];
    }
    return writeGlb(full, bin);
  }
}

/** Decoded bytes as the accessor's typed array, stride removed (for bounds). */
function typedView(t: ComponentType, bytes: Uint8Array, elementBytes: number, stride: number, count: number): ComponentArray {
  const packed = new Uint8Array(count * elementBytes);
  for (let i = 0; i < count; i++) packed.set(bytes.subarray(i * stride, i * stride + elementBytes), i * elementBytes);
  const b = packed.buffer;
  switch (t) {
    case GL.BYTE: return new Int8Array(b);
    case GL.UNSIGNED_BYTE: return new Uint8Array(b);
    case GL.SHORT: return new Int16Array(b);
    case GL.UNSIGNED_SHORT: return new Uint16Array(b);
    case GL.UNSIGNED_INT: return new Uint32Array(b);
    case GL.FLOAT: return new Float32Array(b);
  }
}

/** Component-wise min and max of packed elements (the stored values, not normalized). */
export function componentBounds(data: ArrayLike<number>, components: number): { min: number[]; max: number[] } {
  const min = new Array<number>(components).fill(Infinity);
  const max = new Array<number>(components).fill(-Infinity);
  for (let i = 0; i < data.length; i += components) {
    for (let c = 0; c < components; c++) {
      const v = data[i + c]!;
      if (v < min[c]!) min[c] = v;
      if (v > max[c]!) max[c] = v;
    }
  }
  return { min, max };
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/**
 * GLB container: header, JSON chunk padded with spaces so that the BIN chunk's data starts on an
 * 8-byte boundary of the file, BIN chunk padded with zeros to a multiple of 8.
 */
export function writeGlb(json: GltfJson, bin: Uint8Array): Uint8Array {
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  const jsonStart = GLB_HEADER_BYTES + CHUNK_HEADER_BYTES;
  // Pad so that JSON data ends (and the BIN chunk header starts) on an 8-byte boundary.
  const jsonLength = alignUp(jsonStart + jsonBytes.byteLength, BIN_ALIGNMENT) - jsonStart;
  const binLength = alignUp(bin.byteLength, BIN_ALIGNMENT);
  const hasBin = bin.byteLength > 0;
  const total = jsonStart + jsonLength + (hasBin ? CHUNK_HEADER_BYTES + binLength : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, GLB_MAGIC, true);
  view.setUint32(4, GLB_VERSION, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, CHUNK_JSON, true);
  out.set(jsonBytes, jsonStart);
  out.fill(0x20, jsonStart + jsonBytes.byteLength, jsonStart + jsonLength);
  if (hasBin) {
    const binHeader = jsonStart + jsonLength;
    view.setUint32(binHeader, binLength, true);
    view.setUint32(binHeader + 4, CHUNK_BIN, true);
    out.set(bin, binHeader + CHUNK_HEADER_BYTES);
  }
  return out;
}
