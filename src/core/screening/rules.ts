/**
 * The screening rules table (data/rules/screening.json): clearance per utility for each rule set, the
 * notify distance, and positional uncertainty per quality level. Distances in metres.
 *
 * A line's tolerance = clearance + max(horizontal, vertical uncertainty). The tolerance zone is a
 * ball around the pipe's outside (isotropic), so it must be at least as wide as the larger of the two
 * uncertainties in every direction: taking the max is the conservative choice.
 */
import { QUALITY_LEVELS, UTILITY_TYPES, type QualityLevel, type UtilityType } from '../model';
import { RulesError, flag, metres as distance, onlyKeys, record, show, text } from '../rulesTable';

export { RulesError };

export const USER_OVERRIDE_SOURCE = 'user override';

export interface SourcedValue {
  value: number;
  source: string;
  verified: boolean;
}

export interface RuleSet {
  title: Record<string, string>;
  clearances: Record<UtilityType, SourcedValue>;
}

export interface PositionalUncertainty {
  horizontal: number;
  vertical: number;
  horizontalDepthShare: number;
  verticalDepthShare: number;
  /**
   * The depth shares' h is the centreline depth, never less than this (the rules table's
   * uncertaintyMinimumDepth, the same for every level; copied here so a level is self-contained).
   */
  minimumDepth: number;
  source: string;
  verified: boolean;
}

export interface ScreeningRules {
  version: number;
  notifyDistance: SourcedValue;
  ruleSets: Record<string, RuleSet>;
  defaultRuleSet: string;
  positionalUncertainty: Record<QualityLevel, PositionalUncertainty>;
  /** h of the depth shares: the centreline depth, taken as this when shallower (CJJ 61: 1 m). */
  uncertaintyMinimumDepth: SourcedValue;
  /** How far outside its pit a bore's path may start or end (digWorks.ts checkPitsAtBoreEnds): coordinate rounding, m. */
  pitAtBoreEndTolerance: SourcedValue;
}

export interface ToleranceZone {
  clearance: number;
  clearanceSource: string;
  horizontalUncertainty: number;
  verticalUncertainty: number;
  /** clearance + max(horizontalUncertainty, verticalUncertainty). */
  tolerance: number;
}

function sourced(v: unknown, path: string): SourcedValue {
  const o = record(v, path);
  onlyKeys(o, ['value', 'source', 'verified'], path);
  return { value: distance(o.value, `${path}.value`), source: text(o.source, `${path}.source`), verified: flag(o.verified, `${path}.verified`) };
}

/**
 * Checks a rules object (parsed JSON, untrusted) and returns a typed copy. Every utility must be in
 * every rule set and every quality level in positionalUncertainty; numbers are finite and ≥ 0;
 * unknown keys are refused, so a misspelt utility cannot hide a missing one.
 */
export function validateScreeningRules(input: unknown): ScreeningRules {
  const root = record(input, 'rules');
  onlyKeys(root, ['version', 'notifyDistance', 'ruleSets', 'defaultRuleSet', 'positionalUncertainty', 'uncertaintyMinimumDepth', 'pitAtBoreEndTolerance'], 'rules');
  if (typeof root.version !== 'number' || !Number.isInteger(root.version)) throw new RulesError('version', `expected an integer, got ${show(root.version)}`);
  const notifyDistance = sourced(root.notifyDistance, 'notifyDistance');

  const ruleSetsIn = record(root.ruleSets, 'ruleSets');
  const ruleSets: Record<string, RuleSet> = {};
  for (const [id, rsIn] of Object.entries(ruleSetsIn)) {
    if (id === '$comment') continue;
    const path = `ruleSets.${id}`;
    const rs = record(rsIn, path);
    onlyKeys(rs, ['title', 'clearances'], path);
    const titleIn = record(rs.title, `${path}.title`);
    const title: Record<string, string> = {};
    for (const [lang, t] of Object.entries(titleIn)) title[lang] = text(t, `${path}.title.${lang}`);
    const cl = record(rs.clearances, `${path}.clearances`);
    onlyKeys(cl, UTILITY_TYPES, `${path}.clearances`);
    const clearances = {} as Record<UtilityType, SourcedValue>;
    for (const u of UTILITY_TYPES) {
      if (!(u in cl)) throw new RulesError(`${path}.clearances.${u}`, `missing; every rule set needs all of ${UTILITY_TYPES.join(', ')}`);
      clearances[u] = sourced(cl[u], `${path}.clearances.${u}`);
    }
    ruleSets[id] = { title, clearances };
  }
  if (Object.keys(ruleSets).length === 0) throw new RulesError('ruleSets', 'no rule set');
  const defaultRuleSet = text(root.defaultRuleSet, 'defaultRuleSet');
  if (!(defaultRuleSet in ruleSets)) throw new RulesError('defaultRuleSet', `"${defaultRuleSet}" is not one of ${Object.keys(ruleSets).join(', ')}`);

  const uncertaintyMinimumDepth = sourced(root.uncertaintyMinimumDepth, 'uncertaintyMinimumDepth');
  const pitAtBoreEndTolerance = sourced(root.pitAtBoreEndTolerance, 'pitAtBoreEndTolerance');
  const puIn = record(root.positionalUncertainty, 'positionalUncertainty');
  onlyKeys(puIn, QUALITY_LEVELS, 'positionalUncertainty');
  const positionalUncertainty = {} as Record<QualityLevel, PositionalUncertainty>;
  for (const q of QUALITY_LEVELS) {
    const path = `positionalUncertainty.${q}`;
    if (!(q in puIn)) throw new RulesError(path, `missing; every quality level ${QUALITY_LEVELS.join(', ')} is needed`);
    const o = record(puIn[q], path);
    const keys = ['horizontal', 'vertical', 'horizontalDepthShare', 'verticalDepthShare'] as const;
    onlyKeys(o, [...keys, 'source', 'verified'], path);
    positionalUncertainty[q] = {
      horizontal: distance(o.horizontal, `${path}.horizontal`),
      vertical: distance(o.vertical, `${path}.vertical`),
      horizontalDepthShare: distance(o.horizontalDepthShare, `${path}.horizontalDepthShare`),
      verticalDepthShare: distance(o.verticalDepthShare, `${path}.verticalDepthShare`),
      minimumDepth: uncertaintyMinimumDepth.value,
      source: text(o.source, `${path}.source`),
      verified: flag(o.verified, `${path}.verified`),
    };
  }
  return deepFrozen({ version: root.version, notifyDistance, ruleSets, defaultRuleSet, positionalUncertainty, uncertaintyMinimumDepth, pitAtBoreEndTolerance });
}

export function ruleSetOf(rules: ScreeningRules, ruleSetId: string): RuleSet {
  const rs = Object.prototype.hasOwnProperty.call(rules.ruleSets, ruleSetId) ? rules.ruleSets[ruleSetId] : undefined;
  if (!rs) throw new RangeError(`Unknown rule set "${ruleSetId}"; known: ${Object.keys(rules.ruleSets).join(', ')}`);
  return rs;
}

/** The h of the depth shares: centreline depth, never less than the level's minimumDepth. */
export function uncertaintyDepth(u: PositionalUncertainty, centrelineDepth: number): number {
  return centrelineDepth > u.minimumDepth ? centrelineDepth : u.minimumDepth;
}

export function horizontalUncertaintyAt(u: PositionalUncertainty, centrelineDepth: number): number {
  return u.horizontal + u.horizontalDepthShare * uncertaintyDepth(u, centrelineDepth);
}

export function verticalUncertaintyAt(u: PositionalUncertainty, centrelineDepth: number): number {
  return u.vertical + u.verticalDepthShare * uncertaintyDepth(u, centrelineDepth);
}

/**
 * The tolerance zone of a line. `quality` null (unknown) is QL-D. `centrelineDepth` = ground −
 * centreline elevation, m; a caller that does not know it must pass a conservative (deep) value.
 */
export function toleranceFor(
  rules: ScreeningRules, ruleSetId: string, utility: UtilityType, quality: QualityLevel | null, centrelineDepth: number,
): ToleranceZone {
  if (Number.isNaN(centrelineDepth)) throw new RangeError(`toleranceFor: centrelineDepth is NaN (utility ${utility})`);
  const rs = ruleSetOf(rules, ruleSetId);
  const c = rs.clearances[utility];
  if (!c) throw new RangeError(`toleranceFor: utility "${String(utility)}" is not one of ${UTILITY_TYPES.join(', ')}`);
  const u = rules.positionalUncertainty[quality ?? 'D'];
  const horizontalUncertainty = horizontalUncertaintyAt(u, centrelineDepth);
  const verticalUncertainty = verticalUncertaintyAt(u, centrelineDepth);
  return {
    clearance: c.value,
    clearanceSource: c.source,
    horizontalUncertainty,
    verticalUncertainty,
    tolerance: c.value + Math.max(horizontalUncertainty, verticalUncertainty),
  };
}

/** The largest uncertainty any quality level reaches at this depth (uncertainty grows with depth). */
export function maxUncertaintyAt(rules: ScreeningRules, centrelineDepth: number): number {
  let m = 0;
  for (const q of QUALITY_LEVELS) {
    const u = rules.positionalUncertainty[q];
    m = Math.max(m, horizontalUncertaintyAt(u, centrelineDepth), verticalUncertaintyAt(u, centrelineDepth));
  }
  return m;
}

export function maxClearance(rules: ScreeningRules, ruleSetId: string): number {
  const rs = ruleSetOf(rules, ruleSetId);
  let m = 0;
  for (const u of UTILITY_TYPES) m = Math.max(m, rs.clearances[u].value);
  return m;
}

export interface RuleOverrides {
  /** Clearance per utility, m; applies in every rule set (the user's number wins whichever is chosen). */
  clearances?: Partial<Record<UtilityType, number>>;
  notifyDistance?: number;
  /** Why, e.g. an owner's letter; appended to the recorded source. */
  reason?: string;
}

/** A copy of `rules` with the user's overrides, each recorded with source 'user override'. */
export function applyOverrides(rules: ScreeningRules, overrides: RuleOverrides): ScreeningRules {
  const o = record(overrides, 'overrides');
  onlyKeys(o, ['clearances', 'notifyDistance', 'reason'], 'overrides');
  const reason = o.reason === undefined ? '' : text(o.reason, 'overrides.reason');
  const source = reason ? `${USER_OVERRIDE_SOURCE}: ${reason}` : USER_OVERRIDE_SOURCE;
  const mine = (value: number): SourcedValue => ({ value, source, verified: false });

  const out: ScreeningRules = copyRules(rules);
  if (o.notifyDistance !== undefined) out.notifyDistance = mine(distance(o.notifyDistance, 'overrides.notifyDistance'));
  if (o.clearances !== undefined) {
    const cl = record(o.clearances, 'overrides.clearances');
    onlyKeys(cl, UTILITY_TYPES, 'overrides.clearances');
    for (const u of UTILITY_TYPES) {
      if (cl[u] === undefined) continue;
      const v = mine(distance(cl[u], `overrides.clearances.${u}`));
      for (const rs of Object.values(out.ruleSets)) rs.clearances[u] = { ...v };
    }
  }
  return deepFrozen(out);
}

/**
 * The largest distance any threshold can reach: the notify distance, or the widest tolerance (the
 * largest clearance of any rule set + the largest uncertainty at this depth).
 */
export function largestThreshold(rules: ScreeningRules, deepestCentreline: number): number {
  let clearance = 0;
  for (const id of Object.keys(rules.ruleSets)) clearance = Math.max(clearance, maxClearance(rules, id));
  return Math.max(rules.notifyDistance.value, clearance + maxUncertaintyAt(rules, deepestCentreline));
}

const SCALED = new WeakMap<ScreeningRules, Map<number, ScreeningRules>>();

/**
 * A copy of `rules` with every distance threshold (clearances, notify distance, uncertainties)
 * multiplied by `factor` ≥ 1, each source saying so; cached per rules object and factor, so the
 * screening's per-rules caches (ruleContext.ts) are reused. digScreening.ts uses it for the local
 * frame's scale away from its meridian, where frame distances read long by that factor.
 */
export function scaledRules(rules: ScreeningRules, factor: number): ScreeningRules {
  if (!(factor >= 1) || !Number.isFinite(factor)) throw new RangeError(`scaledRules: factor must be finite and ≥ 1; got ${factor}`);
  if (factor === 1) return rules;
  let byFactor = SCALED.get(rules);
  if (!byFactor) SCALED.set(rules, (byFactor = new Map()));
  const cached = byFactor.get(factor);
  if (cached) return cached;
  const note = ` (× ${factor}: the local frame's scale at the work)`;
  const scale = (v: SourcedValue): SourcedValue => ({ value: v.value * factor, source: v.source + note, verified: v.verified });
  const out = copyRules(rules);
  out.notifyDistance = scale(out.notifyDistance);
  for (const rs of Object.values(out.ruleSets)) for (const u of UTILITY_TYPES) rs.clearances[u] = scale(rs.clearances[u]);
  for (const q of QUALITY_LEVELS) {
    const u = out.positionalUncertainty[q];
    out.positionalUncertainty[q] = {
      ...u, horizontal: u.horizontal * factor, vertical: u.vertical * factor,
      horizontalDepthShare: u.horizontalDepthShare * factor, verticalDepthShare: u.verticalDepthShare * factor, source: u.source + note,
    };
  }
  const frozen = deepFrozen(out);
  byFactor.set(factor, frozen);
  return frozen;
}

/**
 * Validated rules are frozen, all the way down: the screening caches what it derives from a rules
 * object (ruleContext.ts: clearances, the search pad, each segment's tolerance column), so a value
 * changed in place would screen against stale numbers. A change makes a new object (applyOverrides).
 */
function deepFrozen<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) deepFrozen(v as object);
  return Object.freeze(o);
}

function copyRules(r: ScreeningRules): ScreeningRules {
  const ruleSets: Record<string, RuleSet> = {};
  for (const [id, rs] of Object.entries(r.ruleSets)) {
    const clearances = {} as Record<UtilityType, SourcedValue>;
    for (const u of UTILITY_TYPES) clearances[u] = { ...rs.clearances[u] };
    ruleSets[id] = { title: { ...rs.title }, clearances };
  }
  const positionalUncertainty = {} as Record<QualityLevel, PositionalUncertainty>;
  for (const q of QUALITY_LEVELS) positionalUncertainty[q] = { ...r.positionalUncertainty[q] };
  return {
    version: r.version, notifyDistance: { ...r.notifyDistance }, ruleSets, defaultRuleSet: r.defaultRuleSet, positionalUncertainty,
    uncertaintyMinimumDepth: { ...r.uncertaintyMinimumDepth }, pitAtBoreEndTolerance: { ...r.pitAtBoreEndTolerance },
  };
}
