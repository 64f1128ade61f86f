/**
 * What a frame of the tiled city costs under software WebGL, and which part: at the fly-through's
 * views (flythrough.ts), forced frames of the settled view timed as is and with one thing changed
 * at a time in the page, same page, same run: every layer hidden (the peer), the globe hidden, the
 * pipe shader off, the style off, half the resolution, a coarser screen-space error. Name variants
 * to run only those ('globe-hidden', 'SSE-64', …).
 * Usage: npx tsx bench/frameCost.ts [small|medium|large] [variant …]   (default medium, every variant)
 */
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { ensureClientBuilt } from '../scripts/buildClient';
import type { CitySize } from '../src/server/config';
import type { NetworkSummary } from '../src/protocol/apiTypes';
import { launchBrowser, signInContext } from '../tests/helpers/browser';
import { signIn } from '../tests/helpers/session';
import { startTestServer } from '../tests/helpers/testServer';
import { drawn, frameMs, setAllVisible, settle } from './pageFrames';

const args = process.argv.slice(2);
const size = (args.find((a) => /^(small|medium|large)$/.test(a)) ?? 'medium') as CitySize;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** A change made in the page and undone after it is timed; `settle` when it changes what loads. */
interface Variant { name: string; set: string; unset: string; settle?: boolean }
const TILESETS = 'window.undergrid.tilesets()';
const VARIANTS: Variant[] = [
  { name: 'globe hidden', set: 'window.undergrid.viewer.scene.globe.show = false', unset: 'window.undergrid.viewer.scene.globe.show = true' },
  { name: 'pipe shader off', set: `${TILESETS}.forEach((t) => { t.__cs = t.customShader; t.customShader = undefined; })`, unset: `${TILESETS}.forEach((t) => { t.customShader = t.__cs; })` },
  { name: 'style off', set: `${TILESETS}.forEach((t) => { t.__st = t.style; t.style = undefined; })`, unset: `${TILESETS}.forEach((t) => { t.style = t.__st; })` },
  { name: 'resolution 0.5', set: 'window.undergrid.viewer.resolutionScale = 0.5', unset: 'window.undergrid.viewer.resolutionScale = 1' },
  { name: 'SSE 64', set: `${TILESETS}.forEach((t) => { t.__sse = t.maximumScreenSpaceError; t.maximumScreenSpaceError = 64; })`, unset: `${TILESETS}.forEach((t) => { t.maximumScreenSpaceError = t.__sse; })`, settle: true },
];
const named = args.filter((a) => a !== size);
const chosen = VARIANTS.filter((v) => named.length === 0 || named.includes(v.name.replace(/ /g, '-')));

await ensureClientBuilt('dist');
const server = await startTestServer(size);
const auth = await signIn(server.url, 'reviewer');
const summary = (await (await fetch(`${server.url}api/network`, { headers: auth })).json()) as NetworkSummary;
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  await signInContext(context, server.url, 'reviewer');
  const page: Page = await context.newPage();
  page.on('pageerror', (e) => console.log(`  page error: ${String(e).slice(0, 300)}`));
  await page.goto(server.url, { timeout: 10 * 60_000 });
  await page.waitForSelector('body[data-tiles-loaded="true"]', { timeout: 20 * 60_000 });
  console.log(`${size} city, ${summary.segments} segments; load average ${load()}`);
  const [w, s, e, n] = summary.extent;
  const lon = (w + e) / 2, lat = (s + n) / 2;
  const views: [string, string][] = [
    ['opening', 'window.undergrid.home()'],
    ['800 m', `window.undergrid.lookFrom(${lon}, ${lat - 0.006}, 800, 0, -45)`],
    ['150 m', `window.undergrid.lookFrom(${lon}, ${lat - 0.0012}, 150, 0, -35)`],
    ['20 m', `window.undergrid.lookFrom(${lon}, ${lat - 0.0002}, 20, 0, -25)`],
    ['-3 m underground', `(window.undergrid.store.setState({ underground: true }), window.undergrid.lookFrom(${lon}, ${lat - 0.0001}, -3, 0, -10))`],
  ];
  const time = async () => { await frameMs(page, 1); return frameMs(page, 3); };
  for (const [name, go] of views) {
    await page.evaluate(go);
    await settle(page);
    const base = await time();
    const d = await drawn(page);
    const cells = [`as is ${base.toFixed(0)} ms (${d.features} features, ${d.commands} commands, ${d.tiles} tiles)`];
    await setAllVisible(page, false);
    const hidden = await time();
    cells.push(`network hidden ${hidden.toFixed(0)} ms`);
    await setAllVisible(page, true);
    await settle(page);
    // Each variant between two timings as is (A B A): the page's frame time drifts with the load.
    for (const v of chosen) {
      const before = await time();
      await page.evaluate(v.set);
      if (v.settle) await settle(page);
      const ms = await time();
      const dv = v.settle ? await drawn(page) : null;
      await page.evaluate(v.unset);
      if (v.settle) await settle(page);
      const after = await time();
      cells.push(`${v.name} ${ms.toFixed(0)} ms (${(ms / ((before + after) / 2)).toFixed(2)}× of ${before.toFixed(0)}/${after.toFixed(0)}${dv ? `, ${dv.features} features` : ''})`);
    }
    console.log(`${name}: ${cells.join('; ')}; network / hidden ${(base / hidden).toFixed(2)}×; load ${load()}`);
  }
  await context.close();
} finally {
  await browser.close();
  await server.dispose();
}
