/**
 * A fixed pool of workers speaking the worker protocol, in the browser (Web Workers) and in Node
 * (worker_threads, through an adapter): `createWorker` is injected, concurrency is the pool size,
 * each request goes to the least busy worker, `broadcast` reaches every worker (e.g. to load the
 * network), and `dispose()` terminates them all.
 */
import { WorkerClient, type WorkerLike } from './workerClient';
import type { WorkerRequestMap, WorkerRequestType } from './workerProtocol';

export interface WorkerPoolOptions {
  size: number;
  createWorker: (index: number) => WorkerLike;
}

/** Workers to start for `hardwareConcurrency` cores: leave one for the page or the event loop. */
export function defaultPoolSize(hardwareConcurrency: number | undefined, max = 8): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return Math.max(1, Math.min(max, cores - 1));
}

export class WorkerPool {
  private readonly clients: WorkerClient[];
  private readonly busy: number[];

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`WorkerPool: size must be a positive integer; got ${options.size}`);
    this.clients = Array.from({ length: options.size }, (_, i) => new WorkerClient(options.createWorker(i)));
    this.busy = this.clients.map(() => 0);
  }

  get size(): number {
    return this.clients.length;
  }

  /** Sends to the least busy worker. */
  request<T extends WorkerRequestType>(type: T, payload: WorkerRequestMap[T]['request'], options: { transfer?: Transferable[]; signal?: AbortSignal } = {}): Promise<WorkerRequestMap[T]['response']> {
    let pick = 0;
    for (let i = 1; i < this.busy.length; i++) if (this.busy[i]! < this.busy[pick]!) pick = i;
    return this.requestOn(pick, type, payload, options);
  }

  /** Sends to one given worker, e.g. one chunk of a batch per worker. */
  async requestOn<T extends WorkerRequestType>(index: number, type: T, payload: WorkerRequestMap[T]['request'], options: { transfer?: Transferable[]; signal?: AbortSignal } = {}): Promise<WorkerRequestMap[T]['response']> {
    const client = this.clients[index];
    if (!client) throw new RangeError(`WorkerPool.requestOn: no worker ${index} in a pool of ${this.clients.length}`);
    this.busy[index]!++;
    try {
      return await client.request(type, payload, options);
    } finally {
      this.busy[index]!--;
    }
  }

  /** The same request to every worker (payload cloned for each; nothing is transferred). */
  broadcast<T extends WorkerRequestType>(type: T, payload: WorkerRequestMap[T]['request']): Promise<WorkerRequestMap[T]['response'][]> {
    return Promise.all(this.clients.map((_, i) => this.requestOn(i, type, payload)));
  }

  dispose(): void {
    for (const c of this.clients) c.dispose();
  }
}
