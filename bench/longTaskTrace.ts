/**
 * Main-thread long tasks from a Chromium trace (CDP Tracing), each classed by what held the thread
 * (used by loadTrace.ts for the opening and by flythrough.ts --trace for the fly-through):
 *  - **GL**: the page waited for the GPU process (SwiftShader) most of the task;
 *  - **ours**: at least 50 ms of main-thread CPU (our JavaScript and Cesium's, layout, GC);
 *  - **starved**: neither: the thread was ready but had no core (two cores shared by several
 *    sessions stretch short tasks past 50 ms of wall time).
 * With a CDP CPU profile of the same stretch (same clock), the JS functions inside "ours".
 */
import { existsSync, readFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';
import { startProfile, stopProfile, type CpuProfile } from './cpuProfile';

export interface TraceEvent { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string; data?: { type?: string; functionName?: string } } }

/** Main-thread events that are the page waiting for the GPU process (SwiftShader) to draw or read back. */
const GL_WAIT = /Wait|ReadPixels|SyncChannel|Finish|GpuChannel/;
const LONG_TASK_US = 50_000;
const BUSIEST = 10;
const CATEGORIES = 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,gpu,v8.execute,blink,blink.user_timing';

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

export interface TaskRow { n: number; longest: number; ms: number; cpuMs: number }
export interface OurTask { start: number; end: number; ms: number; cpuMs: number; what: string }
export interface LongTasks {
  /** The first main-thread event's time, trace µs (where the window starts). */
  origin: number;
  /** Main-thread CPU of every task in the window, long or not, ms: less swayed by a busy machine than wall time. */
  cpuMsAll: number;
  total: number;
  gl: TaskRow;
  starved: TaskRow;
  ours: TaskRow;
  /** Each of our long tasks: [start, end) in trace µs, wall and CPU ms, the longest named event in it. */
  ourTasks: OurTask[];
  /**
   * The main-thread tasks of the window with the most CPU, long or not (most first, up to
   * BUSIEST): how close the busiest come to 50 ms of CPU, which the count of "ours" cannot tell on
   * a quiet machine.
   */
  busiest: OurTask[];
  inOurs: Map<string, { ms: number; n: number }>;
  /** Named events inside the starved tasks (wall ms, count): what the thread sat in without CPU. */
  inStarved: Map<string, { ms: number; n: number }>;
}

/** A finished trace: its events, the renderer main thread's key (pid/tid) and every thread's name. */
export interface Trace { events: TraceEvent[]; mainKey: string | undefined; names: Map<string, string> }

export interface Tracing { stop(): Promise<Trace> }

/** Starts tracing the page of `cdp`; `stop()` ends it and returns what was collected. */
export async function startTrace(cdp: CDPSession): Promise<Tracing> {
  const events: TraceEvent[] = [];
  const collect = (e: { value: unknown }) => { for (const x of e.value as TraceEvent[]) events.push(x); };
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const complete = new Promise<void>((done) => cdp.once('Tracing.tracingComplete', () => done()));
      await cdp.send('Tracing.end');
      await complete;
      cdp.off('Tracing.dataCollected', collect);
      const names = new Map<string, string>();
      for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
      const mainKey = [...names].find(([, n]) => n === 'CrRendererMain')?.[0];
      return { events, mainKey, names };
    },
  };
}

/**
 * Each main-thread task over 50 ms in [from, to) (trace µs; all by default): how much of it the page
 * waited for the GPU process (GL) and how much was JavaScript and layout (ours, Cesium's included).
 * The named events inside "ours" tasks tell what ran (animation frame = Cesium's render loop, which
 * processes tiles and evaluates styles; message = a worker's answer; timer; fetch callbacks).
 */
export function longTaskBreakdown({ events, mainKey }: Trace, from = -Infinity, to = Infinity): LongTasks {
  const main = events.filter((e) => e.ph === 'X' && e.dur !== undefined && `${e.pid}/${e.tid}` === mainKey && e.ts >= from && e.ts < to).sort((a, b) => a.ts - b.ts);
  // One task is traced as RunTask around ThreadControllerImpl::RunTask: keep the outer one only.
  const tasks: TraceEvent[] = [];
  const outer: TraceEvent[] = [];
  let cpuAll = 0, lastEnd = -Infinity;
  for (const e of main) {
    if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') continue;
    if (e.ts + e.dur! > lastEnd) { cpuAll += e.tdur ?? 0; lastEnd = e.ts + e.dur!; outer.push(e); }
    if (e.dur! <= LONG_TASK_US) continue;
    const last = tasks[tasks.length - 1];
    if (last && e.ts + e.dur! <= last.ts + last.dur!) continue;
    tasks.push(e);
  }
  const row = () => ({ n: 0, longest: 0, ms: 0, cpuMs: 0 });
  const insideOf = (t: TraceEvent) => {
    const end = t.ts + t.dur!;
    let lo = 0, hi = main.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (main[mid]!.ts < t.ts) lo = mid + 1; else hi = mid; }
    const inside: TraceEvent[] = [];
    for (let i = lo; i < main.length && main[i]!.ts < end; i++) if (main[i] !== t && main[i]!.ts + main[i]!.dur! <= end) inside.push(main[i]!);
    return inside;
  };
  const whatRan = (inside: TraceEvent[]) => {
    const top = inside.filter((e) => /FireAnimationFrame|TimerFire|EventDispatch|EvaluateScript|FunctionCall|MajorGC|ParseHTML/.test(e.name)).sort((a, b) => b.dur! - a.dur!)[0];
    return top ? (top.name === 'EventDispatch' ? `EventDispatch ${top.args?.data?.type ?? ''}` : top.name) : '?';
  };
  const busiest = [...outer].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, BUSIEST)
    .map((t) => ({ start: t.ts, end: t.ts + t.dur!, ms: t.dur! / 1e3, cpuMs: (t.tdur ?? 0) / 1e3, what: whatRan(insideOf(t)) }));
  const out: LongTasks = { origin: main[0]?.ts ?? 0, cpuMsAll: cpuAll / 1e3, total: tasks.length, gl: row(), starved: row(), ours: row(), ourTasks: [], busiest, inOurs: new Map(), inStarved: new Map() };
  for (const t of tasks) {
    const end = t.ts + t.dur!;
    const inside = insideOf(t);
    const wait = unionLength(inside.filter((e) => GL_WAIT.test(e.name)).map((e) => [e.ts, e.ts + e.dur!]));
    const kind = wait >= t.dur! / 2 ? 'gl' : (t.tdur ?? t.dur!) >= LONG_TASK_US ? 'ours' : 'starved';
    const r = out[kind];
    r.n++; r.ms += t.dur! / 1e3; r.cpuMs += (t.tdur ?? 0) / 1e3; r.longest = Math.max(r.longest, t.dur! / 1e3);
    if (kind === 'starved') {
      // What a starved task waited in: its longest named events other than the task itself.
      for (const e of inside) {
        if (/RunTask/.test(e.name)) continue;
        const x = out.inStarved.get(e.name) ?? { ms: 0, n: 0 };
        x.ms += e.dur! / 1e3; x.n++;
        out.inStarved.set(e.name, x);
      }
    }
    if (kind !== 'ours') continue;
    out.ourTasks.push({ start: t.ts, end, ms: t.dur! / 1e3, cpuMs: (t.tdur ?? 0) / 1e3, what: whatRan(inside) });
    for (const e of inside) {
      if (!/FunctionCall|FireAnimationFrame|TimerFire|EventDispatch|ParseHTML|EvaluateScript|v8.compile|MajorGC|MinorGC|V8.GC|Layout|UpdateLayoutTree|Paint/.test(e.name)) continue;
      const label = e.name === 'EventDispatch' ? `EventDispatch ${e.args?.data?.type ?? ''}` : e.name;
      const x = out.inOurs.get(label) ?? { ms: 0, n: 0 };
      x.ms += e.dur! / 1e3; x.n++;
      out.inOurs.set(label, x);
    }
  }
  return out;
}

// CPU time next to wall time: on a loaded machine a task's wall time is mostly waiting for a core.
export function longTaskLine(label: string, r: LongTasks, windowS: number): string {
  const f = (x: TaskRow) => `${x.n} (${(x.ms / 1e3).toFixed(1)} s wall, ${(x.cpuMs / 1e3).toFixed(1)} s CPU, longest ${x.longest.toFixed(0)} ms)`;
  return `${label.padEnd(18)} ${String(r.total).padStart(4)} long tasks in ${windowS.toFixed(1)} s (main-thread CPU in all tasks ${(r.cpuMsAll / 1e3).toFixed(1)} s); GL waits ${f(r.gl)}; starved (< 50 ms CPU) ${f(r.starved)}; ours (≥ 50 ms CPU) ${f(r.ours)}`;
}

/** The network's classes over the control's, one line. */
export function addsLine(shown: LongTasks, control: LongTasks): string {
  return `what the network adds: ${shown.total - control.total} long tasks, ${shown.gl.n - control.gl.n} GL waits, ${shown.starved.n - control.starved.n} starved, ${shown.ours.n - control.ours.n} ours (${((shown.ours.cpuMs - control.ours.cpuMs) / 1e3).toFixed(2)} s CPU)`;
}

const nameOf = (f: CpuProfile['nodes'][number]['callFrame']) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;

/** JS self ms by function inside [a, b) (trace µs), from a CDP CPU profile on the same clock. */
function selfTimes(profile: CpuProfile, spans: [number, number][]): Map<string, { ms: number; frame: CpuProfile['nodes'][number]['callFrame'] }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { ms: number; frame: CpuProfile['nodes'][number]['callFrame'] }>();
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let t = profile.startTime, k = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    while (k < sorted.length && sorted[k]![1] <= t) k++;
    if (k >= sorted.length || t < sorted[k]![0]) continue;
    const frame = byId.get(profile.samples[i]!)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const key = nameOf(frame);
    const x = self.get(key) ?? { ms: 0, frame };
    x.ms += (profile.timeDeltas[i + 1] ?? 0) / 1e3;
    self.set(key, x);
  }
  return self;
}

/** Each of our long tasks, longest first: start (s into the window), wall, CPU, what ran, its top JS functions (with a profile). */
export function printOurTasks(r: LongTasks, profile?: CpuProfile, n = 40): void {
  printTasks([...r.ourTasks].sort((a, b) => b.ms - a.ms).slice(0, n), r.origin, profile);
}

/** The window's tasks with the most CPU, long or not, most first, as printOurTasks prints ours. */
export function printBusiest(r: LongTasks, profile?: CpuProfile): void {
  const over30 = r.busiest.filter((t) => t.cpuMs >= 30).length;
  console.log(`the ${r.busiest.length} tasks with the most main-thread CPU, long or not (${over30} of them ≥ 30 ms CPU); top JS self ms in each:`);
  printTasks(r.busiest, r.origin, profile);
}

function printTasks(tasks: OurTask[], origin: number, profile?: CpuProfile): void {
  for (const t of tasks) {
    const top = profile ? [...selfTimes(profile, [[t.start, t.end]])].sort((a, b) => b[1].ms - a[1].ms).slice(0, 4).map(([k, x]) => `${k.split(' ')[0]} ${x.ms.toFixed(0)}`).join(', ') : '';
    console.log(`  at ${((t.start - origin) / 1e6).toFixed(1).padStart(6)} s: ${t.ms.toFixed(0).padStart(5)} ms wall / ${t.cpuMs.toFixed(0).padStart(4)} ms CPU (${t.what})${top ? `; ${top}` : ''}`);
  }
}

export function printStarved(r: LongTasks): void {
  console.log('inside the starved long tasks (wall ms, count):');
  for (const [n, x] of [...r.inStarved].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10)) console.log(`  ${n.padEnd(40)} ${x.ms.toFixed(0)}  ×${x.n}`);
}

export function printOurs(r: LongTasks): void {
  console.log(`our longest: ${[...r.ourTasks].sort((a, b) => b.ms - a.ms).slice(0, 6).map((t) => `${t.ms.toFixed(0)} ms wall / ${t.cpuMs.toFixed(0)} ms CPU (${t.what})`).join('; ')}`);
  console.log('inside our long tasks (ms, count; nested events count in each of their parents):');
  for (const [n, x] of [...r.inOurs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${n.padEnd(40)} ${x.ms.toFixed(0)}  ×${x.n}`);
}

/**
 * JavaScript self time by function inside our long tasks. A minified client's functions are shown
 * with the first characters of their source in dist/ (Cesium's property names survive minification).
 */
export function profileInside(profile: CpuProfile, r: LongTasks, n = 20): void {
  const self = selfTimes(profile, r.ourTasks.map((t) => [t.start, t.end]));
  const inside = [...self.values()].reduce((a, x) => a + x.ms, 0);
  console.log(`JS self time inside our long tasks (CPU profile): ${inside.toFixed(0)} ms sampled (idle excluded); top functions:`);
  const sources = new Map<string, string[]>();
  for (const [key, x] of [...self].sort((a, b) => b[1].ms - a[1].ms).slice(0, n)) {
    const file = x.frame.url ? new URL(x.frame.url).pathname : '';
    let snippet = '';
    if (file.startsWith('/assets/') && existsSync(`dist${file}`)) {
      if (!sources.has(file)) sources.set(file, readFileSync(`dist${file}`, 'utf8').split('\n'));
      snippet = (sources.get(file)![x.frame.lineNumber] ?? '').slice(x.frame.columnNumber, x.frame.columnNumber + 110).replace(/\s+/g, ' ');
    }
    console.log(`  ${x.ms.toFixed(0).padStart(6)} ms  ${key.slice(0, 60).padEnd(60)} ${snippet}`);
  }
}

/** Trace time (µs) of the page's `performance.mark(name)`, the last one of that name. */
function markTs(events: TraceEvent[], name: string): number | undefined {
  return events.filter((e) => e.name === name).reduce<number | undefined>((a, e) => Math.max(a ?? -Infinity, e.ts), undefined);
}

/**
 * Runs `run` traced and CPU-profiled (1 ms) on the page of `cdp`: what it returned, its long tasks
 * classed, the profile. Only tasks between the page's marks `{marks}-start` and `{marks}-end`
 * count (tracing's own start and flush are long tasks of their own, outside them).
 */
export async function traced<T>(cdp: CDPSession, marks: string, run: () => Promise<T>): Promise<{ result: T; longTasks: LongTasks; profile: CpuProfile }> {
  const tracing = await startTrace(cdp);
  await startProfile(cdp);
  const result = await run();
  const profile = await stopProfile(cdp);
  const trace = await tracing.stop();
  const from = markTs(trace.events, `${marks}-start`), to = markTs(trace.events, `${marks}-end`);
  if (from === undefined || to === undefined) throw new Error(`traced: no marks ${marks}-start/-end in the trace`);
  return { result, longTasks: longTaskBreakdown(trace, from, to), profile };
}
