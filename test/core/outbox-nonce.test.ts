import { describe, expect, it } from 'vitest';
import { partNonce } from '../../src/core/outbox.js';

describe('outbox part nonces', () => {
  it('gives each part a distinct nonce of at most 25 characters', () => {
    const base = { schedule: 'daily', slotAt: 1, destination: 'channel:1', createdAt: 2 };
    const nonces = [1, 2, 3].map((part) => partNonce(base, part));
    expect(new Set(nonces).size).toBe(3);
    for (const nonce of nonces) expect(nonce.length).toBeLessThanOrEqual(25);
  });

});
