import { describe, expect, it } from 'vitest';
import workflowJson from '../../data/rules/permit-workflow.json';
import {
  MAX_ERROR_LENGTH, dueForDelivery, markDelivered, newOutboxMessage, nextRetry, retryDelayMs, type OutboxMessage, type RetryPolicy,
} from '../../src/core/permits/outbox';
import { validatePermitWorkflowRules } from '../../src/core/permits/workflowRules';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.UTC(2026, 2, 17, 0, 5);
const POLICY: RetryPolicy = { baseDelayMs: MINUTE, factor: 2, maxDelayMs: 60 * MINUTE, maxAttempts: 8 };

function message(id = 'card/sms/reviewer-1', now = T0): OutboxMessage {
  return newOutboxMessage({ id, channel: 'sms', to: 'reviewer-1', template: 'permit.card.yellow', params: { permitId: 'p' } }, now);
}

describe('the notification outbox', () => {
  it('takes its retry policy from the workflow table, in milliseconds', () => {
    const { retry } = validatePermitWorkflowRules(workflowJson);
    expect([retry.baseDelayMs, retry.factor, retry.maxDelayMs, retry.maxAttempts]).toEqual([60 * SECOND, 2, 3600 * SECOND, 8]);
  });

  it('writes a new message pending and due at once', () => {
    expect(message()).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0, lastError: null });
  });

  it('backs off exponentially after each failure, up to the longest wait', () => {
    let m = message();
    let now = T0;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      m = nextRetry(m, 'gateway timeout', now, POLICY);
      expect(m.status).toBe('pending');
      waits.push(((m.nextAttemptAt ?? 0) - now) / MINUTE);
      now = m.nextAttemptAt ?? now;
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60]);
    expect(m.attempts).toBe(7);
    expect(m.lastError).toBe('gateway timeout');
    expect(retryDelayMs(20, POLICY)).toBe(60 * MINUTE);
  });

  it('gives up after the last allowed attempt and keeps the error', () => {
    let m = message();
    for (let i = 0; i < POLICY.maxAttempts; i++) m = nextRetry(m, `failure ${i + 1}`, T0 + i * MINUTE, POLICY);
    expect(m).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null, lastError: 'failure 8' });
    expect(() => nextRetry(m, 'again', T0, POLICY)).toThrow(/is failed, not pending/);
  });

  it('gives up at once when one attempt is all the policy allows', () => {
    expect(nextRetry(message(), 'bounced', T0, { ...POLICY, maxAttempts: 1 }).status).toBe('failed');
  });

  it('cuts a long adapter error before storing it', () => {
    expect(nextRetry(message(), 'x'.repeat(10_000), T0, POLICY).lastError).toHaveLength(MAX_ERROR_LENGTH);
  });

  it('marks a delivery and never retries a delivered message', () => {
    const delivered = markDelivered(nextRetry(message(), 'busy', T0, POLICY), T0 + MINUTE);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2, nextAttemptAt: null });
    expect(() => nextRetry(delivered, 'late', T0, POLICY)).toThrow(/delivered, not pending/);
  });

  it('hands the sender only pending messages that are due, oldest first', () => {
    const later = message('b', T0 + 5 * MINUTE);
    const sooner = message('c', T0);
    const tie = message('a', T0);
    const done = markDelivered(message('d', T0), T0);
    const failed = nextRetry(message('e', T0), 'no', T0, { ...POLICY, maxAttempts: 1 });
    expect(dueForDelivery([later, sooner, done, tie, failed], T0 + MINUTE).map((m) => m.id)).toEqual(['a', 'c']);
    expect(dueForDelivery([later, sooner, tie], T0 + 5 * MINUTE).map((m) => m.id)).toEqual(['a', 'c', 'b']);
  });

  it('refuses a policy that makes no sense, naming the field', () => {
    expect(() => nextRetry(message(), 'e', T0, { ...POLICY, factor: 0.5 })).toThrow(/policy\.factor/);
    expect(() => nextRetry(message(), 'e', T0, { ...POLICY, maxAttempts: 0 })).toThrow(/policy\.maxAttempts/);
    expect(() => nextRetry(message(), 'e', Number.NaN, POLICY)).toThrow(/^now: /);
  });
});
