/**
 * Batch screening in a Node worker_thread: a thin adapter over core's screenExcavation. The network
 * arrives once as shared memory (loadTable); each screenBatch screens its works against it, each with
 * the rules at the local frame's scale where it lies (frameScale.ts, as DigScreener does).
 */
import { parentPort } from 'node:worker_threads';
import type Flatbush from 'flatbush';
import { frameScaler, workReach } from '../src/core/frameScale';
import { validateScreeningRules, type ScreeningRules } from '../src/core/screening/rules';
import { screenExcavation, screenExcavationSummary } from '../src/core/screening/screen';
import type { SegmentTable } from '../src/core/screening/segmentTable';
import { indexFromShared } from '../src/core/screening/sharedTable';
import { SUMMARY_STRIDE, unpackWorks, writeSummary } from '../src/core/screening/batchCodec';
import {
  isWorkerRequestType, serializeError, unknownTypeError,
  type WorkerRequestEnvelope, type WorkerRequestMap, type WorkerResponseEnvelope,
} from '../src/protocol/workerProtocol';

let state: { table: SegmentTable; index: Flatbush; rules: ScreeningRules; rulesAt: (maxAbsX: number) => ScreeningRules } | null = null;

function handle(msg: WorkerRequestEnvelope): unknown {
  switch (msg.type) {
    case 'loadTable': {
      const { data, rules } = msg.payload as WorkerRequestMap['loadTable']['request'];
      const valid = validateScreeningRules(rules);
      state = { table: data.table, index: indexFromShared(data), rules: valid, rulesAt: frameScaler(valid, data.table.maxCentrelineDepth) };
      return { segments: data.table.segmentCount };
    }
    case 'screenBatch': {
      if (!state) throw new Error('screenBatch: no network loaded (send loadTable first)');
      const { works: sent, packed, ruleSetId, detail } = msg.payload as WorkerRequestMap['screenBatch']['request'];
      const t0 = performance.now();
      const { table, index, rulesAt } = state;
      const works = packed ? unpackWorks(packed) : sent;
      // Far from the frame's meridian every threshold is scaled by the frame's scale at the work (frameScale.ts).
      const rulesOf = (w: (typeof works)[number]) => rulesAt(workReach(w));
      if (detail === 'summary') {
        // No rows are built: the counts come straight from the verdicts, and go back as numbers.
        const summaries = works.map((w) => screenExcavationSummary(table, index, w, rulesOf(w), ruleSetId));
        if (!packed) return { results: summaries.map((summary) => ({ summary })), ms: performance.now() - t0 };
        const counts = new Float64Array(works.length * SUMMARY_STRIDE);
        summaries.forEach((s, i) => writeSummary(counts, i, s));
        return { results: [], counts, ms: performance.now() - t0 };
      }
      return { results: works.map((w) => screenExcavation(table, index, w, rulesOf(w), ruleSetId)), ms: performance.now() - t0 };
    }
    default:
      throw unknownTypeError(msg.type);
  }
}

parentPort!.on('message', (msg: WorkerRequestEnvelope | { id: number; type: 'cancel' }) => {
  if (msg.type === 'cancel') return; // requests run to completion; the client drops the answer
  let reply: WorkerResponseEnvelope;
  try {
    if (!isWorkerRequestType(msg.type)) throw unknownTypeError(msg.type);
    reply = { id: msg.id, ok: true, result: handle(msg as WorkerRequestEnvelope) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: serializeError(e) };
  }
  const counts = reply.ok ? (reply.result as { counts?: Float64Array }).counts : undefined;
  parentPort!.postMessage(reply, counts ? [counts.buffer as ArrayBuffer] : []);
});
