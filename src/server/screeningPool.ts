/**
 * Batch screening on the server across worker_threads: the network is shared memory (one copy for
 * all threads), works are pulled by the threads in chunks. Works are in the local frame; each is
 * screened at the frame's scale where it lies (src/core/frameScale.ts, the bound DigScreener applies),
 * so a work kilometres off the frame's meridian is rated as on the lon/lat paths. Used by the batch
 * bench (bench/batch.ts); no user-facing route screens through it yet (the API, permits and the
 * re-screen after an import go through ScreeningService's DigScreener).
 */
import { availableParallelism } from 'node:os';
import type { Excavation } from '../core/screening/excavation';
import type { ScreeningResult, ScreeningSummary } from '../core/screening/screen';
import type { SharedScreeningData } from '../core/screening/sharedTable';
import type { SegmentTable } from '../core/screening/segmentTable';
import { packWorks, readSummary } from '../core/screening/batchCodec';
import { defaultPoolSize, WorkerPool } from '../protocol/workerPool';
import { startTsWorker } from './workerBoot';

const BATCH_WORKER = new URL('../../workers/screeningBatch.node.ts', import.meta.url).href;

/** Permits per chunk: about BATCH_CHUNKS_PER_THREAD chunks per thread, within [MIN, MAX] permits. */
export const BATCH_CHUNKS_PER_THREAD = 16;
export const MIN_BATCH_CHUNK = 32;
export const MAX_BATCH_CHUNK = 1024;

export function batchChunkSize(works: number, threads: number): number {
  return Math.max(MIN_BATCH_CHUNK, Math.min(MAX_BATCH_CHUNK, Math.ceil(works / (threads * BATCH_CHUNKS_PER_THREAD))));
}

export class ScreeningThreadPool {
  private constructor(private readonly pool: WorkerPool, private readonly network: SegmentTable) {}

  static async start(data: SharedScreeningData, rules: unknown, size = defaultPoolSize(availableParallelism() + 1)): Promise<ScreeningThreadPool> {
    const pool = new WorkerPool({ size, createWorker: () => startTsWorker(BATCH_WORKER) });
    await pool.broadcast('loadTable', { data, rules });
    return new ScreeningThreadPool(pool, data.table);
  }

  get size(): number {
    return this.pool.size;
  }

  /**
   * Screens every work; results in the order of `works`. The works go out in chunks that each thread
   * pulls when it finishes its last one (a shared cursor, not an even split), so a thread slowed by
   * big works or a busy core does not hold the batch back. A chunk travels as numbers (batchCodec.ts:
   * plain open cuts in one transferred Float64Array, 'summary' answers as counts), not as thousands
   * of cloned objects: cloning 10,000 works and their summaries (v8 serialize + deserialize) took
   * 60–300 ms on a busy 2-core machine, against about 340 ms of screening.
   */
  async screenBatch(works: Excavation[], ruleSetId: string, detail: 'full' | 'summary' = 'full'): Promise<(ScreeningResult | { summary: ScreeningSummary })[]> {
    const out = new Array<ScreeningResult | { summary: ScreeningSummary }>(works.length);
    const chunk = batchChunkSize(works.length, this.pool.size);
    let cursor = 0;
    const drain = async (thread: number): Promise<void> => {
      while (cursor < works.length) {
        const start = cursor;
        cursor = Math.min(works.length, cursor + chunk);
        // Plain open cuts go as one transferred Float64Array, summaries come back as one (batchCodec.ts).
        const packed = packWorks(works.slice(start, cursor));
        const { results, counts } = await this.pool.requestOn(thread, 'screenBatch', { works: [], packed, ruleSetId, detail },
          { transfer: [packed.numbers.buffer as ArrayBuffer] });
        if (counts) for (let i = 0; i < packed.count; i++) out[start + i] = { summary: readSummary(counts, i, this.network) };
        else for (let i = 0; i < results.length; i++) out[start + i] = results[i]!;
      }
    };
    await Promise.all(Array.from({ length: this.pool.size }, (_, i) => drain(i)));
    return out;
  }

  dispose(): void {
    this.pool.dispose();
  }
}
