/**
 * The tile-work budget (src/viewer/tileWorkBudget.ts): its rule on a clock and a task queue the test
 * drives, and, through Cesium 1.140's own Cesium3DTileset.prePassesUpdate (processTiles and
 * filterProcessingQueue), that tiles built in tasks between frames are still finished by Cesium in
 * a tick, loaded once each. A Cesium upgrade that renames Cesium3DTile.process, stops calling it per queued
 * tile, or finishes a tile otherwise fails here.
 */
import { Cesium3DTile, Cesium3DTileset, Event, JulianDate } from 'cesium';
import { describe, expect, it } from 'vitest';
import { installTileWorkBudget, TileWorkBudget } from '../../src/viewer/tileWorkBudget';
import { harness } from './viewer.taskHarness';

const RULES = { budgetMs: 30 };
const PROCESSING = 2, READY = 3, UNLOADED = 0; // Cesium3DTileContentState

interface FakeTile { _contentState: number; content: { ready: boolean }; isDestroyed(): boolean; calls: number }
const tile = (): FakeTile => ({ _contentState: PROCESSING, content: { ready: false }, isDestroyed: () => false, calls: 0 });
const tileset = { isDestroyed: () => false };

/** A budget whose "Cesium process" costs `ms` per call and counts calls. */
function budgetOf(h: ReturnType<typeof harness>, ms: number | ((t: FakeTile) => void)) {
  const process = function (this: FakeTile) { this.calls++; if (typeof ms === 'number') h.pass(ms); else ms(this); };
  return new TileWorkBudget(RULES, process as never, h.now, h.schedule);
}
const offer = (b: TileWorkBudget, tiles: FakeTile[]) => { for (const t of tiles) b.offer(t as never, tileset as never, {}); };

describe('TileWorkBudget: tiles built between frames, finished in the tick', () => {
  it('hands every tile whose content is not ready to tasks of 30 ms each (at least one tile), none called in the tick', () => {
    const h = harness(), b = budgetOf(h, 12);
    const tiles = Array.from({ length: 10 }, tile);
    b.startTick();
    offer(b, tiles);
    expect(tiles.map((t) => t.calls)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(h.drain()).toBe(4); // 10 handed over: 3 + 3 + 3 + 1 calls (0, 12, 24 ms start under 30)
    expect(tiles.every((t) => t.calls === 1)).toBe(true);
    const s = b.stats();
    expect([s.tileCalls, s.handedOver, s.tasks, s.taskCalls, s.longestTaskMs, s.starvedTicks]).toEqual([0, 10, 4, 10, 36, 0]);

    const big = [tile(), tile()];
    const slow = budgetOf(h, 80);
    slow.startTick();
    offer(slow, big);
    expect(h.drain()).toBe(2); // a tile alone over the budget runs in a task of its own
    expect(big.map((t) => t.calls)).toEqual([1, 1]);
  });

  it('calls a tile whose content is ready in the tick, whatever its time: only that call finishes it', () => {
    const h = harness(), b = budgetOf(h, 40);
    const [building, ready1, ready2] = [tile(), tile(), tile()];
    ready1.content.ready = ready2.content.ready = true;
    b.startTick();
    offer(b, [ready1, building, ready2]);
    expect([ready1, building, ready2].map((t) => t.calls)).toEqual([1, 0, 1]);
    expect(b.stats()).toMatchObject({ tileCalls: 2, handedOver: 1 });
    h.drain();
    expect(building.calls).toBe(1);
  });

  it('builds tiles in the tick again, up to 30 ms and at least one, when no task between frames ran since the last tick', () => {
    const h = harness(), b = budgetOf(h, 12);
    const tiles = Array.from({ length: 5 }, tile);
    b.startTick();
    offer(b, tiles);
    b.startTick(); // the tasks between frames did not run: the main thread never idled
    offer(b, tiles);
    expect(tiles.map((t) => t.calls)).toEqual([1, 1, 1, 0, 0]); // 0, 12, 24 ms start under 30
    expect(b.stats()).toMatchObject({ starvedTicks: 1, tileCalls: 3, handedOver: 7 });
    h.drain(); // they ran: the next tick hands every tile over again
    b.startTick();
    offer(b, tiles);
    expect(b.stats()).toMatchObject({ starvedTicks: 1, tileCalls: 3, handedOver: 12 });
  });

  it('calls between frames only tiles still processing whose content is not ready, nor destroyed', () => {
    const h = harness(), b = budgetOf(h, 40);
    const [first, ready, unloaded, destroyed, ok] = [tile(), tile(), tile(), tile(), tile()];
    b.startTick();
    offer(b, [first, ready, unloaded, destroyed, ok]);
    // Between the tick and the task: one content became ready, one tile was unloaded, one destroyed.
    ready.content.ready = true;
    unloaded._contentState = UNLOADED;
    destroyed.isDestroyed = () => true;
    h.drain();
    expect([first, ready, unloaded, destroyed, ok].map((t) => t.calls)).toEqual([1, 0, 0, 0, 1]);
  });

  it('puts a tile whose call throws back to processing and leaves it to Cesium’s own call', () => {
    const h = harness();
    const b = budgetOf(h, (t) => { h.pass(40); if (t.calls === 1 && t === bad) { t._contentState = 5; throw new Error('bad glTF'); } });
    const first = tile(), bad = tile();
    b.startTick();
    offer(b, [first, bad]);
    h.drain();
    expect(bad._contentState).toBe(PROCESSING);
    b.startTick();
    offer(b, [first, bad]); // bad is not handed over again
    h.drain();
    expect([first.calls, bad.calls]).toEqual([2, 1]);
  });

  it('forgets what it handed over at the next tick (Cesium offers it again), and does nothing when off', () => {
    const h = harness(), b = budgetOf(h, 40);
    const tiles = [tile(), tile(), tile()];
    b.startTick();
    offer(b, tiles);
    b.startTick(); // before the task ran
    h.drain();
    expect(tiles.map((t) => t.calls)).toEqual([0, 0, 0]);
    const off = budgetOf(h, 40);
    off.enabled = false;
    off.startTick();
    offer(off, tiles);
    expect(tiles.map((t) => t.calls)).toEqual([1, 1, 1]);
    expect(off.stats().handedOver).toBe(0);
  });
});

describe('installTileWorkBudget: Cesium 1.140 processTiles with the patched Cesium3DTile.process', () => {
  it('has every tile finished and loaded once by Cesium, with the heavy calls between frames', () => {
    expect(typeof Cesium3DTile.prototype.process).toBe('function');
    expect(Cesium3DTile.prototype.process.length).toBe(2); // (tileset, frameState)
    const h = harness();
    let readyOutsideTick = 0, inTick = false;
    // Stands in for Cesium's process: a content found ready makes the tile READY (only at a call's
    // start, as Cesium3DTile.process does); else the first call builds the model (20 ms) and a later one finds it ready.
    Cesium3DTile.prototype.process = function (this: { _contentState: number; _content: { ready: boolean; built: boolean } }) {
      if (this._content.ready) { this._contentState = READY; if (!inTick) readyOutsideTick++; return; }
      if (this._content.built) { h.pass(1); this._content.ready = true; } else { h.pass(20); this._content.built = true; }
    };
    const scene = { preUpdate: new Event() };
    const { budget, remove } = installTileWorkBudget(scene as never, RULES, h.now, h.schedule);
    try {
      const tiles = Array.from({ length: 6 }, () => Object.assign(Object.create(Cesium3DTile.prototype) as object, {
        _contentState: PROCESSING, _content: { ready: false, built: false },
      }) as unknown as { _contentState: number; contentReady: boolean });
      const loaded: unknown[] = [];
      const tileLoad = new Event();
      tileLoad.addEventListener((t: unknown) => loaded.push(t));
      const set = {
        _root: {}, _processingQueue: [...tiles], cacheBytes: 1e9, maximumCacheOverflowBytes: 0, totalMemoryUsageInBytes: 0,
        statistics: { numberOfTilesProcessing: 6 }, tileLoad, memoryAdjustedScreenSpaceError: 32, maximumScreenSpaceError: 32,
        dynamicScreenSpaceError: false, _cache: { reset() {} }, isDestroyed: () => false,
      };
      const frameState = { time: JulianDate.now(), newFrame: false };
      const frame = () => {
        scene.preUpdate.raiseEvent();
        inTick = true;
        (Cesium3DTileset.prototype as unknown as { prePassesUpdate(frameState: unknown): void }).prePassesUpdate.call(set, frameState);
        inTick = false;
        h.drain(); // the main thread's idle time before the next frame
      };
      frame();
      // No model built in the tick; six between frames (three tasks of two: 0 and 20 ms start under 30).
      expect(budget.stats()).toMatchObject({ tileCalls: 0, handedOver: 6, tasks: 3, taskCalls: 6 });
      frame(); // every model found ready, between frames too
      expect(budget.stats()).toMatchObject({ tileCalls: 0, handedOver: 12, taskCalls: 12 });
      expect(loaded).toHaveLength(0);
      frame(); // every tile READY in the tick, loaded
      expect(tiles.every((t) => t.contentReady)).toBe(true);
      expect(loaded).toHaveLength(6);
      expect(set.statistics.numberOfTilesProcessing).toBe(0);
      expect(readyOutsideTick).toBe(0);
      frame();
      expect(set._processingQueue).toHaveLength(0);
    } finally {
      remove();
    }
  });
});
