/**
 * The binary glTF writer: the container is read back with a DataView (independently of
 * glbReader.ts), the layout is checked against the glTF 2.0 rules, and the unit meshes are checked
 * for outward normals and counter-clockwise winding.
 */
import { describe, expect, it } from 'vitest';
import { GL, GltfBuilder, writeGlb } from '../../src/core/tiles/glb';
import { glbLayoutIssues, readAccessor, readGlb } from '../../src/core/tiles/glbReader';
import { unitBox, unitCylinder, type UnitMesh } from '../../src/core/tiles/unitMeshes';
import { meshoptReady } from '../../src/core/tiles/meshopt';

await meshoptReady;

function sampleGlb(): Uint8Array {
  const b = new GltfBuilder();
  const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);
  const position = b.addAccessor({ data: positions, componentType: GL.FLOAT, type: 'VEC3', target: GL.ARRAY_BUFFER, bounds: true });
  const indices = b.addAccessor({ data: new Uint16Array([0, 1, 2]), componentType: GL.UNSIGNED_SHORT, type: 'SCALAR', target: GL.ELEMENT_ARRAY_BUFFER });
  // A 3-byte odd-sized view in between, so later views must be re-aligned.
  b.addBufferView(new Uint8Array([1, 2, 3]));
  const ids = b.addAccessor({ data: new Uint16Array([7, 8, 9]), componentType: GL.UNSIGNED_SHORT, type: 'SCALAR', byteStride: 4, target: GL.ARRAY_BUFFER });
  return b.toGlb({
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, extras: { ids } }],
    meshes: [{ primitives: [{ attributes: { POSITION: position }, indices }] }],
  });
}

describe('the GLB writer', () => {
  it('writes a header, a JSON chunk ending on an 8-byte boundary and an 8-aligned BIN chunk', () => {
    const glb = sampleGlb();
    const v = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
    expect(v.getUint32(0, true)).toBe(0x46546c67);
    expect(v.getUint32(4, true)).toBe(2);
    expect(v.getUint32(8, true)).toBe(glb.byteLength);
    const jsonLength = v.getUint32(12, true);
    expect(v.getUint32(16, true)).toBe(0x4e4f534a);
    expect((20 + jsonLength) % 8).toBe(0);
    expect(jsonLength % 4).toBe(0);
    // Padding is spaces, and the JSON parses.
    const text = new TextDecoder().decode(glb.subarray(20, 20 + jsonLength));
    expect(text.trimEnd().length).toBeLessThanOrEqual(text.length);
    expect(/ *$/.exec(text)![0].length).toBeLessThan(8);
    const json = JSON.parse(text) as { buffers: { byteLength: number }[] };
    const binHeader = 20 + jsonLength;
    const binLength = v.getUint32(binHeader, true);
    expect(v.getUint32(binHeader + 4, true)).toBe(0x004e4942);
    expect((binHeader + 8) % 8).toBe(0);
    expect(binLength % 8).toBe(0);
    expect(json.buffers[0]!.byteLength).toBe(binLength);
    expect(binHeader + 8 + binLength).toBe(glb.byteLength);
  });

  it('passes its own layout checks: aligned views, exact POSITION bounds, indices below the vertex count', () => {
    expect(glbLayoutIssues(sampleGlb())).toEqual([]);
  });

  it('round-trips accessor data, padding 2-byte attributes to a 4-byte stride', () => {
    const parsed = readGlb(sampleGlb());
    const ids = (parsed.json.nodes![0]!['extras'] as { ids: number }).ids;
    expect(readAccessor(parsed, ids)).toEqual([7, 8, 9]);
    const view = parsed.json.bufferViews[parsed.json.accessors[ids]!.bufferView]!;
    expect(view.byteStride).toBe(4);
    expect(view.byteLength).toBe(12);
    expect(parsed.json.accessors[0]!.min).toEqual([0, 0, 0]);
    expect(parsed.json.accessors[0]!.max).toEqual([1, 1, 0]);
    for (const bv of parsed.json.bufferViews) expect(bv.byteOffset % 8).toBe(0);
  });

  it('refuses caller bugs at once, naming the values', () => {
    const b = new GltfBuilder();
    expect(() => b.addAccessor({ data: new Float32Array(4), componentType: GL.FLOAT, type: 'VEC3' })).toThrow(/data length 4 is not a multiple of 3/);
    expect(() => b.addAccessor({ data: new Uint16Array(3), componentType: GL.UNSIGNED_SHORT, type: 'SCALAR', target: GL.ARRAY_BUFFER })).toThrow(/4-byte aligned; byteStride 2/);
    expect(() => b.addAccessor({ data: new Float32Array(3), componentType: GL.UNSIGNED_SHORT, type: 'VEC3' })).toThrow(/does not hold componentType/);
  });

  it('reports a broken layout: min/max that do not match the data', () => {
    const parsed = readGlb(sampleGlb());
    parsed.json.accessors[0]!.max = [2, 1, 0];
    expect(glbLayoutIssues(writeGlb(parsed.json, parsed.bin.slice()))).toEqual([expect.stringMatching(/accessor 0 min\/max .* ≠ data/)]);
  });
});

function checkMesh(mesh: UnitMesh) {
  const p = mesh.positions, n = mesh.normals, idx = mesh.indices;
  for (let t = 0; t < idx.length; t += 3) {
    const [a, b, c] = [idx[t]!, idx[t + 1]!, idx[t + 2]!];
    const e1 = [0, 1, 2].map((k) => p[b * 3 + k]! - p[a * 3 + k]!);
    const e2 = [0, 1, 2].map((k) => p[c * 3 + k]! - p[a * 3 + k]!);
    const cross = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
    const normal = [0, 1, 2].map((k) => n[a * 3 + k]! + n[b * 3 + k]! + n[c * 3 + k]!);
    // Counter-clockwise seen from outside: the face normal agrees with the vertex normals.
    expect(cross[0]! * normal[0]! + cross[1]! * normal[1]! + cross[2]! * normal[2]!).toBeGreaterThan(0);
  }
  for (let i = 0; i < p.length; i++) expect(Math.abs(p[i]!)).toBeLessThanOrEqual(0.5 + 1e-7);
}

describe('the unit shapes', () => {
  it('the cylinder runs along +X from −0.5 to 0.5 with radius 0.5, wound counter-clockwise outward', () => {
    const c = unitCylinder();
    checkMesh(c);
    for (let i = 0; i < c.positions.length; i += 3) {
      expect(Math.abs(c.positions[i]!)).toBeCloseTo(0.5, 7);
      expect(Math.hypot(c.positions[i + 1]!, c.positions[i + 2]!)).toBeCloseTo(0.5, 6);
    }
  });

  it('the box is the unit cube about the origin, wound counter-clockwise outward', () => {
    const b = unitBox();
    checkMesh(b);
    expect(b.positions.length / 3).toBe(24);
    expect(b.indices.length).toBe(36);
  });
});
