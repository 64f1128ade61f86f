/**
 * EXT_meshopt_compression for our GLBs (KhronosGroup/glTF extensions/2.0/Vendor/EXT_meshopt_compression):
 * bufferViews are stored byte-delta coded by meshoptimizer's codec (vertex codec version 0, the one
 * EXT_meshopt_compression names; version 1 belongs to KHR_meshopt_compression) after an optional
 * filter that trades precision the data does not have for entropy:
 * - QUATERNION: unit quaternions as 3 components + the index of the largest, decoded to 4 × int16
 *   normalized (what EXT_mesh_gpu_instancing's ROTATION accepts);
 * - EXPONENTIAL: floats as a 24-bit mantissa and an 8-bit exponent, decoded to float32.
 * CesiumJS 1.140 decodes every such bufferView with the same library (GltfBufferViewLoader.js), instance
 * attributes and property-table columns alike.
 *
 * The codec is WebAssembly, instantiated asynchronously: `await meshoptReady` once before encoding or
 * decoding (the server's tile routes, the bench and the tests do). Pure otherwise (no node:, DOM).
 */
import { MeshoptDecoder } from 'meshoptimizer/decoder';
import { MeshoptEncoder } from 'meshoptimizer/encoder';

export const MESHOPT = 'EXT_meshopt_compression';

export type MeshoptMode = 'ATTRIBUTES' | 'TRIANGLES' | 'INDICES';
export type MeshoptFilter = 'NONE' | 'OCTAHEDRAL' | 'QUATERNION' | 'EXPONENTIAL';

/** The bufferView extension object (byteOffset is filled in by the GLB writer). */
export interface MeshoptViewExtension {
  buffer: number;
  byteOffset: number;
  byteLength: number;
  byteStride: number;
  count: number;
  mode: MeshoptMode;
  filter?: MeshoptFilter;
}

let ready = false;
/** Resolves once encoder and decoder are instantiated; everything below throws before that. */
export const meshoptReady: Promise<void> = Promise.all([MeshoptEncoder.ready, MeshoptDecoder.ready]).then(() => { ready = true; });

function checkReady(): void {
  if (!ready) throw new Error('meshoptimizer is not instantiated yet: await meshoptReady (src/core/tiles/meshopt.ts) before writing or reading tiles');
}

/** One compressed bufferView: the bytes to store and what a decoder gets back from them. */
export interface CompressedView {
  compressed: Uint8Array;
  /** `count × byteStride` bytes, after the filter: what accessors read. */
  decoded: Uint8Array;
  count: number;
  byteStride: number;
  mode: MeshoptMode;
  filter: MeshoptFilter;
}

/**
 * Compresses `count` elements of `byteStride` bytes (already filter-encoded when `filter` is not
 * NONE) and decodes them again: the decoded bytes are what a viewer will see, so accessor bounds
 * and tests use them, never the input.
 */
export function compressView(bytes: Uint8Array, count: number, byteStride: number, mode: MeshoptMode, filter: MeshoptFilter = 'NONE'): CompressedView {
  checkReady();
  if (bytes.byteLength !== count * byteStride) throw new RangeError(`compressView: ${bytes.byteLength} bytes for ${count} × ${byteStride}`);
  if (mode === 'ATTRIBUTES' && (byteStride % 4 !== 0 || byteStride > 256)) throw new RangeError(`compressView: ATTRIBUTES byteStride ${byteStride} must be a multiple of 4, ≤ 256`);
  if (mode !== 'ATTRIBUTES' && (byteStride !== 2 && byteStride !== 4)) throw new RangeError(`compressView: ${mode} byteStride ${byteStride} must be 2 or 4`);
  if (mode === 'TRIANGLES' && count % 3 !== 0) throw new RangeError(`compressView: TRIANGLES count ${count} is not a multiple of 3`);
  const compressed = MeshoptEncoder.encodeGltfBuffer(bytes, count, byteStride, mode, 0);
  return { compressed, decoded: decodeView(compressed, count, byteStride, mode, filter), count, byteStride, mode, filter };
}

/** Decodes a bufferView's compressed bytes into `count × byteStride` bytes. */
export function decodeView(compressed: Uint8Array, count: number, byteStride: number, mode: MeshoptMode, filter: MeshoptFilter = 'NONE'): Uint8Array {
  checkReady();
  const out = new Uint8Array(count * byteStride);
  MeshoptDecoder.decodeGltfBuffer(out, count, byteStride, compressed, mode, filter === 'NONE' ? undefined : filter);
  return out;
}

/** Unit quaternions (x, y, z, w per element) → QUATERNION filter input, 8 bytes each; `bits` 4..16. */
export function quaternionFilter(q: Float32Array, bits: number): Uint8Array {
  checkReady();
  return MeshoptEncoder.encodeFilterQuat(q, q.length / 4, 8, bits);
}

/**
 * Float vectors of `components` → EXPONENTIAL filter input, 4 bytes a component. 'SharedComponent'
 * gives each component one exponent over all elements (the largest needed), so the mantissas are
 * fixed-point numbers with the same step: values already snapped to a power-of-two step above it
 * come back exactly (mantissa bits 24 = sign + 23).
 */
export function exponentialFilter(v: Float32Array, components: number, bits: number): Uint8Array {
  checkReady();
  return MeshoptEncoder.encodeFilterExp(v, v.length / components, components * 4, bits, 'SharedComponent');
}
