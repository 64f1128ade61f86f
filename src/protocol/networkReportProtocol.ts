/**
 * The typed protocol between the main thread and the network-report worker
 * (workers/networkReport.worker.ts). The worker fetches a report itself (services/api.ts, the one
 * HTTP client; the session cookie goes with a same-origin fetch from a worker too), parses it and
 * holds the view (core/networkReportView.ts), answering with a summary and one page of rows at a
 * time: the large city's 23.6 MB body never reaches the main thread (assembling it into one buffer
 * there alone took 35-52 ms of main-thread CPU, bench/reportPanel.ts). A refusal comes back as a
 * WorkerError with the server's status and code (404 stale_version).
 */
import type { LocalFrame } from '../core/crs';
import type { NetworkReportKind, ReportPage, ReportQuery, ReportSummary } from '../core/networkReportView';

export type OpenedReport =
  | { status: 'ready'; summary: ReportSummary; parseMs: number }
  /** The server is still computing it (503): ask again after retryAfterS (null: the header gave none). */
  | { status: 'computing'; retryAfterS: number | null; message: string | null; progress: { step: number; steps: number } | null };

export interface NetworkReportRequestMap {
  /** Fetch a report of this network version, parse it and keep it as `kind`'s (replacing that kind's earlier one). */
  open: { request: { kind: NetworkReportKind; version: number; frame: LocalFrame | null }; response: OpenedReport };
  /** One page of a kept report's findings, filtered. */
  page: { request: { kind: NetworkReportKind; query: ReportQuery }; response: ReportPage };
}

export type NetworkReportRequestType = keyof NetworkReportRequestMap;
export const NETWORK_REPORT_REQUEST_TYPES: readonly NetworkReportRequestType[] = ['open', 'page'];
