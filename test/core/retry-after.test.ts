import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../src/core/retry-after.js';

const NOW = Date.UTC(2025, 9, 22, 12, 0, 0); // Wed, 22 Oct 2025 12:00:00 GMT

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Wed, 22 Oct 2025 12:02:00 GMT', 120_000],
    ['Wednesday, 22-Oct-25 12:00:30 GMT', 30_000],
    ['Wed Oct 22 12:01:00 2025', 60_000],
    ['Wed, 22 Oct 2025 11:00:00 GMT', 0],
  ])('reads "%s" as %i ms from now', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([[null], [undefined], [''], ['-5'], ['1.5'], ['soon'], ['2025-10-22T12:02:00Z']])(
    'gives null for %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeNull();
    },
  );
});

describe('parseRetryAfter with fractional seconds (what OpenAI-compatible servers send)', () => {
  it.each([
    ['0.5', 500],
    ['3', 3000],
    ['Wed, 22 Oct 2025 12:00:07 GMT', 7000],
  ])('reads "%s" as %i ms from now', (value, ms) => {
    expect(parseRetryAfter(value, NOW, { fractionalSeconds: true })).toBe(ms);
  });

  it.each([['-0.5'], ['.5'], ['soon']])('gives null for %j', (value) => {
    expect(parseRetryAfter(value, NOW, { fractionalSeconds: true })).toBeNull();
  });
});

describe('parseHttpDate', () => {
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Thu, 01 Jan 2026 00:00:00 GMT', Date.UTC(2026, 0, 1)],
  ])('reads the three HTTP-date forms: %s', (value, ms) => {
    expect(parseHttpDate(value)).toBe(ms);
  });

  it.each([
    ['Sun, 06 Nov 1994 08:49:37 +0000'],
    ['Mon, 31 Feb 2025 00:00:00 GMT'],
    ['Sun, 06 Foo 1994 08:49:37 GMT'],
    ['1994-11-06'],
  ])('refuses what is not an HTTP-date: %s', (value) => {
    expect(parseHttpDate(value)).toBeNull();
  });
});
