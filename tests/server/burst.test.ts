/**
 * The burst-response API against a real server on 127.0.0.1 and a real SQLite file holding the
 * small sample city. The oracle for a trace is isolateBurst run directly on the store's network;
 * nearest mains and nearby lines are checked against a brute force over every line in the store.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWaterGraph, isolateBurst, segmentValves, waterGraphInputFromModel, type ValveSegmentation, type WaterGraph,
} from '../../src/core/burst';
import { parseBurstRules } from '../../src/core/burst/burstRules';
import { linesNearBurst } from '../../src/core/burst/nearbyLines';
import { lonLatTransform, transformBetween } from '../../src/core/crs';
import { VERTEX_STRIDE, type Link } from '../../src/core/model';
import type { BurstSearchResult, BurstTrace, Incident, NearestMainsResult } from '../../src/protocol/burstApi';
import type { NetworkSummary } from '../../src/protocol/apiTypes';
import { BURST_RULES_FILE, INCIDENTS_FILE } from '../../src/server/burst/burstModule';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

type ErrorBody = { error: { code: string; message: string; field?: string } };

let server: TestServer;
/** The dispatcher's session: burst response is read signed in (src/server/access), as the dispatcher who runs it. */
let session: Record<string, string>;
let summary: NetworkSummary;
let store: SqliteNetworkStore;
let graph: WaterGraph;
let segmentation: ValveSegmentation;
let allLinks: Link[];
let mains: Link[];
const rules = parseBurstRules(JSON.parse(readFileSync(BURST_RULES_FILE, 'utf8')));

async function call<T>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const init: RequestInit = body === undefined ? { headers: session }
    : { method: 'POST', headers: { ...session, 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(server.url + path.replace(/^\//, ''), init);
  return { status: res.status, body: (await res.json()) as T };
}

const trace = (body: Record<string, unknown>) => call<BurstTrace & ErrorBody>('/api/burst/trace', { networkVersion: summary.version, ...body });

/** The midpoint of a link's first segment, local frame: on that link and on no other. */
function pointOn(link: Link): [number, number] {
  const v = link.vertices;
  return [(v[0]! + v[VERTEX_STRIDE]!) / 2, (v[1]! + v[VERTEX_STRIDE + 1]!) / 2];
}

beforeAll(async () => {
  server = await startTestServer('small');
  session = await signIn(server.url, 'dispatcher');
  summary = (await call<NetworkSummary>('/api/network')).body;
  store = new SqliteNetworkStore(server.config.databaseFile);
  allLinks = store.links();
  graph = buildWaterGraph(waterGraphInputFromModel(store.links({ utility: 'water' }), store.nodes({ utility: 'water' })).input).graph;
  segmentation = segmentValves(graph);
  mains = allLinks.filter((l) => l.utility === 'water' && l.subtype === 'main' && l.status === 'in_service');
}, 300_000);

afterAll(async () => {
  store?.close();
  await server?.dispose();
});

describe('locating a burst', () => {
  it('finds a street by any word of its name, case-insensitively, streets before nothing else', async () => {
    const street = mains[0]!.street!;
    const word = street.split(/\s+/)[1]!; // the pinyin after the Chinese name
    for (const q of [word.toUpperCase(), word.toLowerCase().slice(0, 4), street.slice(0, 2)]) {
      const { status, body } = await call<BurstSearchResult>(`/api/burst/search?q=${encodeURIComponent(q)}`);
      expect(status).toBe(200);
      expect(body.hits.length).toBeGreaterThan(0);
      expect(body.hits.every((h) => h.label.toLowerCase().split(/\s+/).some((w) => w.startsWith(q.toLowerCase())) || h.label.toLowerCase().startsWith(q.toLowerCase()))).toBe(true);
      expect(body.hits.some((h) => h.kind === 'street' && h.label === street)).toBe(true);
    }
  });

  it('finds a pipe by its id: the exact id first, then longer ids with that prefix', async () => {
    const id = mains[1]!.id;
    const { body } = await call<BurstSearchResult>(`/api/burst/search?q=${encodeURIComponent(id.toLowerCase())}`);
    expect(body.hits[0]).toMatchObject({ kind: 'link', label: id, utility: 'water' });
    expect(body.hits.every((h) => h.label.toLowerCase().startsWith(id.toLowerCase()))).toBe(true);
    const [x, y] = [mains[1]!.vertices[Math.floor(mains[1]!.vertices.length / VERTEX_STRIDE / 2) * VERTEX_STRIDE]!, mains[1]!.vertices[Math.floor(mains[1]!.vertices.length / VERTEX_STRIDE / 2) * VERTEX_STRIDE + 1]!];
    const [lon, lat] = lonLatTransform(summary.frame).fromLocal(x, y);
    expect(body.hits[0]!.lon).toBeCloseTo(lon, 7);
    expect(body.hits[0]!.lat).toBeCloseTo(lat, 7);
    expect(body.hits.length).toBeLessThanOrEqual(rules.search.limit);
  });

  it('reads typed coordinates in WGS 84 and in the network CRS (EPSG:4547) to the same place', async () => {
    const [x, y] = pointOn(mains[2]!);
    const [lon, lat] = lonLatTransform(summary.frame).fromLocal(x, y);
    const [e, n] = transformBetween(summary.sourceCrs, summary.frame).fromLocal(x, y);
    const wgs = (await call<BurstSearchResult>(`/api/burst/search?q=${encodeURIComponent(`${lon.toFixed(8)}, ${lat.toFixed(8)}`)}`)).body.hits;
    const grid = (await call<BurstSearchResult>(`/api/burst/search?q=${encodeURIComponent(`${e.toFixed(3)} ${n.toFixed(3)}`)}`)).body.hits;
    expect(wgs).toHaveLength(1);
    expect(grid).toHaveLength(1);
    expect(grid[0]!.kind).toBe('coordinates');
    // 1e-7 degrees is about a centimetre.
    expect(Math.abs(grid[0]!.lon - lon)).toBeLessThan(1e-7);
    expect(Math.abs(grid[0]!.lat - lat)).toBeLessThan(1e-7);
    expect(Math.abs(wgs[0]!.lon - lon)).toBeLessThan(1e-7);
    const byGrid = (await call<NearestMainsResult>(`/api/burst/nearest?x=${e}&y=${n}`)).body;
    const byLonLat = (await call<NearestMainsResult>(`/api/burst/nearest?lon=${lon}&lat=${lat}`)).body;
    expect(byGrid.mains[0]).toMatchObject({ linkId: mains[2]!.id });
    expect(byGrid.mains[0]!.distance).toBeLessThan(0.01);
    expect(byLonLat.mains.map((m) => m.linkId)).toEqual(byGrid.mains.map((m) => m.linkId));
  });

  it('offers the nearest water mains in order of distance, the same as measuring every main', async () => {
    const [w, s, e, n] = summary.extent;
    const toLocal = lonLatTransform(summary.frame).toLocal;
    for (const [lon, lat] of [[(w + e) / 2, (s + n) / 2], [w + (e - w) * 0.3, s + (n - s) * 0.7]] as const) {
      const { body } = await call<NearestMainsResult>(`/api/burst/nearest?lon=${lon}&lat=${lat}`);
      const [x, y] = toLocal(lon, lat);
      const brute = mains.map((l) => {
        let best = Infinity;
        const v = l.vertices;
        for (let o = VERTEX_STRIDE; o < v.length; o += VERTEX_STRIDE) {
          const ax = v[o - VERTEX_STRIDE]!, ay = v[o - VERTEX_STRIDE + 1]!, dx = v[o]! - ax, dy = v[o + 1]! - ay;
          const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
          best = Math.min(best, Math.hypot(ax + t * dx - x, ay + t * dy - y));
        }
        return { id: l.id, d: best };
      }).filter((m) => m.d <= rules.nearestMains.radius).sort((a, b) => a.d - b.d).slice(0, rules.nearestMains.count);
      expect(body.mains.length).toBeGreaterThan(0);
      expect(body.mains.map((m) => m.distance)).toEqual(brute.map((m) => expect.closeTo(m.d, 2)));
      expect(body.mains.every((m) => m.subtype === 'main')).toBe(true);
    }
  });
});

describe('the isolation trace', () => {
  it('equals isolateBurst run directly on the store\'s network, for every main', async () => {
    const sorted = (xs: Iterable<string>) => [...xs].sort();
    for (const main of mains) {
      const { status, body } = await trace({ linkId: main.id });
      expect(status).toBe(200);
      const index = graph.linkIds.indexOf(main.id);
      const oracle = isolateBurst(graph, segmentation, index);
      expect(sorted(body.valvesToClose.map((v) => v.id))).toEqual(sorted(oracle.valvesToClose.map((v) => v.id)));
      expect(sorted(body.isolated.links.map((l) => l.id))).toEqual(sorted(Array.from(oracle.area.links, (l) => graph.linkIds[l]!)));
      expect(sorted(body.unintended.links.map((l) => l.id))).toEqual(sorted(Array.from(oracle.unintended.links, (l) => graph.linkIds[l]!)));
      expect(sorted(body.alreadyWithoutSupply.links.map((l) => l.id))).toEqual(sorted(Array.from(oracle.alreadyWithoutSupply.links, (l) => graph.linkIds[l]!)));
      expect(body.customersCutOff).toEqual(oracle.customersCutOff);
      expect(sorted(body.criticalCustomers.map((c) => c.id))).toEqual(sorted(oracle.criticalCustomers.map((c) => c.id)));
      expect(sorted(body.hydrantsOutOfService.map((h) => h.id))).toEqual(sorted(Array.from(oracle.hydrantsOutOfService, (n) => graph.nodeIds[n]!)));
      expect(sorted(body.alreadyClosedValves.map((v) => v.id))).toEqual(sorted(oracle.alreadyClosedValves.map((v) => graph.valveIds[v]!)));
      expect(body.isolated.length).toBeCloseTo(oracle.area.length, 1);
      expect(body.isolated.volume).toBeCloseTo(oracle.area.volume, 2);
      expect(body.valvesToClose.every((v) => v.normallyOpen)).toBe(true);
    }
  }, 120_000);

  it('orders the valves as a route from the depot whose legs add up to its length', async () => {
    const valveCount = (m: Link) => isolateBurst(graph, segmentation, graph.linkIds.indexOf(m.id)).valvesToClose.length;
    const main = mains.reduce((best, m) => (valveCount(m) > valveCount(best) ? m : best));
    expect(valveCount(main)).toBeGreaterThanOrEqual(2);
    const { body } = await trace({ linkId: main.id });
    expect(body.route).toMatchObject({ from: 'depot', depotId: rules.depots[0]!.id, distance: 'plan' });
    expect(body.route.start[0]).toBeCloseTo(rules.depots[0]!.lon, 9);
    expect(body.valvesToClose.reduce((a, v) => a + v.leg!, 0)).toBeCloseTo(body.route.length, 0);
    const fromBurst = (await trace({ linkId: main.id, routeFrom: 'burst' })).body;
    expect(fromBurst.route.from).toBe('burst');
    expect(fromBurst.valvesToClose.map((v) => v.id).sort()).toEqual(body.valvesToClose.map((v) => v.id).sort());
  });

  it('widens the shutdown past a valve found inoperable, as the engine does with it failed', async () => {
    let checked = 0;
    for (const main of mains.slice(0, 60)) {
      const before = (await trace({ linkId: main.id })).body;
      if (before.valvesToClose.length === 0) continue;
      const failed = before.valvesToClose[0]!.id;
      const after = (await trace({ linkId: main.id, failedValves: [failed] })).body;
      const oracle = isolateBurst(graph, segmentation, graph.linkIds.indexOf(main.id), { failedValves: [graph.valveIds.indexOf(failed)] });
      expect(after.failedValves).toEqual([failed]);
      expect(after.valvesToClose.map((v) => v.id)).not.toContain(failed);
      expect(after.valvesToClose.map((v) => v.id).sort()).toEqual(oracle.valvesToClose.map((v) => v.id).sort());
      const beforeLinks = new Set(before.isolated.links.map((l) => l.id));
      const afterLinks = new Set(after.isolated.links.map((l) => l.id));
      expect([...beforeLinks].every((l) => afterLinks.has(l))).toBe(true);
      expect(after.isolated.length).toBeGreaterThanOrEqual(before.isolated.length);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  }, 120_000);

  it('lists the other lines within the chosen distance of the burst pipe, as measuring every line does', async () => {
    let seen = 0;
    for (const main of mains.slice(0, 40)) {
      for (const d of [rules.nearbyDistance.value, 20]) {
        const { body } = await trace({ linkId: main.id, nearbyDistance: d });
        const oracle = linesNearBurst(main, allLinks, d);
        expect(body.nearbyDistance).toBe(d);
        expect(body.nearbyLines.map((l) => l.id)).toEqual(oracle.map((l) => l.id));
        expect(body.nearbyLines.every((l) => l.utility !== 'water' && l.distance <= d)).toBe(true);
        seen += body.nearbyLines.length;
      }
    }
    expect(seen).toBeGreaterThan(0);
  }, 120_000);
});

describe('incidents', () => {
  it('saves an incident in its own SQLite file and reopens it by id', async () => {
    const main = mains[5]!;
    const first = (await trace({ linkId: main.id })).body;
    const failedValves = first.valvesToClose.slice(0, 1).map((v) => v.id);
    const saved = await call<Incident>('/api/burst/incidents', { networkVersion: summary.version, linkId: main.id, failedValves, nearbyDistance: 8, note: '爆管 burst' });
    expect(saved.status).toBe(201);
    expect(saved.body.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(existsSync(join(server.config.dataDir, INCIDENTS_FILE))).toBe(true);
    const reopened = await call<Incident>(`/api/burst/incidents/${saved.body.id}`);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ id: saved.body.id, linkId: main.id, failedValves, nearbyDistance: 8, note: '爆管 burst', networkVersion: summary.version });
    expect(reopened.body.trace.valvesToClose.map((v) => v.id)).toEqual(saved.body.trace.valvesToClose.map((v) => v.id));
    const again = (await trace({ linkId: main.id, failedValves, nearbyDistance: 8 })).body;
    expect(again.valvesToClose.map((v) => v.id)).toEqual(reopened.body.trace.valvesToClose.map((v) => v.id));
  });

  it('stores nothing when the incident is refused', async () => {
    const bad = await call<ErrorBody>('/api/burst/incidents', { networkVersion: summary.version, linkId: mains[0]!.id, note: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('note');
    const missing = await call<ErrorBody>('/api/burst/incidents/AAAAAAAAAAAA');
    expect(missing.status).toBe(404);
    expect(missing.body.error.field).toBe('id');
  });
});

describe('bad input is refused with a 4xx naming the field', () => {
  const cases: [string, () => Promise<{ status: number; body: ErrorBody }>, number, string][] = [
    ['an unknown link', () => trace({ linkId: 'NO-SUCH-PIPE' }), 404, 'linkId'],
    ['a gas line as the burst', () => trace({ linkId: allLinks.find((l) => l.utility === 'gas')!.id }), 404, 'linkId'],
    ['a stale network version', () => trace({ linkId: mains[0]!.id, networkVersion: summary.version + 7 }), 409, 'networkVersion'],
    ['an unknown failed valve', () => trace({ linkId: mains[0]!.id, failedValves: ['V-NOPE'] }), 400, 'failedValves[0]'],
    ['a nearby distance out of range', () => trace({ linkId: mains[0]!.id, nearbyDistance: 1e6 }), 400, 'nearbyDistance'],
    ['an unknown depot', () => trace({ linkId: mains[0]!.id, routeFrom: 'mars' }), 400, 'routeFrom'],
    ['a longitude that is not a number', () => call<ErrorBody>('/api/burst/nearest?lon=abc&lat=23.13'), 400, 'lon'],
    ['a latitude beyond the pole', () => call<ErrorBody>('/api/burst/nearest?lon=113.33&lat=95'), 400, 'lat'],
    ['no coordinates at all', () => call<ErrorBody>('/api/burst/nearest'), 400, 'lon'],
    ['a grid easting that is not a number', () => call<ErrorBody>('/api/burst/nearest?x=east&y=2559000'), 400, 'x'],
    ['a search longer than the rules allow', () => call<ErrorBody>(`/api/burst/search?q=${'a'.repeat(rules.search.maxQueryLength + 1)}`), 400, 'q'],
    ['an empty search', () => call<ErrorBody>('/api/burst/search?q=%20'), 400, 'q'],
  ];
  for (const [what, request, status, field] of cases) {
    it(`refuses ${what}`, async () => {
      const r = await request();
      expect(r.status).toBe(status);
      expect(r.body.error.field).toBe(field);
      expect(r.body.error.message.length).toBeGreaterThan(10);
    });
  }

  it('says what was sent: a number as a number with its unit, a string as a string', async () => {
    const { min, max } = rules.nearbyDistance;
    const messages = [
      (await trace({ linkId: mains[0]!.id, nearbyDistance: 1e6 })).body.error.message,
      (await trace({ linkId: mains[0]!.id, nearbyDistance: '20' })).body.error.message,
      (await trace({ linkId: mains[0]!.id, networkVersion: String(summary.version) })).body.error.message,
      (await call<ErrorBody>('/api/burst/nearest?lon=113.33&lat=95')).body.error.message,
    ];
    expect(messages).toEqual([
      `nearbyDistance must be a number of metres in ${min}–${max} m; got 1000000 m`,
      `nearbyDistance must be a number of metres in ${min}–${max} m; got the string "20"`,
      `networkVersion must be an integer; got the string "${summary.version}"`,
      'lat must be in -90…90°; got 95°',
    ]);
  });
});
