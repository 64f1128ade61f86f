/**
 * The typed protocol between the main thread and the network-report worker
 * (workers/networkReport.worker.ts): the main thread fetches a report's JSON unparsed and hands the
 * bytes over (transferred, not copied); the worker parses it and holds the view
 * (core/networkReportView.ts), answering with a summary and one page of rows at a time.
 */
import type { LocalFrame } from '../core/crs';
import type { NetworkReportKind, ReportPage, ReportQuery, ReportSummary } from '../core/networkReportView';

export interface NetworkReportRequestMap {
  /** Parse a report and keep it as `kind`'s (replacing that kind's earlier one). */
  open: { request: { kind: NetworkReportKind; bytes: ArrayBuffer; frame: LocalFrame | null }; response: { summary: ReportSummary; parseMs: number } };
  /** One page of a kept report's findings, filtered. */
  page: { request: { kind: NetworkReportKind; query: ReportQuery }; response: ReportPage };
}

export type NetworkReportRequestType = keyof NetworkReportRequestMap;
export const NETWORK_REPORT_REQUEST_TYPES: readonly NetworkReportRequestType[] = ['open', 'page'];
