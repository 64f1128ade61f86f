/**
 * Network-report worker: a thin adapter over core's NetworkReportView. Fetching the large city's
 * clearance report (23.6 MB), parsing it and ordering its ~50,000 findings would block the page for
 * hundreds of milliseconds; here it blocks nothing, and only a summary and one page go back. Errors
 * go back as {name, message, stack, status, code}. Imports no runtime value from cesium or three.
 */
import { lonLatTransform } from '../src/core/crs';
import { NetworkReportView, type NetworkReportKind } from '../src/core/networkReportView';
import { NETWORK_REPORT_REQUEST_TYPES, type NetworkReportRequestMap, type OpenedReport } from '../src/protocol/networkReportProtocol';
import { serializeError, type WorkerResponseEnvelope } from '../src/protocol/workerProtocol';
import { api } from '../src/services/api';

const views = new Map<NetworkReportKind, NetworkReportView>();

type Envelope = { [T in keyof NetworkReportRequestMap]: { id: number; type: T; payload: NetworkReportRequestMap[T]['request'] } }[keyof NetworkReportRequestMap];

async function handle(msg: Envelope): Promise<unknown> {
  switch (msg.type) {
    case 'open': {
      const { kind, version, frame } = msg.payload;
      const answer = await api.networkReport(version, kind);
      if (answer.status === 'computing') return answer satisfies OpenedReport;
      const t0 = performance.now();
      const view = new NetworkReportView(JSON.parse(new TextDecoder().decode(answer.bytes)) as unknown, kind, frame ? lonLatTransform(frame).fromLocal : null);
      views.set(kind, view);
      return { status: 'ready', summary: view.summary, parseMs: performance.now() - t0 } satisfies OpenedReport;
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

/** Requests run one at a time in arrival order (an open's fetch included), as the screening worker's. */
let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (event: MessageEvent<Envelope | { id: number; type: 'cancel' }>) => {
  const msg = event.data;
  if (msg.type === 'cancel') return; // requests run to completion; the client has dropped the answer
  queue = queue.then(async () => {
    let reply: WorkerResponseEnvelope;
    try {
      reply = { id: msg.id, ok: true, result: await handle(msg) };
    } catch (e) {
      reply = { id: msg.id, ok: false, error: serializeError(e) };
    }
    self.postMessage(reply);
  });
});
