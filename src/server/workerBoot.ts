/**
 * Starting a TypeScript worker_thread: the worker registers tsx's loader itself, which works whether
 * the parent runs under tsx, vitest or compiled JS. Used by the batch screening pool and the tile cutter.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerLike } from '../protocol/workerClient';

/** A Node Worker running `entry` (a file: URL of a .ts module). */
export function bootTsWorker(entry: string): Worker {
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}

/**
 * `bootTsWorker` behind the WorkerLike interface of the worker protocol. A worker that exits
 * without being asked to (killed, out of memory, process.exit) reports an error, so no request
 * waits for an answer that will never come.
 */
export function startTsWorker(entry: string): WorkerLike {
  const worker = bootTsWorker(entry);
  let terminating = false;
  const errorListeners: ((e: { message?: string }) => void)[] = [];
  worker.on('error', (err) => { for (const l of errorListeners) l({ message: err.message }); });
  worker.on('exit', (code) => {
    if (!terminating) for (const l of errorListeners) l({ message: `worker exited with code ${code}` });
  });
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer as never),
    addEventListener: ((type: 'message' | 'error', listener: (e: { data?: unknown; message?: string }) => void) => {
      if (type === 'message') worker.on('message', (data) => listener({ data }));
      else errorListeners.push(listener);
    }) as WorkerLike['addEventListener'],
    terminate: () => { terminating = true; void worker.terminate(); },
  };
}
