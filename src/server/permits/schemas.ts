/**
 * A JSON schema per request body (ajv 8, additionalProperties false everywhere), checked before
 * anything else reads the body. A refusal is a 400 naming the field as a path ('works.depth',
 * 'works.footprint[2][0]', 'assignment.reviewerId'). The works' geometry is then checked again, in
 * depth, by the screening's own validator (the authority for what can be screened).
 */
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import { CONDITION_KINDS, PERMIT_METHODS, type ActionRequest, type ConditionRequest, type CreatePermitRequest, type CreateUnitRequest, type CreateUserRequest, type SignInRequest, type UpdateDraftRequest } from '../../protocol/permitApi';
import { PERMIT_ACTIONS, ROLES } from '../../core/permits/workflowRules';
import { MAX_WORKS_PER_PERMIT } from '../../core/screening/permit';
import { HttpError } from '../http/respond';
import type { PermitServerRules } from './rules';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const str = (maxLength: number, minLength = 1) => ({ type: 'string', minLength, maxLength }) as const;

/** 'works/footprint/2/0' + missing 'x' → 'works.footprint[2][0].x' */
export function fieldOf(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = (e.params as { missingProperty?: string; additionalProperty?: string });
  if (e.keyword === 'required' && extra.missingProperty) parts.push(extra.missingProperty);
  if (e.keyword === 'additionalProperties' && extra.additionalProperty) parts.push(extra.additionalProperty);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || '(body)';
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'is not a field of this request';
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'false schema') return 'is not a field of works given as a work list (give each work its own)';
  return e.message ?? 'is not valid';
}

export interface Validators {
  signIn: ValidateFunction<SignInRequest>;
  createPermit: ValidateFunction<CreatePermitRequest>;
  updateDraft: ValidateFunction<UpdateDraftRequest>;
  action: ValidateFunction<ActionRequest>;
  condition: ValidateFunction<ConditionRequest>;
  createUnit: ValidateFunction<CreateUnitRequest>;
  createUser: ValidateFunction<CreateUserRequest>;
}

export function buildValidators(rules: PermitServerRules): Validators {
  const ajv = new Ajv({ allErrors: false, strict: true });
  const text = rules.form.maxTextLength;
  // One open cut {footprint, depth, …} or a work list {works: […], …}; each work is read in depth by the screening.
  const works = {
    type: 'object', additionalProperties: false, required: ['ruleSetId'],
    properties: {
      footprint: { type: 'array', minItems: 3, maxItems: 1000, items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } } },
      depth: { type: 'number' },
      works: { type: 'array', minItems: 1, maxItems: MAX_WORKS_PER_PERMIT, items: { type: 'object' } },
      ruleSetId: str(100),
      groundElevation: { type: 'number', nullable: true },
      networkVersion: { type: 'integer' },
    },
    if: { properties: { works: true }, required: ['works'] },
    then: { properties: { footprint: false, depth: false } },
    else: { properties: { footprint: true, depth: true }, required: ['footprint', 'depth'] },
  };
  const permitProperties = {
    title: str(rules.form.maxTitleLength),
    workKinds: { type: 'array', minItems: 1, maxItems: rules.form.maxWorkKinds, items: str(100) },
    works,
    startDate: { type: 'string', pattern: DATE },
    endDate: { type: 'string', pattern: DATE },
    method: { type: 'string', enum: PERMIT_METHODS },
    contact: {
      type: 'object', additionalProperties: false, required: ['name', 'phone'],
      properties: { name: str(100), phone: { type: 'string', pattern: '^\\+?[0-9 ()-]{5,30}$' } },
    },
  };
  const required = ['title', 'workKinds', 'works', 'startDate', 'endDate', 'method', 'contact'];
  const compile = <T>(schema: object) => ajv.compile(schema as JSONSchemaType<T>) as unknown as ValidateFunction<T>;
  return {
    signIn: compile<SignInRequest>({
      type: 'object', additionalProperties: false, required: ['username', 'password'],
      properties: { username: str(100), password: str(1024) },
    }),
    createPermit: compile<CreatePermitRequest>({
      type: 'object', additionalProperties: false, required, properties: { ...permitProperties, submit: { type: 'boolean' } },
    }),
    updateDraft: compile<UpdateDraftRequest>({ type: 'object', additionalProperties: false, required, properties: permitProperties }),
    action: compile<ActionRequest>({
      type: 'object', additionalProperties: false, required: ['action'],
      properties: {
        action: { type: 'string', enum: PERMIT_ACTIONS },
        reason: str(text, 0),
        assignment: {
          type: 'object', additionalProperties: false, required: ['reviewerId', 'approverId'],
          properties: { reviewerId: str(128), approverId: str(128) },
        },
      },
    }),
    condition: compile<ConditionRequest>({
      type: 'object', additionalProperties: false, required: ['kind'],
      properties: { kind: { type: 'string', enum: CONDITION_KINDS }, lineId: str(128), owner: str(200), text: str(text) },
    }),
    createUnit: compile<CreateUnitRequest>({
      type: 'object', additionalProperties: false, required: ['name'], properties: { name: str(200) },
    }),
    createUser: compile<CreateUserRequest>({
      type: 'object', additionalProperties: false, required: ['username', 'password', 'displayName', 'role'],
      properties: {
        username: { type: 'string', pattern: '^[A-Za-z0-9._-]{3,64}$' },
        password: str(1024),
        displayName: str(100),
        role: { type: 'string', enum: ROLES.filter((r) => r !== 'public') },
        unitId: str(128),
        phone: { type: 'string', pattern: '^\\+?[0-9 ()-]{5,30}$' },
        email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', maxLength: 200 },
      },
    }),
  };
}

/** The body as T, or a 400 naming the first field that is wrong. */
export function check<T>(validate: ValidateFunction<T>, body: unknown): T {
  if (validate(body)) return body;
  const e = validate.errors?.[0];
  if (!e) throw new HttpError(400, 'invalid_request', 'the request body is not valid');
  const field = fieldOf(e);
  throw new HttpError(400, 'invalid_request', `${field} ${messageOf(e)}`, field);
}
