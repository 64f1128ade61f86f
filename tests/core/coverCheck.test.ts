/**
 * The cover report (src/core/screening/coverCheck.ts) with the shipped rules table: validation,
 * shallow stretches located exactly, a sampled oracle on random lines, the surface resolver, and
 * the sample city's planted shallow spots.
 *
 * Named tolerances:
 *   POSITION_TOL  a stretch's start and end (vertex positions) agree with the analytic value within this
 *   SAMPLED_M     cover sampled along a segment never drops below the reported minimum by more than this
 */
import { describe, expect, it } from 'vitest';
import coverJson from '../../data/rules/cover.json';
import { cityCollectionHeader, generateCity } from '../../src/core/city';
import { parseNetworkCollection } from '../../src/core/importNetwork';
import { halfHeight, UTILITY_TYPES, type CrossSection, type Link, type UtilityType } from '../../src/core/model';
import { mulberry32 } from '../../src/core/random';
import { checkCover, COVER_SLACK_M, DEFAULT_SURFACE } from '../../src/core/screening/coverCheck';
import { coverRequirement, validateCoverRules, type Surface } from '../../src/core/screening/coverRules';
import { RulesError } from '../../src/core/screening/rules';

const POSITION_TOL = 1e-9;
const SAMPLED_M = 1e-9;
const RULES = validateCoverRules(coverJson);

/** A link from [x, y, z (centreline), ground] vertices. */
function line(id: string, utility: UtilityType, vertices: readonly (readonly [number, number, number, number])[], section: CrossSection = { shape: 'circular', diameterMm: 200 }, subtype = 'main'): Link {
  return {
    id, utility, subtype, material: 'pe', section, pressureClass: null, installYear: null, owner: 'test',
    status: 'in_service', qualityLevel: 'B', street: null, fromNode: null, toNode: null, vertices: Float64Array.from(vertices.flat()),
  };
}

function refusal(input: unknown): RulesError {
  try {
    validateCoverRules(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesError);
    return e as RulesError;
  }
  return expect.fail('accepted');
}

describe('validateCoverRules', () => {
  it('accepts the shipped cover table with every utility, unverified', () => {
    expect(Object.keys(RULES.minimumCover).sort()).toEqual([...UTILITY_TYPES].sort());
    expect(RULES.minimumCover.gas.rows).toMatchObject([{ installation: null, footway: 0.6, carriageway: 0.9, verified: false }]);
    expect(RULES.minimumCover.power.rows.map((r) => [r.installation, r.footway, r.carriageway])).toEqual([['direct-buried', 0.7, 1.0], ['in duct', 0.5, 0.5]]);
    expect(RULES.minimumCover.telecom.rows.map((r) => [r.installation, r.footway, r.carriageway])).toEqual([['direct-buried', 0.6, 0.9], ['in duct', 0.5, 0.6]]);
    expect(RULES.minimumCover.heat.rows.map((r) => [r.installation, r.footway, r.carriageway])).toEqual([['direct-buried', 0.7, 1.0], ['in trench', 0.2, 0.5]]);
  });

  it('refuses a missing utility, naming its path', () => {
    const bad = structuredClone(coverJson) as Record<string, any>;
    delete bad.minimumCover.heat;
    expect(refusal(bad).path).toBe('minimumCover.heat');
  });

  it('refuses a negative or non-numeric depth, quoting the value', () => {
    const bad = structuredClone(coverJson) as Record<string, any>;
    bad.minimumCover.water.footway = -0.1;
    const e = refusal(bad);
    expect(e.path).toBe('minimumCover.water.footway');
    expect(e.message).toMatch(/got -0\.1/);
    const text = structuredClone(coverJson) as Record<string, any>;
    text.minimumCover.power.installations[1].carriageway = '0.5';
    expect(refusal(text).path).toBe('minimumCover.power.installations[1].carriageway');
  });

  it('refuses a misspelt utility or surface rather than ignoring it', () => {
    const utility = structuredClone(coverJson) as Record<string, any>;
    utility.minimumCover.Gas = utility.minimumCover.gas;
    expect(refusal(utility).path).toBe('minimumCover.Gas');
    const surface = structuredClone(coverJson) as Record<string, any>;
    surface.minimumCover.sewer.sidewalk = 0.6;
    expect(refusal(surface).path).toBe('minimumCover.sewer.sidewalk');
  });

  it('refuses a value without a source or verified flag', () => {
    const noSource = structuredClone(coverJson) as Record<string, any>;
    noSource.minimumCover.storm.source = '';
    expect(refusal(noSource).path).toBe('minimumCover.storm.source');
    const noFlag = structuredClone(coverJson) as Record<string, any>;
    noFlag.minimumCover.telecom.installations[0].verified = 'no';
    expect(refusal(noFlag).path).toBe('minimumCover.telecom.installations[0].verified');
  });

  it('refuses an installation without subtypes, and a subtype named by two installations', () => {
    const none = structuredClone(coverJson) as Record<string, any>;
    none.minimumCover.heat.installations[1].subtypes = [];
    expect(refusal(none).path).toBe('minimumCover.heat.installations[1].subtypes');
    const twice = structuredClone(coverJson) as Record<string, any>;
    twice.minimumCover.power.installations[0].subtypes.push('duct_bank');
    const e = refusal(twice);
    expect(e.path).toBe('minimumCover.power.installations[1].subtypes');
    expect(e.message).toMatch(/"duct_bank" is already in minimumCover\.power\.installations\[0\]/);
    const shape = structuredClone(coverJson) as Record<string, any>;
    shape.minimumCover.heat.installations[1].sections = ['square'];
    expect(refusal(shape).path).toBe('minimumCover.heat.installations[1].sections[0]');
  });
});

describe('checkCover', () => {
  it('finds nothing when every vertex has more than the minimum cover', () => {
    const report = checkCover([line('W1', 'water', [[0, 0, 8, 10], [10, 0, 8.5, 10], [20, 0, 8, 10.2]])], RULES);
    expect(report.findings).toEqual([]);
    expect(report.linksChecked).toBe(1);
  });

  it('reports a shallow stretch from where the cover crosses the minimum to where it recovers', () => {
    // Ground 10; d 200 mm so top = z + 0.1; water under a carriageway needs 0.70 m (cover.json).
    // Covers at the vertices: 1.0, 0.5, 1.0: the stretch runs from 0.6 to 1.4 (linear between vertices).
    const report = checkCover([line('W1', 'water', [[0, 0, 8.9, 10], [10, 0, 9.4, 10], [20, 0, 8.9, 10]])], RULES);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f).toMatchObject({ linkId: 'W1', utility: 'water', surface: 'carriageway', surfaceAssumed: true, vertex: 1, required: 0.7, verified: false });
    expect(f.cover).toBeCloseTo(0.5, 12);
    expect(f.shortfall).toBeCloseTo(0.2, 12);
    expect(f.from).toBeCloseTo(0.6 - COVER_SLACK_M / 0.5, 9);
    expect(f.to).toBeCloseTo(1.4 + COVER_SLACK_M / 0.5, 9);
    expect(f.length).toBeCloseTo(Math.hypot(10, 0.5) * 0.8, 4);
    expect(f.point).toEqual({ x: 10, y: 0, z: 9.4 });
    expect(f.source).toMatch(/GB 50289-2016/);
  });

  it('reports each separate shallow stretch of one line, most shortfall first', () => {
    const report = checkCover([line('G1', 'gas', [[0, 0, 9.4, 10], [5, 0, 8, 10], [10, 0, 9.2, 10], [15, 0, 8, 10]])], RULES);
    expect(report.findings.map((f) => [f.vertex, Number(f.shortfall.toFixed(6))])).toEqual([[0, 0.4], [2, 0.2]]);
    expect(report.findings[0]!.from).toBe(0);
  });

  it('measures to the top of a rectangular duct, its half height', () => {
    const duct: CrossSection = { shape: 'rect', widthMm: 800, heightMm: 400 };
    // Top = z + 0.2; power needs 0.50 m: cover 0.45 at z = 9.35.
    const report = checkCover([line('P1', 'power', [[0, 0, 9.35, 10], [10, 0, 9.35, 10]], duct, 'duct_bank')], RULES);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.cover).toBeCloseTo(0.45, 12);
    expect(report.findings[0]!).toMatchObject({ from: 0, to: 1, vertex: 0 });
  });

  it('reports a line exactly at the minimum, with zero shortfall, and not one a millimetre deeper', () => {
    // 0.7 m is not a binary fraction: the computed cover may land a hair either side, so the slack decides.
    const atLimit = checkCover([line('W1', 'water', [[0, 0, 9.2, 10], [10, 0, 9.2, 10]])], RULES);
    expect(atLimit.findings).toHaveLength(1);
    expect(atLimit.findings[0]!.shortfall).toBeLessThanOrEqual(COVER_SLACK_M);
    expect(checkCover([line('W1', 'water', [[0, 0, 9.199, 10], [10, 0, 9.199, 10]])], RULES).findings).toEqual([]);
  });

  it('uses the surface a resolver names, and the carriageway when it knows none', () => {
    // Gas 0.75 m deep: enough under a footway (0.60), too shallow under a carriageway (0.90).
    const links = [line('G1', 'gas', [[0, 0, 9.15, 10], [10, 0, 9.15, 10]]), line('G2', 'gas', [[0, 5, 9.15, 10], [10, 5, 9.15, 10]])];
    const surfaces: Record<string, Surface | null> = { G1: 'footway', G2: null };
    const report = checkCover(links, RULES, { surfaceOf: (l) => surfaces[l.id] ?? null });
    expect(report.findings.map((f) => [f.linkId, f.surface, f.surfaceAssumed, f.required])).toEqual([['G2', 'carriageway', true, 0.9]]);
    expect(report.linksOnDefaultSurface).toBe(1);
    expect(report.defaultSurface).toBe(DEFAULT_SURFACE);
    const footway = checkCover(links, RULES, { surfaceOf: () => 'footway' });
    expect(footway.findings).toEqual([]);
    expect(footway.linksOnDefaultSurface).toBe(0);
  });

  it('names the default surface for every utility in the shipped table: its value is the larger one', () => {
    for (const u of UTILITY_TYPES) {
      for (const row of RULES.minimumCover[u].rows) expect(row[DEFAULT_SURFACE]).toBeGreaterThanOrEqual(row.footway);
      expect(coverRequirement(RULES.minimumCover[u], null, null, null).surface).toBe(DEFAULT_SURFACE);
    }
  });

  it('requires the larger of footway and carriageway when the surface is unknown, also where an override makes the footway larger', () => {
    // An override table (it validates) with water 0.9 under a footway and 0.7 under a carriageway.
    const override = structuredClone(coverJson) as Record<string, any>;
    override.minimumCover.water = { footway: 0.9, carriageway: 0.7, source: 'local override: footway deeper (frost, verge planting)', verified: false };
    const rules = validateCoverRules(override);
    // Ground 10, d 200 mm: cover 0.8 m, enough under the carriageway, not under the footway.
    const links = [line('W1', 'water', [[0, 0, 9.1, 10], [10, 0, 9.1, 10]])];
    const report = checkCover(links, rules);
    expect(report.findings.map((f) => [f.linkId, f.surface, f.surfaceAssumed, f.required])).toEqual([['W1', 'footway', true, 0.9]]);
    expect(report.findings[0]!.source).toBe('local override: footway deeper (frost, verge planting)');
    expect(checkCover(links, rules, { surfaceOf: () => 'carriageway' }).findings).toEqual([]);
  });

  it('checks a direct-buried or unknown power and telecom cable against the direct-buried row, and one in a duct bank against the in-duct row', () => {
    // The review's crafted delivery: power DN100 at 0.75 m, telecom DN50 at 0.65 m, subtype "cable" (says neither installation).
    const cable = (id: string, utility: UtilityType, cover: number, mm: number, subtype: string): Link =>
      line(id, utility, [[0, 0, 10 - cover - mm / 2000, 10], [40, 0, 10 - cover - mm / 2000, 10]], { shape: 'circular', diameterMm: mm }, subtype);
    const report = checkCover([
      cable('P-CABLE', 'power', 0.75, 100, 'cable'), cable('T-CABLE', 'telecom', 0.65, 50, 'cable'),
      cable('P-BURIED', 'power', 0.75, 100, 'direct_buried'), cable('P-DUCT', 'power', 0.75, 100, 'duct_bank'), cable('T-DUCT', 'telecom', 0.65, 50, 'conduit'),
    ], RULES);
    expect(report.findings.map((f) => [f.linkId, f.required, f.surface, f.installation, f.installationAssumed])).toEqual([
      ['P-BURIED', 1.0, 'carriageway', 'direct-buried', false],
      ['P-CABLE', 1.0, 'carriageway', 'direct-buried', true],
      ['T-CABLE', 0.9, 'carriageway', 'direct-buried', true],
    ]);
    expect(report.findings[1]!.source).toMatch(/power, direct-buried/);
    expect(report.linksOnAssumedInstallation).toBe(2);
    // Under a known footway an unknown installation still gets the strictest row: power 0.70 > 0.50.
    const footway = checkCover([cable('P-CABLE', 'power', 0.65, 100, 'cable')], RULES, { surfaceOf: () => 'footway' });
    expect(footway.findings.map((f) => [f.required, f.installationAssumed])).toEqual([[0.7, true]]);
  });

  it('takes heat in a trench at the in-trench row only when its subtype says so and the trench is what is recorded', () => {
    // Top of the recorded section 0.8 m under the ground: the trench (a rect) or the pipe itself.
    const heat = (id: string, subtype: string, section: CrossSection): Link => line(id, 'heat', [[0, 0, 9.2 - halfHeight(section), 10], [10, 0, 9.2 - halfHeight(section), 10]], section, subtype);
    const pipe: CrossSection = { shape: 'circular', diameterMm: 200 }, trench: CrossSection = { shape: 'rect', widthMm: 1200, heightMm: 800 };
    const report = checkCover([heat('H-TRENCH', 'in_trench', trench), heat('H-SUPPLY', 'supply', pipe), heat('H-PIPE-IN-TRENCH', 'in_trench', pipe)], RULES);
    // A pipe recorded with subtype in_trench: its top lies below the trench's, which the in-trench row
    // is measured to, so it gets the direct-buried row (review 13: it got 0.5 m).
    expect(report.findings.map((f) => [f.linkId, f.required, f.installation, f.installationAssumed])).toEqual([
      ['H-PIPE-IN-TRENCH', 1.0, 'direct-buried', true], ['H-SUPPLY', 1.0, 'direct-buried', true]]);
  });

  it('states the rules it applied in the report, with no findings too', () => {
    const report = checkCover([], RULES);
    expect(report.rules.version).toBe(coverJson.version);
    expect(report.rules.frame).toMatch(/local metric frame/);
    expect(report.rules.assumptions.join('\n')).toMatch(/larger of the footway and carriageway[\s\S]*strictest row/);
  });

  it('refuses a resolver that names an unknown surface, naming the link', () => {
    const links = [line('T9', 'telecom', [[0, 0, 9, 10], [1, 0, 9, 10]])];
    expect(() => checkCover(links, RULES, { surfaceOf: () => 'verge' as Surface })).toThrow(/"verge" for link "T9"/);
  });

  it('lists vertices without ground and checks the rest of the line around them', () => {
    const report = checkCover([line('S1', 'sewer', [[0, 0, 9.5, 10], [5, 0, 9.5, NaN], [10, 0, 9.5, 10]])], RULES);
    expect(report.unknownCover).toEqual([{ linkId: 'S1', vertices: [1] }]);
    expect(report.findings.map((f) => [f.from, f.to, f.vertex])).toEqual([[0, 0, 0], [2, 2, 2]]);
  });

  it('does not modify the links', () => {
    const links = [line('W1', 'water', [[0, 0, 8.9, 10], [10, 0, 9.4, 10], [20, 0, 8.9, 10]])];
    const before = Array.from(links[0]!.vertices);
    checkCover(links, RULES);
    expect(Array.from(links[0]!.vertices)).toEqual(before);
  });

  it('agrees with dense sampling on 2,000 random lines: every shallow sample is inside a reported stretch, and the reported minimum is the least cover', () => {
    const rng = mulberry32(0xc0ffee);
    for (let k = 0; k < 2000; k++) {
      const utility = UTILITY_TYPES[k % UTILITY_TYPES.length]!;
      const required = coverRequirement(RULES.minimumCover[utility], 'main', null, null).value;
      const n = 2 + Math.floor(rng() * 6);
      const diameter = 50 + Math.floor(rng() * 800);
      const top = diameter / 2000;
      const vertices: [number, number, number, number][] = [];
      for (let i = 0; i < n; i++) {
        const ground = 10 + rng() * 0.5;
        // Covers around the minimum, some exactly on it.
        const cover = rng() < 0.15 ? required : required + (rng() - 0.5) * 0.8;
        vertices.push([i * 7 + rng(), rng() * 3, ground - cover - top, ground]);
      }
      const link = line(`L${k}`, utility, vertices, { shape: 'circular', diameterMm: diameter });
      const findings = checkCover([link], RULES).findings;
      const covers = vertices.map(([, , z, g]) => g - (z + top));
      for (const f of findings) {
        expect(f.cover).toBe(Math.min(...covers.slice(Math.ceil(f.from - POSITION_TOL), Math.floor(f.to + POSITION_TOL) + 1)));
        expect(f.shortfall).toBeCloseTo(Math.max(0, required - f.cover), 12);
      }
      for (let i = 0; i + 1 < n; i++) {
        for (let s = 0; s <= 200; s++) {
          const t = s / 200;
          const c = covers[i]! + t * (covers[i + 1]! - covers[i]!);
          const at = i + t;
          const where = (): string => `line ${k}, sample at ${at} with cover ${c} (minimum ${required}): ${JSON.stringify(findings)}`;
          if (c < required) {
            const inside = findings.find((f) => f.from - POSITION_TOL <= at && at <= f.to + POSITION_TOL);
            if (!inside) throw new Error(`${where()}: in no stretch`);
            if (c < inside.cover - SAMPLED_M) throw new Error(`${where()}: below the stretch's reported minimum`);
          } else if (c > required + 2 * COVER_SLACK_M && findings.some((f) => f.from + POSITION_TOL < at && at < f.to - POSITION_TOL)) {
            throw new Error(`${where()}: deep enough but inside a stretch`);
          }
        }
      }
    }
  });

  it('finds the planted shallow spots in the sample city, all checked as carriageway', () => {
    const network = parseNetworkCollection({ ...cityCollectionHeader(), features: [...generateCity({ size: 'small', seed: 42 })] });
    const report = checkCover(network.links, RULES);
    expect(report.findings.length).toBeGreaterThan(0);
    // The generator plants ~0.5 % of links with a spot 0.05–0.3 m short: a handful, not a flood.
    expect(report.findings.length).toBeLessThan(network.links.length * 0.05);
    expect(report.linksOnDefaultSurface).toBe(network.links.length);
    expect(report.unknownCover).toEqual([]);
    for (const f of report.findings) {
      expect(f.surfaceAssumed).toBe(true);
      expect(f.cover).toBeLessThan(f.required + COVER_SLACK_M);
    }
    expect(report.findings.some((f) => f.shortfall >= 0.05)).toBe(true);
  });
});
