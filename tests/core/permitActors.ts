/** One person per role for the permit core's tests; a permit's assignment names these same ids. */
import type { Actor } from '../../src/core/permits/workflow';
import type { Role } from '../../src/core/permits/workflowRules';

export const ACTOR: Record<Role, Actor> = {
  public: { id: 'citizen-1', role: 'public' },
  applicant: { id: 'applicant-1', role: 'applicant' },
  reviewer: { id: 'reviewer-1', role: 'reviewer' },
  approver: { id: 'approver-1', role: 'approver' },
  dispatcher: { id: 'dispatcher-1', role: 'dispatcher' },
  supervisor: { id: 'supervisor-1', role: 'supervisor' },
  admin: { id: 'admin-1', role: 'admin' },
};
