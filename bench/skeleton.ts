/**
 * The walking skeleton's user-facing numbers, cold and warm, on this machine:
 *  - time to first pipes on screen: page open → first pipe-coloured pixels, in headless Chromium
 *    (software WebGL), against the same page's time to its first globe pixels as the peer;
 *  - screening a dig in the worker (warm), round trip and in-worker compute, against the same
 *    DigScreener in Node (no worker) as the peer.
 * Usage: npx tsx bench/skeleton.ts [small|medium|large] [digs]
 */
import { ensureClientBuilt } from '../scripts/buildClient';
import { lonLatTransform } from '../src/core/crs';
import type { DigRequest, DigScreening } from '../src/core/digScreening';
import { DigScreener } from '../src/core/digScreening';
import type { CitySize } from '../src/server/config';
import { RULES_FILE } from '../src/server/screeningService';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';
import { launchBrowser, openPage } from '../tests/helpers/browser';
import { startTestServer } from '../tests/helpers/testServer';
import { readFileSync } from 'node:fs';
import { mulberry32, percentile } from './stats';

const size = (process.argv[2] ?? 'medium') as CitySize;
const digs = Number(process.argv[3] ?? 200);

await ensureClientBuilt('dist');
const t0 = performance.now();
const server = await startTestServer(size);
console.log(`city ${size}: generated + imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const store = new SqliteNetworkStore(server.config.databaseFile);
const links = store.links();
const frame = store.frame()!;
store.close();
const fromLocal = lonLatTransform(frame).fromLocal;
const rand = mulberry32(42);
const requests: DigRequest[] = [];
for (let i = 0; i < digs; i++) {
  const l = links[Math.floor(rand() * links.length)]!;
  const x = l.vertices[0]! + (rand() - 0.5) * 20, y = l.vertices[1]! + (rand() - 0.5) * 20;
  const w = 2 + rand() * 20, h = 2 + rand() * 20;
  requests.push({
    footprint: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]].map(([a, b]) => fromLocal(a!, b!)),
    depth: 1 + rand() * 4, groundElevation: null, ruleSetId: 'cn-gb50289',
  });
}

const browser = await launchBrowser();
// The viewer is read signed in (src/server/access); a reviewer sees the whole network, as before.
const { page } = await openPage(browser, server.url, undefined, { signInAs: 'reviewer' });
const opened = performance.now();
const firstPixels = (predicate: string) => page.waitForFunction(`(() => {
  window.undergrid?.requestRender();
  const gl = document.querySelector('#cesium canvas'); if (!gl) return false;
  const c = document.createElement('canvas'); c.width = gl.width; c.height = gl.height;
  const ctx = c.getContext('2d'); ctx.drawImage(gl, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) { const r = d[i], g = d[i + 1], b = d[i + 2]; if (${predicate}) n++; }
  return n > 200;
})()`, undefined, { timeout: 600_000, polling: 250 });
await firstPixels('(r + g + b) > 60 && !(r === g && g === b)');
const globeMs = performance.now() - opened;
await firstPixels('(r < 40 && g > 215 && b > 215) || (r > 215 && g < 40 && b > 215)');
const pipesMs = performance.now() - opened;
await page.waitForSelector('body[data-worker-ready="true"]', { timeout: 600_000 });

const roundTrip: number[] = [];
const compute: number[] = [];
for (const [i, r] of requests.entries()) {
  // Timed inside the page: the request's round trip through postMessage, not the test driver's.
  const res = await page.evaluate(async (req) => {
    const t = performance.now();
    const out = await (window as unknown as { undergrid: { screenInWorker(r: unknown): Promise<DigScreening & { ms: number }> } }).undergrid.screenInWorker(req);
    return { trip: performance.now() - t, ms: out.ms };
  }, r);
  if (i >= 5) { roundTrip.push(res.trip); compute.push(res.ms); }
}
await browser.close();

const screener = new DigScreener(JSON.parse(readFileSync(RULES_FILE, 'utf8')));
screener.load(links, frame, 1);
const node: number[] = [];
for (const [i, r] of requests.entries()) {
  const t = performance.now();
  screener.screen(r);
  if (i >= 5) node.push(performance.now() - t);
}
await server.dispose();

const p = (xs: number[], q: number) => percentile(xs, q).toFixed(2);
console.log(`time to first globe pixels (peer): ${(globeMs / 1000).toFixed(1)} s`);
console.log(`time to first pipe pixels: ${(pipesMs / 1000).toFixed(1)} s  (${(pipesMs / globeMs).toFixed(2)}× the globe)`);
console.log(`screening in the worker, warm, ${node.length} digs: round trip p50 ${p(roundTrip, 50)} ms p99 ${p(roundTrip, 99)} ms; in-worker compute p50 ${p(compute, 50)} ms`);
console.log(`same DigScreener in Node (peer): p50 ${p(node, 50)} ms p99 ${p(node, 99)} ms; worker round trip / node = ${(percentile(roundTrip, 50) / percentile(node, 50)).toFixed(1)}×`);
