/**
 * What the browser benches do to the app's page (flythrough.ts, frameCost.ts): wait for the view to
 * settle, time forced frames, show or hide every layer, read what the tilesets draw.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../tests/helpers/browser';

const MINUTE = 60_000;

/**
 * The tests' browser (tests/helpers/browser.ts: `--disable-gpu`, so the compositor is software and
 * every WebGL frame is read back on the page's main thread, which waits for SwiftShader to draw it),
 * or, with `gpuCompositing`, the same Chromium and SwiftShader with the GPU process compositing too,
 * as a browser with any GPU does: the frame is handed over without a read-back, and the main thread
 * waits only when the GPU process falls behind by more frames than the command buffer holds.
 */
export function launchBenchBrowser(gpuCompositing: boolean): Promise<Browser> {
  if (!gpuCompositing) return launchBrowser();
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

/** Until every shown tileset has all the tiles the view needs, twice in a row (renders meanwhile). */
export function settle(page: Page): Promise<unknown> {
  return page.waitForFunction(() => {
    const w = window as unknown as { undergrid: { requestRender(): void; tilesets(): { tilesLoaded: boolean; show: boolean }[] }; __polls?: number };
    w.undergrid.requestRender();
    const done = w.undergrid.tilesets().every((x) => !x.show || x.tilesLoaded);
    w.__polls = done ? (w.__polls ?? 0) + 1 : 0;
    return w.__polls >= 2;
  }, undefined, { timeout: 10 * MINUTE, polling: 500 });
}

/**
 * Median of n forced renders of the same view, each timed until the second animation frame after
 * it: that includes the GPU process drawing it and the compositor taking it. (gl.finish() does not
 * wait for the GPU in Chromium: it only measured the JS side.)
 */
export function frameMs(page: Page, n: number): Promise<number> {
  return page.evaluate(`(async () => {
    const scene = window.undergrid.viewer.scene;
    const raf = () => new Promise((r) => requestAnimationFrame(() => r()));
    const times = [];
    for (let i = 0; i < ${n}; i++) {
      scene.requestRender();
      const s = performance.now();
      await raf();
      await raf();
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  })()`) as Promise<number>;
}

export function setAllVisible(page: Page, on: boolean): Promise<void> {
  return page.evaluate((v) => {
    const u = (window as unknown as { undergrid: { store: { getState(): { visible: Record<string, boolean> }; setState(s: unknown): void } } }).undergrid;
    u.store.setState({ visible: Object.fromEntries(Object.keys(u.store.getState().visible).map((k) => [k, v])) });
  }, on);
}

export interface Drawn { features: number; commands: number; tiles: number }

/** What the tilesets selected in the last frame: features (instances), draw commands, tiles. */
export function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(`window.undergrid.tilesets().filter((t) => t.show).reduce((a, t) => ({ features: a.features + t.statistics.numberOfFeaturesSelected,
    commands: a.commands + t.statistics.numberOfCommands, tiles: a.tiles + t.statistics.selected }), { features: 0, commands: 0, tiles: 0 })`) as Promise<Drawn>;
}

/**
 * `cheap`: cheap frames (flythrough.ts --cheap-frames), to show what the tile-work budget
 * (src/viewer/tileWorkBudget.ts) does where a frame costs a GPU's few milliseconds (ticks come
 * 60 times a second, the work is spread over many of them and the tasks between), which
 * SwiftShader cannot show: once the app has started, the globe is hidden and every draw command the primitives (the
 * tilesets) add in a frame is dropped after their update. Tiles are still requested, finished
 * (buffers, draw commands, instance matrices) and selected as in the real page; only nothing is drawn. `budget: false` turns the budget off (Cesium's own way: every tile in the tick
 * it is ready). `requests: false` turns off the queue of tile requests sent between frames
 * (src/viewer/tileRequestQueue.ts: Cesium's own way, each sent in the frame that starts it). A string, not a function: tsx would wrap a nested arrow function in a helper the page lacks.
 */
export async function tileWorkSetup(
  context: BrowserContext, { cheap, budget, requests = true }: { cheap: boolean; budget: boolean; requests?: boolean },
): Promise<void> {
  await context.addInitScript({ content: `(() => {
    let scenePatched = false;
    const poll = setInterval(() => {
      const u = window.undergrid;
      if (!u) return;
      if (!scenePatched && ${cheap ? 'true' : 'false'}) {
        scenePatched = true;
        const scene = u.viewer.scene;
        const dropAfter = (owner, name) => {
          const f = owner[name];
          owner[name] = function (frameState) {
            const n = frameState.commandList.length;
            const r = f.call(this, frameState);
            frameState.commandList.length = n;
            return r;
          };
        };
        dropAfter(scene.primitives, 'update');
        scene.globe.show = false;
        window.__cheapFrames = true;
      }
      const work = u.tileWork();
      if (!work) return;
      work.enabled = ${budget ? 'true' : 'false'};
      const requests = u.tileRequests?.();
      if (requests) requests.enabled = ${requests ? 'true' : 'false'};
      clearInterval(poll);
    }, 5);
  })();` });
}

/** The tile-work budget's figures (src/viewer/tileWorkBudget.ts TileWorkStats), one line. */
export async function tileWorkLine(page: Page): Promise<string> {
  const s = await page.evaluate('window.undergrid.tileWork?.()?.stats() ?? null') as null | {
    enabled: boolean; busyTicks: number; ticksOver50Ms: number; longestTickMs: number; tileCalls: number; tileMs: number; handedOver: number; starvedTicks?: number;
    tasks: number; taskCalls: number; taskMs: number; tasksOver50Ms: number; longestTaskMs: number;
  };
  if (!s) return 'none (no tile layers, or a client without the budget)';
  return `budget ${s.enabled ? 'on' : 'off'}; in ticks: ${s.tileCalls} tile calls in ${s.busyTicks} ticks, ${(s.tileMs / 1e3).toFixed(2)} s, ${s.ticksOver50Ms} ticks whose tile work passed 50 ms (longest ${s.longestTickMs.toFixed(0)} ms); handed over: ${s.handedOver} calls${s.starvedTicks === undefined ? '' : ` (${s.starvedTicks} ticks built tiles themselves: no task between frames had run)`}; between frames: ${s.taskCalls} tile calls in ${s.tasks} tasks, ${(s.taskMs / 1e3).toFixed(2)} s, ${s.tasksOver50Ms} tasks over 50 ms (longest ${s.longestTaskMs.toFixed(0)} ms)`;
}

/** The tile-request queue's figures (src/viewer/tileRequestQueue.ts TileRequestStats), one line. */
export async function tileRequestLine(page: Page): Promise<string> {
  const s = await page.evaluate('window.undergrid.tileRequests?.()?.stats() ?? null') as null | {
    enabled: boolean; queued: number; sent: number; cancelledQueued: number; tasks: number; taskMs: number; longestTaskMs: number;
  };
  if (!s) return 'none (no tile layers, or a client without the queue)';
  return `queue ${s.enabled ? 'on' : 'off'}; ${s.queued} requests queued by frames, ${s.sent} sent between frames in ${s.tasks} tasks (${(s.taskMs / 1e3).toFixed(2)} s, longest ${s.longestTaskMs.toFixed(0)} ms), ${s.cancelledQueued} cancelled while queued (never sent)`;
}
