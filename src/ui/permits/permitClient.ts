/**
 * Typed calls to the permit API (src/protocol/permitApi.ts). Methods and paths are read from
 * PERMIT_ROUTES, so the contract stays the one place a route is written. The session is the
 * HttpOnly cookie the sign-in sets: same-origin fetches send it, and no token is kept in the page.
 * Requests go through the client's one `request` (src/services/api.ts): errors are ApiError with the server's code and field.
 */
import {
  PERMIT_ROUTES,
  type ActionRequest, type ConditionRequest, type CreatePermitRequest, type DashboardResponse, type MeResponse, type SessionResponse,
  type PermitDetail, type PermitListResponse, type PrintablePermit, type PublicPermitView, type QueueResponse,
  type Role, type SignInRequest, type SignInResponse, type UserListResponse,
  type CreateUnitRequest, type CreateUserRequest, type UnitListResponse, type UnitView, type UserView,
} from '../../protocol/permitApi';
import { request } from '../../services/api';

type RouteName = keyof typeof PERMIT_ROUTES;

/** The method and the path of a route with its `{name}` parts filled (encoded) and an optional query. */
export function routeOf(name: RouteName, params: Record<string, string> = {}, query: Record<string, string | null | undefined> = {}): { method: string; path: string } {
  const [method = 'GET', template = ''] = PERMIT_ROUTES[name].split(' ');
  const path = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = params[key];
    if (v === undefined) throw new Error(`routeOf(${name}): missing ${key}`);
    return encodeURIComponent(v);
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const qs = q.toString();
  return { method, path: qs ? `${path}?${qs}` : path };
}

async function call<T>(name: RouteName, opts: { params?: Record<string, string>; query?: Record<string, string | null | undefined>; body?: unknown } = {}): Promise<T> {
  const { method, path } = routeOf(name, opts.params, opts.query);
  const init: RequestInit = { method, credentials: 'same-origin' };
  if (opts.body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(opts.body);
  }
  return request<T>(path, init);
}

export const permitApi = {
  signIn: (body: SignInRequest) => call<SignInResponse>('signIn', { body }),
  signOut: () => call<void>('signOut'),
  me: () => call<MeResponse>('me'),
  session: () => call<SessionResponse>('session'),
  users: (role: Role) => call<UserListResponse>('users', { query: { role } }),
  listPermits: () => call<PermitListResponse>('listPermits'),
  createPermit: (body: CreatePermitRequest) => call<PermitDetail>('createPermit', { body }),
  getPermit: (id: string) => call<PermitDetail>('getPermit', { params: { id } }),
  act: (id: string, body: ActionRequest) => call<PermitDetail>('act', { params: { id }, body }),
  addCondition: (id: string, body: ConditionRequest) => call<PermitDetail>('addCondition', { params: { id }, body }),
  removeCondition: (id: string, conditionId: string) => call<PermitDetail>('removeCondition', { params: { id, conditionId } }),
  acknowledgeRescreen: (id: string) => call<PermitDetail>('acknowledgeRescreen', { params: { id } }),
  print: (id: string) => call<PrintablePermit>('print', { params: { id } }),
  queue: () => call<QueueResponse>('queue'),
  dashboard: (filters: { unitId?: string | null; handlerId?: string | null }) =>
    call<DashboardResponse>('dashboard', { query: { unitId: filters.unitId, handlerId: filters.handlerId } }),
  adminUnits: () => call<UnitListResponse>('adminUnits'),
  adminUsers: () => call<UserListResponse>('adminUsers'),
  createUnit: (body: CreateUnitRequest) => call<UnitView>('adminCreateUnit', { body }),
  createUser: (body: CreateUserRequest) => call<UserView>('adminCreateUser', { body }),
  publicReceipt: (receipt: string) => call<PublicPermitView>('publicReceipt', { params: { receipt } }),
};
