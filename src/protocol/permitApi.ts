/**
 * The permit API contract (issue 6): routes, request and response types, shared by the server
 * (src/server/permits) and the browser pages (src/ui). JSON over HTTP, same origin.
 *
 * CHANGELOG (changes after v1 are additive only):
 * - v1 (2026-11-27 08:55 UTC): first version.
 * - v1 (10:40): GET /api/auth/session (200 with user null when signed out), used by pages on load.
 * - v1 notes (09:08): implemented in src/server/permits. Demo accounts: SEED_ACCOUNTS in
 *   src/server/permits/seed.ts (admin, contractor-a/-b, dispatcher, reviewer, approver, supervisor),
 *   seeded by startServer on an empty permits.sqlite. The print data is for anyone who may GET the
 *   permit (its applicant included); `approval` is null unless approved/completed. The dispatcher
 *   accepts, assigns (ids from GET /api/users?role=reviewer|approver) and completes. No holes or
 *   multi-part footprints yet (the screening request is one footprint).
 * - v1.1 (2026-11-27 10:25): additive: `works` is also {works: [open_cut|trench|bore|piles …]}
 *   (PermitWorkList, the POST /api/screenings works body), screened and re-screened as such; the
 *   stored screening's `result` is then a WorksScreening.
 * - v1.2 (2026-11-28 10:20 UTC): additive: `PermitSummary.rescreenFailed` (a re-screen after a network
 *   import was refused: the permit's screening is not on the network in force), `PermitDetail.approvalHold`
 *   (why approve is refused now; 'approve' is then not in `allowedActions`), and the outbox template
 *   `permit.rescreen.failed` (to the reviewer, or role:dispatcher before assignment, once per permit and
 *   network version). approve answers 409 with the hold's code: screening_not_current, rescreen_failed,
 *   rescreen_unacknowledged.
 * - v1.3 (2026-11-28 12:15 UTC): additive: `approvalHold` moves from PermitDetail up to PermitSummary
 *   (every list, the queue and the dashboard carry it; null for drafts), and is computed for every
 *   non-draft status: on an approved or later permit it says the sheet's screening is not the network
 *   in force (the printable permit and the dashboard show it; see ApprovalHold).
 * - v1.3 note (2026-11-28 13:20 UTC): the dashboard lists the permits with an `approvalHold` first
 *   (then, as before, the most overdue first), so a supervisor sees them at the top.
 *
 * Authentication: POST /api/auth/sign-in sets an HttpOnly, SameSite=Strict cookie `ug_session`
 * (the browser sends it by itself; use `credentials: 'same-origin'`, the fetch default) and also
 * returns the token for API clients, who send `Authorization: Bearer <token>`. Every route except
 * sign-in and the public receipt lookup needs a session: 401 `unauthenticated` without one.
 *
 * Errors: every 4xx/5xx body is `ApiErrorBody`. `field` names the offending input: a property name
 * or path for a body ('works.footprint[2][0]', 'reason', 'assignment.reviewerId'), or the query
 * parameter. Status codes: 400 bad input, 401 no/expired session, 403 your role may not do this
 * (the message says which roles may), 404 no such thing (also: a permit that is not yours — its
 * existence is not revealed), 409 wrong state for the action (the message names the states it is
 * taken from) or a stale network version, 415 body not application/json.
 *
 * Writes are transactional and durable when acknowledged: a 201 permit survives a crash.
 */
import type { CivilDate, EpochMs } from '../core/permits/civilDate';
import type { CardColour, CardLevel } from '../core/permits/supervision';
import type { Channel, OutboxStatus } from '../core/permits/outbox';
import type { PublicPermitView } from '../core/permits/receipt';
import type { PermitAction, PermitState, Role } from '../core/permits/workflowRules';
import type { DigWork } from '../core/screening/digWorks';
import type { UnitView, UserView } from './accountApi';

export type { CivilDate, EpochMs, CardColour, CardLevel, Channel, OutboxStatus, PublicPermitView, PermitAction, PermitState, Role };

export const PERMIT_API_VERSION = 1;

/** Every route of the permit API. `{id}` is a permit id, `{receipt}` a receipt number. */
export const PERMIT_ROUTES = {
  signIn: 'POST /api/auth/sign-in',            // SignInRequest → 200 SignInResponse (+ Set-Cookie)
  signOut: 'POST /api/auth/sign-out',          // (no body) → 204, cookie cleared, session ended
  me: 'GET /api/auth/me',                      // → 200 MeResponse
  session: 'GET /api/auth/session',            // → 200 SessionResponse (user null without a session: pages ask it on load)
  users: 'GET /api/users',                     // ?role=reviewer|approver|… → 200 UserListResponse (staff: dispatcher, supervisor, admin, reviewer, approver)
  listPermits: 'GET /api/permits',             // ?state=&unitId= → 200 PermitListResponse (an applicant gets only their own)
  createPermit: 'POST /api/permits',           // CreatePermitRequest → 201 PermitDetail (draft with its pre-screening; submitted at once when submit: true)
  updateDraft: 'PUT /api/permits/{id}',        // UpdateDraftRequest → 200 PermitDetail (drafts only, re-screened)
  getPermit: 'GET /api/permits/{id}',          // → 200 PermitDetail
  act: 'POST /api/permits/{id}/actions',       // ActionRequest → 200 PermitDetail (403 role, 409 state)
  addCondition: 'POST /api/permits/{id}/conditions',              // ConditionRequest → 201 PermitDetail
  removeCondition: 'DELETE /api/permits/{id}/conditions/{conditionId}', // → 200 PermitDetail
  screenings: 'GET /api/permits/{id}/screenings',                 // → 200 ScreeningHistoryResponse
  acknowledgeRescreen: 'POST /api/permits/{id}/rescreen-acknowledged', // (no body) → 200 PermitDetail (clears the flag)
  print: 'GET /api/permits/{id}/print',        // → 200 PrintablePermit
  queue: 'GET /api/permits/queue',             // → 200 QueueResponse: what waits on me, sorted by due date
  adminUnits: 'GET /api/admin/units',          // → 200 UnitListResponse (admin)
  adminCreateUnit: 'POST /api/admin/units',    // CreateUnitRequest → 201 UnitView (admin)
  adminUsers: 'GET /api/admin/users',          // → 200 UserListResponse (admin)
  adminCreateUser: 'POST /api/admin/users',    // CreateUserRequest → 201 UserView (admin)
  dashboard: 'GET /api/supervision/dashboard', // ?unitId=&handlerId= → 200 DashboardResponse (supervisor, admin)
  notifications: 'GET /api/supervision/notifications', // ?permitId= → 200 NotificationListResponse (supervisor, admin)
  publicReceipt: 'GET /api/public/receipts/{receipt}',  // → 200 PublicPermitView (no session; 404 unknown, 400 malformed)
} as const;

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

// ---- accounts: accountApi.ts (sign-in, users, units), re-exported here ----

export * from './accountApi';

// ---- permits ----

/** One open cut: the first shape a permit took (POST /api/screenings' open-cut body); stored permits keep it. */
export interface PermitOpenCut {
  /** Corners in WGS 84 degrees, [lon, lat], at least 3. */
  footprint: [number, number][];
  /** Depth below ground, m. */
  depth: number;
  ruleSetId: string;
  groundElevation?: number | null;
  /** The network version the client drew against; 409 network_version_changed when stale. */
  networkVersion?: number;
}

/**
 * Works of every kind (open_cut, trench, bore, piles): exactly the POST /api/screenings works body
 * (src/core/screening/digWorks.ts). A bad work is a 400 naming 'works.works[1].width' and so on.
 */
export interface PermitWorkList {
  works: DigWork[];
  ruleSetId: string;
  groundElevation?: number | null;
  networkVersion?: number;
}

/** What is dug; the server screens it (ScreeningService.screen) and stores it as sent. */
export type PermitWorks = PermitOpenCut | PermitWorkList;

export function isWorkList(w: PermitWorks): w is PermitWorkList {
  return Array.isArray((w as Partial<PermitWorkList>).works);
}

export const PERMIT_METHODS = ['open-cut', 'trench', 'bore', 'piles', 'hand-dig'] as const;
export type PermitMethod = (typeof PERMIT_METHODS)[number];

export interface PermitContact {
  name: string;
  phone: string;
}

export interface CreatePermitRequest {
  /** Short description of the works, e.g. 'Water service connection, 12 Hill St'. */
  title: string;
  /** Kinds of work, free labels (e.g. 'water', 'telecom duct'); at least one. */
  workKinds: string[];
  works: PermitWorks;
  /** Planned dates (Shanghai calendar days), startDate ≤ endDate. */
  startDate: CivilDate;
  endDate: CivilDate;
  method: PermitMethod;
  contact: PermitContact;
  /** true: submit at once (201 with a receipt number); default false: a draft. */
  submit?: boolean;
}

export type UpdateDraftRequest = Omit<CreatePermitRequest, 'submit'>;

/** The actions a client sends; 'submit' turns a draft into a submitted permit with a receipt. */
export interface ActionRequest {
  action: PermitAction;
  /** Required for return and reject; at most 2000 characters. */
  reason?: string;
  /** Required for assign (dispatcher): the handling reviewer and the approving leader (user ids, different). */
  assignment?: { reviewerId: string; approverId: string };
}

export const CONDITION_KINDS = ['hand-dig', 'owner-presence', 'trial-hole', 'other'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

/**
 * Conditions of approval, added by the assigned reviewer (while assigned) or approver (while reviewed).
 * hand-dig: hand digging within the tolerance zone of `lineId` (or all lines when absent);
 * owner-presence: `owner` must be present; trial-hole: a trial hole where the dig crosses `lineId`;
 * other: free text only. `text` is optional extra wording (required for 'other').
 */
export interface ConditionRequest {
  kind: ConditionKind;
  lineId?: string;
  owner?: string;
  text?: string;
}

export interface ConditionView extends ConditionRequest {
  id: string;
  addedBy: string;
  addedByName: string;
  addedAt: EpochMs;
}

export type PermitStatus = PermitState | 'draft';

export interface ScreeningSummaryView {
  strike: number;
  encroach: number;
  near: number;
  owners: string[];
}

export interface StoredScreening {
  id: number;
  networkVersion: number;
  createdAt: EpochMs;
  summary: ScreeningSummaryView;
  /** The full screening (DigScreening, or WorksScreening for a work list; src/core/digScreening.ts), as the server computed it. */
  result: unknown;
  /** 'create' | 'update' | 'network-change' */
  reason: string;
}

export interface PermitEventView {
  seq: number;
  action: PermitAction;
  from: PermitState | null;
  to: PermitState;
  at: EpochMs;
  actorId: string;
  actorName: string;
  actorRole: Role;
  reason: string | null;
}

export interface StageClockView {
  stage: PermitState;
  startedAt: EpochMs;
  limitWorkingDays: number;
  dueDate: CivilDate;
  dueAt: EpochMs;
  overdueWorkingDays: number;
  card: CardLevel;
  provisional: boolean;
}

export interface PermitSummary {
  id: string;
  /** null while a draft. */
  receipt: string | null;
  title: string;
  status: PermitStatus;
  applicantId: string;
  applicantName: string;
  unitId: string;
  unitName: string;
  method: PermitMethod;
  startDate: CivilDate;
  endDate: CivilDate;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  /** The current stage's clock; null for drafts and unsupervised stages. */
  clock: StageClockView | null;
  /** A re-screen after a network change found a different verdict set; cleared by the reviewer. */
  rescreenChanged: boolean;
  /**
   * A re-screen on `networkVersion` was refused (`reason`, the screening's own error): the latest
   * screening is on an older version. Retried on every supervision run; cleared when one succeeds.
   */
  rescreenFailed: RescreenFailure | null;
  /**
   * Why the permit may not be approved now, or, once decided, why its screening is not one to sign
   * on (see ApprovalHold); null when nothing holds it, and for drafts.
   */
  approvalHold: ApprovalHold | null;
  summary: ScreeningSummaryView | null;
}

export interface RescreenFailure {
  networkVersion: number;
  reason: string;
  at: EpochMs;
}

/**
 * Why the permit may not be approved now, whoever asks: its latest screening is not on the network in
 * force (an import not yet re-screened), its re-screen failed, or a changed re-screen is not yet
 * acknowledged by the reviewer. approve answers 409 with this code and message. On a permit already
 * approved (or later) the same three facts mean its screening is not one to sign or dig on: the
 * printable permit carries a banner and the supervisor's dashboard counts it (v1.3).
 */
export interface ApprovalHold {
  code: 'screening_not_current' | 'rescreen_failed' | 'rescreen_unacknowledged';
  message: string;
  /** The version the latest screening was on, and the network version in force. */
  screenedVersion: number | null;
  networkVersion: number | null;
}

export interface PermitDetail extends PermitSummary {
  workKinds: string[];
  works: PermitWorks;
  contact: PermitContact;
  assignment: { dispatcherId: string | null; reviewerId: string | null; approverId: string | null };
  events: PermitEventView[];
  conditions: ConditionView[];
  /** The latest screening. */
  screening: StoredScreening | null;
  /** What the signed-in user may do now (buttons to show); never 'approve' while `approvalHold` is set. */
  allowedActions: PermitAction[];
  /** May the signed-in user add/remove conditions now. */
  canEditConditions: boolean;
}

export interface PermitListResponse {
  permits: PermitSummary[];
}

export interface ScreeningHistoryResponse {
  screenings: StoredScreening[];
}

export interface QueueResponse {
  /** Oldest due first; items without a clock last. */
  permits: PermitSummary[];
}

export interface PrintablePermit {
  permit: PermitDetail;
  screening: StoredScreening | null;
  conditions: ConditionView[];
  /** null unless approved (or completed after approval). */
  approval: { approvedAt: EpochMs; approverName: string; receipt: string } | null;
  printedAt: EpochMs;
}

// ---- supervision ----

export interface CardView {
  cardId: string;
  permitId: string;
  stage: PermitState;
  colour: CardColour;
  raisedAt: EpochMs;
  issuedAt: EpochMs;
  stageOpen: boolean;
}

export interface NotificationView {
  id: string;
  cardId: string | null;
  permitId: string | null;
  channel: Channel;
  /** Recipient's user id (or 'role:supervisor'), and their display name when known. */
  to: string;
  toName: string | null;
  template: string;
  status: OutboxStatus;
  attempts: number;
  createdAt: EpochMs;
  deliveredAt: EpochMs | null;
  lastError: string | null;
}

export interface SupervisedPermit extends PermitSummary {
  handlerId: string | null;
  handlerName: string | null;
  cards: CardView[];
  notifications: NotificationView[];
  /** The decision limit (20 working days from acceptance): null before acceptance. */
  decision: { dueDate: CivilDate; overdueWorkingDays: number } | null;
}

export interface WeekCount {
  /** Monday of the week (Shanghai). */
  weekOf: CivilDate;
  submitted: number;
  approved: number;
  rejected: number;
  yellowCards: number;
  redCards: number;
}

export interface DashboardResponse {
  now: EpochMs;
  /** Every open (not closed, not draft) permit, matching the filters: those with an `approvalHold` first, then most overdue first. */
  permits: SupervisedPermit[];
  /** Per week, over the last 12 weeks, oldest first. */
  weeks: WeekCount[];
  units: UnitView[];
  handlers: UserView[];
}

export interface NotificationListResponse {
  notifications: NotificationView[];
}
