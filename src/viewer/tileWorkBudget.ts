/**
 * An adaptive per-frame budget for finishing newly arrived tiles (src/core/tiles/README.md, "An
 * adaptive budget for tile work"). Cesium 1.140 finishes every tile of a tileset's processing
 * queue in one animation-frame tick (Cesium3DTileset prePassesUpdate → processTiles →
 * Cesium3DTile.process: the glTF's buffers, the model's draw commands, the instance matrices), so
 * a burst of arrivals is one long task. Leaving the rest of the queue to the next tick bounds the
 * tick, but costs one more frame per deferral: cheap on a GPU (a frame of a few ms), seconds under
 * SwiftShader (a fixed 30 ms budget made the fly-through 3.7× longer there, with more long tasks).
 *
 * So the budget defers only when both hold:
 *  - this tick's tile work has passed `budgetMs` (at least one tile per tick is always finished);
 *  - frames cost little besides our tile work: for each of the last `framesMeasured` rendered
 *    ticks, (interval to the next tick − that tick's tile work) is at most `deferUnderFrameMs`
 *    (frames that are not long tasks themselves, so a deferral costs one short frame).
 * Under SwiftShader a rendered frame of the city costs 0.1–several s: it never defers there, and one
 * such frame stops it for the next `framesMeasured`.
 *
 * How: Cesium3DTile.prototype.process, patched once per page, asks the page's budget before each
 * tile (a tile not processed stays PROCESSING, so Cesium's filterProcessingQueue keeps it queued,
 * and prePassesUpdate runs at every tick, rendered or not); the scene's preUpdate opens a tick,
 * its preRender marks it rendered. A Cesium upgrade must re-check those (tests/core/viewer.tileWorkBudget.test.ts).
 */
import { Cesium3DTile, type Cesium3DTileset, type Scene } from 'cesium';

export interface TileWorkRules {
  /** Tile work per tick after which the rest of the queue may wait for the next tick, ms. */
  budgetMs: number;
  /** Defer only when each recent frame cost at most this much besides our tile work, ms. */
  deferUnderFrameMs: number;
  /** Rendered ticks looked back on (the frame cost is their most expensive). */
  framesMeasured: number;
}

export interface TileWorkStats {
  enabled: boolean;
  ticks: number;
  /** Ticks with any tile work; of them, those whose tile work alone took over 50 ms. */
  busyTicks: number;
  ticksOver50Ms: number;
  longestTickMs: number;
  tileMs: number;
  tilesProcessed: number;
  /** Ticks that left tiles to the next one, and how many tile calls were left. */
  deferredTicks: number;
  deferredTiles: number;
  /** A frame's cost besides our tile work, the most of the last ones measured (null until measured). */
  frameMs: number | null;
}

const LONG_TASK_MS = 50;

export class TileWorkBudget {
  /** Off: every tile is finished in the tick it is ready, as Cesium does (benches compare both). */
  enabled = true;
  private tickStart = -1;
  private tickRendered = false;
  private tickTileMs = 0;
  private tickTiles = 0;
  private tickDeferred = false;
  private readonly frames: number[] = [];
  private readonly s: Omit<TileWorkStats, 'enabled' | 'frameMs'> = {
    ticks: 0, busyTicks: 0, ticksOver50Ms: 0, longestTickMs: 0, tileMs: 0, tilesProcessed: 0, deferredTicks: 0, deferredTiles: 0,
  };

  constructor(private readonly rules: TileWorkRules, private readonly now: () => number = () => performance.now()) {}

  /** A new animation-frame tick (scene.preUpdate): closes the last one and measures it. */
  startTick(): void {
    const t = this.now();
    if (this.tickStart >= 0) {
      if (this.tickRendered) {
        this.frames.push(t - this.tickStart - this.tickTileMs);
        if (this.frames.length > this.rules.framesMeasured) this.frames.shift();
      }
      if (this.tickTiles > 0) {
        this.s.busyTicks++;
        if (this.tickTileMs > LONG_TASK_MS) this.s.ticksOver50Ms++;
        this.s.longestTickMs = Math.max(this.s.longestTickMs, this.tickTileMs);
      }
    }
    this.s.ticks++;
    this.tickStart = t;
    this.tickRendered = false;
    this.tickTileMs = 0;
    this.tickTiles = 0;
    this.tickDeferred = false;
  }

  /** This tick draws a frame (scene.preRender). */
  markRendered(): void {
    this.tickRendered = true;
  }

  /** A frame's cost besides our tile work: the most of the last rendered ticks, or null before enough were seen. */
  frameMs(): number | null {
    if (this.frames.length < this.rules.framesMeasured) return null;
    return Math.max(...this.frames);
  }

  /** May one more tile be finished in this tick? False defers it to the next tick. */
  mayProcess(): boolean {
    if (!this.enabled || this.tickTiles === 0 || this.tickTileMs < this.rules.budgetMs) return true;
    const frame = this.frameMs();
    if (frame === null || frame > this.rules.deferUnderFrameMs) return true;
    if (!this.tickDeferred) this.s.deferredTicks++;
    this.tickDeferred = true;
    this.s.deferredTiles++;
    return false;
  }

  /** Runs one tile's work, timed. */
  run(work: () => void): void {
    const t = this.now();
    try {
      work();
    } finally {
      const ms = this.now() - t;
      this.tickTileMs += ms;
      this.tickTiles++;
      this.s.tileMs += ms;
      this.s.tilesProcessed++;
    }
  }

  stats(): TileWorkStats {
    return { enabled: this.enabled, ...this.s, frameMs: this.frameMs() };
  }
}

let current: TileWorkBudget | null = null;
let patched = false;

/** The page's budget, bound to `scene`'s ticks; Cesium3DTile.process asks it before each tile. */
export function installTileWorkBudget(scene: Scene, rules: TileWorkRules, now?: () => number): { budget: TileWorkBudget; remove(): void } {
  const budget = new TileWorkBudget(rules, now);
  current = budget;
  if (!patched) {
    patched = true;
    const process = Cesium3DTile.prototype.process;
    Cesium3DTile.prototype.process = function (this: Cesium3DTile, tileset: Cesium3DTileset, frameState: unknown) {
      const b = current;
      if (!b) return process.call(this, tileset, frameState);
      if (b.mayProcess()) b.run(() => process.call(this, tileset, frameState));
    };
  }
  const offTick = scene.preUpdate.addEventListener(() => budget.startTick());
  const offRender = scene.preRender.addEventListener(() => budget.markRendered());
  return {
    budget,
    remove() {
      offTick();
      offRender();
      if (current === budget) current = null;
    },
  };
}
