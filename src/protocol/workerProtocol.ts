/**
 * The typed protocol between the main thread and the screening worker: one map from each request
 * type to its payload and response, envelopes with ids, cancellation, and errors that cross the
 * boundary as plain {name, message, stack}.
 */
import type { LayerPayload } from './layerPayload';
import type { LineGeometry } from './lineGeometry';
import type { DigRequest, DigScreening, WorksRequest, WorksScreening } from '../core/digScreening';
import type { Excavation } from '../core/screening/excavation';
import type { PackedWorks } from '../core/screening/batchCodec';
import type { ScreeningResult, ScreeningSummary } from '../core/screening/screen';
import type { SharedScreeningData } from '../core/screening/sharedTable';

export interface WorkerRequestMap {
  /** Replace the worker's network with these layers (all of one network version). */
  loadNetwork: { request: { layers: LayerPayload[] }; response: { version: number; links: number; segments: number; indexBytes: number; ms: number } };
  /**
   * One layer's JSON as bytes (tiles mode): the main thread fetches it once, unparsed, and each worker
   * gets a copy, parses it and keeps it until `loadFetched` of the same version; the main thread
   * never holds the parsed layers, and the server answers (and audits) each layer once.
   */
  addLayerBytes: { request: { version: number; utility: string; bytes: ArrayBuffer }; response: { utility: string; links: number; ms: number } };
  /** Replace the worker's network with the layers received for this version (as loadNetwork). */
  loadFetched: { request: { version: number }; response: { version: number; links: number; segments: number; indexBytes: number; ms: number } };
  /** The geometry of these lines (lineGeometry.ts), from the layers the worker holds; unknown ids are left out. */
  lineGeometry: { request: { ids: string[] }; response: { lines: LineGeometry[] } };
  screenDig: { request: DigRequest; response: DigScreening & { ms: number } };
  /** Several works of any kind as one permit (src/core/screening/digWorks.ts). */
  screenWorks: { request: WorksRequest; response: WorksScreening & { ms: number } };
  /** Batch screening (server): the network as shared memory, and the rules table to validate. */
  loadTable: { request: { data: SharedScreeningData; rules: unknown }; response: { segments: number } };
  /** Screens each work on its own; `detail: 'summary'` returns counts only (cheap to send back). */
  screenBatch: {
    /** `packed` (batchCodec.ts), when given, holds the works instead of `works`. */
    request: { works: Excavation[]; ruleSetId: string; detail: 'full' | 'summary'; packed?: PackedWorks };
    /** With `packed` and 'summary', the summaries come as `counts` (batchCodec.ts) and `results` is empty. */
    response: { results: (ScreeningResult | { summary: ScreeningSummary })[]; ms: number; counts?: Float64Array };
  };
}

export type WorkerRequestType = keyof WorkerRequestMap;
export const WORKER_REQUEST_TYPES: readonly WorkerRequestType[] = [
  'loadNetwork', 'addLayerBytes', 'loadFetched', 'lineGeometry', 'screenDig', 'screenWorks', 'loadTable', 'screenBatch',
];

export interface WorkerRequestEnvelope<T extends WorkerRequestType = WorkerRequestType> {
  id: number;
  type: T;
  payload: WorkerRequestMap[T]['request'];
}

export interface CancelEnvelope {
  id: number;
  type: 'cancel';
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  field?: string;
  /** An HTTP refusal met in the worker (services/api.ts ApiError): its status and code. */
  status?: number;
  code?: string;
}

export type WorkerResponseEnvelope =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: SerializedError };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const { field, status, code } = e as { field?: unknown; status?: unknown; code?: unknown };
    return {
      name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}), ...(typeof field === 'string' ? { field } : {}),
      ...(typeof status === 'number' ? { status } : {}), ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

export function isWorkerRequestType(type: unknown): type is WorkerRequestType {
  return typeof type === 'string' && (WORKER_REQUEST_TYPES as readonly string[]).includes(type);
}

export function unknownTypeError(type: unknown): Error {
  return new TypeError(`unknown worker request type ${JSON.stringify(type)}; known: ${WORKER_REQUEST_TYPES.join(', ')}`);
}
