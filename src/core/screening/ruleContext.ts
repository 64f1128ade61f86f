/**
 * What a rule set needs per screening, computed once per (rules, rule set, table depth and radius)
 * and cached (screen.ts): clearance per utility, the uncertainty parameters per quality (index 4,
 * unknown, is QL-D) and the index pad. Also each segment's tolerance as a column, per table and per
 * set of tolerance values (`segmentTolerances`), so a screening reads one number per candidate.
 */
import { QUALITY_LEVELS, UTILITY_TYPES } from '../model';
import {
  horizontalUncertaintyAt, maxClearance, maxUncertaintyAt, ruleSetOf, verticalUncertaintyAt,
  type PositionalUncertainty, type ScreeningRules,
} from './rules';
import type { SegmentTable } from './segmentTable';

/** Rounding allowance, m: far above the kernel's float error (~1e-12 m at city scale), far below survey precision. */
export const VERDICT_SLACK_M = 1e-6;

export interface RuleContext {
  clearance: Float64Array;
  clearanceSource: string[];
  uncertainty: PositionalUncertainty[];
  /**
   * The widest reach any segment can have (a superset of every verdict): the most any line's
   * tolerance or the notify distance can be, + the largest radius + slack. The 3D box cull's bound.
   */
  pad: number;
  /**
   * The index search's pad: `pad` without the radius, which each index box already has (buildSegmentIndex
   * pads every segment's plan box by its own radius), + one more slack for rounding.
   */
  searchPad: number;
  /** The numbers a segment's tolerance depends on (clearances, uncertainty parameters), as a key. */
  toleranceKey: string;
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
    // A verdict needs outside distance ≤ tolerance (ENCROACH) or ≤ notify (NEAR): the larger of the two
    // bounds it, not their sum. The tolerance is largest at the network's deepest line.
    const tolerance = maxClearance(rules, ruleSetId) + maxUncertaintyAt(rules, table.maxCentrelineDepth);
    const reach = Math.max(tolerance, rules.notifyDistance.value);
    const pad = reach + table.maxRadius + VERDICT_SLACK_M;
    const searchPad = reach + 2 * VERDICT_SLACK_M;
    const toleranceKey = [...clearance].join() + '|' +
      uncertainty.map((u) => `${u.horizontal},${u.vertical},${u.horizontalDepthShare},${u.verticalDepthShare},${u.minimumDepth}`).join('|');
    byKey.set(key, (ctx = { clearance, clearanceSource, uncertainty, pad, searchPad, toleranceKey }));
  }
  return ctx;
}

/** Depth of segment s for its uncertainty: the deeper end (ground − z), NaN when a ground is unknown. */
export function segmentDepth(table: SegmentTable, s: number): number {
  const c = table.coords, o = s * 6, g = table.segmentGround;
  return Math.max(g[2 * s]! - c[o + 2]!, g[2 * s + 1]! - c[o + 5]!);
}

/**
 * Tolerance of segment s: clearance + max(horizontal, vertical uncertainty) at its depth (the
 * network's deepest line where the depth is unknown), as toleranceFor (rules.ts) gives it.
 */
export function segmentToleranceOf(table: SegmentTable, ctx: RuleContext, s: number): number {
  const link = table.linkOfSegment[s]!;
  const unc = ctx.uncertainty[table.linkQuality[link]!]!;
  const h = segmentDepth(table, s);
  const depth = h === h ? h : table.maxCentrelineDepth;
  return ctx.clearance[table.linkUtility[link]!]! + Math.max(horizontalUncertaintyAt(unc, depth), verticalUncertaintyAt(unc, depth));
}

/** Columns kept per table: a few sets of tolerance values (rule sets, repeated overrides). */
const MAX_TOLERANCE_COLUMNS = 4;
interface ToleranceColumn { uses: number; column: Float64Array | null }
const TOLERANCES = new WeakMap<SegmentTable, Map<string, ToleranceColumn>>();
let lastTolerances: { table: SegmentTable; ctx: RuleContext; column: Float64Array } | null = null;

/**
 * Every segment's tolerance (`segmentToleranceOf`, the same numbers), built the second time a table
 * is screened with the same tolerance values and kept (8 bytes per segment, at most
 * MAX_TOLERANCE_COLUMNS sets per table); null before that, so a one-off set of overrides does not
 * pay for a column over the whole network.
 */
export function segmentTolerances(table: SegmentTable, ctx: RuleContext): Float64Array | null {
  const last = lastTolerances;
  if (last && last.table === table && last.ctx === ctx) return last.column;
  let byKey = TOLERANCES.get(table);
  if (!byKey) TOLERANCES.set(table, (byKey = new Map()));
  let entry = byKey.get(ctx.toleranceKey);
  if (!entry) {
    if (byKey.size >= MAX_TOLERANCE_COLUMNS) byKey.delete(byKey.keys().next().value!);
    byKey.set(ctx.toleranceKey, (entry = { uses: 0, column: null }));
  }
  if (!entry.column && ++entry.uses >= 2) {
    const column = new Float64Array(table.segmentCount);
    for (let s = 0; s < table.segmentCount; s++) column[s] = segmentToleranceOf(table, ctx, s);
    entry.column = column;
  }
  if (entry.column) lastTolerances = { table, ctx, column: entry.column };
  return entry.column;
}
