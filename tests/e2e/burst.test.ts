/**
 * The dispatcher's burst journey in a real Chromium, by touch: tap a water main in the sample city
 * in burst mode, pick it from the nearest mains, see the valve list (the server's trace, in route
 * order) and the shut-off pipes lit red, tap "inoperable" on the first valve and see the list
 * change, save the incident, open the dispatch sheet, and reopen the incident from its link.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../../scripts/buildClient';
import type { LinkDetails, NetworkSummary } from '../../src/protocol/apiTypes';
import type { BurstTrace } from '../../src/protocol/burstApi';
import type { LayerPayload } from '../../src/protocol/layerPayload';
import { launchBrowser, offMachineRequests, openPage, waitForColouredPixels, type RecordedPage } from '../helpers/browser';
import { signIn } from '../helpers/session';
import { startTestServer, type TestServer } from '../helpers/testServer';

interface PageHandle {
  undergrid: { windowPosition(lon: number, lat: number, h?: number): { x: number; y: number } | null; requestRender(): void };
}

const MINUTES = 60_000;
/** The panel covers the left of an 800 px wide window; the main must be tapped right of it. */
const PANEL_RIGHT_PX = 330;

describe('burst response in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let app: RecordedPage;
  let summary: NetworkSummary;
  let candidates: LinkDetails[];
  let target: LinkDetails;
  let afterFailure: string[];
  let headers: Record<string, string>;

  async function serverTrace(linkId: string, failedValves: string[] = []): Promise<BurstTrace> {
    const res = await fetch(`${server.url}api/burst/trace`, {
      method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ networkVersion: summary.version, linkId, failedValves }),
    });
    return (await res.json()) as BurstTrace;
  }

  const valveIds = (page: Page) => page.$$eval('#burst-valves tr[data-valve-id]', (rows) => rows.map((r) => r.getAttribute('data-valve-id')!));

  beforeAll(async () => {
    await ensureClientBuilt('dist');
    server = await startTestServer('small');
    browser = await launchBrowser();
    // Burst response is the dispatcher's (src/server/access: the network is read signed in).
    headers = await signIn(server.url, 'dispatcher');
    summary = (await (await fetch(`${server.url}api/network`, { headers })).json()) as NetworkSummary;
    const water = (await (await fetch(`${server.url}api/network/${summary.version}/layers/water`, { headers })).json()) as LayerPayload;
    const mains = water.ids.filter((_, i) => water.subtypes[i] === 'main');
    const details = await Promise.all(mains.map(async (id) => (await (await fetch(`${server.url}api/links/${encodeURIComponent(id)}`, { headers })).json()) as LinkDetails));
    const [w, s, e, n] = summary.extent;
    const mid = [(w + e) / 2, (s + n) / 2] as const;
    details.sort((a, b) => Math.hypot(a.vertices[0]!.lon - mid[0], a.vertices[0]!.lat - mid[1]) - Math.hypot(b.vertices[0]!.lon - mid[0], b.vertices[0]!.lat - mid[1]));
    // Mains whose trace has at least two valves, so marking one inoperable changes the list.
    candidates = [];
    for (const d of details) {
      if ((await serverTrace(d.id)).valvesToClose.length >= 2) candidates.push(d);
      if (candidates.length >= 30) break;
    }
    app = await openPage(browser, server.url, { width: 800, height: 600 }, { hasTouch: true, signInAs: 'dispatcher' });
  }, 10 * MINUTES);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('traces a main tapped on the map: the valve list is the server\'s trace and the segment is lit red', async () => {
    const { page } = app;
    await page.waitForSelector('body[data-pipes-drawn="true"]', { timeout: 5 * MINUTES });
    await page.tap('#burst-mode');
    await expect(page.getAttribute('#burst-mode', 'aria-pressed')).resolves.toBe('true');
    // The first candidate main whose middle is on screen, right of the panel.
    let tapAt: { x: number; y: number } | null = null;
    for (const c of candidates) {
      const a = c.vertices[0]!, b = c.vertices[1]!;
      const height = ((a.z - a.ground) + (b.z - b.ground)) / 2;
      const px = await page.evaluate(([lon, lat, h]) => (window as unknown as PageHandle).undergrid.windowPosition(lon!, lat!, h!), [(a.lon + b.lon) / 2, (a.lat + b.lat) / 2, height]);
      if (px && px.x > PANEL_RIGHT_PX && px.x < 780 && px.y > 20 && px.y < 580) { target = c; tapAt = px; break; }
    }
    expect(tapAt, 'a candidate main is on screen').not.toBeNull();
    const canvas = (await page.locator('#cesium canvas').boundingBox())!;
    await page.touchscreen.tap(canvas.x + tapAt!.x, canvas.y + tapAt!.y);
    const offered = page.locator(`#burst-mains button[data-link-id="${target.id}"]`);
    await offered.waitFor({ timeout: 2 * MINUTES });
    // The tap did not also open the line's attributes: burst mode owns map taps.
    await expect(page.locator('#attribute-list').count()).resolves.toBe(0);
    await offered.tap();
    await page.waitForSelector(`#burst-trace[data-link-id="${target.id}"]`, { timeout: 2 * MINUTES });
    const expected = await serverTrace(target.id);
    await expect(valveIds(page)).resolves.toEqual(expected.valvesToClose.map((v) => v.id));
    await expect(page.getAttribute('body', 'data-burst-highlighted')).resolves.toBe(String(expected.isolated.links.length));
    // The highlight is really drawn: red (#ff1744) pixels appear once the camera has framed the segment.
    expect(await waitForColouredPixels(page, { r: [221, 255], g: [0, 59], b: [41, 109] }, 100, 3 * MINUTES)).toBeGreaterThan(100);
  }, 15 * MINUTES);

  it('re-runs the trace when the first valve is marked inoperable, and shows what changed', async () => {
    const { page } = app;
    const before = await valveIds(page);
    const traces = Number(await page.getAttribute('body', 'data-burst-trace'));
    await page.locator('#burst-valves tr[data-valve-id] button.burst-inoperable').first().tap();
    await page.waitForSelector(`body[data-burst-trace="${traces + 1}"]`, { timeout: 2 * MINUTES });
    afterFailure = await valveIds(page);
    expect(afterFailure).not.toContain(before[0]);
    expect(afterFailure).not.toEqual(before);
    const expected = await serverTrace(target.id, [before[0]!]);
    expect(afterFailure).toEqual(expected.valvesToClose.map((v) => v.id));
    await expect(page.locator(`#burst-failed button[data-failed-valve-id="${before[0]}"]`).count()).resolves.toBe(1);
    await expect(page.locator(`#burst-valves tr.burst-removed[data-removed-valve-id="${before[0]}"]`).count()).resolves.toBe(1);
    await expect(page.getAttribute('body', 'data-burst-state')).resolves.toBe('idle');
    await page.locator('#burst-valves').scrollIntoViewIfNeeded();
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: 'docs/burst.png' });
  }, 10 * MINUTES);

  it('prints a dispatch sheet with the map and the valves in route order', async () => {
    const { page } = app;
    await page.tap('#burst-open-sheet');
    await page.waitForSelector('#dispatch-sheet #sheet-map', { timeout: MINUTES });
    const src = await page.getAttribute('#sheet-map', 'src');
    expect(src).toMatch(/^data:image\/png;base64,/);
    expect(src!.length).toBeGreaterThan(5000);
    await expect(page.locator('#dispatch-sheet tbody').first().locator('tr').count()).resolves.toBe(afterFailure.length);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('#app').isVisible()).resolves.toBe(false);
    await expect(page.locator('#dispatch-sheet').isVisible()).resolves.toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.tap('#sheet-close');
  }, 5 * MINUTES);

  it('saves the incident and its link reopens it with the inoperable valve', async () => {
    const { page } = app;
    await page.tap('#burst-save');
    await page.waitForSelector('#burst-incident-link', { timeout: MINUTES });
    const href = await page.getAttribute('#burst-incident-link', 'href');
    expect(href).toMatch(/^\?incident=[A-Za-z0-9_-]{12}$/);
    expect(new URL(page.url()).search).toBe(href);
    const reopened = await openPage(browser, server.url + href!.slice(0), { width: 800, height: 600 }, { hasTouch: true, locale: 'zh-CN', signInAs: 'dispatcher' });
    try {
      const p = reopened.page;
      await p.waitForSelector(`#burst-trace[data-link-id="${target.id}"]`, { timeout: 5 * MINUTES });
      await expect(valveIds(p)).resolves.toEqual(afterFailure);
      await expect(p.locator('#burst-failed button[data-failed-valve-id]').count()).resolves.toBe(1);
      await expect(p.textContent('#burst-save')).resolves.toBe('保存事件');
      expect(offMachineRequests(reopened.requests)).toEqual([]);
    } finally {
      await reopened.page.context().close();
    }
  }, 10 * MINUTES);

  it('locates a burst from a typed street name and from typed coordinates', async () => {
    const { page } = app;
    const word = target.street!.split(/\s+/)[1]!; // the pinyin after the Chinese name
    await page.fill('#burst-search', word.toLowerCase());
    await page.tap('#burst-find');
    const street = page.locator(`#burst-hits button[data-kind="street"][data-label="${target.street}"]`);
    await street.waitFor({ timeout: MINUTES });
    await street.tap();
    await page.waitForSelector('#burst-mains button[data-link-id]', { timeout: MINUTES });
    const a = target.vertices[0]!, b = target.vertices[1]!;
    await page.fill('#burst-search', `${((a.lon + b.lon) / 2).toFixed(7)}, ${((a.lat + b.lat) / 2).toFixed(7)}`);
    await page.tap('#burst-find');
    await page.waitForSelector(`#burst-mains li:first-child button[data-link-id="${target.id}"]`, { timeout: MINUTES });
  }, 5 * MINUTES);

  it('made no request to any host but 127.0.0.1 and logged no errors', () => {
    expect(offMachineRequests(app.requests)).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
