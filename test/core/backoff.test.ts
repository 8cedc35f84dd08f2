import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/core/backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base with each retry, up to the cap', () => {
    const backoff = { baseMs: 1000, maxMs: 5000 };
    expect([0, 1, 2, 3, 40].map((attempt) => backoffDelay(attempt, backoff))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('takes at most the jitter fraction off at random (the LLM requests take up to 25 %)', () => {
    const backoff = { baseMs: 1000, maxMs: 5000, jitter: 0.25 };
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, backoff, () => 0))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(0, backoff, () => 1)).toBe(750);
  });

  it('without jitter never asks for a random number', () => {
    expect(backoffDelay(2, { baseMs: 30_000, maxMs: 30 * 60_000 }, () => Number.NaN)).toBe(120_000);
  });
});
