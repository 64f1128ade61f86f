/** Signing in as a demo account (src/server/permits/seed.ts) for tests and benches that read the network. */
import { SEED_ACCOUNTS } from '../../src/server/permits/seed';

export type SeedUsername = (typeof SEED_ACCOUNTS)[number]['username'];

/** Signs in over HTTP and returns the headers that carry the session (Authorization: Bearer …). */
export async function signIn(baseUrl: string, username: SeedUsername | string): Promise<Record<string, string>> {
  const account = SEED_ACCOUNTS.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account "${username}"; accounts: ${SEED_ACCOUNTS.map((a) => a.username).join(', ')}`);
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/api/auth/sign-in`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: account.password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${username}: HTTP ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return { Authorization: `Bearer ${token}` };
}
