/**
 * Newly arrived tiles built between animation frames, not in them (src/core/tiles/README.md, "Tile
 * work between frames" and "Every tile built between frames"). Cesium 1.140 finishes every tile of
 * a tileset's processing queue in one animation-frame tick (Cesium3DTileset prePassesUpdate →
 * processTiles → Cesium3DTile.process: the glTF loader's parse and meshopt decoding, the buffers,
 * the model's draw commands, the instance matrices), so a burst of arrivals makes one long task.
 *
 * Here a tick hands every tile whose content is not yet ready to tasks that run between frames,
 * each stopping after `budgetMs` (at least one tile each); the tick itself only makes the call that
 * finds a tile's content ready and finishes it (cheap: the model is built). Two earlier rounds kept
 * `budgetMs` of tile work in each tick (at least one tile): a tile's first call also starts the glTF
 * loader, whose meshopt decoding then runs in the tick's microtasks, outside what the budget timed,
 * and the frames that did it were the fly-through's costliest. Leaving the rest to the next tick
 * instead (tried before) cost one frame per deferral, seconds under SwiftShader. Between frames the
 * main thread is idle while the GPU draws (SwiftShader) or until the next vsync (a GPU), so the
 * handed-over work costs no extra frame in either case. Should the tasks between frames not run at
 * all between two ticks while tiles wait (a main thread that never idles), the next tick builds
 * tiles itself again until `budgetMs` (at least one), as the earlier rounds did: tiles keep coming.
 *
 * Safe outside the render loop because:
 *  - a task calls Cesium's own Cesium3DTile.process, which swaps the frame's command list for a
 *    scratch one as in processTiles, only for a tile still PROCESSING whose content is not yet ready:
 *    such a call never finishes the tile (the content-ready branch, which counts the tile loaded and
 *    caches it, runs only at the start of a call that finds the content ready), so Cesium's own
 *    processTiles still finishes every tile and raises tileLoad, at a later tick;
 *  - a tile or tileset destroyed, unloaded or failed meanwhile is skipped; a call that throws puts
 *    the tile back to PROCESSING (Cesium3DTile.process marks it FAILED before rethrowing) and is not
 *    retried between frames: Cesium's in-frame call meets the error again and handles it;
 *  - each tick clears the hand-over queue: processTiles offers every tile still processing again.
 * Cesium3DTile.prototype.process is patched once per page; a Cesium upgrade must re-check the above
 * (tests/core/viewer.tileWorkBudget.test.ts runs Cesium's own processTiles).
 */
import { Cesium3DTile, type Cesium3DTileset, type Scene } from 'cesium';
import { BetweenFrames, nextTask } from './betweenFrames';

export interface TileWorkRules {
  /** Tile work per task between frames (and per tick when those tasks did not run), ms. */
  budgetMs: number;
}

export interface TileWorkStats {
  enabled: boolean;
  /** Animation-frame ticks; those with tile work; those whose tile work alone took over 50 ms; the longest, ms. */
  ticks: number;
  busyTicks: number;
  ticksOver50Ms: number;
  longestTickMs: number;
  /** Tile calls run in ticks, and their time, ms. */
  tileCalls: number;
  tileMs: number;
  /** Tile calls handed from ticks to tasks between frames. */
  handedOver: number;
  /** Ticks that built tiles themselves because no task between frames had run since the last tick while tiles waited. */
  starvedTicks: number;
  /** Tasks between frames; calls they ran, and their time; tasks whose work took over 50 ms; the longest, ms. */
  tasks: number;
  taskCalls: number;
  taskMs: number;
  tasksOver50Ms: number;
  longestTaskMs: number;
}

/** What a tile call needs: Cesium3DTile.process's arguments. */
interface Handed { tile: Cesium3DTile; tileset: Cesium3DTileset; frameState: unknown }

/** The slice of a Cesium3DTile the hand-over reads (Scene/Cesium3DTile.js, Cesium3DTileContentState). */
interface TileState { _contentState: number; content: { ready: boolean }; isDestroyed(): boolean }

const PROCESSING = 2; // Cesium3DTileContentState.PROCESSING
const LONG_TASK_MS = 50;

export class TileWorkBudget {
  /** Off: every tile is finished in the tick it is offered, as Cesium does (benches compare both). */
  enabled = true;
  private tickTileMs = 0;
  private tickTiles = 0;
  /** This tick builds tiles itself (up to the budget): no task between frames ran since the last tick while tiles waited. */
  private starved = false;
  private tasksAtTick = 0;
  private readonly queued = new Set<Cesium3DTile>();
  private readonly tasks: BetweenFrames<Handed>;
  private readonly failed = new WeakSet<Cesium3DTile>();
  private readonly s: Omit<TileWorkStats, 'enabled' | 'tasks' | 'taskCalls' | 'taskMs' | 'tasksOver50Ms' | 'longestTaskMs'> = {
    ticks: 0, busyTicks: 0, ticksOver50Ms: 0, longestTickMs: 0, tileCalls: 0, tileMs: 0, handedOver: 0, starvedTicks: 0,
  };

  constructor(
    private readonly rules: TileWorkRules,
    /** Cesium's own Cesium3DTile.process. */
    private readonly process: (this: Cesium3DTile, tileset: Cesium3DTileset, frameState: unknown) => void,
    private readonly now: () => number = () => performance.now(),
    schedule: (run: () => void) => void = nextTask,
  ) {
    this.tasks = new BetweenFrames(rules.budgetMs, (h) => this.finishBetweenFrames(h), now, schedule);
  }

  /** A new animation-frame tick (scene.preUpdate): closes the last one; processTiles offers every tile again. */
  startTick(): void {
    if (this.tickTiles > 0) {
      this.s.busyTicks++;
      if (this.tickTileMs > LONG_TASK_MS) this.s.ticksOver50Ms++;
      this.s.longestTickMs = Math.max(this.s.longestTickMs, this.tickTileMs);
    }
    this.s.ticks++;
    this.tickTileMs = 0;
    this.tickTiles = 0;
    this.starved = this.tasks.length > 0 && this.tasks.stats.tasks === this.tasksAtTick;
    if (this.starved) this.s.starvedTicks++;
    this.tasksAtTick = this.tasks.stats.tasks;
    this.tasks.clear();
    this.queued.clear();
  }

  /**
   * A tile offered by Cesium's processTiles in a tick: called now when its content is ready (only
   * this call finishes it) or when the tasks between frames are starved (up to the budget), else
   * handed to a task between frames.
   */
  offer(tile: Cesium3DTile, tileset: Cesium3DTileset, frameState: unknown): void {
    const contentReady = (tile as unknown as TileState).content.ready;
    if (!this.enabled || contentReady || (this.starved && (this.tickTiles === 0 || this.tickTileMs < this.rules.budgetMs))) {
      const t = this.now();
      try {
        this.process.call(tile, tileset, frameState);
      } finally {
        const ms = this.now() - t;
        this.tickTileMs += ms;
        this.tickTiles++;
        this.s.tileMs += ms;
        this.s.tileCalls++;
      }
      return;
    }
    if (this.queued.has(tile) || this.failed.has(tile)) return;
    this.queued.add(tile);
    this.s.handedOver++;
    this.tasks.push({ tile, tileset, frameState });
  }

  /** One handed-over tile, in a task between frames (BetweenFrames); false when it was not called. */
  private finishBetweenFrames({ tile, tileset, frameState }: Handed): boolean {
    this.queued.delete(tile);
    const state = tile as unknown as TileState;
    // Only a call that cannot finish the tile (see the file's comment); the rest is Cesium's, in a tick.
    if (state.isDestroyed() || tileset.isDestroyed() || state._contentState !== PROCESSING || state.content.ready) return false;
    try {
      this.process.call(tile, tileset, frameState);
    } catch {
      state._contentState = PROCESSING;
      this.failed.add(tile);
    }
    return true;
  }

  stats(): TileWorkStats {
    const t = this.tasks.stats;
    return {
      enabled: this.enabled, ...this.s,
      tasks: t.tasks, taskCalls: t.calls, taskMs: t.taskMs, tasksOver50Ms: t.tasksOver50Ms, longestTaskMs: t.longestTaskMs,
    };
  }
}

let current: TileWorkBudget | null = null;
let cesiumProcess: TileWorkBudget['process'] | null = null;

/** The page's budget, bound to `scene`'s ticks; Cesium3DTile.process goes through it. */
export function installTileWorkBudget(
  scene: Scene, rules: TileWorkRules, now?: () => number, schedule?: (run: () => void) => void,
): { budget: TileWorkBudget; remove(): void } {
  if (!cesiumProcess) {
    const process = (cesiumProcess = Cesium3DTile.prototype.process);
    Cesium3DTile.prototype.process = function (this: Cesium3DTile, tileset: Cesium3DTileset, frameState: unknown) {
      if (current) current.offer(this, tileset, frameState);
      else process.call(this, tileset, frameState);
    };
  }
  const budget = new TileWorkBudget(rules, cesiumProcess, now, schedule);
  current = budget;
  const offTick = scene.preUpdate.addEventListener(() => budget.startTick());
  return {
    budget,
    remove() {
      offTick();
      if (current === budget) current = null;
    },
  };
}
