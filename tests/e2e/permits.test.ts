/**
 * A dig permit's whole life in a real Chromium against the real server and SQLite file: an applicant
 * signs in, draws a dig over a known gas main, sees the pre-screening flag the STRIKE and submits for
 * a receipt number; the dispatcher accepts and assigns it; the reviewer opens it from the queue (the
 * camera flies to it, the dig is drawn in 3D), adds a condition and passes it on; the approver
 * approves it; the printed permit carries the condition (and, while a delivery without the lines
 * around the site cannot be screened, a banner not to sign or dig on it); the public page shows the stage by receipt
 * number and no names. Each person signs in and out on the same page, as at a shared counter.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../../scripts/buildClient';
import { cityFile } from '../../scripts/city';
import { crsDefinition } from '../../src/core/crs';
import type { PermitDetail } from '../../src/protocol/permitApi';
import { importNetworkFile } from '../../src/server/importFile';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import type { LayerPayload } from '../../src/protocol/layerPayload';
import type { LinkDetails, NetworkSummary } from '../../src/protocol/apiTypes';
import { SEED_ACCOUNTS } from '../../src/server/permits/seed';
import { launchBrowser, offMachineRequests, openPage, type RecordedPage } from '../helpers/browser';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

const MINUTES = 60_000;
/** Height of the camera over the gas main when the dig is drawn, looking straight down, m. */
const DRAW_HEIGHT_M = 150;
/** Half the drawn square's side, px: a few metres from this height. */
const HALF_SQUARE_PX = 14;

interface Handle {
  undergrid: {
    windowPosition(lon: number, lat: number, h?: number): { x: number; y: number } | null;
    lookFrom(lon: number, lat: number, height: number, headingDeg: number, pitchDeg: number): void;
    store: { getState(): { dig: { corners: [number, number][]; depth: number } } };
    home(): void;
    viewer: { camera: { positionCartographic: { longitude: number; latitude: number; height: number } } };
  };
}

function account(role: string): { username: string; password: string; displayName: string } {
  const a = SEED_ACCOUNTS.find((x) => x.role === role);
  if (!a) throw new Error(`no seed account with role ${role}; seeded: ${SEED_ACCOUNTS.map((x) => x.role).join(', ')}`);
  return a;
}

/** Signs in through the panel (signing out first reloads the page: no network stays in memory) and waits for the network this role may see. */
async function signInAs(page: Page, role: string): Promise<void> {
  if (await page.locator('#sign-out').count()) {
    await Promise.all([page.waitForEvent('load', { timeout: MINUTES }), page.click('#sign-out')]);
    await page.waitForSelector('body[data-network-access="sign-in"]', { timeout: MINUTES });
  }
  await page.waitForSelector('body[data-permit-user="none"]', { timeout: MINUTES });
  const a = account(role);
  await page.fill('#sign-in-user', a.username);
  await page.fill('#sign-in-password', a.password);
  await page.click('#sign-in');
  await page.waitForSelector(`body[data-permit-user="${role}"]`, { timeout: MINUTES });
  await page.waitForSelector('body[data-network-access="loaded"]', { timeout: 5 * MINUTES });
}

/** Opens the permit with this receipt from the signed-in person's queue. */
async function openFromQueue(page: Page, receipt: string): Promise<void> {
  await page.waitForSelector(`#permit-queue [data-receipt="${receipt}"]`, { timeout: MINUTES });
  await page.click(`#permit-queue [data-receipt="${receipt}"]`);
  await page.waitForSelector(`#permit-detail[data-receipt="${receipt}"]`, { timeout: MINUTES });
}

async function actAndWait(page: Page, action: string, status: string): Promise<void> {
  await page.click(`#action-${action}`);
  await page.waitForSelector(`#permit-detail[data-status="${status}"]`, { timeout: MINUTES });
}

/** Screen media and no print sheet open: a test after the print test starts from the panel, whatever that test left. */
async function backToScreen(page: Page): Promise<void> {
  await page.emulateMedia({ media: 'screen' });
  if (await page.locator('#print-close').count()) await page.click('#print-close');
  await page.waitForSelector('#permit-sheet', { state: 'detached', timeout: MINUTES });
}

/**
 * Imports a delivery into the running server's database from a second connection, as an import from
 * another process does: the sample city, less the lines within `clearM` metres of (lon, lat) when given.
 */
async function importCity(server: TestServer, name: string, clear?: { lon: number; lat: number; clearM: number }): Promise<number> {
  type Feature = { geometry: { type: string; coordinates: number[][] }; properties: { id: string; link?: string | null } };
  const city = JSON.parse(readFileSync(cityFile(server.config), 'utf8')) as { features: Feature[] };
  if (clear) {
    const [cx, cy] = proj4('EPSG:4326', crsDefinition('EPSG:4547'), [clear.lon, clear.lat]) as [number, number];
    const near = (c: number[][]) => c.some(([x, y], i) => {
      const [ax, ay] = [c[Math.max(0, i - 1)]![0]!, c[Math.max(0, i - 1)]![1]!];
      const l2 = (x! - ax) ** 2 + (y! - ay) ** 2;
      const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - ax) * (x! - ax) + (cy - ay) * (y! - ay)) / l2));
      return Math.hypot(ax + t * (x! - ax) - cx, ay + t * (y! - ay) - cy) < clear.clearM;
    });
    const gone = new Set(city.features.filter((f) => f.geometry.type === 'LineString' && near(f.geometry.coordinates)).map((f) => f.properties.id));
    city.features = city.features.filter((f) => !gone.has(f.properties.id) && !gone.has(f.properties.link ?? '')); // the lines and their fittings
  }
  const file = join(server.config.dataDir, name);
  writeFileSync(file, JSON.stringify(city));
  const importer = new SqliteNetworkStore(server.config.databaseFile);
  return (await importNetworkFile(importer, file).finally(() => importer.close())).version;
}

/** Fills the rest of the apply form, submits it and returns the receipt number. */
async function submitApplication(page: Page, title: string, workKinds: string): Promise<string> {
  await page.fill('#permit-title', title);
  await page.fill('#permit-workKinds', workKinds);
  await page.fill('#permit-contactName', 'Wang Jianguo');
  await page.fill('#permit-contactPhone', '13800138000');
  await page.click('#permit-submit');
  await page.waitForSelector('#permit-receipt', { timeout: MINUTES });
  return (await page.getAttribute('#permit-receipt', 'data-receipt'))!;
}

describe('a dig permit from application to approval, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let app: RecordedPage;
  let main: LinkDetails;
  let receipt = '';

  beforeAll(async () => {
    await ensureClientBuilt('dist');
    server = await startTestServer('small');
    browser = await launchBrowser();
    const headers = await signIn(server.url, 'reviewer');
    const get = async <T>(path: string) => (await (await fetch(`${server.url}${path}`, { headers })).json()) as T;
    const summary = await get<NetworkSummary>('api/network');
    const gas = await get<LayerPayload>(`api/network/${summary.version}/layers/gas`);
    // The longest of the first gas mains: a long straight first segment to draw the dig over.
    const mains = await Promise.all(gas.ids.filter((_, i) => gas.subtypes[i] !== 'service').slice(0, 20)
      .map((id) => get<LinkDetails>(`api/links/${encodeURIComponent(id)}`)));
    const firstSegment = (l: LinkDetails) => Math.hypot(l.vertices[1]!.lon - l.vertices[0]!.lon, l.vertices[1]!.lat - l.vertices[0]!.lat);
    main = mains.sort((a, b) => firstSegment(b) - firstSegment(a))[0]!;
    app = await openPage(browser, server.url);
  }, 10 * MINUTES);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('lets an applicant apply: an upload in metres is refused by name, the drawn dig is pre-screened as a STRIKE on the gas main, the submission returns a receipt', async () => {
    const { page } = app;
    // No network without a session: the viewer asks to sign in and fetches no layer.
    await page.waitForSelector('body[data-network-access="sign-in"]', { timeout: 5 * MINUTES });
    await signInAs(page, 'applicant');
    await page.waitForSelector('body[data-pipes-drawn="true"]', { timeout: 5 * MINUTES });

    // A footprint exported in a projected grid (metres) is refused, saying so and where.
    const projected = { type: 'Polygon', coordinates: [[[435000, 2555000], [435010, 2555000], [435010, 2555010], [435000, 2555000]]] };
    await page.setInputFiles('#permit-file', { name: 'site.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(projected)) });
    await page.waitForSelector('body[data-permit-file-error="permit.file.projected"]', { timeout: MINUTES });
    await expect(page.textContent('#permit-file-message')).resolves.toMatch(/site\.geojson.*projected.*coordinates\[0\]\[0\]/);

    await page.fill('#permit-depth', '3');
    await page.dispatchEvent('#permit-depth', 'change');
    const a = main.vertices[0]!, b = main.vertices[1]!;
    const mid = { lon: (a.lon + b.lon) / 2, lat: (a.lat + b.lat) / 2 };

    // The same site as a WGS 84 file (a square of about 6 m on the main) is read and screened at once.
    const d = 0.00003;
    const square = [[mid.lon - d, mid.lat - d], [mid.lon + d, mid.lat - d], [mid.lon + d, mid.lat + d], [mid.lon - d, mid.lat + d], [mid.lon - d, mid.lat - d]];
    const file = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } }] };
    await page.setInputFiles('#permit-file', { name: 'site-wgs84.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.waitForSelector('#permit-prescreen[data-status="done"]', { timeout: 2 * MINUTES });
    await expect(page.textContent('#permit-file-message')).resolves.toMatch(/site-wgs84\.geojson: outline with 4 corners read/);
    await expect(page.locator(`#permit-prescreen-lines tr[data-link-id="${main.id}"]`).getAttribute('data-verdict')).resolves.toBe('STRIKE');

    // Drawn on the map instead: the drawing replaces the file's outline.
    await page.evaluate(([lon, lat, h]) => (window as unknown as Handle).undergrid.lookFrom(lon!, lat!, h!, 0, -90), [mid.lon, mid.lat, DRAW_HEIGHT_M]);
    const px = await page.evaluate(([lon, lat]) => (window as unknown as Handle).undergrid.windowPosition(lon!, lat!, 0), [mid.lon, mid.lat]);
    expect(px).not.toBeNull();
    const canvas = (await page.locator('#cesium canvas').boundingBox())!;
    await page.click('#permit-draw');
    for (const [dx, dy] of [[-1, -1], [1, -1], [1, 1], [-1, 1]] as const) {
      await page.mouse.click(canvas.x + px!.x + dx * HALF_SQUARE_PX, canvas.y + px!.y + dy * HALF_SQUARE_PX);
    }
    await page.waitForSelector('#permit-footprint-status[data-corners="4"]', { timeout: MINUTES });
    await page.click('#permit-finish');

    // Screened by the server at once: the main is struck, and lit in 3D.
    await page.waitForSelector('#permit-prescreen[data-status="done"]', { timeout: 2 * MINUTES });
    const row = page.locator(`#permit-prescreen-lines tr[data-link-id="${main.id}"]`);
    await expect(row.getAttribute('data-verdict')).resolves.toBe('STRIKE');
    expect(Number(await page.getAttribute('#permit-prescreen .verdict-counts', 'data-strike'))).toBeGreaterThanOrEqual(1);

    receipt = await submitApplication(page, 'Water service connection', 'water service');
    expect(receipt).toMatch(/^UG-\d{4}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);

    await page.click('#permit-tab-mine');
    await page.waitForSelector(`#permit-mine [data-receipt="${receipt}"][data-status="submitted"]`, { timeout: MINUTES });
  }, 10 * MINUTES);

  it('lets the dispatcher accept it and assign the reviewer and the approver', async () => {
    const { page } = app;
    await signInAs(page, 'dispatcher');
    await openFromQueue(page, receipt);
    await actAndWait(page, 'accept', 'accepted');
    // The assignment's choices come from the staff list: pick the seeded reviewer and approver by name.
    await page.waitForSelector('#assign-reviewer option', { state: 'attached', timeout: MINUTES });
    await page.selectOption('#assign-reviewer', { label: account('reviewer').displayName });
    await page.selectOption('#assign-approver', { label: account('approver').displayName });
    await actAndWait(page, 'assign', 'assigned');
  }, 10 * MINUTES);

  it('lets the reviewer open it from the queue in 3D and on its dig site, add a hand-dig condition on the main and pass it on', async () => {
    const { page } = app;
    await signInAs(page, 'reviewer');
    // Away from the site, with no dig on screen: what follows must come from opening the permit.
    await page.click('#clear-dig');
    await page.evaluate(() => (window as unknown as Handle).undergrid.home());
    await page.waitForFunction(() => (window as unknown as Handle).undergrid.viewer.camera.positionCartographic.height > 400, undefined, { timeout: MINUTES, polling: 500 });
    expect(await page.evaluate(() => (window as unknown as Handle).undergrid.store.getState().dig.corners.length)).toBe(0);
    await openFromQueue(page, receipt);
    await page.waitForSelector('#permit-detail[data-status="assigned"]', { timeout: MINUTES });
    // The permit's dig is the one on screen, and the camera comes down over it.
    const dig = await page.evaluate(() => (window as unknown as Handle).undergrid.store.getState().dig);
    expect(dig.corners).toHaveLength(4);
    expect(dig.depth).toBe(3);
    const [cLon, cLat] = [dig.corners.reduce((s, c) => s + c[0], 0) / 4, dig.corners.reduce((s, c) => s + c[1], 0) / 4];
    await page.waitForFunction(([lon, lat]) => {
      const c = (window as unknown as Handle).undergrid.viewer.camera.positionCartographic;
      const dx = (c.longitude * 180 / Math.PI - lon!) * 111_000 * Math.cos(lat! * Math.PI / 180);
      const dy = (c.latitude * 180 / Math.PI - lat!) * 111_000;
      return Math.hypot(dx, dy) < 400 && c.height < 400;
    }, [cLon, cLat], { timeout: 2 * MINUTES, polling: 500 });
    await expect(page.locator(`#permit-detail-lines tr[data-link-id="${main.id}"]`).getAttribute('data-verdict')).resolves.toBe('STRIKE');

    // The permit's own dig in 3D, from its detail (`Site view` under its screening): the section
    // across the pit cuts the struck main, in its verdict; closing returns to the permit, still open.
    await page.click('#permit-site-view');
    await page.waitForSelector('#site-view[data-ready="true"]', { timeout: 2 * MINUTES });
    const cut = page.locator(`#site-section g[data-link-id="${main.id}"]`);
    expect(await cut.count()).toBeGreaterThan(0);
    await expect(cut.first().getAttribute('data-verdict')).resolves.toBe('STRIKE');
    await expect(page.locator(`#site-section tr[data-link-id="${main.id}"]`).first().textContent()).resolves.toContain(main.id);
    await page.click('#site-close');
    await expect(page.locator('#site-view').count()).resolves.toBe(0);
    await page.waitForSelector('#permit-detail[data-status="assigned"]', { timeout: MINUTES });

    await page.selectOption('#condition-kind', 'hand-dig');
    await page.selectOption('#condition-line', main.id);
    await page.fill('#condition-text', 'Gas owner to mark the main first');
    await page.click('#condition-add');
    await page.waitForSelector('#permit-detail[data-conditions="1"]', { timeout: MINUTES });
    await expect(page.textContent('#permit-conditions li')).resolves.toContain(main.id);
    await actAndWait(page, 'review', 'reviewed');
  }, 10 * MINUTES);

  it('lets the approver approve it, and the printed permit carries the condition, the screening and a map, and a banner while the site cannot be screened on the network in force', async () => {
    const { page } = app;
    await signInAs(page, 'approver');
    await openFromQueue(page, receipt);
    await page.waitForSelector('#permit-detail[data-status="reviewed"]', { timeout: MINUTES });
    await actAndWait(page, 'approve', 'approved');
    await page.click('#permit-print');
    await page.waitForSelector('#permit-sheet', { timeout: MINUTES });
    await expect(page.textContent('#print-conditions')).resolves.toContain(main.id);
    await expect(page.textContent('#print-conditions')).resolves.toContain('Gas owner to mark the main first');
    await expect(page.locator(`#print-screening tr[data-link-id="${main.id}"]`).getAttribute('data-verdict')).resolves.toBe('STRIKE');
    await page.waitForSelector('#print-map[data-ready="true"]', { timeout: 2 * MINUTES });
    const src = (await page.getAttribute('#print-map-image', 'src'))!;
    expect(src.startsWith('data:image/png;base64,')).toBe(true);
    expect(src.length).toBeGreaterThan(10_000);
    // On paper only the sheet is printed.
    await page.emulateMedia({ media: 'print' });
    await expect(page.isVisible('#permits')).resolves.toBe(false);
    await expect(page.isVisible('#permit-sheet h1')).resolves.toBe(true);
    await expect(page.isVisible('#print-now')).resolves.toBe(false);
    await page.emulateMedia({ media: 'screen' });
    // Screened on the network in force: no banner.
    await expect(page.locator('#print-screening-hold').count()).resolves.toBe(0);
    const permitId = (await page.getAttribute('#permit-sheet', 'data-permit-id'))!;
    await page.click('#print-close');

    // A delivery without the lines around the site: the re-screen that follows within seconds fails
    // (no surveyed ground near the dig), and the sheet printed now says not to sign or dig on it.
    const a = main.vertices[0]!, b = main.vertices[1]!;
    const bare = await importCity(server, 'bare-site.geojson', { lon: (a.lon + b.lon) / 2, lat: (a.lat + b.lat) / 2, clearM: 80 });
    const headers = await signIn(server.url, account('approver').username);
    const permitNow = async () => (await (await fetch(`${server.url}api/permits/${permitId}`, { headers })).json()) as PermitDetail;
    await expect.poll(async () => (await permitNow()).rescreenFailed?.networkVersion, { timeout: 2 * MINUTES, interval: 1000 }).toBe(bare);
    await page.click('#permit-print');
    await page.waitForSelector('#print-screening-hold[data-code="rescreen_failed"]', { timeout: MINUTES });
    const banner = (await page.textContent('#print-screening-hold'))!;
    expect(banner).toMatch(new RegExp(`^NOT TO BE SIGNED OR DUG ON.*Re-screening on network v${bare} failed \\(.*no surveyed ground.*\\); the screening on record is on network v1`));
    await page.emulateMedia({ media: 'print' });
    await expect(page.isVisible('#print-screening-hold')).resolves.toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.click('#print-close');

    // The lines come back: re-screened on the network in force, the sheet carries no banner.
    await importCity(server, 'city-again.geojson');
    await expect.poll(async () => (await permitNow()).approvalHold, { timeout: 2 * MINUTES, interval: 1000 }).toBeNull();
    await page.click('#permit-print');
    await page.waitForSelector('#permit-sheet', { timeout: MINUTES });
    await expect(page.locator('#print-screening-hold').count()).resolves.toBe(0);
    await page.click('#print-close');
  }, 10 * MINUTES);

  it('shows the supervisor the permit’s stage clock on the dashboard, with the weekly counts drawn', async () => {
    const { page } = app;
    await signInAs(page, 'supervisor');
    await page.waitForSelector('#supervision[data-loaded="true"]', { timeout: MINUTES });
    const card = page.locator('.sup-card', { hasText: receipt });
    await expect(card.count()).resolves.toBe(1);
    await expect(card.textContent()).resolves.toMatch(/Approved.*working day \d+ of \d+/);
    // This week's bar for "submitted" counts our permit.
    const submitted = await page.$$eval('svg.bar-chart rect[data-series="0"]', (rects) => rects.map((r) => Number(r.getAttribute('data-value'))));
    expect(submitted.length).toBeGreaterThan(0);
    expect(submitted[submitted.length - 1]).toBeGreaterThanOrEqual(1);
    // A filter on a unit with no permits empties the list; back to all brings it back.
    const applicantUnit = SEED_ACCOUNTS.find((a) => a.role === 'applicant')!.unit;
    const otherUnit = await page.$$eval('#filter-unit option', (os, mine) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })).find((o) => o.value && o.label !== mine)?.value ?? '', applicantUnit);
    await page.selectOption('#filter-unit', otherUnit);
    await page.waitForFunction(() => document.querySelectorAll('.sup-card').length === 0 && document.querySelector('#supervision-totals')?.getAttribute('data-open') === '0', undefined, { timeout: MINUTES });
    await page.selectOption('#filter-unit', '');
    await page.waitForSelector('.sup-card', { timeout: MINUTES });
  }, 5 * MINUTES);

  it('shows anyone the stage and dates by receipt number, and no names or phones', async () => {
    const visitor = await openPage(browser, `${server.url}receipt.html?n=${encodeURIComponent(receipt.toLowerCase())}`);
    try {
      const { page } = visitor;
      await page.waitForSelector('body[data-receipt-status="found"]', { timeout: MINUTES });
      await expect(page.getAttribute('#receipt-result', 'data-stage')).resolves.toBe('approved');
      const text = (await page.textContent('body'))!;
      for (const secret of ['Wang Jianguo', '13800138000', account('applicant').displayName, account('reviewer').displayName, account('approver').displayName, main.id]) {
        expect(text).not.toContain(secret);
      }
      await page.fill('#receipt-input', receipt.slice(0, -1) + (receipt.endsWith('0') ? '1' : '0'));
      await page.click('#receipt-look-up');
      await page.waitForSelector('body[data-receipt-status="error"]', { timeout: MINUTES });
      await page.selectOption('#locale', 'zh-CN');
      await expect(page.textContent('h1')).resolves.toBe('挖掘许可办理进度');
      expect(offMachineRequests(visitor.requests)).toEqual([]);
    } finally {
      await visitor.page.context().close();
    }
  }, 5 * MINUTES);

  it('lets an applicant apply for a trench drawn across the main with the works draft: pre-screened as a STRIKE, stored as a work list', async () => {
    const { page } = app;
    await backToScreen(page);
    await signInAs(page, 'applicant');
    await page.selectOption('#permit-excavation-kind', 'trench');
    await page.waitForSelector('#apply-work-width', { timeout: MINUTES });
    const a = main.vertices[0]!, b = main.vertices[1]!;
    const mid = { lon: (a.lon + b.lon) / 2, lat: (a.lat + b.lat) / 2 };
    await page.evaluate(([lon, lat, h]) => (window as unknown as Handle).undergrid.lookFrom(lon!, lat!, h!, 0, -90), [mid.lon, mid.lat, DRAW_HEIGHT_M]);
    const at = (p: { lon: number; lat: number }) => page.evaluate(([lon, lat]) => (window as unknown as Handle).undergrid.windowPosition(lon!, lat!, 0), [p.lon, p.lat]);
    const [pa, pb, pm] = [await at(a), await at(b), await at(mid)];
    expect(pa && pb && pm).toBeTruthy();
    // Two taps across the main, on either side of it.
    const len = Math.hypot(pb!.x - pa!.x, pb!.y - pa!.y);
    const across = { x: -(pb!.y - pa!.y) / len, y: (pb!.x - pa!.x) / len };
    const canvas = (await page.locator('#cesium canvas').boundingBox())!;
    await page.click('#permit-draw');
    for (const side of [-2, 2]) await page.mouse.click(canvas.x + pm!.x + side * HALF_SQUARE_PX * across.x, canvas.y + pm!.y + side * HALF_SQUARE_PX * across.y);
    await page.waitForSelector('#permit-footprint-status[data-corners="2"]', { timeout: MINUTES });
    await page.click('#permit-finish');
    await page.waitForSelector('#permit-prescreen[data-status="done"]', { timeout: 2 * MINUTES });
    await expect(page.locator(`#permit-prescreen-lines tr[data-link-id="${main.id}"]`).first().getAttribute('data-verdict')).resolves.toBe('STRIKE');
    const trenchReceipt = await submitApplication(page, 'Gas crossing trench', 'telecom duct');
    await page.click('#permit-tab-mine');
    await page.click(`#permit-mine [data-receipt="${trenchReceipt}"]`);
    await page.waitForSelector(`#permit-detail[data-receipt="${trenchReceipt}"]`, { timeout: MINUTES });
    await expect(page.textContent('#permit-detail')).resolves.toMatch(/1\. Trench/);
  }, 10 * MINUTES);

  it('lets an admin create a unit and a user, a refusal shown next to its field', async () => {
    const { page } = app;
    await backToScreen(page);
    await signInAs(page, 'admin');
    await page.click('#permit-tab-admin');
    await page.waitForFunction(() => Number(document.querySelector('#permit-admin')?.getAttribute('data-units')) > 0, undefined, { timeout: MINUTES });
    await page.fill('#admin-unit-name', 'Pearl River Gas Works');
    await page.click('#admin-create-unit');
    await page.waitForSelector('#admin-units li:has-text("Pearl River Gas Works")', { timeout: MINUTES });
    const unitId = (await page.getAttribute('#admin-units li:has-text("Pearl River Gas Works")', 'data-unit-id'))!;
    await page.fill('#admin-user-username', 'gas-site-lead');
    await page.fill('#admin-user-displayName', 'Zhao Gang');
    await page.selectOption('#admin-user-role', 'applicant');
    await page.selectOption('#admin-user-unit', unitId);
    await page.fill('#admin-user-password', 'x');
    await page.click('#admin-create-user');
    await page.waitForSelector('[data-field-error="user.password"]', { timeout: MINUTES });
    await page.fill('#admin-user-password', 'a-long-enough-password-2026');
    await page.click('#admin-create-user');
    await page.waitForSelector('#admin-users tr[data-username="gas-site-lead"]', { timeout: MINUTES });
    await expect(page.textContent('#admin-users tr[data-username="gas-site-lead"]')).resolves.toContain('Pearl River Gas Works');
    expect(await page.locator('[data-field-error]').count()).toBe(0);
  }, 5 * MINUTES);

  it('made no request to any host but 127.0.0.1', () => {
    expect(offMachineRequests(app.requests)).toEqual([]);
  });
});
