/**
 * The line geometry the screening worker answers `lineGeometry` with (tiles mode) and the main
 * thread reads in polyline mode: the vertices and section of exactly the link asked for, from a
 * layer encoded as the API sends it.
 */
import { describe, expect, it } from 'vitest';
import type { LocalFrame } from '../../src/core/crs';
import type { Link } from '../../src/core/model';
import { encodeLayer } from '../../src/protocol/layerPayload';
import { LineGeometryStore } from '../../src/protocol/lineGeometry';

const FRAME: LocalFrame = { originLon: 113.33, originLat: 23.13 };

function link(id: string, section: Link['section'], vertices: number[]): Link {
  return {
    id, utility: 'gas', subtype: 'distribution', material: 'PE', section, pressureClass: 'medium_b', installYear: 2005,
    owner: 'Guangzhou Gas', status: 'in_service', qualityLevel: 'B', street: null, fromNode: null, toNode: null,
    vertices: Float64Array.from(vertices),
  };
}

describe('LineGeometryStore', () => {
  const links = [
    link('g-1', { shape: 'circular', diameterMm: 300 }, [0, 0, 8.5, 10, 12.34, 0, 8.4, 10.1]),
    link('g-2', { shape: 'rect', widthMm: 800, heightMm: 600 }, [5, 5, 7, 9, 6, 7, 7.1, 9, 9, 9, 7.2, 9.05]),
  ];
  const store = new LineGeometryStore();
  store.add(encodeLayer(3, 'gas', FRAME, links));

  it('returns each link’s own vertices in cm and half its section height', () => {
    const a = store.get('g-1')!;
    expect(a.utility).toBe('gas');
    expect([...a.xyzg]).toEqual([0, 0, 850, 1000, 1234, 0, 840, 1010]);
    expect(a.halfHeightM).toBeCloseTo(0.15, 9);
    const b = store.get('g-2')!;
    expect([...b.xyzg]).toEqual([500, 500, 700, 900, 600, 700, 710, 900, 900, 900, 720, 905]);
    expect(b.halfHeightM).toBeCloseTo(0.3, 9);
  });

  it('leaves unknown ids out and forgets everything on clear', () => {
    expect(store.many(['g-2', 'nope', 'g-1']).map((g) => g.linkId)).toEqual(['g-2', 'g-1']);
    expect(store.get('nope')).toBeNull();
    const copy = new LineGeometryStore();
    copy.add(encodeLayer(3, 'gas', FRAME, links));
    expect(copy.size).toBe(2);
    copy.clear();
    expect(copy.get('g-1')).toBeNull();
  });

  it('hands out copies: changing one does not change the store', () => {
    store.get('g-1')!.xyzg[0] = 99;
    expect(store.get('g-1')!.xyzg[0]).toBe(0);
  });
});
