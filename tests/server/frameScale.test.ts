/**
 * The local frame's scale, far from its meridian, through every way a user screens works on the real
 * server (a real SQLite file, HTTP on 127.0.0.1): one dig and a work list at POST /api/screenings, a
 * permit's screening when it is submitted, and its re-screening after an import. A delivery adds a gas
 * main 0.1° (about 10 km) east of the frame's meridian; a pile, or a dig's edge, lies 4.999998 m (true)
 * from its outside, within the 5 m notify distance: the frame reads that 5.0000044 m, and without the
 * scale bound (src/core/frameScale.ts) the line was not listed. The browser's worker runs the same
 * DigScreener (tests/core/digScreening.ground.test.ts); the batch threads are in screeningPool.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityFile } from '../../scripts/city';
import { crsDefinition } from '../../src/core/crs';
import type { DigScreening, WorksScreening } from '../../src/core/digScreening';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import type { PermitDetail } from '../../src/protocol/permitApi';
import { importNetworkFile } from '../../src/server/importFile';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { startPermitsHarness, type PermitsHarness } from './permitsHarness';

let h: PermitsHarness;
// GRS80: a step of d metres along a parallel is Δλ = d / (N cos φ), N the prime vertical radius.
const A = 6378137, E2 = 0.00669438002290;
let lon = 0, lat = 0;
const degreesWest = (metres: number): number => {
  const phi = (lat * Math.PI) / 180;
  return (metres / ((A / Math.sqrt(1 - E2 * Math.sin(phi) ** 2)) * Math.cos(phi))) * (180 / Math.PI);
};
/** Degrees of latitude for a few metres (the meridian radius at 23° N is about 6.38e6 m; only sizes the dig). */
const degreesNorth = (metres: number): number => (metres / 6.38e6) * (180 / Math.PI);

const PILE_RADIUS = 0.5, PIPE_RADIUS = 0.1;
/** A 1 m pile whose surface lies `outside` metres (true) west of the far main's outside. */
const pileWest = (outside: number) => ({ kind: 'piles', points: [[lon - degreesWest(outside + PILE_RADIUS + PIPE_RADIUS), lat]], diameter: 2 * PILE_RADIUS, depth: 3 });
/** A 1 m square dig whose east side lies `outside` metres (true) west of the far main's outside. */
function digWest(outside: number): [number, number][] {
  const east = lon - degreesWest(outside + PIPE_RADIUS), west = east - degreesWest(1), d = degreesNorth(0.5);
  return [[west, lat - d], [east, lat - d], [east, lat + d], [west, lat + d]];
}
const works = (outside: number) => ({ works: [pileWest(outside)], groundElevation: 10, ruleSetId: 'cn-gb50289' });
const listed = (r: { lines: { linkId: string; verdict: string }[] }) => r.lines.filter((l) => l.linkId === 'FAR-G').map((l) => l.verdict);

beforeAll(async () => {
  h = await startPermitsHarness(shanghaiTime('2026-03-09', 9));
  const frame = h.store.frame()!;
  lon = frame.originLon + 0.1;
  lat = frame.originLat;
}, 120_000);

afterAll(async () => {
  await h?.dispose();
});

describe('a line 10 km east of the frame\'s meridian, 4.999998 m from the works', () => {
  it('is NEAR on the permit re-screened after the delivery that adds it, on a permit submitted after, and at POST /api/screenings', async () => {
    const permit = (body: unknown) => ({
      title: 'Fence posts', workKinds: ['fence'], startDate: '2026-03-10', endDate: '2026-03-20', method: 'piles',
      contact: { name: 'Site lead', phone: '+86 138 1111 2222' }, works: body, submit: true,
    });
    const before = await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', permit(works(5 - 2e-6)));
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    expect(listed(before.body.screening!.result as WorksScreening)).toEqual([]); // no line there yet

    // The next delivery: the sample city and one gas main along the meridian 0.1° east of the frame's, ±110 m.
    const city = JSON.parse(readFileSync(cityFile(h.config), 'utf8')) as { crs: unknown; features: unknown[] };
    const toSource = (lo: number, la: number) => proj4('EPSG:4326', crsDefinition('EPSG:4547'), [lo, la]) as [number, number];
    city.features.push({
      type: 'Feature', geometry: { type: 'LineString', coordinates: [[...toSource(lon, lat - 0.001), 8.5], [...toSource(lon, lat + 0.001), 8.5]] },
      properties: {
        feature_type: 'link', id: 'FAR-G', utility: 'gas', subtype: 'main', material: 'pe', diameter_mm: 200, pressure_class: 'medium_b',
        install_year: 2020, owner: 'Far Gas Co.', status: 'in_service', quality_level: 'A', street: null, from_node: null, to_node: null, ground_z: [10, 10],
      },
    });
    const file = join(h.dir, 'far-main.geojson');
    writeFileSync(file, JSON.stringify(city));
    const importer = new SqliteNetworkStore(h.config.databaseFile);
    await importNetworkFile(importer, file).finally(() => importer.close());

    h.clock.now = shanghaiTime('2026-03-09', 10);
    expect(h.module.runSupervision().rescreen.rescreened).toContain(before.body.id);
    const rescreened = (await h.as<PermitDetail>('contractor-a', 'GET', `/api/permits/${before.body.id}`)).body.screening!.result as WorksScreening;
    expect(listed(rescreened)).toEqual(['NEAR']);
    expect(rescreened.lines.find((l) => l.linkId === 'FAR-G')!.clearanceSource).toMatch(/local frame's scale/);

    const after = await h.as<PermitDetail>('contractor-a', 'POST', '/api/permits', permit(works(5 - 2e-6)));
    expect(listed(after.body.screening!.result as WorksScreening)).toEqual(['NEAR']);

    const screen = async <T>(body: unknown) => {
      const r = await h.as<T>('reviewer', 'POST', '/api/screenings', body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    expect(listed(await screen<WorksScreening>(works(5 - 2e-6)))).toEqual(['NEAR']);
    const dig = { footprint: digWest(5 - 2e-6), depth: 3, groundElevation: 10, ruleSetId: 'cn-gb50289' };
    expect(listed(await screen<DigScreening>(dig))).toEqual(['NEAR']);
    // The scale widens no more than it must: 20 µm outside the notify distance is not listed.
    expect(listed(await screen<WorksScreening>(works(5 + 2e-5)))).toEqual([]);
    expect(listed(await screen<DigScreening>({ ...dig, footprint: digWest(5 + 2e-5) }))).toEqual([]);
  });
});
