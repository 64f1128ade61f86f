/**
 * Network-report worker: a thin adapter over core's NetworkReportView. Parsing the large city's
 * clearance report (23.7 MB) and ordering its ~50,000 findings would block the page for hundreds of
 * milliseconds; here it blocks nothing, and only a summary and one page go back. Errors go back as
 * {name, message, stack}. Imports no runtime value from cesium or three.
 */
import { lonLatTransform } from '../src/core/crs';
import { NetworkReportView, type NetworkReportKind } from '../src/core/networkReportView';
import { NETWORK_REPORT_REQUEST_TYPES, type NetworkReportRequestMap } from '../src/protocol/networkReportProtocol';
import { serializeError, type WorkerResponseEnvelope } from '../src/protocol/workerProtocol';

const views = new Map<NetworkReportKind, NetworkReportView>();

type Envelope = { [T in keyof NetworkReportRequestMap]: { id: number; type: T; payload: NetworkReportRequestMap[T]['request'] } }[keyof NetworkReportRequestMap];

function handle(msg: Envelope): unknown {
  switch (msg.type) {
    case 'open': {
      const t0 = performance.now();
      const { kind, bytes, frame } = msg.payload;
      const view = new NetworkReportView(JSON.parse(new TextDecoder().decode(bytes)) as unknown, kind, frame ? lonLatTransform(frame).fromLocal : null);
      views.set(kind, view);
      return { summary: view.summary, parseMs: performance.now() - t0 } satisfies NetworkReportRequestMap['open']['response'];
    }
    case 'page': {
      const view = views.get(msg.payload.kind);
      if (!view) throw new RangeError(`page: no ${msg.payload.kind} report opened (send open first)`);
      return view.page(msg.payload.query);
    }
    default:
      throw new TypeError(`unknown worker request type ${JSON.stringify((msg as { type: unknown }).type)}; known: ${NETWORK_REPORT_REQUEST_TYPES.join(', ')}`);
  }
}

self.addEventListener('message', (event: MessageEvent<Envelope | { id: number; type: 'cancel' }>) => {
  const msg = event.data;
  if (msg.type === 'cancel') return; // requests are short and run to completion; the client drops the answer
  let reply: WorkerResponseEnvelope;
  try {
    reply = { id: msg.id, ok: true, result: handle(msg) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: serializeError(e) };
  }
  self.postMessage(reply);
});
