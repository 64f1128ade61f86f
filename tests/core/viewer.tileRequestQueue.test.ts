/**
 * Tile requests sent between frames (src/viewer/tileRequestQueue.ts): its rule on a clock and a task
 * queue the test drives, and, through Cesium 1.140's own Resource.fetchArrayBuffer and
 * RequestScheduler against a real HTTP server on 127.0.0.1, that a request Cesium starts is sent only
 * between frames, arrives with its bytes, and one cancelled while queued is never sent while Cesium's
 * promise and counts behave as without the queue. A Cesium upgrade that starts requests otherwise
 * than through Resource._Implementations.loadWithXhr, or cancels them otherwise, fails here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Request, RequestScheduler, RequestState, RequestType, Resource } from 'cesium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTileRequestQueue, TileRequestQueue, type LoadWithXhr } from '../../src/viewer/tileRequestQueue';
import { harness } from './viewer.taskHarness';

const RULES = { budgetMs: 20 };
/** Core/RequestScheduler.js and Core/Request.js, as Cesium's frames use them (private in the typings). */
const Scheduler = RequestScheduler as unknown as { statistics: { numberOfActiveRequests: number }; update(): void };
const cancel = (r: Request) => (r as unknown as { cancel(): void }).cancel();

/** A stand-in for Cesium's loadWithXhr that costs `ms` per call and records what it sent and aborted. */
function sender(h: ReturnType<typeof harness>, ms: number) {
  const sent: string[] = [], aborted: string[] = [];
  const send: LoadWithXhr = (...args) => {
    h.pass(ms);
    const url = args[0] as string;
    if (url === 'throws') throw new Error('bad header');
    sent.push(url);
    return { abort: () => aborted.push(url) };
  };
  return { sent, aborted, send };
}

const deferred = () => {
  const d: { reject(e: unknown): void; rejected: unknown[] } = { rejected: [], reject: (e) => d.rejected.push(e) };
  return d;
};

describe('TileRequestQueue: requests sent in tasks between frames', () => {
  it('sends nothing when called, then in order in tasks of 20 ms, at least one each', () => {
    const h = harness(), x = sender(h, 8), q = new TileRequestQueue(RULES, x.send, h.now, h.schedule);
    const urls = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const xhrs = urls.map((u) => q.load([u, 'arraybuffer', 'GET', undefined, {}, deferred()]));
    expect(x.sent).toEqual([]);
    expect(xhrs.every((xhr) => typeof xhr?.abort === 'function')).toBe(true);
    expect(h.drain()).toBe(3); // 0, 8, 16 ms start under 20: 3 + 3 + 1
    expect(x.sent).toEqual(urls);
    expect(q.stats()).toMatchObject({ queued: 7, sent: 7, cancelledQueued: 0, tasks: 3, longestTaskMs: 24 });

    const slow = new TileRequestQueue(RULES, sender(h, 50).send, h.now, h.schedule);
    slow.load(['x']); slow.load(['y']);
    expect(h.drain()).toBe(2); // one request over the budget still goes, alone
  });

  it('never sends a request aborted while queued; forwards an abort after sending to the real XHR', () => {
    const h = harness(), x = sender(h, 1), q = new TileRequestQueue(RULES, x.send, h.now, h.schedule);
    const [a, b, c] = ['a', 'b', 'c'].map((u) => q.load([u, 'arraybuffer', 'GET', undefined, {}, deferred()]));
    b!.abort();
    b!.abort();
    h.drain();
    expect(x.sent).toEqual(['a', 'c']);
    a!.abort();
    expect(x.aborted).toEqual(['a']);
    expect(q.stats()).toMatchObject({ queued: 3, sent: 2, cancelledQueued: 1 });
    void c;
  });

  it('rejects the request’s deferred when the real call throws, and sends at once when off', () => {
    const h = harness(), x = sender(h, 1), q = new TileRequestQueue(RULES, x.send, h.now, h.schedule);
    const d = deferred();
    q.load(['throws', 'arraybuffer', 'GET', undefined, {}, d]);
    q.load(['after']);
    h.drain();
    expect(d.rejected).toHaveLength(1);
    expect(x.sent).toEqual(['after']);
    q.enabled = false;
    q.load(['now']);
    expect(x.sent).toEqual(['after', 'now']);
    expect(h.drain()).toBe(0);
  });
});

describe('installTileRequestQueue: Cesium 1.140 Resource and RequestScheduler', () => {
  let server: Server;
  let base = '';
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from(req.url ?? ''));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('has Cesium’s tile requests sent between frames, with their bytes, and a cancelled one never sent', async () => {
    // What the queue relies on: Cesium starts a request's XHR through this one replaceable function.
    const defaults = (Resource as unknown as { _DefaultImplementations: { loadWithXhr: LoadWithXhr } })._DefaultImplementations;
    expect(defaults.loadWithXhr.length).toBe(7); // (url, responseType, method, data, headers, deferred, overrideMimeType)
    const h = harness();
    const { queue, remove } = installTileRequestQueue(RULES, h.now, h.schedule);
    try {
      const active = () => Scheduler.statistics.numberOfActiveRequests;
      const before = active();
      const requests = [1, 2, 3].map(() => new Request({ throttle: true, throttleByServer: true, type: RequestType.TILES3D }));
      const promises = requests.map((request, i) => new Resource({ url: `${base}tile/${i + 1}.glb`, request }).fetchArrayBuffer()!);
      const outcomes = promises.map((p) => p.then((b) => new TextDecoder().decode(b as ArrayBuffer), () => 'rejected'));
      Scheduler.update(); // in a frame: Cesium starts the three requests
      expect(requests.map((r) => r.state)).toEqual([RequestState.ACTIVE, RequestState.ACTIVE, RequestState.ACTIVE]);
      expect(active() - before).toBe(3); // queued counts as in flight, as before
      expect(queue.stats()).toMatchObject({ queued: 3, sent: 0 });

      cancel(requests[1]!); // the tile is no longer wanted
      Scheduler.update(); // the next frame: Cesium cancels it, rejecting its promise, and calls its cancelFunction
      expect(requests[1]!.state).toBe(RequestState.CANCELLED);
      expect(active() - before).toBe(2);
      expect(await outcomes[1]).toBe('rejected');

      expect(h.drain()).toBe(1); // between frames: the two others sent
      expect(await outcomes[0]).toBe('/tile/1.glb');
      expect(await outcomes[2]).toBe('/tile/3.glb');
      expect(hits).toEqual(['/tile/1.glb', '/tile/3.glb']);
      expect(requests.map((r) => r.state)).toEqual([RequestState.RECEIVED, RequestState.CANCELLED, RequestState.RECEIVED]);
      expect(active()).toBe(before);
      expect(queue.stats()).toMatchObject({ queued: 3, sent: 2, cancelledQueued: 1, tasks: 1 });
    } finally {
      remove();
    }
  });
});
