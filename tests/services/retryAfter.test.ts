/**
 * How long the reports panel waits while the server computes a report (503 + Retry-After,
 * RFC 9110 10.2.3): the header as delta-seconds or an HTTP date (services/api.ts retryAfterSeconds).
 */
import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../src/services/api';

describe('Retry-After as seconds to wait', () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);

  it('reads delta-seconds', () => {
    expect(retryAfterSeconds('5', now)).toBe(5);
    expect(retryAfterSeconds(' 120 ', now)).toBe(120);
    expect(retryAfterSeconds('0', now)).toBe(0);
  });

  it('reads an HTTP date as the seconds from now until then, never below 0', () => {
    expect(retryAfterSeconds('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Sat, 28 Nov 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('gives null for a missing or unreadable header (the panel then waits its shortest time)', () => {
    expect(retryAfterSeconds(null, now)).toBeNull();
    expect(retryAfterSeconds('soon', now)).toBeNull();
    expect(retryAfterSeconds('-3', now)).toBeNull();
  });
});
