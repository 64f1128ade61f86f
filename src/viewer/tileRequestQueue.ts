/**
 * Tile requests sent between frames (src/core/tiles/README.md, "Tile requests sent between frames").
 * Cesium 1.140 starts every request its traversal found in the animation frame that found it
 * (Scene.render → postPassesUpdate → RequestScheduler.update → startRequest → the request's
 * requestFunction, Resource._makeRequest → Resource._Implementations.loadWithXhr): the XHR's
 * `open` and `send` (a synchronous hand-off to the network service), for up to 18 tiles per server
 * in one frame, ran inside the frames that were still long tasks of ours.
 *
 * Here `Resource._Implementations.loadWithXhr` is wrapped once per page: each call is queued and
 * returns at once a stand-in XHR whose `abort` Cesium keeps as the request's cancelFunction; the
 * real call (Cesium's own loadWithXhr, same arguments, same deferred) runs in tasks between frames
 * (a MessageChannel task, as tileWorkBudget.ts does), each stopping after `budgetMs` (at least one
 * request per task). Nothing else changes for Cesium:
 *  - RequestScheduler's accounting is untouched: a queued request is ACTIVE, counted against its
 *    server's slots, as one in flight is;
 *  - a request cancelled while queued (RequestScheduler.cancelRequest: state CANCELLED, the
 *    scheduler's promise rejected, then cancelFunction) is never sent; its loadWithXhr deferred is
 *    left unsettled, as a real aborted XHR leaves it (Cesium's loadWithXhr sets no onabort, and
 *    RequestScheduler ignores whatever a cancelled request's requestFunction settles to);
 *  - a request cancelled after it was sent aborts the real XHR, as before;
 *  - a real call that throws (Cesium's would have thrown out of the frame's RequestScheduler.update)
 *    rejects the request's deferred instead: RequestScheduler counts it FAILED.
 * A Cesium upgrade must re-check these (tests/core/viewer.tileRequestQueue.test.ts runs Cesium's
 * own Resource.fetchArrayBuffer and RequestScheduler).
 */
import { Resource } from 'cesium';
import { BetweenFrames, nextTask } from './betweenFrames';

export interface TileRequestRules {
  /** Requests sent per task between frames until this much time has passed, ms (at least one). */
  budgetMs: number;
}

export interface TileRequestStats {
  enabled: boolean;
  /** Requests queued by frames; sent between frames; cancelled while queued (never sent). */
  queued: number;
  sent: number;
  cancelledQueued: number;
  /** Tasks between frames that sent requests; their time, ms; the longest, ms. */
  tasks: number;
  taskMs: number;
  longestTaskMs: number;
}

/** Cesium's Resource._Implementations.loadWithXhr: (url, responseType, method, data, headers, deferred, overrideMimeType, …). */
export type LoadWithXhr = (...args: unknown[]) => { abort(): void } | undefined;

interface Queued { args: unknown[]; state: 'queued' | 'aborted' | 'sent'; xhr: { abort(): void } | undefined }

/** The deferred Cesium passes loadWithXhr (its sixth argument). */
const DEFERRED = 5;

export class TileRequestQueue {
  /** Off: every request is sent when Cesium starts it, as Cesium does (benches compare both). */
  enabled = true;
  private readonly queue: BetweenFrames<Queued>;
  private readonly s = { queued: 0, cancelledQueued: 0 };

  constructor(
    rules: TileRequestRules,
    /** Cesium's own loadWithXhr. */
    private readonly send: LoadWithXhr,
    now: () => number = () => performance.now(),
    schedule: (run: () => void) => void = nextTask,
  ) {
    this.queue = new BetweenFrames(rules.budgetMs, (entry) => this.sendBetweenFrames(entry), now, schedule);
  }

  /** In place of Cesium's loadWithXhr: queued, with a stand-in XHR whose abort drops it unsent. */
  load(args: unknown[]): { abort(): void } | undefined {
    if (!this.enabled) return this.send(...args);
    const entry: Queued = { args, state: 'queued', xhr: undefined };
    this.s.queued++;
    this.queue.push(entry);
    return {
      abort: () => {
        if (entry.state === 'sent') entry.xhr?.abort();
        else if (entry.state === 'queued') { entry.state = 'aborted'; this.s.cancelledQueued++; }
      },
    };
  }

  /** One queued request, in a task between frames (BetweenFrames); false when it was cancelled while queued. */
  private sendBetweenFrames(entry: Queued): boolean {
    if (entry.state !== 'queued') return false;
    entry.state = 'sent';
    try {
      entry.xhr = this.send(...entry.args);
    } catch (e) {
      (entry.args[DEFERRED] as { reject(e: unknown): void }).reject(e);
    }
    return true;
  }

  stats(): TileRequestStats {
    const t = this.queue.stats;
    return { enabled: this.enabled, ...this.s, sent: t.calls, tasks: t.tasks, taskMs: t.taskMs, longestTaskMs: t.longestTaskMs };
  }
}

/** Cesium's Resource._Implementations (Core/Resource.js): the XHR it starts each request with. */
const implementations = (Resource as unknown as { _Implementations: { loadWithXhr: LoadWithXhr } })._Implementations;
let current: TileRequestQueue | null = null;
let cesiumLoad: LoadWithXhr | null = null;

/** The page's queue; Cesium's loadWithXhr goes through it until removed. */
export function installTileRequestQueue(
  rules: TileRequestRules, now?: () => number, schedule?: (run: () => void) => void,
): { queue: TileRequestQueue; remove(): void } {
  if (!cesiumLoad) {
    const load = (cesiumLoad = implementations.loadWithXhr);
    implementations.loadWithXhr = (...args: unknown[]) => (current ? current.load(args) : load(...args));
  }
  const queue = new TileRequestQueue(rules, cesiumLoad, now, schedule);
  current = queue;
  return {
    queue,
    remove() {
      if (current === queue) current = null;
    },
  };
}
