import type { Database } from 'better-sqlite3';
import type { KeyedItem, SavedItems, StoredItem } from '../../core/item.js';

const ITEM_COLUMNS = `id, feed_id AS feedId, guid, url, canonical_url AS canonicalUrl, title, summary, language, source,
  published_at AS publishedAt, backlog, content_hash AS contentHash, fetched_at AS fetchedAt`;

/** The stored items and the entries each feed gave (see ItemRepository in pipeline/ports.ts for the contract). */
export function createSqliteItemStore(db: Database) {
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

  function saveFeedItems(feedId: number, items: readonly KeyedItem[], options: { fetchedAt: number; backlog: boolean }): SavedItems {
    const saved: SavedItems = { new: 0, updated: 0, duplicate: 0, itemIds: [] };
    let firstNewId: number | undefined;
    let lastNewId = 0;
    for (const item of items) {
      const known = byEntryKey.get(feedId, item.entryKey) as { id: number; contentHash: string; feedId: number } | undefined;
      if (known) {
        // Only the feed that first published an item may rewrite it; another feed's copy is a duplicate.
        if (known.contentHash !== item.contentHash && known.feedId === feedId) {
          updateItem.run({
            id: known.id,
            title: item.title,
            titleKey: item.titleKey,
            summary: item.summary,
            contentHash: item.contentHash,
            url: item.url,
            canonicalUrl: item.canonicalUrl,
            fetchedAt: options.fetchedAt,
          });
          saved.updated++;
        } else saved.duplicate++;
        saved.itemIds.push(known.id);
        continue;
      }
      const sameStory =
        (item.canonicalUrl ? (byCanonicalUrl.get(item.canonicalUrl) as { id: number } | undefined) : undefined) ??
        (bySourceTitle.get(item.sourceKey, item.titleKey) as { id: number } | undefined);
      if (sameStory) {
        linkEntry.run(feedId, item.entryKey, sameStory.id, options.fetchedAt);
        saved.duplicate++;
        saved.itemIds.push(sameStory.id);
        continue;
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
        sourceKey: item.sourceKey,
        publishedAt: item.publishedAt,
        dated: item.dated ? 1 : 0,
        contentHash: item.contentHash,
        backlog: options.backlog ? 1 : 0,
        fetchedAt: options.fetchedAt,
      });
      lastNewId = Number(lastInsertRowid);
      firstNewId ??= lastNewId;
      linkEntry.run(feedId, item.entryKey, lastNewId, options.fetchedAt);
      saved.new++;
      saved.itemIds.push(lastNewId);
    }
    if (firstNewId !== undefined) indexText.run(firstNewId, lastNewId);
    return saved;
  }

  return {
    saveFeedItems: async (feedId: number, items: readonly KeyedItem[], options: { fetchedAt: number; backlog: boolean }) =>
      saveFeedItems(feedId, items, options),
    async get(id: number): Promise<StoredItem | undefined> {
      const row = getById.get(id) as (Omit<StoredItem, 'backlog'> & { backlog: number }) | undefined;
      return row ? { ...row, backlog: row.backlog === 1 } : undefined;
    },
    count: async () => (count.get() as { n: number }).n,
    countForFeed: async (feedId: number) => (countForFeed.get(feedId) as { n: number }).n,
  };
}
