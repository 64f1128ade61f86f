/**
 * The access table (data/rules/access.json) and the site geometry behind a contractor's view:
 * the shipped table loads with the defaults the design asks for, a bad edit is refused naming its
 * path, what counts as restricted, and lines clipped to sites against a brute-force measure of
 * every sampled point (fast-check, seeded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import accessJson from '../../data/rules/access.json';
import { VERTEX_STRIDE, type Link } from '../../src/core/model';
import { RulesError } from '../../src/core/rulesTable';
import { loadAccessRules, validateAccessRules } from '../../src/server/access/accessRules';
import { isRestrictedLink, restrictedNodes, voltageKv } from '../../src/server/access/restrictedAssets';
import { assetsIn, withoutAssets } from '../../src/server/access/payloadFilter';
import { clipToSites, siteDistance, type SiteArea, type XY } from '../../src/server/access/siteClip';

const rules = loadAccessRules();

describe('the access table', () => {
  it('ships the design\'s defaults: public none, contractor sites with restricted inside them, staff all, supervisor and admin without restricted', () => {
    expect(rules.roles.public).toEqual({ network: 'none', restricted: false });
    expect(rules.roles.applicant).toEqual({ network: 'sites', restricted: true });
    for (const r of ['reviewer', 'approver', 'dispatcher'] as const) expect(rules.roles[r]).toEqual({ network: 'all', restricted: true });
    for (const r of ['supervisor', 'admin'] as const) expect(rules.roles[r]).toEqual({ network: 'all', restricted: false });
    expect(rules.sites.states).not.toContain('completed');
    expect(rules.sites.radiusM).toBe(50);
  });

  it.each([
    [(j: any) => { j.roles.public.network = 'all'; }, 'roles.public.network'],
    [(j: any) => { j.roles.reviewer.network = 'everything'; }, 'roles.reviewer.network'],
    [(j: any) => { delete j.roles.admin.source; }, 'roles.admin.source'],
    [(j: any) => { j.sites.radiusM.value = -1; }, 'sites.radiusM.value'],
    [(j: any) => { j.sites.states.value = ['draft']; }, 'sites.states.value[0]'],
    [(j: any) => { j.sites.states.value = []; }, 'sites.states.value'],
    [(j: any) => { j.audit.readRoles.value = ['boss']; }, 'audit.readRoles.value[0]'],
    [(j: any) => { j.extra = 1; }, 'access.extra'],
  ])('refuses a bad edit naming its path (%#)', (edit, path) => {
    const j = structuredClone(accessJson) as any;
    edit(j);
    try {
      validateAccessRules(j);
      expect.unreachable('accepted a bad table');
    } catch (e) {
      expect(e).toBeInstanceOf(RulesError);
      expect((e as RulesError).path).toBe(path);
    }
  });

  it('restricts 110 kV and above and the sub-high and high gas classes, nothing else', () => {
    expect(voltageKv('110kV')).toBe(110);
    expect(voltageKv('0.4 kV')).toBe(0.4);
    expect(voltageKv('medium_a')).toBeNull();
    const r = (utility: Link['utility'], pressureClass: string | null) => isRestrictedLink({ utility, pressureClass }, rules);
    expect([r('power', '110kV'), r('power', '220kV'), r('power', '10kV'), r('power', null)]).toEqual([true, true, false, false]);
    expect([r('gas', 'sub_high_b'), r('gas', 'high_a'), r('gas', 'medium_a'), r('gas', 'low')]).toEqual([true, true, false, false]);
    expect(r('water', '110kV')).toBe(false);
  });

  it('restricts a node that sits on a restricted line or where one starts or ends, not its neighbours', () => {
    const link = (id: string, fromNode: string, toNode: string) => ({ id, fromNode, toNode }) as Link;
    const nodes = [{ id: 'v1', link: 'HV' }, { id: 'v2', link: 'LV' }, { id: 'a', link: null }, { id: 'b', link: null }, { id: 'c', link: null }];
    const got = restrictedNodes([link('HV', 'a', 'b'), link('LV', 'b', 'c')], nodes as never, new Set(['HV']));
    expect([...got].sort()).toEqual(['a', 'b', 'v1']);
  });
});

describe('cutting restricted assets out of an answer', () => {
  const restricted = new Set(['L9', 'N3']);
  const report = {
    findings: [{ linkId: 'L1', otherLinkId: 'L2' }, { linkId: 'L9', otherLinkId: 'L2' }, { nodeId: 'N3' }],
    uncheckedLinkIds: ['L4', 'L9'],
    nested: { hits: [['L9'], ['L5']] },
    note: 'L9 is a string field of an object, not an entry',
  };

  it('drops entries that name a restricted asset: objects by their own fields, bare ids in lists', () => {
    const out = withoutAssets(report, restricted);
    expect(out.findings).toEqual([{ linkId: 'L1', otherLinkId: 'L2' }]);
    expect(out.uncheckedLinkIds).toEqual(['L4']);
    expect(out.nested.hits).toEqual([[], ['L5']]);
    expect(assetsIn(out, restricted)).toEqual([]);
  });

  it('finds every restricted id an answer carries, for the audit', () => {
    expect(assetsIn(report, restricted).sort()).toEqual(['L9', 'N3']);
  });
});

describe('lines clipped to sites', () => {
  const point = fc.tuple(fc.double({ min: -200, max: 200, noNaN: true }), fc.double({ min: -200, max: 200, noNaN: true })) as fc.Arbitrary<XY>;
  const site = fc.record({
    rings: fc.array(fc.array(point, { minLength: 3, maxLength: 6 }), { maxLength: 1 }),
    paths: fc.array(fc.array(point, { minLength: 1, maxLength: 4 }), { maxLength: 2 }),
    radius: fc.double({ min: 1, max: 60, noNaN: true }),
  }).filter((s) => s.rings.length + s.paths.length > 0) as fc.Arbitrary<SiteArea>;
  const line = fc.array(point, { minLength: 2, maxLength: 6 });

  it('keeps every sampled point within the radius and sends no point beyond it (brute force over the line)', () => {
    fc.assert(fc.property(line, fc.array(site, { minLength: 1, maxLength: 2 }), (pts, sites) => {
      const vertices = Float64Array.from(pts.flatMap(([x, y], i) => [x, y, -1 - i, 10]));
      const pieces = clipToSites(vertices, sites);
      const d = (x: number, y: number) => Math.min(...sites.map((s) => siteDistance(x, y, s) - s.radius));
      for (const p of pieces) {
        for (let o = 0; o < p.length; o += VERTEX_STRIDE) expect(d(p[o]!, p[o + 1]!)).toBeLessThanOrEqual(1e-6);
      }
      // Every sample of the line well inside some site lies on a piece.
      const onPiece = (x: number, y: number) => pieces.some((p) => {
        for (let o = VERTEX_STRIDE; o < p.length; o += VERTEX_STRIDE) {
          const ax = p[o - VERTEX_STRIDE]!, ay = p[o - VERTEX_STRIDE + 1]!, bx = p[o]!, by = p[o + 1]!;
          const len = Math.hypot(bx - ax, by - ay);
          const cross = Math.abs((bx - ax) * (y - ay) - (by - ay) * (x - ax));
          const along = (x - ax) * (bx - ax) + (y - ay) * (by - ay);
          if (cross <= 1e-6 * Math.max(1, len) && along >= -1e-6 && along <= len * len + 1e-6) return true;
        }
        return false;
      });
      for (let i = 1; i < pts.length; i++) {
        for (let k = 0; k <= 20; k++) {
          const t = k / 20;
          const x = pts[i - 1]![0] + t * (pts[i]![0] - pts[i - 1]![0]), y = pts[i - 1]![1] + t * (pts[i]![1] - pts[i - 1]![1]);
          if (d(x, y) < -1e-3) expect(onPiece(x, y), `(${x}, ${y})`).toBe(true);
        }
      }
    }), { seed: 20261127, numRuns: 300 });
  });

  it('returns a line wholly inside a site unchanged, and nothing for a line far away', () => {
    const s: SiteArea = { rings: [[[0, 0], [100, 0], [100, 100], [0, 100]]], paths: [], radius: 10 };
    const inside = Float64Array.from([10, 10, 1, 2, 50, 60, 3, 4, 90, 90, 5, 6]);
    expect(clipToSites(inside, [s])).toEqual([inside]);
    expect(clipToSites(Float64Array.from([500, 500, 0, 0, 600, 600, 0, 0]), [s])).toEqual([]);
  });

  it('cuts a line crossing a site at the radius, carrying elevation and ground along', () => {
    const s: SiteArea = { rings: [], paths: [[[0, 0]]], radius: 10 };
    const [piece, ...rest] = clipToSites(Float64Array.from([-100, 0, 0, 10, 100, 0, 20, 30]), [s]);
    expect(rest).toEqual([]);
    expect(Array.from(piece!).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-10, 0, 9, 19, 10, 0, 11, 21]);
  });
});
