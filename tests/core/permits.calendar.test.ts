import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import calendarJson from '../../data/rules/calendar-cn.json';
import { CalendarCoverageError, WorkingDayCalendar, validateCalendarTable } from '../../src/core/permits/calendar';
import {
  addDays, civilDateOf, civilDateOfDay, dayNumber, formatShanghai, shanghaiTime, tryDayNumber, weekdayOfDay,
} from '../../src/core/permits/civilDate';
import { RulesError } from '../../src/core/screening/rules';

const CAL = WorkingDayCalendar.fromJson(calendarJson);

function refusal(input: unknown): RulesError {
  try {
    validateCalendarTable(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesError);
    return e as RulesError;
  }
  return expect.fail('accepted');
}

function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = dayNumber(from); d <= dayNumber(to); d++) out.push(civilDateOfDay(d));
  return out;
}

// The State Council notice for 2026 (4 Nov 2025), typed here from the notice, not from the JSON.
const NOTICE_2026_OFF = [
  ...datesFrom('2026-01-01', '2026-01-03'), ...datesFrom('2026-02-15', '2026-02-23'), ...datesFrom('2026-04-04', '2026-04-06'),
  ...datesFrom('2026-05-01', '2026-05-05'), ...datesFrom('2026-06-19', '2026-06-21'), ...datesFrom('2026-09-25', '2026-09-27'),
  ...datesFrom('2026-10-01', '2026-10-07'),
];
const NOTICE_2026_MAKE_UP = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];

describe('Shanghai civil dates', () => {
  it('agree with Date.UTC on day numbers and weekdays from 1900 to 2999', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (let ms = Date.UTC(1900, 0, 1); ms <= Date.UTC(2999, 11, 31); ms += 86_400_000 * 13) {
      const iso = new Date(ms).toISOString().slice(0, 10);
      const day = ms / 86_400_000;
      checked++;
      if (dayNumber(iso) !== day || civilDateOfDay(day) !== iso || weekdayOfDay(day) !== new Date(ms).getUTCDay()) wrong.push(iso);
    }
    for (const iso of ['1900-02-28', '1900-03-01', '2000-02-29', '2100-03-01', '2400-02-29', '2999-12-31']) {
      const ms = Date.parse(`${iso}T00:00:00Z`);
      if (dayNumber(iso) !== ms / 86_400_000 || civilDateOfDay(ms / 86_400_000) !== iso) wrong.push(iso);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(30_000);
  });

  it('refuse dates that do not exist, naming the argument', () => {
    expect(tryDayNumber('2026-02-29')).toBeNull();
    expect(tryDayNumber('2028-02-29')).not.toBeNull();
    expect(tryDayNumber('2026-13-01')).toBeNull();
    expect(tryDayNumber('26-1-1')).toBeNull();
    expect(() => dayNumber('2026-02-30', 'start')).toThrow(/start: .*"2026-02-30"/);
  });

  it('put an instant on the calendar day of Guangzhou, eight hours ahead of UTC', () => {
    expect(shanghaiTime('2026-09-30', 15)).toBe(Date.UTC(2026, 8, 30, 7));
    expect(civilDateOf(Date.UTC(2026, 8, 30, 15, 59))).toBe('2026-09-30');
    expect(civilDateOf(Date.UTC(2026, 8, 30, 16, 0))).toBe('2026-10-01');
    expect(formatShanghai(Date.UTC(2026, 8, 30, 16, 0, 5))).toBe('2026-10-01T00:00:05+08:00');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('the working-day calendar', () => {
  it('loads the shipped table: 2026 from the notice, 2027 an estimate', () => {
    expect(CAL.coveredYears).toEqual([2026, 2027]);
    expect(CAL.isVerified('2026-06-01')).toBe(true);
    expect(CAL.isVerified('2027-06-01')).toBe(false);
    expect(CAL.isVerifiedBetween('2026-12-20', '2027-01-05')).toBe(false);
    expect(CAL.isVerifiedBetween('2026-01-01', '2026-12-31')).toBe(true);
  });

  it('has Monday to Friday on and the weekend off in an ordinary week', () => {
    expect(datesFrom('2026-03-09', '2026-03-15').map((d) => CAL.isWorkingDay(d))).toEqual([true, true, true, true, true, false, false]);
  });

  it('has every 2026 holiday date of the notice off and every make-up day on', () => {
    for (const d of NOTICE_2026_OFF) expect(CAL.isWorkingDay(d), d).toBe(false);
    for (const d of NOTICE_2026_MAKE_UP) expect(CAL.isWorkingDay(d), d).toBe(true);
    let working = 0;
    for (const d of datesFrom('2026-01-01', '2026-12-31')) if (CAL.isWorkingDay(d)) working++;
    expect(working).toBe(365 - 104 - NOTICE_2026_OFF.filter((d) => weekdayOfDay(dayNumber(d)) % 6 !== 0).length + NOTICE_2026_MAKE_UP.length);
  });

  it('names the holiday a date belongs to', () => {
    expect(CAL.holidayOn('2026-10-03')?.name['zh-CN']).toBe('国庆节');
    expect(CAL.holidayOn('2026-10-10')?.name.en).toBe('National Day');
    expect(CAL.holidayOn('2026-03-10')).toBeNull();
  });

  it('counts a stage received the day before National Day from 8 October', () => {
    expect(CAL.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(CAL.addWorkingDays('2026-09-30', 2)).toBe('2026-10-09');
    expect(CAL.addWorkingDays('2026-09-30', 3)).toBe('2026-10-10'); // the make-up Saturday
    expect(CAL.addWorkingDays('2026-09-30', 4)).toBe('2026-10-12');
    expect(CAL.workingDaysBetween('2026-09-30', '2026-10-11')).toBe(3);
  });

  it('counts the make-up Saturday before Spring Festival and skips the nine days off', () => {
    expect(CAL.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(CAL.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(CAL.workingDaysBetween('2026-02-13', '2026-02-28')).toBe(6); // 14, 24, 25, 26, 27, 28
  });

  it('starts the count on the first working day after a stage received on a holiday or weekend', () => {
    expect(CAL.addWorkingDays('2026-10-03', 1)).toBe('2026-10-08');
    expect(CAL.addWorkingDays('2026-03-14', 1)).toBe('2026-03-16');
    expect(CAL.addWorkingDays('2026-03-14', 0)).toBe('2026-03-14');
  });

  it('counts working days strictly after a up to and including b, negative when b is earlier', () => {
    expect(CAL.workingDaysBetween('2026-03-09', '2026-03-09')).toBe(0);
    expect(CAL.workingDaysBetween('2026-03-09', '2026-03-10')).toBe(1);
    expect(CAL.workingDaysBetween('2026-03-13', '2026-03-15')).toBe(0);
    expect(CAL.workingDaysBetween('2026-03-16', '2026-03-09')).toBe(-5);
  });

  it('makes workingDaysBetween undo addWorkingDays on any start in the covered years', () => {
    const start = dayNumber('2026-01-01');
    fc.assert(fc.property(fc.integer({ min: 0, max: 640 }), fc.integer({ min: 0, max: 60 }), (offset, n) => {
      const a = civilDateOfDay(start + offset);
      const b = CAL.addWorkingDays(a, n);
      expect(CAL.workingDaysBetween(a, b)).toBe(n);
      if (n > 0) expect(CAL.isWorkingDay(b)).toBe(true);
    }));
  });

  it('refuses dates in years it does not cover, naming the date and the years it has', () => {
    expect(() => CAL.isWorkingDay('2028-03-01')).toThrow(CalendarCoverageError);
    expect(() => CAL.addWorkingDays('2027-12-30', 5)).toThrow(/2028-01-0\d is outside .*2026, 2027/);
  });

  it('answers beyond its years with weekends only, unverified, when built to', () => {
    const lenient = WorkingDayCalendar.fromJson(calendarJson, { beyondCoverage: 'weekendsOnly' });
    expect(lenient.isWorkingDay('2028-03-01')).toBe(true);
    expect(lenient.isWorkingDay('2028-03-04')).toBe(false);
    expect(lenient.isVerified('2028-03-01')).toBe(false);
  });

  it('refuses bad arguments naming them', () => {
    expect(() => CAL.addWorkingDays('2026-03-09', -1)).toThrow(/^n: /);
    expect(() => CAL.addWorkingDays('2026-03-09', 1.5)).toThrow(/^n: /);
    expect(() => CAL.workingDaysBetween('2026-03-09', '9 March')).toThrow(/^b: /);
  });
});

describe('validateCalendarTable', () => {
  const copy = () => structuredClone(calendarJson) as Record<string, any>;

  it('refuses an impossible date, naming its path', () => {
    const bad = copy();
    bad.years['2026'].holidays[1].from = '2026-02-30';
    expect(refusal(bad).path).toBe('years.2026.holidays[1].from');
  });

  it('refuses a make-up working day that is not a Saturday or Sunday', () => {
    const bad = copy();
    bad.years['2026'].holidays[0].makeUpWorkdays = ['2026-01-05'];
    const e = refusal(bad);
    expect(e.path).toBe('years.2026.holidays[0].makeUpWorkdays[0]');
    expect(e.message).toMatch(/weekday/);
  });

  it('refuses a date listed twice', () => {
    const bad = copy();
    bad.years['2026'].holidays[6].makeUpWorkdays.push('2026-10-03');
    expect(refusal(bad).message).toMatch(/2026-10-03 is already listed at years\.2026\.holidays\[6\]/);
  });

  it('refuses a holiday that ends before it starts or runs too long', () => {
    const bad = copy();
    bad.years['2027'].holidays[2].to = '2027-04-02';
    expect(refusal(bad).path).toBe('years.2027.holidays[2].to');
    const long = copy();
    long.years['2027'].holidays[2].to = '2027-04-30';
    expect(refusal(long).message).toMatch(/MAX_HOLIDAY_DAYS/);
  });

  it('refuses a year marked verified that holds an unverified holiday', () => {
    const bad = copy();
    bad.years['2027'].verified = true;
    expect(refusal(bad).path).toBe('years.2027.holidays[0].verified');
  });

  it('refuses another time zone, an unknown key and a missing source', () => {
    expect(refusal({ ...copy(), timeZone: 'UTC' }).path).toBe('timeZone');
    const typo = copy();
    typo.years['2026'].holidays[0].makeupWorkdays = [];
    expect(refusal(typo).path).toBe('years.2026.holidays[0].makeupWorkdays');
    const unsourced = copy();
    delete unsourced.years['2026'].source;
    expect(refusal(unsourced).path).toBe('years.2026.source');
  });
});
