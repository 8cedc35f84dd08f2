import type { Database } from 'better-sqlite3';
import { SOLE_WORKER } from '../../core/worker-id.js';
import type { WriterLockHolder } from '../writer-lock.js';
import { writeTransaction } from '../write-transaction.js';

/** What a starting process took back from the one before it. */
export interface TakenBack {
  feeds: number;
  parts: number;
  slotClaims: number;
}

/**
 * Run right after the single-writer lock is taken: the lock proves that the process that held it
 * before (`predecessor`, from the writer_lock row) is gone, so whatever it left leased is free now
 * rather than when the leases expire (minutes after a kill -9). Its feed leases are the ones named
 * after its host and pid (core/worker-id.ts); its part leases and slot claims are SOLE_WORKER's. A
 * part cut short mid-send keeps its `attempted_at`, so its next send still looks before resending.
 * One-off commands may run beside the lock holder: a `fetch --once`'s feed leases carry another
 * pid and are left alone.
 */
export function takeBackLeases(db: Database, predecessor: WriterLockHolder | null): TakenBack {
  const feeds = db.prepare(
    `UPDATE feeds SET lease_owner = NULL, lease_until = NULL
     WHERE lease_owner IS NOT NULL AND substr(lease_owner, 1, length(@prefix)) = @prefix`,
  );
  const parts = db.prepare(`UPDATE digest_parts SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ?`);
  const slotClaims = db.prepare(`DELETE FROM digest_claims WHERE owner = ?`);
  return writeTransaction(db, () => ({
    feeds: predecessor ? feeds.run({ prefix: `${predecessor.host}:${predecessor.pid}:` }).changes : 0,
    parts: parts.run(SOLE_WORKER).changes,
    slotClaims: slotClaims.run(SOLE_WORKER).changes,
  }))();
}
