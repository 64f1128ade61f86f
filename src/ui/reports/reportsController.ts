/**
 * The network reports (cover depth, clearances between the network's own lines) in the viewer, for
 * the roles that see the whole network (a contractor's role sees its sites only, and the server
 * answers it 403: src/server/access/networkAccess.ts). The report worker
 * (workers/networkReport.worker.ts) fetches a report, parses and orders it and answers with a
 * summary and one page at a time: the large city's clearance report (~50,000 findings, 23.7 MB)
 * never reaches the main thread, never blocks the page, never becomes 50,000 DOM rows.
 *
 * The server may still be computing a report: 503 with Retry-After, and the panel says so and asks
 * again after that long (clamped to data/rules/display.json reportRetryAfterS). 404 stale_version:
 * the network changed; the panel reads the current version and asks for its report. Any other
 * refusal shows the server's message. Choosing a finding flies the camera to it and lights its
 * line(s) up.
 */
import type { Viewer } from 'cesium';
import type { LocalFrame } from '../../core/crs';
import type { NetworkReportKind, ReportQuery, ReportRow, ReportSummary } from '../../core/networkReportView';
import type { NetworkSummary } from '../../protocol/apiTypes';
import type { NetworkReportRequestMap, OpenedReport } from '../../protocol/networkReportProtocol';
import { WorkerClient } from '../../protocol/workerClient';
import { api, ApiError } from '../../services/api';
import type { ViewStore } from '../../store/viewStore';
import type { LineLookup } from '../../viewer/lineIndex';
import { FINDING_COLOUR, LineHighlights } from '../../viewer/lineHighlights';
import { DISPLAY } from '../../viewer/tileStyle';
import { translate, type MessageKey } from '../i18n';
import { renderReportsPanel, type ReportsActions, type ReportsView } from './reportsPanel';

export interface ReportsDeps {
  store: ViewStore;
  viewer: Viewer;
  /** Fly to a finding: its lines, and its point in lon/lat (null: the lines alone). */
  focus(linkIds: readonly string[], lonLat: readonly [number, number] | null): void;
}

export interface ReportsController {
  /** The network the viewer opened, and where its lines are: shows the panel unless the role sees only its sites. */
  setNetwork(summary: NetworkSummary, lines: LineLookup): void;
}

/** A network that keeps changing under the panel: stop asking after this many new versions in a row. */
const MAX_VERSION_RELOADS = 3;

function abortError(): DOMException {
  return new DOMException('report request aborted', 'AbortError');
}

/** Resolves after `ms`, or rejects with an AbortError when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(abortError()); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const FRESH_QUERY: Omit<ReportQuery, 'pageSize'> = { kind: null, utility: null, group: null, page: 0 };

export function mountReports(container: HTMLElement, deps: ReportsDeps): ReportsController {
  const view: ReportsView = { open: false, kind: 'cover', states: { cover: { status: 'idle' }, clearances: { status: 'idle' } }, notice: null, chosen: null };
  let network: { version: number; frame: LocalFrame; mapVersion: number } | null = null;
  let worker: WorkerClient<NetworkReportRequestMap> | null = null;
  let highlights: LineHighlights | null = null;
  const loads = new Map<NetworkReportKind, AbortController>();
  const pageSeq: Record<NetworkReportKind, number> = { cover: 0, clearances: 0 };
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(deps.store.getState().locale, k, p);
  const [minWaitS, maxWaitS] = DISPLAY.reportRetryAfterS;

  const reportWorker = () => (worker ??= new WorkerClient<NetworkReportRequestMap>(
    new Worker(new URL('../../../workers/networkReport.worker.ts', import.meta.url), { type: 'module' })));

  function render(): void {
    renderReportsPanel(container, view, t, actions);
    document.body.dataset['reportState'] = view.open ? `${view.kind}:${view.states[view.kind].status}` : 'closed';
  }

  /**
   * Has the worker fetch and open the report of the current version: polls while the server computes
   * it; a stale version is replaced by the current one (at most MAX_VERSION_RELOADS times).
   */
  async function openReport(kind: NetworkReportKind, signal: AbortSignal): Promise<ReportSummary> {
    for (let reloads = 0; ; ) {
      let answer: OpenedReport;
      try {
        answer = await reportWorker().request('open', { kind, version: network!.version, frame: network!.frame }, { signal });
      } catch (e) {
        const { status, code } = e as { status?: number; code?: string };
        if (!(status === 404 && code === 'stale_version') || reloads++ >= MAX_VERSION_RELOADS) throw e;
        await reloadVersion();
        continue;
      }
      if (answer.status === 'ready') return answer.summary;
      const wait = Math.min(maxWaitS, Math.max(minWaitS, answer.retryAfterS ?? minWaitS));
      if (!signal.aborted) {
        view.states[kind] = { status: 'computing', retryInS: wait, progress: answer.progress, message: answer.message };
        render();
      }
      await sleep(wait * 1000, signal);
    }
  }

  /** The network changed under the panel: its reports are of the current version from now on. */
  async function reloadVersion(): Promise<void> {
    const summary = await api.network();
    const n = network!;
    if (summary.version === n.version) throw new Error(`the server called network version ${n.version} stale but still serves it as current`);
    network = { ...n, version: summary.version, frame: summary.frame };
    view.notice = summary.version === n.mapVersion ? null : t('report.versionChanged', { from: n.mapVersion, to: summary.version });
    // The other report was of the old version too.
    for (const k of Object.keys(view.states) as NetworkReportKind[]) {
      if (k !== view.kind && view.states[k].status !== 'idle') { loads.get(k)?.abort(); view.states[k] = { status: 'idle' }; }
    }
  }

  async function load(kind: NetworkReportKind): Promise<void> {
    loads.get(kind)?.abort();
    const ac = new AbortController();
    loads.set(kind, ac);
    const set = (s: ReportsView['states'][NetworkReportKind]) => {
      if (ac.signal.aborted) return;
      view.states[kind] = s;
      render();
    };
    set({ status: 'fetching' });
    try {
      const summary = await openReport(kind, ac.signal);
      const query: ReportQuery = { ...FRESH_QUERY, pageSize: DISPLAY.reportPageSize };
      const page = await reportWorker().request('page', { kind, query }, { signal: ac.signal });
      set({ status: 'ready', summary, page, query });
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      // The server's refusals are for the engineer; anything else is a bug and goes to the console too.
      if (!(e instanceof ApiError || (e as { status?: unknown }).status !== undefined)) console.error(e);
      set({ status: 'error', message: (e as Error).message });
    }
  }

  async function showPage(kind: NetworkReportKind, query: ReportQuery): Promise<void> {
    const seq = ++pageSeq[kind];
    try {
      const page = await reportWorker().request('page', { kind, query });
      const s = view.states[kind];
      if (seq !== pageSeq[kind] || s.status !== 'ready') return; // a newer page was asked for, or the report was reloaded
      view.states[kind] = { ...s, page, query };
    } catch (e) {
      console.error(e);
      view.states[kind] = { status: 'error', message: (e as Error).message };
    }
    render();
  }

  function unchoose(): void {
    view.chosen = null;
    void highlights?.show([]);
    delete document.body.dataset['reportHighlighted'];
  }

  const actions: ReportsActions = {
    toggle(): void {
      view.open = !view.open;
      if (!view.open) unchoose();
      else if (view.states[view.kind].status === 'idle' || view.states[view.kind].status === 'error') void load(view.kind);
      render();
    },
    setKind(kind: NetworkReportKind): void {
      if (kind === view.kind) return;
      view.kind = kind;
      unchoose();
      const s = view.states[kind].status;
      if (s === 'idle' || s === 'error') void load(kind);
      render();
    },
    filter(patch): void {
      const s = view.states[view.kind];
      if (s.status !== 'ready') return;
      void showPage(view.kind, { ...s.query, ...patch, page: 0 });
    },
    goto(page: number): void {
      const s = view.states[view.kind];
      if (s.status !== 'ready') return;
      void showPage(view.kind, { ...s.query, page });
    },
    choose(row: ReportRow): void {
      view.chosen = row;
      render();
      void highlights?.show(row.linkIds.map((linkId) => ({ linkId, colour: FINDING_COLOUR }))).then((drawn) => {
        if (drawn && view.chosen === row) document.body.dataset['reportHighlighted'] = drawn.map((d) => d.linkId).join(' ');
      });
      deps.focus(row.linkIds, row.lonLat);
    },
  };

  deps.store.subscribe((s, prev) => { if (s.locale !== prev.locale) render(); });
  container.hidden = true;
  return {
    setNetwork(summary: NetworkSummary, lines: LineLookup): void {
      // A contractor's role sees only its sites: whole-network reports are not theirs (the server says 403).
      container.hidden = summary.access?.network === 'sites';
      for (const ac of loads.values()) ac.abort();
      highlights?.destroy();
      highlights = new LineHighlights(deps.viewer.scene, lines);
      network = { version: summary.version, frame: summary.frame, mapVersion: summary.version };
      Object.assign(view, { states: { cover: { status: 'idle' }, clearances: { status: 'idle' } }, notice: null, chosen: null });
      if (view.open) void load(view.kind);
      render();
    },
  };
}
