/**
 * Readers for the rules tables in data/rules/ (screening, cover, clearances, calendar, permit
 * workflow): parsed JSON is untrusted, and every refusal is a RulesError whose `path` names the
 * offending value ('years.2027.holidays[3].to') and whose message quotes it. One error type for
 * every rules table, so a loader catches one thing.
 */

export class RulesError extends RangeError {
  /** Dotted path of the offending value, e.g. 'ruleSets.cn-gb50289.clearances.gas.value'. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'RulesError';
    this.path = path;
  }
}

/**
 * A value a request gave, quoted in its refusal: a number as a number with its unit (`unit` is
 * appended as given: ' m', '°'), a string said to be one, so that a number sent as "2" does not read
 * as 2 (nor 2 as "2"); anything else as show() quotes it.
 */
export function given(v: unknown, unit = ''): string {
  if (typeof v === 'number') return Number.isFinite(v) ? `${+v.toPrecision(12)}${unit}` : String(v);
  if (typeof v === 'string') return `the string ${show(v)}`;
  return show(v);
}

export function show(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function record(v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) throw new RulesError(path, `expected an object, got ${show(v)}`);
  return v;
}

export function list(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new RulesError(path, `expected an array, got ${show(v)}`);
  return v;
}

/** A distance or other quantity in metres: finite and ≥ 0. */
export function metres(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RulesError(path, `expected a finite number ≥ 0, got ${show(v)}`);
  return v;
}

/** A rules table's `version`: an integer. */
export function tableVersion(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new RulesError('version', `expected an integer, got ${show(v)}`);
  return v;
}

export function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new RulesError(path, `expected a non-empty string, got ${show(v)}`);
  return v;
}

export function flag(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new RulesError(path, `expected true or false, got ${show(v)}`);
  return v;
}

export function integerIn(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RulesError(path, `expected an integer in ${min}–${max}, got ${show(v)}`);
  }
  return v;
}

export function numberIn(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new RulesError(path, `expected a number in ${min}–${max}, got ${show(v)}`);
  }
  return v;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new RulesError(path, `expected one of ${allowed.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

/** Refuses keys outside `allowed` ('$comment' is always allowed), so a misspelt key cannot hide a missing one. */
export function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (k === '$comment' || allowed.includes(k)) continue;
    throw new RulesError(`${path}.${k}`, `unknown key; expected one of ${allowed.join(', ')}`);
  }
}

export function has(o: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Labels by language, e.g. { "en": "National Day", "zh-CN": "国庆节" }. */
export function labels(v: unknown, path: string): Record<string, string> {
  const o = record(v, path);
  const out: Record<string, string> = {};
  for (const [lang, t] of Object.entries(o)) {
    if (lang === '$comment') continue;
    out[lang] = text(t, `${path}.${lang}`);
  }
  if (Object.keys(out).length === 0) throw new RulesError(path, 'expected at least one label');
  return out;
}
