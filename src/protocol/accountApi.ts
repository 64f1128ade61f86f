/**
 * The accounts part of the permit API (PERMIT_ROUTES in permitApi.ts, which re-exports these): sign-in,
 * the session, users and units. Split from permitApi.ts so that file holds the permits and their
 * supervision; imports through permitApi.ts keep working.
 */
import type { EpochMs } from '../core/permits/civilDate';
import type { Role } from '../core/permits/workflowRules';

export interface UnitView {
  id: string;
  name: string;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  unitName: string | null;
}

export interface SignInRequest {
  username: string;
  password: string;
}

export interface SignInResponse {
  user: UserView;
  /** For `Authorization: Bearer`; the browser can ignore it and rely on the cookie. */
  token: string;
  expiresAt: EpochMs;
}

export interface MeResponse {
  user: UserView;
  expiresAt: EpochMs;
}

/** Like MeResponse, but no session is an answer rather than a 401. */
export type SessionResponse = MeResponse | { user: null; expiresAt: null };

export interface UserListResponse {
  users: UserView[];
}

export interface UnitListResponse {
  units: UnitView[];
}

export interface CreateUnitRequest {
  name: string;
}

export interface CreateUserRequest {
  username: string;
  password: string;
  displayName: string;
  role: Exclude<Role, 'public'>;
  /** Required for applicants (their contractor company); optional for staff. */
  unitId?: string;
  /** Contacts for notifications (SMS, e-mail): never shown publicly. */
  phone?: string;
  email?: string;
}
