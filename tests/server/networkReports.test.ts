/**
 * The network's own reports (cover, clearances) on a real server on 127.0.0.1 over a real SQLite
 * file holding the small sample city (src/server/networkReports.ts): computed from one snapshot in a
 * worker thread, 503 with Retry-After and the step until ready while the event loop answers other
 * requests, 500 naming the report when the worker dies and computed again on the next request, a new
 * import discards the old version's work, and refusals that name their field (`version`, `report`).
 * The server starts each job on the first request here (`background: false`), so the first answer is
 * always the 503.
 */
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityFile } from '../../scripts/city';
import { checkClearances } from '../../src/core/screening/clearanceCheck';
import { checkCover } from '../../src/core/screening/coverCheck';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import { loadAccessRules } from '../../src/server/access/accessRules';
import { withoutAssets } from '../../src/server/access/payloadFilter';
import { isRestrictedLink } from '../../src/server/access/restrictedAssets';
import { importNetworkFile } from '../../src/server/importFile';
import { NETWORK_REPORTS, NetworkReports, loadReportServerRules } from '../../src/server/networkReports';
import { REPORT_STEPS, computeNetworkReports, loadNetworkReportRules } from '../../src/server/networkReportsJob';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import type { ReportComputing } from '../../src/protocol/reportsApi';
import { fetchReport, untilReady } from '../helpers/reports';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

let server: TestServer;
let reviewer: Record<string, string>;
let supervisor: Record<string, string>;
const rules = loadNetworkReportRules('data/rules');

type ErrorBody = { error: { code: string; message: string; field?: string }; progress?: ReportComputing['progress'] };
type Report = { networkVersion: number; kind: string; findings: unknown[]; linksChecked?: number };

const url = (path: string) => server.url + path.replace(/^\//, '');
async function get<T>(path: string, headers = reviewer): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(url(path), { headers });
  return { status: res.status, body: (await res.json()) as T, res };
}

/** Imports `file` through a second connection, as `npm run city` in another process would. */
async function importFrom(file: string): Promise<number> {
  const importer = new SqliteNetworkStore(server.config.databaseFile);
  try {
    return (await importNetworkFile(importer, file)).version;
  } finally {
    importer.close();
  }
}

/** The sample city with only its gas lines: a version whose reports differ visibly from the whole city's. */
function gasOnlyFile(): string {
  const city = JSON.parse(readFileSync(cityFile(server.config), 'utf8')) as { features: { properties: { utility: string } }[] };
  city.features = city.features.filter((f) => f.properties.utility === 'gas');
  const file = join(server.config.dataDir, 'gas-only.geojson');
  writeFileSync(file, JSON.stringify(city));
  return file;
}

beforeAll(async () => {
  server = await startTestServer('small', 20261127, { reports: { background: false, log: () => {} } });
  reviewer = await signIn(server.url, 'reviewer');
  supervisor = await signIn(server.url, 'supervisor');
}, 300_000);

afterAll(async () => {
  await server?.dispose();
});

describe('refusals that name their field', () => {
  it.each([
    ['/api/network/abc/reports/cover', 400, 'bad_version', 'version'],
    ['/api/network/-1/reports/cover', 400, 'bad_version', 'version'],
    ['/api/network/1.0/reports/cover', 400, 'bad_version', 'version'],
    ['/api/network/01/reports/cover', 400, 'bad_version', 'version'],
    ['/api/network/1/reports/Cover', 404, 'unknown_report', 'report'],
    ['/api/network/1/reports/asbestos', 404, 'unknown_report', 'report'],
    ['/api/network/2/reports/cover', 404, 'unknown_version', 'version'],
    ['/api/network/0/reports/clearances', 404, 'unknown_version', 'version'],
    ['/api/network/abc/layers/water', 400, 'bad_version', 'version'],
    ['/api/network/9/nodes/water', 404, 'unknown_version', 'version'],
    ['/api/network/1/layers/Water', 404, 'unknown_layer', 'utility'],
  ])('%s → %i %s naming %s', async (path, status, code, field) => {
    const r = await get<ErrorBody>(path);
    expect(r.status).toBe(status);
    expect(r.body.error).toMatchObject({ code, field });
    // A version that never existed is not called "not current": it is unknown, and the answer says which one is.
    if (code === 'unknown_version') expect(r.body.error.message).toMatch(/^there is no network version \d+: versions run from 1 to 1, the current one$/);
    if (code === 'bad_version') expect(r.body.error.message).toContain('(the current one is 1)');
  });

  it('refuses a contractor every report, whatever the version segment says, and started no work for any refusal', async () => {
    const contractor = await signIn(server.url, 'contractor-a');
    for (const path of ['/api/network/1/reports/cover', '/api/network/abc/reports/cover', '/api/network/1/reports/Cover']) {
      expect((await get<ErrorBody>(path, contractor)).status, path).toBe(403);
    }
    expect(server.reports.status()).toMatchObject({ state: 'not started', jobsStarted: 0 });
  });
});

describe('the reports, computed in a worker thread', () => {
  it('answers 503 with Retry-After and the step while computing, answers /api/health meanwhile, then both reports from one job', async () => {
    const first = await get<ErrorBody>('/api/network/1/reports/cover');
    expect(first.status).toBe(503);
    expect(first.res.headers.get('retry-after')).toBe(String(loadReportServerRules().retryAfterSeconds));
    expect(first.body.error.code).toBe('report_computing');
    expect(first.body.error.message).toMatch(/^the cover report of network version 1 is being computed \(step [1-4] of 4: [a-z ]+, [\d.]+ s so far\); ask again in \d+ s$/);
    expect(first.body.progress).toMatchObject({ version: 1, report: 'cover', steps: REPORT_STEPS.length });
    expect(REPORT_STEPS).toContain(first.body.progress!.doing);

    // While the job runs (its thread is alive), the event loop answers other requests.
    const thread = server.reports.thread;
    expect(thread, 'the job finished before it could be seen computing').not.toBeNull();
    const health = await fetch(url('/api/health'));
    expect(health.status).toBe(200);
    expect(server.reports.status().state, 'health was answered only after the reports were done').toBe('computing');

    const cover = await untilReady(() => get<Report>('/api/network/1/reports/cover'));
    expect(cover.status).toBe(200);
    expect(cover.res.headers.get('cache-control')).toBe('private, no-cache');
    // The worker's answer is the kernel's, run here on the same version's lines.
    const store = new SqliteNetworkStore(server.config.databaseFile, { readonly: true });
    const links = store.links();
    store.close();
    expect(cover.body).toEqual(JSON.parse(JSON.stringify({ networkVersion: 1, kind: 'cover', ...checkCover(links, rules.cover) })));
    expect(cover.body.linksChecked).toBe(links.length);
    // The clearances came with the same job: ready at once.
    const clearances = await get<Report>('/api/network/1/reports/clearances');
    expect(clearances.status).toBe(200);
    // Brotli-coded once by the job (report-server.json compression), served to a client that accepts br (a browser; Node's fetch only when told, and it decodes).
    expect(clearances.res.headers.get('content-encoding')).toBe('gzip');
    const br = await fetch(url('/api/network/1/reports/clearances'), { headers: { ...reviewer, 'Accept-Encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(await br.json()).toEqual(clearances.body);
    // Accept-Encoding's q-values (RFC 9110): br;q=0 refuses br; gzip;q=0 with nothing else leaves the body plain; '*' takes br.
    const coding = async (accept: string) => (await fetch(url('/api/network/1/reports/clearances'), { headers: { ...reviewer, 'Accept-Encoding': accept } })).headers.get('content-encoding');
    expect(await coding('br;q=0, gzip')).toBe('gzip');
    expect(await coding('gzip;q=0')).toBe(null);
    expect(await coding('*')).toBe('br');
    expect(await coding('gzip, br;q=0.5')).toBe('br');
    const whole = JSON.parse(JSON.stringify({ networkVersion: 1, kind: 'clearances', ...checkClearances(links, rules.clearances) })) as Report;
    expect(clearances.body).toEqual(whole);
    expect(server.reports.status()).toMatchObject({ state: 'ready', version: 1, jobsStarted: 1, discarded: 0 });
    // A viewer without `restricted` gets the same findings without the restricted lines (its counts: 'the general copy' below).
    const restricted = new Set(links.filter((l) => isRestrictedLink(l, loadAccessRules())).map((l) => l.id));
    expect(restricted.size).toBeGreaterThan(0);
    const general = await get<Report>('/api/network/1/reports/clearances', supervisor);
    expect(general.body.findings).toEqual(withoutAssets(whole.findings, restricted));
    expect(JSON.stringify(general.body).length).toBeLessThan(JSON.stringify(whole).length);
  }, 120_000);

  it('a worker that dies answers 500 naming the report, once; the next request computes it again', async () => {
    const version = await importFrom(cityFile(server.config));
    expect(version).toBe(2);
    const first = await get<ErrorBody>(`/api/network/${version}/reports/clearances`);
    expect(first.status).toBe(503);
    const thread = server.reports.thread;
    expect(thread, 'the job finished before it could be ended').not.toBeNull();
    await thread!.terminate(); // as if the thread were killed: the server did not ask for it
    const failed = await untilReady(() => get<ErrorBody>(`/api/network/${version}/reports/clearances`));
    expect(failed.status).toBe(500);
    expect(failed.body.error).toMatchObject({ code: 'report_failed', field: 'report' });
    expect(failed.body.error.message).toMatch(/^computing the clearances report of network version 2 failed: the reports' worker thread exited with code \d+; ask again/);
    const again = await get<ErrorBody>(`/api/network/${version}/reports/clearances`);
    expect(again.status).toBe(503);
    const ready = await fetchReport<Report>(url(`/api/network/${version}/reports/clearances`), reviewer);
    expect(ready.status).toBe(200);
    expect(ready.body.networkVersion).toBe(2);
    expect(server.reports.status()).toMatchObject({ state: 'ready', version: 2, jobsStarted: 3 });
    // The replaced version's URLs: a 404 naming both versions.
    const stale = await get<ErrorBody>('/api/network/1/reports/clearances');
    expect(stale.status).toBe(404);
    expect(stale.body.error).toMatchObject({ code: 'stale_version', field: 'version', message: 'network version 1 is not current (current: 2): a later import replaced it' });
  }, 120_000);

  it('a new import discards the old version\'s work; the new version\'s reports are its own lines', async () => {
    const gasOnly = gasOnlyFile();
    const v3 = await importFrom(gasOnly);
    expect((await get<ErrorBody>(`/api/network/${v3}/reports/cover`)).status).toBe(503);
    const thread = server.reports.thread;
    expect(thread, 'the job finished before the next import').not.toBeNull();
    const exited = once(thread!, 'exit');
    const v4 = await importFrom(cityFile(server.config));
    // The request that finds version 4 in force ends version 3's job and starts version 4's.
    expect((await get<ErrorBody>(`/api/network/${v4}/reports/cover`)).status).toBe(503);
    await exited;
    expect(server.reports.status()).toMatchObject({ version: v4, discarded: 1 });
    expect((await get<ErrorBody>(`/api/network/${v3}/reports/cover`)).body.error.code).toBe('stale_version');
    const cover = await fetchReport<Report>(url(`/api/network/${v4}/reports/cover`), reviewer);
    const store = new SqliteNetworkStore(server.config.databaseFile, { readonly: true });
    expect(cover.body).toMatchObject({ networkVersion: v4, linksChecked: store.currentVersion()!.links });
    store.close();
  }, 120_000);
});

describe('one read', () => {
  it('an import committed by another connection while the lines are read does not change the version the reports name', async () => {
    const reader = new SqliteNetworkStore(server.config.databaseFile, { readonly: true });
    const before = reader.currentVersion()!;
    // What the other connection imports: the gas lines alone, then the whole city again.
    const imports = [JSON.parse(readFileSync(gasOnlyFile(), 'utf8')) as unknown, JSON.parse(readFileSync(cityFile(server.config), 'utf8')) as unknown];
    let committed: number | null = null;
    const links = reader.links.bind(reader);
    // The next read of the lines commits an import through another connection first (another process's `npm run city`).
    reader.links = (q) => {
      if (committed === null) {
        const importer = new SqliteNetworkStore(server.config.databaseFile);
        committed = importer.replaceNetwork(parseNetworkCollection(imports.shift(), { frame: importer.frame() ?? undefined }), 'another process').version;
        importer.close();
      }
      return links(q);
    };
    try {
      // Two reads, as the reports were made before: the version of one, the lines of the next.
      const asked = reader.currentVersion()!.version;
      const read = reader.links();
      expect(committed).toBe(asked + 1);
      expect(read.length).not.toBe(before.links); // the hazard is real: those are the new version's lines
      // One read: the version and the lines of the same snapshot.
      committed = null;
      const computed = computeNetworkReports(reader, rules, null)!;
      expect(committed).toBe(asked + 2);
      const cover = JSON.parse(computed.reports.cover.all.body.toString('utf8')) as Report;
      const newest = reader.currentVersion()!;
      expect(computed.version).toBe(asked + 1);
      expect(cover.networkVersion).toBe(asked + 1);
      expect(cover.linksChecked).toBe(read.length); // the gas lines alone: version asked + 1's
      expect(newest).toMatchObject({ version: asked + 2, links: before.links }); // the whole city again
    } finally {
      reader.close();
    }
  }, 120_000);
});

describe('in process', () => {
  it('a store no worker can open gets the same bytes computed in this thread', async () => {
    const store = new SqliteNetworkStore(server.config.databaseFile, { readonly: true });
    const here = new NetworkReports(store, { computeIn: 'in-process', background: false, restricted: loadAccessRules(), log: () => {} });
    try {
      const version = store.currentVersion()!.version;
      expect(() => here.report('clearances', version)).toThrow(expect.objectContaining({ status: 503, code: 'report_computing' }));
      while (here.status().state === 'computing') await new Promise((r) => setTimeout(r, 20));
      expect(here.thread).toBeNull();
      for (const kind of NETWORK_REPORTS) {
        const whole = await fetchReport<Report>(url(`/api/network/${version}/reports/${kind}`), reviewer);
        const general = await fetchReport<Report>(url(`/api/network/${version}/reports/${kind}`), supervisor);
        const answer = here.report(kind, version);
        expect(answer.all.etag, kind).toBe(whole.res.headers.get('etag'));
        expect(answer.general.etag, kind).toBe(general.res.headers.get('etag'));
      }
    } finally {
      here.close();
      store.close();
    }
  }, 120_000);
});

describe('the general copy', () => {
  it('counts only the lines it may show: every count equals the report of the same network without its restricted lines', async () => {
    const withThem = await importFrom(cityFile(server.config));
    const store = new SqliteNetworkStore(server.config.databaseFile, { readonly: true });
    const restricted = new Set(store.links().filter((l) => isRestrictedLink(l, loadAccessRules())).map((l) => l.id));
    store.close();
    expect(restricted.size).toBeGreaterThan(0);
    const general: Record<string, Record<string, unknown>> = {};
    for (const kind of NETWORK_REPORTS) general[kind] = (await fetchReport<Record<string, unknown>>(url(`/api/network/${withThem}/reports/${kind}`), supervisor)).body;
    // The full-access copy counts them.
    const wholeWith = (await fetchReport<{ linksChecked: number }>(url(`/api/network/${withThem}/reports/cover`), reviewer)).body;
    expect(wholeWith.linksChecked).toBe((general['cover']!['linksChecked'] as number) + restricted.size);
    // The same city without its restricted lines, imported as the next version.
    const city = JSON.parse(readFileSync(cityFile(server.config), 'utf8')) as { features: { properties: { id: string } }[] };
    city.features = city.features.filter((f) => !restricted.has(f.properties.id));
    const file = join(server.config.dataDir, 'without-restricted.geojson');
    writeFileSync(file, JSON.stringify(city));
    const without = await importFrom(file);
    for (const kind of NETWORK_REPORTS) {
      const whole = (await fetchReport<Record<string, unknown>>(url(`/api/network/${without}/reports/${kind}`), reviewer)).body;
      const itsGeneral = (await fetchReport<Record<string, unknown>>(url(`/api/network/${without}/reports/${kind}`), supervisor)).body;
      const counts = Object.keys(general[kind]!).filter((k) => typeof general[kind]![k] === 'number' && k !== 'networkVersion');
      expect(counts.length, kind).toBeGreaterThan(0);
      for (const k of counts) expect(general[kind]![k], `${kind}.${k}`).toBe(whole[k]);
      // Nothing else differs either: the lists, the findings, the rules applied (and the copy's shape says nothing of the restricted lines).
      const but = (b: Record<string, unknown>) => ({ ...b, networkVersion: null });
      expect(but(general[kind]!), kind).toEqual(but(itsGeneral));
      // What the copy leaves out is a count over the whole network (pairs of lines), not a finding.
      expect(Object.keys(whole).filter((k) => !(k in general[kind]!)), kind).toEqual(kind === 'cover' ? [] : ['segmentPairsTested', 'connectedLinkPairs', 'teeJoints']);
    }
  }, 120_000);
});
