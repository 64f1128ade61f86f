/**
 * Chromium trace of the tiled city opening, cold (CDP Tracing): per process and thread, busy wall
 * time and CPU time of the top-level tasks, and the renderer main thread's events by name. Tells
 * the page's own JavaScript from GPU-process work (SwiftShader) the main thread waits for.
 * Usage: npx tsx bench/loadTrace.ts [small|medium|large]   (default medium)
 */
import { ensureClientBuilt } from '../scripts/buildClient';
import type { CitySize } from '../src/server/config';
import { launchBrowser, signInContext } from '../tests/helpers/browser';
import { startTestServer } from '../tests/helpers/testServer';

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

/**
 * Each main-thread task over 50 ms: how much of it the page waited for the GPU process (GL) and how
 * much was JavaScript and layout (ours, Cesium's included). A task is "GL" when waits are most of it.
 * The named events inside "ours" tasks tell what ran (animation frame = Cesium's render loop, which
 * processes tiles and evaluates styles; message = a worker's answer; timer; fetch callbacks).
 */
function longTaskBreakdown(events: TraceEvent[], mainKey: string | undefined): void {
  const main = events.filter((e) => e.ph === 'X' && e.dur !== undefined && `${e.pid}/${e.tid}` === mainKey).sort((a, b) => a.ts - b.ts);
  const tasks = main.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.dur! > LONG_TASK_US);
  const rows = { gl: { n: 0, longest: 0, ms: 0, cpuMs: 0 }, ours: { n: 0, longest: 0, ms: 0, cpuMs: 0 } };
  const inOurs = new Map<string, { ms: number; n: number }>();
  const ourTasks: { ms: number; cpuMs: number; what: string }[] = [];
  for (const t of tasks) {
    const end = t.ts + t.dur!;
    let lo = 0, hi = main.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (main[mid]!.ts < t.ts) lo = mid + 1; else hi = mid; }
    const inside: TraceEvent[] = [];
    for (let i = lo; i < main.length && main[i]!.ts < end; i++) if (main[i] !== t && main[i]!.ts + main[i]!.dur! <= end) inside.push(main[i]!);
    const wait = unionLength(inside.filter((e) => GL_WAIT.test(e.name)).map((e) => [e.ts, e.ts + e.dur!]));
    const kind = wait >= t.dur! / 2 ? 'gl' : 'ours';
    const r = rows[kind];
    r.n++; r.ms += t.dur! / 1e3; r.cpuMs += (t.tdur ?? 0) / 1e3; r.longest = Math.max(r.longest, t.dur! / 1e3);
    if (kind === 'ours') {
      const top = inside.filter((e) => /FireAnimationFrame|TimerFire|EventDispatch|EvaluateScript|FunctionCall|MajorGC|ParseHTML/.test(e.name)).sort((a, b) => b.dur! - a.dur!)[0];
      ourTasks.push({ ms: t.dur! / 1e3, cpuMs: (t.tdur ?? 0) / 1e3, what: top ? (top.name === 'EventDispatch' ? `EventDispatch ${top.args?.data?.type ?? ''}` : top.name) : '?' });
      for (const e of inside) {
        if (!/FunctionCall|FireAnimationFrame|TimerFire|EventDispatch|ParseHTML|EvaluateScript|v8.compile|MajorGC|MinorGC|V8.GC|Layout|UpdateLayoutTree|Paint/.test(e.name)) continue;
        const label = e.name === 'EventDispatch' ? `EventDispatch ${e.args?.data?.type ?? ''}` : e.name;
        const x = inOurs.get(label) ?? { ms: 0, n: 0 };
        x.ms += e.dur! / 1e3; x.n++;
        inOurs.set(label, x);
      }
    }
  }
  // CPU time next to wall time: on a loaded machine a task's wall time is mostly waiting for a core.
  console.log(`long tasks (> 50 ms) on the main thread: ${tasks.length}; GL waits (the GPU process drawing or reading back): ${rows.gl.n}, ${(rows.gl.ms / 1e3).toFixed(1)} s wall, longest ${rows.gl.longest.toFixed(0)} ms; ours (JS, layout, GC): ${rows.ours.n}, ${(rows.ours.ms / 1e3).toFixed(1)} s wall (${(rows.ours.cpuMs / 1e3).toFixed(1)} s CPU), longest ${rows.ours.longest.toFixed(0)} ms`);
  console.log(`our longest: ${ourTasks.sort((a, b) => b.ms - a.ms).slice(0, 6).map((t) => `${t.ms.toFixed(0)} ms wall / ${t.cpuMs.toFixed(0)} ms CPU (${t.what})`).join('; ')}`);
  console.log('inside our long tasks (ms, count; nested events count in each of their parents):');
  for (const [n, x] of [...inOurs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${n.padEnd(40)} ${x.ms.toFixed(0)}  ×${x.n}`);
}

await ensureClientBuilt('dist');
const server = await startTestServer(size);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  await signInContext(context, server.url, 'reviewer'); // the network is read signed in (src/server/access)
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => { for (const x of e.value as unknown as TraceEvent[]) events.push(x); });
  const complete = new Promise<void>((done) => cdp.once('Tracing.tracingComplete', () => done()));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,gpu,v8.execute,blink', transferMode: 'ReportEvents' });
  const t0 = Date.now();
  await page.goto(server.url);
  await page.waitForSelector('body[data-tiles-loaded="true"]', { timeout: 20 * 60_000 });
  console.log(`city ${size}: settled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // Distinct shader programs Cesium linked (each is compiled by SwiftShader at its first draw).
  console.log(`shader programs: ${await page.evaluate('Object.keys(window.undergrid.viewer.scene.context.shaderCache._shaders).length')}; MSAA samples ${await page.evaluate('window.undergrid.viewer.scene.msaaSamples')}`);
  await cdp.send('Tracing.end');
  await complete;
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
  const threads = new Map<string, { wall: number; cpu: number }>();
  const main = new Map<string, { wall: number; cpu: number; n: number; max: number }>();
  const mainKey = [...names].find(([, n]) => n === 'CrRendererMain')?.[0];
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
  longTaskBreakdown(events, mainKey);
  await context.close();
} finally {
  await browser.close();
  await server.dispose();
}
