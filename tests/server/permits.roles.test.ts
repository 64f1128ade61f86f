/**
 * Every role tries every action on a permit in every state, over HTTP against the real server and
 * SQLite file, and the answer is checked against data/rules/permit-workflow.json read afresh here:
 * an allowed move answers 200 and appends exactly its event; a role the table never allows the
 * action gets 403, a state the action is not taken from gets 409, a reviewer or approver the permit
 * is not assigned to gets 403, and another contractor gets 404 (the permit's existence not revealed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import workflowJson from '../../data/rules/permit-workflow.json';
import { shanghaiTime } from '../../src/core/permits/civilDate';
import { PERMIT_ACTIONS, PERMIT_STATES, type PermitAction } from '../../src/core/permits/workflowRules';
import type { PermitDetail, PermitStatus, UserListResponse, UserView } from '../../src/protocol/permitApi';
import { permitOverGas, startPermitsHarness, type PermitsHarness } from './permitsHarness';

interface TableRule { action: string; from: string[]; to: string; roles: string[]; assignedOnly: boolean }

/** Who tries: seed accounts plus a reviewer and an approver the permits are not assigned to. */
const ACTORS = ['contractor-a', 'contractor-b', 'dispatcher', 'reviewer', 'reviewer-2', 'approver', 'approver-2', 'supervisor', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];
const OWNER: ActorName = 'contractor-a';

let h: PermitsHarness;
const users: Record<string, UserView> = {};

beforeAll(async () => {
  h = await startPermitsHarness(shanghaiTime('2026-03-09', 9));
  for (const [username, role] of [['reviewer-2', 'reviewer'], ['approver-2', 'approver']] as const) {
    const r = await h.as('admin', 'POST', '/api/admin/users', { username, password: `${username}-password`, displayName: username, role });
    expect(r.status).toBe(201);
  }
  for (const u of (await h.as<UserListResponse>('admin', 'GET', '/api/admin/users')).body.users) users[u.username] = u;
}, 120_000);

afterAll(async () => {
  await h?.dispose();
});

function as(name: ActorName, method: string, path: string, body?: unknown) {
  if (name === 'reviewer-2' || name === 'approver-2') {
    return h.signInWith(name, `${name}-password`).then((token) => h.call<PermitDetail>(method, path, { token, body }));
  }
  return h.as<PermitDetail>(name, method, path, body);
}

function bodyFor(action: PermitAction) {
  return {
    action, reason: 'Reason given for the record',
    ...(action === 'assign' ? { assignment: { reviewerId: users['reviewer']!.id, approverId: users['approver']!.id } } : {}),
  };
}

/** The table's answer, computed here from the JSON (not by the server's workflow code). */
function expected(actor: ActorName, state: PermitStatus, action: PermitAction): { status: number; to?: string } {
  if (actor !== OWNER && users[actor]!.role === 'applicant') return { status: 404 };
  if (state === 'draft' && actor !== OWNER) return { status: 404 };
  const role = users[actor]!.role;
  const rules: TableRule[] = action === 'submit'
    ? [{ action, from: ['draft'], to: 'submitted', roles: workflowJson.submit.roles, assignedOnly: false }]
    : (workflowJson.transitions as TableRule[]).filter((t) => t.action === action);
  if (!rules.some((t) => t.roles.includes(role))) return { status: 403 };
  const rule = rules.find((t) => t.from.includes(state));
  if (!rule) return { status: 409 };
  if (!rule.roles.includes(role)) return { status: 403 };
  if (rule.assignedOnly && (actor === 'reviewer-2' || actor === 'approver-2')) return { status: 403 };
  return { status: 200, to: rule.to };
}

/** The way to each state from a new application: [actor, action] steps. */
const PATH: Record<PermitStatus, [ActorName, PermitAction][]> = {
  draft: [],
  submitted: [[OWNER, 'submit']],
  accepted: [[OWNER, 'submit'], ['dispatcher', 'accept']],
  assigned: [[OWNER, 'submit'], ['dispatcher', 'accept'], ['dispatcher', 'assign']],
  reviewed: [[OWNER, 'submit'], ['dispatcher', 'accept'], ['dispatcher', 'assign'], ['reviewer', 'review']],
  approved: [[OWNER, 'submit'], ['dispatcher', 'accept'], ['dispatcher', 'assign'], ['reviewer', 'review'], ['approver', 'approve']],
  completed: [[OWNER, 'submit'], ['dispatcher', 'accept'], ['dispatcher', 'assign'], ['reviewer', 'review'], ['approver', 'approve'], ['dispatcher', 'complete']],
  returned: [[OWNER, 'submit'], ['dispatcher', 'return']],
  rejected: [[OWNER, 'submit'], ['dispatcher', 'reject']],
  withdrawn: [[OWNER, 'submit'], [OWNER, 'withdraw']],
};

async function permitIn(state: PermitStatus): Promise<PermitDetail> {
  const created = await h.as<PermitDetail>(OWNER, 'POST', '/api/permits', permitOverGas(h, false));
  expect(created.status).toBe(201);
  let p = created.body;
  for (const [actor, action] of PATH[state]) {
    const r = await as(actor, 'POST', `/api/permits/${p.id}/actions`, bodyFor(action));
    expect(r.status, `${actor} ${action}: ${JSON.stringify(r.body)}`).toBe(200);
    p = r.body;
  }
  expect(p.status).toBe(state);
  return p;
}

describe('every role × every action × every state, against the workflow table', () => {
  const states: PermitStatus[] = ['draft', ...PERMIT_STATES];
  for (const state of states) {
    it(`from ${state}`, async () => {
      const shared = await permitIn(state);
      const tried: string[] = [];
      for (const actor of ACTORS) {
        for (const action of PERMIT_ACTIONS) {
          const want = expected(actor, state, action);
          const target = want.status === 200 ? await permitIn(state) : shared;
          const r = await as(actor, 'POST', `/api/permits/${target.id}/actions`, bodyFor(action));
          const label = `${actor} (${users[actor]!.role}) ${action} from ${state}`;
          expect(r.status, `${label}: ${JSON.stringify(r.body)}`).toBe(want.status);
          if (want.status === 200) {
            expect(r.body.status, label).toBe(want.to);
            const last = r.body.events[r.body.events.length - 1]!;
            expect([last.action, last.from, last.to, last.actorId, r.body.events.length], label)
              .toEqual([action, state === 'draft' ? null : state, want.to, users[actor]!.id, PATH[state].length + 1]);
          } else {
            expect((r.body as unknown as { error: { message: string } }).error.message, label).toBeTruthy();
          }
          tried.push(`${label} → ${r.status}`);
        }
      }
      expect(tried.length).toBe(ACTORS.length * PERMIT_ACTIONS.length);
      // Nothing refused left a trace: the shared permit has exactly the events of its path.
      const after = await h.as<PermitDetail>(OWNER, 'GET', `/api/permits/${shared.id}`);
      expect(after.body.events.length).toBe(PATH[state].length);
      expect(after.body.status).toBe(state);
    }, 120_000);
  }
});
