/**
 * Screening worker: a thin adapter over core's DigScreener. Takes a message, calls core, replies;
 * errors go back as {name, message, stack, field}. Imports no runtime value from cesium or three.
 * In tiles mode it parses the JSON layers itself from the bytes the main thread fetched
 * (addLayerBytes, then loadFetched) and answers the viewer's few questions about single lines
 * (lineGeometry), so the main thread never holds them parsed.
 */
import rulesTable from '../data/rules/screening.json';
import { DigScreener } from '../src/core/digScreening';
import { decodeLayer, type LayerPayload } from '../src/protocol/layerPayload';
import { LineGeometryStore } from '../src/protocol/lineGeometry';
import {
  isWorkerRequestType, serializeError, unknownTypeError,
  type CancelEnvelope, type WorkerRequestEnvelope, type WorkerRequestMap, type WorkerResponseEnvelope,
} from '../src/protocol/workerProtocol';

const screener = new DigScreener(rulesTable);
const geometry = new LineGeometryStore();
/** Layers received for a version and not yet loaded into the screener. */
let fetched: { version: number; layers: LayerPayload[] } = { version: -1, layers: [] };

function load(layers: readonly LayerPayload[], t0: number): WorkerRequestMap['loadNetwork']['response'] {
  if (layers.length === 0) throw new RangeError('loadNetwork: no layers given');
  const links = layers.flatMap(decodeLayer);
  const loaded = screener.load(links, layers[0]!.frame, layers[0]!.version);
  geometry.clear();
  for (const l of layers) geometry.add(l);
  return { version: layers[0]!.version, ...loaded, ms: performance.now() - t0 };
}

function parseLayer(version: number, utility: string, bytes: ArrayBuffer): LayerPayload {
  const payload = JSON.parse(new TextDecoder().decode(bytes)) as LayerPayload;
  if (payload.version !== version || payload.utility !== utility) {
    throw new RangeError(`addLayerBytes: got layer ${payload.utility} of version ${payload.version}, expected ${utility} of version ${version}`);
  }
  return payload;
}

async function handle(msg: WorkerRequestEnvelope): Promise<unknown> {
  const t0 = performance.now();
  switch (msg.type) {
    case 'loadNetwork': {
      const { layers } = msg.payload as WorkerRequestMap['loadNetwork']['request'];
      return load(layers, t0);
    }
    case 'addLayerBytes': {
      const { version, utility, bytes } = msg.payload as WorkerRequestMap['addLayerBytes']['request'];
      const payload = parseLayer(version, utility, bytes);
      if (fetched.version !== version) fetched = { version, layers: [] };
      // A layer fetched again (a retry after a partial load) replaces its earlier copy: never screened twice.
      fetched.layers = [...fetched.layers.filter((l) => l.utility !== payload.utility), payload];
      return { utility: payload.utility, links: payload.ids.length, ms: performance.now() - t0 };
    }
    case 'loadFetched': {
      const { version } = msg.payload as WorkerRequestMap['loadFetched']['request'];
      if (fetched.version !== version) throw new RangeError(`loadFetched: no layers received for version ${version}`);
      const layers = fetched.layers;
      fetched = { version: -1, layers: [] };
      return load(layers, t0);
    }
    case 'lineGeometry': {
      const { ids } = msg.payload as WorkerRequestMap['lineGeometry']['request'];
      return { lines: geometry.many(ids) };
    }
    case 'screenDig': {
      const result = screener.screen(msg.payload as WorkerRequestMap['screenDig']['request']);
      return { ...result, ms: performance.now() - t0 };
    }
    case 'screenWorks': {
      const result = screener.screenWorks(msg.payload as WorkerRequestMap['screenWorks']['request']);
      return { ...result, ms: performance.now() - t0 };
    }
    default:
      throw unknownTypeError((msg as { type: unknown }).type);
  }
}

/** Requests run one at a time in arrival order, the asynchronous ones (fetches) included. */
let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (event: MessageEvent<WorkerRequestEnvelope | CancelEnvelope>) => {
  const msg = event.data;
  // A cancel always arrives too late to stop a request that is running; the client has already
  // rejected the caller and drops the answer.
  if (msg.type === 'cancel') return;
  queue = queue.then(async () => {
    let reply: WorkerResponseEnvelope;
    try {
      if (!isWorkerRequestType(msg.type)) throw unknownTypeError(msg.type);
      reply = { id: msg.id, ok: true, result: await handle(msg) };
    } catch (e) {
      reply = { id: msg.id, ok: false, error: serializeError(e) };
    }
    try {
      self.postMessage(reply);
    } catch (e) {
      // An answer that cannot be cloned must not break the queue for every later request.
      self.postMessage({ id: msg.id, ok: false, error: serializeError(e) } satisfies WorkerResponseEnvelope);
    }
  }).catch(() => undefined);
});
