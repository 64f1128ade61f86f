/**
 * Debian's headless Chromium driven by playwright-core, with software WebGL (SwiftShader) and no
 * background networking. Records every request the page makes so tests can prove it stays offline.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SEED_ACCOUNTS } from '../../src/server/permits/seed';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const ARGS = [
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: run \`bash .ci/run\` (installs Debian's chromium) or \`apt-get install -y chromium\``);
  }
}

export async function launchBrowser(): Promise<Browser> {
  assertChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export interface RecordedPage {
  page: Page;
  requests: string[];
  consoleErrors: string[];
}

/** Signs a demo account in within a browser context: its session cookie then goes with every request of its pages. */
export async function signInContext(context: BrowserContext, url: string, username: string): Promise<void> {
  const account = SEED_ACCOUNTS.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account "${username}"`);
  const res = await context.request.post(new URL('/api/auth/sign-in', url).href, { data: { username: account.username, password: account.password } });
  if (!res.ok()) throw new Error(`sign-in as ${account.username}: HTTP ${res.status()} ${await res.text()}`);
}

/**
 * A new context and page at `url`. `signInAs` signs a demo account in first (the session cookie is
 * set in the context before the page loads), as the network is read signed in (src/server/access).
 */
export async function openPage(browser: Browser, url: string, viewport = { width: 800, height: 600 }, extra: { hasTouch?: boolean; locale?: string; signInAs?: string } = {}): Promise<RecordedPage> {
  const context = await browser.newContext({ viewport, hasTouch: extra.hasTouch ?? false, locale: extra.locale ?? 'en-US' });
  if (extra.signInAs) await signInContext(context, url, extra.signInAs);
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  return { page, requests, consoleErrors };
}

/** Requests that left the machine: anything not to 127.0.0.1 (data: and blob: URLs stay in the page). */
export function offMachineRequests(requests: readonly string[]): string[] {
  return requests.filter((u) => !/^(data|blob):/.test(u) && new URL(u).hostname !== '127.0.0.1');
}

/** Metres from the page's camera (window.undergrid.viewer) to an Earth-fixed point (ECEF, as Cartesian3 gives). */
export function cameraDistance(page: Page, point: { x: number; y: number; z: number }): Promise<number> {
  return page.evaluate(([x, y, z]) => {
    const c = (window as unknown as { undergrid: { viewer: { camera: { positionWC: { x: number; y: number; z: number } } } } }).undergrid.viewer.camera.positionWC;
    return Math.hypot(c.x - x!, c.y - y!, c.z - z!);
  }, [point.x, point.y, point.z]);
}

/** An inclusive colour range per channel, 0–255: [min, max] for red, green and blue. */
export interface ColourRange { r: [number, number]; g: [number, number]; b: [number, number] }

/** Where waitForColouredPixels looks: a canvas (the Cesium one unless named) and, optionally, a circle of it in window pixels. */
export interface PixelArea { canvas?: string; around?: { x: number; y: number; radius: number } }

/**
 * Waits until the page's Cesium canvas (or `area.canvas`, e.g. the dig-site view's three.js canvas;
 * within `area.around` when given) shows more than `atLeast` pixels in `colour` (the drawing buffer is
 * preserved, cityViewer.ts and src/site/siteView.ts, so the last frame is read back; the city is asked
 * for a render at each poll) and returns how many. Proves a highlight is drawn, not just flagged in the DOM.
 */
export async function waitForColouredPixels(page: Page, colour: ColourRange, atLeast: number, timeout: number, area: PixelArea = {}): Promise<number> {
  const handle = await page.waitForFunction(([c, min, a]) => {
    (window as unknown as { undergrid: { requestRender(): void } }).undergrid.requestRender();
    const canvas = document.querySelector(a.canvas ?? '#cesium canvas') as HTMLCanvasElement;
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext;
    const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    const rgba = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
    const rect = canvas.getBoundingClientRect();
    const sx = w / rect.width, sy = h / rect.height;
    const inside = (v: number, [lo, hi]: [number, number]): boolean => v >= lo && v <= hi;
    let n = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      if (a.around) {
        // readPixels rows run bottom-up: pixel (px, py) is at window (left + px / sx, top + (h − 1 − py) / sy).
        const p = i / 4, px = p % w, py = Math.floor(p / w);
        if (Math.hypot(rect.left + px / sx - a.around.x, rect.top + (h - 1 - py) / sy - a.around.y) > a.around.radius) continue;
      }
      if (inside(rgba[i]!, c.r) && inside(rgba[i + 1]!, c.g) && inside(rgba[i + 2]!, c.b)) n++;
    }
    return n > min ? n : false;
  }, [colour, atLeast, area] as const, { timeout, polling: 2000 });
  return (await handle.jsonValue()) as number;
}
