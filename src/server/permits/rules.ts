/**
 * The permit server's tables: the workflow (data/rules/permit-workflow.json), the working-day
 * calendar (data/rules/calendar-cn.json) and the server settings (data/rules/permit-server.json),
 * each checked at start-up so a bad edit stops the server with the path of the mistake.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WorkingDayCalendar } from '../../core/permits/calendar';
import { validatePermitWorkflowRules, type PermitWorkflowRules } from '../../core/permits/workflowRules';
import { RulesError, flag, integerIn, onlyKeys, record, text } from '../../core/rulesTable';

export interface PermitServerRules {
  sessionLifetimeMs: number;
  passwords: { minLength: number; N: number; r: number; p: number; keyLength: number; saltBytes: number };
  signIn: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowMinutes: number };
  publicLookupsPerMinute: number;
  supervisionIntervalMs: number;
  deliveryIntervalMs: number;
  deliveryTimeoutMs: number;
  form: { maxTitleLength: number; maxWorkKinds: number; maxTextLength: number; maxPermitDays: number };
  dashboardWeeks: number;
}

export interface PermitRules {
  workflow: PermitWorkflowRules;
  calendar: WorkingDayCalendar;
  server: PermitServerRules;
}

function section(root: Record<string, unknown>, name: string, keys: string[]): Record<string, unknown> {
  const o = record(root[name], name);
  onlyKeys(o, [...keys, 'source', 'verified'], name);
  text(o.source, `${name}.source`);
  flag(o.verified, `${name}.verified`);
  return o;
}

export function validatePermitServerRules(input: unknown): PermitServerRules {
  const root = record(input, 'permit-server');
  onlyKeys(root, ['version', 'sessions', 'passwords', 'signIn', 'publicLookup', 'scheduler', 'form', 'dashboard'], 'permit-server');
  integerIn(root.version, 'version', 1, Number.MAX_SAFE_INTEGER);
  const s = section(root, 'sessions', ['lifetimeHours']);
  const pw = section(root, 'passwords', ['minLength', 'scryptN', 'scryptR', 'scryptP', 'keyLength', 'saltBytes']);
  const N = integerIn(pw.scryptN, 'passwords.scryptN', 1024, 1 << 20);
  if ((N & (N - 1)) !== 0) throw new RulesError('passwords.scryptN', 'must be a power of two');
  const signIn = section(root, 'signIn', ['maxFailuresPerAccount', 'maxFailuresPerAddress', 'windowMinutes']);
  const lookup = section(root, 'publicLookup', ['perMinutePerAddress']);
  const sch = section(root, 'scheduler', ['supervisionIntervalSeconds', 'deliveryIntervalSeconds', 'deliveryTimeoutSeconds']);
  const form = section(root, 'form', ['maxTitleLength', 'maxWorkKinds', 'maxTextLength', 'maxPermitDays']);
  const dash = section(root, 'dashboard', ['weeks']);
  return {
    sessionLifetimeMs: integerIn(s.lifetimeHours, 'sessions.lifetimeHours', 1, 24 * 30) * 3_600_000,
    passwords: {
      minLength: integerIn(pw.minLength, 'passwords.minLength', 8, 128), N,
      r: integerIn(pw.scryptR, 'passwords.scryptR', 1, 64),
      p: integerIn(pw.scryptP, 'passwords.scryptP', 1, 16),
      keyLength: integerIn(pw.keyLength, 'passwords.keyLength', 32, 128),
      saltBytes: integerIn(pw.saltBytes, 'passwords.saltBytes', 16, 64),
    },
    signIn: {
      maxFailuresPerAccount: integerIn(signIn.maxFailuresPerAccount, 'signIn.maxFailuresPerAccount', 1, 100),
      maxFailuresPerAddress: integerIn(signIn.maxFailuresPerAddress, 'signIn.maxFailuresPerAddress', 1, 100_000),
      windowMinutes: integerIn(signIn.windowMinutes, 'signIn.windowMinutes', 1, 24 * 60),
    },
    publicLookupsPerMinute: integerIn(lookup.perMinutePerAddress, 'publicLookup.perMinutePerAddress', 1, 10_000),
    supervisionIntervalMs: integerIn(sch.supervisionIntervalSeconds, 'scheduler.supervisionIntervalSeconds', 1, 86_400) * 1000,
    deliveryIntervalMs: integerIn(sch.deliveryIntervalSeconds, 'scheduler.deliveryIntervalSeconds', 1, 3600) * 1000,
    deliveryTimeoutMs: integerIn(sch.deliveryTimeoutSeconds, 'scheduler.deliveryTimeoutSeconds', 1, 300) * 1000,
    form: {
      maxTitleLength: integerIn(form.maxTitleLength, 'form.maxTitleLength', 10, 10_000),
      maxWorkKinds: integerIn(form.maxWorkKinds, 'form.maxWorkKinds', 1, 1000),
      maxTextLength: integerIn(form.maxTextLength, 'form.maxTextLength', 10, 100_000),
      maxPermitDays: integerIn(form.maxPermitDays, 'form.maxPermitDays', 1, 3660),
    },
    dashboardWeeks: integerIn(dash.weeks, 'dashboard.weeks', 1, 260),
  };
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(resolve(file), 'utf8'));

export function loadPermitRules(dir = 'data/rules'): PermitRules {
  return {
    workflow: validatePermitWorkflowRules(readJson(`${dir}/permit-workflow.json`)),
    calendar: WorkingDayCalendar.fromJson(readJson(`${dir}/calendar-cn.json`)),
    server: validatePermitServerRules(readJson(`${dir}/permit-server.json`)),
  };
}

