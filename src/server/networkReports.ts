/**
 * The network's own reports, per network version: lines shallower than the minimum cover and pairs
 * of lines closer than the clearance rules allow (networkReportsJob.ts computes them).
 *
 * Off the request thread: both reports are computed from one snapshot of the store in a worker
 * thread (workers/networkReports.node.ts), started when a version comes into force (found at
 * start-up, by polling the store, or by a request; data/rules/report-server.json `background`) or
 * else on the first request. Until they are ready a request is a 503 with Retry-After and the step
 * being done; a job that fails is a 500 naming the report, once, and the next request starts it
 * again. A new version discards the old one's job (its thread is ended) and its reports. The event
 * loop only receives the finished bytes: on the large city the first clearances request held every
 * other request for 10–20 s before (src/server/README.md has the figures).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { flag, integerIn, onlyKeys, record, text } from '../core/rulesTable';
import type { ReportComputing } from '../protocol/reportsApi';
import { WorkerError } from '../protocol/workerClient';
import type { AccessRules } from './access/accessRules';
import { HttpError } from './http/respond';
import { inForce } from './http/versionParam';
import {
  REPORT_STEPS, computeNetworkReports, loadNetworkReportRules, unpackReports,
  type ComputedReports, type NetworkReportKind, type NetworkReportRules, type ReportAnswer, type ReportsJobMessage, type ReportsJobRequest,
} from './networkReportsJob';
import { newVersionIn, type NetworkStore } from './storage/networkStore';
import { SqliteNetworkStore } from './storage/sqliteNetworkStore';
import { bootTsWorker } from './workerBoot';

export { NETWORK_REPORTS, type NetworkReportKind } from './networkReportsJob';

const REPORTS_WORKER = new URL('../../workers/networkReports.node.ts', import.meta.url).href;
export const REPORT_RULES_FILE = 'report-server.json';

/** data/rules/report-server.json. */
export interface ReportServerRules {
  background: boolean;
  versionPollMs: number;
  retryAfterSeconds: number;
  /** Brotli quality of every report body (served before gzip to clients that accept it). */
  brotliQuality: number;
}

export function validateReportServerRules(input: unknown): ReportServerRules {
  const root = record(input, 'report-server');
  onlyKeys(root, ['$comment', 'version', 'computing', 'compression'], 'report-server');
  integerIn(root['version'], 'version', 1, Number.MAX_SAFE_INTEGER);
  const c = record(root['computing'], 'computing');
  onlyKeys(c, ['background', 'versionPollSeconds', 'retryAfterSeconds', 'source', 'verified'], 'computing');
  text(c['source'], 'computing.source');
  if (c['verified'] !== undefined) flag(c['verified'], 'computing.verified');
  const z = record(root['compression'], 'compression');
  onlyKeys(z, ['brotliQuality', 'source', 'verified'], 'compression');
  text(z['source'], 'compression.source');
  if (z['verified'] !== undefined) flag(z['verified'], 'compression.verified');
  return {
    brotliQuality: integerIn(z['brotliQuality'], 'compression.brotliQuality', 0, 11),
    background: flag(c['background'], 'computing.background'),
    versionPollMs: integerIn(c['versionPollSeconds'], 'computing.versionPollSeconds', 1, 3600) * 1000,
    retryAfterSeconds: integerIn(c['retryAfterSeconds'], 'computing.retryAfterSeconds', 1, 3600),
  };
}

export function loadReportServerRules(dir = 'data/rules'): ReportServerRules {
  return validateReportServerRules(JSON.parse(readFileSync(resolve(dir, REPORT_RULES_FILE), 'utf8')));
}

export interface NetworkReportsOptions {
  /** data/rules unless given: cover.json, clearances.json, report-server.json. */
  rulesDir?: string;
  /** access.json's restricted classes: general viewers get the reports without those lines. */
  restricted?: AccessRules;
  /** report-server.json's `background` unless given. */
  background?: boolean;
  /** 'worker' (the default for a SQLite store) or 'in-process' (any store; blocks the event loop while the reports are computed). */
  computeIn?: 'worker' | 'in-process';
  /** Where the line "network reports of version N computed" goes (console.log). */
  log?: (line: string) => void;
}

export type ReportsState = 'computing' | 'ready' | 'failed';

/** How far the reports of the version in force have come. */
export interface ReportsStatus {
  version: number;
  state: ReportsState | 'not started';
  /** 1-based step of REPORT_STEPS being done while computing. */
  step: number | null;
  steps: number;
  doing: string | null;
  /** Seconds since the job began, or that it took once ready. */
  seconds: number | null;
  error: string | null;
  /** Jobs started since the server started, and jobs discarded because a new version came in. */
  jobsStarted: number;
  discarded: number;
}

interface Job {
  version: number;
  state: ReportsState;
  step: number;
  startedAt: number;
  result: ComputedReports | null;
  error: string | null;
  /** A failure is answered (500) once; the next request starts the job again. */
  errorAnswered: boolean;
  cancel(): void;
}

const round2 = (s: number) => Math.round(s * 100) / 100;

export class NetworkReports {
  private readonly rules: NetworkReportRules;
  private readonly settings: ReportServerRules;
  private readonly rulesDir: string;
  private readonly databaseFile: string | null;
  private readonly background: boolean;
  private readonly log: (line: string) => void;
  private readonly timer: NodeJS.Timeout | null = null;
  /** The version in force as last seen. */
  private version = -1;
  private job: Job | null = null;
  private worker: Worker | null = null;
  private closed = false;
  jobsStarted = 0;
  discarded = 0;

  constructor(private readonly store: NetworkStore, private readonly options: NetworkReportsOptions = {}) {
    this.rulesDir = options.rulesDir ?? resolve('data/rules');
    // Checked here too, so a bad rules table stops the server at start-up, not in a job.
    this.rules = loadNetworkReportRules(this.rulesDir);
    this.settings = loadReportServerRules(this.rulesDir);
    this.databaseFile = options.computeIn !== 'in-process' && store instanceof SqliteNetworkStore ? store.path : null;
    this.background = options.background ?? this.settings.background;
    this.log = options.log ?? ((line) => console.log(line));
    if (this.background) {
      this.refresh();
      this.timer = setInterval(() => this.refresh(), this.settings.versionPollMs).unref();
    }
  }

  /** The worker thread computing now, if any (tests end it to see a failure answered and retried). */
  get thread(): Worker | null {
    return this.worker;
  }

  /** Looks at the version in force; a new one discards the old one's job and reports (and starts its own in the background). */
  refresh(): void {
    const v = newVersionIn(this.store, this.version, 'reports', this.log);
    if (v !== null) this.begin(v);
  }

  private begin(version: number): void {
    if (this.job?.state === 'computing') {
      this.job.cancel();
      this.discarded++;
    }
    this.job = null;
    this.version = version;
    if (this.background && !this.closed) this.start();
  }

  private start(): Job {
    const job: Job = { version: this.version, state: 'computing', step: 0, startedAt: performance.now(), result: null, error: null, errorAnswered: false, cancel: () => {} };
    this.job = job;
    this.jobsStarted++;
    (this.databaseFile ? this.inWorker(job, this.databaseFile) : this.inProcess(job)).then(
      (result) => {
        if (this.job !== job) return; // a new version came in: discarded
        if (!result) throw new Error('no network has been imported');
        if (result.version !== job.version) {
          // The snapshot read a later version than the one in force when the job began (an import
          // committed between): the reports are that version's, whole; keep them if it is still in force.
          if (this.store.currentVersion()?.version !== result.version) { this.job = null; this.refresh(); return; }
          this.version = job.version = result.version;
        }
        job.state = 'ready';
        job.result = result;
        const mb = (k: NetworkReportKind) => (result.reports[k].all.body.byteLength / 1e6).toFixed(1);
        const steps = REPORT_STEPS.map((s, i) => `${s} ${result.stepSeconds[i]!.toFixed(1)} s`).join(', ');
        this.log(`[undergrid] network reports of version ${result.version} computed in ${result.seconds.toFixed(1)} s `
          + `(${this.databaseFile ? 'worker thread' : 'in process'}: ${steps}; cover ${mb('cover')} MB, clearances ${mb('clearances')} MB)`);
      },
    ).catch((e: Error) => {
      if (this.job !== job) return;
      job.state = 'failed';
      job.error = e.message;
      this.log(`[undergrid] reports of network version ${job.version} failed: ${e.message}`);
    });
    return job;
  }

  /** One thread per job, ended once the reports are sent back (its memory goes with it: on the large city a peak of about +420 MB of server RSS as srv12 measured it, +553 MB median of a bare process's RSS by bench/reportMemory.ts, 655 before branch left13: src/server/README.md). */
  private inWorker(job: Job, databaseFile: string): Promise<ComputedReports | null> {
    const worker = bootTsWorker(REPORTS_WORKER);
    this.worker = worker;
    return new Promise((resolveJob, reject) => {
      let settled = false;
      const end = (): boolean => {
        if (settled) return false;
        settled = true;
        if (this.worker === worker) this.worker = null;
        void worker.terminate();
        return true;
      };
      job.cancel = () => { if (end()) reject(new Error(`network version ${job.version} is no longer in force`)); };
      worker.on('message', (m: ReportsJobMessage) => {
        if (m.type === 'step') job.step = m.step;
        else if (end()) {
          if (m.type === 'done') resolveJob(m.packed ? unpackReports(m.packed, m.buffer!) : null);
          else reject(new WorkerError(m.error));
        }
      });
      worker.on('error', (err) => { if (end()) reject(err); });
      worker.on('exit', (code) => { if (end()) reject(new Error(`the reports' worker thread exited with code ${code}`)); });
      worker.postMessage({ databaseFile, rulesDir: this.rulesDir, restricted: this.options.restricted ?? null, brotliQuality: this.settings.brotliQuality } satisfies ReportsJobRequest);
    });
  }

  /** In this thread, on a later turn of the loop: blocks every other request while it runs. */
  private async inProcess(job: Job): Promise<ComputedReports | null> {
    await new Promise((r) => setImmediate(r));
    if (this.job !== job) return null;
    return computeNetworkReports(this.store, this.rules, this.options.restricted ?? null, (step) => { job.step = step; }, this.settings.brotliQuality);
  }

  /**
   * A report of the version in force: 404 naming the version when `requested` is not it (stale or
   * unknown: http/versionParam.ts), 503 with Retry-After while it is computed, 500 naming the
   * report once when its job failed (the next request starts it again).
   */
  report(kind: NetworkReportKind, requested: number): ReportAnswer {
    const v = this.store.currentVersion();
    if (!v) throw new HttpError(503, 'no_network', 'no network has been imported yet: run `npm run city`');
    if (v.version !== this.version) this.begin(v.version);
    inForce(requested, v.version);
    let job = this.job;
    if (!job || (job.state === 'failed' && job.errorAnswered)) job = this.start();
    if (job.state === 'failed') {
      job.errorAnswered = true;
      throw new HttpError(500, 'report_failed', `computing the ${kind} report of network version ${job.version} failed: ${job.error}; ask again to compute it again`, 'report');
    }
    if (job.state === 'computing') throw this.computing(kind, job);
    return job.result!.reports[kind];
  }

  private computing(kind: NetworkReportKind, job: Job): HttpError {
    const seconds = round2((performance.now() - job.startedAt) / 1000);
    const wait = this.settings.retryAfterSeconds;
    const doing = REPORT_STEPS[job.step]!;
    return new HttpError(503, 'report_computing',
      `the ${kind} report of network version ${job.version} is being computed (step ${job.step + 1} of ${REPORT_STEPS.length}: ${doing}, ${seconds} s so far); ask again in ${wait} s`,
      undefined,
      { headers: { 'Retry-After': String(wait) }, body: { progress: { version: job.version, report: kind, step: job.step + 1, steps: REPORT_STEPS.length, doing, seconds } satisfies ReportComputing['progress'] } });
  }

  status(): ReportsStatus {
    const j = this.job;
    const seconds = j ? round2((j.state === 'ready' ? j.result!.seconds * 1000 : performance.now() - j.startedAt) / 1000) : null;
    return {
      version: j?.version ?? this.version, state: j?.state ?? 'not started',
      step: j?.state === 'computing' ? j.step + 1 : null, steps: REPORT_STEPS.length, doing: j?.state === 'computing' ? REPORT_STEPS[j.step]! : null,
      seconds, error: j?.error ?? null, jobsStarted: this.jobsStarted, discarded: this.discarded,
    };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.job?.cancel();
    this.job = null;
  }
}
