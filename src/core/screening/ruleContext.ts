/**
 * What a rule set needs per screening, computed once per (rules, rule set, table depth and radius)
 * and cached (screen.ts): clearance per utility, the uncertainty parameters per quality (index 4,
 * unknown, is QL-D) and the index pad.
 */
import { QUALITY_LEVELS, UTILITY_TYPES } from '../model';
import { maxClearance, maxUncertaintyAt, ruleSetOf, type PositionalUncertainty, type ScreeningRules } from './rules';
import type { SegmentTable } from './segmentTable';

/** Rounding allowance, m: far above the kernel's float error (~1e-12 m at city scale), far below survey precision. */
export const VERDICT_SLACK_M = 1e-6;

export interface RuleContext {
  clearance: Float64Array;
  clearanceSource: string[];
  uncertainty: PositionalUncertainty[];
  pad: number;
}
const RULE_CONTEXTS = new WeakMap<ScreeningRules, Map<string, RuleContext>>();

/** The last lookup, so that a run of screenings against one network and rule set skips the key. */
let lastContext: { rules: ScreeningRules; ruleSetId: string; depth: number; radius: number; ctx: RuleContext } | null = null;

export function ruleContext(rules: ScreeningRules, ruleSetId: string, table: SegmentTable): RuleContext {
  const last = lastContext;
  if (last && last.rules === rules && last.ruleSetId === ruleSetId && last.depth === table.maxCentrelineDepth &&
    last.radius === table.maxRadius) return last.ctx;
  const ctx = ruleContextByKey(rules, ruleSetId, table);
  lastContext = { rules, ruleSetId, depth: table.maxCentrelineDepth, radius: table.maxRadius, ctx };
  return ctx;
}

function ruleContextByKey(rules: ScreeningRules, ruleSetId: string, table: SegmentTable): RuleContext {
  let byKey = RULE_CONTEXTS.get(rules);
  if (!byKey) RULE_CONTEXTS.set(rules, (byKey = new Map()));
  const key = `${ruleSetId}\u0000${table.maxCentrelineDepth}\u0000${table.maxRadius}`;
  let ctx = byKey.get(key);
  if (!ctx) {
    const ruleSet = ruleSetOf(rules, ruleSetId);
    const clearance = new Float64Array(UTILITY_TYPES.length);
    for (let u = 0; u < UTILITY_TYPES.length; u++) clearance[u] = ruleSet.clearances[UTILITY_TYPES[u]!].value;
    const clearanceSource = UTILITY_TYPES.map((u) => ruleSet.clearances[u].source);
    const uncertainty = QUALITY_LEVELS.map((q) => rules.positionalUncertainty[q]);
    uncertainty.push(rules.positionalUncertainty.D);
    // Every distance that could matter, at the network's deepest line: a superset of every verdict.
    const pad = maxClearance(rules, ruleSetId) + maxUncertaintyAt(rules, table.maxCentrelineDepth) +
      rules.notifyDistance.value + table.maxRadius + VERDICT_SLACK_M;
    byKey.set(key, (ctx = { clearance, clearanceSource, uncertainty, pad }));
  }
  return ctx;
}
