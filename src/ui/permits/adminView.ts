/**
 * The administrator's page: the units (applicants' companies, the permit office) and the users, a
 * form to create a unit and one to create a user (name, role, unit, initial password). A refusal
 * from the server names its field, and its message is shown next to that field's input.
 */
import { ROLES } from '../../core/permits/workflowRules';
import type { CreateUserRequest, UnitView, UserView } from '../../protocol/permitApi';
import { ApiError } from '../../services/api';
import { appendAll, field, h } from '../dom';
import type { MessageKey } from '../i18n';
import { permitApi } from './permitClient';
import type { PermitController, Translate } from './permitController';

export interface AdminData {
  units: UnitView[];
  users: UserView[];
}

type UserField = 'username' | 'displayName' | 'password' | 'role' | 'unitId';

/** What the admin has typed, and the server's refusals by form and field ('unit.name', 'user.password'). */
export interface AdminDraft {
  unitName: string;
  user: Record<UserField, string>;
  errors: Record<string, string>;
  /** The message after a creation. */
  created: string | null;
}

const CREATABLE_ROLES = ROLES.filter((r): r is CreateUserRequest['role'] => r !== 'public');

export function newAdminDraft(): AdminDraft {
  return { unitName: '', user: { username: '', displayName: '', password: '', role: 'applicant', unitId: '' }, errors: {}, created: null };
}

/** The units and users, for the page. */
export async function loadAdminData(): Promise<AdminData> {
  const [units, users] = await Promise.all([permitApi.adminUnits(), permitApi.adminUsers()]);
  return { units: units.units, users: users.users };
}

/** Runs a creation: on success the form is emptied and the lists reloaded; a refusal with a field goes next to it. */
async function create(ctrl: PermitController, draft: AdminDraft, form: 'unit' | 'user', send: () => Promise<string>, rerender: () => void): Promise<void> {
  const { ui } = ctrl.deps;
  draft.errors = {};
  draft.created = null;
  ui.setState({ busy: 'permit.working', error: null });
  try {
    const name = await send();
    if (form === 'unit') draft.unitName = '';
    else draft.user = { ...newAdminDraft().user, role: draft.user.role, unitId: draft.user.unitId };
    draft.created = ctrl.t(form === 'unit' ? 'permit.admin.unitCreated' : 'permit.admin.userCreated', { name });
    ui.setState({ admin: await loadAdminData() });
  } catch (e) {
    if (e instanceof ApiError && e.field) draft.errors[`${form}.${e.field}`] = e.message;
    else ui.setState({ error: (e as Error).message });
    if (e instanceof ApiError && e.status === 401) ui.setState({ user: null });
  } finally {
    ui.setState({ busy: null });
    rerender();
  }
}

function fieldError(draft: AdminDraft, key: string): HTMLElement | null {
  const message = draft.errors[key];
  return message ? h('div', { className: 'status error', role: 'alert', 'data-field-error': key }, message) : null;
}

function userInput(draft: AdminDraft, key: 'username' | 'displayName' | 'password', attrs: Record<string, string | number>): HTMLInputElement {
  return h('input', {
    id: `admin-user-${key}`, name: key, value: draft.user[key], ...attrs,
    oninput: (e: Event) => { draft.user[key] = (e.target as HTMLInputElement).value; },
  });
}

function userForm(ctrl: PermitController, t: Translate, draft: AdminDraft, units: UnitView[], rerender: () => void): HTMLElement {
  const u = draft.user;
  const submit = () => void create(ctrl, draft, 'user', async () => {
    const body: CreateUserRequest = { username: u.username.trim(), displayName: u.displayName.trim(), password: u.password, role: u.role as CreateUserRequest['role'] };
    if (u.unitId) body.unitId = u.unitId;
    return (await permitApi.createUser(body)).displayName;
  }, rerender);
  return h('form', { id: 'admin-user-form', onsubmit: (e: Event) => { e.preventDefault(); submit(); } },
    h('h2', {}, t('permit.admin.newUser')),
    field(t('permit.username'), userInput(draft, 'username', { maxlength: 64, autocomplete: 'off' }), fieldError(draft, 'user.username')),
    field(t('permit.admin.displayName'), userInput(draft, 'displayName', { maxlength: 100 }), fieldError(draft, 'user.displayName')),
    field(t('permit.admin.role'), h('select', {
      id: 'admin-user-role', onchange: (e: Event) => { u.role = (e.target as HTMLSelectElement).value; },
    }, ...CREATABLE_ROLES.map((r) => h('option', { value: r, selected: r === u.role }, t(`permit.role.${r}` as MessageKey)))), fieldError(draft, 'user.role')),
    field(t('permit.admin.unit'), h('select', {
      id: 'admin-user-unit', onchange: (e: Event) => { u.unitId = (e.target as HTMLSelectElement).value; },
    }, h('option', { value: '', selected: u.unitId === '' }, t('permit.admin.noUnit')),
    ...units.map((x) => h('option', { value: x.id, selected: x.id === u.unitId }, x.name))), fieldError(draft, 'user.unitId')),
    field(t('permit.admin.initialPassword'), userInput(draft, 'password', { type: 'password', autocomplete: 'new-password', maxlength: 1024 }), fieldError(draft, 'user.password')),
    h('button', { type: 'submit', id: 'admin-create-user', className: 'primary', disabled: ctrl.deps.ui.getState().busy !== null }, t('permit.admin.createUser')));
}

export function renderAdmin(ctrl: PermitController, data: AdminData | null, draft: AdminDraft, rerender: () => void): HTMLElement {
  const t = ctrl.t;
  const root = h('div', { id: 'permit-admin', 'data-units': data?.units.length ?? 0, 'data-users': data?.users.length ?? 0 });
  if (!data) return root;
  const unitForm = h('form', {
    id: 'admin-unit-form',
    onsubmit: (e: Event) => {
      e.preventDefault();
      void create(ctrl, draft, 'unit', async () => (await permitApi.createUnit({ name: draft.unitName.trim() })).name, rerender);
    },
  },
  h('h2', {}, t('permit.admin.newUnit')),
  field(t('permit.admin.unitName'), h('input', {
    id: 'admin-unit-name', name: 'name', value: draft.unitName, maxlength: 200,
    oninput: (e: Event) => { draft.unitName = (e.target as HTMLInputElement).value; },
  }), fieldError(draft, 'unit.name')),
  h('button', { type: 'submit', id: 'admin-create-unit', disabled: ctrl.deps.ui.getState().busy !== null }, t('permit.admin.createUnit')));
  appendAll(root,
    draft.created ? h('div', { className: 'status', role: 'status', id: 'admin-created' }, draft.created) : null,
    h('h2', {}, t('permit.admin.units')),
    h('ul', { id: 'admin-units' }, ...data.units.map((x) => h('li', { 'data-unit-id': x.id }, x.name))),
    unitForm,
    h('h2', {}, t('permit.admin.users')),
    h('table', { id: 'admin-users' },
      h('thead', {}, h('tr', {}, ...(['permit.username', 'permit.admin.displayName', 'permit.admin.role', 'permit.admin.unit'] as MessageKey[]).map((k) => h('th', {}, t(k))))),
      h('tbody', {}, ...data.users.map((x) => h('tr', { 'data-username': x.username },
        h('td', {}, x.username), h('td', {}, x.displayName), h('td', {}, t(`permit.role.${x.role}` as MessageKey)), h('td', {}, x.unitName ?? '—'))))),
    userForm(ctrl, t, draft, data.units, rerender));
  return root;
}
