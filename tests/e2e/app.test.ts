/**
 * The walking skeleton in a real Chromium: the sample city is drawn (pixels, not just a canvas),
 * a line is tapped for its attributes, a dig drawn through the UI over a known gas main is screened
 * in the worker and the main comes back as a strike, the network reports (cover, clearances) are
 * read and a finding chosen from them is framed and lit up, the interface switches to Chinese, and the
 * page never asks anything of a host other than 127.0.0.1.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { Cartesian3 } from 'cesium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../../scripts/buildClient';
import { lonLatTransform } from '../../src/core/crs';
import type { DigScreening } from '../../src/core/digScreening';
import type { ClearanceFinding, ClearanceReport } from '../../src/core/screening/clearanceCheck';
import type { CoverReport } from '../../src/core/screening/coverCheck';
import { validateScreeningRules } from '../../src/core/screening/rules';
import type { LayerPayload } from '../../src/protocol/layerPayload';
import { RULES_FILE } from '../../src/server/screeningService';
import { SqliteNetworkStore } from '../../src/server/storage/sqliteNetworkStore';
import { oracleScreen, severity } from '../core/oracle';
import type { LinkDetails, NetworkSummary } from '../../src/protocol/apiTypes';
import { cameraDistance, launchBrowser, offMachineRequests, openPage, waitForColouredPixels, type RecordedPage } from '../helpers/browser';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

interface PageHandle {
  undergrid: { windowPosition(lon: number, lat: number, h?: number): { x: number; y: number } | null; requestRender(): void };
}

const MINUTES = 60_000;

/** Presses Screen and waits for the line's row: a STRIKE, and the server's re-check agreeing. */
async function screenAndExpectStrike({ page }: RecordedPage, linkId: string) {
  await page.click('#screen-dig');
  const row = page.locator(`#screening-results tr[data-link-id="${linkId}"]`);
  await row.waitFor({ timeout: 2 * MINUTES });
  await expect(row.getAttribute('data-verdict')).resolves.toBe('STRIKE');
  await page.waitForSelector('#server-check', { timeout: MINUTES });
  await expect(page.textContent('#server-check')).resolves.toMatch(/same verdicts/);
  return row;
}

describe('the city viewer in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let app: RecordedPage;
  let target: LinkDetails;

  beforeAll(async () => {
    await ensureClientBuilt('dist');
    server = await startTestServer('small');
    browser = await launchBrowser();
    // The viewer's person is a reviewer, who sees the whole network (src/server/access).
    const headers = await signIn(server.url, 'reviewer');
    const summary = (await (await fetch(`${server.url}api/network`, { headers })).json()) as NetworkSummary;
    const gas = (await (await fetch(`${server.url}api/network/${summary.version}/layers/gas`, { headers })).json()) as LayerPayload;
    // A gas main near the middle of the city, so it is on screen in the opening view.
    const mains = gas.ids.filter((_, i) => gas.subtypes[i] !== 'service');
    const details = await Promise.all(mains.slice(0, 40).map(async (id) => (await (await fetch(`${server.url}api/links/${encodeURIComponent(id)}`, { headers })).json()) as LinkDetails));
    const [w, s, e, n] = summary.extent;
    const mid = [(w + e) / 2, (s + n) / 2] as const;
    details.sort((a, b) => Math.hypot(a.vertices[0]!.lon - mid[0], a.vertices[0]!.lat - mid[1]) - Math.hypot(b.vertices[0]!.lon - mid[0], b.vertices[0]!.lat - mid[1]));
    target = details[0]!;
    app = await openPage(browser, server.url, undefined, { signInAs: 'reviewer' });
  }, 10 * MINUTES);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('draws the network in 3D: pipe-coloured pixels appear on the canvas', async () => {
    const { page } = app;
    await page.waitForSelector('body[data-pipes-drawn="true"]', { timeout: 5 * MINUTES });
    await page.waitForSelector('body[data-worker-ready="true"]', { timeout: 5 * MINUTES });
    // CJJ 61 colours: water cyan, gas magenta, power red, telecom green.
    const handle = await page.waitForFunction(() => {
      (window as unknown as PageHandle).undergrid.requestRender();
      const gl = document.querySelector('#cesium canvas') as HTMLCanvasElement;
      const c = document.createElement('canvas');
      c.width = gl.width; c.height = gl.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(gl, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let pipe = 0;
      for (let i = 0; i < d.length; i += 4) {
        const r = d[i]!, g = d[i + 1]!, b = d[i + 2]!;
        if ((r < 40 && g > 215 && b > 215) || (r > 215 && g < 40 && b > 215) || (r > 215 && g < 40 && b < 40) || (r < 40 && g > 215 && b < 40)) pipe++;
      }
      return pipe > 500 ? pipe : false;
    }, undefined, { timeout: 3 * MINUTES, polling: 2000 });
    expect(await handle.jsonValue()).toBeGreaterThan(500);
    await expect(page.textContent('#load-status')).resolves.toMatch(/Network v1: \d+ lines/);
  }, 10 * MINUTES);

  it('screens a dig drawn over a known gas main in the worker and reports the strike', async () => {
    const { page } = app;
    const v = target.vertices;
    const a = v[0]!, b = v[1]!;
    const centre = { lon: (a.lon + b.lon) / 2, lat: (a.lat + b.lat) / 2 };
    const px = await page.evaluate(([lon, lat]) => (window as unknown as PageHandle).undergrid.windowPosition(lon!, lat!, 0), [centre.lon, centre.lat]);
    expect(px).not.toBeNull();
    const canvas = (await page.locator('#cesium canvas').boundingBox())!;
    await page.click('#draw-dig');
    const half = 14;
    for (const [dx, dy] of [[-half, -half], [half, -half], [half, half], [-half, half]] as const) {
      await page.mouse.click(canvas.x + px!.x + dx, canvas.y + px!.y + dy);
    }
    await page.click('#finish-dig');
    await page.fill('#dig-depth', '3');
    await page.dispatchEvent('#dig-depth', 'change');
    const row = await screenAndExpectStrike(app, target.id);
    // The report downloads from the server with the network version it was screened against.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: MINUTES }), page.click('#export-geojson')]);
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { networkVersion: number; features: { properties: { linkId?: string; verdict?: string } }[] };
    expect(download.suggestedFilename()).toBe('undergrid-screening-v1.geojson');
    expect(report.networkVersion).toBe(1);
    expect(report.features.find((f) => f.properties.linkId === target.id)?.properties.verdict).toBe('STRIKE');

    // The worker's own answer for the drawn dig, against the brute-force oracle over every line.
    const corners = await page.evaluate(() => (window as unknown as { undergrid: { store: { getState(): { dig: { corners: [number, number][] } } } } }).undergrid.store.getState().dig.corners);
    const inWorker = await page.evaluate((footprint) => (window as unknown as { undergrid: { screenInWorker(r: unknown): Promise<DigScreening> } }).undergrid
      .screenInWorker({ footprint, depth: 3, groundElevation: null, ruleSetId: 'cn-gb50289' }), corners);
    const store = new SqliteNetworkStore(server.config.databaseFile);
    const links = store.links();
    const toLocal = lonLatTransform(store.frame()!).toLocal;
    store.close();
    const rules = validateScreeningRules(JSON.parse(readFileSync(RULES_FILE, 'utf8')));
    const oracle = oracleScreen(links, { footprint: corners.map(([lon, lat]) => toLocal(lon, lat)), bottomZ: inWorker.bottomZ, topZ: inWorker.topZ }, rules, 'cn-gb50289');
    const got = new Map(inWorker.lines.map((l) => [l.linkId, l.verdict]));
    expect(oracle.get(target.id)?.verdict).toBe('STRIKE');
    for (const [id, o] of oracle) {
      expect(got.has(id), `worker missed ${id} (${o.verdict})`).toBe(true);
      expect(severity(got.get(id)!)).toBeLessThanOrEqual(severity(o.verdict));
    }
    await expect(page.locator('#screening-results tr.result').count()).resolves.toBe(inWorker.lines.length);

    // Choosing the row frames the line and opens its attributes.
    const closest = inWorker.lines.find((l) => l.linkId === target.id)!.closest;
    const near = Cartesian3.fromDegrees(closest.lon, closest.lat, 0);
    expect(await cameraDistance(page, near)).toBeGreaterThan(150);
    await row.click();
    await page.waitForFunction((id) => document.querySelector('#attribute-list dd[data-attr="attr.id"]')?.textContent === id, target.id, { timeout: MINUTES });
    // The camera ends its flight near the line, where the screening found it closest.
    await expect.poll(() => cameraDistance(page, near), { timeout: MINUTES, interval: 250 }).toBeLessThan(150);
    await page.locator('#screening-results').scrollIntoViewIfNeeded();
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: 'docs/screenshot.png' });
  }, 10 * MINUTES);

  it('screens a trench drawn with taps across the same gas main as a STRIKE, in the worker and on the server', async () => {
    const { page } = app;
    await page.click('#close-attributes'); // the last test opened them over the canvas
    const [a, b] = target.vertices;
    const px = await page.evaluate(([lon, lat]) => (window as unknown as PageHandle).undergrid.windowPosition(lon!, lat!, 0), [(a!.lon + b!.lon) / 2, (a!.lat + b!.lat) / 2]);
    expect(px).not.toBeNull();
    const canvas = (await page.locator('#cesium canvas').boundingBox())!;
    await page.click('#clear-dig');
    await page.selectOption('#work-kind', 'trench');
    await page.click('#draw-dig');
    // A centre line through the main's midpoint: whatever the camera's heading, it crosses the main.
    for (const d of [-20, 20]) await page.mouse.click(canvas.x + px!.x + d, canvas.y + px!.y + d);
    await page.click('#finish-dig');
    await page.fill('#work-width', '0.8');
    await page.dispatchEvent('#work-width', 'change');
    await screenAndExpectStrike(app, target.id);
    await expect(page.locator('#screening-overrides').count()).resolves.toBe(0);
    // Screened with the person's own notify distance, the result says overrides applied (and the reports do: api.test.ts).
    const setOverride = async (selector: string, value: string) => {
      await page.fill(selector, value);
      await page.dispatchEvent(selector, 'change');
    };
    await page.click('#overrides summary');
    await setOverride('#override-notify', '20');
    await setOverride('#override-reason', 'owner letter');
    const row = await screenAndExpectStrike(app, target.id);
    await expect(page.textContent('#screening-overrides')).resolves.toMatch(/your overrides, not the rule set alone: Notify distance 20(\.0+)? m \(reason: owner letter\)/);
    await expect(row.locator('td[data-work]').getAttribute('data-work')).resolves.toBe('0');
    // Leave the page as the next test expects it: no overrides, the line framed and its attributes open, open cuts drawn.
    await row.click();
    await page.waitForFunction((id) => document.querySelector('#attribute-list dd[data-attr="attr.id"]')?.textContent === id, target.id, { timeout: MINUTES });
    await page.selectOption('#work-kind', 'open_cut');
    await setOverride('#override-reason', '');
    await setOverride('#override-notify', ''); // last: with no override left the details close
  }, 10 * MINUTES);

  it('opens a line’s attributes, cover included, when it is tapped from a camera below ground', async () => {
    const { page } = app;
    await page.click('#close-attributes');
    await page.click('#clear-dig');
    await page.check('#underground');
    const a = target.vertices[0]!, b = target.vertices[1]!;
    const mid = { lon: (a.lon + b.lon) / 2, lat: (a.lat + b.lat) / 2 };
    const depth = -((a.ground - a.z) + (b.ground - b.z)) / 2;
    // 30 m south of the main and 4 m below ground, looking north and slightly down at it.
    await page.evaluate(([lon, lat]) => (window as unknown as { undergrid: { lookFrom(...a: number[]): void } }).undergrid.lookFrom(lon!, lat! - 30 / 111_000, -4, 0, -5), [mid.lon, mid.lat]);
    await page.waitForFunction(() => /below ground/.test(document.querySelector('#hud')?.textContent ?? ''), undefined, { timeout: MINUTES });
    const px = await page.evaluate(([lon, lat, h]) => (window as unknown as PageHandle).undergrid.windowPosition(lon!, lat!, h!), [mid.lon, mid.lat, depth]);
    expect(px).not.toBeNull();
    const canvas = (await page.locator('#cesium canvas').boundingBox())!;
    await page.waitForTimeout(1500); // let the software renderer draw the new view before picking
    await page.mouse.click(canvas.x + px!.x, canvas.y + px!.y);
    await page.waitForSelector('#attribute-list', { timeout: 2 * MINUTES });
    // The tap lands on the target or on a line drawn in front of it at that pixel: either way, a real line.
    expect(await page.textContent('#attribute-list dd[data-attr="attr.id"]')).toBeTruthy();
    await expect(page.textContent('#attribute-list dd[data-attr="attr.cover"]')).resolves.toMatch(/\d+\.\d\d m/);
    await expect(page.locator('#screening-results').count()).resolves.toBe(0);
    await page.screenshot({ path: 'docs/underground.png' });
  }, 10 * MINUTES);

  it('shows the network reports: counts per kind, the worst finding first; choosing it flies there and lights its lines up', async () => {
    const { page } = app;
    await page.click('#close-attributes');
    await page.uncheck('#underground');
    await page.evaluate(() => (window as unknown as { undergrid: { home(): void } }).undergrid.home());
    // The server's own report, as the reviewer gets it.
    const headers = await signIn(server.url, 'reviewer');
    const summary = (await (await fetch(`${server.url}api/network`, { headers })).json()) as NetworkSummary;
    const res = await fetch(`${server.url}api/network/${summary.version}/reports/clearances`, { headers });
    expect(res.status).toBe(200);
    const report = (await res.json()) as ClearanceReport;
    expect(report.findings.length).toBeGreaterThan(50);

    await page.click('#reports-toggle');
    await page.click('#report-tab-clearances');
    const rows = page.locator('#report-findings tr.result');
    await rows.first().waitFor({ timeout: 2 * MINUTES });
    // A newer report body also lists pairs to check by hand (checkByHand): those not among the findings are rows too.
    const samePair = (a: ClearanceFinding, b: ClearanceFinding) => a.kind === b.kind && a.linkA === b.linkA && a.linkB === b.linkB;
    const byHand = ((report as { checkByHand?: ClearanceFinding[] }).checkByHand ?? []);
    const handOnly = byHand.filter((h) => !report.findings.some((f) => samePair(f, h)));
    const listed = [...report.findings, ...handOnly];
    // Each count is labelled and is the body's: its findings, and apart the pairs to check by hand that are no finding.
    const counted = (keep: (f: ClearanceFinding) => boolean) => {
      const findings = report.findings.filter(keep).length, hand = handOnly.filter(keep).length;
      return `${findings.toLocaleString('en-US')} findings${hand > 0 ? ` + ${hand.toLocaleString('en-US')} to check by hand` : ''}`;
    };
    const count = (kind: string) => counted((f) => f.kind === kind);
    await expect(page.textContent('#report-status')).resolves.toBe(`${report.findings.length.toLocaleString('en-US')} findings · network version ${summary.version}`);
    await expect(page.textContent('#report-counts .report-count[data-kind="horizontal"]')).resolves.toBe(`Horizontal: ${count('horizontal')}`);
    await expect(page.textContent('#report-counts .report-count[data-kind="vertical"]')).resolves.toBe(`Vertical: ${count('vertical')}`);
    // One page of rows, not the whole report; the first row is the largest shortfall (after any pair to check by hand).
    await expect(rows.count()).resolves.toBe(Math.min(50, listed.length));
    const firstIndex = Number(await rows.first().getAttribute('data-index'));
    const first = [...report.findings, ...byHand][firstIndex]!;
    if (byHand.length === 0) expect(first.shortfall).toBe(Math.max(...report.findings.map((f) => f.shortfall)));
    else expect(byHand.some((h) => samePair(h, first))).toBe(true);
    await expect(rows.first().getAttribute('data-link-ids')).resolves.toBe(`${first.linkA} ${first.linkB}`);

    // Choosing the row (keyboard: focus it and press Enter) frames the finding's point and lights both lines up.
    const [lon, lat] = lonLatTransform(summary.frame).fromLocal(first.point.x, first.point.y);
    const near = Cartesian3.fromDegrees(lon, lat, 0);
    await expect.poll(() => cameraDistance(page, near), { timeout: MINUTES, interval: 250 }).toBeGreaterThan(150); // home, far from it
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`body[data-report-highlighted="${first.linkA} ${first.linkB}"]`, { timeout: MINUTES });
    await expect.poll(() => cameraDistance(page, near), { timeout: MINUTES, interval: 250 }).toBeLessThan(150);
    await page.waitForFunction((id) => document.querySelector('#attribute-list dd[data-attr="attr.id"]')?.textContent === id, first.linkA, { timeout: MINUTES });
    await expect(page.getAttribute('#report-detail', 'data-index')).resolves.toBe(await rows.first().getAttribute('data-index'));
    // The highlight is really drawn: lime (#c6ff00) pixels, no verdict's or utility's colour.
    expect(await waitForColouredPixels(page, { r: [171, 224], g: [236, 255], b: [0, 59] }, 50, 2 * MINUTES)).toBeGreaterThan(50);

    // A filter by utility keeps only findings of that utility, counted as the server's report counts them.
    const utility = first.utilityA;
    await page.selectOption('#report-utility', utility);
    const matching = counted((f) => f.utilityA === utility || f.utilityB === utility);
    await page.waitForFunction((m) => (document.querySelector('#report-page')?.textContent ?? '').endsWith(`(${m})`), matching, { timeout: MINUTES });

    // The cover report: shallow lines per utility, each on the assumed surface.
    await page.click('#report-tab-cover');
    const cover = (await (await fetch(`${server.url}api/network/${summary.version}/reports/cover`, { headers })).json()) as CoverReport;
    await page.waitForSelector('#report-status[data-state="ready"]', { timeout: 2 * MINUTES });
    await expect(page.textContent('#report-status')).resolves.toBe(`${cover.findings.length} findings · network version ${summary.version}`);
    await expect(page.textContent('#report-assumed')).resolves.toBe(`${cover.findings.length} rest on an assumption (marked ⚠).`);
    await expect(rows.count()).resolves.toBe(Math.min(50, cover.findings.length));
    await page.click('#reports-toggle');
    await page.click('#close-attributes');
  }, 10 * MINUTES);

  it('speaks Chinese after the language switch', async () => {
    const { page } = app;
    await page.selectOption('#locale', 'zh-CN');
    await expect(page.textContent('#screen-dig')).resolves.toBe('审查');
    await expect(page.getAttribute('html', 'lang')).resolves.toBe('zh-CN');
  });

  it('opens a line’s attributes from a finger tap on a touch screen', async () => {
    const tablet = await openPage(browser, server.url, { width: 800, height: 600 }, { hasTouch: true, signInAs: 'reviewer' });
    try {
      const { page } = tablet;
      await page.waitForSelector('body[data-pipes-drawn="true"]', { timeout: 5 * MINUTES });
      const a = target.vertices[0]!, b = target.vertices[1]!;
      const depth = -((a.ground - a.z) + (b.ground - b.z)) / 2;
      const px = await page.evaluate(([lon, lat, h]) => (window as unknown as PageHandle).undergrid.windowPosition(lon!, lat!, h!), [(a.lon + b.lon) / 2, (a.lat + b.lat) / 2, depth]);
      const canvas = (await page.locator('#cesium canvas').boundingBox())!;
      await page.touchscreen.tap(canvas.x + px!.x, canvas.y + px!.y);
      await page.waitForSelector('#attribute-list', { timeout: 2 * MINUTES });
      expect(await page.textContent('#attribute-list dd[data-attr="attr.id"]')).toBeTruthy();
      expect(offMachineRequests(tablet.requests)).toEqual([]);
    } finally {
      await tablet.page.context().close();
    }
  }, 10 * MINUTES);

  it('made no request to any host but 127.0.0.1', () => {
    expect(offMachineRequests(app.requests)).toEqual([]);
    expect(app.requests.length).toBeGreaterThan(10);
  });
});
