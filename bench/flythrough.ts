/**
 * The tiled city in headless Chromium (software WebGL), cold, on localhost:
 *  - time to first pipes on screen (first tile content drawn) and to a settled view (every tileset
 *    has all tiles the opening view needs), against the same page's time to a settled globe as the peer;
 *  - main-thread long tasks (PerformanceObserver 'longtask', > 50 ms) during the load and during a
 *    scripted fly-through (city → street → below ground → along the street → home), and, as the
 *    control, during the same fly-through with every layer hidden (what SwiftShader costs alone);
 *  - frame time with the whole network shown, against the same view with every layer hidden, same
 *    page, same run (the ratio is what counts on a software renderer);
 *  - client memory per loaded segment: JS heap (performance.memory) and Cesium's own count of the
 *    bytes the loaded tiles hold (tileset.totalMemoryUsageInBytes), over the segments in the line
 *    tiles the page fetched (instance counts read from the same GLBs).
 * Usage: npx tsx bench/flythrough.ts [small|medium|large] [--gl]   (default large)
 * --gl: per leg of the fly-through, where the main thread's time went (bench/glTiming.ts).
 * --gpu-compositing: Chromium's GPU process composites too (still SwiftShader), instead of the
 * tests' software compositing that reads every WebGL frame back on the main thread (pageFrames.ts).
 * --profile: a CPU profile of the network-shown fly-through, served from an unminified build, and
 * the JavaScript in its long stretches by function (cpuProfile.ts).
 * --trace: both fly-throughs (network shown, control) traced (CDP Tracing) and CPU-profiled, from
 * the unminified build: each long task classed GL wait / ours (≥ 50 ms CPU) / starved, as
 * loadTrace.ts classes the opening's (longTaskTrace.ts), with our tasks' top JS functions.
 * --cheap-frames: nothing is drawn (pageFrames.ts cheapFrames), so a frame costs what it costs on a
 * GPU; --no-tile-budget: tiles built between frames off (src/viewer/tileWorkBudget.ts: every tile in
 * the tick, as Cesium does). Always printed:
 * the budget's figures (ticks and tasks between frames with tile work over 50 ms, the longest).
 * --no-request-queue: tile requests sent in the frame that starts them, as Cesium does, instead of
 * in tasks between frames (src/viewer/tileRequestQueue.ts); its figures are always printed.
 * Also printed: the programs Cesium made in the fly-through (new shader-cache keys: globe, pipe or
 * other, linked or not); each combined its sources on the main thread, in a frame.
 * --client=DIR: serve this already built client instead of building one (with --trace/--profile,
 * e.g. a copy of another commit's unminified build, to measure it against this one in turn).
 */
import { ensureClientBuilt } from '../scripts/buildClient';
import { readGlb } from '../src/core/tiles/glbReader';
import type { CitySize } from '../src/server/config';
import type { NetworkSummary } from '../src/protocol/apiTypes';
import type { CDPSession } from 'playwright-core';
import { signInContext } from '../tests/helpers/browser';
import { signIn } from '../tests/helpers/session';
import { startTestServer } from '../tests/helpers/testServer';
import { drawn, frameMs as framesOf, tileRequestLine, tileWorkLine, tileWorkSetup, launchBenchBrowser, setAllVisible as setAllShown, settle as settlePage } from './pageFrames';
import { printLongStretches, startProfile, stopProfile, unminifiedClient } from './cpuProfile';
import { addsLine, longTaskLine, printBusiest, printOurs, printOurTasks, printStarved, profileInside, traced } from './longTaskTrace';
import { addGlTiming, describeGl, readGlTiming, resetGlTiming } from './glTiming';

const size = (process.argv[2] ?? 'large') as CitySize;
const glTiming = process.argv.includes('--gl');
const gpuCompositing = process.argv.includes('--gpu-compositing');
const profiling = process.argv.includes('--profile');
const tracing = process.argv.includes('--trace');
const cheap = process.argv.includes('--cheap-frames');
const tileBudget = !process.argv.includes('--no-tile-budget');
const requestQueue = !process.argv.includes('--no-request-queue');
const clientDir = process.argv.find((a) => a.startsWith('--client='))?.slice('--client='.length);

/**
 * Used heap of each dedicated worker of the page, after a GC in each. Playwright's CDP session has
 * no child sessions, so this attaches without flattening and talks through Target messages.
 */
async function heapsOfWorkers(cdp: CDPSession): Promise<{ url: string; bytes: number }[]> {
  const sessions: { id: string; url: string }[] = [];
  const replies = new Map<number, (r: unknown) => void>();
  cdp.on('Target.attachedToTarget', (e) => { if (e.targetInfo.type === 'worker') sessions.push({ id: e.sessionId, url: e.targetInfo.url }); });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id?: number; result?: unknown };
    if (m.id !== undefined) replies.get(m.id)?.(m.result);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  let next = 1;
  const call = (sessionId: string, method: string) => new Promise<unknown>((done) => {
    const id = next++;
    replies.set(id, done);
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
  });
  const out: { url: string; bytes: number }[] = [];
  for (const s of sessions) {
    await call(s.id, 'HeapProfiler.collectGarbage');
    out.push({ url: s.url, bytes: (await call(s.id, 'Runtime.getHeapUsage') as { usedSize: number }).usedSize });
  }
  return out;
}
const MINUTE = 60_000;
const sum = (xs: { duration: number }[]) => xs.reduce((a, x) => a + x.duration, 0);
const max = (xs: { duration: number }[]) => xs.reduce((a, x) => Math.max(a, x.duration), 0);
const sec = (ms: number) => (ms / 1000).toFixed(1);

if (clientDir) process.env['UNDERGRID_CLIENT_DIR'] = clientDir;
else {
  await ensureClientBuilt('dist');
  if (profiling || tracing) process.env['UNDERGRID_CLIENT_DIR'] = await unminifiedClient();
}
let t = performance.now();
const server = await startTestServer(size);
console.log(`city ${size}: generated + imported in ${((performance.now() - t) / 1000).toFixed(1)} s; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
// The network is read signed in (src/server/access): a reviewer sees all of it, restricted tilesets included.
const auth = await signIn(server.url, 'reviewer');
const summary = (await (await fetch(`${server.url}api/network`, { headers: auth })).json()) as NetworkSummary;

const browser = await launchBenchBrowser(gpuCompositing);
console.log(`browser: ${gpuCompositing ? 'GPU compositing (SwiftShader)' : 'software compositing (--disable-gpu, as the tests)'}${cheap ? '; cheap frames (nothing drawn)' : ''}; tile budget ${tileBudget ? 'on' : 'off'}; request queue ${requestQueue ? 'on' : 'off'}${clientDir ? `; client ${clientDir}` : ''}`);
try {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  await signInContext(context, server.url, 'reviewer');
  // Long tasks from the very first script on, before the app starts.
  await context.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  if (glTiming) await addGlTiming(context);
  if (cheap || !tileBudget || !requestQueue) await tileWorkSetup(context, { cheap, budget: tileBudget, requests: requestQueue });
  const page = await context.newPage();
  const tileUrls: string[] = [];
  page.on('request', (r) => { if (/^\/api\/tiles\/.*\.glb$/.test(new URL(r.url()).pathname)) tileUrls.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`  page ${m.type()}: ${m.text().slice(0, 300)}`); });
  page.on('pageerror', (e) => console.log(`  page error: ${String(e).slice(0, 300)}`));
  // Until the view settles: every 30 s, how far it got (a city that does not settle shows why).
  const started = Date.now();
  const progress = setInterval(() => {
    // A string, not a function: tsx would wrap a nested arrow function in a helper the page lacks.
    (page.evaluate(`(() => {
      const u = window.undergrid;
      if (!u) return null;
      const st = u.tilesets().map((t) => t.statistics);
      const total = (k) => st.reduce((a, x) => a + x[k], 0);
      return { frames: u.viewer.scene.frameState.frameNumber, pending: total('numberOfPendingRequests'), processing: total('numberOfTilesProcessing'), loaded: total('numberOfLoadedTilesTotal'), features: total('numberOfFeaturesSelected'), longTasks: window.__longTasks.length, body: JSON.stringify(document.body.dataset) };
    })()`) as Promise<{ frames: number; pending: number; processing: number; loaded: number; features: number; longTasks: number; body: string } | null>)
      .then((p) => console.log(p ? `  ${sec(Date.now() - started)} s: frame ${p.frames}, tiles pending ${p.pending}, processing ${p.processing}, loaded ${p.loaded}, ${p.features} features selected; long tasks ${p.longTasks}; ${p.body}` : `  ${sec(Date.now() - started)} s: page not started`), () => undefined);
  }, 30_000);
  await page.goto(server.url, { timeout: 10 * MINUTE });
  const globeMs = await (await page.waitForFunction(() => {
    const u = (window as unknown as { undergrid?: { viewer: { scene: { globe: { tilesLoaded: boolean } } } } }).undergrid;
    return u?.viewer.scene.globe.tilesLoaded ? performance.now() : false;
  }, undefined, { timeout: 10 * MINUTE, polling: 100 })).jsonValue() as number;
  await page.waitForSelector('body[data-tiles-loaded="true"]', { timeout: 20 * MINUTE }).finally(() => clearInterval(progress));
  const marks = await page.evaluate(() => ({ first: Number(document.body.dataset['firstPipesMs']), settled: Number(document.body.dataset['tilesSettledMs']) }));
  console.log(`segments in the city: ${summary.segments}; layers ${summary.layers.length}`);
  console.log(`time to settled globe (peer): ${sec(globeMs)} s`);
  console.log(`time to first pipes on screen: ${sec(marks.first)} s (${(marks.first / globeMs).toFixed(2)}× the globe); to a settled view: ${sec(marks.settled)} s (${(marks.settled / globeMs).toFixed(2)}×)`);

  const settle = () => settlePage(page);
  await settle();
  const longTasks = () => page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.slice());
  const loadTasks = await longTasks();
  console.log(`tile work (src/viewer/tileWorkBudget.ts) during load: ${await tileWorkLine(page)}`);
  console.log(`long tasks during load: ${loadTasks.length} (${sec(sum(loadTasks))} s in all, longest ${max(loadTasks).toFixed(0)} ms)`);
  // The globe programs the viewer links ahead of need (src/viewer/globeShaderLinks.ts LINKED_AHEAD_MEASURE).
  const linkedAhead = () => page.evaluate(() => performance.getEntriesByName('undergrid:globe-programs-linked-ahead')
    .map((e) => ({ start: e.startTime, duration: e.duration, programs: (e as PerformanceMeasure).detail.programs as number })));
  const aheadLine = (xs: { duration: number; programs: number }[]) =>
    `${xs.length} time(s), ${xs.reduce((a, x) => a + x.programs, 0)} programs, ${sum(xs).toFixed(0)} ms in all (longest ${max(xs).toFixed(0)} ms)`;
  console.log(`globe programs linked ahead during load: ${aheadLine(await linkedAhead())}`);
  // The fittings' pipe program, linked when the lines' one is made (src/viewer/pipeShaderLinks.ts PIPE_LINKED_AHEAD_MEASURE).
  const pipeLinkedAhead = () => page.evaluate(() => performance.getEntriesByName('undergrid:pipe-programs-linked-ahead')
    .map((e) => ({ start: e.startTime, duration: e.duration, programs: (e as PerformanceMeasure).detail.programs as number })));
  console.log(`pipe programs linked ahead during load: ${aheadLine(await pipeLinkedAhead())}`);

  // Frame time: forced renders of the same view, network shown and hidden (pageFrames.ts).
  const frameMs = (n: number) => framesOf(page, n);
  const setAllVisible = (on: boolean) => setAllShown(page, on);
  await frameMs(2);
  const withNetwork = await frameMs(5);
  const selected = await page.evaluate(() => (window as unknown as { undergrid: { tilesets(): { statistics: { numberOfFeaturesSelected: number } }[] } }).undergrid.tilesets()
    .reduce((a, t) => a + t.statistics.numberOfFeaturesSelected, 0));
  await setAllVisible(false);
  await frameMs(2);
  const withoutNetwork = await frameMs(5);
  await setAllVisible(true);
  await settle();
  console.log(`frame time, opening view: network shown ${withNetwork.toFixed(1)} ms, hidden (peer) ${withoutNetwork.toFixed(1)} ms: ratio ${(withNetwork / withoutNetwork).toFixed(2)}×; ${selected} features drawn`);

  const memory = await page.evaluate(() => ({
    heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN,
    tiles: (window as unknown as { undergrid: { tileMemoryBytes(): number } }).undergrid.tileMemoryBytes(),
  }));
  // The main thread's heap after a full garbage collection (performance.memory is coarse and lags),
  // and each screening worker's, which holds the JSON layers in tiles mode.
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const mainHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const workerHeaps = await heapsOfWorkers(cdp);
  const lineTiles = [...new Set(tileUrls.filter((u) => !new URL(u).pathname.endsWith('-fittings.glb')))];
  let segments = 0;
  for (const url of lineTiles) {
    const glb = readGlb(new Uint8Array(await (await fetch(url, { headers: auth })).arrayBuffer()));
    for (const node of glb.json.nodes ?? []) {
      const inst = (node['extensions'] as Record<string, { attributes: Record<string, number> }> | undefined)?.['EXT_mesh_gpu_instancing'];
      if (inst) segments += glb.json.accessors[inst.attributes['TRANSLATION']!]!.count;
    }
  }

  console.log(`memory at the opening view: ${lineTiles.length} line tiles, ${segments} segments loaded; JS heap (performance.memory) ${(memory.heap / 1e6).toFixed(1)} MB (${(memory.heap / segments).toFixed(0)} B/segment); tiles ${(memory.tiles / 1e6).toFixed(1)} MB (${(memory.tiles / segments).toFixed(1)} B/segment)`);
  const screening = workerHeaps.filter((x) => /screening/.test(x.url));
  const screeningBytes = screening.reduce((a, x) => a + x.bytes, 0);
  console.log(`main-thread JS heap after GC: ${(mainHeap / 1e6).toFixed(1)} MB (${(mainHeap / segments).toFixed(0)} B/loaded segment); ${screening.length} screening worker(s): ${(screeningBytes / 1e6).toFixed(1)} MB (${(screeningBytes / summary.segments).toFixed(0)} B per segment of the city); ${workerHeaps.length - screening.length} other workers (Cesium's): ${((workerHeaps.reduce((a, x) => a + x.bytes, 0) - screeningBytes) / 1e6).toFixed(1)} MB`);

  // The fly-through: city → street → below ground → along the street → home.
  const [w, s, e, n] = summary.extent;
  const lon = (w + e) / 2, lat = (s + n) / 2;
  const legs: [number, number, number, number, boolean][] = [
    [lon, lat - 0.006, 800, -45, false], [lon, lat - 0.0012, 150, -35, false], [lon, lat - 0.0002, 20, -25, false],
    [lon, lat - 0.0001, -3, -10, true], [lon + 0.003, lat - 0.0001, -3, -10, true], [lon, lat - 0.01, 2500, -45, false],
  ];
  /** Flies every leg, each waiting for the view to settle; the long tasks that started meanwhile. */
  const flyThrough = async (label: string) => {
    const flyStart = await page.evaluate(() => performance.mark('undergrid:flight-start').startTime);
    for (const [leg, [x, y, h, pitch, underground]] of legs.entries()) {
      if (glTiming) await resetGlTiming(page);
      const legStart = await page.evaluate(() => performance.now());
      await page.evaluate(([x2, y2, h2, p2, under]) => new Promise<void>((done) => {
        const u = (window as unknown as { undergrid: { store: { setState(s: unknown): void }; viewer: { camera: { flyTo(o: unknown): void } } } }).undergrid;
        u.store.setState({ underground: under });
        // WGS 84 geodetic → ECEF (the page has no Cesium global to call).
        const rad = Math.PI / 180;
        const a = 6378137, e2 = 6.69437999014e-3;
        const phi = (y2 as number) * rad, lam = (x2 as number) * rad;
        const N = a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
        const destination = { x: (N + (h2 as number)) * Math.cos(phi) * Math.cos(lam), y: (N + (h2 as number)) * Math.cos(phi) * Math.sin(lam), z: (N * (1 - e2) + (h2 as number)) * Math.sin(phi) };
        u.viewer.camera.flyTo({ destination, orientation: { heading: 0, pitch: (p2 as number) * rad, roll: 0 }, duration: 3, complete: done, cancel: done });
      }), [x, y, h, pitch, underground] as const);
      const landed = await page.evaluate(() => performance.now());
      await settle();
      if (glTiming) {
        const legEnd = await page.evaluate(() => performance.now());
        const tasks = (await longTasks()).filter((x) => x.start >= legStart && x.start <= legEnd);
        const flying = tasks.filter((x) => x.start < landed);
        const d = await drawn(page);
        console.log(`  ${label}, leg ${leg + 1} (${h} m${underground ? ', underground' : ''}): ${sec(legEnd - legStart)} s, ${tasks.length} long tasks (longest ${max(tasks).toFixed(0)} ms), ${flying.length} of them in the ${sec(landed - legStart)} s flight (longest ${max(flying).toFixed(0)} ms); settled view: ${d.features} features, ${d.commands} draw commands, ${d.tiles} tiles`);
        for (const line of describeGl('    main thread', await readGlTiming(page))) console.log(`  ${line}`);
      }
    }
    const flyEnd = await page.evaluate(() => performance.mark('undergrid:flight-end').startTime);
    return { ms: flyEnd - flyStart, tasks: (await longTasks()).filter((x) => x.start >= flyStart && x.start <= flyEnd) };
  };
  // Programs Cesium makes in the flight (a shader-cache miss combines its sources on the main
  // thread, and a drawn one is linked): globe (fragment shader defines TEXTURE_UNITS; a derived
  // program's key ends with its base's), pipe (HAS_INSTANCING) or other, linked or not.
  const programKeys = () => page.evaluate(`(() => {
    const shaders = window.undergrid.viewer.scene.context.shaderCache._shaders;
    return Object.keys(shaders).map((k) => [k, shaders[k].shaderProgram._program !== undefined]);
  })()`) as Promise<[string, boolean][]>;
  const programsBefore = new Set((await programKeys()).map(([k]) => k));
  const aheadBefore = (await linkedAhead()).length;
  const pipeAheadBefore = (await pipeLinkedAhead()).length;
  if (profiling && !tracing) await startProfile(cdp);
  const shownRun = tracing ? await traced(cdp, 'undergrid:flight', () => flyThrough('network shown')) : null;
  const flown = shownRun?.result ?? await flyThrough('network shown');
  if (profiling) printLongStretches(shownRun?.profile ?? await stopProfile(cdp));
  console.log(`tile work (src/viewer/tileWorkBudget.ts), load and fly-through: ${await tileWorkLine(page)}`);
  console.log(`tile requests (src/viewer/tileRequestQueue.ts), load and fly-through: ${await tileRequestLine(page)}`);
  console.log(`globe programs linked ahead during the fly-through: ${aheadLine((await linkedAhead()).slice(aheadBefore))}`);
  const made = (await programKeys()).filter(([k]) => !programsBefore.has(k));
  const madeLine = (kind: string, xs: typeof made) => `${kind} ${xs.length} (${xs.filter(([, linked]) => linked).length} linked)`;
  const globe = made.filter(([k]) => k.includes('TEXTURE_UNITS')), pipe = made.filter(([k]) => !k.includes('TEXTURE_UNITS') && k.includes('HAS_INSTANCING'));
  console.log(`programs made in the fly-through (Cesium's shader cache): ${madeLine('globe', globe)}, ${madeLine('pipe', pipe)}, ${madeLine('other', made.filter((x) => !globe.includes(x) && !pipe.includes(x)))}`);
  console.log(`pipe programs linked ahead during the fly-through: ${aheadLine((await pipeLinkedAhead()).slice(pipeAheadBefore))}`);
  const flyLine = (label: string, f: typeof flown) => `${label}: ${f.tasks.length} long tasks in ${sec(f.ms)} s (${sum(f.tasks).toFixed(0)} ms in all, longest ${max(f.tasks).toFixed(0)} ms)`;
  console.log(flyLine(`long tasks during the fly-through (${legs.length} legs), network shown`, flown));
  // The control: the same page, camera path and flight times with every layer hidden (the globe
  // alone under SwiftShader). It starts from the last leg's view, near the opening one; the globe's
  // tiles along the path are warm by now, so the control errs low, never high.
  await setAllVisible(false);
  const controlRun = tracing ? await traced(cdp, 'undergrid:flight', () => flyThrough('control')) : null;
  const control = controlRun?.result ?? await flyThrough('control');
  console.log(flyLine('the same fly-through, every layer hidden (control)', control));
  if (shownRun && controlRun) {
    console.log(`traced long tasks (> 50 ms) of the fly-through, classed (longTaskTrace.ts); load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}:`);
    console.log(longTaskLine('network shown', shownRun.longTasks, flown.ms / 1e3));
    console.log(longTaskLine('control (hidden)', controlRun.longTasks, control.ms / 1e3));
    console.log(addsLine(shownRun.longTasks, controlRun.longTasks));
    for (const [label, r] of [['network shown', shownRun], ['control', controlRun]] as const) {
      console.log(`${label}: our long tasks (≥ 50 ms CPU), longest first; top JS self ms in each:`);
      printOurTasks(r.longTasks, r.profile);
      printOurs(r.longTasks);
      printStarved(r.longTasks);
      profileInside(r.profile, r.longTasks);
      printBusiest(r.longTasks, r.profile);
    }
  }
  console.log(`what the network adds to the fly-through: ${flown.tasks.length - control.tasks.length} long tasks, ${((sum(flown.tasks) - sum(control.tasks)) / 1000).toFixed(1)} s; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  await context.close();
} finally {
  await browser.close();
  await server.dispose();
}
