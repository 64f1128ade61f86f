/**
 * The notification outbox: a card's messages are written as rows in the same transaction that
 * records the card, and a sender (src/server) delivers them later through an SMS, e-mail, webhook or
 * log adapter. Delivery is retried with exponential backoff and given up after `maxAttempts`; every
 * attempt's outcome stays on the row, so "who was told, and when" is answerable.
 *
 * Pure: the sender passes the clock in. `to` is an actor id (or 'role:supervisor'), never a phone
 * number or address: the adapter resolves contacts, so personal data stays out of the core and the log.
 */
import type { EpochMs } from './civilDate';

export const CHANNELS = ['sms', 'email', 'webhook', 'log'] as const;
export type Channel = (typeof CHANNELS)[number];
export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** An adapter's error text is cut to this many characters before it is stored. */
export const MAX_ERROR_LENGTH = 500;

export interface OutboxMessage {
  /** Deterministic (card id + channel + recipient), so enqueueing the same card twice is a no-op. */
  id: string;
  channel: Channel;
  to: string;
  template: string;
  params: Readonly<Record<string, string | number>>;
  /** Delivery attempts made so far. */
  attempts: number;
  /** When the sender should try next; null once delivered or failed. */
  nextAttemptAt: EpochMs | null;
  status: OutboxStatus;
  lastError: string | null;
}

export interface RetryPolicy {
  /** Wait after the first failed attempt, ms. */
  baseDelayMs: number;
  /** Each further wait is this many times the one before. */
  factor: number;
  /** No wait is longer than this, ms. */
  maxDelayMs: number;
  /** The attempt that fails with attempts = maxAttempts marks the message failed. */
  maxAttempts: number;
}

export interface NewMessage {
  id: string;
  channel: Channel;
  to: string;
  template: string;
  params: Readonly<Record<string, string | number>>;
}

function checkNow(now: EpochMs): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new RangeError(`now: expected epoch milliseconds, got ${String(now)}`);
}

function checkPending(message: OutboxMessage, verb: string): void {
  if (message.status !== 'pending') throw new RangeError(`${verb}: message ${message.id} is ${message.status}, not pending`);
}

export function checkRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const { baseDelayMs, factor, maxDelayMs, maxAttempts } = policy;
  if (!(Number.isFinite(baseDelayMs) && baseDelayMs > 0)) throw new RangeError(`policy.baseDelayMs: expected > 0, got ${baseDelayMs}`);
  if (!(Number.isFinite(factor) && factor >= 1)) throw new RangeError(`policy.factor: expected ≥ 1, got ${factor}`);
  if (!(Number.isFinite(maxDelayMs) && maxDelayMs >= baseDelayMs)) throw new RangeError(`policy.maxDelayMs: expected ≥ baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`);
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError(`policy.maxAttempts: expected an integer ≥ 1, got ${maxAttempts}`);
  return policy;
}

/** A new row, due at once. */
export function newOutboxMessage(m: NewMessage, now: EpochMs): OutboxMessage {
  checkNow(now);
  if (!(CHANNELS as readonly string[]).includes(m.channel)) throw new RangeError(`channel: expected one of ${CHANNELS.join(', ')}, got ${String(m.channel)}`);
  if (!m.id) throw new RangeError('id: expected a non-empty string');
  if (!m.to) throw new RangeError(`to: expected a recipient for message ${m.id}`);
  return { ...m, params: { ...m.params }, attempts: 0, nextAttemptAt: now, status: 'pending', lastError: null };
}

/** The wait after the `failedAttempts`-th failure: base · factor^(failedAttempts − 1), at most maxDelayMs. */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, failedAttempts - 1));
}

/**
 * The row after a failed attempt at `now`: attempts + 1, and either the next try (now + backoff) or,
 * once attempts reaches policy.maxAttempts, status 'failed' with no next try.
 */
export function nextRetry(message: OutboxMessage, error: string, now: EpochMs, policy: RetryPolicy): OutboxMessage {
  checkNow(now);
  checkRetryPolicy(policy);
  checkPending(message, 'nextRetry');
  const attempts = message.attempts + 1;
  const lastError = String(error).slice(0, MAX_ERROR_LENGTH);
  if (attempts >= policy.maxAttempts) return { ...message, attempts, nextAttemptAt: null, status: 'failed', lastError };
  return { ...message, attempts, nextAttemptAt: now + retryDelayMs(attempts, policy), status: 'pending', lastError };
}

/** The row after a successful attempt. */
export function markDelivered(message: OutboxMessage, now: EpochMs): OutboxMessage {
  checkNow(now);
  checkPending(message, 'markDelivered');
  return { ...message, attempts: message.attempts + 1, nextAttemptAt: null, status: 'delivered' };
}

/** Pending rows whose next attempt is due, oldest first (ties by id, so the order is stable). */
export function dueForDelivery(messages: readonly OutboxMessage[], now: EpochMs): OutboxMessage[] {
  checkNow(now);
  return messages
    .filter((m) => m.status === 'pending' && m.nextAttemptAt !== null && m.nextAttemptAt <= now)
    .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
