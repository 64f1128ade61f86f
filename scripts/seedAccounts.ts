/**
 * Prints the demo accounts that startServer creates on an empty permits database (src/server/permits/seed.ts).
 * DEMO ONLY: these passwords are public. Set UNDERGRID_DEMO_ACCOUNTS=0 for a real deployment.
 */
import { SEED_ACCOUNTS } from '../src/server/permits/seed';

export function printSeedAccounts(env: NodeJS.ProcessEnv = process.env): void {
  if (env['UNDERGRID_DEMO_ACCOUNTS'] === '0') return;
  const width = Math.max(...SEED_ACCOUNTS.map((a) => a.username.length));
  console.log('Demo accounts (DEMO ONLY — public passwords; UNDERGRID_DEMO_ACCOUNTS=0 turns them off):');
  for (const a of SEED_ACCOUNTS) console.log(`  ${a.username.padEnd(width)}  ${a.password.padEnd(18)}  ${a.role}${a.unit ? ` · ${a.unit}` : ''}`);
  console.log('Sign in (Permits panel) to see the network: reviewer sees all of it; a contractor only around its own permits (README: Who sees what).');
}
