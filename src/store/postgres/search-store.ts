import type { LatestInclude, PageRequest, SearchFilters, SearchHit, SearchPage, ThemeCounts } from '../../core/search.js';
import { queryWords } from '../../core/search-query.js';
import type { ThemeId } from '../../core/themes.js';
import type { PgSession } from './pg-session.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/**
 * What a person typed as a to_tsquery text that cannot be a syntax error: every word quoted (all
 * must match), the last one also as a prefix while they are typing. Words hold only letters, marks
 * and digits (search-query.ts), so no quote can end one early. Accents and case are folded in SQL,
 * as the search column folds them.
 */
export function toTsQueryText(query: string): string | null {
  return queryWords(query)?.map(({ word, prefix }) => `'${word}'${prefix ? ':*' : ''}`).join(' & ') ?? null;
}

const HIT_COLUMNS = `items.id, items.title, items.url, items.source, feeds.name AS "feedName", items.language,
  items.published_at AS "publishedAt"`;

// ts_rank's weights are {D, C, B, A}: titles (A) weigh 4× summaries (D), as in the SQLite path. Normalization 1
// divides by 1 + log(length), so a word in a short headline counts for more, as bm25's length term makes it.
// Relevance shrinks with age: a fresh match ranks above an old one of equal relevance (search-store.ts of SQLite).
const SCORE = `ts_rank('{0.25, 0.2, 0.4, 1.0}', items.search, q.query, 1) / (1.0 + GREATEST(0, $2::bigint - items.published_at) / ${WEEK}.0)`;

/** Full-text search on the items' tsvector column and its GIN index (see SearchRepository in core/search.ts). */
export function createPgSearchStore(db: PgSession) {
  return {
    async search(query: string, filters: SearchFilters, page: PageRequest, now: number): Promise<SearchPage> {
      const text = toTsQueryText(query);
      if (text === null) return { hits: [], more: false };
      const params: unknown[] = [text, now, page.limit + 1, page.offset];
      const clauses = ['items.search @@ q.query'];
      const bind = (value: unknown) => `$${params.push(value)}`;
      let from = 'items';
      if (filters.days !== undefined) {
        const since = now - filters.days * DAY;
        clauses.push(`items.published_at >= ${bind(since)}::bigint`);
        // A window of days holds few ids: bounding them spares the GIN index's whole list for a common
        // word, and lets a theme's own index, read from the window's first id, drive the query.
        const [first] = await db.query<{ id: string | null }>(
          // OFFSET 0 keeps the planner from walking the primary key for MIN (a second at 1M items).
          `SELECT MIN(id) AS id FROM (SELECT id FROM items WHERE published_at >= $1 OFFSET 0) window_ids`,
          [since],
        );
        if (!first?.id) return { hits: [], more: false };
        clauses.push(`items.id >= ${bind(first.id)}::bigint`);
        if (filters.theme) {
          from = 'item_themes t JOIN items ON items.id = t.item_id';
          clauses.push(`t.theme = ${bind(filters.theme)}`, `t.item_id >= ${bind(first.id)}::bigint`);
        }
      }
      if (filters.language) clauses.push(`items.language = ${bind(filters.language)}`);
      if (filters.theme && from === 'items') clauses.push(`EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = items.id AND t.theme = ${bind(filters.theme)})`);
      const rows = await db.query<SearchHit>(
        `SELECT ${HIT_COLUMNS}
         FROM (SELECT to_tsquery('simple', sancocho_unaccent($1)) AS query) q, ${from} JOIN feeds ON feeds.id = items.feed_id
         WHERE ${clauses.join(' AND ')}
         ORDER BY ${SCORE} DESC, items.id DESC LIMIT $3 OFFSET $4`,
        params,
      );
      return { hits: rows.slice(0, page.limit), more: rows.length > page.limit };
    },

    async latest(count: number, theme?: ThemeId, include: LatestInclude = 'on-topic'): Promise<SearchHit[]> {
      const newest = `ORDER BY items.published_at DESC, items.id DESC LIMIT $1`;
      if (theme) {
        return db.query<SearchHit>(
          `SELECT ${HIT_COLUMNS} FROM item_themes t JOIN items ON items.id = t.item_id JOIN feeds ON feeds.id = items.feed_id
           WHERE t.theme = $2 ${newest}`,
          [count, theme],
        );
      }
      return db.query<SearchHit>(
        include === 'all'
          ? `SELECT ${HIT_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id JOIN classifications c ON c.item_id = items.id ${newest}`
          : `SELECT ${HIT_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id
             WHERE EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = items.id) ${newest}`,
        [count],
      );
    },

    async themeCounts(now: number): Promise<ThemeCounts> {
      const rows = await db.query<{ theme: ThemeId; day: number; week: number }>(
        `SELECT t.theme, COUNT(*) FILTER (WHERE items.published_at >= $1) AS day, COUNT(*) AS week
         FROM item_themes t JOIN items ON items.id = t.item_id
         WHERE items.published_at >= $2 GROUP BY t.theme`,
        [now - DAY, now - WEEK],
      );
      return new Map(rows.map((row) => [row.theme, { day: row.day, week: row.week }]));
    },
  };
}
