/**
 * Demo accounts, created on the first start of an empty permits database and printed by `npm start`.
 * DEMO ONLY: the passwords are public (they are in this file). A real deployment sets
 * UNDERGRID_DEMO_ACCOUNTS=0, signs in once with an admin it creates by hand, and makes real users.
 */
import type { Role } from '../../core/permits/workflowRules';
import type { Accounts } from './accounts';

export interface SeedAccount {
  username: string;
  password: string;
  displayName: string;
  role: Exclude<Role, 'public'>;
  /** Unit name (applicants: their company). */
  unit: string | null;
  phone: string | null;
  email: string | null;
}

export const SEED_UNITS = ['Huacheng Water Works Contracting', 'Lingnan Telecom Civil Works', 'City Excavation Permit Office'] as const;

export const SEED_ACCOUNTS: readonly SeedAccount[] = [
  { username: 'admin', password: 'demo-admin-2026', displayName: 'Admin Zhou', role: 'admin', unit: 'City Excavation Permit Office', phone: null, email: 'admin@example.org' },
  { username: 'contractor-a', password: 'demo-contractor-a', displayName: 'Li Wei (Huacheng)', role: 'applicant', unit: 'Huacheng Water Works Contracting', phone: '+86 138 0000 0001', email: 'liwei@example.org' },
  { username: 'contractor-b', password: 'demo-contractor-b', displayName: 'Chen Jing (Lingnan)', role: 'applicant', unit: 'Lingnan Telecom Civil Works', phone: '+86 138 0000 0002', email: 'chenjing@example.org' },
  { username: 'dispatcher', password: 'demo-dispatcher', displayName: 'Wang Fang (window)', role: 'dispatcher', unit: 'City Excavation Permit Office', phone: '+86 138 0000 0003', email: 'wangfang@example.org' },
  { username: 'reviewer', password: 'demo-reviewer', displayName: 'Zhang Min (reviewer)', role: 'reviewer', unit: 'City Excavation Permit Office', phone: '+86 138 0000 0004', email: 'zhangmin@example.org' },
  { username: 'approver', password: 'demo-approver', displayName: 'Liu Yang (approver)', role: 'approver', unit: 'City Excavation Permit Office', phone: '+86 138 0000 0005', email: 'liuyang@example.org' },
  { username: 'supervisor', password: 'demo-supervisor', displayName: 'Huang Lei (supervision)', role: 'supervisor', unit: 'City Excavation Permit Office', phone: '+86 138 0000 0006', email: 'huanglei@example.org' },
];

/** Creates the demo units and accounts when there are no users yet; returns whether it did. */
export async function seedDemoAccounts(accounts: Accounts): Promise<boolean> {
  if (accounts.userCount() > 0) return false;
  const units = new Map<string, string>(SEED_UNITS.map((name) => [name, accounts.createUnit(name).id]));
  for (const a of SEED_ACCOUNTS) {
    await accounts.createUser({
      username: a.username, password: a.password, displayName: a.displayName, role: a.role,
      unitId: a.unit ? units.get(a.unit) : undefined, phone: a.phone ?? undefined, email: a.email ?? undefined,
    });
  }
  return true;
}
