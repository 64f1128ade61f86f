import {
  AttributeCompression, Cartesian3, ComponentDatatype, Matrix4, MetadataClassProperty, MetadataComponentType, MetadataType, Quaternion, ShaderCache,
} from 'cesium';
import { describe, expect, it } from 'vitest';
import { instanceMatrices, trimTileLoadCost } from '../../src/viewer/tileLoadCost';

/** Cesium's own CPU path for one instance (InstancingPipelineStage getInstanceTransformsAsMatrices + transformsToTypedArray). */
function cesiumRow(t: [number, number, number], r: [number, number, number, number], s: [number, number, number]): number[] {
  const m = Matrix4.fromTranslationQuaternionRotationScale(new Cartesian3(...t), new Quaternion(...r), new Cartesian3(...s), new Matrix4());
  return [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14].map((k) => m[k]!);
}

/** A deterministic pseudo-random sequence (no Math.random: the test must repeat). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('instanceMatrices: the instancing matrices without a heap object per instance', () => {
  it('gives the very floats of Cesium’s CPU path for pipes of any direction, length and width, with quantized rotations', () => {
    const rnd = lcg(7);
    const count = 500;
    const t = new Float32Array(count * 3), s = new Float32Array(count * 3), q = new Int16Array(count * 4);
    for (let i = 0; i < count; i++) {
      t.set([rnd() * 4000 - 2000, rnd() * 4000 - 2000, rnd() * 10 - 8], i * 3);
      s.set([0.05 + rnd(), 1 + rnd() * 80, 0.05 + rnd()], i * 3);
      const v = [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5, rnd() - 0.5];
      const n = Math.hypot(...v);
      q.set(v.map((c) => Math.round((c / n) * 32767)), i * 4);
    }
    const rot = AttributeCompression.dequantize(q, ComponentDatatype.SHORT, 'VEC4', count);
    const { matrices, min, max } = instanceMatrices(count, t, rot, s);
    const expected = new Float32Array(count * 12);
    for (let i = 0; i < count; i++) {
      const v3 = (a: Float32Array): [number, number, number] => [a[i * 3]!, a[i * 3 + 1]!, a[i * 3 + 2]!];
      expected.set(cesiumRow(v3(t), [rot[i * 4]!, rot[i * 4 + 1]!, rot[i * 4 + 2]!, rot[i * 4 + 3]!], v3(s)), i * 12);
    }
    expect(matrices).toEqual(expected);
    for (let k = 0; k < 3; k++) {
      const column = Array.from({ length: count }, (_, i) => t[i * 3 + k]!);
      expect(min[k]).toBe(Math.min(...column));
      expect(max[k]).toBe(Math.max(...column));
    }
  });

  it('dequantizes int16 rotations in the loop to the very floats of AttributeCompression.dequantize', () => {
    const rnd = lcg(11);
    const count = 400;
    const t = new Float32Array(count * 3), s = new Float32Array(count * 3), q = new Int16Array(count * 4);
    for (let i = 0; i < count; i++) {
      t.set([rnd() * 100, rnd() * 100, rnd()], i * 3);
      s.set([1 + rnd() * 50, 0.1 + rnd(), 0.1 + rnd()], i * 3);
      q.set([0, 1, 2, 3].map(() => Math.round(rnd() * 65534 - 32767)), i * 4);
    }
    q.set([-32768, -32767, 32767, 0], 0); // -32768 clamps to -1, as in Cesium
    const viaCesium = instanceMatrices(count, t, AttributeCompression.dequantize(q, ComponentDatatype.SHORT, 'VEC4', count), s);
    expect(instanceMatrices(count, t, q, s, true).matrices).toEqual(viaCesium.matrices);
    // Into a reused, larger array (as the patch does): the same floats, in a view of exactly count × 12.
    const into = new Float32Array(count * 12 + 100).fill(7);
    const viaScratch = instanceMatrices(count, t, q, s, true, into).matrices;
    expect(viaScratch.length).toBe(count * 12);
    expect(viaScratch.buffer).toBe(into.buffer);
    expect(viaScratch).toEqual(viaCesium.matrices);
  });

  it('takes a missing translation as 0 and a missing scale as 1, as Cesium does', () => {
    const rot = new Float32Array([0, 0, Math.SQRT1_2, Math.SQRT1_2]);
    const { matrices, min, max } = instanceMatrices(1, undefined, rot, undefined);
    expect(matrices).toEqual(new Float32Array(cesiumRow([0, 0, 0], [rot[0]!, rot[1]!, rot[2]!, rot[3]!], [1, 1, 1])));
    expect(min).toEqual([0, 0, 0]);
    expect(max).toEqual([0, 0, 0]);
  });
});

describe('trimTileLoadCost: Cesium’s shader cache and metadata packing, patched', () => {
  trimTileLoadCost();

  it('finds a derived program under the same key as Cesium, and nothing where Cesium has nothing', () => {
    const base = { _cachedShader: { keyword: 'vs:fs:{}' } } as never;
    const derived = { id: 2 };
    const cache = { _shaders: { ['logDepthvs:fs:{}']: { shaderProgram: derived } } };
    const get = ShaderCache.prototype.getDerivedShaderProgram;
    expect(get.call(cache as never, base, 'logDepth')).toBe(derived);
    expect(get.call(cache as never, base, 'logDepth')).toBe(derived);
    expect(get.call(cache as never, base, 'oit')).toBeUndefined();
    // A program released from the cache is not returned from the kept key.
    delete (cache._shaders as Record<string, unknown>)['logDepthvs:fs:{}'];
    expect(get.call(cache as never, base, 'logDepth')).toBeUndefined();
  });

  it('declares no metadata property GPU compatible, so no property-table texture is packed', () => {
    const property = new MetadataClassProperty({ id: 'diameterMm', type: MetadataType.SCALAR, componentType: MetadataComponentType.UINT16 });
    expect(property.isGpuCompatible(4)).toBe(false);
  });
});
