/**
 * Chromium trace of the tiled city opening, cold (CDP Tracing): per process and thread, busy wall
 * time and CPU time of the top-level tasks, and the renderer main thread's events by name. Tells
 * the page's own JavaScript from GPU-process work (SwiftShader) the main thread waits for.
 * Usage: npx tsx bench/loadTrace.ts [small|medium|large]   (default medium)
 */
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import { ensureClientBuilt } from '../scripts/buildClient';
import type { CitySize } from '../src/server/config';
import { launchBrowser, signInContext } from '../tests/helpers/browser';
import { startTestServer } from '../tests/helpers/testServer';
import { startProfile, stopProfile, type CpuProfile } from './cpuProfile';
import { hideNetworkFromStart } from './hideNetwork';
import { addsLine, longTaskBreakdown, longTaskLine, printOurs, profileInside, startTrace, type LongTasks, type Trace } from './longTaskTrace';

const size = (process.argv[2] ?? 'medium') as CitySize;

interface Run extends Trace { settledS: number; windowS: number; longTasks: LongTasks }

/**
 * Opens the city in a fresh context, traced. `control`: every layer hidden from the start (the globe
 * alone), traced for `windowS` seconds from navigation; else traced until the view has settled.
 */
async function tracedOpen(browser: Browser, url: string, control: boolean, windowS: number, profile: boolean): Promise<Run & { profile?: CpuProfile }> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  try {
    await signInContext(context, url, 'reviewer'); // the network is read signed in (src/server/access)
    if (control) await hideNetworkFromStart(context);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const tracing = await startTrace(cdp);
    if (profile) await startProfile(cdp, 500);
    const t0 = Date.now();
    await page.goto(url, { timeout: 10 * 60_000 });
    await page.waitForSelector('body[data-tiles-loaded="true"]', { timeout: 20 * 60_000 });
    const settledS = (Date.now() - t0) / 1000;
    if (control) {
      if (!(await page.evaluate('window.__networkHidden === true'))) throw new Error('control: the network was not hidden');
      // The same window as the network's run: the globe keeps loading and the workers keep parsing.
      const left = windowS * 1000 - (Date.now() - t0);
      if (left > 0) await page.waitForTimeout(left);
    } else {
      // Distinct shader programs Cesium linked (each is compiled by SwiftShader at its first draw).
      console.log(`shader programs: ${await page.evaluate('Object.keys(window.undergrid.viewer.scene.context.shaderCache._shaders).length')}; MSAA samples ${await page.evaluate('window.undergrid.viewer.scene.msaaSamples')}`);
    }
    const cpu = profile ? await stopProfile(cdp) : undefined;
    const trace = await tracing.stop();
    return { settledS, windowS: control ? Math.max(windowS, settledS) : settledS, longTasks: longTaskBreakdown(trace), ...trace, ...(cpu ? { profile: cpu } : {}) };
  } finally {
    await context.close();
  }
}

function printThreads({ events, mainKey, names }: Run): void {
  const threads = new Map<string, { wall: number; cpu: number }>();
  const main = new Map<string, { wall: number; cpu: number; n: number; max: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const key = `${e.pid}/${e.tid}`;
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') {
      const t = threads.get(key) ?? { wall: 0, cpu: 0 };
      t.wall += e.dur; t.cpu += e.tdur ?? 0;
      threads.set(key, t);
    }
    if (key === mainKey) {
      const m = main.get(e.name) ?? { wall: 0, cpu: 0, n: 0, max: 0 };
      m.wall += e.dur; m.cpu += e.tdur ?? 0; m.n++; m.max = Math.max(m.max, e.dur);
      main.set(e.name, m);
    }
  }
  const commits = events.filter((e) => e.ph === 'X' && `${e.pid}/${e.tid}` === mainKey && e.name === 'Commit').sort((a, b) => a.ts - b.ts);
  console.log(`frame commits (s from the first: wall ms): ${commits.map((e) => `${((e.ts - commits[0]!.ts) / 1e6).toFixed(1)}:${((e.dur ?? 0) / 1e3).toFixed(0)}`).join(' ')}`);
  console.log('top-level tasks per thread (wall s / cpu s):');
  for (const [k, t] of [...threads].sort((a, b) => b[1].wall - a[1].wall).slice(0, 12)) console.log(`  ${(names.get(k) ?? k).padEnd(28)} ${(t.wall / 1e6).toFixed(1)} / ${(t.cpu / 1e6).toFixed(1)}`);
  console.log('renderer main thread events (wall s / cpu s, count, longest ms):');
  for (const [n, m] of [...main].sort((a, b) => b[1].wall - a[1].wall).slice(0, 30)) console.log(`  ${n.padEnd(40)} ${(m.wall / 1e6).toFixed(2)} / ${(m.cpu / 1e6).toFixed(2)}  ×${m.n}  ${(m.max / 1e3).toFixed(0)}`);
}

await ensureClientBuilt('dist');
const server = await startTestServer(size);
const browser = await launchBrowser();
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
try {
  console.log(`city ${size}; load average ${load()}`);
  const city = await tracedOpen(browser, server.url, false, 0, true);
  console.log(`city ${size}: settled in ${city.settledS.toFixed(1)} s; load average ${load()}`);
  printThreads(city);
  // The control: the same page and camera with every layer hidden, traced for as long.
  const control = await tracedOpen(browser, server.url, true, city.settledS, false);
  console.log(`control (every layer hidden): load average ${load()}`);
  console.log('main-thread long tasks (> 50 ms), same window:');
  console.log(longTaskLine('network shown', city.longTasks, city.windowS));
  console.log(longTaskLine('control (hidden)', control.longTasks, control.windowS));
  console.log(addsLine(city.longTasks, control.longTasks));
  console.log('network shown:');
  printOurs(city.longTasks);
  if (city.profile) profileInside(city.profile, city.longTasks);
  console.log('control:');
  printOurs(control.longTasks);
} finally {
  await browser.close();
  await server.dispose();
}
