/**
 * The permit pages' state: who is signed in, which view is open, the lists and the permit on screen.
 * A factory (zustand/vanilla, like src/store): each page and each test gets its own.
 *
 * What a person types into a form is not here: it lives in the form's own draft object, so that a
 * re-render never takes the text or the focus from under their fingers.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DigScreening, WorksScreening } from '../../core/digScreening';
import type {
  DashboardResponse, PermitDetail, PermitSummary, PrintablePermit, UserView,
} from '../../protocol/permitApi';
import type { AdminData } from './adminView';
import type { AuditData } from './auditView';

export type PermitView = 'apply' | 'mine' | 'queue' | 'detail' | 'dashboard' | 'admin' | 'audit';

export type PreScreening =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; result: DigScreening | WorksScreening }
  | { status: 'error'; message: string };

export interface PermitUiState {
  /** False until the session check at start has answered. */
  sessionChecked: boolean;
  user: UserView | null;
  view: PermitView;
  /** An action in flight (buttons disabled, progress shown); its label key. */
  busy: string | null;
  error: string | null;
  mine: PermitSummary[];
  queue: PermitSummary[];
  detail: PermitDetail | null;
  preScreening: PreScreening;
  /** The receipt number of the permit just submitted. */
  receipt: string | null;
  dashboard: DashboardResponse | null;
  dashboardFilters: { unitId: string | null; handlerId: string | null };
  print: PrintablePermit | null;
  /** The admin page's units and users. */
  admin: AdminData | null;
  /** The audit of restricted views (admin, supervisor). */
  audit: AuditData | null;
}

export type PermitUiStore = StoreApi<PermitUiState>;

export function createPermitUiStore(): PermitUiStore {
  return createStore<PermitUiState>(() => ({
    sessionChecked: false,
    user: null,
    view: 'apply',
    busy: null,
    error: null,
    mine: [],
    queue: [],
    detail: null,
    preScreening: { status: 'idle' },
    receipt: null,
    dashboard: null,
    dashboardFilters: { unitId: null, handlerId: null },
    print: null,
    admin: null,
    audit: null,
  }));
}

/** The view a role lands on after signing in. */
export function homeViewOf(role: UserView['role']): PermitView {
  if (role === 'applicant') return 'apply';
  if (role === 'supervisor' || role === 'admin') return 'dashboard';
  return 'queue';
}
