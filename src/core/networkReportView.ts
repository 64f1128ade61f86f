/**
 * What the viewer shows of a network report (GET /api/network/{v}/reports/cover | clearances, bodies
 * from screening/coverCheck.ts `CoverReport` and clearanceCheck.ts `ClearanceReport`): counts per
 * kind and per utility (pair), the findings ordered by severity, filtered and cut into pages. Runs in
 * a worker (workers/networkReport.worker.ts): the large city's clearance report is ~50,000 findings
 * (23.7 MB of JSON), too much to parse or to turn into DOM rows on the main thread, so the main
 * thread only ever holds a summary and one page.
 *
 * The body is read defensively: it is the server's, and its fields grow (a `rules` section, findings
 * whose rule is missing or assumed). A finding without a number where one is expected keeps null,
 * never 0: a missing rule is not a met rule. Unknown finding kinds are kept and counted under their
 * own name. Every count is the body's: `findings` per kind and utility (pair), and apart the pairs
 * to check by hand that are no finding (`handOnly`); `unchecked` is the lines the report says it could
 * not check (in full), so a report without findings is not read as clearing them.
 *
 * Severity: shortfall (required − actual) largest first. A finding whose shortfall cannot be known
 * (no rule, no gap) comes before every rated one: it has to be checked by hand, and ordering it
 * last would rate it milder than any measured shortfall.
 */
import { isRecord } from './rulesTable';

export const NETWORK_REPORT_KINDS = ['cover', 'clearances'] as const;
export type NetworkReportKind = (typeof NETWORK_REPORT_KINDS)[number];

export interface ReportRow {
  /** Position of the finding in the server's list (`checkByHand` entries follow `findings`): a stable key for the row. */
  index: number;
  /** True for one of the body's `findings`; false for a pair to check by hand that is no finding (counted apart). */
  finding: boolean;
  /** 'cover', 'horizontal', 'vertical', or a kind a newer server adds. */
  kind: string;
  /** The line, or the pair of lines, the finding is about. */
  linkIds: string[];
  utilities: string[];
  /** Cover (cover report) or gap between the walls (clearance report), m; null when the body gives none. */
  actual: number | null;
  required: number | null;
  /** required − actual (the server's, else computed); null when either is unknown. */
  shortfall: number | null;
  source: string | null;
  verified: boolean | null;
  /**
   * Field names of the body's assumptions that hold for this finding (e.g. `surfaceAssumed`), with
   * `basisDefault` / `classNotCovered` for a clearance's `basis` other than 'table', and
   * `checkByHand` for a pair the report lists to be checked by hand.
   */
  assumptions: string[];
  /** The body's note on the finding (why its rule is only a floor), its installation (cover). */
  note: string | null;
  installation: string | null;
  /** The cover report's surface and the shallow stretch's length, m. */
  surface: string | null;
  length: number | null;
  /** The finding's point, local frame (m), and in lon/lat when the model was given the frame's transform. */
  point: { x: number; y: number; z: number | null } | null;
  lonLat: [number, number] | null;
}

export interface ReportGroup {
  /** `kind:utility` or `kind:utilityA+utilityB` (the pair's utilities sorted). */
  key: string;
  kind: string;
  utilities: string[];
  /** The body's findings in the group. */
  count: number;
  /** Pairs to check by hand in the group that are not findings. */
  handOnly: number;
}

/** A fact of the rules the report applied, as a line of text: `path` names where it sits in `rules`. */
export interface RulesNoteLine {
  path: string;
  text: string;
}

export interface ReportSummary {
  kind: NetworkReportKind;
  networkVersion: number | null;
  /** Rows: the findings and the pairs to check by hand that are not findings. */
  total: number;
  /** Rows that are the body's findings. */
  findings: number;
  /** Findings per kind ('cover'; 'horizontal', 'vertical'), in first-seen order, and the hand checks of the kind that are no finding. */
  byKind: { kind: string; count: number; handOnly: number }[];
  /** Findings per kind and utility (pair), most findings first (then most hand checks). */
  groups: ReportGroup[];
  /** Every utility that appears in a finding, sorted: the choices of the utility filter. */
  utilities: string[];
  /** Findings (not the hand-only rows) carrying at least one assumption. */
  assumed: number;
  /** Entries the report lists to be checked by hand (`checkByHand`), findings or not. */
  checkByHand: number;
  /** Of those, the ones that are also findings (they flag that finding rather than adding a row). */
  checkByHandAlsoFindings: number;
  /**
   * Lines the report says it could not check, or not in full (`uncheckedLinkIds`, the cover report's
   * `unknownCover`, any top-level `unchecked…` / `unknown…` list or count a newer server adds): a
   * report without findings clears only the lines it checked.
   */
  unchecked: number;
  /** The body's `rules` section as lines (versions, sources), when it has one. */
  rules: RulesNoteLine[] | null;
  /** Counts the body states beside its findings: lines checked, lines on the assumed surface, lines not checked… */
  facts: { key: string; value: number }[];
}

export interface ReportQuery {
  kind: string | null;
  utility: string | null;
  group: string | null;
  page: number;
  pageSize: number;
}

export interface ReportPage {
  rows: ReportRow[];
  /** Zero-based; clamped to the pages there are. */
  page: number;
  pages: number;
  /** Rows the filters let through: findings and hand-only rows. */
  matching: number;
  /** Of those, the body's findings, and the pairs to check by hand that are no finding. */
  matchingFindings: number;
  matchingHandOnly: number;
}

/** Boolean fields of a finding that say a value was assumed rather than known (true: the assumption holds). */
const ASSUMPTION_FIELD = /(Assumed|Missing|Default|DefaultUsed|Unknown)$/;
/** Longest text kept from the body for one cell (sources, rules lines): the DOM gets no more. */
const MAX_TEXT = 400;
/** Lines of the rules note at most: it is a note, not a table. */
const MAX_RULES_LINES = 24;
/** Facts read from the body's top level, when present: a number, or a list whose length is the count. */
const FACTS = [
  'linksChecked', 'linksOnDefaultSurface', 'linksOnAssumedInstallation', 'unknownCover', 'segmentCount', 'connectedLinkPairs', 'teeJoints',
  'skippedDegenerate', 'uncheckedLinkIds',
];
/** Top-level fields naming lines the report did not check (in full): a list of them, or their count. */
const UNCHECKED_FIELD = /^(unchecked|unknown|notChecked)/;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : null);

function pointOf(v: unknown): ReportRow['point'] {
  if (!isRecord(v)) return null;
  const x = num(v['x']), y = num(v['y']), z = num(v['z']);
  return x === null || y === null ? null : { x, y, z };
}

/** One finding of either report as a row; null for an entry that names no line. */
export function rowOf(f: unknown, index: number, reportKind: NetworkReportKind): ReportRow | null {
  if (!isRecord(f)) return null;
  const cover = reportKind === 'cover';
  const linkIds = (cover ? [f['linkId']] : [f['linkA'], f['linkB']]).filter((x): x is string => typeof x === 'string');
  if (linkIds.length === 0) return null;
  const utilities = (cover ? [f['utility']] : [f['utilityA'], f['utilityB']]).filter((x): x is string => typeof x === 'string');
  const actual = num(cover ? f['cover'] : f['actual']);
  const required = num(f['required']);
  const shortfall = num(f['shortfall']) ?? (actual !== null && required !== null ? Math.max(0, required - actual) : null);
  const assumptions = Object.keys(f).filter((k) => ASSUMPTION_FIELD.test(k) && f[k] === true);
  const basis = str(f['basis']);
  if (basis === 'default') assumptions.push('basisDefault');
  else if (basis !== null && basis !== 'table') assumptions.push(basis === 'class-not-covered' ? 'classNotCovered' : `basis ${basis}`);
  return {
    index, finding: true, kind: cover ? 'cover' : str(f['kind']) ?? 'unknown', linkIds, utilities, actual, required, shortfall,
    source: str(f['source']), verified: typeof f['verified'] === 'boolean' ? f['verified'] : null, assumptions,
    note: str(f['note']), installation: str(f['installation']),
    surface: str(f['surface']), length: num(f['length']), point: pointOf(f['point']), lonLat: null,
  };
}

/** A row whose severity the report cannot rate: no shortfall, or a pair to be checked by hand. */
const unrated = (r: ReportRow) => r.shortfall === null || r.assumptions.includes('checkByHand');

/** Most severe first: unrated rows, then largest shortfall, then smallest actual value, then the server's order. */
export function bySeverity(a: ReportRow, b: ReportRow): number {
  const ua = unrated(a), ub = unrated(b);
  if (ua !== ub) return ua ? -1 : 1;
  const sa = a.shortfall ?? Number.POSITIVE_INFINITY, sb = b.shortfall ?? Number.POSITIVE_INFINITY;
  if (sa !== sb) return sb - sa;
  const aa = a.actual ?? Number.NEGATIVE_INFINITY, ab = b.actual ?? Number.NEGATIVE_INFINITY;
  if (aa !== ab) return aa - ab;
  return a.index - b.index;
}

export function groupKey(row: Pick<ReportRow, 'kind' | 'utilities'>): string {
  return `${row.kind}:${[...row.utilities].sort().join('+')}`;
}

/** The `rules` section as short lines: versions and every value's source, in the body's order. */
export function rulesNote(rules: unknown): RulesNoteLine[] | null {
  if (!isRecord(rules)) return null;
  const lines: RulesNoteLine[] = [];
  let more = 0;
  const add = (path: string, text: string) => {
    if (lines.length < MAX_RULES_LINES) lines.push({ path, text: text.slice(0, MAX_TEXT) });
    else more++;
  };
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const walk = (v: unknown, path: string, depth: number) => {
    if (scalar(v)) return add(path, String(v));
    if (Array.isArray(v)) {
      if (v.every(scalar)) return add(path, v.join(', '));
      v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
      return;
    }
    if (!isRecord(v) || depth > 4) return;
    // A sourced value ({value, source, verified…}) is one line.
    if (typeof v['source'] === 'string') {
      const value = 'value' in v && scalar(v['value']) ? `${String(v['value'])}${typeof v['unit'] === 'string' ? ` ${v['unit']}` : ''} · ` : '';
      return add(path, `${value}${v['source']}${v['verified'] === false ? ' (unverified)' : ''}`);
    }
    for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, depth + 1);
  };
  walk(rules, '', 0);
  if (more > 0) lines.push({ path: '…', text: `+${more}` });
  return lines;
}

/** A report's findings, ordered once; summary and pages on demand. */
export class NetworkReportView {
  readonly rows: readonly ReportRow[];
  readonly summary: ReportSummary;
  private lastFilter: { key: string; rows: ReportRow[]; findings: number } | null = null;

  /** `fromLocal` (crs.ts lonLatTransform) fills each row's lonLat when its page is asked for. */
  constructor(body: unknown, kind: NetworkReportKind, private readonly fromLocal: ((x: number, y: number) => [number, number]) | null = null) {
    if (!(NETWORK_REPORT_KINDS as readonly string[]).includes(kind)) throw new RangeError(`NetworkReportView: kind must be one of ${NETWORK_REPORT_KINDS.join(', ')}; got ${JSON.stringify(kind)}`);
    if (!isRecord(body)) throw new TypeError(`NetworkReportView: the ${kind} report is not an object`);
    const findings = body['findings'];
    if (!Array.isArray(findings)) throw new TypeError(`NetworkReportView: the ${kind} report has no findings list`);
    const rows: ReportRow[] = [];
    findings.forEach((f, i) => {
      const r = rowOf(f, i, kind);
      if (r) rows.push(r);
    });
    // Pairs to check by hand: flag the finding of the same pair and kind, or add a row of their own.
    const pairKey = (r: ReportRow) => `${r.kind}|${r.linkIds.join('|')}`;
    const byPair = new Map(rows.map((r) => [pairKey(r), r]));
    let checkByHand = 0, alsoFindings = 0;
    const hand = body['checkByHand'];
    if (Array.isArray(hand)) {
      hand.forEach((f, i) => {
        const r = rowOf(f, findings.length + i, kind);
        if (!r) return;
        checkByHand++;
        const same = byPair.get(pairKey(r));
        if (same) { if (!same.assumptions.includes('checkByHand')) same.assumptions.push('checkByHand'); alsoFindings++; return; }
        r.finding = false;
        r.assumptions.push('checkByHand');
        rows.push(r);
      });
    }
    rows.sort(bySeverity);
    this.rows = rows;

    // Every count says what it counts: findings are the body's findings, hand-only rows are counted apart.
    const byKind = new Map<string, { kind: string; count: number; handOnly: number }>();
    const groups = new Map<string, ReportGroup>();
    const utilities = new Set<string>();
    let assumed = 0;
    for (const r of rows) {
      const k = byKind.get(r.kind) ?? { kind: r.kind, count: 0, handOnly: 0 };
      byKind.set(r.kind, k);
      const key = groupKey(r);
      const g = groups.get(key) ?? { key, kind: r.kind, utilities: [...r.utilities].sort(), count: 0, handOnly: 0 };
      groups.set(key, g);
      if (r.finding) { k.count++; g.count++; } else { k.handOnly++; g.handOnly++; }
      for (const u of r.utilities) utilities.add(u);
      if (r.finding && r.assumptions.length > 0) assumed++;
    }
    let unchecked = 0;
    for (const [key, v] of Object.entries(body)) {
      if (UNCHECKED_FIELD.test(key)) unchecked += Array.isArray(v) ? v.length : Math.max(0, num(v) ?? 0);
    }
    const facts: ReportSummary['facts'] = [];
    for (const key of FACTS) {
      const v = body[key];
      const value = Array.isArray(v) ? v.length : num(v);
      if (value !== null) facts.push({ key, value });
    }
    this.summary = {
      kind, networkVersion: num(body['networkVersion']), total: rows.length, findings: rows.filter((r) => r.finding).length,
      byKind: [...byKind.values()],
      groups: [...groups.values()].sort((a, b) => b.count - a.count || b.handOnly - a.handOnly || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      utilities: [...utilities].sort(), assumed, checkByHand, checkByHandAlsoFindings: alsoFindings, unchecked, rules: rulesNote(body['rules']), facts,
    };
  }

  private filtered(q: ReportQuery): { rows: ReportRow[]; findings: number } {
    const key = `${q.kind}|${q.utility}|${q.group}`;
    if (this.lastFilter?.key === key) return this.lastFilter;
    const rows = q.kind === null && q.utility === null && q.group === null ? this.rows as ReportRow[] : this.rows.filter((r) =>
      (q.kind === null || r.kind === q.kind) && (q.utility === null || r.utilities.includes(q.utility)) && (q.group === null || groupKey(r) === q.group));
    const findings = rows === this.rows ? this.summary.findings : rows.reduce((n, r) => n + (r.finding ? 1 : 0), 0);
    this.lastFilter = { key, rows, findings };
    return this.lastFilter;
  }

  page(q: ReportQuery): ReportPage {
    if (!Number.isInteger(q.pageSize) || q.pageSize < 1) throw new RangeError(`NetworkReportView.page: pageSize must be a positive integer; got ${q.pageSize}`);
    const { rows, findings } = this.filtered(q);
    const pages = Math.max(1, Math.ceil(rows.length / q.pageSize));
    const page = Math.min(Math.max(0, Math.floor(q.page) || 0), pages - 1);
    const slice = rows.slice(page * q.pageSize, (page + 1) * q.pageSize).map((r) => {
      if (!r.point || !this.fromLocal) return r;
      const [lon, lat] = this.fromLocal(r.point.x, r.point.y);
      return { ...r, lonLat: [lon, lat] as [number, number] };
    });
    return { rows: slice, page, pages, matching: rows.length, matchingFindings: findings, matchingHandOnly: rows.length - findings };
  }
}
