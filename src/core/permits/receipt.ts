/**
 * The public lookup: the receipt number an applicant is given, and the only view of a permit that
 * a receipt number opens.
 *
 * Receipt numbers look like 'UG-2026-7K3QD-M9XB4': the year of submission, nine random characters
 * and a check character, in Crockford's base-32 alphabet (no I, L, O, U: nothing to misread; when
 * typed, I and L are read as 1 and O as 0; case, spaces and hyphens do not matter).
 *
 * Unguessable enough: 9 × 5 = 45 random bits. With a million receipts issued in a year a random
 * guess finds one with p ≈ 10⁶ / 2⁴⁵ ≈ 3 × 10⁻⁸, and what it finds is a stage and dates; the lookup
 * is rate-limited besides (server). The random source is injected: the server passes a
 * cryptographic one (crypto.getRandomValues), tests a fixed one. Uniqueness is storage's job
 * (retry on a clash).
 *
 * The check character: c = Σ αⁱ⁺¹·vᵢ over GF(32) (α a root of x⁵ + x² + 1, addition is XOR), with
 * vᵢ the values of the four year digits and nine random characters. Every position has a different
 * non-zero weight, so any single wrong character and any swap of two different characters (adjacent
 * or not, the check character included) changes the sum: all are caught, where a mod-32 Luhn misses
 * some swaps.
 */
import { civilDateOf, type CivilDate } from './civilDate';
import type { PermitState } from './workflowRules';
import type { Permit } from './workflow';

export const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_PREFIX = 'UG';
export const RECEIPT_RANDOM_CHARS = 9;
/** Anything longer is not looked at (untrusted input from a public form). */
export const MAX_RECEIPT_INPUT_LENGTH = 64;

/** Fills n bytes with randomness; the server gives a cryptographic source. */
export type RandomBytes = (n: number) => Uint8Array;

const PRIMITIVE_POLY = 0b100101; // x⁵ + x² + 1
const EXP: number[] = [];
const LOG: number[] = new Array<number>(32).fill(0);
for (let i = 0, x = 1; i < 31; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 32) x ^= PRIMITIVE_POLY;
}

function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[((LOG[a] ?? 0) + (LOG[b] ?? 0)) % 31] ?? 0;
}

function valueOf(ch: string): number {
  return RECEIPT_ALPHABET.indexOf(ch);
}

/** The check character for the year's digits followed by the random characters. */
export function receiptCheckCharacter(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const v = valueOf(body[i] ?? '');
    if (v < 0) throw new RangeError(`receipt body: ${JSON.stringify(body[i])} is not in ${RECEIPT_ALPHABET}`);
    sum ^= gfMul(EXP[(i + 1) % 31] ?? 1, v);
  }
  return RECEIPT_ALPHABET[sum] ?? '0';
}

/** A new receipt number for a permit submitted in `year` (its Shanghai calendar year). */
export function generateReceipt(year: number, randomBytes: RandomBytes): string {
  if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new RangeError(`year: expected 2000–2999, got ${String(year)}`);
  const bytes = randomBytes(RECEIPT_RANDOM_CHARS);
  if (!(bytes instanceof Uint8Array) || bytes.length < RECEIPT_RANDOM_CHARS) {
    throw new RangeError(`randomBytes(${RECEIPT_RANDOM_CHARS}) returned ${bytes instanceof Uint8Array ? bytes.length : typeof bytes} bytes`);
  }
  let random = '';
  // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
  for (let i = 0; i < RECEIPT_RANDOM_CHARS; i++) random += RECEIPT_ALPHABET[(bytes[i] ?? 0) & 31];
  const check = receiptCheckCharacter(`${year}${random}`);
  return `${RECEIPT_PREFIX}-${year}-${random.slice(0, 5)}-${random.slice(5)}${check}`;
}

/**
 * The canonical form ('UG-2026-7K3QD-M9XB4') of what someone typed, or null when it is not a
 * receipt number or its check character does not match.
 */
export function normaliseReceipt(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > MAX_RECEIPT_INPUT_LENGTH) return null;
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const m = /^UG(\d{4})([0-9A-HJKMNP-TV-Z]{9})([0-9A-HJKMNP-TV-Z])$/.exec(s);
  if (!m) return null;
  const [, year = '', random = '', check = ''] = m;
  if (receiptCheckCharacter(`${year}${random}`) !== check) return null;
  return `${RECEIPT_PREFIX}-${year}-${random.slice(0, 5)}-${random.slice(5)}${check}`;
}

export function isValidReceipt(input: unknown): boolean {
  return normaliseReceipt(input) !== null;
}

export interface PublicStageEntry {
  stage: PermitState;
  on: CivilDate;
}

/** What a receipt number shows: the stage and the dates (Shanghai calendar days), nothing else. */
export interface PublicPermitView {
  stage: PermitState;
  submittedOn: CivilDate;
  stageSince: CivilDate;
  history: PublicStageEntry[];
}

/**
 * The public progress view. Built from an allow-list, never by removing fields: whatever a permit
 * carries besides (names, phones, site geometry, reasons, who acted) cannot reach it.
 */
export function publicView(permit: Permit): PublicPermitView {
  const history = permit.events.map((e) => ({ stage: e.to, on: civilDateOf(e.at) }));
  const first = history[0];
  const last = history[history.length - 1];
  if (!first || !last) throw new RangeError(`publicView: permit has no events`);
  return { stage: last.stage, submittedOn: first.on, stageSince: last.on, history };
}
