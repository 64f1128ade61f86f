/**
 * A typed client over one worker: request/response by id, transfer lists, AbortSignal
 * cancellation (an aborted request rejects with an AbortError, which callers never log as a failure).
 * Typed by a request map: the screening worker's (workerProtocol.ts) by default, or another
 * worker's own (networkReportProtocol.ts).
 */
import type { SerializedError, WorkerRequestMap, WorkerResponseEnvelope } from './workerProtocol';

/** The part of a Worker we use; a Node worker_threads adapter satisfies it too. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (e: { message?: string }) => void): void;
  terminate(): void;
}

export class WorkerError extends Error {
  readonly field: string | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  constructor(e: SerializedError) {
    super(e.message);
    this.name = e.name;
    this.field = e.field;
    this.status = e.status;
    this.code = e.code;
  }
}

/** Each request type's payload and response, as workerProtocol.ts `WorkerRequestMap` is written. */
export type RequestMap<M> = { [K in keyof M]: { request: unknown; response: unknown } };

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class WorkerClient<M extends RequestMap<M> = WorkerRequestMap> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', (e) => this.onMessage(e.data as WorkerResponseEnvelope));
    worker.addEventListener('error', (e) => this.fail(new Error(`worker failed: ${e.message ?? 'unknown error'}`)));
  }

  request<T extends keyof M & string>(
    type: T,
    payload: M[T]['request'],
    options: { transfer?: Transferable[]; signal?: AbortSignal } = {},
  ): Promise<M[T]['response']> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(new DOMException('screening request aborted', 'AbortError'));
        return;
      }
      const onAbort = () => {
        this.pending.delete(id);
        this.worker.postMessage({ id, type: 'cancel' });
        reject(new DOMException('screening request aborted', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => { signal?.removeEventListener('abort', onAbort); resolve(v as M[T]['response']); },
        reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
      });
      const envelope = { id, type, payload };
      this.worker.postMessage(envelope, options.transfer ?? []);
    });
  }

  private onMessage(msg: WorkerResponseEnvelope): void {
    const p = this.pending.get(msg.id);
    if (!p) return; // cancelled
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new WorkerError(msg.error));
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  dispose(): void {
    this.fail(new Error('worker client disposed'));
    this.worker.terminate();
  }
}
