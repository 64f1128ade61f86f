/**
 * Reads a GLB back and checks the glTF 2.0 layout rules that a writer most easily breaks. It is
 * not the Khronos validator (which checks far more); it is small enough to run in every test and
 * on the server in development, and it never trusts the writer's own bookkeeping: everything is
 * recomputed from the bytes.
 */
import { COMPONENT_BYTES, GL, TYPE_COMPONENTS, componentBounds, type ComponentType, type GltfJson } from './glb';
import { MESHOPT, decodeView } from './meshopt';

export interface ParsedGlb {
  json: GltfJson;
  /** The BIN chunk's data (a view into the input). */
  bin: Uint8Array;
  /** Byte offset of the BIN chunk's data in the file. */
  binOffset: number;
  jsonChunkLength: number;
  binChunkLength: number;
  /** BufferViews decoded from EXT_meshopt_compression so far, by index. */
  decoded: Map<number, Uint8Array>;
}

export class GlbFormatError extends Error {
  override readonly name = 'GlbFormatError';
}

export function readGlb(bytes: Uint8Array): ParsedGlb {
  if (bytes.byteLength < 20) throw new GlbFormatError(`GLB too short: ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== 0x46546c67) throw new GlbFormatError(`bad GLB magic 0x${magic.toString(16)}`);
  const version = view.getUint32(4, true);
  if (version !== 2) throw new GlbFormatError(`GLB version ${version}, expected 2`);
  const length = view.getUint32(8, true);
  if (length !== bytes.byteLength) throw new GlbFormatError(`GLB header length ${length} ≠ file length ${bytes.byteLength}`);
  const jsonChunkLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== 0x4e4f534a) throw new GlbFormatError('first chunk is not JSON');
  const jsonText = new TextDecoder().decode(bytes.subarray(20, 20 + jsonChunkLength));
  const json = JSON.parse(jsonText) as GltfJson;
  let bin: Uint8Array = new Uint8Array(0);
  let binOffset = -1;
  let binChunkLength = 0;
  const next = 20 + jsonChunkLength;
  if (next < bytes.byteLength) {
    binChunkLength = view.getUint32(next, true);
    if (view.getUint32(next + 4, true) !== 0x004e4942) throw new GlbFormatError('second chunk is not BIN');
    binOffset = next + 8;
    if (binOffset + binChunkLength > bytes.byteLength) throw new GlbFormatError(`BIN chunk of ${binChunkLength} bytes runs past the file end`);
    bin = bytes.subarray(binOffset, binOffset + binChunkLength);
  }
  return { json, bin, binOffset, jsonChunkLength, binChunkLength, decoded: new Map() };
}

/** An accessor's elements as a plain number array (`count × components`), stride removed, not normalized. */
export function readAccessor(glb: ParsedGlb, index: number): number[] {
  const a = glb.json.accessors[index];
  if (!a) throw new RangeError(`no accessor ${index}`);
  const bv = glb.json.bufferViews[a.bufferView];
  if (!bv) throw new RangeError(`accessor ${index} names missing bufferView ${a.bufferView}`);
  const components = TYPE_COMPONENTS[a.type];
  const size = COMPONENT_BYTES[a.componentType];
  const stride = bv.byteStride ?? components * size;
  const bytes = readBufferView(glb, a.bufferView);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(a.count * components);
  const base = a.byteOffset ?? 0;
  for (let i = 0; i < a.count; i++) {
    for (let c = 0; c < components; c++) {
      const o = base + i * stride + c * size;
      out[i * components + c] = readComponent(view, o, a.componentType);
    }
  }
  return out;
}

function readComponent(view: DataView, o: number, t: ComponentType): number {
  switch (t) {
    case GL.BYTE: return view.getInt8(o);
    case GL.UNSIGNED_BYTE: return view.getUint8(o);
    case GL.SHORT: return view.getInt16(o, true);
    case GL.UNSIGNED_SHORT: return view.getUint16(o, true);
    case GL.UNSIGNED_INT: return view.getUint32(o, true);
    case GL.FLOAT: return view.getFloat32(o, true);
  }
}

/**
 * The bytes of a bufferView as a viewer sees them: a view into the BIN chunk, or for an
 * EXT_meshopt_compression view its compressed bytes (in the BIN chunk) decoded and filtered, as
 * CesiumJS does (needs `await meshoptReady`).
 */
export function readBufferView(glb: ParsedGlb, index: number): Uint8Array {
  const bv = glb.json.bufferViews[index];
  if (!bv) throw new RangeError(`no bufferView ${index}`);
  const m = bv.extensions?.[MESHOPT];
  if (!m) {
    if (bv.buffer !== 0) throw new RangeError(`bufferView ${index} lies in buffer ${bv.buffer}, which a GLB has no data for`);
    return glb.bin.subarray(bv.byteOffset, bv.byteOffset + bv.byteLength);
  }
  let bytes = glb.decoded.get(index);
  if (!bytes) {
    if (m.buffer !== 0) throw new RangeError(`bufferView ${index}: compressed data in buffer ${m.buffer}, a GLB has only buffer 0`);
    const start = m.byteOffset ?? 0;
    bytes = decodeView(glb.bin.subarray(start, start + m.byteLength), m.count, m.byteStride, m.mode, m.filter ?? 'NONE');
    glb.decoded.set(index, bytes);
  }
  return bytes;
}

/**
 * Layout problems, each a sentence naming the object and the values; empty when none. Checks:
 * GLB chunk alignment (4 bytes core, 8 for EXT_structural_metadata), buffer length, bufferView
 * ranges and 8-byte starts, byteStride rules, accessor ranges and alignment, 4-byte alignment of
 * vertex and instance attributes, POSITION min/max present and equal to the data, every other
 * min/max equal to the data, index values below the vertex count, equal counts of a node's
 * instance attributes, feature ids below featureCount.
 */
export function glbLayoutIssues(bytes: Uint8Array): string[] {
  const issues: string[] = [];
  const glb = readGlb(bytes);
  const { json } = glb;
  if ((20 + glb.jsonChunkLength) % 8 !== 0) issues.push(`JSON chunk ends at byte ${20 + glb.jsonChunkLength}, not on an 8-byte boundary`);
  if (glb.binOffset >= 0 && glb.binOffset % 8 !== 0) issues.push(`BIN data starts at byte ${glb.binOffset}, not 8-aligned`);
  if (glb.binChunkLength % 4 !== 0) issues.push(`BIN chunk length ${glb.binChunkLength} is not a multiple of 4`);
  const buffer = json.buffers?.[0];
  if (!buffer) issues.push('no buffers[0]');
  else if (buffer.byteLength > glb.binChunkLength || glb.binChunkLength - buffer.byteLength > 7) {
    issues.push(`buffers[0].byteLength ${buffer.byteLength} does not match the BIN chunk of ${glb.binChunkLength} bytes`);
  }
  json.bufferViews.forEach((bv, i) => {
    if (bv.byteOffset % 8 !== 0) issues.push(`bufferView ${i} starts at ${bv.byteOffset}, not 8-aligned`);
    if (bv.byteOffset + bv.byteLength > (json.buffers[bv.buffer]?.byteLength ?? 0)) issues.push(`bufferView ${i} [${bv.byteOffset}, +${bv.byteLength}) runs past buffer ${bv.buffer}`);
    issues.push(...meshoptViewIssues(json, i, buffer?.byteLength ?? 0));
    if (bv.byteStride !== undefined && (bv.byteStride < 4 || bv.byteStride > 252 || bv.byteStride % 4 !== 0)) issues.push(`bufferView ${i} byteStride ${bv.byteStride} outside 4..252 or not a multiple of 4`);
    if (bv.byteStride !== undefined && bv.target === GL.ELEMENT_ARRAY_BUFFER) issues.push(`bufferView ${i} holds indices but has byteStride`);
  });

  const attributeAccessors = new Set<number>();
  const positionAccessors = new Set<number>();
  const indexAccessors = new Map<number, number>(); // accessor → vertex count it indexes
  for (const mesh of json.meshes ?? []) {
    for (const p of (mesh['primitives'] as { attributes: Record<string, number>; indices?: number }[]) ?? []) {
      for (const [semantic, acc] of Object.entries(p.attributes)) {
        attributeAccessors.add(acc);
        if (semantic === 'POSITION') positionAccessors.add(acc);
      }
      if (p.indices !== undefined && p.attributes['POSITION'] !== undefined) {
        indexAccessors.set(p.indices, json.accessors[p.attributes['POSITION']]?.count ?? 0);
      }
    }
  }
  (json.nodes ?? []).forEach((node, n) => {
    const ext = (node['extensions'] as Record<string, { attributes?: Record<string, number>; featureIds?: { featureCount: number; attribute?: number }[] }> | undefined);
    const inst = ext?.['EXT_mesh_gpu_instancing'];
    if (!inst?.attributes) return;
    const counts = new Set<number>();
    for (const [semantic, acc] of Object.entries(inst.attributes)) {
      attributeAccessors.add(acc);
      const a = json.accessors[acc];
      if (!a) { issues.push(`node ${n} ${semantic} names missing accessor ${acc}`); continue; }
      counts.add(a.count);
      const allowed: Record<string, [string, number[]]> = {
        TRANSLATION: ['VEC3', [GL.FLOAT]], SCALE: ['VEC3', [GL.FLOAT]], ROTATION: ['VEC4', [GL.FLOAT, GL.BYTE, GL.SHORT]],
      };
      const rule = allowed[semantic];
      if (rule && (a.type !== rule[0] || !rule[1].includes(a.componentType))) issues.push(`node ${n} ${semantic} is ${a.type}/${a.componentType}, EXT_mesh_gpu_instancing allows ${rule[0]}/${rule[1].join('|')}`);
      if (semantic === 'ROTATION' && a.componentType !== GL.FLOAT && !a.normalized) issues.push(`node ${n} ROTATION integer components must be normalized`);
    }
    if (counts.size > 1) issues.push(`node ${n} instance attributes have different counts: ${[...counts].join(', ')}`);
    for (const f of ext?.['EXT_instance_features']?.featureIds ?? []) {
      if (f.attribute === undefined) continue;
      const acc = inst.attributes[`_FEATURE_ID_${f.attribute}`];
      if (acc === undefined) { issues.push(`node ${n} feature ids name _FEATURE_ID_${f.attribute}, which is not an instance attribute`); continue; }
      const ids = readAccessor(glb, acc);
      const bad = ids.find((v) => !(v >= 0 && v < f.featureCount && Number.isInteger(v)));
      if (bad !== undefined) issues.push(`node ${n} feature id ${bad} outside [0, ${f.featureCount})`);
    }
  });

  json.accessors.forEach((a, i) => {
    const bv = json.bufferViews[a.bufferView];
    if (!bv) { issues.push(`accessor ${i} names missing bufferView ${a.bufferView}`); return; }
    const size = COMPONENT_BYTES[a.componentType];
    const elementBytes = TYPE_COMPONENTS[a.type] * size;
    const stride = bv.byteStride ?? elementBytes;
    const offset = a.byteOffset ?? 0;
    if ((bv.byteOffset + offset) % size !== 0) issues.push(`accessor ${i} starts at ${bv.byteOffset + offset}, not a multiple of its component size ${size}`);
    if (a.count < 1) issues.push(`accessor ${i} count ${a.count} < 1`);
    const need = offset + stride * (a.count - 1) + elementBytes;
    if (need > bv.byteLength) issues.push(`accessor ${i} needs ${need} bytes, bufferView ${a.bufferView} has ${bv.byteLength}`);
    if (attributeAccessors.has(i) && ((bv.byteOffset + offset) % 4 !== 0 || stride % 4 !== 0)) issues.push(`attribute accessor ${i} elements are not 4-byte aligned (stride ${stride})`);
    if (positionAccessors.has(i) && (!a.min || !a.max)) issues.push(`POSITION accessor ${i} lacks min/max`);
    if (a.min || a.max) {
      const data = readAccessor(glb, i);
      const { min, max } = componentBounds(data, TYPE_COMPONENTS[a.type]);
      const same = (x: number[] | undefined, y: number[]) => !x || (x.length === y.length && x.every((v, k) => v === y[k]));
      if (!same(a.min, min) || !same(a.max, max)) issues.push(`accessor ${i} min/max ${JSON.stringify([a.min, a.max])} ≠ data ${JSON.stringify([min, max])}`);
    }
    const vertices = indexAccessors.get(i);
    if (vertices !== undefined) {
      if (bv.target !== GL.ELEMENT_ARRAY_BUFFER) issues.push(`index accessor ${i} bufferView lacks target ELEMENT_ARRAY_BUFFER`);
      const idx = readAccessor(glb, i);
      const bad = idx.find((v) => v >= vertices);
      if (bad !== undefined) issues.push(`index accessor ${i} holds ${bad} ≥ vertex count ${vertices}`);
      if (idx.length % 3 !== 0) issues.push(`index accessor ${i} count ${idx.length} is not a multiple of 3 (TRIANGLES)`);
    }
  });
  for (const name of json.extensionsRequired ?? []) {
    if (!(json.extensionsUsed ?? []).includes(name)) issues.push(`extensionsRequired names ${name}, which is not in extensionsUsed`);
  }
  return issues;
}

/**
 * EXT_meshopt_compression's rules for bufferView i (the extension's "JSON schema updates" and
 * "Fallback buffers"): a view in a data-less fallback buffer needs the extension, and the
 * extension's layout must hold the view.
 */
function meshoptViewIssues(json: GltfJson, i: number, binLength: number): string[] {
  const issues: string[] = [];
  const bv = json.bufferViews[i]!;
  const m = bv.extensions?.[MESHOPT];
  const target = json.buffers[bv.buffer];
  if (!m) {
    if (target?.extensions?.[MESHOPT]?.fallback) issues.push(`bufferView ${i} lies in fallback buffer ${bv.buffer} without EXT_meshopt_compression`);
    return issues;
  }
  const at = `bufferView ${i} EXT_meshopt_compression`;
  if (!(json.extensionsRequired ?? []).includes(MESHOPT)) issues.push(`${at}: the extension is not in extensionsRequired, but no uncompressed copy exists`);
  if (bv.buffer === 0) issues.push(`${at}: the view lies in buffer 0 (the GLB's BIN chunk), not in a fallback buffer`);
  if (m.buffer !== 0) issues.push(`${at}: compressed data in buffer ${m.buffer}; a GLB has data for buffer 0 only`);
  if ((m.byteOffset ?? 0) + m.byteLength > binLength) issues.push(`${at}: compressed range [${m.byteOffset ?? 0}, +${m.byteLength}) runs past the BIN chunk`);
  if (bv.byteStride !== undefined && bv.byteStride !== m.byteStride) issues.push(`${at}: byteStride ${m.byteStride} ≠ the view's ${bv.byteStride}`);
  if (bv.byteLength !== m.byteStride * m.count) issues.push(`${at}: view byteLength ${bv.byteLength} ≠ byteStride ${m.byteStride} × count ${m.count}`);
  if (m.mode === 'ATTRIBUTES' && (m.byteStride % 4 !== 0 || m.byteStride > 256)) issues.push(`${at}: ATTRIBUTES byteStride ${m.byteStride} not a multiple of 4 ≤ 256`);
  if (m.mode !== 'ATTRIBUTES' && m.byteStride !== 2 && m.byteStride !== 4) issues.push(`${at}: ${m.mode} byteStride ${m.byteStride} is not 2 or 4`);
  if (m.mode === 'TRIANGLES' && m.count % 3 !== 0) issues.push(`${at}: TRIANGLES count ${m.count} not a multiple of 3`);
  const filter = m.filter ?? 'NONE';
  if (filter !== 'NONE' && m.mode !== 'ATTRIBUTES') issues.push(`${at}: filter ${filter} with mode ${m.mode}`);
  if (filter === 'QUATERNION' && m.byteStride !== 8) issues.push(`${at}: QUATERNION needs byteStride 8, not ${m.byteStride}`);
  if (filter === 'OCTAHEDRAL' && m.byteStride !== 4 && m.byteStride !== 8) issues.push(`${at}: OCTAHEDRAL needs byteStride 4 or 8`);
  if (filter === 'EXPONENTIAL' && m.byteStride % 4 !== 0) issues.push(`${at}: EXPONENTIAL needs a byteStride divisible by 4`);
  if (target && !target.extensions?.[MESHOPT]?.fallback) issues.push(`${at}: buffer ${bv.buffer} is not marked as a fallback buffer`);
  return issues;
}

/** One instanced node, decoded: transforms as stored (rotation dequantized), node translation, feature ids. */
export interface DecodedInstances {
  name: string;
  mesh: number;
  /** The node's translation (glTF frame); [0, 0, 0] when absent. */
  nodeTranslation: [number, number, number];
  count: number;
  translation: number[];
  /** Unit quaternions (x, y, z, w) after dequantisation (normalized int16 → value / 32767). */
  rotation: number[] | null;
  scale: number[] | null;
  /** Feature id of each instance (the instance index when implicit), and the table it indexes. */
  featureIds: number[];
  featureCount: number;
  propertyTable: number;
}

export function decodeInstancedNodes(glb: ParsedGlb): DecodedInstances[] {
  const out: DecodedInstances[] = [];
  for (const node of glb.json.nodes ?? []) {
    const ext = node['extensions'] as Record<string, any> | undefined;
    const inst = ext?.['EXT_mesh_gpu_instancing'] as { attributes: Record<string, number> } | undefined;
    if (!inst) continue;
    const a = inst.attributes;
    const translation = a['TRANSLATION'] !== undefined ? readAccessor(glb, a['TRANSLATION']) : [];
    const count = glb.json.accessors[a['TRANSLATION'] ?? a['SCALE'] ?? a['ROTATION']!]!.count;
    let rotation: number[] | null = null;
    if (a['ROTATION'] !== undefined) {
      const acc = glb.json.accessors[a['ROTATION']]!;
      const raw = readAccessor(glb, a['ROTATION']);
      const div = acc.componentType === GL.SHORT ? 32767 : acc.componentType === GL.BYTE ? 127 : 1;
      rotation = raw.map((v) => (div === 1 ? v : Math.max(v / div, -1)));
    }
    const scale = a['SCALE'] !== undefined ? readAccessor(glb, a['SCALE']) : null;
    const fid = (ext?.['EXT_instance_features']?.featureIds?.[0] ?? {}) as { featureCount?: number; attribute?: number; propertyTable?: number };
    const featureIds = fid.attribute !== undefined ? readAccessor(glb, a[`_FEATURE_ID_${fid.attribute}`]!) : Array.from({ length: count }, (_, i) => i);
    const t = (node['translation'] as number[] | undefined) ?? [0, 0, 0];
    out.push({
      name: String(node['name'] ?? ''), mesh: node['mesh'] as number, nodeTranslation: [t[0]!, t[1]!, t[2]!], count,
      translation, rotation, scale, featureIds, featureCount: fid.featureCount ?? 0, propertyTable: fid.propertyTable ?? -1,
    });
  }
  return out;
}

interface SchemaLike {
  enums: Record<string, { valueType?: string; values: { name: string; value: number }[] }>;
  classes: Record<string, { properties: Record<string, { type: string; componentType?: string; enumType?: string }> }>;
}

/**
 * The rows of property table `index` as plain objects: strings decoded, enums as their names,
 * scalars as numbers. `schema` is the embedded one or the one `schemaUri` names.
 */
export function readPropertyTable(glb: ParsedGlb, schema: SchemaLike, index: number): Record<string, string | number>[] {
  const meta = glb.json.extensions?.['EXT_structural_metadata'] as { propertyTables: { class: string; count: number; properties: Record<string, { values: number; stringOffsets?: number; stringOffsetType?: string }> }[] };
  const table = meta.propertyTables[index];
  if (!table) throw new RangeError(`no property table ${index}`);
  const cls = schema.classes[table.class];
  if (!cls) throw new RangeError(`schema has no class "${table.class}"`);
  const rows: Record<string, string | number>[] = Array.from({ length: table.count }, () => ({}));
  const decoder = new TextDecoder();
  for (const [name, p] of Object.entries(table.properties)) {
    const def = cls.properties[name];
    if (!def) throw new RangeError(`class ${table.class} has no property "${name}"`);
    const values = readBufferView(glb, p.values);
    const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
    if (def.type === 'STRING') {
      const offBytes = readBufferView(glb, p.stringOffsets!);
      const offView = new DataView(offBytes.buffer, offBytes.byteOffset, offBytes.byteLength);
      const wide = (p.stringOffsetType ?? 'UINT32') === 'UINT32';
      const off = (i: number) => (wide ? offView.getUint32(i * 4, true) : offView.getUint16(i * 2, true));
      for (let i = 0; i < table.count; i++) rows[i]![name] = decoder.decode(values.subarray(off(i), off(i + 1)));
      continue;
    }
    const kind = def.type === 'ENUM' ? (schema.enums[def.enumType!]?.valueType ?? 'UINT16') : def.componentType!;
    const read = (i: number): number => {
      switch (kind) {
        case 'UINT8': return view.getUint8(i);
        case 'UINT16': return view.getUint16(i * 2, true);
        case 'INT16': return view.getInt16(i * 2, true);
        case 'UINT32': return view.getUint32(i * 4, true);
        case 'FLOAT32': return view.getFloat32(i * 4, true);
        default: throw new RangeError(`componentType ${kind} not supported by readPropertyTable`);
      }
    };
    for (let i = 0; i < table.count; i++) {
      const v = read(i);
      rows[i]![name] = def.type === 'ENUM' ? (schema.enums[def.enumType!]!.values.find((e) => e.value === v)?.name ?? `#${v}`) : v;
    }
  }
  return rows;
}
