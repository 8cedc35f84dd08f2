import { backoffDelay } from '../core/backoff.js';
import type { FeedStatus } from '../core/types.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface PollPolicy {
  defaultInterval: number;
  failingAfter: number;
  failingInterval: number;
  maxBackoff: number;
}

/**
 * After a good poll the next one waits the feed's interval, or longer when the server asks for it
 * (RSS ttl, Cache-Control max-age), but never more than a day so a feed cannot silence itself.
 */
export function nextDueAfterSuccess(
  now: number,
  intervalMinutes: number,
  hints: { ttlMinutes?: number | null | undefined; maxAgeSeconds?: number | null | undefined } = {},
): number {
  const wanted = Math.max(
    intervalMinutes * MINUTE,
    (hints.ttlMinutes ?? 0) * MINUTE,
    (hints.maxAgeSeconds ?? 0) * 1000,
  );
  return now + Math.min(wanted, Math.max(DAY, intervalMinutes * MINUTE));
}

/**
 * After a failed poll: exponential backoff from the feed's interval, at least what Retry-After asked
 * (capped at the backoff ceiling), and once failures pile up the feed is marked failing and polled
 * rarely. 410 Gone disables it.
 */
export function afterFailure(
  now: number,
  input: { intervalMinutes: number; consecutiveErrors: number; errorKind: string; retryAfterMs: number | null },
  policy: PollPolicy,
): { status: FeedStatus; nextDueAt: number } {
  if (input.errorKind === 'gone') return { status: 'disabled', nextDueAt: now };
  const errors = input.consecutiveErrors + 1;
  const ceiling = policy.maxBackoff * MINUTE;
  const retryAfter = Math.min(input.retryAfterMs ?? 0, ceiling);
  if (errors >= policy.failingAfter) {
    return { status: 'failing', nextDueAt: now + Math.max(policy.failingInterval * MINUTE, retryAfter) };
  }
  const backoff = backoffDelay(errors - 1, { baseMs: input.intervalMinutes * MINUTE, maxMs: ceiling });
  return { status: 'active', nextDueAt: now + Math.max(backoff, retryAfter) };
}
