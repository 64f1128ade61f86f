/**
 * The HTTP API against a real server on 127.0.0.1 and a real SQLite file holding the small sample
 * city, generated and imported through the same path `npm start` takes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lonLatTransform } from '../../src/core/crs';
import type { DigScreening, WorksScreening } from '../../src/core/digScreening';
import { NetworkImportError } from '../../src/core/importNetwork';
import type { Link } from '../../src/core/model';
import { validateScreeningRules } from '../../src/core/screening/rules';
import type { LinkDetails, NetworkSummary } from '../../src/protocol/apiTypes';
import type { LayerPayload } from '../../src/protocol/layerPayload';
import { importNetworkFile } from '../../src/server/importFile';
import { RULES_FILE } from '../../src/server/screeningService';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { oracleScreen, severity } from '../core/oracle';
import { untilReady } from '../helpers/reports';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

let server: TestServer;
let summary: NetworkSummary;

/** The reviewer's session: the network is read signed in (src/server/access), and a reviewer sees all of it. */
let session: Record<string, string>;

async function getJson<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(server.url + path.replace(/^\//, ''), { ...init, headers: { ...session, ...(init?.headers as Record<string, string> | undefined) } });
  return { status: res.status, body: (await res.json()) as T, res };
}

function postScreening(body: unknown) {
  return getJson<DigScreening & { error?: { code: string; field?: string; message: string } }>('/api/screenings', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
}

/** A square of `half` metres around a local point, as lon/lat corners. */
function squareAround(x: number, y: number, half: number): [number, number][] {
  const fromLocal = lonLatTransform(summary.frame).fromLocal;
  return [[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]].map(([a, b]) => fromLocal(a!, b!));
}

beforeAll(async () => {
  server = await startTestServer('small');
  session = await signIn(server.url, 'reviewer');
  summary = (await getJson<NetworkSummary>('/api/network')).body;
}, 300_000);

afterAll(async () => {
  await server?.dispose();
});

describe('the network API', () => {
  it('describes the imported sample city: version, frame in Tianhe, every utility layer', () => {
    expect(summary.version).toBe(1);
    expect(summary.sourceCrs).toBe('EPSG:4547');
    const [w, s, e, n] = summary.extent;
    expect(w).toBeGreaterThan(113.3);
    expect(e).toBeLessThan(113.36);
    expect(s).toBeGreaterThan(23.1);
    expect(n).toBeLessThan(23.16);
    // District heat runs under a few streets only, so the small city may not reach one.
    expect(summary.layers.map((l) => l.utility)).toEqual(expect.arrayContaining(['gas', 'power', 'sewer', 'storm', 'telecom', 'water']));
    expect(summary.segments).toBeGreaterThan(1000);
  });

  it('serves a layer compressed, with an ETag that answers 304 when revalidated', async () => {
    const url = `${server.url}api/network/${summary.version}/layers/water`;
    const res = await fetch(url, { headers: { ...session, 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    // Layers differ by viewer (src/server/access): kept privately, revalidated by ETag.
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    const payload = (await res.json()) as LayerPayload;
    expect(payload.utility).toBe('water');
    expect(payload.ids.length).toBe(summary.layers.find((l) => l.utility === 'water')!.links);
    expect(payload.xyzg.length).toBe(payload.vertexCounts.reduce((a, b) => a + b, 0) * 4);
    const again = await fetch(url, { headers: { ...session, 'If-None-Match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves the lines of a layer within an area, and refuses a malformed area naming the bbox field', async () => {
    const [w, s, e, n] = summary.extent;
    const quarter = [w, s, (w + e) / 2, (s + n) / 2].join(',');
    const all = (await getJson<LayerPayload>(`/api/network/${summary.version}/layers/water`)).body;
    const part = (await getJson<LayerPayload>(`/api/network/${summary.version}/layers/water?bbox=${quarter}`)).body;
    expect(part.ids.length).toBeGreaterThan(0);
    expect(part.ids.length).toBeLessThan(all.ids.length);
    const toLocal = lonLatTransform(summary.frame).toLocal;
    const [maxX, maxY] = toLocal((w + e) / 2, (s + n) / 2);
    // Every line returned has a vertex or a crossing inside the area's frame extent: check its bbox meets it.
    let v = 0;
    for (let i = 0; i < part.ids.length; i++) {
      const xs: number[] = [], ys: number[] = [];
      for (let k = 0; k < part.vertexCounts[i]!; k++, v += 4) { xs.push(part.xyzg[v]! / 100); ys.push(part.xyzg[v + 1]! / 100); }
      expect(Math.min(...xs)).toBeLessThanOrEqual(maxX + 0.01);
      expect(Math.min(...ys)).toBeLessThanOrEqual(maxY + 0.01);
    }
    for (const bad of ['1,2,3', 'a,b,c,d', `${e},${s},${w},${n}`]) {
      const r = await getJson<{ error: { field: string } }>(`/api/network/${summary.version}/layers/water?bbox=${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('bbox');
    }
  });

  it('refuses an unknown layer and a stale version with errors that name the field', async () => {
    const bad = await getJson<{ error: { field: string } }>(`/api/network/${summary.version}/layers/lava`);
    expect(bad.status).toBe(404);
    expect(bad.body.error.field).toBe('utility');
    const stale = await getJson<{ error: { field: string } }>(`/api/network/${summary.version + 7}/layers/water`);
    expect(stale.status).toBe(404);
    expect(stale.body.error.field).toBe('version');
  });

  it('returns a line’s attributes with the cover at every vertex', async () => {
    const gas = (await getJson<LayerPayload>(`/api/network/${summary.version}/layers/gas`)).body;
    const { status, body } = await getJson<LinkDetails>(`/api/links/${encodeURIComponent(gas.ids[0]!)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: gas.ids[0], utility: 'gas' });
    expect(body.owner.length).toBeGreaterThan(0);
    for (const v of body.vertices) expect(v.cover).toBeCloseTo(v.ground - v.z - (body.section.shape === 'circular' ? body.section.diameterMm : body.section.heightMm) / 2000, 6);
    expect((await getJson(`/api/links/does-not-exist`)).status).toBe(404);
  });
});

describe('the network reports', () => {
  it('lists the sample city’s planted shallow lines and tight crossings, each with the rule that applies', async () => {
    const cover = await untilReady(() => getJson<{ networkVersion: number; findings: { linkId: string; cover: number; required: number; source: string }[] }>(`/api/network/${summary.version}/reports/cover`));
    expect(cover.status).toBe(200);
    expect(cover.body.networkVersion).toBe(summary.version);
    expect(cover.body.findings.length).toBeGreaterThan(0);
    for (const f of cover.body.findings) {
      expect(f.cover).toBeLessThan(f.required);
      expect(f.source).toMatch(/GB 50289/);
    }
    const clear = await untilReady(() => getJson<{ findings: { kind: string; actual: number; required: number }[] }>(`/api/network/${summary.version}/reports/clearances`));
    expect(clear.body.findings.length).toBeGreaterThan(0);
    expect(clear.body.findings.every((f) => f.actual <= f.required + 1e-6)).toBe(true);
    const unknown = await getJson<{ error: { field: string } }>(`/api/network/${summary.version}/reports/asbestos`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('report');
  });
});

describe('screening a dig on the server', () => {
  let links: Link[];
  beforeAll(() => {
    const store = new SqliteNetworkStore(server.config.databaseFile);
    links = store.links();
    store.close();
  });

  it('finds a gas main struck by a dig drawn over it, and agrees with the brute-force oracle on every line', async () => {
    const main = links.find((l) => l.utility === 'gas' && l.subtype !== 'service')!;
    const v = main.vertices;
    const x = (v[0]! + v[4]!) / 2, y = (v[1]! + v[5]!) / 2;
    const { status, body } = await postScreening({ footprint: squareAround(x, y, 3), depth: 3, groundElevation: null, ruleSetId: 'cn-gb50289', networkVersion: 1 });
    expect(status).toBe(200);
    const line = body.lines.find((l) => l.linkId === main.id);
    expect(line?.verdict).toBe('STRIKE');
    expect(body.summary.owners).toContain(main.owner);

    const rules = validateScreeningRules(JSON.parse(readFileSync(RULES_FILE, 'utf8')));
    const toLocal = lonLatTransform(summary.frame).toLocal;
    const footprint = squareAround(x, y, 3).map(([lon, lat]) => toLocal(lon, lat));
    const oracle = oracleScreen(links, { footprint, bottomZ: body.bottomZ, topZ: body.topZ }, rules, 'cn-gb50289');
    const got = new Map(body.lines.map((l) => [l.linkId, l.verdict]));
    expect(oracle.size).toBeGreaterThan(0);
    for (const [id, o] of oracle) {
      // Never a miss, never milder than the oracle.
      expect(got.has(id), `line ${id} (${o.verdict}) missing`).toBe(true);
      expect(severity(got.get(id)!)).toBeLessThanOrEqual(severity(o.verdict));
    }
  });

  it('exports the screening as GeoJSON: the dig polygon and each line with its geometry and verdict', async () => {
    const main = links.find((l) => l.utility === 'water' && l.subtype !== 'service')!;
    const v = main.vertices;
    const body = { footprint: squareAround((v[0]! + v[4]!) / 2, (v[1]! + v[5]!) / 2, 2), depth: 3, groundElevation: null, ruleSetId: 'cn-gb50289' };
    const res = await fetch(`${server.url}api/screenings?format=geojson`, { method: 'POST', headers: { ...session, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const fc = (await res.json()) as { networkVersion: number; features: { geometry: { type: string; coordinates: number[][] }; properties: Record<string, unknown> }[] };
    expect(fc.networkVersion).toBe(1);
    expect(fc.features[0]!.geometry.type).toBe('Polygon');
    expect(fc.features[0]!.properties['kind']).toBe('dig');
    const line = fc.features.find((f) => f.properties['linkId'] === main.id)!;
    expect(line.properties['verdict']).toBe('STRIKE');
    expect(line.geometry.coordinates).toHaveLength(v.length / 4);
    expect(line.geometry.coordinates[0]![0]).toBeCloseTo(lonLatTransform(summary.frame).fromLocal(v[0]!, v[1]!)[0], 9);
    const bad = await fetch(`${server.url}api/screenings?format=kml`, { method: 'POST', headers: { ...session, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(bad.status).toBe(400);
  });

  it('applies a reviewer’s own clearance, recorded as a user override, and refuses a negative one naming its path', async () => {
    const main = links.find((l) => l.utility === 'gas' && l.subtype !== 'service')!;
    const v = main.vertices;
    // A dig 6 m beside the main: outside the default tolerance, inside a 10 m override.
    const dx = v[4]! - v[0]!, dy = v[5]! - v[1]!, len = Math.hypot(dx, dy);
    const x = (v[0]! + v[4]!) / 2 - (dy / len) * 7, y = (v[1]! + v[5]!) / 2 + (dx / len) * 7;
    const base = { footprint: squareAround(x, y, 0.5), depth: 2, groundElevation: null, ruleSetId: 'cn-gb50289' };
    const plain = (await postScreening(base)).body.lines.find((l) => l.linkId === main.id);
    expect(plain?.verdict ?? 'none').not.toBe('ENCROACH');
    const over = await postScreening({ ...base, overrides: { clearances: { gas: 10 }, notifyDistance: 20, reason: 'owner letter 2026-11' } });
    const line = over.body.lines.find((l) => l.linkId === main.id)!;
    expect(line.verdict).toBe('ENCROACH');
    expect(line.clearance).toBe(10);
    expect(line.clearanceSource).toBe('user override: owner letter 2026-11');
    const bad = await postScreening({ ...base, overrides: { clearances: { gas: -1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.field).toBe('overrides.clearances.gas');
    // A notify distance of 1e9 m screened the whole network on every request: bounded by the rules.
    const huge = await postScreening({ ...base, overrides: { notifyDistance: 1e9 } });
    expect(huge.status).toBe(400);
    expect(huge.body.error?.field).toBe('overrides.notifyDistance');
    expect(huge.body.error?.message).toMatch(/at most 50 m \(the rules' overrideLimit, data\/rules\/screening\.json\), got 1000000000 m/);
  });

  it('refuses a footprint with too few corners, a bad depth and an unknown rule set, naming the field', async () => {
    const fp = squareAround(0, 0, 5);
    const cases: [unknown, string][] = [
      [{ footprint: fp.slice(0, 2), depth: 2, ruleSetId: 'cn-gb50289' }, 'footprint'],
      [{ footprint: fp, depth: -1, ruleSetId: 'cn-gb50289' }, 'depth'],
      [{ footprint: fp, depth: 2, ruleSetId: 'mars' }, 'ruleSetId'],
      [{ footprint: [fp[0], fp[1], [200, 0]], depth: 2, ruleSetId: 'cn-gb50289' }, 'footprint[2][0]'],
      [{ footprint: [fp[0], fp[2], fp[1], fp[3]], depth: 2, ruleSetId: 'cn-gb50289' }, 'footprint'],
    ];
    for (const [body, field] of cases) {
      const r = await postScreening(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error?.field ?? '').toContain(field);
    }
  });

  it('asks for the ground of a dig away from every surveyed vertex, for one dig and for works, naming groundElevation', async () => {
    // 400 m east of the network's extent: no vertex within 50 m to take the ground from.
    const fromLocal = lonLatTransform(summary.frame).fromLocal, toLocal = lonLatTransform(summary.frame).toLocal;
    const [x, y] = toLocal(summary.extent[2], (summary.extent[1] + summary.extent[3]) / 2);
    const fp = [[x + 400, y], [x + 404, y], [x + 404, y + 4], [x + 400, y + 4]].map(([a, b]) => fromLocal(a!, b!));
    const one = await postScreening({ footprint: fp, depth: 2, groundElevation: null, ruleSetId: 'cn-gb50289' });
    expect([one.status, one.body.error?.field]).toEqual([400, 'groundElevation']);
    expect(one.body.error?.message).toMatch(/no surveyed ground .* give the ground elevation/);
    const works = await postScreening({ works: [{ kind: 'open_cut', footprint: fp, depth: 2 }], groundElevation: null, ruleSetId: 'cn-gb50289' });
    // The request's one groundElevation is named; the message says which work found no ground.
    expect([works.status, works.body.error?.field]).toEqual([400, 'groundElevation']);
    expect(works.body.error?.message).toMatch(/works\[0\]: no surveyed ground/);
    // With the ground given, the same dig is screened (nothing near it).
    const given = await postScreening({ footprint: fp, depth: 2, groundElevation: 10, ruleSetId: 'cn-gb50289' });
    expect([given.status, given.body.lines?.length]).toEqual([200, 0]);
  });

  it('refuses a body that is not JSON, and a screening against a network version that is gone', async () => {
    const notJson = await getJson<{ error: { code: string } }>('/api/screenings', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(notJson.body.error.code).toBe('invalid_json');
    const stale = await postScreening({ footprint: squareAround(0, 0, 5), depth: 2, ruleSetId: 'cn-gb50289', networkVersion: 99 });
    expect(stale.status).toBe(409);
  });
});

/**
 * Permits of every kind of work, as GeoJSON in tests/fixtures/permits (one feature per work; a
 * 'pit' feature belongs to the bore before it). They sit on the small city's first gas main and are
 * regenerated from it with UPDATE_FIXTURES=1.
 */
const PERMITS_DIR = join(__dirname, '../fixtures/permits');
const PERMIT_KINDS = ['open_cut', 'trench', 'bore', 'piles'] as const;

interface PermitFeature { type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }
interface PermitFixture { type: 'FeatureCollection'; description: string; features: PermitFeature[] }

function worksOf(fixture: PermitFixture): Record<string, unknown>[] {
  const works: Record<string, unknown>[] = [];
  for (const { geometry: g, properties: { kind, ...p } } of fixture.features) {
    const rings = g.coordinates as [number, number][][];
    if (kind === 'open_cut') works.push({ kind, footprint: rings[0], holes: rings.slice(1), ...p });
    else if (kind === 'trench') works.push({ kind, centreLine: g.coordinates, ...p });
    else if (kind === 'piles') works.push({ kind, points: g.coordinates, ...p });
    else if (kind === 'bore') {
      const { depthsBelowGround, ...rest } = p as { depthsBelowGround: number[] };
      works.push({ kind, path: (g.coordinates as [number, number][]).map(([lon, lat], i) => [lon, lat, depthsBelowGround[i]]), ...rest });
    } else if (kind === 'pit') {
      const { of, ...rest } = p;
      works[works.length - 1]![`${String(of)}Pit`] = { footprint: rings[0], ...rest };
    }
  }
  return works;
}

/** Writes the four fixtures around the first gas main's first segment (local metres, then lon/lat). */
function writePermitFixtures(links: Link[]): void {
  const main = links.find((l) => l.utility === 'gas' && l.subtype !== 'service')!;
  const v = main.vertices;
  const mx = (v[0]! + v[4]!) / 2, my = (v[1]! + v[5]!) / 2;
  const len = Math.hypot(v[4]! - v[0]!, v[5]! - v[1]!);
  const ux = (v[4]! - v[0]!) / len, uy = (v[5]! - v[1]!) / len, nx = -uy, ny = ux;
  const depthAtMid = ((v[3]! - v[2]!) + (v[7]! - v[6]!)) / 2;
  const fromLocal = lonLatTransform(summary.frame).fromLocal;
  const ll = (x: number, y: number): [number, number] => fromLocal(x, y).map((c) => Math.round(c * 1e9) / 1e9) as [number, number];
  const at = (a: number, b: number): [number, number] => ll(mx + a * ux + b * nx, my + a * uy + b * ny);
  const square = (a: number, b: number, h: number): [number, number][] =>
    [at(a - h, b - h), at(a + h, b - h), at(a + h, b + h), at(a - h, b + h), at(a - h, b - h)];
  const feature = (type: string, coordinates: unknown, properties: Record<string, unknown>): PermitFeature => ({ type: 'Feature', geometry: { type, coordinates }, properties });
  const fixtures: Record<(typeof PERMIT_KINDS)[number], PermitFixture> = {
    open_cut: { type: 'FeatureCollection', description: `an 8 m pit over gas main ${main.id}, with a 1 m hole (a tree) 2.5 m off the main`, features: [
      feature('Polygon', [square(0, 0, 4), square(0, 2.5, 0.5)], { kind: 'open_cut', depth: 3 })] },
    trench: { type: 'FeatureCollection', description: `a 0.6 m trench across gas main ${main.id}, its bottom sloping from 2.5 to 3 m`, features: [
      feature('LineString', [at(0, -6), at(0, 0), at(0.5, 6)], { kind: 'trench', width: 0.6, depths: [2.5, 2.75, 3] })] },
    bore: { type: 'FeatureCollection', description: `a 0.3 m bore under the road through gas main ${main.id} at its depth, with an entry pit`, features: [
      feature('LineString', [at(0, -20), at(0, 20)], { kind: 'bore', reamerDiameter: 0.3, depthsBelowGround: [+depthAtMid.toFixed(3), +depthAtMid.toFixed(3)] }),
      feature('Polygon', [square(0, -21, 1)], { kind: 'pit', of: 'entry', depth: 2 })] },
    piles: { type: 'FeatureCollection', description: `three 0.5 m fence posts 4 m deep, the middle one on gas main ${main.id}`, features: [
      feature('MultiPoint', [at(0, -3), at(0, 0), at(0, 3)], { kind: 'piles', diameter: 0.5, depth: 4 })] },
  };
  for (const kind of PERMIT_KINDS) writeFileSync(join(PERMITS_DIR, `${kind}.geojson`), `${JSON.stringify(fixtures[kind], null, 1)}\n`);
}

describe('screening permits of every kind of work on the server', () => {
  let links: Link[];
  let gasMain: Link;
  const fixtures = {} as Record<(typeof PERMIT_KINDS)[number], PermitFixture>;
  beforeAll(() => {
    const store = new SqliteNetworkStore(server.config.databaseFile);
    links = store.links();
    store.close();
    gasMain = links.find((l) => l.utility === 'gas' && l.subtype !== 'service')!;
    if (process.env.UPDATE_FIXTURES) writePermitFixtures(links);
    for (const kind of PERMIT_KINDS) fixtures[kind] = JSON.parse(readFileSync(join(PERMITS_DIR, `${kind}.geojson`), 'utf8')) as PermitFixture;
  });

  const postWorks = (works: unknown, extra: Record<string, unknown> = {}) =>
    getJson<WorksScreening & { error?: { code: string; field?: string; message: string } }>('/api/screenings', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ works, ruleSetId: 'cn-gb50289', networkVersion: 1, ...extra }),
    });

  for (const kind of PERMIT_KINDS) {
    it(`strikes the gas main with the ${kind} fixture, and says which work decided`, async () => {
      const { status, body } = await postWorks(worksOf(fixtures[kind]));
      expect(status, JSON.stringify(body.error)).toBe(200);
      expect(body.works.map((w) => w.kind)).toEqual([kind]);
      expect(body.works[0]!.geometry).toEqual(worksOf(fixtures[kind])[0]); // the JSON report carries the work as asked
      expect(body.works[0]!.topZ).toBeGreaterThan(body.works[0]!.bottomZ);
      const line = body.lines.find((l) => l.linkId === gasMain.id);
      expect(line?.verdict).toBe('STRIKE');
      expect(line?.work).toBe(0);
      expect(body.summary.strike).toBeGreaterThanOrEqual(1);
      expect(body.summary.owners).toContain(gasMain.owner);
    });
  }

  it('screens all four works as one permit, and exports every work’s geometry as GeoJSON', async () => {
    const works = PERMIT_KINDS.flatMap((k) => worksOf(fixtures[k]));
    const { status, body } = await postWorks(works);
    expect(status).toBe(200);
    expect(body.works.map((w) => w.kind)).toEqual([...PERMIT_KINDS]);
    expect(body.lines.find((l) => l.linkId === gasMain.id)?.verdict).toBe('STRIKE');
    const res = await fetch(`${server.url}api/screenings?format=geojson`, {
      method: 'POST', headers: { ...session, 'Content-Type': 'application/json' }, body: JSON.stringify({ works, ruleSetId: 'cn-gb50289' }),
    });
    expect(res.status).toBe(200);
    const fc = (await res.json()) as { networkVersion: number; summary: WorksScreening['summary']; notifyDistance: number; features: PermitFeature[] };
    expect(fc.networkVersion).toBe(1);
    // The collection carries the summary (counts, owners to notify) and the notify distance, as the JSON report does.
    expect([fc.summary, fc.notifyDistance]).toEqual([body.summary, body.notifyDistance]);
    expect(fc.summary.owners).toContain(gasMain.owner);
    const parts = fc.features.filter((f) => f.properties['kind'] === 'work').map((f) => [f.properties['work'], f.properties['role'], f.geometry.type]);
    expect(parts).toEqual([[0, 'footprint', 'Polygon'], [1, 'centre_line', 'LineString'], [2, 'path', 'LineString'], [2, 'entry_pit', 'Polygon'], [3, 'piles', 'MultiPoint']]);
    const pit = fc.features.find((f) => f.properties['role'] === 'footprint')!;
    expect((pit.geometry.coordinates as unknown[]).length).toBe(2); // the outer ring and the hole
    expect(fc.features.find((f) => f.properties['linkId'] === gasMain.id)?.properties['verdict']).toBe('STRIKE');
  });

  it('says on every report which rules applied: overrides with their reason, the notify source, each clearance; the works GeoJSON its summary', async () => {
    const rules = validateScreeningRules(JSON.parse(readFileSync(RULES_FILE, 'utf8')));
    const table = rules.ruleSets['cn-gb50289']!.clearances;
    const overrides = { clearances: { gas: 0 }, notifyDistance: 0, reason: 'owner letter 2026-11' };
    const mine = 'user override: owner letter 2026-11';
    const works = worksOf(fixtures.open_cut);
    const dig = { footprint: works[0]!['footprint'], depth: 3, groundElevation: null, ruleSetId: 'cn-gb50289' };
    const post = async (body: unknown, format: string) => {
      const res = await fetch(`${server.url}api/screenings?format=${format}`, { method: 'POST', headers: { ...session, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return (await res.json()) as DigScreening & { features?: unknown[] };
    };
    for (const body of [dig, { works, groundElevation: null, ruleSetId: 'cn-gb50289' }]) {
      const shape = 'works' in body ? 'works' : 'one dig';
      const plain = await post(body, 'json');
      for (const format of ['json', 'geojson']) {
        const label = `${shape}, ${format}`;
        const without = await post(body, format);
        expect([without.overrides, without.notifySource, without.notifyDistance], label).toEqual([null, rules.notifyDistance.source, rules.notifyDistance.value]);
        expect(without.clearances, label).toEqual(Object.fromEntries(Object.entries(table).map(([u, c]) => [u, { value: c.value, source: c.source }])));
        expect(without.summary, label).toEqual(plain.summary); // the GeoJSON collection carries the summary (owners to notify) too
        expect(plain.summary.owners, label).toContain(gasMain.owner);
        const over = await post({ ...body, overrides }, format);
        expect([over.overrides, over.notifySource, over.notifyDistance], label).toEqual([overrides, mine, 0]);
        expect([over.clearances.gas, over.clearances.water], label).toEqual([{ value: 0, source: mine }, { value: table.water.value, source: table.water.source }]);
        if (format === 'geojson') expect(over.features!.length, label).toBeGreaterThan(0);
      }
    }
  });

  it('refuses bad works with a 400 naming the work and the field', async () => {
    const [cut] = worksOf(fixtures.open_cut);
    const [trench] = worksOf(fixtures.trench);
    const [bore] = worksOf(fixtures.bore);
    const [piles] = worksOf(fixtures.piles);
    const fp = (cut as { footprint: [number, number][] }).footprint;
    const line = (trench as { centreLine: [number, number][] }).centreLine;
    const far: [number, number] = [line[0]![0] + 0.05, line[0]![1]]; // about 5 km east
    const cases: [unknown, string][] = [
      [[], 'works'],
      [[cut, trench, { ...trench, width: 0 }], 'works[2].width'],
      [[{ ...cut, footprint: [fp[0], fp[2], fp[1], fp[3]] }], 'works[0].footprint'],
      [[{ ...cut, footprint: [fp[0], fp[0], fp[0]] }], 'works[0].footprint'],
      [[{ ...cut, depth: undefined }], 'works[0].depth'],
      [[{ ...trench, centreLine: [line[0], far] , depths: [2, 2] }], 'works[0].centreLine'],
      [[{ ...trench, depths: [2, 3] }], 'works[0].depths'],
      [[piles, { ...piles, diameter: 60 }], 'works[1].diameter'],
      [[{ ...bore, reamerDiameter: -1 }], 'works[0].reamerDiameter'],
      [[{ ...bore, entryPit: { footprint: fp.slice(0, 2), depth: 2 } }], 'works[0].entryPit.footprint'],
      [[{ ...bore, exitPit: { kind: 'trench', footprint: fp, depth: 2 } }], 'works[0].exitPit.kind'],
      [[{ kind: 'tunnel' }], 'works[0].kind'],
      [[{ ...piles, points: [[200, 0]] }], 'works[0].points[0][0]'],
    ];
    for (const [works, field] of cases) {
      const r = await postWorks(works);
      expect(r.status, `${field}: ${JSON.stringify(r.body.error)}`).toBe(400);
      expect(r.body.error?.field).toBe(field);
    }
  });

  it('says in a refusal what was sent: a number as a number with its unit, a string as a string, a limit by its name', async () => {
    const [cut] = worksOf(fixtures.open_cut) as [{ footprint: [number, number][] }];
    const [piles] = worksOf(fixtures.piles) as [{ points: [number, number][] }];
    const fp = cut.footprint;
    const dig = { footprint: fp.slice(0, 4), depth: 2, groundElevation: 10, ruleSetId: 'cn-gb50289' };
    const cases: [unknown, string, string][] = [
      [{ ...dig, depth: '2' }, 'depth', 'depth: must be a number of metres between 0.1 and 100 m; got the string "2"'],
      [{ ...dig, depth: 200 }, 'depth', 'depth: must be a number of metres between 0.1 and 100 m; got 200 m'],
      [{ ...dig, groundElevation: '12.5' }, 'groundElevation', 'groundElevation: must be an elevation in metres (a number) or null; got the string "12.5"'],
      [{ ...dig, footprint: [[181, 23.1], ...fp.slice(1, 4)] }, 'footprint[0][0]', 'footprint[0][0]: longitude must be in [-180, 180]°; got 181°'],
      [{ ...dig, networkVersion: '1' }, 'networkVersion', 'networkVersion: must be the integer network version the works were drawn on, or left out; got the string "1"'],
      [{ works: [{ ...piles, points: [[String(piles.points[0]![0]), piles.points[0]![1]]] }], groundElevation: 10 },
        'works[0].points[0][0]', `works[0].points[0][0]: longitude must be in [-180, 180]°; got the string "${piles.points[0]![0]}"`],
      [{ works: [{ ...piles, points: Array.from({ length: 10_001 }, () => piles.points[0]) }], groundElevation: 10 },
        'works[0].points', 'works[0].points: 10001 items; the limit is MAX_PILES = 10000'],
      [{ works: [{ ...cut, holes: Array.from({ length: 257 }, () => fp.slice(0, 3)) }], groundElevation: 10 },
        'works[0].holes', 'works[0].holes: 257 items; the limit is MAX_WORK_HOLES = 256'],
    ];
    for (const [body, field, message] of cases) {
      const r = await postScreening(body);
      expect([r.status, r.body.error?.field, r.body.error?.message]).toEqual([400, field, message]);
    }
  });

  it('says an open cut\'s refusal in the words of the request: bottomElevation or depth, not the kernel\'s bottomZ/topZ; a tiny area to 4 digits', async () => {
    const [cut] = worksOf(fixtures.open_cut) as [{ footprint: [number, number][]; holes: unknown[]; depth?: number }];
    const [bore] = worksOf(fixtures.bore) as [{ entryPit: { footprint: [number, number][]; depth?: number } }];
    const { depth: _cutDepth, ...cutAt } = cut;
    const { depth: _pitDepth, ...pitAt } = bore.entryPit;
    const { toLocal } = lonLatTransform(summary.frame);
    const [x, y] = toLocal(cut.footprint[0]![0], cut.footprint[0]![1]);
    const top = 'the top screened (11 m: 1 m above the highest ground around the work, 10 m)';
    const cases: [unknown, string, string][] = [
      [{ works: [{ ...cutAt, bottomElevation: 50 }], groundElevation: 10 },
        'works[0].bottomElevation', `works[0].bottomElevation: bottomElevation (50 m) must be below ${top}`],
      [{ works: [{ ...cutAt, bottomElevation: -600 }], groundElevation: 10 },
        'works[0].bottomElevation', `works[0].bottomElevation: the cut is 611 m deep, from ${top} down to bottomElevation (-600 m); the limit is MAX_EXCAVATION_DEPTH_M = 500 m`],
      [{ works: [{ ...bore, entryPit: { ...pitAt, bottomElevation: 11 } }], groundElevation: 10 },
        'works[0].entryPit.bottomElevation', `works[0].entryPit.bottomElevation: bottomElevation (11 m) must be below ${top}`],
      // A 2 mm square: 4e-6 m² (4.00000120863e-6 through the lon/lat round trip), printed to 4 digits.
      [{ works: [{ ...cut, holes: [], footprint: squareAround(x, y, 0.001) }], groundElevation: 10 },
        'works[0].footprint', 'works[0].footprint: area 0.000004 m² is below MIN_FOOTPRINT_AREA_M2 = 0.01 m²'],
      [{ footprint: squareAround(x, y, 0.001), depth: 2, groundElevation: 10, ruleSetId: 'cn-gb50289' },
        'footprint', 'footprint: area 0.000004 m² is below MIN_FOOTPRINT_AREA_M2 = 0.01 m²'],
    ];
    for (const [body, field, message] of cases) {
      const r = await postScreening(body);
      expect([r.status, r.body.error?.field, r.body.error?.message]).toEqual([400, field, message]);
    }
  });

  it('refuses a bore whose pits do not hold its path\'s ends, naming the pit and how far the end lies from it; the shipped bore is screened', async () => {
    const [bore] = worksOf(fixtures.bore) as [{ path: [number, number, number][]; entryPit: { footprint: [number, number][]; depth: number } }];
    const { toLocal } = lonLatTransform(summary.frame);
    const [x0, y0] = toLocal(bore.path[0]![0], bore.path[0]![1]);
    const pitAt = (x: number, y: number, half: number) => ({ footprint: squareAround(x, y, half), depth: 2 });
    const tolerance = validateScreeningRules(JSON.parse(readFileSync(RULES_FILE, 'utf8'))).pitAtBoreEndTolerance.value;
    // Accepted: the fixture as shipped; a pit whose outline passes through the path's first vertex.
    for (const ok of [bore, { ...bore, entryPit: pitAt(x0 + 1, y0, 1) }, { ...bore, entryPit: pitAt(x0 + 1 + tolerance / 2, y0, 1) }]) {
      const r = await postWorks([ok]);
      expect(r.status, JSON.stringify(r.body.error)).toBe(200);
    }
    const refusals: [unknown, string, RegExp][] = [
      // The pit 10 m east of where the drill enters: its west side 9 m from the path's first vertex.
      [{ ...bore, entryPit: pitAt(x0 + 10, y0, 1) }, 'works[0].entryPit', /^works\[0\]\.entryPit: the bore's path starts 9 m outside its entry pit \(0\.25 m allowed for rounding\).*path\[0\]/],
      // The entry pit given as the exit pit: the path ends 40 m away from it, and starts in it.
      [{ ...bore, entryPit: undefined, exitPit: bore.entryPit }, 'works[0].exitPit', /^works\[0\]\.exitPit: the bore's path ends 40 m outside its exit pit.*path\[1\].*first vertex lies in it: are the entry and exit pits swapped/],
      // The first vertex in a hole of the pit (a kept tree): not in the dug area.
      [{ ...bore, entryPit: { ...pitAt(x0, y0, 3), holes: [squareAround(x0, y0, 0.5)] } }, 'works[1].entryPit', /^works\[1\]\.entryPit: the bore's path starts 0\.5 m outside its entry pit/],
    ];
    for (const [work, field, message] of refusals) {
      const works = field.startsWith('works[1]') ? [worksOf(fixtures.piles)[0], work] : [work];
      const r = await postWorks(works);
      expect([r.status, r.body.error?.field], JSON.stringify(r.body.error)).toEqual([400, field]);
      expect(r.body.error!.message).toMatch(message);
    }
  });
});

describe('importing a broken delivery into the running system', () => {
  it('is refused with the feature and field named, and the network in force stays whole', async () => {
    const file = join(server.config.dataDir, 'broken.geojson');
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[113.33, 23.13, 5], [113.331, 23.13, 5]] }, properties: { feature_type: 'link', id: 'X' } }],
    }));
    const store = new SqliteNetworkStore(server.config.databaseFile);
    try {
      await expect(importNetworkFile(store, file)).rejects.toThrow(NetworkImportError);
      await expect(importNetworkFile(store, file)).rejects.toThrow(/feature 0 \(id "X"\), field "utility"/);
      expect(store.currentVersion()?.version).toBe(1);
    } finally {
      store.close();
    }
    const after = await getJson<NetworkSummary>('/api/network');
    expect(after.body.links).toBe(summary.links);
  });
});
