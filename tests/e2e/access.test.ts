/**
 * Network access in a real Chromium against the real server (issue 6, DESIGN.md Security): without
 * a session the viewer asks to sign in (en and zh-CN) and fetches no layer; a supervisor's dig is
 * screened by the server, whole, though their layers lack restricted lines; a contractor with a
 * permit the office accepted sees exactly the site-limited layers the server gives it, drawn as
 * polylines, and never asks for a tile nor sees the network reports; one with no accepted permit is told why its map is empty;
 * an admin reads the audit of restricted views in its own tab, by touch; a supervisor opens the
 * network reports after an import made the page's version stale: the panel follows the new version,
 * says it is computing (the server's 503, step n of 4) and then shows the general copy (its counts
 * over the lines a supervisor may see, no restricted line).
 */
import { Cartesian3 } from 'cesium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../../scripts/buildClient';
import type { NetworkSummary } from '../../src/protocol/apiTypes';
import type { LayerPayload } from '../../src/protocol/layerPayload';
import type { LinkDetails } from '../../src/protocol/apiTypes';
import { cityFile } from '../../scripts/city';
import { lonLatTransform } from '../../src/core/crs';
import type { ClearanceReport } from '../../src/core/screening/clearanceCheck';
import type { CoverReport } from '../../src/core/screening/coverCheck';
import { loadAccessRules } from '../../src/server/access/accessRules';
import { isRestrictedLink } from '../../src/server/access/restrictedAssets';
import { importNetworkFile } from '../../src/server/importFile';
import { VERTEX_STRIDE } from '../../src/core/model';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { launchBrowser, offMachineRequests, openPage, cameraDistance } from '../helpers/browser';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

const MINUTES = 60_000;

interface Handle {
  undergrid: {
    drawnLines(): number;
    tilesets(): unknown[];
    lookFrom(lon: number, lat: number, height: number, headingDeg: number, pitchDeg: number): void;
    windowPosition(lon: number, lat: number, height: number): { x: number; y: number } | null;
  };
}

describe('who sees the network in the viewer', () => {
  let server: TestServer;
  let browser: Browser;
  /** Lines of every layer the server sends contractor-a (its site-limited layers). */
  let contractorLines = 0;
  /** The gas main at the middle of contractor-a's site: its id, and lon/lat/height (below ground) of a point on it. */
  let siteMain = { id: '', lon: 0, lat: 0, height: 0 };

  beforeAll(async () => {
    await ensureClientBuilt('dist');
    // Reports are computed on the first request, not when a version appears: the panel meets the 503 (the last journey).
    server = await startTestServer('small', undefined, { reports: { background: false, log: () => {} } });
    browser = await launchBrowser();
    const reviewer = await signIn(server.url, 'reviewer');
    const summary = (await (await fetch(`${server.url}api/network`, { headers: reviewer })).json()) as NetworkSummary;
    const gas = (await (await fetch(`${server.url}api/network/${summary.version}/layers/gas`, { headers: reviewer })).json()) as LayerPayload;
    const main = (await (await fetch(`${server.url}api/links/${encodeURIComponent(gas.ids.find((_, i) => gas.subtypes[i] === 'main')!)}`, { headers: reviewer })).json()) as LinkDetails;
    const a = main.vertices[0]!, b = main.vertices[1]!;
    const [lon, lat] = [(a.lon + b.lon) / 2, (a.lat + b.lat) / 2];
    siteMain = { id: main.id, lon, lat, height: -((a.ground - a.z) + (b.ground - b.z)) / 2 };
    const d = 0.00003;
    const contractor = await signIn(server.url, 'contractor-a');
    const permit = await fetch(`${server.url}api/permits`, {
      method: 'POST', headers: { ...contractor, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        title: 'Gas service repair', workKinds: ['gas'], startDate: '2026-12-01', endDate: '2026-12-10', method: 'open-cut',
        contact: { name: 'Site lead', phone: '+86 138 1111 2222' },
        works: { footprint: [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]], depth: 2, ruleSetId: 'cn-gb50289', groundElevation: null },
        submit: true,
      }),
    });
    expect(permit.status).toBe(201);
    // A site once the office accepts it (access.json sites.states).
    const accepted = await fetch(`${server.url}api/permits/${((await permit.json()) as { id: string }).id}/actions`, {
      method: 'POST', headers: { ...(await signIn(server.url, 'dispatcher')), 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'accept' }),
    });
    expect(accepted.status).toBe(200);
    for (const l of summary.layers) {
      const layer = (await (await fetch(`${server.url}api/network/${summary.version}/layers/${l.utility}`, { headers: contractor })).json()) as LayerPayload;
      contractorLines += layer.ids.length;
    }
  }, 10 * MINUTES);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('without a session asks to sign in, in English and Chinese, and fetches no layer or tile', async () => {
    for (const [locale, words] of [['en-US', 'Sign in to see the network'], ['zh-CN', '请登录后查看管网']] as const) {
      const { page, requests, consoleErrors } = await openPage(browser, server.url, undefined, { locale });
      try {
        await page.waitForSelector('body[data-network-access="sign-in"]', { timeout: 5 * MINUTES });
        await expect(page.textContent('#load-status')).resolves.toContain(words);
        await page.waitForSelector('body[data-permit-user="none"]', { timeout: MINUTES });
        expect(requests.filter((u) => /\/layers\/|\/nodes\/|\/api\/tiles\//.test(u))).toEqual([]);
        expect(offMachineRequests(requests)).toEqual([]);
        // The one refused request is the summary's 401: the browser logs it; nothing else failed.
        expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]);
      } finally {
        await page.context().close();
      }
    }
  }, 10 * MINUTES);

  it('screens a supervisor\'s dig on the server, so the 110 kV bank it strikes is listed though the supervisor\'s layers leave it out', async () => {
    const store = new SqliteNetworkStore(server.config.databaseFile);
    const hv = store.links({ utility: 'power' }).find((l) => l.pressureClass === '110kV')!;
    const fromLocal = lonLatTransform(store.frame()!).fromLocal;
    store.close();
    const x = (hv.vertices[0]! + hv.vertices[VERTEX_STRIDE]!) / 2, y = (hv.vertices[1]! + hv.vertices[VERTEX_STRIDE + 1]!) / 2;
    const corners = [[x - 3, y - 3], [x + 3, y - 3], [x + 3, y + 3], [x - 3, y + 3]].map(([a, b]) => fromLocal(a!, b!));
    const { page, requests } = await openPage(browser, server.url, undefined, { signInAs: 'supervisor' });
    try {
      await page.waitForSelector('body[data-worker-ready="true"]', { timeout: 5 * MINUTES });
      await page.evaluate((c) => {
        const store = (window as unknown as { undergrid: { store: { getState(): { dig: object }; setState(s: object): void } } }).undergrid.store;
        store.setState({ dig: { ...store.getState().dig, drawing: false, corners: c, depth: 2 } });
      }, corners);
      await page.click('#screen-dig');
      const row = page.locator(`#screening-results tr[data-link-id="${hv.id}"]`);
      await row.waitFor({ timeout: 2 * MINUTES });
      await expect(row.getAttribute('data-verdict')).resolves.toBe('STRIKE');
      expect(requests.some((u) => u.endsWith('/api/screenings'))).toBe(true);
      // Choosing the row takes the camera there, though this map does not draw the line.
      const [lon, lat] = fromLocal(x, y);
      const place = Cartesian3.fromDegrees(lon!, lat!, 0);
      expect(await cameraDistance(page, place)).toBeGreaterThan(150);
      await row.click();
      await expect.poll(() => cameraDistance(page, place), { timeout: MINUTES, interval: 250 }).toBeLessThan(150);
      expect(requests.filter((u) => u.includes('-restricted/'))).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 10 * MINUTES);

  it('shows a contractor only the lines near its site, as polylines, and never asks for a tile', async () => {
    expect(contractorLines).toBeGreaterThan(0);
    const { page, requests } = await openPage(browser, server.url, undefined, { signInAs: 'contractor-a' });
    try {
      await page.waitForSelector('body[data-network-access="loaded"]', { timeout: 5 * MINUTES });
      await page.waitForSelector('body[data-pipes-drawn="true"]', { timeout: 5 * MINUTES });
      expect(await page.evaluate(() => (window as unknown as Handle).undergrid.drawnLines())).toBe(contractorLines);
      expect(await page.evaluate(() => (window as unknown as Handle).undergrid.tilesets().length)).toBe(0);
      await expect(page.getAttribute('body', 'data-access-sites')).resolves.toBe('1');
      await expect(page.textContent('#access-status')).resolves.toMatch(/within 50 m of your 1 active permit sites/);
      expect(requests.filter((u) => u.includes('/api/tiles/'))).toEqual([]);
      expect(requests.some((u) => /\/layers\/gas$/.test(u))).toBe(true);
      // The whole-network reports are not a contractor's (the server says 403): the panel is in the page, hidden, and no report is asked for.
      expect([await page.locator('#reports-panel').evaluate((el) => (el as HTMLElement).hidden), requests.filter((u) => u.includes('/reports/'))]).toEqual([true, []]);
    } finally {
      await page.context().close();
    }
  }, 10 * MINUTES);
  it('leaves a contractor on an upright tablet the lower half of the screen for the map, to tap their site', async () => {
    const { page } = await openPage(browser, server.url, { width: 768, height: 1024 }, { signInAs: 'contractor-a', hasTouch: true, locale: 'zh-CN' });
    try {
      await page.waitForSelector('body[data-network-access="loaded"]', { timeout: 5 * MINUTES });
      const layout = await page.evaluate(() => {
        const bottom = (sel: string) => document.querySelector(sel)!.getBoundingClientRect().bottom;
        const attributes = getComputedStyle(document.querySelector('#attributes')!);
        // What a finger lands on in the lower half, left, middle and right: the map's canvas.
        const taps = [0.2, 0.5, 0.8].map((x) => document.elementFromPoint(innerWidth * x, innerHeight * 0.75)?.tagName ?? null);
        return { controls: bottom('#controls'), permits: bottom('#permits'), height: innerHeight, attributesTop: attributes.top, attributesBottom: attributes.bottom, taps };
      });
      expect(layout.controls).toBeLessThanOrEqual(layout.height * 0.5 + 8);
      expect(layout.permits).toBeLessThanOrEqual(layout.height * 0.5 + 8);
      expect(layout.taps).toEqual(['CANVAS', 'CANVAS', 'CANVAS']);
      // A tapped line's attributes open at the bottom, not over the permits panel.
      expect(layout.attributesBottom).toBe('40px');
      // A finger on the site's gas main (its clipped piece, drawn as a polyline) in the lower half
      // opens that line's attributes: from 60 m up and 60 m south, pitched so the main sits near 3/4 down.
      await page.evaluate(([lon, lat]) => (window as unknown as Handle).undergrid.lookFrom(lon!, lat! - 60 / 111_000, 60, 0, -30), [siteMain.lon, siteMain.lat]);
      const px = await page.evaluate(([lon, lat, h]) => (window as unknown as Handle).undergrid.windowPosition(lon!, lat!, h!), [siteMain.lon, siteMain.lat, siteMain.height]);
      expect(px).not.toBeNull();
      expect(px!.y).toBeGreaterThan(layout.height * 0.5);
      const canvas = (await page.locator('#cesium canvas').boundingBox())!;
      await page.waitForFunction(() => (window as unknown as Handle).undergrid.drawnLines() > 0, undefined, { timeout: MINUTES });
      await page.touchscreen.tap(canvas.x + px!.x, canvas.y + px!.y);
      await page.waitForSelector('#attribute-list', { timeout: 2 * MINUTES });
      await expect(page.textContent('#attribute-list dd[data-attr="attr.id"]')).resolves.toBe(siteMain.id);
      const panel = await page.locator('#attributes').boundingBox();
      expect(panel!.y).toBeGreaterThan(layout.height * 0.5);
    } finally {
      await page.context().close();
    }
  }, 10 * MINUTES);

  it('tells a contractor whose unit has no accepted permit why the map is empty, in English and Chinese', async () => {
    for (const [locale, words] of [['en-US', 'no permit the permit office has accepted'], ['zh-CN', '您还没有已受理的许可']] as const) {
      const { page, requests } = await openPage(browser, server.url, undefined, { signInAs: 'contractor-b', locale });
      try {
        await page.waitForSelector('body[data-network-access="loaded"][data-access-sites="0"]', { timeout: 5 * MINUTES });
        await expect(page.textContent('#access-status')).resolves.toContain(words);
        // Where they look first, without scrolling the panel: inside the panel's visible part and the window.
        expect(await page.locator('#access-status').evaluate((el) => {
          const r = el.getBoundingClientRect(), panel = el.parentElement!.getBoundingClientRect();
          return r.height > 0 && r.top >= panel.top && r.bottom <= Math.min(panel.bottom, window.innerHeight);
        })).toBe(true);
        expect(await page.evaluate(() => (window as unknown as Handle).undergrid.drawnLines())).toBe(0);
        expect(requests.filter((u) => u.includes('/api/tiles/'))).toEqual([]);
      } finally {
        await page.context().close();
      }
    }
  }, 10 * MINUTES);

  it('lets an admin read, by touch, who saw restricted lines: the reviewer\'s read of the 110 kV layer is in the audit tab', async () => {
    const reviewer = await signIn(server.url, 'reviewer');
    const version = ((await (await fetch(`${server.url}api/network`, { headers: reviewer })).json()) as NetworkSummary).version;
    expect((await fetch(`${server.url}api/network/${version}/layers/power`, { headers: reviewer })).status).toBe(200);
    const { page } = await openPage(browser, server.url, undefined, { signInAs: 'admin', hasTouch: true });
    try {
      await page.waitForSelector('#permit-tab-audit', { timeout: 5 * MINUTES });
      await page.tap('#permit-tab-audit');
      await page.waitForSelector('#permit-audit[data-loaded="true"]', { timeout: MINUTES });
      await page.fill('#audit-user', 'reviewer');
      await page.tap('#audit-apply');
      // The unfiltered list shown before already holds the reviewer's row: wait for the filtered one.
      await page.waitForSelector('#permit-audit[data-loaded="true"][data-user="reviewer"]', { timeout: MINUTES });
      const row = page.locator(`#audit-rows tr[data-route="GET /api/network/${version}/layers/power"]`).first();
      await row.waitFor({ timeout: MINUTES });
      const users = await page.$$eval('#audit-rows tbody tr', (rows) => rows.map((r) => r.getAttribute('data-username')));
      expect(users.length).toBeGreaterThan(0);
      expect(users.every((u) => u === 'reviewer')).toBe(true);
      await row.locator('summary').tap();
      await expect(row.locator('.audit-ids').textContent()).resolves.toMatch(/\S/);
    } finally {
      await page.context().close();
    }
  }, 10 * MINUTES);

  // Last: it imports a new network version.
  it('shows a supervisor the general copy of the reports: a new version followed, computing… then its counts, no restricted line', async () => {
    const supervisor = await signIn(server.url, 'supervisor');
    const reviewer = await signIn(server.url, 'reviewer');
    const { page, requests } = await openPage(browser, server.url, undefined, { signInAs: 'supervisor' });
    try {
      await page.waitForSelector('body[data-network-access="loaded"]', { timeout: 5 * MINUTES });
      const mapVersion = ((await (await fetch(`${server.url}api/network`, { headers: supervisor })).json()) as NetworkSummary).version;
      // Another process (`npm run city`) imports while the page is open: the page's version is stale.
      const importer = new SqliteNetworkStore(server.config.databaseFile);
      const version = (await importNetworkFile(importer, cityFile(server.config))).version;
      const restricted = new Set(importer.links().filter((l) => isRestrictedLink(l, loadAccessRules())).map((l) => l.id));
      importer.close();
      expect([version, restricted.size > 0]).toEqual([mapVersion + 1, true]);
      await page.click('#reports-toggle');
      // 404 stale_version → the panel reads the current version; its reports are not computed yet: 503 → "computing (step n of 4)".
      await page.waitForSelector('body[data-report-state="cover:computing"]', { timeout: MINUTES });
      await expect(page.textContent('#report-status')).resolves.toMatch(/^The server is computing the report \(step [1-4] of 4\)… asking again in \d+ s\.$/);
      await page.waitForSelector('body[data-report-state="cover:ready"]', { timeout: 2 * MINUTES });
      await expect(page.textContent('#report-notice')).resolves.toBe(`The network changed (version ${mapVersion} → ${version}): the report is for version ${version}; the map still shows version ${mapVersion} until the page is reloaded.`);
      const get = async <T>(kind: string, headers: Record<string, string>) => (await (await fetch(`${server.url}api/network/${version}/reports/${kind}`, { headers })).json()) as T;
      const [cover, wholeCover] = [await get<CoverReport>('cover', supervisor), await get<CoverReport>('cover', reviewer)];
      // The general copy's counts are over the lines a supervisor may see.
      expect(cover.linksChecked).toBe(wholeCover.linksChecked - restricted.size);
      await expect(page.textContent('#report-status')).resolves.toBe(`${cover.findings.length} findings · network version ${version}`);
      await expect(page.textContent('#report-facts')).resolves.toContain(`${cover.linksChecked.toLocaleString('en-US')} lines checked`);
      await page.click('#report-tab-clearances');
      await page.waitForSelector('body[data-report-state="clearances:ready"]', { timeout: 2 * MINUTES });
      const [clearances, whole] = [await get<ClearanceReport>('clearances', supervisor), await get<ClearanceReport>('clearances', reviewer)];
      expect(clearances.findings.length).toBeLessThan(whole.findings.length); // the whole report has findings on restricted lines
      await expect(page.textContent('#report-status')).resolves.toBe(`${clearances.findings.length.toLocaleString('en-US')} findings · network version ${version}`);
      const shown = (await page.$$eval('#report-findings tr.result', (rows) => rows.map((r) => r.getAttribute('data-link-ids') ?? ''))).flatMap((ids) => ids.split(' '));
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.filter((id) => restricted.has(id))).toEqual([]);
      // The worker asked for the page's version, was told it is stale, then asked for the current one.
      const asked = requests.filter((u) => u.includes('/reports/cover')).map((u) => new URL(u).pathname);
      expect(asked.slice(0, 2)).toEqual([`/api/network/${mapVersion}/reports/cover`, `/api/network/${version}/reports/cover`]);
    } finally {
      await page.context().close();
    }
  }, 10 * MINUTES);
});
