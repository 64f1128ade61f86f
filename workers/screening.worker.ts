/**
 * Screening worker: a thin adapter over core's DigScreener. Takes a message, calls core, replies;
 * errors go back as {name, message, stack, field}. Imports no runtime value from cesium or three.
 */
import rulesTable from '../data/rules/screening.json';
import { DigScreener } from '../src/core/digScreening';
import { decodeLayer } from '../src/protocol/layerPayload';
import {
  isWorkerRequestType, serializeError, unknownTypeError,
  type CancelEnvelope, type WorkerRequestEnvelope, type WorkerRequestMap, type WorkerResponseEnvelope,
} from '../src/protocol/workerProtocol';

const screener = new DigScreener(rulesTable);

function handle(msg: WorkerRequestEnvelope): unknown {
  const t0 = performance.now();
  switch (msg.type) {
    case 'loadNetwork': {
      const { layers } = msg.payload as WorkerRequestMap['loadNetwork']['request'];
      if (layers.length === 0) throw new RangeError('loadNetwork: no layers given');
      const links = layers.flatMap(decodeLayer);
      const loaded = screener.load(links, layers[0]!.frame, layers[0]!.version);
      return { version: layers[0]!.version, ...loaded, ms: performance.now() - t0 };
    }
    case 'screenDig': {
      const result = screener.screen(msg.payload);
      return { ...result, ms: performance.now() - t0 };
    }
    case 'screenWorks': {
      const result = screener.screenWorks(msg.payload);
      return { ...result, ms: performance.now() - t0 };
    }
    default:
      throw unknownTypeError((msg as { type: unknown }).type);
  }
}

self.addEventListener('message', (event: MessageEvent<WorkerRequestEnvelope | CancelEnvelope>) => {
  const msg = event.data;
  // Requests run to completion in arrival order, so a cancel always arrives too late to stop one;
  // the client has already rejected the caller and drops the answer.
  if (msg.type === 'cancel') return;
  let reply: WorkerResponseEnvelope;
  try {
    if (!isWorkerRequestType(msg.type)) throw unknownTypeError(msg.type);
    reply = { id: msg.id, ok: true, result: handle(msg) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: serializeError(e) };
  }
  self.postMessage(reply);
});
