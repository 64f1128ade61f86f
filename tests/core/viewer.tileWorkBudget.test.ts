/**
 * The adaptive budget for finishing new tiles (src/viewer/tileWorkBudget.ts): its rule on a clock the
 * test moves, and, through Cesium 1.140's own Cesium3DTileset.prePassesUpdate (processTiles and
 * filterProcessingQueue), that a tile it defers stays queued and is finished at the next tick. A
 * Cesium upgrade that renames Cesium3DTile.process, stops calling it per queued tile, or drops a
 * tile that was not processed fails here.
 */
import { Cesium3DTile, Cesium3DTileset, Event, JulianDate } from 'cesium';
import { describe, expect, it } from 'vitest';
import { installTileWorkBudget, TileWorkBudget, type TileWorkRules } from '../../src/viewer/tileWorkBudget';

const RULES: TileWorkRules = { budgetMs: 30, deferUnderFrameMs: 50, framesMeasured: 3 };
const PROCESSING = 2, READY = 3; // Cesium3DTileContentState

/** A clock the test moves: tile work and frames cost what the test says. */
function clock(): { now: () => number; pass(ms: number): void } {
  let t = 0;
  return { now: () => t, pass: (ms) => { t += ms; } };
}

/** Ticks that each draw a frame costing `frameMs` besides tile work (none processed). */
function renderedTicks(b: TileWorkBudget, c: ReturnType<typeof clock>, n: number, frameMs: number): void {
  for (let i = 0; i < n; i++) {
    b.startTick();
    b.markRendered();
    c.pass(frameMs);
  }
}

/** One tick offering `tiles` tiles of `ms` each: how many it finished. */
function tick(b: TileWorkBudget, c: ReturnType<typeof clock>, tiles: number, ms: number): number {
  b.startTick();
  b.markRendered();
  let done = 0;
  for (let i = 0; i < tiles; i++) if (b.mayProcess()) b.run(() => { c.pass(ms); done++; });
  return done;
}

describe('TileWorkBudget: defers only when frames are cheap', () => {
  it('never defers while a frame costs seconds (SwiftShader), however long the tile work', () => {
    const c = clock(), b = new TileWorkBudget(RULES, c.now);
    renderedTicks(b, c, 5, 600);
    expect(tick(b, c, 20, 25)).toBe(20);
    expect(b.stats().deferredTiles).toBe(0);
    expect(b.stats().frameMs).toBe(600);
  });

  it('defers past the budget when frames are cheap, at least one tile per tick, and finishes the rest later', () => {
    const c = clock(), b = new TileWorkBudget(RULES, c.now);
    renderedTicks(b, c, 4, 10);
    // 12 ms tiles: 0, 12, 24 ms are under 30 ms, the fourth waits.
    expect(tick(b, c, 10, 12)).toBe(3);
    expect(tick(b, c, 7, 12)).toBe(3);
    // A tile alone over the budget still runs (one per tick).
    expect(tick(b, c, 2, 80)).toBe(1);
    const s = b.stats();
    expect(s.deferredTicks).toBe(3);
    expect(s.deferredTiles).toBe(7 + 4 + 1);
    expect(s.longestTickMs).toBe(36);
  });

  it('stops deferring for as many frames as it looks back on after one expensive frame', () => {
    const c = clock(), b = new TileWorkBudget(RULES, c.now);
    renderedTicks(b, c, 4, 10);
    expect(tick(b, c, 10, 12)).toBe(3);
    renderedTicks(b, c, 1, 900); // the city drawn under software WebGL
    for (let i = 0; i < 3; i++) expect(tick(b, c, 10, 12)).toBe(10);
    expect(tick(b, c, 10, 12)).toBe(3); // the expensive frame has left the window of 3
  });

  it('does not defer before it has measured enough frames, nor when turned off', () => {
    const c = clock(), b = new TileWorkBudget(RULES, c.now);
    renderedTicks(b, c, 2, 10);
    expect(tick(b, c, 10, 12)).toBe(10); // only 2 frames measured, 3 needed
    const off = new TileWorkBudget(RULES, c.now);
    off.enabled = false;
    renderedTicks(off, c, 5, 10);
    expect(tick(off, c, 10, 12)).toBe(10);
  });

  it('measures a frame without the tile work in it, and only frames that were drawn', () => {
    const c = clock(), b = new TileWorkBudget(RULES, c.now);
    renderedTicks(b, c, 1, 0);
    // Three drawn ticks of 100 ms tile work + 15 ms else: 15 ms frames; idle ticks between them do not count.
    for (let i = 0; i < 3; i++) {
      tick(b, c, 1, 100);
      c.pass(15);
      b.startTick();
      c.pass(1000);
    }
    b.startTick();
    expect(b.stats().frameMs).toBe(15);
  });
});

describe('installTileWorkBudget: Cesium 1.140 processTiles with the patched Cesium3DTile.process', () => {
  it('leaves a deferred tile in the processing queue and finishes it at the next tick', () => {
    const c = clock();
    expect(typeof Cesium3DTile.prototype.process).toBe('function');
    expect(Cesium3DTile.prototype.process.length).toBe(2); // (tileset, frameState)
    // Stands in for Cesium's own tile work (content update): 20 ms, then the content is ready.
    Cesium3DTile.prototype.process = function (this: { _contentState: number }) { c.pass(20); this._contentState = READY; };
    const scene = { preUpdate: new Event(), preRender: new Event() };
    const { budget, remove } = installTileWorkBudget(scene as never, RULES, c.now);
    try {
      const tiles = Array.from({ length: 5 }, () => Object.assign(Object.create(Cesium3DTile.prototype) as object, { _contentState: PROCESSING }) as { _contentState: number; contentReady: boolean });
      const loaded: unknown[] = [];
      const tileLoad = new Event();
      tileLoad.addEventListener((t: unknown) => loaded.push(t));
      const tileset = {
        _root: {}, _processingQueue: [...tiles], cacheBytes: 1e9, maximumCacheOverflowBytes: 0, totalMemoryUsageInBytes: 0,
        statistics: { numberOfTilesProcessing: 5 }, tileLoad, memoryAdjustedScreenSpaceError: 32, maximumScreenSpaceError: 32,
        dynamicScreenSpaceError: false, _cache: { reset() {} },
      };
      const frameState = { time: JulianDate.now(), newFrame: false };
      const frame = (drawMs: number) => {
        scene.preUpdate.raiseEvent();
        (Cesium3DTileset.prototype as unknown as { prePassesUpdate(frameState: unknown): void }).prePassesUpdate.call(tileset, frameState);
        scene.preRender.raiseEvent();
        c.pass(drawMs);
      };
      // No frame measured yet at the first tick: all five are finished in it; then three cheap frames are measured.
      for (let i = 0; i < 4; i++) frame(5);
      expect(tiles.every((t) => t.contentReady)).toBe(true);
      expect(loaded).toHaveLength(5);

      // Now with cheap frames measured: 5 tiles of 20 ms, budget 30 ms → 2 per tick (0 and 20 ms start under 30).
      const more = Array.from({ length: 5 }, () => Object.assign(Object.create(Cesium3DTile.prototype) as object, { _contentState: PROCESSING }) as { _contentState: number; contentReady: boolean });
      tileset._processingQueue.push(...more);
      frame(5);
      expect(more.filter((t) => t.contentReady)).toHaveLength(2);
      expect(tileset._processingQueue).toHaveLength(5); // filtered at the next tick's start
      frame(5);
      expect(more.filter((t) => t.contentReady)).toHaveLength(4);
      expect(tileset._processingQueue).toHaveLength(3);
      frame(5);
      expect(more.every((t) => t.contentReady)).toBe(true);
      expect(loaded).toHaveLength(10);
      expect(budget.stats().deferredTicks).toBe(2);
    } finally {
      remove();
    }
  });
});
