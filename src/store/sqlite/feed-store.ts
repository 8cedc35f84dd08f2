import type { Database } from 'better-sqlite3';
import {
  MOVE_AFTER_POLLS,
  REMOVED_FROM_CONFIG,
  type AddFeedResult,
  type FeedOrigin,
  type FeedPollUpdate,
  type FeedRow,
  type RemoveFeedResult,
  type SyncCounts,
} from '../../core/feed.js';
import type { FeedSpec } from '../../core/types.js';
import { writeTransaction } from '../write-transaction.js';

export const FEED_COLUMNS = `id, url, name, language, interval_minutes AS intervalMinutes, origin, guild_id AS guildId, status, etag,
  last_modified AS lastModified, next_due_at AS nextDueAt, last_polled_at AS lastPolledAt,
  last_success_at AS lastSuccessAt, last_http_status AS lastHttpStatus,
  consecutive_errors AS consecutiveErrors, last_error_kind AS lastErrorKind,
  last_error_message AS lastErrorMessage, last_error_at AS lastErrorAt, created_at AS createdAt,
  moved_to AS movedTo, moved_seen AS movedSeen, original_url AS originalUrl`;

/** The feed list and each feed's poll state (see FeedRepository in pipeline/ports.ts for the contract). */
export function createSqliteFeedStore(db: Database) {
  const byUrl = db.prepare(`SELECT ${FEED_COLUMNS} FROM feeds WHERE url = ?`);
  const byOriginalUrl = db.prepare(`SELECT ${FEED_COLUMNS} FROM feeds WHERE original_url = ? ORDER BY id LIMIT 1`);
  const byId = db.prepare(`SELECT ${FEED_COLUMNS} FROM feeds WHERE id = ?`);
  const all = db.prepare(`SELECT ${FEED_COLUMNS} FROM feeds ORDER BY name COLLATE NOCASE, id`);
  const due = db.prepare(
    `SELECT ${FEED_COLUMNS} FROM feeds WHERE status IN ('active', 'failing') AND next_due_at <= ? ORDER BY next_due_at, id`,
  );
  const enabled = db.prepare(`SELECT ${FEED_COLUMNS} FROM feeds WHERE status != 'disabled' ORDER BY id`);
  const visible = db.prepare(
    `SELECT ${FEED_COLUMNS} FROM feeds WHERE origin = 'config' OR guild_id IS NULL OR guild_id = ? ORDER BY name COLLATE NOCASE, id`,
  );
  // A URL already stored is an answer (`exists`), not an error: nothing here depends on the engine's error codes.
  const insert = db.prepare(
    `INSERT INTO feeds (url, name, language, interval_minutes, origin, guild_id, created_at)
     VALUES (@url, @name, @language, @intervalMinutes, @origin, @guildId, @now)
     ON CONFLICT (url) DO NOTHING`,
  );
  const updateSpec = db.prepare(
    `UPDATE feeds SET name = @name, language = @language, interval_minutes = @intervalMinutes WHERE id = @id`,
  );
  const success = db.prepare(
    `UPDATE feeds SET status = 'active', etag = @etag, last_modified = @lastModified, next_due_at = @nextDueAt,
       last_polled_at = @at, last_success_at = @at, last_http_status = @http, consecutive_errors = 0
     WHERE id = @id AND status != 'disabled'`,
  );
  const notModified = db.prepare(
    `UPDATE feeds SET status = 'active', etag = COALESCE(@etag, etag), last_modified = COALESCE(@lastModified, last_modified),
       next_due_at = @nextDueAt, last_polled_at = @at, last_success_at = @at, last_http_status = 304, consecutive_errors = 0
     WHERE id = @id AND status != 'disabled'`,
  );
  const failure = db.prepare(
    `UPDATE feeds SET status = @status, next_due_at = @nextDueAt, last_polled_at = @at, last_http_status = @http,
       consecutive_errors = consecutive_errors + 1, last_error_kind = @errorKind, last_error_message = @message,
       last_error_at = @at
     WHERE id = @id AND status != 'disabled'`,
  );

  // Counts polls in a row that were permanently redirected to the same place; any other poll starts over.
  const noteRedirect = db.prepare(
    `UPDATE feeds SET moved_seen = CASE WHEN @movedTo IS NULL THEN 0 WHEN moved_to = @movedTo THEN moved_seen + 1 ELSE 1 END,
       moved_to = @movedTo
     WHERE id = @id AND (@movedTo IS NOT NULL OR moved_to IS NOT NULL)`,
  );
  // Same row, so the same identity, health and items; never onto a URL another feed already has.
  const move = db.prepare(
    `UPDATE feeds SET original_url = COALESCE(original_url, url), url = moved_to, moved_to = NULL, moved_seen = 0
     WHERE id = @id AND moved_seen >= @after AND NOT EXISTS (SELECT 1 FROM feeds other WHERE other.url = feeds.moved_to)`,
  );

  const setStatus = db.prepare(
    `UPDATE feeds SET status = @status, last_error_kind = @kind, last_error_message = @message WHERE id = @id`,
  );

  const deleteFeed = db.prepare(`DELETE FROM feeds WHERE id = ?`);
  // A story the deleted feed published first but other feeds carry too stays, under one of them.
  const adoptSharedItems = db.prepare(
    `UPDATE items SET feed_id = (SELECT f.feed_id FROM item_feeds f WHERE f.item_id = items.id AND f.feed_id != @id LIMIT 1)
     WHERE feed_id = @id AND EXISTS (SELECT 1 FROM item_feeds f WHERE f.item_id = items.id AND f.feed_id != @id)`,
  );

  const findByUrl = (url: string) => (byUrl.get(url) ?? byOriginalUrl.get(url)) as FeedRow | undefined;

  const syncSpecs = writeTransaction(db, (specs: readonly FeedSpec[], now: number) => {
    let added = 0;
    for (const spec of specs) {
      // A feed that moved (permanent redirects) is still the one the file lists under its old URL.
      const row = findByUrl(spec.url);
      const fields = { name: spec.name, language: spec.language ?? null, intervalMinutes: spec.intervalMinutes ?? null };
      if (row) updateSpec.run({ id: row.id, ...fields });
      else added += insert.run({ url: spec.url, origin: 'config', guildId: null, now, ...fields }).changes;
    }
    return added;
  });
  const syncRemoved = writeTransaction(db, (specs: readonly FeedSpec[]) => {
    const listed = new Set(specs.map((spec) => spec.url));
    let removed = 0;
    for (const row of all.all() as FeedRow[]) {
      if (row.origin !== 'config') continue;
      const unlisted = !listed.has(row.url) && !(row.originalUrl !== null && listed.has(row.originalUrl));
      if (unlisted && row.lastErrorKind !== REMOVED_FROM_CONFIG) {
        setStatus.run({ id: row.id, status: 'disabled', kind: REMOVED_FROM_CONFIG, message: 'no longer listed in the config file' });
        removed++;
      } else if (!unlisted && row.lastErrorKind === REMOVED_FROM_CONFIG) {
        setStatus.run({ id: row.id, status: 'active', kind: null, message: null });
      }
    }
    return removed;
  });
  const deleteWithSharedItems = writeTransaction(db, (id: number) => {
    adoptSharedItems.run({ id });
    deleteFeed.run(id);
  });

  return {
    get: async (id: number) => byId.get(id) as FeedRow | undefined,
    getByUrl: async (url: string) => findByUrl(url),
    list: async () => all.all() as FeedRow[],
    due: async (now: number) => due.all(now) as FeedRow[],
    enabled: async () => enabled.all() as FeedRow[],
    visibleTo: async (guildId: string) => visible.all(guildId) as FeedRow[],

    async syncConfigured(specs: readonly FeedSpec[], now: number): Promise<SyncCounts> {
      const added = syncSpecs(specs, now);
      return { added, removed: syncRemoved(specs) };
    },

    async add(spec: FeedSpec, origin: FeedOrigin, now: number, guildId: string | null = null): Promise<AddFeedResult> {
      const { changes } = insert.run({
        url: spec.url,
        name: spec.name,
        language: spec.language ?? null,
        intervalMinutes: spec.intervalMinutes ?? null,
        origin,
        guildId: origin === 'user' ? guildId : null,
        now,
      });
      return { kind: changes > 0 ? 'added' : 'exists', feed: byUrl.get(spec.url) as FeedRow };
    },

    async remove(id: number): Promise<RemoveFeedResult> {
      const row = byId.get(id) as FeedRow | undefined;
      if (!row) return 'unknown';
      if (row.origin === 'config') return 'config';
      deleteWithSharedItems(id);
      return 'deleted';
    },

    async recordPoll(feedId: number, update: FeedPollUpdate): Promise<{ movedTo: string | null }> {
      switch (update.kind) {
        case 'success':
        case 'not-modified': {
          const { movedTo = null, ...fields } = update;
          (update.kind === 'success' ? success : notModified).run({ id: feedId, ...fields });
          noteRedirect.run({ id: feedId, movedTo });
          const moved = move.run({ id: feedId, after: MOVE_AFTER_POLLS }).changes > 0;
          return { movedTo: moved ? movedTo : null };
        }
        case 'error':
          failure.run({ id: feedId, ...update });
          return { movedTo: null };
      }
    },
  };
}
