import type { Database } from 'better-sqlite3';
import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';

const DAY = 86_400_000;

export interface SearchFilters {
  theme?: ThemeId | undefined;
  /** Only items published in the last `days` days. */
  days?: number | undefined;
  language?: Language | undefined;
}

export interface SearchHit {
  id: number;
  title: string;
  url: string | null;
  source: string | null;
  feedName: string;
  language: Language;
  publishedAt: number;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Whether another page follows this one. */
  more: boolean;
}

/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error: every word becomes a
 * quoted term (all must match), and the last one also matches as a prefix while they are typing.
 * Accents need no care here: the index and the query are folded by the same tokenizer.
 */
export function toMatchExpression(query: string): string | null {
  // A combining accent belongs to its word ("i" + U+0301 in "política"); the tokenizer folds it away.
  const words = query.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu);
  if (!words) return null;
  return words
    .slice(0, 12)
    .map((word, index, all) => `"${word}"${index === all.length - 1 && word.length >= 3 ? '*' : ''}`)
    .join(' ');
}

const HIT_COLUMNS = `items.id, items.title, items.url, items.source, feeds.name AS feedName, items.language,
  items.published_at AS publishedAt`;

export function createSearchStore(db: Database) {
  // The smallest id published inside the window bounds the FTS scan cheaply (FEEDS-FACTS). MIN over
  // the covering published_at index, not "the earliest-published item's id": a backlog stored later
  // has high ids and old dates, and must not hide fresher items stored before it.
  const firstIdSince = db.prepare(`SELECT MIN(id) AS id FROM items INDEXED BY items_published WHERE published_at >= ?`);
  const maxId = db.prepare(`SELECT COALESCE(MAX(id), 0) + 1 AS id FROM items`);
  // One statement per combination of filters, prepared on first use.
  const statements = new Map<string, ReturnType<Database['prepare']>>();
  const statement = (where: string) => {
    let prepared = statements.get(where);
    if (!prepared) {
      prepared = db.prepare(
        `SELECT ${HIT_COLUMNS}
         FROM items_fts JOIN items ON items.id = items_fts.rowid JOIN feeds ON feeds.id = items.feed_id
         WHERE ${where}
         ORDER BY bm25(items_fts, 4.0, 1.0) / (1.0 + MAX(0, @now - items.published_at) / ${7 * DAY}.0), items.id DESC
         LIMIT @limit OFFSET @offset`,
      );
      statements.set(where, prepared);
    }
    return prepared;
  };

  function search(query: string, filters: SearchFilters, page: { offset: number; limit: number }, now = Date.now()): SearchPage {
    const match = toMatchExpression(query);
    if (match === null) return { hits: [], more: false };
    const since = filters.days === undefined ? null : now - filters.days * DAY;
    const fromId = since === null ? 0 : ((firstIdSince.get(since) as { id: number | null }).id ?? (maxId.get() as { id: number }).id);
    const clauses = ['items_fts MATCH @match', 'items_fts.rowid >= @fromId'];
    if (since !== null) clauses.push('items.published_at >= @since');
    if (filters.language) clauses.push('items.language = @language');
    if (filters.theme) clauses.push('EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = items.id AND t.theme = @theme)');
    // bm25 is negative (better is lower); shrinking it with age ranks a fresh match above an old one
    // of equal relevance, while a far better old match still wins. Titles weigh 4× summaries.
    const rows = statement(clauses.join(' AND '))
      .all({
        match,
        fromId,
        since,
        language: filters.language,
        theme: filters.theme,
        now,
        limit: page.limit + 1,
        offset: page.offset,
      }) as SearchHit[];
    return { hits: rows.slice(0, page.limit), more: rows.length > page.limit };
  }

  const latestAll = db.prepare(
    `SELECT ${HIT_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id
     JOIN classifications c ON c.item_id = items.id
     ORDER BY items.published_at DESC, items.id DESC LIMIT ?`,
  );
  const latestOnTopic = db.prepare(
    `SELECT ${HIT_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id
     WHERE EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = items.id)
     ORDER BY items.published_at DESC, items.id DESC LIMIT ?`,
  );
  const latestTheme = db.prepare(
    `SELECT ${HIT_COLUMNS} FROM item_themes t JOIN items ON items.id = t.item_id JOIN feeds ON feeds.id = items.feed_id
     WHERE t.theme = ? ORDER BY items.published_at DESC, items.id DESC LIMIT ?`,
  );
  const themeCounts = db.prepare(
    `SELECT t.theme, SUM(items.published_at >= @day) AS day, COUNT(*) AS week
     FROM item_themes t JOIN items ON items.id = t.item_id
     WHERE items.published_at >= @week GROUP BY t.theme`,
  );

  return {
    search,
    /**
     * The newest items of one theme; without a theme, the newest on any theme (`on-topic`) or every
     * classified item, off-topic ones (sport, weather…) included (`all`).
     */
    latest(count: number, theme?: ThemeId, include: 'on-topic' | 'all' = 'on-topic'): SearchHit[] {
      if (theme) return latestTheme.all(theme, count) as SearchHit[];
      return (include === 'all' ? latestAll.all(count) : latestOnTopic.all(count)) as SearchHit[];
    },
    /** Items per theme published in the last 24 hours and 7 days. */
    themeCounts(now = Date.now()): Map<ThemeId, { day: number; week: number }> {
      const rows = themeCounts.all({ day: now - DAY, week: now - 7 * DAY }) as { theme: ThemeId; day: number; week: number }[];
      return new Map(rows.map((row) => [row.theme, { day: row.day, week: row.week }]));
    },
  };
}

export type SearchStore = ReturnType<typeof createSearchStore>;
