import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOLE_WORKER } from '../../src/core/worker-id.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { takeBackLeases, type TakenBack } from '../../src/store/sqlite/take-back-leases.js';
import { acquireWriterLock } from '../../src/store/writer-lock.js';

const NOW = Date.UTC(2026, 10, 30, 9);
const MIN = 60_000;
const SLOT = { schedule: 'daily', slotAt: 1_000, destination: 'channel:1' };

/**
 * SQLite's single writer: the process that takes the writer lock knows the one before it is gone,
 * and takes back at once what it left leased, instead of waiting minutes for the leases to expire.
 */
describe('taking back a dead predecessor’s leases (sqlite)', () => {
  let dir: string;
  let file: string;
  let db: Database;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-take-back-'));
    file = path.join(dir, 'sancocho.db');
    db = openDatabase(file);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('frees the predecessor’s feed leases, part leases and slot claims, and leaves a one-off command’s feed lease alone', async () => {
    const store = createSqliteStore(db);
    // What `start` (pid 4242 on box) held when it was killed -9.
    db.prepare(`INSERT INTO writer_lock (id, pid, host, command, started_at) VALUES (1, 4242, 'box', 'start', 0)`).run();
    const feedIds: number[] = [];
    for (const url of ['https://a.example/1', 'https://b.example/1', 'https://c.example/1']) {
      feedIds.push((await store.feeds.add({ url, name: url }, 'config', 0)).feed.id);
    }
    const lease = (owner: string, limit: number) => store.leases.claimDue({ owner, now: NOW, until: NOW + 5 * MIN, limit, perHost: 10 });
    expect((await lease('box:4242:a1b2c3', 2)).feeds).toHaveLength(2);
    // A `fetch --once` beside it (pid 4243, alive): its lease is its own.
    expect((await lease('box:4243:d4e5f6', 1)).feeds).toHaveLength(1);
    const { digest } = await store.outbox.enqueue({
      ...SLOT, trigger: 'schedule', windowFrom: 0, windowTo: 1_000, stories: 2, markdown: '# d', payloads: ['{"a":1}', '{"a":2}'], now: NOW,
    });
    // Part 1 was mid-send: its attempt is recorded, the outcome unknown.
    await store.outbox.leasePart(digest.id, 1, { owner: SOLE_WORKER, now: NOW, ms: 5 * MIN });
    await store.outbox.markAttempt(digest.id, 1, NOW);
    await store.outbox.claimSlot({ ...SLOT, slotAt: 2_000 }, { owner: SOLE_WORKER, now: NOW, ms: 5 * MIN });

    // Taken back in the transaction that records the new holder.
    let takenBack: TakenBack | undefined;
    const lock = acquireWriterLock(db, file, 'start', NOW, (predecessor) => {
      takenBack = takeBackLeases(db, predecessor);
    });
    if (lock.kind !== 'acquired') throw new Error(`not acquired: ${lock.kind}`);
    try {
      expect(lock.predecessor).toMatchObject({ pid: 4242, host: 'box', command: 'start' });
      expect(takenBack).toEqual({ feeds: 2, parts: 1, slotClaims: 1 });

      // Claimable at once by anyone, the one-off's lease excepted.
      expect((await lease('box:5000:0a0b0c', 10)).feeds.map((feed) => feed.id)).toEqual(feedIds.slice(0, 2));
      // The part cut short mid-send keeps its attempt, so its next send looks before resending.
      expect(await store.outbox.leasePart(digest.id, 1, { owner: 'someone', now: NOW, ms: MIN })).toMatchObject({ attemptedAt: NOW, status: 'pending' });
      expect(await store.outbox.claimSlot({ ...SLOT, slotAt: 2_000 }, { owner: 'someone', now: NOW, ms: MIN })).toEqual({ kind: 'claimed' });
      // Nothing left of the predecessor to take back a second time.
      expect(takeBackLeases(db, lock.predecessor)).toEqual({ feeds: 0, parts: 0, slotClaims: 0 });
    } finally {
      lock.release();
    }
  });

  it('takes back nothing on a file never locked before', () => {
    const lock = acquireWriterLock(db, file, 'start', NOW);
    if (lock.kind !== 'acquired') throw new Error(`not acquired: ${lock.kind}`);
    try {
      expect(lock.predecessor).toBeNull();
      expect(takeBackLeases(db, lock.predecessor)).toEqual({ feeds: 0, parts: 0, slotClaims: 0 });
    } finally {
      lock.release();
    }
  });
});
