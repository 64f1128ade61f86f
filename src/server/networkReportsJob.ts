/**
 * Computing the network's own reports of one version: both reports (cover, clearances) from one read
 * of the store (`snapshot()`: the version, the frame and every line together), each encoded whole and
 * as general viewers may have it (restricted lines cut out), with the restricted ids the whole one
 * names (the audit). It runs in the reports' worker thread (workers/networkReports.node.ts) and, for
 * a store that is not a SQLite file a worker can open, in process (networkReports.ts); both give the
 * same bytes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkClearances } from '../core/screening/clearanceCheck';
import { checkCover } from '../core/screening/coverCheck';
import { buildSegmentTable } from '../core/screening/segmentTable';
import type { Link } from '../core/model';
import { validateCoverRules, type CoverRules } from '../core/screening/coverRules';
import { validateClearanceRules, type ClearanceRules } from '../core/screening/networkRules';
import type { SerializedError } from '../protocol/workerProtocol';
import type { AccessRules } from './access/accessRules';
import { assetsIn, withoutAssets } from './access/payloadFilter';
import { isRestrictedLink } from './access/restrictedAssets';
import { packEncoded, unpackEncoded, type PackedEncoded } from './http/encodedTransfer';
import { encodeJson, type Encoded } from './http/respond';
import type { NetworkStore } from './storage/networkStore';

export const NETWORK_REPORTS = ['cover', 'clearances'] as const;
export type NetworkReportKind = (typeof NETWORK_REPORTS)[number];

/** What a job is doing, in order (the 503's progress names the step). */
export const REPORT_STEPS = ['reading the network', 'checking cover', 'checking clearances', 'encoding the reports'] as const;

export interface NetworkReportRules {
  cover: CoverRules;
  clearances: ClearanceRules;
}

/** data/rules/cover.json and clearances.json, checked (a bad edit stops the server naming the path). */
export function loadNetworkReportRules(rulesDir: string): NetworkReportRules {
  const read = (file: string): unknown => JSON.parse(readFileSync(resolve(rulesDir, file), 'utf8'));
  return { cover: validateCoverRules(read('cover.json')), clearances: validateClearanceRules(read('clearances.json')) };
}

/** One report of a version: the whole answer, the one for viewers without `restricted`, and the restricted line ids the whole one names. */
export interface ReportAnswer {
  all: Encoded;
  general: Encoded;
  assets: string[];
}

export interface ComputedReports {
  /** The version the snapshot read: every report's `networkVersion`. */
  version: number;
  reports: Record<NetworkReportKind, ReportAnswer>;
  /** Seconds the job took where it ran (reading, checking, encoding). */
  seconds: number;
  /** Seconds each of REPORT_STEPS took. */
  stepSeconds: number[];
}

/**
 * Both reports of the version in force, from one snapshot; null before any import. `restricted`:
 * access.json's restricted classes (the same rule as restrictedAssets.ts, applied to the snapshot's
 * own lines); null: nothing is cut. `step(i)` is called as each of REPORT_STEPS begins. Every body is
 * gzipped, and brotli-coded at `brotliQuality` (report-server.json) unless null.
 */
export function computeNetworkReports(store: NetworkStore, rules: NetworkReportRules, restricted: AccessRules | null, onStep: (i: number) => void = () => {}, brotliQuality: number | null = null): ComputedReports | null {
  const t0 = performance.now();
  const stepSeconds: number[] = [];
  let at = t0;
  const step = (i: number) => {
    const now = performance.now();
    if (i > 0) stepSeconds.push((now - at) / 1000);
    at = now;
    onStep(i);
  };
  step(0);
  const checked = checkSnapshot(store, rules, restricted, step);
  if (!checked) return null;
  const { networkVersion, bodies, cutLinks, cut } = checked;
  step(3);
  const reports = {} as Record<NetworkReportKind, ReportAnswer>;
  for (const kind of NETWORK_REPORTS) {
    const body = bodies[kind];
    const assets = assetsIn(body, cut);
    const whole = encodeJson(body, undefined, brotliQuality);
    // Made the same way whether or not this version has restricted lines: the copy's shape says nothing of them either.
    reports[kind] = { all: whole, general: restricted ? encodeJson(generalCopy(kind, body, cutLinks, cut, rules), undefined, brotliQuality) : whole, assets };
  }
  stepSeconds.push((performance.now() - at) / 1000);
  return { version: networkVersion, reports, seconds: (performance.now() - t0) / 1000, stepSeconds };
}

/**
 * Steps 0–2: one snapshot read and both checks. Apart from computeNetworkReports so the snapshot's
 * lines (~200 MB on the large city) are garbage once the bodies are made, before they are encoded.
 */
function checkSnapshot(store: NetworkStore, rules: NetworkReportRules, restricted: AccessRules | null, step: (i: number) => void) {
  const snapshot = store.snapshot();
  if (!snapshot) return null;
  const cutLinks = restricted ? snapshot.links.filter((l) => isRestrictedLink(l, restricted)) : [];
  // The bodies pass through whole: `{ networkVersion, kind, ...report }`, the version the snapshot read.
  const networkVersion = snapshot.version.version;
  step(1);
  const cover = { networkVersion, kind: 'cover', ...checkCover(snapshot.links, rules.cover) };
  step(2);
  const clearances = { networkVersion, kind: 'clearances', ...checkClearances(snapshot.links, rules.clearances) };
  const bodies: Record<NetworkReportKind, Record<string, unknown>> = { cover, clearances };
  return { networkVersion, bodies, cutLinks, cut: new Set(cutLinks.map((l) => l.id)) };
}

/**
 * The copy of a report for viewers without `restricted`: the whole report's findings and lists
 * without every entry that names a restricted line (the same findings a full-access viewer reads,
 * never computed again: a copy must not miss one), and only the top-level counts that can be given
 * over the lines the copy shows. Those are counts per line (`countsOf`), so the whole report's count
 * less the same count over the restricted lines alone is exactly the count over the others, at the
 * cost of the few restricted lines. Every other top-level number of the body counts over the whole
 * network (pairs tested, joined pairs, tees: they need the restricted lines' neighbours) and is left
 * out, a count added to a kernel later included: a count over every line would tell how many
 * restricted lines there are (review 13, item 8).
 */
export function generalCopy(kind: NetworkReportKind, body: Record<string, unknown>, cutLinks: readonly Link[], cut: ReadonlySet<string>, rules: NetworkReportRules): Record<string, unknown> {
  const theirs = countsOf(kind, cutLinks, rules);
  const copy = { ...withoutAssets(body, cut) }; // its own top level: the counts are set below, the whole body is not changed
  for (const [key, value] of Object.entries(copy)) {
    if (typeof value !== 'number' || key === 'networkVersion') continue;
    if (key in theirs) copy[key] = value - theirs[key]!;
    else delete copy[key];
  }
  return copy;
}

/** A report's top-level counts that add up line by line, over `links`, as its kernel counts them (the cover check itself; the clearance check's segment table). */
function countsOf(kind: NetworkReportKind, links: readonly Link[], rules: NetworkReportRules): Record<string, number> {
  if (kind === 'cover') {
    const r = checkCover(links, rules.cover);
    return { linksChecked: r.linksChecked, linksOnDefaultSurface: r.linksOnDefaultSurface, linksOnAssumedInstallation: r.linksOnAssumedInstallation };
  }
  const t = buildSegmentTable(links);
  return { segmentCount: t.segmentCount, skippedDegenerate: t.skippedDegenerate };
}

/** The job the reports' worker thread runs: the database file it opens read-only, the rules folder, the restricted classes, the brotli quality. */
export interface ReportsJobRequest {
  databaseFile: string;
  rulesDir: string;
  restricted: AccessRules | null;
  brotliQuality: number;
}

/** A ComputedReports without its bytes: spans into the one transferred buffer. */
export interface PackedReports {
  version: number;
  seconds: number;
  stepSeconds: number[];
  reports: { kind: NetworkReportKind; all: PackedEncoded; general: PackedEncoded | null; assets: string[] }[];
}

/** Messages from the worker: a step begun, the reports (buffer transferred), or the error; null reports: no network imported. */
export type ReportsJobMessage =
  | { type: 'step'; step: number }
  | { type: 'done'; packed: PackedReports | null; buffer: ArrayBuffer | null }
  | { type: 'failed'; error: SerializedError };

export function packReports(c: ComputedReports): { packed: PackedReports; buffer: ArrayBuffer } {
  const files: Encoded[] = [];
  for (const kind of NETWORK_REPORTS) {
    const r = c.reports[kind];
    files.push(r.all, ...(r.general !== r.all ? [r.general] : []));
  }
  const { packed: spans, buffer } = packEncoded(files);
  let next = 0;
  const reports = NETWORK_REPORTS.map((kind) => {
    const r = c.reports[kind];
    return { kind, all: spans[next++]!, general: r.general !== r.all ? spans[next++]! : null, assets: r.assets };
  });
  return { packed: { version: c.version, seconds: c.seconds, stepSeconds: c.stepSeconds, reports }, buffer };
}

export function unpackReports(p: PackedReports, buffer: ArrayBuffer): ComputedReports {
  const reports = {} as Record<NetworkReportKind, ReportAnswer>;
  for (const r of p.reports) {
    const all = unpackEncoded(r.all, buffer);
    reports[r.kind] = { all, general: r.general ? unpackEncoded(r.general, buffer) : all, assets: r.assets };
  }
  return { version: p.version, seconds: p.seconds, stepSeconds: p.stepSeconds, reports };
}
