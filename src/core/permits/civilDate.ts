/**
 * Calendar dates and instants in Asia/Shanghai (UTC+8, no daylight saving since 1991), done as plain
 * integer arithmetic: no Intl, no time-zone database, no `Date` (so the result cannot depend on the
 * machine's zone). Every stage clock reads dates through this file.
 *
 * - An instant is epoch milliseconds (`EpochMs`), as given by the injected clock.
 * - A civil date is 'YYYY-MM-DD', a calendar day on the wall in Guangzhou.
 * - A day number counts days since 1970-01-01 (day 0, a Thursday).
 *
 * days ↔ civil: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (howardhinnant.github.io/date_algorithms.html, days_from_civil / civil_from_days), proleptic Gregorian.
 */

/** Epoch milliseconds (UTC), the one representation of an instant in the permits core. */
export type EpochMs = number;
/** 'YYYY-MM-DD': a calendar day in Asia/Shanghai. */
export type CivilDate = string;

export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';
/** China Standard Time: UTC+8 all year (summer time was last used in 1991). */
export const SHANGHAI_UTC_OFFSET_MS = 8 * 3_600_000;
export const MS_PER_DAY = 86_400_000;
/** Dates outside these years are refused as caller bugs (a permit clock in 1066 or 9999). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;

/** 0 = Sunday … 6 = Saturday, as Date.prototype.getUTCDay. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function quote(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** The day number of a civil date, or null when `s` is not a real 'YYYY-MM-DD' date in range. */
export function tryDayNumber(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const m = CIVIL_DATE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const days = daysFromCivil(y, mo, d);
  const [y2, m2, d2] = civilFromDays(days);
  return y2 === y && m2 === mo && d2 === d ? days : null; // 2026-02-30 does not round-trip
}

/** The day number of a civil date; throws a RangeError naming `name` and quoting the value. */
export function dayNumber(date: CivilDate, name = 'date'): number {
  const n = tryDayNumber(date);
  if (n === null) throw new RangeError(`${name}: expected a date 'YYYY-MM-DD' in ${MIN_YEAR}–${MAX_YEAR}, got ${quote(date)}`);
  return n;
}

export function civilDateOfDay(days: number): CivilDate {
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function yearOfDay(days: number): number {
  return civilFromDays(days)[0];
}

export function weekdayOfDay(days: number): Weekday {
  return (((days + 4) % 7) + 7) % 7 as Weekday; // day 0 (1970-01-01) was a Thursday
}

export function addDays(date: CivilDate, n: number): CivilDate {
  return civilDateOfDay(dayNumber(date) + n);
}

function instant(ms: EpochMs, name: string): EpochMs {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`${name}: expected epoch milliseconds, got ${quote(ms)}`);
  return ms;
}

/** The Shanghai day number that contains the instant. */
export function dayOfInstant(ms: EpochMs, name = 'instant'): number {
  return Math.floor((instant(ms, name) + SHANGHAI_UTC_OFFSET_MS) / MS_PER_DAY);
}

/** The Shanghai calendar date that contains the instant. */
export function civilDateOf(ms: EpochMs, name = 'instant'): CivilDate {
  return civilDateOfDay(dayOfInstant(ms, name));
}

/** 00:00 in Shanghai at the start of the day number (= 24:00 of the day before). */
export function startOfDay(days: number): EpochMs {
  return days * MS_PER_DAY - SHANGHAI_UTC_OFFSET_MS;
}

/** The instant of a wall-clock time in Shanghai, e.g. shanghaiTime('2026-09-30', 15) = 15:00 +08:00. */
export function shanghaiTime(date: CivilDate, hours = 0, minutes = 0): EpochMs {
  if (!Number.isInteger(hours) || hours < 0 || hours > 23) throw new RangeError(`hours: expected 0–23, got ${quote(hours)}`);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 59) throw new RangeError(`minutes: expected 0–59, got ${quote(minutes)}`);
  return startOfDay(dayNumber(date)) + (hours * 60 + minutes) * 60_000;
}

/** ISO 8601 in Shanghai time, e.g. '2026-09-30T15:00:00+08:00': for audit logs and messages. */
export function formatShanghai(ms: EpochMs): string {
  const days = dayOfInstant(ms);
  const inDay = instant(ms, 'instant') + SHANGHAI_UTC_OFFSET_MS - days * MS_PER_DAY;
  const s = Math.floor(inDay / 1000);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${civilDateOfDay(days)}T${hh}:${mm}:${ss}+08:00`;
}
