import { claimScanSize, pickClaims, type ClaimCandidate, type ClaimRequest, type FeedClaim } from '../../core/feed-lease.js';
import type { FeedRow } from '../../core/feed.js';
import { FEED_COLUMNS } from './feed-store.js';
import { LOCK_SPACE, lockKeys, type PgSession } from './pg-session.js';

/**
 * Feed leases (see FeedLeaseRepository in pipeline/ports.ts), shared by every worker on the schema.
 * Claims take turns under a short advisory lock, because the per-host count they read must not
 * change before they write; the rows picked are then locked FOR UPDATE SKIP LOCKED, so a feed whose
 * poll is being recorded at that moment is passed over rather than waited for.
 */
export function createPgLeaseStore(db: PgSession) {
  return {
    claimDue: (request: ClaimRequest): Promise<FeedClaim> =>
      db.atomic(async (tx) => {
        await lockKeys(tx, LOCK_SPACE.claim, ['claim']);
        const due = await tx.query<ClaimCandidate>(
          `SELECT id, url, lease_owner AS "leaseOwner" FROM feeds
           WHERE status IN ('active', 'failing') AND next_due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY next_due_at, id LIMIT $2`,
          [request.now, claimScanSize(request.limit)],
        );
        if (due.length === 0) return { feeds: [], takeovers: [] };
        const leased = await tx.query<{ url: string }>(`SELECT url FROM feeds WHERE lease_until > $1`, [request.now]);
        const picked = pickClaims(due, leased.map((row) => row.url), request.limit, request.perHost);
        if (picked.length === 0) return { feeds: [], takeovers: [] };
        // Only the picked rows are locked; one whose poll is being recorded right now is skipped, not waited for.
        const feeds = await tx.query<FeedRow>(
          `UPDATE feeds SET lease_owner = $1, lease_until = $2
           WHERE id IN (SELECT id FROM feeds WHERE id = ANY ($3::bigint[]) AND (lease_until IS NULL OR lease_until <= $4) FOR UPDATE SKIP LOCKED)
           RETURNING ${FEED_COLUMNS}`,
          [request.owner, request.until, picked.map((candidate) => candidate.id), request.now],
        );
        // In claim order (due time, then id), as the poller starts them; a skipped row is no takeover.
        const claimed = new Set(feeds.map((feed) => feed.id));
        const order = new Map(picked.filter((candidate) => claimed.has(candidate.id)).map((candidate, index) => [candidate.id, index]));
        feeds.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
        return {
          feeds,
          takeovers: picked.flatMap((candidate) =>
            candidate.leaseOwner === null || !order.has(candidate.id) ? [] : [{ feedId: candidate.id, previousOwner: candidate.leaseOwner }],
          ),
        };
      }),
    release: async (owner: string, feedIds: readonly number[]): Promise<void> => {
      if (feedIds.length === 0) return;
      await db.execute(`UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = ANY ($1::bigint[]) AND lease_owner = $2`, [feedIds, owner]);
    },
  };
}
