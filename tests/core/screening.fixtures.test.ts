/**
 * In/out fixtures (tests/fixtures/screening/in → out). Outputs are compared after rounding to
 * micrometres (DECIMALS); regenerate them with UPDATE_FIXTURES=1 and review the diff.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/screening.json';
import type { Link } from '../../src/core/model';
import { applyOverrides, validateScreeningRules, type RuleOverrides } from '../../src/core/screening/rules';
import { screenExcavation, type ScreeningResult } from '../../src/core/screening/screen';
import { buildSegmentIndex, buildSegmentTable } from '../../src/core/screening/segmentTable';

const DIR = join(__dirname, '../fixtures/screening');
/** Rounding of every number before comparison: 6 decimals, i.e. micrometres. */
const DECIMALS = 1e6;
const RULES = validateScreeningRules(rulesJson);

interface FixtureInput {
  description: string;
  ruleSetId: string;
  overrides?: RuleOverrides;
  excavation: unknown;
  links: (Omit<Link, 'vertices'> & { vertices: (number | null)[] })[];
}

/** JSON has no NaN: a null coordinate stands for a missing one. */
function toLinks(input: FixtureInput): Link[] {
  return input.links.map((l) => ({ ...l, vertices: new Float64Array(l.vertices.map((v) => (v === null ? NaN : v))) }));
}

function round(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * DECIMALS) / DECIMALS + 0;
  if (Array.isArray(value)) return value.map(round);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)]));
  return value;
}

function run(input: FixtureInput): ScreeningResult {
  const rules = input.overrides ? applyOverrides(RULES, input.overrides) : RULES;
  const table = buildSegmentTable(toLinks(input));
  return screenExcavation(table, buildSegmentIndex(table), input.excavation as never, rules, input.ruleSetId);
}

const names = readdirSync(join(DIR, 'in')).filter((f) => f.endsWith('.json')).sort();

describe('screening fixtures', () => {
  it('has fixtures to check', () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of names) {
    it(`screens ${name.replace('.json', '')} as recorded`, () => {
      const input = JSON.parse(readFileSync(join(DIR, 'in', name), 'utf8')) as FixtureInput;
      const actual = round(run(input));
      const outPath = join(DIR, 'out', name);
      if (process.env.UPDATE_FIXTURES === '1') writeFileSync(outPath, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(outPath, 'utf8')));
    });

    it(`does not mutate the ${name.replace('.json', '')} inputs`, () => {
      const input = JSON.parse(readFileSync(join(DIR, 'in', name), 'utf8')) as FixtureInput;
      const links = toLinks(input);
      const rules = input.overrides ? applyOverrides(RULES, input.overrides) : RULES;
      const before = { links: structuredClone(links), excavation: structuredClone(input.excavation), rules: structuredClone(rules) };
      const table = buildSegmentTable(links);
      screenExcavation(table, buildSegmentIndex(table), input.excavation as never, rules, input.ruleSetId);
      expect({ links, excavation: input.excavation, rules }).toEqual(before);
    });
  }
});
