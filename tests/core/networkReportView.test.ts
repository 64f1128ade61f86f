/**
 * The network reports panel's model (src/core/networkReportView.ts) on the real report bodies of the
 * small sample city, as the server sends them (checkCover / checkClearances, through JSON): order by
 * severity, counts per kind and utility (pair), paging and filters, points to lon/lat, and a body
 * with the fields a newer server adds (a `rules` section, a finding whose rule is missing).
 */
import { describe, expect, it } from 'vitest';
import clearancesJson from '../../data/rules/clearances.json';
import coverJson from '../../data/rules/cover.json';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { lonLatTransform } from '../../src/core/crs';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import { groupKey, NetworkReportView, type ReportQuery, type ReportRow } from '../../src/core/networkReportView';
import { checkClearances, type ClearanceFinding } from '../../src/core/screening/clearanceCheck';
import { checkCover, type CoverFinding } from '../../src/core/screening/coverCheck';
import { validateCoverRules } from '../../src/core/screening/coverRules';
import { validateClearanceRules } from '../../src/core/screening/networkRules';
import { translate, type Locale } from '../../src/ui/i18n';
import { checkByHandText, countText, noFindingsText, pageText } from '../../src/ui/reports/reportWords';

const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 42 })] });
const fromLocal = lonLatTransform(network.frame).fromLocal;
/** A report body as GET /api/network/1/reports/{kind} answers it. */
const asServed = <T extends object>(kind: string, report: T) => JSON.parse(JSON.stringify({ networkVersion: 1, kind, ...report })) as T & { networkVersion: number };
const clearances = asServed('clearances', checkClearances(network.links, validateClearanceRules(clearancesJson)));
const cover = asServed('cover', checkCover(network.links, validateCoverRules(coverJson)));
const ALL: Omit<ReportQuery, 'pageSize'> = { kind: null, utility: null, group: null, page: 0 };
/** The panel's words in a language, as the page translates them. */
const words = (locale: Locale) => (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
const en = words('en'), zh = words('zh-CN');

/** Every page of a query, concatenated. */
function allPages(view: NetworkReportView, q: Omit<ReportQuery, 'page'>): ReportRow[] {
  const first = view.page({ ...q, page: 0 });
  const rows = [...first.rows];
  for (let p = 1; p < first.pages; p++) rows.push(...view.page({ ...q, page: p }).rows);
  return rows;
}

describe('the clearance report of the small sample city in the reports panel', () => {
  const view = new NetworkReportView(clearances, 'clearances', fromLocal);

  it('keeps every finding, most shortfall first, and counts them per kind and per utility pair', () => {
    expect(clearances.findings.length).toBeGreaterThan(50);
    expect(view.summary.total).toBe(clearances.findings.length);
    expect(view.summary.findings).toBe(clearances.findings.length);
    expect(view.summary.networkVersion).toBe(1);
    for (let i = 1; i < view.rows.length; i++) {
      const a = view.rows[i - 1]!, b = view.rows[i]!;
      expect(a.shortfall!).toBeGreaterThanOrEqual(b.shortfall!);
      if (a.shortfall === b.shortfall) expect(a.actual!).toBeLessThanOrEqual(b.actual!);
    }
    const kinds = new Map<string, number>();
    for (const f of clearances.findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
    expect(new Map(view.summary.byKind.map((k) => [k.kind, k.count]))).toEqual(kinds);
    expect(view.summary.byKind.every((k) => k.handOnly === 0)).toBe(true);
    expect(kinds.get('horizontal')).toBeGreaterThan(0);
    expect(kinds.get('vertical')).toBeGreaterThan(0);
    const pairKey = (f: ClearanceFinding) => `${f.kind}:${[f.utilityA, f.utilityB].sort().join('+')}`;
    for (const g of view.summary.groups) expect(g.count).toBe(clearances.findings.filter((f) => pairKey(f) === g.key).length);
    expect(view.summary.groups.reduce((n, g) => n + g.count, 0)).toBe(view.summary.total);
    for (let i = 1; i < view.summary.groups.length; i++) expect(view.summary.groups[i - 1]!.count).toBeGreaterThanOrEqual(view.summary.groups[i]!.count);
    expect(view.summary.facts.find((f) => f.key === 'segmentCount')?.value).toBe(clearances.segmentCount);
  });

  it('gives each row its pair, gap against the rule, source and point, the point in lon/lat', () => {
    const row = view.page({ ...ALL, pageSize: 1 }).rows[0]!;
    const f = clearances.findings[row.index]!;
    expect(row.linkIds).toEqual([f.linkA, f.linkB]);
    expect(row.utilities).toEqual([f.utilityA, f.utilityB]);
    expect([row.kind, row.actual, row.required, row.shortfall, row.source, row.verified]).toEqual([f.kind, f.actual, f.required, f.shortfall, f.source, f.verified]);
    expect(row.lonLat).toEqual(fromLocal(f.point.x, f.point.y));
    // The biggest shortfall of the report is the first row.
    expect(row.shortfall).toBe(Math.max(...clearances.findings.map((x) => x.shortfall)));
  });

  it('cuts the ordered findings into pages that together hold each finding once, and clamps a page past the end', () => {
    const pageSize = 7;
    const first = view.page({ ...ALL, pageSize });
    expect(first.pages).toBe(Math.ceil(view.summary.total / pageSize));
    expect(first.rows).toHaveLength(pageSize);
    const rows = allPages(view, { ...ALL, pageSize });
    expect(rows.map((r) => r.index)).toEqual(view.rows.map((r) => r.index));
    expect(new Set(rows.map((r) => r.index)).size).toBe(clearances.findings.length);
    const past = view.page({ ...ALL, page: 10_000, pageSize });
    expect(past.page).toBe(first.pages - 1);
    expect(past.rows.length).toBe(view.summary.total - (first.pages - 1) * pageSize);
    expect(() => view.page({ ...ALL, pageSize: 0 })).toThrow(/pageSize must be a positive integer; got 0/);
  });

  it('filters by utility, by kind and by a utility pair’s count, keeping the order', () => {
    const utility = view.summary.utilities.find((u) => u === 'gas') ?? view.summary.utilities[0]!;
    const byUtility = allPages(view, { ...ALL, utility, pageSize: 10 });
    expect(byUtility.map((r) => r.index)).toEqual(view.rows.filter((r) => r.utilities.includes(utility)).map((r) => r.index));
    expect(view.page({ ...ALL, utility, pageSize: 10 }).matching).toBe(clearances.findings.filter((f) => f.utilityA === utility || f.utilityB === utility).length);

    const vertical = allPages(view, { ...ALL, kind: 'vertical', pageSize: 25 });
    expect(vertical.length).toBe(clearances.findings.filter((f) => f.kind === 'vertical').length);
    expect(vertical.every((r) => r.kind === 'vertical')).toBe(true);

    const group = view.summary.groups[0]!;
    const inGroup = allPages(view, { ...ALL, group: group.key, pageSize: 25 });
    expect(inGroup.length).toBe(group.count);
    expect(inGroup.every((r) => groupKey(r) === group.key)).toBe(true);
    // Filters combine: a utility outside the group leaves nothing.
    const other = view.summary.utilities.find((u) => !group.utilities.includes(u))!;
    expect(view.page({ ...ALL, group: group.key, utility: other, pageSize: 25 }).matching).toBe(0);
  });
});

describe('the cover report of the small sample city in the reports panel', () => {
  const view = new NetworkReportView(cover, 'cover', fromLocal);

  it('counts shallow lines per utility and flags the assumed surface on each', () => {
    expect(view.summary.total).toBe(cover.findings.length);
    expect(view.summary.byKind).toEqual([{ kind: 'cover', count: cover.findings.length, handOnly: 0 }]);
    const perUtility = (u: string) => cover.findings.filter((f: CoverFinding) => f.utility === u).length;
    for (const g of view.summary.groups) expect(g.count).toBe(perUtility(g.utilities[0]!));
    // No surface data: every line was checked on the strictest surface, and every row says so.
    expect(view.summary.assumed).toBe(cover.findings.length);
    for (const r of view.rows) expect(r.assumptions).toContain('surfaceAssumed');
    expect(view.summary.facts).toContainEqual({ key: 'linksChecked', value: network.links.length });
    expect(view.summary.facts).toContainEqual({ key: 'linksOnDefaultSurface', value: network.links.length });
    const row = view.page({ ...ALL, pageSize: 1 }).rows[0]!;
    const f = cover.findings[row.index]!;
    expect([row.linkIds, row.actual, row.required, row.surface, row.length]).toEqual([[f.linkId], f.cover, f.required, f.surface, f.length]);
  });
});

describe('a report body with the fields a newer server adds', () => {
  it('puts a finding whose rule is missing before every rated one, flags it, and lists the rules section', () => {
    const body = structuredClone(clearances) as unknown as { findings: Record<string, unknown>[]; rules?: unknown };
    const before = JSON.stringify(body);
    const last = body.findings.length - 1;
    // As a newer server may send a pair the table has no value for: no required value, no shortfall.
    body.findings[last] = { ...body.findings[last], kind: 'unruled', required: null, shortfall: null, ruleMissing: true, source: 'no rule for gas sub_high_a' };
    body.rules = { version: 3, crossings: { minAngleDeg: { value: 30, unit: '°', source: 'project judgement', verified: false } }, frame: 'local metres' };
    const edited = JSON.stringify(body);
    const view = new NetworkReportView(body, 'clearances');
    expect(JSON.stringify(body)).toBe(edited); // the body is not changed
    expect(edited).not.toBe(before);
    const first = view.rows[0]!;
    expect([first.index, first.kind, first.required, first.shortfall]).toEqual([last, 'unruled', null, null]);
    expect(first.assumptions).toEqual(['ruleMissing']);
    expect(view.summary.byKind.find((k) => k.kind === 'unruled')?.count).toBe(1);
    expect(view.summary.rules).toEqual([
      { path: 'version', text: '3' },
      { path: 'crossings.minAngleDeg', text: '30 ° · project judgement (unverified)' },
      { path: 'frame', text: 'local metres' },
    ]);
    // Without the frame's transform the rows keep their local point only.
    expect(view.page({ ...ALL, pageSize: 1 }).rows[0]!.lonLat).toBeNull();
  });

  it('lists pairs to check by hand first, flagging a finding of the same pair instead of repeating it, and says which value was only a default or a floor', () => {
    const body = structuredClone(clearances) as unknown as { findings: Record<string, unknown>[]; checkByHand?: Record<string, unknown>[] };
    const n = body.findings.length;
    body.findings[n - 1] = { ...body.findings[n - 1], basis: 'class-not-covered', note: 'no figure for gas sub_high_a' };
    body.findings[n - 2] = { ...body.findings[n - 2], basis: 'default' };
    body.findings[0] = { ...body.findings[0], basis: 'table' };
    // One hand check is the last finding's pair (also a finding), one a pair above its floor (no finding).
    const aboveFloor = { ...body.findings[n - 3], linkA: 'G-HP', linkB: 'W-1', actual: 0.9, required: 0.5, shortfall: 0, basis: 'class-not-covered', note: 'no figure for gas high_a' };
    body.checkByHand = [body.findings[n - 1]!, aboveFloor];
    const view = new NetworkReportView(body, 'clearances');
    expect(view.summary.checkByHand).toBe(2);
    expect(view.summary.checkByHandAlsoFindings).toBe(1);
    expect(view.summary.total).toBe(n + 1);
    expect(view.summary.findings).toBe(n);
    // Every count is the body's: the kinds and the utility pairs count findings, the hand-only row apart.
    const perKind = (kind: string) => body.findings.filter((f) => f['kind'] === kind).length;
    for (const k of view.summary.byKind) expect([k.kind, k.count, k.handOnly]).toEqual([k.kind, perKind(k.kind), k.kind === body.findings[n - 3]!['kind'] ? 1 : 0]);
    expect(view.summary.groups.reduce((s, g) => s + g.count, 0)).toBe(n);
    expect(view.summary.groups.reduce((s, g) => s + g.handOnly, 0)).toBe(1);
    expect(view.rows.filter((r) => !r.finding).map((r) => r.index)).toEqual([n + 1]);
    const [first, second] = view.rows;
    // Both hand checks come first (most shortfall first between them), the finding listed once.
    expect(new Set([first!.index, second!.index])).toEqual(new Set([n - 1, n + 1]));
    expect(view.rows.filter((r) => r.index === n - 1)).toHaveLength(1);
    const finding = view.rows.find((r) => r.index === n - 1)!;
    expect(finding.assumptions).toEqual(['classNotCovered', 'checkByHand']);
    expect(finding.note).toBe('no figure for gas sub_high_a');
    expect(view.rows.find((r) => r.index === n + 1)!.linkIds).toEqual(['G-HP', 'W-1']);
    expect(view.rows.find((r) => r.index === n - 2)!.assumptions).toEqual(['basisDefault']);
    expect(view.rows.find((r) => r.index === 0)!.assumptions).toEqual([]);
    expect(view.rows[2]!.shortfall).toBe(Math.max(...clearances.findings.slice(0, n - 1).map((f) => f.shortfall)));
  });

  it('refuses a body that is no report, naming what is wrong', () => {
    expect(() => new NetworkReportView({ error: { message: 'x' } }, 'cover')).toThrow(/the cover report has no findings list/);
    expect(() => new NetworkReportView(null, 'clearances')).toThrow(/the clearances report is not an object/);
    expect(() => new NetworkReportView({ findings: [] }, 'depth' as 'cover')).toThrow(/kind must be one of cover, clearances; got "depth"/);
  });
});

describe('the panel’s counts and words say what the server’s body says', () => {
  // The reviewer's body: 2 findings, 2 pairs to check by hand, one of them the first finding's pair.
  const f = (a: string, b: string, actual: number, basis = 'table') => ({
    kind: 'horizontal', linkA: a, utilityA: 'gas', segmentA: 0, linkB: b, utilityB: 'water', segmentB: 0, actual, required: 0.5,
    shortfall: Math.max(0, 0.5 - actual), point: { x: 0, y: 0, z: 0 }, source: 's', verified: false, basis, note: null,
  });
  const body = {
    networkVersion: 3, kind: 'clearances', findings: [f('G1', 'W1', 0.3, 'class-not-covered'), f('G2', 'W2', 0.45)],
    checkByHand: [f('G1', 'W1', 0.3, 'class-not-covered'), f('G3', 'W3', 0.9, 'class-not-covered')], uncheckedLinkIds: [],
  };
  const view = new NetworkReportView(body, 'clearances');

  it('counts findings as body.findings and hand checks as body.checkByHand, saying how many are both', () => {
    const s = view.summary;
    expect([s.findings, s.checkByHand, s.checkByHandAlsoFindings, s.total, s.unchecked]).toEqual([2, 2, 1, 3, 0]);
    expect(s.byKind).toEqual([{ kind: 'horizontal', count: 2, handOnly: 1 }]);
    expect(s.groups).toEqual([{ key: 'horizontal:gas+water', kind: 'horizontal', utilities: ['gas', 'water'], count: 2, handOnly: 1 }]);
    // Assumptions are counted among the findings: the hand-only row is not a finding.
    expect(s.assumed).toBe(1);
    const page = view.page({ ...ALL, pageSize: 50 });
    expect([page.matching, page.matchingFindings, page.matchingHandOnly]).toEqual([3, 2, 1]);
    const group = view.page({ ...ALL, group: 'horizontal:gas+water', pageSize: 50 });
    expect([group.matchingFindings, group.matchingHandOnly]).toEqual([2, 1]);

    expect(en('report.summary', { count: s.findings, version: 3 })).toBe('2 findings · network version 3');
    expect(countText(en, s.byKind[0]!.count, s.byKind[0]!.handOnly)).toBe('2 findings + 1 to check by hand');
    expect(countText(zh, s.groups[0]!.count, s.groups[0]!.handOnly)).toBe('2 项问题 + 1 项需人工核查');
    expect(countText(en, 7, 0)).toBe('7 findings');
    expect(pageText(en, page)).toBe('Page 1 of 1 (2 findings + 1 to check by hand)');
    expect(pageText(zh, page)).toBe('第 1 / 1 页（2 项问题 + 1 项需人工核查）');
    expect(checkByHandText(en, s)).toBe('2 pairs to check by hand (the table has no figure for them), listed first; 1 of them also among the findings.');
    expect(checkByHandText(zh, s)).toBe('2 对管线需人工核查（规则表无相应数值），排在最前；其中 1 对同时列为问题。');
    expect(noFindingsText(en, s)).toBeNull();
  });

  it('on the small city’s real clearance report: the pager’s count is the body’s findings', () => {
    const v = new NetworkReportView(clearances, 'clearances');
    expect(pageText(en, v.page({ ...ALL, pageSize: 50 }))).toBe(`Page 1 of ${Math.ceil(clearances.findings.length / 50)} (${clearances.findings.length.toLocaleString()} findings)`);
    expect(checkByHandText(en, v.summary)).toBe(clearances.checkByHand.length === 0 ? null : expect.any(String));
  });

  // A few of the small city's lines far apart and deep enough: no finding. Then one line whose
  // vertices are unknown: the report lists it as not checked, and "every line meets the rules" would be false.
  const nan = (l: (typeof network.links)[number], at: (i: number) => boolean) => ({ ...l, id: `${l.id}-unknown`, vertices: l.vertices.map((x, i) => (at(i) ? Number.NaN : x)) });

  it('says a clearance report without findings clears every line only when it checked every line', () => {
    const one = network.links[0]!;
    const clean = new NetworkReportView(asServed('clearances', checkClearances([one], validateClearanceRules(clearancesJson))), 'clearances');
    expect([clean.summary.findings, clean.summary.unchecked]).toEqual([0, 0]);
    expect(noFindingsText(en, clean.summary)).toBe('No findings: every line meets the rules below.');

    const body = asServed('clearances', checkClearances([one, nan(one, () => true)], validateClearanceRules(clearancesJson)));
    expect(body.findings).toEqual([]);
    expect(body.uncheckedLinkIds).toEqual([`${one.id}-unknown`]);
    const v = new NetworkReportView(body, 'clearances');
    expect([v.summary.total, v.summary.unchecked]).toEqual([0, 1]);
    expect(noFindingsText(en, v.summary)).toBe('No finding among the lines checked. Lines that could not be checked (in full): 1 — they are not cleared, check them by hand.');
    expect(noFindingsText(zh, v.summary)).toBe('已检查的管线中没有问题。1 条管线未能（完整）检查：不能视为合格，需人工核查。');
  });

  it('says the same of a cover report whose line has a vertex of unknown cover', () => {
    const rules = validateCoverRules(coverJson);
    const shallow = new Set(cover.findings.map((f) => f.linkId));
    const deep = network.links.filter((l) => !shallow.has(l.id)).slice(0, 3);
    expect(deep).toHaveLength(3);
    const clean = new NetworkReportView(asServed('cover', checkCover(deep, rules)), 'cover');
    expect(noFindingsText(en, clean.summary)).toBe('No findings: every line meets the rules below.');
    // The first vertex's ground unknown (model.ts: x, y, z, ground per vertex): that stretch is not checked.
    const body = asServed('cover', checkCover([...deep, nan(deep[0]!, (i) => i === 3)], rules));
    expect(body.findings).toEqual([]);
    expect(body.unknownCover).toEqual([{ linkId: `${deep[0]!.id}-unknown`, vertices: [0] }]);
    const v = new NetworkReportView(body, 'cover');
    expect(v.summary.unchecked).toBe(1);
    expect(noFindingsText(en, v.summary)).toMatch(/^No finding among the lines checked\. Lines that could not be checked \(in full\): 1 /);
  });

  it('does not say "no findings" over pairs still to check by hand', () => {
    const v = new NetworkReportView({ ...body, findings: [], checkByHand: [body.checkByHand[1]] }, 'clearances');
    expect([v.summary.findings, v.summary.total]).toEqual([0, 1]);
    expect(noFindingsText(en, v.summary)).toBe('No finding among the lines checked.');
    expect(checkByHandText(en, v.summary)).toBe('1 pairs to check by hand (the table has no figure for them), listed first.');
  });
});
