/**
 * Rules for the network's own reports: minimum cover by utility and surface (data/rules/cover.json,
 * read by coverCheck.ts) and minimum clearances between pairs of lines (data/rules/clearances.json,
 * read by clearanceCheck.ts). Distances in metres. Both files are untrusted input: validation
 * refuses anything malformed with a `RulesError` (rules.ts) naming the path of the bad value.
 *
 * A pair of lines gets the largest value of every clearance entry that matches it, or the table's
 * default when none does: taking the largest is the conservative reading when, say, `gas–*` and
 * `power–*` both match a gas–power crossing.
 */
import { UTILITY_TYPES, type CrossSection, type Link, type UtilityType } from '../model';
import { RulesError, flag, metres, numberIn, onlyKeys, record, show, text } from '../rulesTable';
import type { SourcedValue } from './rules';

export const SURFACES = ['footway', 'carriageway'] as const;
export type Surface = (typeof SURFACES)[number];

export interface CoverRule {
  footway: number;
  carriageway: number;
  source: string;
  verified: boolean;
}

export interface CoverRules {
  version: number;
  minimumCover: Record<UtilityType, CoverRule>;
}

export const CLEARANCE_KINDS = ['horizontal', 'vertical'] as const;
export type ClearanceKind = (typeof CLEARANCE_KINDS)[number];

/** Matches any utility in a pair entry's `between`. */
export const ANY_UTILITY = '*';
export type UtilityPattern = UtilityType | typeof ANY_UTILITY;

/** A smaller clearance that applies when the named line of the pair meets the condition. */
export type ClearanceBand =
  | { utility: UtilityType; value: number; maxDiameterMm: number }
  | { utility: UtilityType; value: number; pressureClasses: string[] };

export interface PairClearance {
  between: [UtilityPattern, UtilityPattern];
  value: number;
  bands: ClearanceBand[];
  source: string;
  verified: boolean;
}

export interface ClearanceTable {
  default: SourcedValue;
  pairs: PairClearance[];
}

/**
 * How the clearance report tells a crossing from lines running side by side (clearanceCheck.ts):
 * lines meeting in plan at `minAngleDeg` or more cross, and around the crossing each line is exempt
 * from the horizontal check within `zoneFactor` · (required + radii) / sin θ of the crossing point.
 */
export interface CrossingRules {
  minAngleDeg: SourcedValue;
  zoneFactor: SourcedValue;
}

/** Bounds of `crossings.minAngleDeg`: a crossing at 90° is the squarest there is. */
export const CROSSING_ANGLE_RANGE_DEG = [1, 90] as const;
/**
 * Bounds of `crossings.zoneFactor`. Below 1 a clean crossing's own approach would be reported as
 * a horizontal finding; above 4 a line running alongside for metres past a crossing would be
 * exempt from the horizontal check.
 */
export const CROSSING_ZONE_FACTOR_RANGE = [1, 4] as const;

export interface ClearanceRules {
  version: number;
  horizontal: ClearanceTable;
  vertical: ClearanceTable;
  crossings: CrossingRules;
}

/** What a clearance rule reads of a line. */
export type ClearanceSubject = Pick<Link, 'utility' | 'section' | 'pressureClass'>;

function version(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new RulesError('version', `expected an integer, got ${show(v)}`);
  return v;
}

function utility(v: unknown, path: string): UtilityType {
  if (!(UTILITY_TYPES as readonly unknown[]).includes(v)) throw new RulesError(path, `expected one of ${UTILITY_TYPES.join(', ')}, got ${show(v)}`);
  return v as UtilityType;
}

/**
 * Checks cover rules (parsed JSON) and returns a typed copy: every utility present, footway and
 * carriageway finite and ≥ 0, a source and a verified flag; unknown keys refused, so a misspelt
 * utility cannot hide a missing one.
 */
export function validateCoverRules(input: unknown): CoverRules {
  const root = record(input, 'rules');
  onlyKeys(root, ['version', 'minimumCover'], 'rules');
  const v = version(root.version);
  const mc = record(root.minimumCover, 'minimumCover');
  onlyKeys(mc, UTILITY_TYPES, 'minimumCover');
  const minimumCover = {} as Record<UtilityType, CoverRule>;
  for (const u of UTILITY_TYPES) {
    const path = `minimumCover.${u}`;
    if (!(u in mc)) throw new RulesError(path, `missing; cover rules need all of ${UTILITY_TYPES.join(', ')}`);
    const o = record(mc[u], path);
    onlyKeys(o, [...SURFACES, 'source', 'verified'], path);
    minimumCover[u] = {
      footway: metres(o.footway, `${path}.footway`),
      carriageway: metres(o.carriageway, `${path}.carriageway`),
      source: text(o.source, `${path}.source`),
      verified: flag(o.verified, `${path}.verified`),
    };
  }
  return { version: v, minimumCover };
}

function band(v: unknown, path: string, between: readonly UtilityPattern[]): ClearanceBand {
  const o = record(v, path);
  onlyKeys(o, ['utility', 'value', 'maxDiameterMm', 'pressureClasses'], path);
  const u = utility(o.utility, `${path}.utility`);
  if (!between.includes(u)) throw new RulesError(`${path}.utility`, `"${u}" is not named in the pair ${show(between)}`);
  const value = metres(o.value, `${path}.value`);
  const hasDiameter = o.maxDiameterMm !== undefined, hasClasses = o.pressureClasses !== undefined;
  if (hasDiameter === hasClasses) throw new RulesError(path, 'expected exactly one condition: maxDiameterMm or pressureClasses');
  if (hasDiameter) {
    const d = o.maxDiameterMm;
    if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) throw new RulesError(`${path}.maxDiameterMm`, `expected a diameter in mm > 0, got ${show(d)}`);
    return { utility: u, value, maxDiameterMm: d };
  }
  const classes = o.pressureClasses;
  if (!Array.isArray(classes) || classes.length === 0) throw new RulesError(`${path}.pressureClasses`, `expected a non-empty array of class names, got ${show(classes)}`);
  return { utility: u, value, pressureClasses: classes.map((c, i) => text(c, `${path}.pressureClasses[${i}]`)) };
}

function clearanceTable(v: unknown, path: string): ClearanceTable {
  const o = record(v, path);
  onlyKeys(o, ['default', 'pairs'], path);
  const d = record(o.default, `${path}.default`);
  onlyKeys(d, ['value', 'source', 'verified'], `${path}.default`);
  const def: SourcedValue = {
    value: metres(d.value, `${path}.default.value`),
    source: text(d.source, `${path}.default.source`),
    verified: flag(d.verified, `${path}.default.verified`),
  };
  if (!Array.isArray(o.pairs)) throw new RulesError(`${path}.pairs`, `expected an array, got ${show(o.pairs)}`);
  const seen = new Map<string, number>();
  const pairs = o.pairs.map((p, i): PairClearance => {
    const at = `${path}.pairs[${i}]`;
    const e = record(p, at);
    onlyKeys(e, ['between', 'value', 'bands', 'source', 'verified'], at);
    if (!Array.isArray(e.between) || e.between.length !== 2) throw new RulesError(`${at}.between`, `expected two utilities, got ${show(e.between)}`);
    const between = e.between.map((u, k) => (u === ANY_UTILITY ? ANY_UTILITY : utility(u, `${at}.between[${k}]`))) as [UtilityPattern, UtilityPattern];
    if (between[0] === ANY_UTILITY && between[1] === ANY_UTILITY) throw new RulesError(`${at}.between`, `"*–*" would override every pair; set the default instead`);
    const key = [...between].sort().join('|');
    const before = seen.get(key);
    if (before !== undefined) throw new RulesError(`${at}.between`, `duplicates ${path}.pairs[${before}] (${show(between)})`);
    seen.set(key, i);
    const bandsIn = e.bands === undefined ? [] : e.bands;
    if (!Array.isArray(bandsIn)) throw new RulesError(`${at}.bands`, `expected an array, got ${show(bandsIn)}`);
    return {
      between,
      value: metres(e.value, `${at}.value`),
      bands: bandsIn.map((b, k) => band(b, `${at}.bands[${k}]`, between)),
      source: text(e.source, `${at}.source`),
      verified: flag(e.verified, `${at}.verified`),
    };
  });
  return { default: def, pairs };
}

function boundedSourced(v: unknown, path: string, [min, max]: readonly [number, number]): SourcedValue {
  const o = record(v, path);
  onlyKeys(o, ['value', 'source', 'verified'], path);
  return { value: numberIn(o.value, `${path}.value`, min, max), source: text(o.source, `${path}.source`), verified: flag(o.verified, `${path}.verified`) };
}

function crossingRules(v: unknown): CrossingRules {
  const o = record(v, 'crossings');
  onlyKeys(o, ['minAngleDeg', 'zoneFactor'], 'crossings');
  return {
    minAngleDeg: boundedSourced(o.minAngleDeg, 'crossings.minAngleDeg', CROSSING_ANGLE_RANGE_DEG),
    zoneFactor: boundedSourced(o.zoneFactor, 'crossings.zoneFactor', CROSSING_ZONE_FACTOR_RANGE),
  };
}

/** Checks clearance rules (parsed JSON) and returns a typed copy; errors name the path of the bad value. */
export function validateClearanceRules(input: unknown): ClearanceRules {
  const root = record(input, 'rules');
  onlyKeys(root, ['version', ...CLEARANCE_KINDS, 'crossings'], 'rules');
  return {
    version: version(root.version),
    horizontal: clearanceTable(root.horizontal, 'horizontal'),
    vertical: clearanceTable(root.vertical, 'vertical'),
    crossings: crossingRules(root.crossings),
  };
}

/** The size a diameter band compares: a circle's diameter, a rectangle's larger side, mm. */
export function nominalSizeMm(section: CrossSection): number {
  return section.shape === 'circular' ? section.diameterMm : Math.max(section.widthMm, section.heightMm);
}

/** Whether a line of the band's utility meets the band's condition. */
export function meetsBand(b: ClearanceBand, line: ClearanceSubject): boolean {
  if ('maxDiameterMm' in b) return nominalSizeMm(line.section) <= b.maxDiameterMm;
  return line.pressureClass !== null && b.pressureClasses.includes(line.pressureClass);
}

function matches(pattern: UtilityPattern, u: UtilityType): boolean {
  return pattern === ANY_UTILITY || pattern === u;
}

/** The entry's value for this pair: a band's when every line of the band's utility meets it (the largest such band). */
function entryValue(e: PairClearance, a: ClearanceSubject, b: ClearanceSubject): number {
  let value = e.value;
  let banded = -1;
  for (const bd of e.bands) {
    const lines = [a, b].filter((l) => l.utility === bd.utility);
    if (lines.length > 0 && lines.every((l) => meetsBand(bd, l)) && bd.value > banded) banded = bd.value;
  }
  if (banded >= 0) value = banded;
  return value;
}

/**
 * The clearance a pair of lines must keep: the largest value among the entries that match the
 * pair (in either order), or the table's default when none does. Symmetric in a and b.
 */
export function requiredClearance(table: ClearanceTable, a: ClearanceSubject, b: ClearanceSubject): SourcedValue {
  let best: SourcedValue | null = null;
  for (const e of table.pairs) {
    const [p, q] = e.between;
    if (!((matches(p, a.utility) && matches(q, b.utility)) || (matches(p, b.utility) && matches(q, a.utility)))) continue;
    const value = entryValue(e, a, b);
    if (best === null || value > best.value) best = { value, source: e.source, verified: e.verified };
  }
  return best ?? { ...table.default };
}

/** The largest clearance the table can ask of any pair: the search radius around each line. */
export function largestClearance(table: ClearanceTable): number {
  let m = table.default.value;
  for (const e of table.pairs) {
    m = Math.max(m, e.value);
    for (const b of e.bands) m = Math.max(m, b.value);
  }
  return m;
}
