/**
 * Rules for the network's clearance report: minimum clearances between pairs of lines
 * (data/rules/clearances.json, read by clearanceCheck.ts; the cover report's table is coverRules.ts).
 * Distances in metres. The file is untrusted input: validation refuses anything malformed with a
 * `RulesError` (rules.ts) naming the path of the bad value.
 *
 * A pair of lines gets the largest value of every clearance entry that matches it, or the table's
 * default when none does: taking the largest is the conservative reading when, say, `gas–*` and
 * `power–*` both match a gas–power crossing.
 */
import { UTILITY_TYPES, type CrossSection, type Link, type UtilityType } from '../model';
import { RulesError, flag, metres, numberIn, onlyKeys, record, show, tableVersion as version, text } from '../rulesTable';
import type { SourcedValue } from './rules';

export const CLEARANCE_KINDS = ['horizontal', 'vertical'] as const;
export type ClearanceKind = (typeof CLEARANCE_KINDS)[number];

/** Matches any utility in a pair entry's `between`. */
export const ANY_UTILITY = '*';
export type UtilityPattern = UtilityType | typeof ANY_UTILITY;

/**
 * Another clearance that applies when the named line of the pair meets the condition (every line of
 * that utility in the pair does; or, with `either`, at least one does: reclaimed water crossing
 * potable water needs 0.50 m whichever line is the reclaimed one).
 */
export type ClearanceBand = { either: boolean } & (
  | { utility: UtilityType; value: number; maxDiameterMm: number }
  | { utility: UtilityType; value: number; pressureClasses: string[] }
  | { utility: UtilityType; value: number; subtypes: string[] });

/**
 * The pressure classes of the named line an entry has figures for (GB 50289's low and medium gas
 * rows). A line of that utility with another recorded class is not covered: the pair gets the
 * entry's value as a floor only and is listed for checking by hand (`requiredClearance`); so is a
 * line with no recorded class (it may be of a class without a figure), and so is a pair that falls
 * to the table's default when one of its lines is of a class no entry of the table has figures for.
 */
export interface CoveredClasses {
  utility: UtilityType;
  pressureClasses: string[];
}

export interface PairClearance {
  between: [UtilityPattern, UtilityPattern];
  value: number;
  bands: ClearanceBand[];
  onlyClasses: CoveredClasses | null;
  source: string;
  verified: boolean;
}

/**
 * Where a pair's clearance came from: an entry of the table; the table's default (the pair is not
 * listed); or an entry that has no figure for a line's pressure class (its value is a floor only).
 */
export type ClearanceBasis = 'table' | 'default' | 'class-not-covered';

export interface RequiredClearance extends SourcedValue {
  basis: ClearanceBasis;
  /** For 'class-not-covered': which line class the entry lacks, in words. */
  note: string | null;
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

/**
 * Lines of one utility joined at a node (a shared end node id, ends within `toleranceM` in 3D, or
 * an end lying on the other line's outline: a tee onto a main not split there) are one network, not
 * two lines keeping a clearance. `exemptJoinedLines`: whether such pairs are left out of the report
 * along their whole length (a project judgement, sourced in the table).
 */
export interface JointRules {
  exemptJoinedLines: { value: boolean; source: string; verified: boolean };
  toleranceM: SourcedValue;
}

/** Bounds of `joints.toleranceM`: up to 0.1 m, so two lines 10 cm apart are never read as one joint. */
export const JOINT_TOLERANCE_RANGE_M = [0, 0.1] as const;

export interface ClearanceRules {
  version: number;
  horizontal: ClearanceTable;
  vertical: ClearanceTable;
  crossings: CrossingRules;
  joints: JointRules;
}

/** What a clearance rule reads of a line. */
export type ClearanceSubject = Pick<Link, 'utility' | 'subtype' | 'section' | 'pressureClass'>;

function utility(v: unknown, path: string): UtilityType {
  if (!(UTILITY_TYPES as readonly unknown[]).includes(v)) throw new RulesError(path, `expected one of ${UTILITY_TYPES.join(', ')}, got ${show(v)}`);
  return v as UtilityType;
}

function names(v: unknown, path: string, what: string): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new RulesError(path, `expected a non-empty array of ${what}, got ${show(v)}`);
  return v.map((c, i) => text(c, `${path}[${i}]`));
}

function namedUtility(v: unknown, path: string, between: readonly UtilityPattern[]): UtilityType {
  const u = utility(v, path);
  if (!between.includes(u)) throw new RulesError(path, `"${u}" is not named in the pair ${show(between)}`);
  return u;
}

function band(v: unknown, path: string, between: readonly UtilityPattern[]): ClearanceBand {
  const o = record(v, path);
  onlyKeys(o, ['utility', 'value', 'maxDiameterMm', 'pressureClasses', 'subtypes', 'either'], path);
  const u = namedUtility(o.utility, `${path}.utility`, between);
  const value = metres(o.value, `${path}.value`);
  const either = o.either === undefined ? false : flag(o.either, `${path}.either`);
  const conditions = ['maxDiameterMm', 'pressureClasses', 'subtypes'].filter((k) => o[k] !== undefined);
  if (conditions.length !== 1) throw new RulesError(path, 'expected exactly one condition: maxDiameterMm, pressureClasses or subtypes');
  if (conditions[0] === 'maxDiameterMm') {
    const d = o.maxDiameterMm;
    if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) throw new RulesError(`${path}.maxDiameterMm`, `expected a diameter in mm > 0, got ${show(d)}`);
    return { utility: u, value, either, maxDiameterMm: d };
  }
  if (conditions[0] === 'subtypes') return { utility: u, value, either, subtypes: names(o.subtypes, `${path}.subtypes`, 'line subtypes') };
  return { utility: u, value, either, pressureClasses: names(o.pressureClasses, `${path}.pressureClasses`, 'class names') };
}

function coveredClasses(v: unknown, path: string, between: readonly UtilityPattern[]): CoveredClasses | null {
  if (v === undefined) return null;
  const o = record(v, path);
  onlyKeys(o, ['utility', 'pressureClasses'], path);
  return { utility: namedUtility(o.utility, `${path}.utility`, between), pressureClasses: names(o.pressureClasses, `${path}.pressureClasses`, 'class names') };
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
    onlyKeys(e, ['between', 'value', 'bands', 'onlyClasses', 'source', 'verified'], at);
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
      onlyClasses: coveredClasses(e.onlyClasses, `${at}.onlyClasses`, between),
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

function jointRules(v: unknown): JointRules {
  const o = record(v, 'joints');
  onlyKeys(o, ['exemptJoinedLines', 'toleranceM'], 'joints');
  const e = record(o.exemptJoinedLines, 'joints.exemptJoinedLines');
  onlyKeys(e, ['value', 'source', 'verified'], 'joints.exemptJoinedLines');
  return {
    exemptJoinedLines: {
      value: flag(e.value, 'joints.exemptJoinedLines.value'),
      source: text(e.source, 'joints.exemptJoinedLines.source'),
      verified: flag(e.verified, 'joints.exemptJoinedLines.verified'),
    },
    toleranceM: boundedSourced(o.toleranceM, 'joints.toleranceM', JOINT_TOLERANCE_RANGE_M),
  };
}

/** Checks clearance rules (parsed JSON) and returns a typed copy; errors name the path of the bad value. */
export function validateClearanceRules(input: unknown): ClearanceRules {
  const root = record(input, 'rules');
  onlyKeys(root, ['version', ...CLEARANCE_KINDS, 'crossings', 'joints'], 'rules');
  return {
    version: version(root.version),
    horizontal: clearanceTable(root.horizontal, 'horizontal'),
    vertical: clearanceTable(root.vertical, 'vertical'),
    crossings: crossingRules(root.crossings),
    joints: jointRules(root.joints),
  };
}

/** The size a diameter band compares: a circle's diameter, a rectangle's larger side, mm. */
export function nominalSizeMm(section: CrossSection): number {
  return section.shape === 'circular' ? section.diameterMm : Math.max(section.widthMm, section.heightMm);
}

/** Whether a line of the band's utility meets the band's condition. */
export function meetsBand(b: ClearanceBand, line: ClearanceSubject): boolean {
  if ('maxDiameterMm' in b) return nominalSizeMm(line.section) <= b.maxDiameterMm;
  if ('subtypes' in b) return line.subtype !== null && line.subtype !== undefined && b.subtypes.includes(line.subtype);
  return line.pressureClass !== null && b.pressureClasses.includes(line.pressureClass);
}

/**
 * Whether an entry has a figure for the line: its `onlyClasses`, if any, lists the line's recorded
 * class. A line with no recorded class is not covered: it may be of a class the entry has no
 * figure for (sub-high, high), so it gets the entry's value as a floor and is checked by hand.
 */
export function entryCovers(e: PairClearance, line: ClearanceSubject): boolean {
  const c = e.onlyClasses;
  return c === null || line.utility !== c.utility || (line.pressureClass !== null && c.pressureClasses.includes(line.pressureClass));
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
    const met = bd.either ? lines.some((l) => meetsBand(bd, l)) : lines.length > 0 && lines.every((l) => meetsBand(bd, l));
    if (met && bd.value > banded) banded = bd.value;
  }
  if (banded >= 0) value = banded;
  return value;
}

/**
 * The clearance a pair of lines must keep: the largest value among the entries that match the
 * pair (in either order), or the table's default when none does (basis 'default'). When a matching
 * entry has no figure for a line's pressure class (`onlyClasses`), the value is still the largest
 * (a floor: no class needs less than the classes the entry lists) but the basis is
 * 'class-not-covered' and the note says which class: the report lists such pairs to be checked by
 * hand rather than pass them on a lower class's figure. Symmetric in a and b.
 */
export function requiredClearance(table: ClearanceTable, a: ClearanceSubject, b: ClearanceSubject): RequiredClearance {
  let best: SourcedValue | null = null;
  let note: string | null = null;
  for (const e of table.pairs) {
    const [p, q] = e.between;
    if (!((matches(p, a.utility) && matches(q, b.utility)) || (matches(p, b.utility) && matches(q, a.utility)))) continue;
    const value = entryValue(e, a, b);
    if (best === null || value > best.value) best = { value, source: e.source, verified: e.verified };
    if (note === null) {
      const line = [a, b].find((l) => !entryCovers(e, l));
      if (line) {
        note = `no figure for ${describeClass(line)} in the ${e.between.join('–')} entry (it has ${e.onlyClasses!.pressureClasses.join(', ')}): the value is a floor only; check by hand`;
      }
    }
  }
  if (best === null) {
    // Not in the table: the default, unless a line is of a class the table has figures for elsewhere
    // and this one is not among them (high-pressure gas beside heat): then the default is a floor only.
    for (const line of [a, b]) {
      const classes = classesWithFigures(table, line.utility);
      if (classes === null || (line.pressureClass !== null && classes.includes(line.pressureClass))) continue;
      return {
        ...table.default, basis: 'class-not-covered',
        note: `the table has no ${a.utility}–${b.utility} entry, and its entries have figures only for ${line.utility} of pressure class ` +
          `${classes.join(', ')}, not for ${describeClass(line)}: the default ${table.default.value} m is a floor only; check by hand`,
      };
    }
    return { ...table.default, basis: 'default', note: null };
  }
  return { ...best, basis: note === null ? 'table' : 'class-not-covered', note };
}

/** The pressure classes of `utility` the table's entries have figures for (`onlyClasses`), or null when no entry limits them. */
function classesWithFigures(table: ClearanceTable, utility: UtilityType): string[] | null {
  const limits = table.pairs.flatMap((e) => (e.onlyClasses?.utility === utility ? [e.onlyClasses.pressureClasses] : []));
  return limits.length === 0 ? null : [...new Set(limits.flat())];
}

function describeClass(line: ClearanceSubject): string {
  return line.pressureClass === null ? `a ${line.utility} line with no recorded pressure class` : `${line.utility} of pressure class "${line.pressureClass}"`;
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
