/** Exponential backoff: `baseMs · 2^attempt`, capped at `maxMs`. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
  /** Up to this fraction taken off at random, so clients that failed together do not retry together. Default 0. */
  jitter?: number;
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const full = Math.min(backoff.baseMs * 2 ** attempt, backoff.maxMs);
  return backoff.jitter ? full * (1 - random() * backoff.jitter) : full;
}
