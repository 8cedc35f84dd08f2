import type { KeyedItem, SaveCounts, SavedItems, StoredItem } from '../../core/item.js';
import { LOCK_SPACE, lockKeys, type PgSession } from './pg-session.js';

const ITEM_COLUMNS = `id, feed_id AS "feedId", guid, url, canonical_url AS "canonicalUrl", title, summary, language, source,
  published_at AS "publishedAt", backlog, content_hash AS "contentHash", fetched_at AS "fetchedAt"`;

/** A stored item as dedupe compares it: who published it first and its wording. */
interface Known {
  id: number;
  contentHash: string;
  feedId: number;
}

/** What saving one feed's entries will write, decided in memory from what the store already holds. */
interface SavePlan {
  counts: SaveCounts;
  /** New items, in input order; a link names one by its index here until it has an id. */
  fresh: KeyedItem[];
  /** Rewordings by the feed that published the item first, by item id (the last one wins). */
  rewrites: Map<number, { item: KeyedItem; canonicalUrl: string | null }>;
  /** Entry keys to link: to a stored item id, or to the new item at `fresh` index. */
  links: { entryKey: string; target: ItemRef }[];
  /** The item each entry became or was recognised as, in input order. */
  items: ItemRef[];
}

/** A stored item by its id, or one of this save's new items by its index in `fresh`. */
type ItemRef = { id: number } | { fresh: number };

/** What makes two entries one story to the dedupe rules: a canonical URL, or a source and headline. */
const storyKeys = (items: readonly KeyedItem[]): string[] =>
  items.flatMap((item) => [...(item.canonicalUrl ? [`url\n${item.canonicalUrl}`] : []), `title\n${titleOf(item.sourceKey, item.titleKey)}`]);
const titleOf = (sourceKey: string, titleKey: string) => `${sourceKey}\n${titleKey}`;
const idOf = (ref: ItemRef, freshIds: readonly number[]) => ('id' in ref ? ref.id : (freshIds[ref.fresh] as number));

/**
 * The stored items and the entries each feed gave (see ItemRepository in pipeline/ports.ts for the
 * contract). A feed's entries cost a fixed number of statements, not one round trip per entry: what
 * the store holds for their keys is read at once, the rules are applied in memory in input order (an
 * entry may match one stored a moment earlier in the same batch, as when saved one by one), and the
 * new items, rewordings and links are each written in one statement. The search column is generated.
 */
export function createPgItemStore(db: PgSession) {
  async function plan(session: PgSession, feedId: number, items: readonly KeyedItem[]): Promise<SavePlan> {
    // One after another: a transaction's connection runs one query at a time (pg 9 refuses overlapping ones).
    const entries = await session.query<Known & { entryKey: string }>(
      `SELECT f.entry_key AS "entryKey", i.id, i.content_hash AS "contentHash", i.feed_id AS "feedId"
       FROM item_feeds f JOIN items i ON i.id = f.item_id WHERE f.feed_id = $1 AND f.entry_key = ANY ($2::text[])`,
      [feedId, items.map((item) => item.entryKey)],
    );
    const byUrl = await session.query<Known & { canonicalUrl: string }>(
      `SELECT id, content_hash AS "contentHash", feed_id AS "feedId", canonical_url AS "canonicalUrl" FROM items WHERE canonical_url = ANY ($1::text[])`,
      [items.flatMap((item) => (item.canonicalUrl ? [item.canonicalUrl] : []))],
    );
    // The first item stored under a source and headline, as SQLite's index walk finds it.
    const byTitle = await session.query<Known & { sourceKey: string; titleKey: string }>(
      `SELECT DISTINCT ON (i.source_key, i.title_key) i.id, i.content_hash AS "contentHash", i.feed_id AS "feedId",
         i.source_key AS "sourceKey", i.title_key AS "titleKey"
       FROM items i JOIN unnest($1::text[], $2::text[]) AS k (source_key, title_key) USING (source_key, title_key)
       ORDER BY i.source_key, i.title_key, i.id`,
      [items.map((item) => item.sourceKey), items.map((item) => item.titleKey)],
    );
    type Target = Known | { fresh: number; contentHash: string; feedId: number };
    const known = new Map<string, Target>(entries.map((row) => [row.entryKey, row]));
    const urls = new Map<string, Target>(byUrl.map((row) => [row.canonicalUrl, row]));
    const titles = new Map<string, Target>(byTitle.map((row) => [titleOf(row.sourceKey, row.titleKey), row]));
    const result: SavePlan = { counts: { new: 0, updated: 0, duplicate: 0 }, fresh: [], rewrites: new Map(), links: [], items: [] };
    const ref = (target: Target): ItemRef => ('fresh' in target ? { fresh: target.fresh } : { id: target.id });

    for (const item of items) {
      const entry = known.get(item.entryKey);
      if (entry) {
        // Only the feed that first published an item may rewrite it; another feed's copy is a duplicate.
        if (entry.contentHash !== item.contentHash && entry.feedId === feedId) {
          entry.contentHash = item.contentHash;
          if ('fresh' in entry) {
            // Stored a moment ago in this batch: the rewording goes into the row before it is written.
            const first = result.fresh[entry.fresh] as KeyedItem;
            const { title, titleKey, summary, contentHash } = item;
            result.fresh[entry.fresh] = { ...first, title, titleKey, summary, contentHash, url: item.url ?? first.url };
          } else {
            // The canonical URL may now be another item's (a feed fixed its link); the old one stays then.
            const holder = item.canonicalUrl ? urls.get(item.canonicalUrl) : undefined;
            const free = item.canonicalUrl !== null && (holder === undefined || ('id' in holder && holder.id === entry.id));
            if (free && item.canonicalUrl) urls.set(item.canonicalUrl, entry);
            result.rewrites.set(entry.id, { item, canonicalUrl: free ? item.canonicalUrl : null });
          }
          result.counts.updated++;
        } else result.counts.duplicate++;
        result.items.push(ref(entry));
        continue;
      }
      const sameStory = (item.canonicalUrl ? urls.get(item.canonicalUrl) : undefined) ?? titles.get(titleOf(item.sourceKey, item.titleKey));
      if (sameStory) {
        result.links.push({ entryKey: item.entryKey, target: ref(sameStory) });
        known.set(item.entryKey, sameStory);
        result.items.push(ref(sameStory));
        result.counts.duplicate++;
        continue;
      }
      const created: Target = { fresh: result.fresh.length, contentHash: item.contentHash, feedId };
      result.fresh.push(item);
      result.links.push({ entryKey: item.entryKey, target: ref(created) });
      result.items.push(ref(created));
      known.set(item.entryKey, created);
      if (item.canonicalUrl) urls.set(item.canonicalUrl, created);
      if (!titles.has(titleOf(item.sourceKey, item.titleKey))) titles.set(titleOf(item.sourceKey, item.titleKey), created);
      result.counts.new++;
    }
    return result;
  }

  /** Writes the plan and answers the new items' ids, in `fresh` order. */
  async function write(session: PgSession, feedId: number, planned: SavePlan, options: { fetchedAt: number; backlog: boolean }): Promise<number[]> {
    const { fresh, rewrites, links } = planned;
    if (rewrites.size > 0) {
      const rows = [...rewrites.entries()];
      await session.execute(
        `UPDATE items SET title = r.title, title_key = r.title_key, summary = r.summary, content_hash = r.content_hash,
           url = COALESCE(r.url, items.url), canonical_url = COALESCE(r.canonical_url, items.canonical_url), updated_at = $1
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS r (id, title, title_key, summary, content_hash, url, canonical_url)
         WHERE items.id = r.id`,
        [
          options.fetchedAt,
          rows.map(([id]) => id),
          rows.map(([, r]) => r.item.title),
          rows.map(([, r]) => r.item.titleKey),
          rows.map(([, r]) => r.item.summary),
          rows.map(([, r]) => r.item.contentHash),
          rows.map(([, r]) => r.item.url),
          rows.map(([, r]) => r.canonicalUrl),
        ],
      );
    }
    // Ids drawn first, in input order, so the links can name the new items and ids rise with input order.
    const ids =
      fresh.length === 0
        ? []
        : (
            await session.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('items', 'id')) AS id FROM generate_series(1, $1)`, [
              fresh.length,
            ])
          ).map((row) => row.id);
    if (fresh.length > 0) {
      const column = <T>(pick: (item: KeyedItem) => T) => fresh.map(pick);
      await session.execute(
        `INSERT INTO items (id, feed_id, guid, url, canonical_url, title, title_key, summary, language, source, source_key,
           published_at, dated, content_hash, backlog, fetched_at, updated_at)
         SELECT id, $1::bigint, guid, url, canonical_url, title, title_key, summary, language, source, source_key,
           published_at, dated, content_hash, $2::boolean, $3::bigint, $3::bigint
         FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
           $13::text[], $14::bigint[], $15::boolean[], $16::text[])
           AS n (id, guid, url, canonical_url, title, title_key, summary, language, source, source_key, published_at, dated, content_hash)`,
        [
          feedId,
          options.backlog,
          options.fetchedAt,
          ids,
          column((item) => item.guid),
          column((item) => item.url),
          column((item) => item.canonicalUrl),
          column((item) => item.title),
          column((item) => item.titleKey),
          column((item) => item.summary),
          column((item) => item.language),
          column((item) => item.source),
          column((item) => item.sourceKey),
          column((item) => item.publishedAt),
          column((item) => item.dated),
          column((item) => item.contentHash),
        ],
      );
    }
    if (links.length > 0) {
      await session.execute(
        `INSERT INTO item_feeds (feed_id, entry_key, item_id, first_seen_at) SELECT $1::bigint, *, $2::bigint FROM unnest($3::text[], $4::bigint[])
         ON CONFLICT DO NOTHING`,
        [feedId, options.fetchedAt, links.map((link) => link.entryKey), links.map((link) => idOf(link.target, ids))],
      );
    }
    return ids;
  }

  return {
    saveFeedItems: (feedId: number, items: readonly KeyedItem[], options: { fetchedAt: number; backlog: boolean }): Promise<SavedItems> =>
      db.atomic(async (tx) => {
        if (items.length === 0) return { new: 0, updated: 0, duplicate: 0, itemIds: [] };
        // Another worker may be saving the same story from another feed right now: whoever locks it
        // second plans after the first committed, so it finds the story and links to it.
        await lockKeys(tx, LOCK_SPACE.story, storyKeys(items));
        const planned = await plan(tx, feedId, items);
        const ids = await write(tx, feedId, planned, options);
        return { ...planned.counts, itemIds: planned.items.map((ref) => idOf(ref, ids)) };
      }),
    get: async (id: number): Promise<StoredItem | undefined> =>
      (await db.query<StoredItem>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = $1`, [id]))[0],
    count: async () => ((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM items`))[0] as { n: number }).n,
    countForFeed: async (feedId: number) =>
      ((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM item_feeds WHERE feed_id = $1`, [feedId]))[0] as { n: number }).n,
  };
}
