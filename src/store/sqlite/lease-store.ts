import type { Database } from 'better-sqlite3';
import { claimScanSize, pickClaims, type ClaimCandidate, type ClaimRequest, type FeedClaim } from '../../core/feed-lease.js';
import type { FeedRow } from '../../core/feed.js';
import { FEED_COLUMNS } from './feed-store.js';

/**
 * Feed leases (see FeedLeaseRepository in pipeline/ports.ts). One process writes a SQLite file, so
 * a claim only has to be one transaction; `inTurn` runs it when no other transaction of the
 * connection is open, so it can never become part of (and roll back with) another one.
 */
export function createSqliteLeaseStore(db: Database, inTurn: <T>(fn: () => T) => Promise<T>) {
  const candidates = db.prepare(
    `SELECT id, url, lease_owner AS leaseOwner FROM feeds
     WHERE status IN ('active', 'failing') AND next_due_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
     ORDER BY next_due_at, id LIMIT @scan`,
  );
  const leased = db.prepare(`SELECT url FROM feeds WHERE lease_until > ?`).pluck();
  const lease = db.prepare(`UPDATE feeds SET lease_owner = @owner, lease_until = @until WHERE id = @id`);
  const byId = db.prepare(`SELECT ${FEED_COLUMNS} FROM feeds WHERE id = ?`);
  const release = db.prepare(`UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = @id AND lease_owner = @owner`);

  return {
    claimDue: (request: ClaimRequest): Promise<FeedClaim> =>
      inTurn(() => {
        const due = candidates.all({ now: request.now, scan: claimScanSize(request.limit) }) as ClaimCandidate[];
        const picked = pickClaims(due, leased.all(request.now) as string[], request.limit, request.perHost);
        for (const candidate of picked) lease.run({ owner: request.owner, until: request.until, id: candidate.id });
        return {
          feeds: picked.map((candidate) => byId.get(candidate.id) as FeedRow),
          takeovers: picked.flatMap((candidate) => (candidate.leaseOwner === null ? [] : [{ feedId: candidate.id, previousOwner: candidate.leaseOwner }])),
        };
      }),
    release: (owner: string, feedIds: readonly number[]): Promise<void> =>
      inTurn(() => {
        for (const id of feedIds) release.run({ id, owner });
      }),
  };
}
