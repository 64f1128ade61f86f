/**
 * Network access by role (issue 6, DESIGN.md Security, data/rules/access.json) against the real
 * server and SQLite files: every network route refuses a request without a session; supervisor and
 * admin never receive a 110 kV line while reviewer, approver and dispatcher do, each such answer
 * leaving an audit row; a contractor with a permit the office has accepted receives only the stretches of lines
 * within the site radius of its footprint (checked by measuring every line of the full layer), and
 * nothing of another unit's site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import accessJson from '../../data/rules/access.json';
import displayJson from '../../data/rules/display.json';
import { lonLatTransform } from '../../src/core/crs';
import { VERTEX_STRIDE, type Link } from '../../src/core/model';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import { readGlb, readPropertyTable } from '../../src/core/tiles/glbReader';
import { meshoptReady } from '../../src/core/tiles/meshopt';
import { tilesetIssues } from '../../src/core/tiles/tilesetChecks';
import type { AuditResponse, AuditRow } from '../../src/protocol/accessApi';
import type { LinkDetails, NetworkSummary } from '../../src/protocol/apiTypes';
import type { BurstTrace } from '../../src/protocol/burstApi';
import { decodeLayer, type LayerPayload, type NodePayload } from '../../src/protocol/layerPayload';
import type { DigScreening } from '../../src/core/digScreening';
import { screenedWorks, siteLines, siteModel } from '../../src/site/siteModel';
import type { PermitDetail } from '../../src/protocol/permitApi';
import { untilReady } from '../helpers/reports';
import { squareAround, startPermitsHarness, type PermitsHarness } from './permitsHarness';

await meshoptReady;

const RADIUS = accessJson.sites.radiusM.value;
const HALF = 3;
const SEES_RESTRICTED = ['reviewer', 'approver', 'dispatcher'] as const;
const GENERAL_ONLY = ['supervisor', 'admin'] as const;

let h: PermitsHarness;
let version: number;
let hv: Link[];
let hvIds: Set<string>;
/** The centre of contractor-a's open cut (local frame), over a 110 kV bank. */
let site: { x: number; y: number };
let draftAt: { x: number; y: number };
/** contractor-a's permit over the 110 kV bank, submitted and accepted by the office. */
let permitId: string;

const get = <T>(who: string | null, path: string) => (who ? h.as<T>(who, 'GET', path) : h.call<T>('GET', path));
const post = <T>(who: string | null, path: string, body: unknown) => (who ? h.as<T>(who, 'POST', path, body) : h.call<T>('POST', path, { body }));

/** Plan distance from a point to contractor-a's square footprint (independent of the server's geometry). */
function siteDistance(px: number, py: number, c = site): number {
  return Math.hypot(Math.max(Math.abs(px - c.x) - HALF, 0), Math.max(Math.abs(py - c.y) - HALF, 0));
}

function vertexXY(p: LayerPayload): { id: string; xy: [number, number][] }[] {
  let v = 0;
  return p.ids.map((id, i) => {
    const xy: [number, number][] = [];
    for (let k = 0; k < p.vertexCounts[i]!; k++, v += VERTEX_STRIDE) xy.push([p.xyzg[v]! / 100, p.xyzg[v + 1]! / 100]);
    return { id, xy };
  });
}

async function auditRows(): Promise<AuditResponse['rows']> {
  const r = await get<AuditResponse>('admin', '/api/admin/audit');
  expect(r.status).toBe(200);
  return r.body.rows;
}

function openCut(c: { x: number; y: number }, submit: boolean) {
  return {
    title: 'Cable joint pit', workKinds: ['power'], startDate: '2026-03-10', endDate: '2026-03-20', method: 'open-cut',
    contact: { name: 'Site lead', phone: '+86 138 1111 2222' },
    works: { footprint: squareAround(h, c.x, c.y, HALF), depth: 2, ruleSetId: 'cn-gb50289', groundElevation: null },
    submit,
  };
}

beforeAll(async () => {
  h = await startPermitsHarness(shanghaiTime('2026-03-09', 9));
  version = h.store.currentVersion()!.version;
  hv = h.store.links({ utility: 'power' }).filter((l) => l.pressureClass === '110kV');
  hvIds = new Set(hv.map((l) => l.id));
  const v = hv[0]!.vertices;
  site = { x: (v[0]! + v[VERTEX_STRIDE]!) / 2, y: (v[1]! + v[VERTEX_STRIDE + 1]!) / 2 };
  const submitted = await post<PermitDetail>('contractor-a', '/api/permits', openCut(site, true));
  expect(submitted.status).toBe(201);
  permitId = submitted.body.id;
  // Submitted is not yet a site (a contractor could submit anywhere): nothing around it is sent…
  const before = await get<LayerPayload>('contractor-a', `/api/network/${version}/layers/power`);
  expect(before.status).toBe(200);
  expect(before.body.ids).toEqual([]);
  // …until the office accepts it (受理).
  expect((await post('dispatcher', `/api/permits/${permitId}/actions`, { action: 'accept' })).status).toBe(200);
  // A draft far away: drafts are not sites, so nothing around it may be sent.
  const far = h.store.links({ utility: 'water' }).map((l) => ({ x: l.vertices[0]!, y: l.vertices[1]! })).find((p) => Math.hypot(p.x - site.x, p.y - site.y) > 6 * RADIUS)!;
  draftAt = far;
  expect((await post('contractor-a', '/api/permits', openCut(far, false))).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await h?.dispose();
});

describe('without a session', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/api/network'], ['GET', '/api/network/1/layers/power'], ['GET', '/api/network/1/layers/power?bbox=113.3,23.1,113.4,23.2'],
    ['GET', '/api/network/1/nodes/water'], ['GET', '/api/network/1/reports/cover'], ['GET', '/api/links/x'],
    ['GET', '/api/tiles/1/power/tileset.json'], ['GET', '/api/tiles/1/power-restricted/tileset.json'], ['GET', '/api/rules'],
    ['POST', '/api/screenings', {}], ['GET', '/api/burst/rules'], ['GET', '/api/burst/search?q=a'], ['POST', '/api/burst/trace', {}],
  ];
  it.each(routes)('%s %s answers 401 unauthenticated', async (method, path, body) => {
    const r = await h.call<{ error: { code: string } }>(method, path, body === undefined ? {} : { body });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthenticated');
  });

  it('keeps /api/health and the public receipt page open', async () => {
    expect((await h.call('GET', '/api/health')).status).toBe(200);
    expect((await h.call('GET', '/api/public/receipts/UG-2026-AAAAA-AAAAA')).status).not.toBe(401);
  });
});

describe('roles that see the whole network', () => {
  it('the sample city has 110 kV banks, restricted by the table', () => {
    expect(hv.length).toBeGreaterThan(0);
    expect(accessJson.restrictedClasses.minPowerVoltageKv.value).toBe(110);
  });

  it.each(SEES_RESTRICTED)('%s receives the 110 kV lines in layers, areas, nodes and link details, and each answer is audited', async (who) => {
    const before = (await auditRows()).length;
    const layer = await get<LayerPayload>(who, `/api/network/${version}/layers/power`);
    expect(layer.status).toBe(200);
    expect(layer.headers.get('cache-control')).toBe('private, no-cache');
    expect(hv.every((l) => layer.body.ids.includes(l.id))).toBe(true);
    const detail = await get<LinkDetails>(who, `/api/links/${encodeURIComponent(hv[0]!.id)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.pressureClass).toBe('110kV');
    const rows = (await auditRows()).slice(0, (await auditRows()).length - before);
    expect(rows.map((r) => r.route)).toEqual([`GET /api/links/${hv[0]!.id}`, `GET /api/network/${version}/layers/power`]);
    expect(rows.every((r) => r.username === who && r.networkVersion === version)).toBe(true);
    expect(rows[1]!.assetCount).toBe(hv.length);
    expect(new Set(rows[1]!.assetIds)).toEqual(hvIds);
    expect(rows[0]!.assetIds).toEqual([hv[0]!.id]);
  });

  it('a reviewer\'s view of a layer without restricted lines leaves no audit row', async () => {
    const before = (await auditRows()).length;
    expect((await get('reviewer', `/api/network/${version}/layers/water`)).status).toBe(200);
    expect((await get('reviewer', `/api/network/${version}/nodes/water`)).status).toBe(200);
    expect((await auditRows()).length).toBe(before);
  });

  it.each(GENERAL_ONLY)('%s never receives a 110 kV line: layers, areas, nodes, link details, reports, summary, and leaves no audit row', async (who) => {
    const before = await auditRows();
    const full = h.store.links({ utility: 'power' });
    const layer = await get<LayerPayload>(who, `/api/network/${version}/layers/power`);
    expect(layer.body.ids.sort()).toEqual(full.filter((l) => !hvIds.has(l.id)).map((l) => l.id).sort());
    const [lon, lat] = lonLatTransform(h.store.frame()!).fromLocal(site.x, site.y);
    const area = await get<LayerPayload>(who, `/api/network/${version}/layers/power?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}`);
    expect(area.status).toBe(200);
    expect(area.body.ids.length).toBeGreaterThan(0);
    expect(area.body.ids.filter((id) => hvIds.has(id))).toEqual([]);
    const restrictedNodes = new Set(hv.flatMap((l) => [l.fromNode, l.toNode]).filter((n): n is string => n !== null));
    const nodes = await get<NodePayload>(who, `/api/network/${version}/nodes/power`);
    expect(nodes.body.ids.filter((id) => restrictedNodes.has(id))).toEqual([]);
    expect((await get(who, `/api/links/${encodeURIComponent(hv[0]!.id)}`)).status).toBe(404);
    for (const kind of ['cover', 'clearances']) {
      const report = await untilReady(() => get<unknown>(who, `/api/network/${version}/reports/${kind}`));
      expect(report.status).toBe(200);
      expect(hv.filter((l) => JSON.stringify(report.body).includes(`"${l.id}"`))).toEqual([]);
    }
    const summary = await get<NetworkSummary>(who, '/api/network');
    expect(summary.body.access).toMatchObject({ role: who, network: 'all', restricted: false, tiles: true });
    expect(summary.body.layers.find((l) => l.utility === 'power')!.links).toBe(layer.body.ids.length);
    expect(summary.body.layers.find((l) => l.utility === 'power')!.nodes).toBe(nodes.body.ids.length);
    expect(summary.body.tilesets!.filter((t) => t.restricted)).toEqual([]);
    // The segment count too is over the lines this viewer's layers hold, not the network's (they would tell the restricted ones apart).
    let segments = 0;
    for (const l of summary.body.layers) for (const n of (await get<LayerPayload>(who, `/api/network/${version}/layers/${l.utility}`)).body.vertexCounts) segments += n - 1;
    expect(summary.body.segments).toBe(segments);
    expect((await get(who, `/api/tiles/${version}/power-restricted/tileset.json`)).status).toBe(403);
    expect(await auditRows()).toEqual(before);
  }, 120_000);

  it('the reports a reviewer gets name 110 kV lines that the supervisor\'s leave out, when there are any', async () => {
    const all = await untilReady(() => get<unknown>('reviewer', `/api/network/${version}/reports/clearances`));
    const general = await untilReady(() => get<unknown>('supervisor', `/api/network/${version}/reports/clearances`));
    const named = hv.filter((l) => JSON.stringify(all.body).includes(`"${l.id}"`));
    expect(JSON.stringify(general.body).length).toBeLessThanOrEqual(JSON.stringify(all.body).length);
    if (named.length > 0) expect(JSON.stringify(general.body).length).toBeLessThan(JSON.stringify(all.body).length);
  }, 120_000);
});

describe('tiles', () => {
  /** Every link id drawn by a tileset's line tiles, read back from the GLBs' property tables. */
  async function tilesetLinkIds(who: string, name: string): Promise<{ ids: Set<string>; cacheControl: string | null }> {
    const base = `/api/tiles/${version}/${name}/`;
    const ts = await get<Record<string, unknown>>(who, `${base}tileset.json`);
    expect(ts.status).toBe(200);
    const schema = (await get<Parameters<typeof readPropertyTable>[1]>(who, `${base}schema.json`)).body;
    const ids = new Set<string>();
    for (const uri of tilesetIssues(ts.body).contentUris.filter((u) => !u.includes('fittings'))) {
      const res = await fetch(h.url + base + uri, { headers: { Authorization: `Bearer ${await h.signIn(who)}` } });
      expect(res.status).toBe(200);
      const glb = readGlb(new Uint8Array(await res.arrayBuffer()));
      for (const row of readPropertyTable(glb, schema, 0)) ids.add(String(row['id']));
    }
    return { ids, cacheControl: ts.headers.get('cache-control') };
  }

  it('the general power tileset holds no 110 kV line and stays cacheable for good (private: only signed-in browsers); the restricted one holds exactly them, private and audited', async () => {
    const general = await tilesetLinkIds('supervisor', 'power');
    expect(general.cacheControl).toBe('private, max-age=31536000, immutable');
    expect([...general.ids].filter((id) => hvIds.has(id))).toEqual([]);
    expect(general.ids.size).toBe(h.store.links({ utility: 'power' }).length - hv.length);
    const before = (await auditRows()).length;
    const restricted = await tilesetLinkIds('reviewer', 'power-restricted');
    expect(restricted.cacheControl).toBe('private, no-cache');
    expect(restricted.ids).toEqual(hvIds);
    const rows = (await auditRows()).slice(0, (await auditRows()).length - before);
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.every((r) => r.username === 'reviewer' && r.route.includes('/power-restricted/'))).toBe(true);
    expect(new Set(rows.flatMap((r) => r.assetIds))).toEqual(hvIds);
    const summary = await get<NetworkSummary>('reviewer', '/api/network');
    expect(summary.body.tilesets).toContainEqual({ utility: 'power', restricted: true, url: `/api/tiles/${version}/power-restricted/` });
  }, 180_000);
});

describe('burst response', () => {
  it('nearby lines and search hits include 110 kV lines for the dispatcher (audited) and never for the supervisor', async () => {
    const near = (l: Link) => Math.min(...hv.map((p) => Math.hypot(p.vertices[0]! - l.vertices[0]!, p.vertices[1]! - l.vertices[1]!)));
    const water = h.store.links({ utility: 'water' }).filter((l) => l.subtype === 'main').sort((a, b) => near(a) - near(b));
    let found: { id: string; trace: BurstTrace } | null = null;
    for (const w of water.slice(0, 20)) {
      const r = await post<BurstTrace>('dispatcher', '/api/burst/trace', { networkVersion: version, linkId: w.id, nearbyDistance: 50 });
      if (r.status === 200 && r.body.nearbyLines.some((l) => hvIds.has(l.id))) { found = { id: w.id, trace: r.body }; break; }
    }
    expect(found).not.toBeNull();
    const general = await post<BurstTrace>('supervisor', '/api/burst/trace', { networkVersion: version, linkId: found!.id, nearbyDistance: 50 });
    expect(general.status).toBe(200);
    expect(general.body.nearbyLines.filter((l) => hvIds.has(l.id))).toEqual([]);
    expect(general.body.nearbyLines.length).toBe(found!.trace.nearbyLines.filter((l) => !hvIds.has(l.id)).length);
    expect(general.body.valvesToClose).toEqual(found!.trace.valvesToClose);
    const q = encodeURIComponent(hv[0]!.id);
    expect((await get<{ hits: { label: string }[] }>('dispatcher', `/api/burst/search?q=${q}`)).body.hits.map((x) => x.label)).toContain(hv[0]!.id);
    expect((await get<{ hits: { label: string }[] }>('supervisor', `/api/burst/search?q=${q}`)).body.hits.map((x) => x.label)).not.toContain(hv[0]!.id);
    const rows = await auditRows();
    expect(rows.some((r) => r.username === 'dispatcher' && r.route === 'POST /api/burst/trace')).toBe(true);
    expect(rows.filter((r) => r.username === 'supervisor')).toEqual([]);
  }, 180_000);
});

describe('a contractor', () => {
  it('gets only the stretches of lines within the site radius of its accepted permit, 110 kV included, as measuring every line finds', async () => {
    const summary = await get<NetworkSummary>('contractor-a', '/api/network');
    expect(summary.body.access).toMatchObject({ role: 'applicant', network: 'sites', restricted: true, tiles: false, sites: 1, siteRadiusM: RADIUS });
    expect(summary.body.tilesets).toEqual([]);
    const [w, s, e, n] = summary.body.access!.siteExtent!;
    const [lon, lat] = lonLatTransform(h.store.frame()!).fromLocal(site.x, site.y);
    expect(lon > w && lon < e && lat > s && lat < n).toBe(true);
    expect((e - w) * 111_000 * Math.cos((lat * Math.PI) / 180)).toBeCloseTo(2 * (RADIUS + HALF), 0);
    let restrictedSeen = 0;
    for (const utility of ['power', 'water', 'gas', 'telecom', 'sewer', 'storm'] as const) {
      const layer = await get<LayerPayload>('contractor-a', `/api/network/${version}/layers/${utility}`);
      expect(layer.status).toBe(200);
      const pieces = vertexXY(layer.body);
      for (const p of pieces) for (const [x, y] of p.xy) expect(siteDistance(x, y)).toBeLessThanOrEqual(RADIUS + 0.02);
      const sent = new Set(pieces.map((p) => p.id.replace(/#\d+$/, '')));
      // Brute force: every line of the full layer with a vertex well inside the radius was sent.
      for (const l of h.store.links({ utility })) {
        let inside = false;
        for (let o = 0; o < l.vertices.length; o += VERTEX_STRIDE) if (siteDistance(l.vertices[o]!, l.vertices[o + 1]!) < RADIUS - 0.05) inside = true;
        if (inside) expect(sent.has(l.id), `${utility} ${l.id}`).toBe(true);
        for (let o = 0; o < l.vertices.length; o += VERTEX_STRIDE) if (siteDistance(l.vertices[o]!, l.vertices[o + 1]!) > RADIUS + 1) expect(pieces.some((p) => p.id === l.id && p.xy.some(([x, y]) => Math.abs(x - l.vertices[o]!) < 0.01 && Math.abs(y - l.vertices[o + 1]!) < 0.01))).toBe(false);
      }
      restrictedSeen += [...sent].filter((id) => hvIds.has(id)).length;
      // Nothing near the draft.
      for (const p of pieces) for (const [x, y] of p.xy) expect(siteDistance(x, y, draftAt)).toBeGreaterThan(RADIUS);
    }
    expect(restrictedSeen).toBeGreaterThan(0);
    // The summary counts what the contractor may load, not the city.
    let links = 0, nodes = 0;
    for (const l of summary.body.layers) {
      const layer = (await get<LayerPayload>('contractor-a', `/api/network/${version}/layers/${l.utility}`)).body;
      const fittings = (await get<NodePayload>('contractor-a', `/api/network/${version}/nodes/${l.utility}`)).body;
      expect(l.links, l.utility).toBe(layer.ids.length);
      expect(l.nodes, l.utility).toBe(fittings.ids.length);
      links += layer.ids.length; nodes += fittings.ids.length;
    }
    expect(summary.body).toMatchObject({ links, nodes });
    expect(summary.body.links).toBeLessThan(h.store.links({}).length / 10);
    const rows = await auditRows();
    expect(rows.some((r) => r.username === 'contractor-a' && r.route === `GET /api/network/${version}/layers/power` && r.assetIds.includes(hv[0]!.id))).toBe(true);
  }, 120_000);

  it('gets a clipped line\'s details within the site and 404 for a line outside it; 403 on tiles, reports and burst; may screen', async () => {
    const detail = await get<LinkDetails>('contractor-a', `/api/links/${encodeURIComponent(hv[0]!.id)}`);
    expect(detail.status).toBe(200);
    for (const v of detail.body.vertices) expect(siteDistance(v.x, v.y)).toBeLessThanOrEqual(RADIUS + 0.02);
    const outside = h.store.links({ utility: 'water' }).find((l) => Math.hypot(l.vertices[0]! - site.x, l.vertices[1]! - site.y) > 10 * RADIUS && Math.hypot(l.vertices[4]! - site.x, l.vertices[5]! - site.y) > 10 * RADIUS)!;
    expect((await get('contractor-a', `/api/links/${encodeURIComponent(outside.id)}`)).status).toBe(404);
    for (const path of [`/api/tiles/${version}/power/tileset.json`, `/api/network/${version}/reports/cover`, '/api/burst/rules']) {
      const r = await get<{ error: { code: string } }>('contractor-a', path);
      expect(r.status, path).toBe(403);
    }
    // The dig over the 110 kV bank: screened in full (the bank is struck), and the view audited.
    const screen = await post<{ lines: { linkId: string; verdict: string }[] }>('contractor-a', '/api/screenings', { footprint: squareAround(h, site.x, site.y, HALF), depth: 2, ruleSetId: 'cn-gb50289', groundElevation: null });
    expect(screen.status).toBe(200);
    expect(screen.body.lines.map((l) => l.linkId)).toContain(hv[0]!.id);
    const row = (await auditRows())[0]!;
    expect(row).toMatchObject({ username: 'contractor-a', route: 'POST /api/screenings' });
    expect(row.assetIds).toContain(hv[0]!.id);
  });

  it('gets for the dig-site view only what siteClip gives it; a supervisor\'s site view says the restricted bank it may not see', async () => {
    const footprint = squareAround(h, site.x, site.y, HALF);
    const siteOf = async (who: string) => {
      const screen = await post<DigScreening>(who, '/api/screenings', { footprint, depth: 2, ruleSetId: 'cn-gb50289', groundElevation: null });
      expect(screen.status).toBe(200);
      const model = siteModel(h.store.frame()!, screenedWorks(screen.body, { footprint, depth: 2 }), screen.body.notifyDistance, displayJson.siteMarginM.value);
      // What src/site/mountSite.ts asks: each layer within the site's lon/lat box.
      const payloads = await Promise.all((['power', 'water', 'gas', 'telecom', 'sewer', 'storm'] as const).map(async (u) => {
        const r = await get<LayerPayload>(who, `/api/network/${version}/layers/${u}?bbox=${model.lonLatBox.join(',')}`);
        expect(r.status).toBe(200);
        return r.body;
      }));
      return { screen: screen.body, payloads, ...siteLines(model, payloads.flatMap(decodeLayer), screen.body.lines) };
    };
    const contractor = await siteOf('contractor-a');
    for (const p of contractor.payloads) for (const piece of vertexXY(p)) for (const [x, y] of piece.xy) expect(siteDistance(x, y)).toBeLessThanOrEqual(RADIUS + 0.02);
    const bank = contractor.lines.filter((l) => l.row?.linkId === hv[0]!.id);
    expect(bank.length).toBeGreaterThan(0);
    expect(bank[0]!.row!.verdict).toBe('STRIKE');
    expect(contractor.unseen.map((r) => r.linkId)).not.toContain(hv[0]!.id);
    // A supervisor may not see 110 kV: the screening still lists the bank, the site view draws it not and says so.
    const supervisor = await siteOf('supervisor');
    expect(supervisor.screen.lines.find((l) => l.linkId === hv[0]!.id)?.verdict).toBe('STRIKE');
    expect(supervisor.lines.some((l) => l.link.id === hv[0]!.id)).toBe(false);
    expect(supervisor.unseen.map((r) => r.linkId)).toContain(hv[0]!.id);
  });

  it('contractor-b sees nothing of contractor-a\'s site', async () => {
    const summary = await get<NetworkSummary>('contractor-b', '/api/network');
    expect(summary.body.access).toMatchObject({ network: 'sites', sites: 0, siteExtent: null });
    expect(summary.body).toMatchObject({ links: 0, nodes: 0, segments: 0 });
    for (const utility of ['power', 'water', 'gas']) {
      expect((await get<LayerPayload>('contractor-b', `/api/network/${version}/layers/${utility}`)).body.ids).toEqual([]);
      expect((await get<NodePayload>('contractor-b', `/api/network/${version}/nodes/${utility}`)).body.ids).toEqual([]);
    }
    expect((await get('contractor-b', `/api/links/${encodeURIComponent(hv[0]!.id)}`)).status).toBe(404);
  });
});

describe('screening', () => {
  it('never hides a line the dig strikes: the supervisor\'s screening over the 110 kV bank lists it, and the view is audited', async () => {
    const screen = await post<{ lines: { linkId: string; verdict: string }[] }>('supervisor', '/api/screenings', { footprint: squareAround(h, site.x, site.y, HALF), depth: 2, ruleSetId: 'cn-gb50289', groundElevation: null });
    expect(screen.status).toBe(200);
    expect(screen.body.lines.find((l) => l.linkId === hv[0]!.id)?.verdict).toBe('STRIKE');
    const row = (await auditRows())[0]!;
    expect(row).toMatchObject({ username: 'supervisor', role: 'supervisor', route: 'POST /api/screenings' });
    expect(row.assetIds).toContain(hv[0]!.id);
  });
});

describe('permit answers', () => {
  it('carry their stored screening whole, and a reviewer opening a permit over the 110 kV bank leaves an audit row naming it', async () => {
    for (const path of [`/api/permits/${permitId}`, `/api/permits/${permitId}/print`, `/api/permits/${permitId}/screenings`]) {
      const r = await get<unknown>('reviewer', path);
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).toContain(hv[0]!.id);
      const row = (await auditRows())[0]!;
      expect(row).toMatchObject({ username: 'reviewer', route: `GET ${path}` });
      expect(row.assetIds).toContain(hv[0]!.id);
    }
  });
});

describe('the audit endpoint', () => {
  it('answers admin and supervisor, refuses other roles and no session', async () => {
    expect((await get('supervisor', '/api/admin/audit')).status).toBe(200);
    for (const who of ['reviewer', 'dispatcher', 'contractor-a']) expect((await get(who, '/api/admin/audit')).status).toBe(403);
    expect((await get(null, '/api/admin/audit')).status).toBe(401);
  });

  it('filters by user and time', async () => {
    const rows = (await get<AuditResponse>('admin', '/api/admin/audit?user=reviewer')).body.rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.username === 'reviewer')).toBe(true);
    const later = (await get<AuditResponse>('admin', `/api/admin/audit?since=${h.clock.now + 1}`)).body.rows;
    expect(later).toEqual([]);
    expect((await get<AuditResponse>('admin', '/api/admin/audit?since=2026-01-01&limit=2')).body.rows.length).toBe(2);
  });

  it('pages back through older rows with before=<the last id shown>, every row once, newest first', async () => {
    const all = (await get<AuditResponse>('admin', '/api/admin/audit')).body.rows;
    expect(all.length).toBeGreaterThan(2);
    const paged: AuditRow[] = [];
    let before: number | null = null;
    for (;;) {
      const page: AuditRow[] = (await get<AuditResponse>('admin', `/api/admin/audit?limit=2${before === null ? '' : `&before=${before}`}`)).body.rows;
      if (page.length === 0) break;
      paged.push(...page);
      before = page[page.length - 1]!.id;
    }
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(paged.every((r, i) => i === 0 || r.id < paged[i - 1]!.id)).toBe(true);
  });

  it.each([
    ['since=yesterday', 'since'], ['user=a%20b', 'user'], ['before=-1', 'before'], ['before=x', 'before'], ['limit=0', 'limit'], ['limit=100000', 'limit'], ['colour=red', 'colour'],
  ])('refuses ?%s naming the field %s', async (query, field) => {
    const r = await get<{ error: { field: string } }>('admin', `/api/admin/audit?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe(field);
  });
});

describe('screening rate of a role that sees only its sites', () => {
  const limit = accessJson.screenings.perHourForSites.value;
  const dig = () => ({ footprint: squareAround(h, draftAt.x, draftAt.y, HALF), depth: 2, ruleSetId: 'cn-gb50289', groundElevation: null });

  it(`lets a contractor screen ${limit} digs an hour anywhere, then answers 429 with Retry-After (applying counts too) until the hour has passed`, async () => {
    let answered = 0;
    let refused: { status: number; body: { error: { code: string } }; headers: Headers } | null = null;
    for (let i = 0; i <= limit && !refused; i++) {
      const r = await post<{ error: { code: string } }>('contractor-a', '/api/screenings', dig());
      if (r.status === 429) refused = r;
      else { expect(r.status).toBe(200); answered++; }
    }
    expect(refused, `no refusal after ${limit + 1} screenings`).not.toBeNull();
    expect(answered).toBeLessThanOrEqual(limit);
    expect(refused!.body.error.code).toBe('too_many_screenings');
    const retry = Number(refused!.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(3600);
    // Applying screens the works too: refused alike, and nothing is stored.
    const before = (await get<{ permits: unknown[] }>('contractor-a', '/api/permits')).body.permits.length;
    expect((await post('contractor-a', '/api/permits', openCut(draftAt, false))).status).toBe(429);
    expect((await get<{ permits: unknown[] }>('contractor-a', '/api/permits')).body.permits.length).toBe(before);
    // Another contractor and every staff role are not held to it.
    expect((await post('contractor-b', '/api/screenings', dig())).status).toBe(200);
    expect((await post('reviewer', '/api/screenings', dig())).status).toBe(200);
    h.clock.now += 3_600_000 + 1000;
    expect((await post('contractor-a', '/api/screenings', dig())).status).toBe(200);
  });
});
