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
import { LOCK_SPACE, lockKeys, type PgSession } from './pg-session.js';

export const FEED_COLUMNS = `id, url, name, language, interval_minutes AS "intervalMinutes", origin, guild_id AS "guildId", status, etag,
  last_modified AS "lastModified", next_due_at AS "nextDueAt", last_polled_at AS "lastPolledAt",
  last_success_at AS "lastSuccessAt", last_http_status AS "lastHttpStatus",
  consecutive_errors AS "consecutiveErrors", last_error_kind AS "lastErrorKind",
  last_error_message AS "lastErrorMessage", last_error_at AS "lastErrorAt", created_at AS "createdAt",
  moved_to AS "movedTo", moved_seen AS "movedSeen", original_url AS "originalUrl"`;

// SQLite's NOCASE folds ASCII letters only; lower() under the "C" collation does the same.
const BY_NAME = `ORDER BY lower(name COLLATE "C"), id`;

/** The feed list and each feed's poll state (see FeedRepository in pipeline/ports.ts for the contract). */
export function createPgFeedStore(db: PgSession) {
  const one = async (session: PgSession, where: string, params: unknown[]) =>
    (await session.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM feeds WHERE ${where}`, params))[0];
  const findByUrl = async (session: PgSession, url: string) =>
    (await one(session, 'url = $1', [url])) ?? (await one(session, 'original_url = $1 ORDER BY id LIMIT 1', [url]));
  // A URL already stored is an answer (`exists`), not an error, so a transaction around it stays usable.
  const insert = (session: PgSession, spec: FeedSpec, origin: FeedOrigin, guildId: string | null, now: number) =>
    session.execute(
      `INSERT INTO feeds (url, name, language, interval_minutes, origin, guild_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (url) DO NOTHING`,
      [spec.url, spec.name, spec.language ?? null, spec.intervalMinutes ?? null, origin, guildId, now],
    );

  return {
    get: (id: number) => one(db, 'id = $1', [id]),
    getByUrl: (url: string) => findByUrl(db, url),
    list: () => db.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM feeds ${BY_NAME}`),
    due: (now: number) =>
      db.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM feeds WHERE status IN ('active', 'failing') AND next_due_at <= $1 ORDER BY next_due_at, id`, [now]),
    enabled: () => db.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM feeds WHERE status <> 'disabled' ORDER BY id`),
    visibleTo: (guildId: string) =>
      db.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM feeds WHERE origin = 'config' OR guild_id IS NULL OR guild_id = $1 ${BY_NAME}`, [guildId]),

    syncConfigured: (specs: readonly FeedSpec[], now: number): Promise<SyncCounts> =>
      db.atomic(async (tx) => {
        // Workers starting together sync one after another, each seeing the list the one before left.
        await lockKeys(tx, LOCK_SPACE.configSync, ['feeds']);
        let added = 0;
        for (const spec of specs) {
          // A feed that moved (permanent redirects) is still the one the file lists under its old URL.
          const row = await findByUrl(tx, spec.url);
          if (row) {
            await tx.execute(`UPDATE feeds SET name = $2, language = $3, interval_minutes = $4 WHERE id = $1`, [
              row.id,
              spec.name,
              spec.language ?? null,
              spec.intervalMinutes ?? null,
            ]);
          } else added += await insert(tx, spec, 'config', null, now);
        }
        const listed = specs.map((spec) => spec.url);
        const unlisted = `origin = 'config' AND url <> ALL ($1::text[]) AND (original_url IS NULL OR original_url <> ALL ($1::text[]))`;
        const removed = await tx.execute(
          `UPDATE feeds SET status = 'disabled', last_error_kind = $2, last_error_message = 'no longer listed in the config file'
           WHERE ${unlisted} AND last_error_kind IS DISTINCT FROM $2`,
          [listed, REMOVED_FROM_CONFIG],
        );
        await tx.execute(
          `UPDATE feeds SET status = 'active', last_error_kind = NULL, last_error_message = NULL
           WHERE origin = 'config' AND last_error_kind = $2 AND NOT (${unlisted})`,
          [listed, REMOVED_FROM_CONFIG],
        );
        return { added, removed };
      }),

    async add(spec: FeedSpec, origin: FeedOrigin, now: number, guildId: string | null = null): Promise<AddFeedResult> {
      const added = await insert(db, spec, origin, origin === 'user' ? guildId : null, now);
      return { kind: added > 0 ? 'added' : 'exists', feed: (await one(db, 'url = $1', [spec.url])) as FeedRow };
    },

    remove: (id: number): Promise<RemoveFeedResult> =>
      db.atomic(async (tx) => {
        const row = await one(tx, 'id = $1', [id]);
        if (!row) return 'unknown';
        if (row.origin === 'config') return 'config';
        // A story the deleted feed published first but other feeds carry too stays, under one of them.
        await tx.execute(
          `UPDATE items SET feed_id = (SELECT f.feed_id FROM item_feeds f WHERE f.item_id = items.id AND f.feed_id <> $1 ORDER BY f.feed_id LIMIT 1)
           WHERE feed_id = $1 AND EXISTS (SELECT 1 FROM item_feeds f WHERE f.item_id = items.id AND f.feed_id <> $1)`,
          [id],
        );
        await tx.execute(`DELETE FROM feeds WHERE id = $1`, [id]);
        return 'deleted';
      }),

    recordPoll: (feedId: number, update: FeedPollUpdate): Promise<{ movedTo: string | null }> =>
      db.atomic(async (tx) => {
        if (update.kind === 'error') {
          await tx.execute(
            `UPDATE feeds SET status = $2, next_due_at = $3, last_polled_at = $4, last_http_status = $5,
               consecutive_errors = consecutive_errors + 1, last_error_kind = $6, last_error_message = $7, last_error_at = $4
             WHERE id = $1 AND status <> 'disabled'`,
            [feedId, update.status, update.nextDueAt, update.at, update.http, update.errorKind, update.message],
          );
          return { movedTo: null };
        }
        const movedTo = update.movedTo ?? null;
        await tx.execute(
          update.kind === 'success'
            ? `UPDATE feeds SET status = 'active', etag = $2, last_modified = $3, next_due_at = $4, last_polled_at = $5,
                 last_success_at = $5, last_http_status = $6, consecutive_errors = 0
               WHERE id = $1 AND status <> 'disabled'`
            : `UPDATE feeds SET status = 'active', etag = COALESCE($2, etag), last_modified = COALESCE($3, last_modified),
                 next_due_at = $4, last_polled_at = $5, last_success_at = $5, last_http_status = 304, consecutive_errors = 0
               WHERE id = $1 AND status <> 'disabled'`,
          [feedId, update.etag, update.lastModified, update.nextDueAt, update.at, ...(update.kind === 'success' ? [update.http] : [])],
        );
        // Counts polls in a row that were permanently redirected to the same place; any other poll starts over.
        await tx.execute(
          `UPDATE feeds SET moved_seen = CASE WHEN $2::text IS NULL THEN 0 WHEN moved_to = $2::text THEN moved_seen + 1 ELSE 1 END,
             moved_to = $2::text
           WHERE id = $1 AND ($2::text IS NOT NULL OR moved_to IS NOT NULL)`,
          [feedId, movedTo],
        );
        // Same row, so the same identity, health and items; never onto a URL another feed already has.
        const moved = await tx.execute(
          `UPDATE feeds SET original_url = COALESCE(original_url, url), url = moved_to, moved_to = NULL, moved_seen = 0
           WHERE id = $1 AND moved_seen >= $2 AND NOT EXISTS (SELECT 1 FROM feeds other WHERE other.url = feeds.moved_to)`,
          [feedId, MOVE_AFTER_POLLS],
        );
        return { movedTo: moved > 0 ? movedTo : null };
      }),
  };
}
