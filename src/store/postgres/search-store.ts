import type { LatestInclude, PageRequest, SearchFilters, SearchHit, SearchPage, ThemeCounts } from '../../core/search.js';
import { queryWords } from '../../core/search-query.js';
import type { ThemeId } from '../../core/themes.js';
import type { PgSession } from './pg-session.js';
import { BLOCK_BITS, SPREAD_STARTS, blockCeiling, olderCeilings, type QueryShape, type SearchBlock } from './search-ceiling.js';

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

/** Filters as SQL clauses on `items`, their parameters bound through `bind`. */
function filterClauses(filters: SearchFilters, since: number | undefined, bind: (value: unknown) => string): string[] {
  const clauses: string[] = [];
  if (since !== undefined) clauses.push(`items.published_at >= ${bind(since)}::bigint`);
  if (filters.language) clauses.push(`items.language = ${bind(filters.language)}`);
  if (filters.theme) clauses.push(`EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = items.id AND t.theme = ${bind(filters.theme)})`);
  return clauses;
}

/** Ids a first window of the progressive search covers; each next one covers twice as many. */
const FIRST_WINDOW_BLOCKS = 2;
/**
 * Ranking a match found through the GIN index costs about this many rows read by id and matched one by
 * one: the progressive search ranks what is left through the index once the matches expected in the
 * whole store (the GIN index reads them all), times this, are fewer than the rows it may still have to
 * read (down to the first block whose ceiling the scores kept so far already beat).
 */
const INDEX_MATCH_COST = 4;
/** Ids up to this bound an open window (no item has one near it: ids stay below 2^53). */
const NO_ID_ABOVE = 2 ** 52;

interface RankedHit extends SearchHit {
  score: number;
  matches: number;
}

/** Orders like the full scan: best score first, the newer id first on a tie. */
const byRank = (a: RankedHit, b: RankedHit) => b.score - a.score || b.id - a.id;

/** Full-text search on the items' tsvector column and its GIN index (see SearchRepository in core/search.ts). */
export function createPgSearchStore(db: PgSession) {
  /**
   * One page ranked over every match (the full scan), or over those with ids below `below`: the GIN
   * index finds them, or with a date filter the window's ids and, with a theme, the theme's rows.
   */
  async function rankedPage(text: string, filters: SearchFilters, page: PageRequest, now: number, below?: number): Promise<RankedHit[]> {
    const params: unknown[] = [text, now, page.limit, page.offset];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const clauses = ['items.search @@ q.query'];
    let from = 'items';
    const since = filters.days === undefined ? undefined : now - filters.days * DAY;
    if (since !== undefined) {
      // A window of days holds few ids: bounding them spares the GIN index's whole list for a common
      // word, and lets a theme's own index, read from the window's first id, drive the query.
      const [first] = await db.query<{ id: string | null }>(
        // OFFSET 0 keeps the planner from walking the primary key for MIN (a second at 1M items).
        `SELECT MIN(id) AS id FROM (SELECT id FROM items WHERE published_at >= $1 OFFSET 0) window_ids`,
        [since],
      );
      if (!first?.id) return [];
      clauses.push(`items.id >= ${bind(first.id)}::bigint`);
      if (filters.theme) {
        from = 'item_themes t JOIN items ON items.id = t.item_id';
        clauses.push(`t.theme = ${bind(filters.theme)}`, `t.item_id >= ${bind(first.id)}::bigint`);
      }
    }
    if (below !== undefined) clauses.push(`items.id < ${bind(below)}::bigint`);
    clauses.push(...filterClauses(from === 'items' ? filters : { ...filters, theme: undefined }, since, bind));
    return db.query<RankedHit>(
      `SELECT ${HIT_COLUMNS}, ${SCORE} AS score, 0 AS matches
       FROM (SELECT to_tsquery('simple', sancocho_unaccent($1)) AS query) q, ${from} JOIN feeds ON feeds.id = items.feed_id
       WHERE ${clauses.join(' AND ')}
       ORDER BY score DESC, items.id DESC LIMIT $3 OFFSET $4`,
      params,
    );
  }

  /**
   * The best `limit` matches with ids in [from, to), read by id and matched row by row (no index: a
   * window is a short run of the primary key), and how many matched in all.
   */
  async function rankedWindow(text: string, filters: SearchFilters, now: number, limit: number, from: number, to: number): Promise<RankedHit[]> {
    const params: unknown[] = [text, now, limit, from, to];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const clauses = ['items.id >= $4::bigint', 'items.id < $5::bigint', 'ts_match_vq(items.search, q.query)', ...filterClauses(filters, undefined, bind)];
    return db.query<RankedHit>(
      `SELECT ${HIT_COLUMNS}, ${SCORE} AS score, count(*) OVER () AS matches
       FROM (SELECT to_tsquery('simple', sancocho_unaccent($1)) AS query) q, items JOIN feeds ON feeds.id = items.feed_id
       WHERE ${clauses.join(' AND ')}
       ORDER BY score DESC, items.id DESC LIMIT $3`,
      params,
    );
  }

  /**
   * The blocks' figures, newest first, and the query's shape (search-ceiling.ts) in the same statement:
   * the distinct lexemes of its words, and the shortest its last word folds to when that is a prefix;
   * with the planner's estimate of the items stored (-1 before any ANALYZE).
   */
  async function blocksFor(query: string): Promise<{ blocks: SearchBlock[]; shape: QueryShape; items: number }> {
    const words = queryWords(query) ?? [];
    const last = words.at(-1);
    const rows = await db.query<SearchBlock & QueryShape & { items: number }>(
      `SELECT block, newest_at AS "newestAt", fewest_lexemes AS "fewestLexemes", word_spread AS "wordSpread",
         ARRAY[${SPREAD_STARTS.map((start) => `spread_${start}`).join(', ')}] AS spreads,
         (SELECT COUNT(*) FROM unnest(to_tsvector('simple', sancocho_unaccent($1)))) AS lexemes,
         (SELECT MIN(char_length(lexeme)) FROM unnest(to_tsvector('simple', sancocho_unaccent($2)))) AS prefix,
         (SELECT reltuples FROM pg_class WHERE oid = 'items'::regclass) AS items
       FROM item_search_blocks ORDER BY block DESC`,
      [words.map(({ word }) => word).join(' '), last?.prefix ? last.word : ''],
    );
    const first = rows[0];
    return { blocks: rows, shape: { lexemes: first?.lexemes ?? 0, prefix: last?.prefix ? (first?.prefix ?? 0) : null }, items: first?.items ?? -1 };
  }

  const pageOf = (ranked: RankedHit[], page: PageRequest): SearchPage => ({
    hits: ranked.slice(page.offset, page.offset + page.limit).map(({ score: _score, matches: _matches, ...hit }) => hit),
    more: ranked.length > page.offset + page.limit,
  });

  /** The search as it was before it was progressive: every match ranked. Kept for the bench and the tests that compare both. */
  async function searchFullScan(query: string, filters: SearchFilters, page: PageRequest, now: number): Promise<SearchPage> {
    const text = toTsQueryText(query);
    if (text === null) return { hits: [], more: false };
    return pageOf(await rankedPage(text, filters, { offset: page.offset, limit: page.limit + 1 }, now), { offset: 0, limit: page.limit });
  }

  return {
    /**
     * Progressive search: windows of ids, newest first and twice as wide each time, ranked as the full
     * scan ranks them, until no older item can enter the page: item_search_blocks bounds the score of
     * every older block (search-ceiling.ts), and the search stops once the last item it keeps scores
     * above all of them. When matches are rare, what is left is ranked through the GIN index at once.
     * The same page as the full scan, ties and all (test/store/postgres/progressive-search.test.ts).
     */
    async search(query: string, filters: SearchFilters, page: PageRequest, now: number): Promise<SearchPage> {
      const text = toTsQueryText(query);
      if (text === null) return { hits: [], more: false };
      // A date filter bounds the ids already, and the full scan reads only the window's, through the
      // theme's rows when there is one: quicker than reading the window row by row (measured at 1M items).
      if (filters.days !== undefined) return searchFullScan(query, filters, page, now);
      const { blocks, shape, items } = await blocksFor(query);
      // A prefix folded to fewer than 3 characters may start any number of lexemes: no ceiling for it.
      if (blocks.length === 0 || (shape.prefix !== null && shape.prefix < 3)) return searchFullScan(query, filters, page, now);
      const older = olderCeilings(blocks.map((block) => blockCeiling(block, shape, now)));
      const keep = page.offset + page.limit + 1;
      const firstId = (block: number) => (blocks[block] as SearchBlock).block * 2 ** BLOCK_BITS;
      const highestId = firstId(0) + 2 ** BLOCK_BITS - 1;
      // Items per id: a window reads ids with gaps (rolled-back inserts, deleted items) quicker than its span says.
      const density = items > 0 ? Math.min(1, items / highestId) : 1;
      let best: RankedHit[] = [];
      let to = NO_ID_ABOVE;
      let next = 0;
      let span = FIRST_WINDOW_BLOCKS;
      let read = 0;
      let matched = 0;
      // The first block the search need not read, as far as the scores kept so far tell (older ceilings only fall).
      let stop = blocks.length;
      for (;;) {
        const last = Math.min(next + span, stop) - 1;
        const from = last === blocks.length - 1 ? 0 : firstId(last);
        const window = await rankedWindow(text, filters, now, keep, from, to);
        best = [...best, ...window].sort(byRank).slice(0, keep);
        read += Math.min(to, highestId + 1) - from;
        matched += window[0]?.matches ?? 0;
        next = last + 1;
        to = from;
        if (best.length === keep) {
          const worst = (best[keep - 1] as RankedHit).score;
          while (stop > next && (older[stop - 1] as number) < worst) stop--;
        }
        if (next >= stop) break;
        span *= 2;
        const rest = to - (stop === blocks.length ? 0 : firstId(stop - 1));
        if ((matched / read) * highestId * INDEX_MATCH_COST < rest * density) {
          best = [...best, ...(await rankedPage(text, filters, { offset: 0, limit: keep }, now, to))].sort(byRank).slice(0, keep);
          break;
        }
      }
      return pageOf(best, page);
    },

    searchFullScan,

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
