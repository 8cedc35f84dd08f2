import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createOutboxStore, partNonce, type NewDigest, type OutboxStore } from '../../src/store/outbox-store.js';

const digest = (overrides: Partial<NewDigest> = {}): NewDigest => ({
  schedule: 'daily',
  slotAt: 1_000,
  trigger: 'schedule',
  destination: 'channel:1',
  windowFrom: 0,
  windowTo: 1_000,
  stories: 3,
  markdown: '# d',
  payloads: ['{"a":1}', '{"a":2}'],
  now: 5_000,
  ...overrides,
});

describe('digest outbox', () => {
  let db: Database;
  let outbox: OutboxStore;
  beforeEach(() => {
    db = openDatabase(':memory:');
    outbox = createOutboxStore(db);
  });
  afterEach(() => db.close());

  it('writes a digest with all its parts at once, and only once per schedule, slot and destination', () => {
    const first = outbox.enqueue(digest());
    expect(first.created).toBe(true);
    expect(first.digest).toMatchObject({ status: 'pending', parts: 2, sentParts: 0 });
    const again = outbox.enqueue(digest({ payloads: ['{"other":1}'] }));
    expect(again).toMatchObject({ created: false, digest: { id: first.digest.id, parts: 2 } });
    expect(outbox.enqueue(digest({ destination: 'preview' })).created).toBe(true);
    expect(outbox.parts(first.digest.id).map((p) => p.payload)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('marks parts sent with their message ids; the digest is sent when every part is', () => {
    const { digest: row } = outbox.enqueue(digest());
    outbox.markSent(row.id, 1, 'm1', 6_000);
    expect(outbox.get(row.id)).toMatchObject({ status: 'pending', sentParts: 1 });
    expect(outbox.pendingDigestIds()).toEqual([row.id]);
    outbox.markSent(row.id, 2, 'm2', 7_000);
    expect(outbox.get(row.id)).toMatchObject({ status: 'sent', sentParts: 2, completedAt: 7_000 });
    expect(outbox.parts(row.id).map((p) => [p.status, p.messageId, p.attempts])).toEqual([
      ['sent', 'm1', 1],
      ['sent', 'm2', 1],
    ]);
    outbox.markSent(row.id, 2, 'other', 8_000);
    expect(outbox.parts(row.id)[1]?.messageId).toBe('m2');
    expect(outbox.pendingDigestIds()).toEqual([]);
  });

  it('records retries and gives up on the rest of a digest', () => {
    const { digest: row } = outbox.enqueue(digest());
    outbox.markRetry(row.id, 1, '500', 9_000);
    expect(outbox.parts(row.id)[0]).toMatchObject({ attempts: 1, nextAttemptAt: 9_000, lastError: '500' });
    outbox.markFailed(row.id, 'refused', 10_000);
    expect(outbox.get(row.id)).toMatchObject({ status: 'failed', error: 'refused' });
    expect(outbox.parts(row.id).map((p) => p.status)).toEqual(['failed', 'failed']);
  });

  it('stores a digest without parts as empty, already complete', () => {
    expect(outbox.enqueue(digest({ payloads: [] })).digest).toMatchObject({ status: 'empty', parts: 0, completedAt: 5_000 });
    expect(outbox.pendingDigestIds()).toEqual([]);
  });

  it('remembers when a schedule was first seen', () => {
    expect(outbox.firstSeen('daily', 100)).toBe(100);
    expect(outbox.firstSeen('daily', 200)).toBe(100);
  });

  it('gives each part a distinct nonce of at most 25 characters', () => {
    const base = { schedule: 'daily', slotAt: 1, destination: 'channel:1', createdAt: 2 };
    const nonces = [1, 2, 3].map((part) => partNonce(base, part));
    expect(new Set(nonces).size).toBe(3);
    for (const nonce of nonces) expect(nonce.length).toBeLessThanOrEqual(25);
  });

  it('caches overviews and tracks destination errors', () => {
    outbox.cacheOverview('k', 'text', 1);
    expect(outbox.cachedOverview('k')).toBe('text');
    expect(outbox.cachedOverview('other')).toBeUndefined();
    outbox.recordDestinationError('channel:1', 'missing access', 5);
    outbox.recordDestinationError('channel:1', 'unknown channel', 6);
    expect(outbox.destinationErrors()).toEqual([{ destination: 'channel:1', error: 'unknown channel', at: 6 }]);
    outbox.clearDestinationError('channel:1');
    expect(outbox.destinationErrors()).toEqual([]);
  });
});
