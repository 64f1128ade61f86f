/**
 * The tiled layers' style (src/viewer/tileStyle.ts layerStyle): the functions Cesium calls per tile
 * feature, checked feature by feature against what each colouring and filter means.
 */
import { describe, expect, it } from 'vitest';
import { utilityColour } from '../../src/core/colours';
import { categoryColour, DEFAULT_STYLE, DISPLAY, layerStyle, type StyleSpec } from '../../src/viewer/tileStyle';

const feature = (props: Record<string, unknown>) => ({ getProperty: (name: string) => props[name] });
const main = feature({ id: 'w1', material: 'DI', installYear: 1985, qualityLevel: 'B', minCoverCm: 90, maxCoverCm: 140, owner: 'Water Co', status: 'in_service' });
const old = feature({ id: 'w2', material: 'CI', installYear: 1950, qualityLevel: 'D', minCoverCm: 300, maxCoverCm: 420, owner: 'Other', status: 'abandoned' });
const bare = feature({ id: 'w3', material: 'unknown', installYear: 0, minCoverCm: 100, maxCoverCm: 100, owner: 'Water Co', status: 'in_service' });
const valve = feature({ id: 'v1', nodeType: 'valve', coverCm: 120 });
const materials = ['CI', 'DI', 'PE'];
const spec = (over: Partial<StyleSpec>): StyleSpec => ({ ...DEFAULT_STYLE, ...over });

describe('layerStyle', () => {
  it('colours by type in the scheme, fittings lighter, and shows everything by default', () => {
    const s = layerStyle(DEFAULT_STYLE, 'water', materials);
    const [r, g, b] = utilityColour('cjj61', 'water');
    expect(s.colour(main, false)).toEqual([r, g, b]);
    expect(s.colour(valve, true)).toEqual([Math.round((r + 255) / 2), Math.round((g + 255) / 2), Math.round((b + 255) / 2)]);
    expect([main, old, bare].every((f) => s.show(f, false))).toBe(true);
    expect(s.show(valve, true)).toBe(true);
    expect(layerStyle(spec({ scheme: 'apwa' }), 'water', materials).colour(main, false)).toEqual(utilityColour('apwa', 'water'));
  });

  it('colours by material, age band and quality level, with an unknown colour for the rest', () => {
    const byMaterial = layerStyle(spec({ colourBy: 'material' }), 'water', materials);
    expect(byMaterial.colour(main, false)).toEqual(categoryColour(materials, 'DI'));
    expect(byMaterial.colour(old, false)).toEqual(categoryColour(materials, 'CI'));
    expect(byMaterial.colour(main, false)).not.toEqual(byMaterial.colour(old, false));
    const unknown = byMaterial.colour(bare, false);
    expect(unknown).toEqual(categoryColour(materials, 'unknown'));
    const byAge = layerStyle(spec({ colourBy: 'age' }), 'water', materials);
    expect(byAge.colour(bare, false)).toEqual(unknown); // no install year
    expect(DISPLAY.ageBands[0]).toBeGreaterThan(1950);
    expect(byAge.colour(old, false)).not.toEqual(byAge.colour(main, false));
    expect(byAge.colour(feature({ installYear: DISPLAY.ageBands.at(-1)! + 1 }), false)).not.toEqual(byAge.colour(main, false));
    const byQuality = layerStyle(spec({ colourBy: 'quality' }), 'water', materials);
    expect(byQuality.colour(bare, false)).toEqual(unknown);
    expect(byQuality.colour(main, false)).not.toEqual(byQuality.colour(old, false));
    // Fittings are one colour in every colouring but type.
    expect(byQuality.colour(valve, true)).toEqual(byMaterial.colour(valve, true));
  });

  it('filters lines by cover range, owner and status, and fittings by their cover', () => {
    const deep = layerStyle(spec({ cover: { minM: 2, maxM: 5 } }), 'water', materials);
    expect([deep.show(main, false), deep.show(old, false), deep.show(bare, false), deep.show(valve, true)]).toEqual([false, true, false, false]);
    const shallow = layerStyle(spec({ cover: { minM: 1.2, maxM: 1.3 } }), 'water', materials);
    expect([shallow.show(main, false), shallow.show(bare, false), shallow.show(valve, true)]).toEqual([true, false, true]);
    // A line or fitting without a cover is hidden by a cover filter.
    expect(shallow.show(feature({ id: 'x' }), false)).toBe(false);
    expect(shallow.show(feature({ nodeType: 'valve' }), true)).toBe(false);
    const owned = layerStyle(spec({ owner: 'Water Co' }), 'water', materials);
    expect([owned.show(main, false), owned.show(old, false), owned.show(valve, true)]).toEqual([true, false, true]);
    const live = layerStyle(spec({ statuses: ['in_service'] }), 'water', materials);
    expect([live.show(main, false), live.show(old, false)]).toEqual([true, false]);
    const none = layerStyle(spec({ statuses: [] }), 'water', materials);
    expect([none.show(main, false), none.show(bare, false), none.show(valve, true)]).toEqual([false, false, true]);
  });

  it('paints screened lines in their verdict colour over any colouring and keeps them shown through every filter', () => {
    const red: [number, number, number] = [230, 20, 20];
    const s = layerStyle(spec({ colourBy: 'material', owner: 'nobody', statuses: [], cover: { minM: 50, maxM: 60 }, highlights: new Map([['w2', red]]) }), 'water', materials);
    expect(s.colour(old, false)).toBe(red);
    expect(s.show(old, false)).toBe(true);
    expect(s.show(main, false)).toBe(false);
    expect(s.colour(main, false)).toEqual(categoryColour(materials, 'DI'));
  });
});
