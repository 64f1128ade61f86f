/**
 * Who cuts a layer for the tile cache: a worker thread (the server's default: the event loop never
 * waits for a cut), or this thread (a store that is not a SQLite file a worker can open; the bench's
 * "before" peer). One layer at a time: TileCache asks for the next when the last is done.
 */
import type { Worker } from 'node:worker_threads';
import type { UtilityType } from '../../core/model';
import { meshoptReady } from '../../core/tiles/meshopt';
import type { NetworkStore } from '../storage/networkStore';
import { bootTsWorker } from '../workerBoot';
import { RestrictedLinks, cutLayer, type LayerCutOptions } from './layerCut';
import type { CutLayerRequest, RecodeRequest, TileCutReply, TileCutRequest } from './tileCutProtocol';
import { brotliTile, packBytes, unpackLayer, viewOf, type CutLayer } from './tileFiles';

type Ok = Extract<TileCutReply, { ok: true }>;
type Request = Omit<CutLayerRequest, 'id'> | Omit<RecodeRequest, 'id'>;

const TILE_CUT_WORKER = new URL('../../../workers/tileCut.node.ts', import.meta.url).href;

export interface LayerCutter {
  cut(version: number, utility: UtilityType): Promise<CutLayer>;
  /** Each file brotli-coded at `quality`, in order. */
  recode(bodies: readonly Uint8Array[], quality: number): Promise<Buffer[]>;
  /** Nothing more to cut for now: let go of what is held (the worker thread and its memory). */
  release(): void;
  close(): void;
}

/** An error from the worker, with the name it had there (SupersededError when a new version came in). */
function revived(e: { name: string; message: string }): Error {
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class WorkerTileCutter implements LayerCutter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(reply: Ok): void; reject(e: Error): void }>();

  constructor(private readonly databaseFile: string, private readonly options: LayerCutOptions) {}

  /** The worker thread now running, if any (tests kill it to see the cache recover). */
  get thread(): Worker | null {
    return this.worker;
  }

  async cut(version: number, utility: UtilityType): Promise<CutLayer> {
    const reply = await this.send({ type: 'cutLayer', databaseFile: this.databaseFile, version, utility, options: this.options });
    if (!('layer' in reply)) throw new Error('the tile cutter answered a cut without a layer');
    return unpackLayer(reply.layer, reply.buffer);
  }

  async recode(bodies: readonly Uint8Array[], quality: number): Promise<Buffer[]> {
    const { buffer, spans } = packBytes(bodies);
    const reply = await this.send({ type: 'recode', buffer, bodies: spans, brotliQuality: quality }, [buffer]);
    if (!('brotli' in reply)) throw new Error('the tile cutter answered a re-code without brotli bytes');
    return reply.brotli.map((span) => viewOf(reply.buffer, span));
  }

  private send(request: Request, transfer: ArrayBuffer[] = []): Promise<Ok> {
    const worker = this.worker ?? this.boot();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as TileCutRequest, transfer);
    });
  }

  private boot(): Worker {
    const worker = bootTsWorker(TILE_CUT_WORKER);
    this.worker = worker;
    worker.on('message', (reply: TileCutReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply);
      else p.reject(revived(reply.error));
    });
    worker.on('error', (err) => this.lost(worker, err.message));
    worker.on('exit', (code) => this.lost(worker, `the tile cutter's worker thread exited with code ${code}`));
    return worker;
  }

  /** The thread died (killed, out of memory): every cut it held fails now; the next cut starts a new thread. */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return; // released or closed on purpose, or already reported
    this.worker = null;
    void worker.terminate();
    this.failAll(reason);
  }

  private failAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  release(): void {
    if (this.pending.size > 0 || !this.worker) return;
    const worker = this.worker;
    this.worker = null;
    void worker.terminate();
  }

  close(): void {
    const worker = this.worker;
    this.worker = null;
    this.failAll('the server is closing');
    void worker?.terminate();
  }
}

/** Cuts in this thread: each layer blocks the event loop while it is cut (seconds on a large city). */
export class InProcessTileCutter implements LayerCutter {
  private readonly restricted = new RestrictedLinks();

  constructor(private readonly store: NetworkStore, private readonly options: LayerCutOptions) {}

  async cut(version: number, utility: UtilityType): Promise<CutLayer> {
    await meshoptReady;
    await new Promise((resolve) => setImmediate(resolve)); // one layer per turn of the loop, as when each was cut on its first request
    return cutLayer(this.store, version, utility, this.options, this.restricted.of(this.store, version, this.options.restricted));
  }

  async recode(bodies: readonly Uint8Array[], quality: number): Promise<Buffer[]> {
    await new Promise((resolve) => setImmediate(resolve));
    return bodies.map((b) => brotliTile(b, quality));
  }

  release(): void {
    this.restricted.clear();
  }

  close(): void {
    this.restricted.clear();
  }
}
