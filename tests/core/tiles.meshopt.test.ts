/**
 * EXT_meshopt_compression on the tiles, and every kind of GLB we emit through the Khronos glTF
 * validator (gltf-validator 2.0.0-dev.3.10).
 *
 * Precision: translations and lengths are snapped to POSITION_QUANTUM_M (1/128 m) before coding, and
 * the exponential filter keeps them exactly, so a decoded instance lies within half a quantum
 * (3.9 mm) per axis of the source segment's midpoint; the meshopt GLB decodes to the same
 * translations and lengths as the plain one, section sizes within 1 µm and quaternions within one
 * int16 step.
 *
 * Validator findings we accept (everything else fails the test):
 * - UNSUPPORTED_EXTENSION (Information) for EXT_mesh_gpu_instancing, EXT_instance_features,
 *   EXT_structural_metadata and EXT_meshopt_compression: this validator knows none of them, so
 *   glbReader.ts glbLayoutIssues checks what they add (instance attribute types and counts, feature
 *   ids, meshopt layout rules) in every tile test;
 * - UNUSED_OBJECT (Information) on accessors that only EXT_mesh_gpu_instancing uses and on
 *   bufferViews that only those accessors or EXT_structural_metadata property tables use: unused
 *   to a validator that does not read those extensions. The test checks each such pointer is one
 *   of them.
 * No errors, no warnings, no hints.
 */
import validator from 'gltf-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection, type ImportedNetwork } from '../../src/core/importNetwork';
import type { Link, NetworkNode, UtilityType } from '../../src/core/model';
import { COMPONENT_BYTES, GL, TYPE_COMPONENTS, writeGlb, type AccessorType, type ComponentType, type GltfJson } from '../../src/core/tiles/glb';
import { decodeInstancedNodes, glbLayoutIssues, readGlb } from '../../src/core/tiles/glbReader';
import { POSITION_QUANTUM_M } from '../../src/core/tiles/instancedPipes';
import { tileLayer, type LayerTileset } from '../../src/core/tiles/layerTileset';
import { meshoptReady } from '../../src/core/tiles/meshopt';
import { fittingsUri, linesUri } from '../../src/core/tiles/tiling';

await meshoptReady;

const OUR_EXTENSIONS = ['EXT_mesh_gpu_instancing', 'EXT_instance_features', 'EXT_structural_metadata', 'EXT_meshopt_compression'];

let network: ImportedNetwork;
const layers = new Map<UtilityType, LayerTileset>();

function layer(utility: UtilityType, links?: readonly Link[], nodes?: readonly NetworkNode[]): LayerTileset {
  return tileLayer(
    { utility, frame: network.frame, links: links ?? network.links.filter((l) => l.utility === utility), nodes: nodes ?? network.nodes.filter((n) => n.utility === utility) },
    { tilesetVersion: '1' },
  );
}

beforeAll(() => {
  network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 20261127 })] });
  for (const u of ['water', 'power'] as const) layers.set(u, layer(u));
});

/** Pointers the validator may call unused: instance-only accessors and the views under them or under property tables. */
function extensionOnlyPointers(bytes: Uint8Array): Set<string> {
  const { json } = readGlb(bytes);
  const out = new Set<string>();
  const instanceAccessors: number[] = [];
  for (const node of json.nodes ?? []) {
    const inst = (node['extensions'] as Record<string, { attributes?: Record<string, number> }> | undefined)?.['EXT_mesh_gpu_instancing'];
    instanceAccessors.push(...Object.values(inst?.attributes ?? {}));
  }
  for (const a of instanceAccessors) {
    out.add(`/accessors/${a}`);
    out.add(`/bufferViews/${json.accessors[a]!.bufferView}`);
  }
  const meta = json.extensions?.['EXT_structural_metadata'] as { propertyTables: { properties: Record<string, { values: number; stringOffsets?: number }> }[] };
  for (const t of meta.propertyTables) {
    for (const p of Object.values(t.properties)) {
      out.add(`/bufferViews/${p.values}`);
      if (p.stringOffsets !== undefined) out.add(`/bufferViews/${p.stringOffsets}`);
    }
  }
  return out;
}

async function expectValid(bytes: Uint8Array, name: string): Promise<void> {
  expect(glbLayoutIssues(bytes), name).toEqual([]);
  const report = await validator.validateBytes(bytes, { uri: name, maxIssues: 0 });
  const allowed = extensionOnlyPointers(bytes);
  const unexpected = report.issues.messages.filter((m) => !(
    (m.code === 'UNSUPPORTED_EXTENSION' && OUR_EXTENSIONS.some((e) => m.message.includes(`'${e}'`)))
    || (m.code === 'UNUSED_OBJECT' && allowed.has(m.pointer ?? ''))
  ));
  expect(unexpected, name).toEqual([]);
  expect(report.issues.numErrors + report.issues.numWarnings + report.issues.numHints, name).toBe(0);
  expect(report.issues.messages.some((m) => m.code === 'UNSUPPORTED_EXTENSION' && m.message.includes('EXT_mesh_gpu_instancing')), name).toBe(true);
}

describe('Khronos glTF validator', () => {
  it('finds no errors or warnings in a pipes tile, a fittings tile and a ducts tile, compressed or plain', async () => {
    const water = layers.get('water')!, power = layers.get('power')!;
    // Ducts (boxes) and round pipes (cylinders) in one GLB: two instanced nodes, one property table.
    const duct = network.links.find((l) => l.section.shape === 'rect')!;
    // The sample city has no layer with both shapes: borrow a round pipe into the duct's layer.
    const round = { ...network.links.find((l) => l.section.shape === 'circular')!, utility: duct.utility };
    const mixed = layer(duct.utility, [duct, round], []);
    expect(decodeInstancedNodes(readGlb(mixed.content(linesUri(mixed.tree.root.id))!)).map((n) => n.name).sort()).toEqual(['ducts', 'pipes']);
    const cases: [LayerTileset, string][] = [
      [water, linesUri(water.tree.root.id)], [water, fittingsUri(water.tree.root.id)], [power, linesUri(power.tree.root.id)], [mixed, linesUri(mixed.tree.root.id)],
    ];
    for (const [t, file] of cases) {
      for (const compression of ['meshopt', 'none'] as const) {
        const bytes = t.content(file, compression)!;
        expect(bytes, file).not.toBeNull();
        await expectValid(bytes, `${t.utility}/${file} (${compression})`);
      }
    }
  });

  it('finds none in a tile of one segment and one fitting (the smallest content)', async () => {
    const link = network.links.find((l) => l.utility === 'gas' && l.vertices.length === 8)!;
    const node = network.nodes.find((n) => n.utility === 'gas' && n.nodeType === 'valve')!;
    const t = layer('gas', [link], [node]);
    for (const file of [linesUri(t.tree.root.id), fittingsUri(t.tree.root.id)]) {
      const bytes = t.content(file)!;
      await expectValid(bytes, file);
      expect(decodeInstancedNodes(readGlb(bytes))[0]!.count).toBe(1);
    }
  });
});

describe('EXT_meshopt_compression', () => {
  it('is required, with the views in a data-less fallback buffer and the compressed bytes in the BIN chunk', () => {
    const water = layers.get('water')!;
    const { json } = readGlb(water.content(linesUri(water.tree.root.id))!);
    expect(json.extensionsRequired).toContain('EXT_meshopt_compression');
    expect(json.buffers).toHaveLength(2);
    expect(json.buffers[1]!.extensions?.EXT_meshopt_compression).toEqual({ fallback: true });
    const filters = json.bufferViews.map((bv) => bv.extensions?.EXT_meshopt_compression?.filter ?? bv.extensions?.EXT_meshopt_compression?.mode);
    expect(filters).toContain('QUATERNION');
    expect(filters).toContain('EXPONENTIAL');
    expect(filters).toContain('TRIANGLES');
    // Property tables stay plain in buffer 0.
    expect(json.bufferViews.filter((bv) => bv.buffer === 0).every((bv) => bv.extensions === undefined)).toBe(true);
  });

  it('packs every instance attribute tightly, feature ids included, so CesiumJS copies each in one go', () => {
    // CesiumJS 1.140 (GltfLoader getPackedTypedArray) copies an accessor element by element through a
    // DataView when its stride is not its element size: 2-byte ids padded to 4 took 276 ms of a
    // fly-through's main thread (src/core/tiles/README.md, "Long tasks of the fly-through, classed").
    for (const u of ['water', 'power'] as const) {
      const t = layers.get(u)!;
      for (const compression of ['meshopt', 'none'] as const) {
        const { json } = readGlb(t.content(linesUri(t.tree.root.id), compression)!);
        let ids = 0;
        for (const node of json.nodes ?? []) {
          const inst = (node['extensions'] as Record<string, { attributes: Record<string, number> }> | undefined)?.['EXT_mesh_gpu_instancing'];
          for (const [name, a] of Object.entries(inst?.attributes ?? {})) {
            const acc = json.accessors[a]!;
            const element = COMPONENT_BYTES[acc.componentType as ComponentType] * TYPE_COMPONENTS[acc.type as AccessorType];
            expect(json.bufferViews[acc.bufferView!]!.byteStride ?? element, `${u} ${compression} ${name}`).toBe(element);
            if (name === '_FEATURE_ID_0') { ids++; expect(acc.componentType).toBe(GL.FLOAT); }
          }
        }
        expect(ids, `${u} ${compression}`).toBeGreaterThan(0);
      }
    }
  });

  it('layout checks name a broken meshopt layout: not required, wrong stride, a plain view in the fallback buffer', () => {
    const water = layers.get('water')!;
    const glb = readGlb(water.content(linesUri(water.tree.root.id))!);
    const damaged = (f: (json: GltfJson) => void) => {
      const json = JSON.parse(JSON.stringify(glb.json)) as GltfJson;
      f(json);
      return glbLayoutIssues(writeGlb(json, glb.bin.slice()));
    };
    const quat = glb.json.bufferViews.findIndex((bv) => bv.extensions?.EXT_meshopt_compression?.filter === 'QUATERNION');
    expect(damaged((j) => { j.extensionsRequired = ['EXT_mesh_gpu_instancing']; }).some((i) => /not in extensionsRequired/.test(i))).toBe(true);
    expect(damaged((j) => { j.bufferViews[quat]!.extensions!.EXT_meshopt_compression!.byteStride = 12; j.bufferViews[quat]!.byteStride = 12; }))
      .toEqual(expect.arrayContaining([expect.stringMatching(/QUATERNION needs byteStride 8/), expect.stringMatching(/byteLength \d+ ≠ byteStride 12/)]));
    expect(damaged((j) => { delete j.bufferViews[quat]!.extensions; }).some((i) => new RegExp(`bufferView ${quat} lies in fallback buffer 1 without`).test(i))).toBe(true);
  });

  it('decodes to the plain glTF\'s instances: translations and lengths exactly, sections to 1 µm, quaternions within one int16 step', () => {
    for (const t of layers.values()) {
      for (const tile of t.tree.tiles.values()) {
        for (const file of [linesUri(tile.id), fittingsUri(tile.id)]) {
          const packed = t.content(file, 'meshopt');
          if (!packed) continue;
          const plain = decodeInstancedNodes(readGlb(t.content(file, 'none')!));
          const ours = decodeInstancedNodes(readGlb(packed));
          expect(ours.map((n) => n.count)).toEqual(plain.map((n) => n.count));
          ours.forEach((n, k) => {
            const p = plain[k]!;
            expect(n.translation.map((v) => v + 0)).toEqual(p.translation.map((v) => v + 0)); // +0: the codec writes −0 as 0
            // Lengths exactly (snapped); section sizes to 24 bits of the batch's largest (< 1 µm).
            for (let i = 0; i < n.count * 3; i++) {
              if (i % 3 === 0) expect(n.scale![i]).toBe(p.scale![i]);
              else expect(Math.abs(n.scale![i]! - p.scale![i]!)).toBeLessThan(1e-6);
            }
            expect(n.featureIds).toEqual(p.featureIds);
            // Same rotation: q and −q are one rotation, so compare |q·p| with 1.
            for (let i = 0; i < n.count; i++) {
              const dot = [0, 1, 2, 3].reduce((s, c) => s + n.rotation![i * 4 + c]! * p.rotation![i * 4 + c]!, 0);
              expect(Math.abs(dot)).toBeGreaterThan(1 - 4 / 32767);
            }
          });
        }
      }
    }
  });

  it('keeps every segment instance within half a position quantum per axis of its source midpoint', () => {
    const t = layers.get('water')!;
    const { layer: L } = t;
    let worst = 0, checked = 0;
    for (const tile of t.tree.tiles.values()) {
      const bytes = t.content(linesUri(tile.id));
      if (!bytes) continue;
      // Instances are written in (link, vertex) order, round pipes then ducts (instancedPipes.ts).
      const order = [...tile.segments].sort((p, q) => L.segLink[p]! - L.segLink[q]! || L.segVertex[p]! - L.segVertex[q]!);
      for (const node of decodeInstancedNodes(readGlb(bytes))) {
        const shape = node.name === 'pipes' ? 'circular' : 'rect';
        const mine = order.filter((s) => L.links[L.segLink[s]!]!.section.shape === shape);
        expect(mine).toHaveLength(node.count);
        mine.forEach((s, i) => {
          const mid = [0, 1, 2].map((k) => (L.segStart[s * 3 + k]! + L.segEnd[s * 3 + k]!) / 2);
          // glTF (x, y, z) + node translation → tileset (east, north, up) = (x, −z, y).
          const [x, y, z] = [0, 1, 2].map((k) => node.translation[i * 3 + k]! + node.nodeTranslation[k]!);
          for (const [got, want] of [[x!, mid[0]!], [-z!, mid[1]!], [y!, mid[2]!]] as const) worst = Math.max(worst, Math.abs(got - want));
          checked++;
        });
      }
    }
    expect(checked).toBe(L.segmentCount);
    expect(worst).toBeLessThanOrEqual(POSITION_QUANTUM_M / 2 + 1e-6);
  });
});
