/**
 * Two pieces of Cesium 1.140's main-thread JavaScript that the fly-through's long tasks spent time
 * in as new tiles arrived, cut where they do nothing for this viewer (src/core/tiles/README.md,
 * "Cesium's JavaScript as tiles arrive"; measured with `bench/flythrough.ts --profile`).
 *
 * 1. **No property-table texture.** For each glTF's property table, `parseStructuralMetadata`
 *    packs every GPU-compatible property of the class (numbers and enums) into an RGBA8 texture,
 *    one `subarray` per property per feature (a tile holds up to 8,192 instances), and uploads it:
 *    the texture lets a CustomShader read metadata on the GPU, or `Scene.pickMetadata` read it.
 *    This viewer's pipe shader reads no metadata (shaders/pipes.*.glsl): style and picking read
 *    the property table on the CPU (tileStyle.ts, tileLayers.ts). Declaring no property GPU
 *    compatible (`MetadataClassProperty.isGpuCompatible`, read only by that packing and by
 *    MetadataPipelineStage, which then declares no metadata in the shaders, as now) skips it.
 *    A future shader that reads metadata must drop this.
 * 2. **Derived program keys made once.** `ShaderCache.getDerivedShaderProgram` concatenates the
 *    derived kind (log depth, OIT…) with the program's key, which is its whole shader source, and
 *    looks the new string up in the cache, for every draw command each time the scene updates its
 *    derived commands: a fresh string of tens of kB is flattened and hashed at each call. Here the
 *    concatenated key is kept per program and kind, so the lookup hashes it once; what is looked up,
 *    and what the cache holds, are unchanged.
 * 3. **Instance matrices without a heap object per instance.** A pipe is an instance with a
 *    translation, a rotation and a scale (EXT_mesh_gpu_instancing). With a rotation, Cesium's
 *    InstancingPipelineStage builds each instance's matrix on the CPU: a Cartesian3 twice, a
 *    Quaternion and a Matrix4 per instance, then copies them into a Float32Array, and the garbage
 *    collector follows. Here the same Float32Array (rows of the 3×4 matrix, the same arithmetic
 *    as Matrix4.fromTranslationQuaternionRotationScale in doubles, so the same floats) is filled
 *    straight from the attributes' typed arrays, with the translation bounds, the vertex buffer and
 *    the unloading of the typed arrays done as Cesium does them; Cesium's stage then finds the
 *    node's buffer made and uses it, as it does when a model rebuilds its commands. Only in 3D
 *    with WebGL 2 (else Cesium keeps projected or CPU copies): other cases run Cesium's own path.
 * Each patches a Cesium internal once per page (typed in cesiumInternals.d.ts); a Cesium upgrade must
 * re-check them.
 */
import {
  AttributeCompression, Buffer, BufferUsage, Cartesian3, ComponentDatatype, InstancingPipelineStage, MetadataClassProperty, SceneMode, ShaderCache,
  type CesiumInstanceAttribute, type CesiumShaderProgram, type InstancingRenderResources,
} from 'cesium';

let installed = false;

export function trimTileLoadCost(): void {
  if (installed) return;
  installed = true;
  MetadataClassProperty.prototype.isGpuCompatible = () => false;

  const keys = new WeakMap<object, Map<string, string>>();
  ShaderCache.prototype.getDerivedShaderProgram = function (this: ShaderCache, program: CesiumShaderProgram, keyword: string) {
    const cached = program._cachedShader;
    let byKind = keys.get(cached);
    if (!byKind) keys.set(cached, (byKind = new Map()));
    let derivedKeyword = byKind.get(keyword);
    if (derivedKeyword === undefined) byKind.set(keyword, (derivedKeyword = keyword + cached.keyword));
    return this._shaders[derivedKeyword]?.shaderProgram;
  };

  const process = InstancingPipelineStage.process.bind(InstancingPipelineStage);
  InstancingPipelineStage.process = (resources, node, frameState) => {
    const webgl2 = (frameState.context as { webgl2?: boolean }).webgl2 === true;
    if (webgl2 && frameState.mode === SceneMode.SCENE3D) makeTransformsBuffer(resources, node.instances.attributes, frameState.context);
    process(resources, node, frameState);
  };
}

/** The instances' 3×4 matrices as InstancingPipelineStage's CPU path makes them, into the runtime node's buffer. */
function makeTransformsBuffer(resources: InstancingRenderResources, attributes: CesiumInstanceAttribute[], context: unknown): void {
  const node = resources.runtimeNode;
  const find = (semantic: string) => attributes.find((a) => a.semantic === semantic);
  const t = find('TRANSLATION'), r = find('ROTATION'), sc = find('SCALE');
  // Cesium's matrix path runs only with a rotation; each attribute present must still hold its values.
  if (node.instancingTransformsBuffer !== undefined || !r || !r.typedArray || (t && !t.typedArray) || (sc && !sc.typedArray)) return;
  const count = attributes[0]!.count;
  // Our tiles' rotations are normalized int16: dequantized in the loop, as AttributeCompression does
  // it, without a Float32Array copy of every rotation first.
  const int16 = r.normalized && r.componentDatatype === ComponentDatatype.SHORT;
  const rot = int16 || !r.normalized ? r.typedArray : AttributeCompression.dequantize(r.typedArray, r.componentDatatype, r.type, count);
  // Written into one Float32Array kept for the page: bufferData copies it at once and Cesium keeps
  // no reference in WebGL 2 (InstancingPipelineStage keeps the typed array for WebGL 1 picking only).
  if (scratch.length < count * 12) scratch = new Float32Array(Math.max(count * 12, scratch.length * 2));
  const { matrices, min, max } = instanceMatrices(count, t?.typedArray, rot, sc?.typedArray, int16, scratch);
  node.instancingTranslationMin = new Cartesian3(min[0], min[1], min[2]);
  node.instancingTranslationMax = new Cartesian3(max[0], max[1], max[2]);
  // As Cesium: the typed arrays only pointed into the loader's buffers; the model owns the new one.
  if (t) t.typedArray = undefined;
  r.typedArray = undefined;
  if (sc) sc.typedArray = undefined;
  const buffer = Buffer.createVertexBuffer({ context, typedArray: matrices, usage: BufferUsage.STATIC_DRAW });
  buffer.vertexArrayDestroyable = false;
  resources.model._modelResources.push(buffer);
  node.instancingTransformsBuffer = buffer;
}

type Values = ArrayLike<number>;

/** The matrices of the tile being built (up to 8,192 instances × 12 floats: 393 kB), reused. */
let scratch = new Float32Array(0);

/** AttributeCompression.dequantize of a normalized int16 into its Float32Array, one value. */
const fromInt16 = (v: number) => Math.fround(Math.max(v / 32767.0, -1.0));

/**
 * Each instance's transform as the 3 rows of a 3×4 matrix (12 floats), translations' bounds:
 * Matrix4.fromTranslationQuaternionRotationScale's arithmetic in doubles, stored as
 * InstancingPipelineStage's transformsToTypedArray does. No translation: 0; no scale: 1.
 * `int16Rotations`: the rotations are normalized int16, dequantized here as Cesium does.
 * `into`: written into its first count × 12 floats (the result is that view), else a new array.
 */
export function instanceMatrices(count: number, translations: Values | undefined, rotations: Values, scales: Values | undefined, int16Rotations = false, into?: Float32Array):
  { matrices: Float32Array; min: [number, number, number]; max: [number, number, number] } {
  const tr = translations, s = scales, rot = rotations;
  const out = into ? into.subarray(0, count * 12) : new Float32Array(count * 12);
  let minX = Number.MAX_VALUE, minY = Number.MAX_VALUE, minZ = Number.MAX_VALUE;
  let maxX = -Number.MAX_VALUE, maxY = -Number.MAX_VALUE, maxZ = -Number.MAX_VALUE;
  for (let i = 0; i < count; i++) {
    const tx = tr ? tr[i * 3]! : 0, ty = tr ? tr[i * 3 + 1]! : 0, tz = tr ? tr[i * 3 + 2]! : 0;
    minX = Math.min(minX, tx); minY = Math.min(minY, ty); minZ = Math.min(minZ, tz);
    maxX = Math.max(maxX, tx); maxY = Math.max(maxY, ty); maxZ = Math.max(maxZ, tz);
    let x = rot[i * 4]!, y = rot[i * 4 + 1]!, z = rot[i * 4 + 2]!, w = rot[i * 4 + 3]!;
    if (int16Rotations) { x = fromInt16(x); y = fromInt16(y); z = fromInt16(z); w = fromInt16(w); }
    const sx = s ? s[i * 3]! : 1, sy = s ? s[i * 3 + 1]! : 1, sz = s ? s[i * 3 + 2]! : 1;
    const x2 = x * x, xy = x * y, xz = x * z, xw = x * w, y2 = y * y, yz = y * z, yw = y * w, z2 = z * z, zw = z * w, w2 = w * w;
    const o = i * 12;
    out[o] = (x2 - y2 - z2 + w2) * sx; out[o + 1] = 2.0 * (xy - zw) * sy; out[o + 2] = 2.0 * (xz + yw) * sz; out[o + 3] = tx;
    out[o + 4] = 2.0 * (xy + zw) * sx; out[o + 5] = (-x2 + y2 - z2 + w2) * sy; out[o + 6] = 2.0 * (yz - xw) * sz; out[o + 7] = ty;
    out[o + 8] = 2.0 * (xz - yw) * sx; out[o + 9] = 2.0 * (yz + xw) * sy; out[o + 10] = (-x2 - y2 + z2 + w2) * sz; out[o + 11] = tz;
  }
  return { matrices: out, min: [minX, minY, minZ], max: [maxX, maxY, maxZ] };
}
