import { describe, expect, it } from 'vitest';
import { afterFailure, nextDueAfterSuccess } from '../../src/pipeline/next-poll.js';

const MIN = 60_000;
const policy = { defaultInterval: 30, failingAfter: 5, failingInterval: 1440, maxBackoff: 720 };

describe('when a feed is polled next', () => {
  it('waits the interval after a success, longer when ttl or max-age ask, never more than a day', () => {
    expect(nextDueAfterSuccess(0, 30)).toBe(30 * MIN);
    expect(nextDueAfterSuccess(0, 30, { ttlMinutes: 120 })).toBe(120 * MIN);
    expect(nextDueAfterSuccess(0, 30, { maxAgeSeconds: 3600 })).toBe(60 * MIN);
    expect(nextDueAfterSuccess(0, 30, { ttlMinutes: 100_000 })).toBe(1440 * MIN);
  });

  it.each([
    [0, 30],
    [1, 60],
    [2, 120],
    [3, 240],
  ])('backs off exponentially: after %i earlier errors it waits %i minutes', (errors, minutes) => {
    expect(afterFailure(0, { intervalMinutes: 30, consecutiveErrors: errors, errorKind: 'http', retryAfterMs: null }, policy)).toEqual({
      status: 'active',
      nextDueAt: minutes * MIN,
    });
  });

  it('caps the backoff at maxBackoff', () => {
    const next = afterFailure(0, { intervalMinutes: 600, consecutiveErrors: 3, errorKind: 'http', retryAfterMs: null }, policy);
    expect(next.nextDueAt).toBe(720 * MIN);
  });

  it('honours Retry-After when it asks for longer than the backoff, within the ceiling', () => {
    const asked = afterFailure(0, { intervalMinutes: 30, consecutiveErrors: 0, errorKind: 'rate-limited', retryAfterMs: 90 * MIN }, policy);
    expect(asked.nextDueAt).toBe(90 * MIN);
    const absurd = afterFailure(0, { intervalMinutes: 30, consecutiveErrors: 0, errorKind: 'rate-limited', retryAfterMs: 1e12 }, policy);
    expect(absurd.nextDueAt).toBe(720 * MIN);
  });

  it('marks a feed failing after many consecutive errors and polls it rarely instead of dropping it', () => {
    expect(afterFailure(0, { intervalMinutes: 30, consecutiveErrors: 4, errorKind: 'timeout', retryAfterMs: null }, policy)).toEqual({
      status: 'failing',
      nextDueAt: 1440 * MIN,
    });
  });

  it('disables a feed that answers 410 Gone', () => {
    expect(afterFailure(0, { intervalMinutes: 30, consecutiveErrors: 0, errorKind: 'gone', retryAfterMs: null }, policy).status).toBe('disabled');
  });
});
