/** The permit server's rules table: shipped values load; a bad edit is refused naming its path. */
import { describe, expect, it } from 'vitest';
import serverJson from '../../data/rules/permit-server.json';
import { RulesError } from '../../src/core/rulesTable';
import { loadPermitRules, validatePermitServerRules } from '../../src/server/permits/rules';

function refusal(edit: (t: typeof serverJson) => unknown): RulesError {
  const table = JSON.parse(JSON.stringify(serverJson)) as typeof serverJson;
  const edited = edit(table) ?? table;
  try {
    validatePermitServerRules(edited);
  } catch (e) {
    if (e instanceof RulesError) return e;
    throw e;
  }
  return expect.fail('accepted');
}

describe('data/rules/permit-server.json', () => {
  it('loads with the workflow and the calendar', () => {
    const rules = loadPermitRules();
    expect(rules.server.sessionLifetimeMs).toBe(serverJson.sessions.lifetimeHours * 3_600_000);
    expect(rules.server.passwords.N).toBe(serverJson.passwords.scryptN);
    expect(rules.server.supervisionIntervalMs).toBe(serverJson.scheduler.supervisionIntervalSeconds * 1000);
    expect(rules.calendar.isWorkingDay('2026-10-10')).toBe(true); // a make-up Saturday
  });

  it('refuses bad edits and names the path', () => {
    expect(refusal((t) => { t.passwords.scryptN = 10000; }).path).toBe('passwords.scryptN');
    expect(refusal((t) => { t.passwords.minLength = 4; }).path).toBe('passwords.minLength');
    expect(refusal((t) => { (t.sessions as Record<string, unknown>)['lifetimeHour'] = 8; }).path).toBe('sessions.lifetimeHour');
    expect(refusal((t) => { delete (t as Partial<typeof t>).scheduler; }).path).toBe('scheduler');
    expect(refusal((t) => { t.publicLookup.perMinutePerAddress = 0; }).path).toBe('publicLookup.perMinutePerAddress');
  });
});
