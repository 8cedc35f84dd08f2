import type { Database } from 'better-sqlite3';
import type { SaveCounts, StoredItem } from '../core/item.js';
import type { NormalizedItem } from '../core/types.js';

/**
 * The key a feed gives an entry: its guid, unless the feed repeats guids (then guid + URL, as
 * miniflux does), else its URL, else its headline.
 */
export function entryKeys(items: NormalizedItem[]): string[] {
  const guidCounts = new Map<string, number>();
  for (const item of items) if (item.guid) guidCounts.set(item.guid, (guidCounts.get(item.guid) ?? 0) + 1);
  return items.map((item) => {
    if (item.guid && guidCounts.get(item.guid) === 1) return `guid:${item.guid}`;
    if (item.guid && item.canonicalUrl) return `guid:${item.guid}|${item.canonicalUrl}`;
    if (item.canonicalUrl) return `url:${item.canonicalUrl}`;
    return `title:${item.titleKey}`;
  });
}

/** Headlines are compared within one source: the outlet an aggregator names, else the feed. */
export function sourceKey(feedId: number, item: Pick<NormalizedItem, 'source'>): string {
  return item.source ? `outlet:${item.source.trim().toLowerCase()}` : `feed:${feedId}`;
}

const ITEM_COLUMNS = `id, feed_id AS feedId, guid, url, canonical_url AS canonicalUrl, title, summary, language, source,
  published_at AS publishedAt, backlog, content_hash AS contentHash, fetched_at AS fetchedAt`;

export function createItemStore(db: Database) {
  const byEntryKey = db.prepare(
    `SELECT items.id, items.content_hash AS contentHash, items.feed_id AS feedId
     FROM item_feeds JOIN items ON items.id = item_feeds.item_id
     WHERE item_feeds.feed_id = ? AND item_feeds.entry_key = ?`,
  );
  const byCanonicalUrl = db.prepare(`SELECT id FROM items WHERE canonical_url = ?`);
  const bySourceTitle = db.prepare(`SELECT id FROM items WHERE source_key = ? AND title_key = ? LIMIT 1`);
  const insertItem = db.prepare(
    `INSERT INTO items (feed_id, guid, url, canonical_url, title, title_key, summary, language, source, source_key,
       published_at, dated, content_hash, backlog, fetched_at, updated_at)
     VALUES (@feedId, @guid, @url, @canonicalUrl, @title, @titleKey, @summary, @language, @source, @sourceKey,
       @publishedAt, @dated, @contentHash, @backlog, @fetchedAt, @fetchedAt)`,
  );
  const linkEntry = db.prepare(
    `INSERT OR IGNORE INTO item_feeds (feed_id, entry_key, item_id, first_seen_at) VALUES (?, ?, ?, ?)`,
  );
  // The canonical URL may now collide with another stored item (a feed fixed its link); keep the old URL then.
  const updateItem = db.prepare(
    `UPDATE items SET title = @title, title_key = @titleKey, summary = @summary, content_hash = @contentHash,
       url = COALESCE(@url, url),
       canonical_url = CASE WHEN @canonicalUrl IS NULL OR EXISTS (SELECT 1 FROM items o WHERE o.canonical_url = @canonicalUrl AND o.id != @id)
         THEN canonical_url ELSE @canonicalUrl END,
       updated_at = @fetchedAt
     WHERE id = @id`,
  );
  // The ids inserted by one call are consecutive (max + 1 each, nothing else writes in between).
  const indexText = db.prepare(`INSERT INTO items_fts (rowid, title, summary) SELECT id, title, summary FROM items WHERE id BETWEEN ? AND ?`);
  const getById = db.prepare(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`);
  const count = db.prepare(`SELECT COUNT(*) AS n FROM items`);
  const countForFeed = db.prepare(`SELECT COUNT(*) AS n FROM item_feeds WHERE feed_id = ?`);

  /**
   * Stores one feed's entries. The caller wraps this and the feed's state update in one transaction,
   * so an ETag is never saved without the items it describes.
   */
  function saveFeedItems(
    feedId: number,
    items: NormalizedItem[],
    options: { fetchedAt: number; backlog: boolean },
  ): SaveCounts {
    const counts: SaveCounts = { new: 0, updated: 0, duplicate: 0 };
    const keys = entryKeys(items);
    let firstNewId: number | undefined;
    let lastNewId = 0;
    items.forEach((item, index) => {
      const entryKey = keys[index] as string;
      const known = byEntryKey.get(feedId, entryKey) as { id: number; contentHash: string; feedId: number } | undefined;
      if (known) {
        // Only the feed that first published an item may rewrite it; another feed's copy is a duplicate.
        if (known.contentHash !== item.contentHash && known.feedId === feedId) {
          updateItem.run({ id: known.id, ...item, fetchedAt: options.fetchedAt });
          counts.updated++;
        } else counts.duplicate++;
        return;
      }
      const sameStory =
        (item.canonicalUrl ? (byCanonicalUrl.get(item.canonicalUrl) as { id: number } | undefined) : undefined) ??
        (bySourceTitle.get(sourceKey(feedId, item), item.titleKey) as { id: number } | undefined);
      if (sameStory) {
        linkEntry.run(feedId, entryKey, sameStory.id, options.fetchedAt);
        counts.duplicate++;
        return;
      }
      const { lastInsertRowid } = insertItem.run({
        feedId,
        guid: item.guid,
        url: item.url,
        canonicalUrl: item.canonicalUrl,
        title: item.title,
        titleKey: item.titleKey,
        summary: item.summary,
        language: item.language,
        source: item.source,
        sourceKey: sourceKey(feedId, item),
        publishedAt: item.publishedAt,
        dated: item.dated ? 1 : 0,
        contentHash: item.contentHash,
        backlog: options.backlog ? 1 : 0,
        fetchedAt: options.fetchedAt,
      });
      lastNewId = Number(lastInsertRowid);
      firstNewId ??= lastNewId;
      linkEntry.run(feedId, entryKey, lastNewId, options.fetchedAt);
      counts.new++;
    });
    if (firstNewId !== undefined) indexText.run(firstNewId, lastNewId);
    return counts;
  }

  return {
    saveFeedItems,
    get: (id: number) => {
      const row = getById.get(id) as (Omit<StoredItem, 'backlog'> & { backlog: number }) | undefined;
      return row ? { ...row, backlog: row.backlog === 1 } : undefined;
    },
    count: () => (count.get() as { n: number }).n,
    countForFeed: (feedId: number) => (countForFeed.get(feedId) as { n: number }).n,
  };
}

export type ItemStore = ReturnType<typeof createItemStore>;
