import { describe, expect, it } from 'vitest';
import { NetworkImportError, parseNetworkCollection } from '../../src/core/importNetwork';
import { transformBetween } from '../../src/core/crs';
import { coverAt } from '../../src/core/model';

/** A two-feature delivery in EPSG:4547 around Tianhe, Guangzhou. */
function delivery(): any {
  return {
    type: 'FeatureCollection',
    crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } },
    vertical_datum: '1985 National Height Datum',
    features: [
      {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: [[433000, 2558000, 10.0], [433050, 2558000, 9.9]] },
        properties: {
          feature_type: 'link', id: 'W1', utility: 'water', subtype: 'main', material: 'ductile iron', diameter_mm: 300,
          pressure_class: null, install_year: 2008, owner: 'Guangzhou Water Supply Co.', status: 'in_service',
          quality_level: 'B', street: 'Tianhe Lu', from_node: null, to_node: 'V1', ground_z: [11.5, 11.4],
        },
      },
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [433050, 2558000, 9.9] },
        properties: {
          feature_type: 'node', id: 'V1', node_type: 'valve', utility: 'water', ground_z: 11.4, normally_open: true,
          operable: true, link: 'W1', customer_class: null, name: null, street: 'Tianhe Lu',
        },
      },
    ],
  };
}

function issuesOf(input: unknown): NetworkImportError {
  try {
    parseNetworkCollection(input);
  } catch (e) {
    if (e instanceof NetworkImportError) return e;
    throw e;
  }
  throw new Error('expected the delivery to be refused');
}

describe('importing a network delivery', () => {
  it('reprojects EPSG:4547 into a local metric frame centred on the delivery, keeping lengths', () => {
    const net = parseNetworkCollection(delivery());
    expect(net.sourceCrs).toBe('EPSG:4547');
    expect(net.frame.originLon).toBeGreaterThan(113.3);
    expect(net.frame.originLon).toBeLessThan(113.4);
    const link = net.links[0]!;
    const v = link.vertices;
    // 50 m of Gauss-Krüger easting 0.65° from the central meridian is 50 m on the ground within 1 cm.
    expect(Math.hypot(v[4]! - v[0]!, v[5]! - v[1]!)).toBeCloseTo(50, 1);
    expect(coverAt(link, 0)).toBeCloseTo(11.5 - 10.15, 6);
    expect(net.nodes[0]).toMatchObject({ id: 'V1', nodeType: 'valve', link: 'W1', operable: true });
  });

  it('round-trips coordinates through the frame to within a millimetre', () => {
    const net = parseNetworkCollection(delivery());
    const back = transformBetween('EPSG:4547', net.frame).fromLocal(net.links[0]!.vertices[0]!, net.links[0]!.vertices[1]!);
    expect(back[0]).toBeCloseTo(433000, 3);
    expect(back[1]).toBeCloseTo(2558000, 3);
  });

  it('names the feature index, id and field of a missing diameter', () => {
    const d = delivery();
    delete d.features[0].properties.diameter_mm;
    const e = issuesOf(d);
    expect(e.issues[0]).toMatchObject({ featureIndex: 0, featureId: 'W1', field: 'width_mm' });
    expect(e.message).toContain('feature 0 (id "W1")');
  });

  it('refuses a ground_z array that does not match the vertices', () => {
    const d = delivery();
    d.features[0].properties.ground_z = [11.5];
    expect(issuesOf(d).issues[0]).toMatchObject({ featureIndex: 0, field: 'ground_z' });
  });

  it('refuses an unknown utility, a duplicate id and a valve on a missing link, all at once', () => {
    const d = delivery();
    d.features[0].properties.utility = 'lava';
    d.features.push(JSON.parse(JSON.stringify(d.features[1])));
    d.features[2].properties.link = 'NOPE';
    const e = issuesOf(d);
    const fields = e.issues.map((i) => `${i.featureIndex}:${i.field}`);
    expect(fields).toContain('0:utility');
    expect(fields).toContain('2:id');
    expect(fields).toContain('2:link');
  });

  it('refuses a position without a z value and a non-finite elevation', () => {
    const d = delivery();
    d.features[0].geometry.coordinates[1] = [433050, 2558000];
    d.features[1].properties.ground_z = 'high';
    const fields = issuesOf(d).issues.map((i) => `${i.featureIndex}:${i.field}`);
    expect(fields).toContain('0:geometry.coordinates[1]');
    expect(fields).toContain('1:ground_z');
  });

  it('refuses structurally broken GeoJSON through geojson-validation', () => {
    const d = delivery();
    d.features[0].geometry = { type: 'LineString', coordinates: 'nope' };
    expect(issuesOf(d).issues[0]).toMatchObject({ featureIndex: 0, field: 'geometry' });
  });

  it('refuses an unsupported CRS and something that is not a FeatureCollection', () => {
    const d = delivery();
    d.crs.properties.name = 'EPSG:99999';
    expect(issuesOf(d).issues[0]).toMatchObject({ featureIndex: null, field: 'crs.properties.name' });
    expect(issuesOf({ type: 'Feature' }).issues[0]!.field).toBe('type');
    expect(issuesOf({ type: 'FeatureCollection', features: [] }).issues[0]!.field).toBe('features');
  });

  it('caps the issue list but reports the total', () => {
    const d = delivery();
    for (let i = 0; i < 100; i++) d.features.push({ ...d.features[0], properties: { ...d.features[0].properties, id: `X${i}`, status: 'bad' } });
    const e = issuesOf(d);
    expect(e.issues.length).toBe(50);
    expect(e.totalIssues).toBe(100);
  });

  it('does not mutate the delivery', () => {
    const d = delivery();
    const before = JSON.stringify(d);
    parseNetworkCollection(d);
    expect(JSON.stringify(d)).toBe(before);
  });
});
