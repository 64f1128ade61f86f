/**
 * The network reports' worker thread: a thin adapter over src/server/networkReportsJob.ts. It opens
 * the network's SQLite file read-only, computes both reports of the version in force from one
 * snapshot, says as each step begins, and sends the encoded reports back in one transferred
 * ArrayBuffer. One job per thread: the server ends the thread after it (its memory goes with it).
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../src/protocol/workerProtocol';
import { computeNetworkReports, loadNetworkReportRules, packReports, type ReportsJobMessage, type ReportsJobRequest } from '../src/server/networkReportsJob';
import { SqliteNetworkStore } from '../src/server/storage/sqliteNetworkStore';

const post = (m: ReportsJobMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

parentPort!.once('message', (job: ReportsJobRequest) => {
  let store: SqliteNetworkStore | null = null;
  try {
    store = new SqliteNetworkStore(job.databaseFile, { readonly: true });
    const computed = computeNetworkReports(store, loadNetworkReportRules(job.rulesDir), job.restricted, (step) => post({ type: 'step', step }), job.brotliQuality);
    if (!computed) return post({ type: 'done', packed: null, buffer: null });
    const { packed, buffer } = packReports(computed);
    post({ type: 'done', packed, buffer }, [buffer]);
  } catch (e) {
    post({ type: 'failed', error: serializeError(e) });
  } finally {
    store?.close();
  }
});
