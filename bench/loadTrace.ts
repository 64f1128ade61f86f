/**
 * Chromium trace of the tiled city opening, cold (CDP Tracing): per process and thread, busy wall
 * time and CPU time of the top-level tasks, and the renderer main thread's events by name. Tells
 * the page's own JavaScript from GPU-process work (SwiftShader) the main thread waits for.
 * Usage: npx tsx bench/loadTrace.ts [small|medium|large]   (default medium)
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import { ensureClientBuilt } from '../scripts/buildClient';
import type { CitySize } from '../src/server/config';
import { launchBrowser, signInContext } from '../tests/helpers/browser';
import { startTestServer } from '../tests/helpers/testServer';
import { hideNetworkFromStart } from './hideNetwork';

const size = (process.argv[2] ?? 'medium') as CitySize;
interface TraceEvent { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string; data?: { type?: string; functionName?: string } } }

/** Main-thread events that are the page waiting for the GPU process (SwiftShader) to draw or read back. */
const GL_WAIT = /Wait|ReadPixels|SyncChannel|Finish|GpuChannel/;
const LONG_TASK_US = 50_000;

/** Total length of the union of [start, end) intervals, µs. */
function unionLength(spans: [number, number][]): number {
  spans.sort((a, b) => a[0] - b[0]);
  let total = 0, end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

interface TaskRow { n: number; longest: number; ms: number; cpuMs: number }
export interface LongTasks {
  total: number;
  gl: TaskRow;
  starved: TaskRow;
  ours: TaskRow;
  /** [start, end) of each of our long tasks, trace µs. */
  ourSpans: [number, number][];
  ourTasks: { ms: number; cpuMs: number; what: string }[];
  inOurs: Map<string, { ms: number; n: number }>;
}

/**
 * Each main-thread task over 50 ms: how much of it the page waited for the GPU process (GL) and how
 * much was JavaScript and layout (ours, Cesium's included). A task is "GL" when waits are most of it.
 * The named events inside "ours" tasks tell what ran (animation frame = Cesium's render loop, which
 * processes tiles and evaluates styles; message = a worker's answer; timer; fetch callbacks).
 */
function longTaskBreakdown(events: TraceEvent[], mainKey: string | undefined): LongTasks {
  const main = events.filter((e) => e.ph === 'X' && e.dur !== undefined && `${e.pid}/${e.tid}` === mainKey).sort((a, b) => a.ts - b.ts);
  // One task is traced as RunTask around ThreadControllerImpl::RunTask: keep the outer one only.
  const tasks: TraceEvent[] = [];
  for (const e of main) {
    if ((e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') || e.dur! <= LONG_TASK_US) continue;
    const last = tasks[tasks.length - 1];
    if (last && e.ts + e.dur! <= last.ts + last.dur!) continue;
    tasks.push(e);
  }
  const row = () => ({ n: 0, longest: 0, ms: 0, cpuMs: 0 });
  const out: LongTasks = { total: tasks.length, gl: row(), starved: row(), ours: row(), ourSpans: [], ourTasks: [], inOurs: new Map() };
  for (const t of tasks) {
    const end = t.ts + t.dur!;
    let lo = 0, hi = main.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (main[mid]!.ts < t.ts) lo = mid + 1; else hi = mid; }
    const inside: TraceEvent[] = [];
    for (let i = lo; i < main.length && main[i]!.ts < end; i++) if (main[i] !== t && main[i]!.ts + main[i]!.dur! <= end) inside.push(main[i]!);
    const wait = unionLength(inside.filter((e) => GL_WAIT.test(e.name)).map((e) => [e.ts, e.ts + e.dur!]));
    // GL: waiting for the GPU process most of the time. Ours: at least 50 ms of CPU on the main
    // thread. Starved: neither, the thread was ready but had no core (a busy machine stretches
    // short tasks past 50 ms wall: with 2 cores shared, wall time alone says little).
    const kind = wait >= t.dur! / 2 ? 'gl' : (t.tdur ?? t.dur!) >= LONG_TASK_US ? 'ours' : 'starved';
    const r = out[kind];
    r.n++; r.ms += t.dur! / 1e3; r.cpuMs += (t.tdur ?? 0) / 1e3; r.longest = Math.max(r.longest, t.dur! / 1e3);
    if (kind === 'ours') {
      out.ourSpans.push([t.ts, end]);
      const top = inside.filter((e) => /FireAnimationFrame|TimerFire|EventDispatch|EvaluateScript|FunctionCall|MajorGC|ParseHTML/.test(e.name)).sort((a, b) => b.dur! - a.dur!)[0];
      out.ourTasks.push({ ms: t.dur! / 1e3, cpuMs: (t.tdur ?? 0) / 1e3, what: top ? (top.name === 'EventDispatch' ? `EventDispatch ${top.args?.data?.type ?? ''}` : top.name) : '?' });
      for (const e of inside) {
        if (!/FunctionCall|FireAnimationFrame|TimerFire|EventDispatch|ParseHTML|EvaluateScript|v8.compile|MajorGC|MinorGC|V8.GC|Layout|UpdateLayoutTree|Paint/.test(e.name)) continue;
        const label = e.name === 'EventDispatch' ? `EventDispatch ${e.args?.data?.type ?? ''}` : e.name;
        const x = out.inOurs.get(label) ?? { ms: 0, n: 0 };
        x.ms += e.dur! / 1e3; x.n++;
        out.inOurs.set(label, x);
      }
    }
  }
  return out;
}

// CPU time next to wall time: on a loaded machine a task's wall time is mostly waiting for a core.
function longTaskLine(label: string, r: LongTasks, windowS: number): string {
  const f = (x: TaskRow) => `${x.n} (${(x.ms / 1e3).toFixed(1)} s wall, ${(x.cpuMs / 1e3).toFixed(1)} s CPU, longest ${x.longest.toFixed(0)} ms)`;
  return `${label.padEnd(18)} ${String(r.total).padStart(4)} long tasks in ${windowS.toFixed(1)} s; GL waits ${f(r.gl)}; starved (< 50 ms CPU) ${f(r.starved)}; ours (≥ 50 ms CPU) ${f(r.ours)}`;
}

function printOurs(r: LongTasks): void {
  console.log(`our longest: ${r.ourTasks.sort((a, b) => b.ms - a.ms).slice(0, 6).map((t) => `${t.ms.toFixed(0)} ms wall / ${t.cpuMs.toFixed(0)} ms CPU (${t.what})`).join('; ')}`);
  console.log('inside our long tasks (ms, count; nested events count in each of their parents):');
  for (const [n, x] of [...r.inOurs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${n.padEnd(40)} ${x.ms.toFixed(0)}  ×${x.n}`);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  startTime: number; samples: number[]; timeDeltas: number[];
}

/**
 * JavaScript self time by function, from a CDP CPU profile (V8 sampling, same clock as the trace),
 * inside our long tasks. The client is minified, so each function is shown with the first
 * characters of its source in dist/ (Cesium's property names survive minification).
 */
function profileInside(profile: CpuProfile, spans: [number, number][]): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { ms: number; frame: CpuProfile['nodes'][number]['callFrame'] }>();
  let t = profile.startTime, inside = 0;
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1e3;
    if (!spans.some(([a, b]) => t >= a && t < b)) continue;
    inside += dt;
    const frame = byId.get(profile.samples[i]!)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}:${frame.columnNumber}`;
    const x = self.get(key) ?? { ms: 0, frame };
    x.ms += dt;
    self.set(key, x);
  }
  console.log(`JS self time inside our long tasks (CPU profile): ${inside.toFixed(0)} ms sampled; top functions:`);
  const sources = new Map<string, string[]>();
  for (const [key, x] of [...self].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
    const file = x.frame.url ? new URL(x.frame.url).pathname : '';
    let snippet = '';
    if (file.startsWith('/assets/') && existsSync(`dist${file}`)) {
      if (!sources.has(file)) sources.set(file, readFileSync(`dist${file}`, 'utf8').split('\n'));
      snippet = (sources.get(file)![x.frame.lineNumber] ?? '').slice(x.frame.columnNumber, x.frame.columnNumber + 110).replace(/\s+/g, ' ');
    }
    console.log(`  ${x.ms.toFixed(0).padStart(6)} ms  ${key.slice(0, 60).padEnd(60)} ${snippet}`);
  }
}

interface Run { settledS: number; windowS: number; longTasks: LongTasks; events: TraceEvent[]; mainKey: string | undefined; names: Map<string, string> }

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
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (e) => { for (const x of e.value as unknown as TraceEvent[]) events.push(x); });
    const complete = new Promise<void>((done) => cdp.once('Tracing.tracingComplete', () => done()));
    await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,gpu,v8.execute,blink', transferMode: 'ReportEvents' });
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
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
    const cpu = profile ? ((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile : undefined;
    await cdp.send('Tracing.end');
    await complete;
    const names = new Map<string, string>();
    for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
    const mainKey = [...names].find(([, n]) => n === 'CrRendererMain')?.[0];
    return { settledS, windowS: control ? Math.max(windowS, settledS) : settledS, longTasks: longTaskBreakdown(events, mainKey), events, mainKey, names, ...(cpu ? { profile: cpu } : {}) };
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
  console.log(`what the network adds: ${city.longTasks.total - control.longTasks.total} long tasks, ${city.longTasks.gl.n - control.longTasks.gl.n} GL waits, ${city.longTasks.starved.n - control.longTasks.starved.n} starved, ${city.longTasks.ours.n - control.longTasks.ours.n} ours`);
  console.log('network shown:');
  printOurs(city.longTasks);
  if (city.profile) profileInside(city.profile, city.longTasks.ourSpans);
  console.log('control:');
  printOurs(control.longTasks);
} finally {
  await browser.close();
  await server.dispose();
}
