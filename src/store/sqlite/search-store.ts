import type { Database } from 'better-sqlite3';
import type { LatestInclude, PageRequest, SearchFilters, SearchHit, SearchPage, ThemeCounts } from '../../core/search.js';
import { queryWords, type QueryWord } from '../../core/search-query.js';
import type { ThemeId } from '../../core/themes.js';

const DAY = 86_400_000;

/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error: every word becomes a
 * quoted term (all must match), and the last one also matches as a prefix while they are typing.
 * Accents need no care here: the index and the query are folded by the same tokenizer.
 */
export function toMatchExpression(query: string): string | null {
  return queryWords(query)?.map(({ word, prefix }) => `"${word}"${prefix ? '*' : ''}`).join(' ') ?? null;
}

/**
 * The indexed form of a word, only where it is certain to be what unicode61 (remove_diacritics 2)
 * stores: ASCII letters and digits, and the accented Latin-1 letters of Spanish and Portuguese.
 * Anything else answers null, which only makes the search bound below looser, never wrong.
 */
function indexedTerm(word: string): string | null {
  if (!/^[A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF]+$/.test(word)) return null;
  const folded = word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return /^[a-z0-9]+$/.test(folded) ? folded : null;
}

const HIT_COLUMNS = `items.id, items.title, items.url, items.source, feeds.name AS feedName, items.language,
  items.published_at AS publishedAt`;

const WEEK = 7 * DAY;
// bm25 is negative (better is lower); shrinking it with age ranks a fresh match above an old one
// of equal relevance, while a far better old match still wins. Titles weigh 4× summaries.
const SCORE = `bm25(items_fts, 4.0, 1.0) / (1.0 + MAX(0, @now - items.published_at) / ${WEEK}.0)`;
/**
 * FTS5's bm25 gives each phrase idf × f, where f = w(k1 + 1) / (w + k1(…)) stays below k1 + 1 = 2.2
 * whatever the term frequency, column weights or row length: the most any row can score per phrase.
 */
const BM25_CEILING = 2.2;
/** Margin on the stopping test, so that rounding in the bound can never stop the scan too soon. */
const ROUNDING = 1 + 1e-9;

/** How far a window may move forward and keep its first id: rows published in between are read and dropped. */
const WINDOW_REUSE = 3_600_000;
/** Queries whose words' row counts are kept between index changes (a bound on memory, not a tuning knob). */
const VOCABULARY_CACHE = 1000;

interface IndexedTerm {
  term: string;
  rows: number;
}

interface Ranked {
  id: number;
  score: number;
}

/** Orders like the full scan: best (lowest) score first, the newer id first on a tie. */
const ranksBefore = (a: Ranked, b: Ranked) => a.score < b.score || (a.score === b.score && a.id > b.id);

/** Full-text search on FTS5 (see SearchRepository in core/search.ts for the contract). */
export function createSqliteSearchStore(db: Database) {
  // The smallest id published inside the window bounds the FTS scan cheaply (FEEDS-FACTS). MIN over
  // the covering published_at index, not "the earliest-published item's id": a backlog stored later
  // has high ids and old dates, and must not hide fresher items stored before it.
  const firstIdSince = db.prepare(`SELECT MIN(id) AS id FROM items INDEXED BY items_published WHERE published_at >= ?`);
  const maxId = db.prepare(`SELECT COALESCE(MAX(id), 0) + 1 AS id FROM items`);
  // The index's vocabulary (a temp table: no migration). Reading how many rows hold a term walks that
  // term's whole list of rows, which costs about what ranking the query does, so what was read is kept
  // until the index changes: FTS5 rewrites its structure record (segments and a write counter) on
  // every write, which makes that record an exact version of the index.
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.items_fts_terms USING fts5vocab(main, items_fts, row)`);
  const termRows = db.prepare(`SELECT term, doc AS rows FROM temp.items_fts_terms WHERE term = ?`);
  const prefixRows = db.prepare(`SELECT term, doc AS rows FROM temp.items_fts_terms WHERE term >= ? AND term < ?`);
  const indexVersion = db.prepare(`SELECT block FROM items_fts_data WHERE id = 10`).pluck();
  const vocabulary = new Map<string, IndexedTerm[]>();
  let vocabularyOf: Buffer | undefined;
  /** The indexed terms a word matches (those it starts, for a prefix), with the rows holding each. */
  function termsOf(term: string, prefix: boolean): IndexedTerm[] {
    const version = indexVersion.get() as Buffer | undefined;
    if (version === undefined || vocabularyOf === undefined || !version.equals(vocabularyOf) || vocabulary.size >= VOCABULARY_CACHE) {
      vocabulary.clear();
      vocabularyOf = version;
    }
    const key = prefix ? `${term}*` : term;
    let terms = vocabulary.get(key);
    if (terms === undefined) {
      // Terms are ASCII here: those starting with the prefix sort before it with its last letter bumped.
      terms = (
        prefix ? prefixRows.all(term, term.slice(0, -1) + String.fromCharCode(term.charCodeAt(term.length - 1) + 1)) : termRows.all(term)
      ) as IndexedTerm[];
      vocabulary.set(key, terms);
    }
    return terms;
  }
  // The window's first id walks the date index over the whole window (0.6 ms for a week at 1M), so it
  // is kept while the index is unchanged and the window moves forward by less than WINDOW_REUSE: new
  // items get higher ids and stored dates never change, so the first id of an earlier window still
  // bounds a later one (a few ids lower than needed, whose rows the date clause then drops).
  const readFirstId = (since: number) => (firstIdSince.get(since) as { id: number | null }).id ?? (maxId.get() as { id: number }).id;
  let window: { version: Buffer; since: number; fromId: number } | undefined;
  function keptFirstId(since: number): number {
    const version = indexVersion.get() as Buffer | undefined;
    if (window !== undefined && version?.equals(window.version) && since >= window.since && since - window.since <= WINDOW_REUSE) {
      return window.fromId;
    }
    const fromId = readFirstId(since);
    window = version === undefined ? undefined : { version, since, fromId };
    return fromId;
  }
  // Whether an item stored before an id was published after a date. It walks the date index up from
  // that date, so it answers yes at the first entry when ids rise with time, and walks every newer
  // entry only to answer no, once, when the search stops (finding the newest date itself walks them all).
  const publishedAfter = db.prepare(
    `SELECT 1 FROM items INDEXED BY items_published WHERE published_at > @after AND id < @before LIMIT 1`,
  ).pluck();
  const hitById = db.prepare(`SELECT ${HIT_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id WHERE items.id = ?`);
  // Statements per combination of filters and per path, prepared on first use.
  const statements = new Map<string, ReturnType<Database['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const FROM = 'FROM items_fts JOIN items ON items.id = items_fts.rowid';
  const fullScan = (where: string) =>
    prepared(
      `SELECT ${HIT_COLUMNS} ${FROM} JOIN feeds ON feeds.id = items.feed_id WHERE ${where} ORDER BY ${SCORE}, items.id DESC LIMIT @limit OFFSET @offset`,
    );
  // Every item has its feed (a foreign key), so the feed's name is read only for the hits kept.
  const newestFirst = (where: string) =>
    prepared(`SELECT items_fts.rowid AS id, ${SCORE} AS score ${FROM} WHERE ${where} ORDER BY items_fts.rowid DESC`);

  function prepare(query: string, filters: SearchFilters, now: number, firstId: (since: number) => number) {
    const words = queryWords(query);
    if (words === null) return null;
    const since = filters.days === undefined ? null : now - filters.days * DAY;
    // FTS5 seeks to a rowid bound only when it is an INTEGER value; better-sqlite3 binds a JS number
    // as REAL, which FTS5 ignores, leaving SQLite to filter every match in the index (5 ms, not 0.7).
    const clauses = ['items_fts MATCH @match', 'items_fts.rowid >= CAST(@fromId AS INTEGER)'];
    if (since !== null) clauses.push('items.published_at >= @since');
    if (filters.language) clauses.push('items.language = @language');
    // Against the index's rowid, so that an item outside the theme is dropped before it is read.
    if (filters.theme) clauses.push('EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = items_fts.rowid AND t.theme = @theme)');
    const fromId = since === null ? 0 : firstId(since);
    const params = { match: toMatchExpression(query), fromId, since, language: filters.language, theme: filters.theme, now };
    return { words, where: clauses.join(' AND '), params };
  }

  /**
   * The most negative bm25 any row can have for these words: the ceiling per phrase times an idf
   * no smaller than FTS5's own, log((N − n + 0.5) / (n + 0.5)) with N no more than the largest id
   * and n no more than the rows holding the phrase (for a prefix, the rows of its commonest term).
   */
  function bm25Floor(words: QueryWord[]): number {
    const rows = (maxId.get() as { id: number }).id;
    let sum = 0;
    for (const { word, prefix } of words) {
      const term = indexedTerm(word);
      const holding = term === null ? 0 : Math.max(0, ...termsOf(term, prefix).map((indexed) => indexed.rows));
      sum += Math.max(1e-6, Math.log((rows - holding + 0.5) / (holding + 0.5)));
    }
    return -BM25_CEILING * sum;
  }

  /**
   * The query's FTS5 expression, with a prefix that starts exactly one indexed term written as that
   * term: the same rows, positions and idf, so the same bm25, without FTS5 merging a prefix's lists
   * over the whole index (most of a query's cost for a word being typed).
   */
  function progressiveMatch(words: QueryWord[]): string {
    return words
      .map(({ word, prefix }) => {
        const term = prefix ? indexedTerm(word) : null;
        const only = term === null ? [] : termsOf(term, true);
        return only.length === 1 ? `"${(only[0] as IndexedTerm).term}"` : `"${word}"${prefix ? '*' : ''}`;
      })
      .join(' ');
  }

  /** The old path, scoring every match in the window: kept to prove the progressive one equal and to bench both. */
  function searchFullScan(query: string, filters: SearchFilters, page: PageRequest, now: number): SearchPage {
    const plan = prepare(query, filters, now, readFirstId);
    if (plan === null) return { hits: [], more: false };
    const rows = fullScan(plan.where).all({ ...plan.params, limit: page.limit + 1, offset: page.offset }) as SearchHit[];
    return { hits: rows.slice(0, page.limit), more: rows.length > page.limit };
  }

  /**
   * The same page as the full scan, reading matches newest first and stopping as soon as no older
   * match can enter it: at doubling counts of rows read, it asks whether any item stored before was
   * published late enough for its best score (the bm25 floor shrunk by its age) to beat the worst
   * kept. Users read the first page, and recent items win ties of relevance.
   */
  function search(query: string, filters: SearchFilters, page: PageRequest, now: number): SearchPage {
    const plan = prepare(query, filters, now, keptFirstId);
    if (plan === null) return { hits: [], more: false };
    const wanted = page.offset + page.limit + 1;
    const floor = bm25Floor(plan.words);
    const kept: Ranked[] = [];
    let read = 0;
    let nextCheck = wanted;
    const params = { ...plan.params, match: progressiveMatch(plan.words) };
    for (const row of newestFirst(plan.where).iterate(params) as IterableIterator<Ranked>) {
      if (kept.length < wanted || ranksBefore(row, kept[kept.length - 1] as Ranked)) {
        let at = kept.length;
        while (at > 0 && ranksBefore(row, kept[at - 1] as Ranked)) at--;
        kept.splice(at, 0, { id: row.id, score: row.score });
        if (kept.length > wanted) kept.pop();
      }
      if (++read < nextCheck) continue;
      nextCheck *= 2;
      if (kept.length < wanted) continue;
      // An older row scores at best floor / (1 + age / WEEK): it cannot rank before the worst kept once
      // its age is at least this (always, when this is not positive).
      const worst = (kept[kept.length - 1] as Ranked).score;
      const age = worst < 0 ? WEEK * ((floor * ROUNDING) / worst - 1) : Infinity;
      if (age <= 0 || publishedAfter.get({ after: now - age, before: row.id }) === undefined) break;
    }
    const hits = kept.slice(page.offset, page.offset + page.limit).map((ranked) => hitById.get(ranked.id) as SearchHit);
    return { hits, more: kept.length > page.offset + page.limit };
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
    search: async (query: string, filters: SearchFilters, page: PageRequest, now: number) => search(query, filters, page, now),
    /** Not part of the port: what the bench and the tests compare the progressive search with. */
    searchFullScan: async (query: string, filters: SearchFilters, page: PageRequest, now: number) => searchFullScan(query, filters, page, now),
    async latest(count: number, theme?: ThemeId, include: LatestInclude = 'on-topic'): Promise<SearchHit[]> {
      if (theme) return latestTheme.all(theme, count) as SearchHit[];
      return (include === 'all' ? latestAll.all(count) : latestOnTopic.all(count)) as SearchHit[];
    },
    async themeCounts(now: number): Promise<ThemeCounts> {
      const rows = themeCounts.all({ day: now - DAY, week: now - 7 * DAY }) as { theme: ThemeId; day: number; week: number }[];
      return new Map(rows.map((row) => [row.theme, { day: row.day, week: row.week }]));
    },
  };
}
