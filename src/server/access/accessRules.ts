/**
 * The access table (data/rules/access.json): per role how much of the network it reads and whether
 * it sees restricted asset classes, what is restricted, what a contractor's sites are, and the
 * audit's limits. Checked at start-up like every rules table, so a bad edit stops the server with
 * the path of the mistake.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLES, PERMIT_STATES, type PermitState, type Role } from '../../core/permits/workflowRules';
import { RulesError, flag, integerIn, list, numberIn, oneOf, onlyKeys, record, text } from '../../core/rulesTable';

export const NETWORK_SCOPES = ['all', 'sites', 'none'] as const;
export type NetworkScope = (typeof NETWORK_SCOPES)[number];

export interface RoleGrant {
  network: NetworkScope;
  /** May see restricted asset classes (within `network`: a 'sites' role sees them inside its sites only). */
  restricted: boolean;
}

export interface AccessRules {
  roles: Record<Role, RoleGrant>;
  gasPressureClasses: string[];
  minPowerVoltageKv: number;
  sites: { states: PermitState[]; radiusM: number };
  audit: { maxIdsPerRow: number; readRoles: Role[]; maxRowsPerPage: number };
  /** Screenings a 'sites' role may ask in any hour (a screening shows every line near the dig). */
  screeningsPerHourForSites: number;
}

/** An entry `{ value, source, verified? }`: the value, with its source required. */
function entry(root: Record<string, unknown>, name: string, path: string): unknown {
  const o = record(root[name], `${path}.${name}`);
  onlyKeys(o, ['value', 'source', 'verified'], `${path}.${name}`);
  text(o['source'], `${path}.${name}.source`);
  if (o['verified'] !== undefined) flag(o['verified'], `${path}.${name}.verified`);
  return o['value'];
}

function roleList(v: unknown, path: string): Role[] {
  return list(v, path).map((r, i) => oneOf(r, ROLES, `${path}[${i}]`));
}

export function validateAccessRules(input: unknown): AccessRules {
  const root = record(input, 'access');
  onlyKeys(root, ['version', 'roles', 'restrictedClasses', 'sites', 'screenings', 'audit'], 'access');
  integerIn(root['version'], 'version', 1, Number.MAX_SAFE_INTEGER);
  const rolesIn = record(root['roles'], 'roles');
  onlyKeys(rolesIn, ROLES, 'roles');
  const roles = {} as Record<Role, RoleGrant>;
  for (const role of ROLES) {
    const r = record(rolesIn[role], `roles.${role}`);
    onlyKeys(r, ['network', 'restricted', 'source'], `roles.${role}`);
    text(r['source'], `roles.${role}.source`);
    roles[role] = { network: oneOf(r['network'], NETWORK_SCOPES, `roles.${role}.network`), restricted: flag(r['restricted'], `roles.${role}.restricted`) };
  }
  if (roles.public.network !== 'none') throw new RulesError('roles.public.network', 'the network is never open without a session: must be "none"');
  const classes = record(root['restrictedClasses'], 'restrictedClasses');
  onlyKeys(classes, ['gasPressureClasses', 'minPowerVoltageKv', 'fittings'], 'restrictedClasses');
  const gas = list(entry(classes, 'gasPressureClasses', 'restrictedClasses'), 'restrictedClasses.gasPressureClasses.value')
    .map((c, i) => text(c, `restrictedClasses.gasPressureClasses.value[${i}]`));
  const kv = numberIn(entry(classes, 'minPowerVoltageKv', 'restrictedClasses'), 'restrictedClasses.minPowerVoltageKv.value', 1, 2000);
  oneOf(entry(classes, 'fittings', 'restrictedClasses'), ['touching'] as const, 'restrictedClasses.fittings.value');
  const sites = record(root['sites'], 'sites');
  onlyKeys(sites, ['states', 'scope', 'radiusM'], 'sites');
  const states = list(entry(sites, 'states', 'sites'), 'sites.states.value').map((s, i) => oneOf(s, PERMIT_STATES, `sites.states.value[${i}]`));
  if (states.length === 0) throw new RulesError('sites.states.value', 'list at least one permit state');
  oneOf(entry(sites, 'scope', 'sites'), ['unit'] as const, 'sites.scope.value');
  const radiusM = numberIn(entry(sites, 'radiusM', 'sites'), 'sites.radiusM.value', 0, 1000);
  const screenings = record(root['screenings'], 'screenings');
  onlyKeys(screenings, ['perHourForSites'], 'screenings');
  const screeningsPerHourForSites = integerIn(entry(screenings, 'perHourForSites', 'screenings'), 'screenings.perHourForSites.value', 1, 100_000);
  const audit = record(root['audit'], 'audit');
  onlyKeys(audit, ['maxIdsPerRow', 'readRoles', 'maxRowsPerPage'], 'audit');
  return {
    roles, gasPressureClasses: gas, minPowerVoltageKv: kv, sites: { states, radiusM }, screeningsPerHourForSites,
    audit: {
      maxIdsPerRow: integerIn(entry(audit, 'maxIdsPerRow', 'audit'), 'audit.maxIdsPerRow.value', 0, 100_000),
      readRoles: roleList(entry(audit, 'readRoles', 'audit'), 'audit.readRoles.value'),
      maxRowsPerPage: integerIn(entry(audit, 'maxRowsPerPage', 'audit'), 'audit.maxRowsPerPage.value', 1, 100_000),
    },
  };
}

export const ACCESS_RULES_FILE = 'access.json';

export function loadAccessRules(dir = 'data/rules'): AccessRules {
  return validateAccessRules(JSON.parse(readFileSync(resolve(dir, ACCESS_RULES_FILE), 'utf8')));
}
