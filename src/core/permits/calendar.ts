/**
 * The working-day calendar that every stage clock counts in: China's weekends and public holidays
 * are off, and the make-up working days (调休上班, a Saturday or Sunday worked to lengthen a holiday)
 * are on. The data is data/rules/calendar-cn.json, one entry per year with the State Council notice
 * it comes from.
 *
 * Counting rule (see README.md "How a stage's days are counted"): the day a stage starts is not
 * counted; its first day is the next working day. So `workingDaysBetween(a, b)` counts the working
 * days d with a < d ≤ b, and `addWorkingDays(a, n)` is the n-th working day after a.
 *
 * Dates outside the covered years are refused (CalendarCoverageError) unless the calendar is built
 * with beyondCoverage 'weekendsOnly': a clock that silently ignores next year's Spring Festival
 * would raise false red cards, so the default is to fail loudly until the year is added.
 */
import {
  MAX_YEAR, MIN_YEAR, SHANGHAI_TIME_ZONE, civilDateOfDay, dayNumber, tryDayNumber, weekdayOfDay, yearOfDay,
  type CivilDate,
} from './civilDate';
import { RulesError, flag, integerIn, labels, list, onlyKeys, record, show, text } from '../rulesTable';

/** A holiday longer than this is a typo in the table (the longest since 1999 is 10 days). */
export const MAX_HOLIDAY_DAYS = 14;
/** Spans longer than this (about ten years) are refused as caller bugs, not counted. */
export const MAX_SPAN_DAYS = 3660;

export interface HolidayPeriod {
  name: Record<string, string>;
  /** First and last day off, inclusive. */
  from: CivilDate;
  to: CivilDate;
  /** Weekend days worked in exchange (调休上班). */
  makeUpWorkdays: CivilDate[];
  verified: boolean;
}

export interface CalendarYear {
  source: string;
  verified: boolean;
  holidays: HolidayPeriod[];
}

export interface CalendarTable {
  version: number;
  timeZone: typeof SHANGHAI_TIME_ZONE;
  years: Record<string, CalendarYear>;
}

export type BeyondCoverage = 'refuse' | 'weekendsOnly';

export interface CalendarOptions {
  /** What a date in a year the table does not cover does: 'refuse' (default) throws. */
  beyondCoverage?: BeyondCoverage;
}

export class CalendarCoverageError extends RangeError {
  constructor(readonly date: CivilDate, readonly coveredYears: readonly number[]) {
    super(`${date} is outside the working-day calendar (covered years: ${coveredYears.join(', ')}); add its year to data/rules/calendar-cn.json`);
    this.name = 'CalendarCoverageError';
  }
}

function dateIn(v: unknown, path: string, year: number): number {
  const d = tryDayNumber(v);
  if (d === null) throw new RulesError(path, `expected a date 'YYYY-MM-DD', got ${show(v)}`);
  const y = yearOfDay(d);
  if (y < year - 1 || y > year + 1) throw new RulesError(path, `${String(v)} is not within a year of ${year}`);
  return d;
}

/**
 * Checks a calendar table (parsed JSON, untrusted) and returns a typed copy. Refuses, naming the
 * path: impossible dates, from after to, holidays over MAX_HOLIDAY_DAYS, a make-up working day that
 * is not a Saturday or Sunday (it would change nothing, so it is a typo), a date listed twice, and a
 * year marked verified with an unverified holiday.
 */
export function validateCalendarTable(input: unknown): CalendarTable {
  const root = record(input, 'calendar');
  onlyKeys(root, ['version', 'timeZone', 'years'], 'calendar');
  const version = integerIn(root.version, 'version', 1, Number.MAX_SAFE_INTEGER);
  if (root.timeZone !== SHANGHAI_TIME_ZONE) throw new RulesError('timeZone', `only ${SHANGHAI_TIME_ZONE} is supported, got ${show(root.timeZone)}`);
  const yearsIn = record(root.years, 'years');
  const years: Record<string, CalendarYear> = {};
  const seen = new Map<number, string>();
  const claim = (day: number, path: string): void => {
    const first = seen.get(day);
    if (first !== undefined) throw new RulesError(path, `${civilDateOfDay(day)} is already listed at ${first}`);
    seen.set(day, path);
  };
  for (const [key, yIn] of Object.entries(yearsIn)) {
    if (key === '$comment') continue;
    const yPath = `years.${key}`;
    if (!/^\d{4}$/.test(key) || Number(key) < MIN_YEAR || Number(key) > MAX_YEAR) throw new RulesError(yPath, `expected a four-digit year in ${MIN_YEAR}–${MAX_YEAR}`);
    const year = Number(key);
    const y = record(yIn, yPath);
    onlyKeys(y, ['source', 'verified', 'holidays'], yPath);
    const source = text(y.source, `${yPath}.source`);
    const verified = flag(y.verified, `${yPath}.verified`);
    const holidays: HolidayPeriod[] = [];
    list(y.holidays, `${yPath}.holidays`).forEach((hIn, i) => {
      const hPath = `${yPath}.holidays[${i}]`;
      const h = record(hIn, hPath);
      onlyKeys(h, ['name', 'from', 'to', 'makeUpWorkdays', 'verified'], hPath);
      const name = labels(h.name, `${hPath}.name`);
      const from = dateIn(h.from, `${hPath}.from`, year);
      const to = dateIn(h.to, `${hPath}.to`, year);
      if (to < from) throw new RulesError(`${hPath}.to`, `${civilDateOfDay(to)} is before from ${civilDateOfDay(from)}`);
      if (to - from + 1 > MAX_HOLIDAY_DAYS) throw new RulesError(`${hPath}.to`, `${to - from + 1} days off is more than MAX_HOLIDAY_DAYS = ${MAX_HOLIDAY_DAYS}`);
      for (let d = from; d <= to; d++) claim(d, `${hPath} (${civilDateOfDay(d)})`);
      const makeUp = list(h.makeUpWorkdays, `${hPath}.makeUpWorkdays`).map((wIn, j) => {
        const wPath = `${hPath}.makeUpWorkdays[${j}]`;
        const w = dateIn(wIn, wPath, year);
        const wd = weekdayOfDay(w);
        if (wd !== 0 && wd !== 6) throw new RulesError(wPath, `${civilDateOfDay(w)} is a weekday; a make-up working day is a Saturday or Sunday`);
        claim(w, wPath);
        return civilDateOfDay(w);
      });
      const hVerified = flag(h.verified, `${hPath}.verified`);
      if (verified && !hVerified) throw new RulesError(`${hPath}.verified`, `year ${key} is marked verified but this holiday is not`);
      holidays.push({ name, from: civilDateOfDay(from), to: civilDateOfDay(to), makeUpWorkdays: makeUp, verified: hVerified });
    });
    years[key] = { source, verified, holidays };
  }
  if (Object.keys(years).length === 0) throw new RulesError('years', 'no year');
  return { version, timeZone: SHANGHAI_TIME_ZONE, years };
}

interface DayOverride {
  working: boolean;
  holiday: HolidayPeriod;
}

export class WorkingDayCalendar {
  readonly coveredYears: readonly number[];
  private readonly overrides = new Map<number, DayOverride>();
  private readonly verifiedYears = new Set<number>();
  private readonly beyondCoverage: BeyondCoverage;

  /** `table` must come from validateCalendarTable (or use WorkingDayCalendar.fromJson). */
  constructor(table: CalendarTable, options: CalendarOptions = {}) {
    this.beyondCoverage = options.beyondCoverage ?? 'refuse';
    if (this.beyondCoverage !== 'refuse' && this.beyondCoverage !== 'weekendsOnly') {
      throw new RangeError(`beyondCoverage: expected 'refuse' or 'weekendsOnly', got ${show(this.beyondCoverage)}`);
    }
    const covered: number[] = [];
    for (const [key, year] of Object.entries(table.years)) {
      covered.push(Number(key));
      if (year.verified) this.verifiedYears.add(Number(key));
      for (const holiday of year.holidays) {
        for (let d = dayNumber(holiday.from); d <= dayNumber(holiday.to); d++) this.overrides.set(d, { working: false, holiday });
        for (const w of holiday.makeUpWorkdays) this.overrides.set(dayNumber(w), { working: true, holiday });
      }
    }
    this.coveredYears = covered.sort((a, b) => a - b);
  }

  static fromJson(input: unknown, options: CalendarOptions = {}): WorkingDayCalendar {
    return new WorkingDayCalendar(validateCalendarTable(input), options);
  }

  isWorkingDay(date: CivilDate): boolean {
    return this.isWorkingDayNumber(dayNumber(date));
  }

  /** The holiday a date is off for, or a make-up working day belongs to; null on ordinary days. */
  holidayOn(date: CivilDate): HolidayPeriod | null {
    const d = dayNumber(date);
    this.checkCovered(d);
    return this.overrides.get(d)?.holiday ?? null;
  }

  /** Whether the table's entry for this date's year is from the published notice. */
  isVerified(date: CivilDate): boolean {
    return this.verifiedYears.has(yearOfDay(dayNumber(date)));
  }

  /** Whether every year from a's to b's is verified: a clock over that span is not provisional. */
  isVerifiedBetween(a: CivilDate, b: CivilDate): boolean {
    const ya = yearOfDay(dayNumber(a, 'a'));
    const yb = yearOfDay(dayNumber(b, 'b'));
    for (let y = Math.min(ya, yb); y <= Math.max(ya, yb); y++) if (!this.verifiedYears.has(y)) return false;
    return true;
  }

  /** The n-th working day after `start` (start itself is not counted); n = 0 gives start. */
  addWorkingDays(start: CivilDate, n: number): CivilDate {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n: expected an integer ≥ 0, got ${show(n)}`);
    return civilDateOfDay(this.addWorkingDaysToDay(dayNumber(start, 'start'), n));
  }

  /**
   * Working days d with a < d ≤ b: the working days that have run by the end of b for something
   * that started on a. Negative (−count of b < d ≤ a) when b is before a.
   */
  workingDaysBetween(a: CivilDate, b: CivilDate): number {
    return this.workingDaysBetweenDays(dayNumber(a, 'a'), dayNumber(b, 'b'));
  }

  /** Day-number form of addWorkingDays, for the stage clock. */
  addWorkingDaysToDay(start: number, n: number): number {
    let d = start;
    for (let left = n; left > 0;) {
      d++;
      if (d - start > MAX_SPAN_DAYS) throw new RangeError(`addWorkingDays: ${n} working days is more than MAX_SPAN_DAYS = ${MAX_SPAN_DAYS} days`);
      if (this.isWorkingDayNumber(d)) left--;
    }
    return d;
  }

  /** Day-number form of workingDaysBetween. */
  workingDaysBetweenDays(a: number, b: number): number {
    if (b < a) return -this.workingDaysBetweenDays(b, a);
    if (b - a > MAX_SPAN_DAYS) throw new RangeError(`workingDaysBetween: ${b - a} days is more than MAX_SPAN_DAYS = ${MAX_SPAN_DAYS}`);
    let count = 0;
    for (let d = a + 1; d <= b; d++) if (this.isWorkingDayNumber(d)) count++;
    return count;
  }

  isWorkingDayNumber(d: number): boolean {
    const override = this.overrides.get(d);
    if (override) return override.working;
    this.checkCovered(d);
    const wd = weekdayOfDay(d);
    return wd !== 0 && wd !== 6;
  }

  private checkCovered(d: number): void {
    if (this.beyondCoverage === 'refuse' && !this.coveredYears.includes(yearOfDay(d))) {
      throw new CalendarCoverageError(civilDateOfDay(d), this.coveredYears);
    }
  }
}
