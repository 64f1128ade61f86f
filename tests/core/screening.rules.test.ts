import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import { UTILITY_TYPES } from '../../src/core/model';
import {
  applyOverrides, maxUncertaintyAt, RulesError, toleranceFor, USER_OVERRIDE_SOURCE, validateScreeningRules,
} from '../../src/core/screening/rules';

const RULES = validateScreeningRules(rulesJson);

function refusal(input: unknown): RulesError {
  try {
    validateScreeningRules(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesError);
    return e as RulesError;
  }
  return expect.fail('accepted');
}

describe('validateScreeningRules', () => {
  it('accepts the shipped rules table', () => {
    expect(Object.keys(RULES.ruleSets)).toEqual(['cn-gb50289', 'cga-5.19', 'us-24in']);
    expect(RULES.notifyDistance.value).toBe(5);
  });

  it('refuses a rule set missing a utility, naming the path', () => {
    const bad = structuredClone(rulesJson) as Record<string, any>;
    delete bad.ruleSets['us-24in'].clearances.heat;
    expect(refusal(bad).path).toBe('ruleSets.us-24in.clearances.heat');
  });

  it('refuses a misspelt utility rather than ignoring it', () => {
    const bad = structuredClone(rulesJson) as Record<string, any>;
    bad.ruleSets['cga-5.19'].clearances.Gas = bad.ruleSets['cga-5.19'].clearances.gas;
    expect(refusal(bad).path).toBe('ruleSets.cga-5.19.clearances.Gas');
  });

  it('refuses negative or non-finite numbers, quoting the value', () => {
    const bad = structuredClone(rulesJson) as Record<string, any>;
    bad.ruleSets['cn-gb50289'].clearances.gas.value = -1;
    const e = refusal(bad);
    expect(e.path).toBe('ruleSets.cn-gb50289.clearances.gas.value');
    expect(e.message).toMatch(/got -1/);
    const nan = structuredClone(rulesJson) as Record<string, any>;
    nan.positionalUncertainty.B.verticalDepthShare = 'lots';
    expect(refusal(nan).path).toBe('positionalUncertainty.B.verticalDepthShare');
  });

  it('reads the depth shares\' minimum h from the table, with its source, and refuses it missing or negative', () => {
    expect(RULES.uncertaintyMinimumDepth).toMatchObject({ value: 1, verified: false });
    expect(RULES.uncertaintyMinimumDepth.source).toMatch(/CJJ 61/);
    const none = structuredClone(rulesJson) as Record<string, any>;
    delete none.uncertaintyMinimumDepth;
    expect(refusal(none).path).toBe('uncertaintyMinimumDepth');
    const negative = structuredClone(rulesJson) as Record<string, any>;
    negative.uncertaintyMinimumDepth.value = -0.5;
    expect(refusal(negative).path).toBe('uncertaintyMinimumDepth.value');
  });

  it('refuses a missing quality level and an unknown default rule set', () => {
    const noC = structuredClone(rulesJson) as Record<string, any>;
    delete noC.positionalUncertainty.C;
    expect(refusal(noC).path).toBe('positionalUncertainty.C');
    const badDefault = structuredClone(rulesJson) as Record<string, any>;
    badDefault.defaultRuleSet = 'nowhere';
    expect(refusal(badDefault).path).toBe('defaultRuleSet');
  });
});

describe('toleranceFor', () => {
  it('adds the larger of the two uncertainties to the clearance', () => {
    const z = toleranceFor(RULES, 'cn-gb50289', 'gas', 'D', 1.2);
    expect(z).toMatchObject({ clearance: 1, horizontalUncertainty: 2, verticalUncertainty: 1, tolerance: 3 });
    expect(z.clearanceSource).toMatch(/GB 50289-2016/);
  });

  it('scales QL-B and QL-C uncertainty with depth, taking 1 m when shallower', () => {
    const deep = toleranceFor(RULES, 'cn-gb50289', 'water', 'B', 4);
    expect(deep.horizontalUncertainty).toBeCloseTo(0.4, 12);
    expect(deep.verticalUncertainty).toBeCloseTo(0.6, 12);
    expect(deep.tolerance).toBeCloseTo(0.5 + 0.6, 12);
    const shallow = toleranceFor(RULES, 'cn-gb50289', 'water', 'B', 0.3);
    expect(shallow.verticalUncertainty).toBeCloseTo(0.15, 12);
    expect(toleranceFor(RULES, 'cga-5.19', 'power', 'C', 3).tolerance).toBeCloseTo(0.457 + 1.2, 12);
  });

  it('takes h as the table\'s uncertaintyMinimumDepth when shallower, not a constant', () => {
    const half = structuredClone(rulesJson) as Record<string, any>;
    half.uncertaintyMinimumDepth.value = 0.5;
    const rules = validateScreeningRules(half);
    // QL-B vertical share 0.15: h = 0.8 m counts as itself under a 0.5 m minimum, as 1 m under the shipped one.
    expect(toleranceFor(rules, 'cn-gb50289', 'water', 'B', 0.8).verticalUncertainty).toBeCloseTo(0.12, 12);
    expect(toleranceFor(RULES, 'cn-gb50289', 'water', 'B', 0.8).verticalUncertainty).toBeCloseTo(0.15, 12);
    expect(toleranceFor(rules, 'cn-gb50289', 'water', 'B', 0.3).verticalUncertainty).toBeCloseTo(0.075, 12);
    // Deeper than either minimum: the same.
    expect(toleranceFor(rules, 'cn-gb50289', 'water', 'B', 3)).toEqual(toleranceFor(RULES, 'cn-gb50289', 'water', 'B', 3));
  });

  it('treats an unknown quality level as QL-D', () => {
    expect(toleranceFor(RULES, 'us-24in', 'telecom', null, 2)).toEqual(toleranceFor(RULES, 'us-24in', 'telecom', 'D', 2));
  });

  it('refuses an unknown rule set, listing the known ones', () => {
    expect(() => toleranceFor(RULES, 'eu', 'gas', 'A', 1)).toThrow(/known: cn-gb50289, cga-5.19, us-24in/);
  });

  it('is never smaller than the clearance plus either uncertainty', () => {
    for (const q of ['A', 'B', 'C', 'D', null] as const) {
      for (const depth of [0, 0.5, 1, 3, 12]) {
        for (const u of UTILITY_TYPES) {
          const z = toleranceFor(RULES, 'cn-gb50289', u, q, depth);
          expect(z.tolerance).toBeGreaterThanOrEqual(z.clearance + z.horizontalUncertainty);
          expect(z.tolerance).toBeGreaterThanOrEqual(z.clearance + z.verticalUncertainty);
          expect(Math.max(z.horizontalUncertainty, z.verticalUncertainty)).toBeLessThanOrEqual(maxUncertaintyAt(RULES, depth));
        }
      }
    }
  });
});

describe('applyOverrides', () => {
  it('sets a clearance in every rule set and records it as a user override', () => {
    const mine = applyOverrides(RULES, { clearances: { gas: 3 }, reason: 'owner letter 2024-17' });
    for (const id of Object.keys(mine.ruleSets)) {
      expect(mine.ruleSets[id]!.clearances.gas.value).toBe(3);
      expect(mine.ruleSets[id]!.clearances.gas.source).toBe(`${USER_OVERRIDE_SOURCE}: owner letter 2024-17`);
    }
    expect(toleranceFor(mine, 'cga-5.19', 'gas', 'A', 1).clearanceSource).toMatch(/^user override/);
    expect(mine.ruleSets['cga-5.19']!.clearances.water).toEqual(RULES.ruleSets['cga-5.19']!.clearances.water);
  });

  it('sets the notify distance', () => {
    const mine = applyOverrides(RULES, { notifyDistance: 10 });
    expect(mine.notifyDistance).toEqual({ value: 10, source: USER_OVERRIDE_SOURCE, verified: false });
  });

  it('leaves the original rules untouched', () => {
    const before = structuredClone(RULES);
    applyOverrides(RULES, { clearances: { heat: 9 }, notifyDistance: 1 });
    expect(RULES).toEqual(before);
  });

  it('refuses bad override values, naming the path', () => {
    expect(() => applyOverrides(RULES, { clearances: { gas: -2 } })).toThrow(/overrides\.clearances\.gas/);
    expect(() => applyOverrides(RULES, { clearances: { steam: 2 } as never })).toThrow(/overrides\.clearances\.steam/);
    expect(() => applyOverrides(RULES, { notifyDistance: NaN })).toThrow(/overrides\.notifyDistance/);
  });

  it('bounds an override by the table\'s overrideLimit (a project judgement, sourced), at the limit allowed', () => {
    expect(RULES.overrideLimit).toMatchObject({ value: 50, verified: false });
    expect(RULES.overrideLimit.source).toMatch(/project judgement/);
    expect(applyOverrides(RULES, { notifyDistance: 50, clearances: { gas: 50 } }).notifyDistance.value).toBe(50);
    expect(() => applyOverrides(RULES, { notifyDistance: 50.001 })).toThrow(/overrides\.notifyDistance: expected at most 50 m/);
    expect(() => applyOverrides(RULES, { clearances: { heat: 1e9 } })).toThrow(/overrides\.clearances\.heat: expected at most 50 m/);
    const wider = structuredClone(rulesJson) as { overrideLimit: { value: number } };
    wider.overrideLimit.value = 200;
    expect(applyOverrides(validateScreeningRules(wider), { notifyDistance: 150 }).notifyDistance.value).toBe(150);
  });
});
