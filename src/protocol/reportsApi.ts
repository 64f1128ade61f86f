/**
 * The network reports' answers besides the report itself (GET /api/network/{version}/reports/{report},
 * src/server/networkReports.ts): what a client reads while a report is computed, or when it cannot be.
 */

/** 503 `report_computing` (with a Retry-After header in seconds): ask again then. */
export interface ReportComputing {
  error: { code: 'report_computing'; message: string };
  progress: {
    version: number;
    report: string;
    /** 1-based step of `steps` being done: reading the network, checking cover, checking clearances, encoding the reports. */
    step: number;
    steps: number;
    doing: string;
    /** Seconds since the job began. */
    seconds: number;
  };
}

/**
 * The error codes of the route: 500 `report_failed` (field `report`: said once, the next request
 * computes again), 404 `stale_version` / `unknown_version` (field `version`: replaced by a later
 * import / never existed; the message names the current version), 404 `unknown_report` (field
 * `report`), 400 `bad_version` (field `version`), 503 `no_network`.
 */
export type ReportErrorCode = 'report_computing' | 'report_failed' | 'stale_version' | 'unknown_version' | 'unknown_report' | 'bad_version' | 'no_network';
