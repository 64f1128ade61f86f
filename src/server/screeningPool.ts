/**
 * Batch screening on the server across worker_threads: the network is shared memory (one copy for
 * all threads), works are split into one chunk per thread. Used for batch re-screening and the bench.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Excavation } from '../core/screening/excavation';
import type { ScreeningResult, ScreeningSummary } from '../core/screening/screen';
import type { SharedScreeningData } from '../core/screening/sharedTable';
import type { WorkerLike } from '../protocol/workerClient';
import { defaultPoolSize, WorkerPool } from '../protocol/workerPool';

const BATCH_WORKER = new URL('../../workers/screeningBatch.node.ts', import.meta.url).href;

/**
 * Starts a TypeScript worker: the worker registers tsx's loader itself, which works whether the
 * parent runs under tsx, vitest or compiled JS.
 */
function startTsWorker(entry: string): WorkerLike {
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, { eval: true });
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer as never),
    addEventListener: ((type: 'message' | 'error', listener: (e: { data?: unknown; message?: string }) => void) => {
      if (type === 'message') worker.on('message', (data) => listener({ data }));
      else worker.on('error', (err) => listener({ message: err.message }));
    }) as WorkerLike['addEventListener'],
    terminate: () => void worker.terminate(),
  };
}

export class ScreeningThreadPool {
  private constructor(private readonly pool: WorkerPool) {}

  static async start(data: SharedScreeningData, rules: unknown, size = defaultPoolSize(availableParallelism() + 1)): Promise<ScreeningThreadPool> {
    const pool = new WorkerPool({ size, createWorker: () => startTsWorker(BATCH_WORKER) });
    await pool.broadcast('loadTable', { data, rules });
    return new ScreeningThreadPool(pool);
  }

  get size(): number {
    return this.pool.size;
  }

  /** Screens every work; results in the order of `works`. */
  async screenBatch(works: Excavation[], ruleSetId: string, detail: 'full' | 'summary' = 'full'): Promise<(ScreeningResult | { summary: ScreeningSummary })[]> {
    const chunk = Math.ceil(works.length / this.pool.size);
    const parts = await Promise.all(Array.from({ length: this.pool.size }, (_, i) => {
      const slice = works.slice(i * chunk, (i + 1) * chunk);
      return slice.length ? this.pool.requestOn(i, 'screenBatch', { works: slice, ruleSetId, detail }) : Promise.resolve({ results: [], ms: 0 });
    }));
    return parts.flatMap((p) => p.results);
  }

  dispose(): void {
    this.pool.dispose();
  }
}
