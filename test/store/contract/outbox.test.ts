import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store-context.js';
import type { NewDigest } from '../../../src/core/outbox.js';
import { ENGINES, type OpenedStore } from './engines.js';

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

describe.each(ENGINES)('digest outbox ($name)', (engine) => {
  let opened: OpenedStore;
  let outbox: Store['outbox'];
  beforeEach(async () => {
    opened = await engine.open();
    outbox = opened.store.outbox;
  });
  afterEach(async () => {
    await opened.close();
  });

  it('writes a digest with all its parts at once, and only once per schedule, slot and destination', async () => {
    const first = await outbox.enqueue(digest());
    expect(first.created).toBe(true);
    expect(first.digest).toMatchObject({ status: 'pending', parts: 2, sentParts: 0 });
    const again = await outbox.enqueue(digest({ payloads: ['{"other":1}'] }));
    expect(again).toMatchObject({ created: false, digest: { id: first.digest.id, parts: 2 } });
    expect((await outbox.enqueue(digest({ destination: 'preview' }))).created).toBe(true);
    expect((await outbox.parts(first.digest.id)).map((p) => p.payload)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('marks parts sent with their message ids; the digest is sent when every part is', async () => {
    const { digest: row } = await outbox.enqueue(digest());
    await outbox.markSent(row.id, 1, 'm1', 6_000);
    expect(await outbox.get(row.id)).toMatchObject({ status: 'pending', sentParts: 1 });
    expect(await outbox.pendingDigestIds()).toEqual([row.id]);
    await outbox.markSent(row.id, 2, 'm2', 7_000);
    expect(await outbox.get(row.id)).toMatchObject({ status: 'sent', sentParts: 2, completedAt: 7_000 });
    expect((await outbox.parts(row.id)).map((p) => [p.status, p.messageId, p.attempts])).toEqual([
      ['sent', 'm1', 1],
      ['sent', 'm2', 1],
    ]);
    await outbox.markSent(row.id, 2, 'other', 8_000);
    expect((await outbox.parts(row.id))[1]?.messageId).toBe('m2');
    expect(await outbox.pendingDigestIds()).toEqual([]);
  });

  it('records retries and gives up on the rest of a digest', async () => {
    const { digest: row } = await outbox.enqueue(digest());
    await outbox.markRetry(row.id, 1, '500', 9_000);
    expect((await outbox.parts(row.id))[0]).toMatchObject({ attempts: 1, nextAttemptAt: 9_000, lastError: '500' });
    await outbox.markFailed(row.id, 'refused', 10_000);
    expect(await outbox.get(row.id)).toMatchObject({ status: 'failed', error: 'refused' });
    expect((await outbox.parts(row.id)).map((p) => p.status)).toEqual(['failed', 'failed']);
  });

  it('stores a digest without parts as empty, already complete', async () => {
    expect((await outbox.enqueue(digest({ payloads: [] }))).digest).toMatchObject({ status: 'empty', parts: 0, completedAt: 5_000 });
    expect(await outbox.pendingDigestIds()).toEqual([]);
  });

  it('remembers when a schedule was first seen', async () => {
    expect(await outbox.firstSeen('daily', 100)).toBe(100);
    expect(await outbox.firstSeen('daily', 200)).toBe(100);
  });

  it('caches overviews and tracks destination errors', async () => {
    await outbox.cacheOverview('k', 'text', 1);
    expect(await outbox.cachedOverview('k')).toBe('text');
    expect(await outbox.cachedOverview('other')).toBeUndefined();
    await outbox.recordDestinationError('channel:1', 'missing access', 5);
    await outbox.recordDestinationError('channel:1', 'unknown channel', 6);
    expect(await outbox.destinationErrors()).toEqual([{ destination: 'channel:1', error: 'unknown channel', at: 6 }]);
    await outbox.clearDestinationError('channel:1');
    expect(await outbox.destinationErrors()).toEqual([]);
  });

  describe('with several workers', () => {
    const slot = { schedule: 'daily', slotAt: 1_000, destination: 'channel:1' };
    const lease = (owner: string, now: number) => ({ owner, now, ms: 60_000 });

    it('lets one worker at a time claim a slot; its claim can be renewed, released, or taken over once expired', async () => {
      expect(await outbox.claimSlot(slot, lease('a', 0))).toEqual({ kind: 'claimed' });
      expect(await outbox.claimSlot(slot, lease('b', 1_000))).toEqual({ kind: 'held', owner: 'a', expiresAt: 60_000 });
      expect(await outbox.claimSlot({ ...slot, destination: 'preview' }, lease('b', 1_000))).toEqual({ kind: 'claimed' });
      expect(await outbox.claimSlot(slot, lease('a', 2_000))).toEqual({ kind: 'claimed' });
      expect(await outbox.renewSlotClaim(slot, lease('a', 30_000))).toBe(true);
      expect(await outbox.renewSlotClaim(slot, lease('b', 30_000))).toBe(false);
      expect(await outbox.claimSlot(slot, lease('b', 89_999))).toMatchObject({ kind: 'held', owner: 'a' });
      // a crashed: its claim lapses and b takes it over; a's renewal then fails
      expect(await outbox.claimSlot(slot, lease('b', 90_000))).toEqual({ kind: 'claimed' });
      expect(await outbox.renewSlotClaim(slot, lease('a', 90_001))).toBe(false);
      await outbox.releaseSlotClaim(slot, 'a');
      expect(await outbox.claimSlot(slot, lease('c', 90_002))).toMatchObject({ kind: 'held', owner: 'b' });
      await outbox.releaseSlotClaim(slot, 'b');
      expect(await outbox.claimSlot(slot, lease('c', 90_003))).toEqual({ kind: 'claimed' });
    });

    it('leases a pending part to one worker at a time and hands it back as stored', async () => {
      const { digest: row } = await outbox.enqueue(digest());
      const leased = await outbox.leasePart(row.id, 1, lease('a', 0));
      expect(leased).toMatchObject({ digestId: row.id, part: 1, status: 'pending', attemptedAt: null, payload: '{"a":1}' });
      expect(await outbox.leasePart(row.id, 1, lease('b', 1_000))).toBeUndefined();
      expect(await outbox.leasePart(row.id, 2, lease('b', 1_000))).toMatchObject({ part: 2 });
      expect(await outbox.leasePart(row.id, 1, lease('a', 2_000))).toMatchObject({ part: 1 });
      await outbox.releasePart(row.id, 1, 'a');
      expect(await outbox.leasePart(row.id, 1, lease('b', 3_000))).toMatchObject({ part: 1 });
    });

    it('lets an expired lease on an in-flight part be taken over, its earlier attempt showing', async () => {
      const { digest: row } = await outbox.enqueue(digest());
      await outbox.leasePart(row.id, 1, lease('a', 0));
      await outbox.markAttempt(row.id, 1, 10);
      expect(await outbox.renewPartLease(row.id, 1, lease('a', 30_000))).toBe(true);
      expect(await outbox.leasePart(row.id, 1, lease('b', 89_999))).toBeUndefined();
      expect(await outbox.leasePart(row.id, 1, lease('b', 90_000))).toMatchObject({ part: 1, attemptedAt: 10 });
      expect(await outbox.renewPartLease(row.id, 1, lease('a', 90_001))).toBe(false);
      await outbox.releasePart(row.id, 1, 'a');
      expect(await outbox.leasePart(row.id, 1, lease('c', 90_002))).toBeUndefined();
    });

    it('leases no part that is sent or given up', async () => {
      const { digest: row } = await outbox.enqueue(digest());
      await outbox.markSent(row.id, 1, 'm1', 10);
      expect(await outbox.leasePart(row.id, 1, lease('a', 20))).toBeUndefined();
      await outbox.markFailed(row.id, 'refused', 30);
      expect(await outbox.leasePart(row.id, 2, lease('a', 40))).toBeUndefined();
    });
  });

  it('stores a file with a part, bytes intact, and gives it back only for that part', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);
    const files = new Map([[1, { name: 'weekly-2026-11-30-0800.png', contentType: 'image/png', bytes: png }]]);
    const { digest: row } = await outbox.enqueue(digest({ files }));
    const parts = await outbox.parts(row.id);
    expect(parts.map((p) => p.fileName ?? null)).toEqual(['weekly-2026-11-30-0800.png', null]);
    const file = await outbox.partFile(row.id, 1);
    expect(file).toMatchObject({ name: 'weekly-2026-11-30-0800.png', contentType: 'image/png' });
    expect(Buffer.from(file?.bytes ?? []).equals(png)).toBe(true);
    expect(await outbox.partFile(row.id, 2)).toBeUndefined();
    // The file stays with the part after it is sent: the status and a later lookup still name it.
    await outbox.markSent(row.id, 1, 'm1', 6_000);
    expect((await outbox.parts(row.id))[0]).toMatchObject({ status: 'sent', fileName: 'weekly-2026-11-30-0800.png' });
  });
});
