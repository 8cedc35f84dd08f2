import { isDeepStrictEqual } from 'node:util';
import type { Pool } from 'pg';
import { openMigratedPool } from '../store/postgres/open-postgres-store.js';
import { poolSession } from '../store/postgres/pg-session.js';
import { createPgSearchStore } from '../store/postgres/search-store.js';
import { createBenchSchema } from './bench-schema.js';
import { createTextGenerator } from './sample-text.js';
import { QUERIES, SEEDED, SEED_SPACING_MS, timeQueries, type Latency } from './search-bench.js';
import { FILTERED } from './search-filter.js';
import { significant } from './stats.js';

export interface PgSearchFigure {
  items: number;
  /** Time to generate and store the items added for this size, the GIN index rebuilt (fixture building, not measured below). */
  loadSeconds: number;
  queries: number;
  plain: Latency;
  filtered: Latency;
  /** The old path, ranking every match, in the same run. */
  fullScan: { plain: Latency; filtered: Latency };
  /** Whether both paths gave the same first page for every query. */
  sameAnswers: boolean;
}

/**
 * Figure 4 on PostgreSQL: the same generated items as the SQLite store (same texts, ids, feeds and
 * times), in a schema of the bench's own on `postgresUrl`, dropped at the end; the same queries
 * through the PostgreSQL search store.
 */
export async function pgSearchBench(options: { sizes: number[]; repetitions: number; postgresUrl: string }): Promise<PgSearchFigure[]> {
  const schema = await createBenchSchema(options.postgresUrl);
  try {
    const { pool } = await openMigratedPool(schema.url, { max: 2 });
    try {
      const search = createPgSearchStore(poolSession(pool));
      const grow = await createPgSeeder(pool);
      const figures: PgSearchFigure[] = [];
      for (const size of [...options.sizes].sort((a, b) => a - b)) {
        const started = performance.now();
        const now = await grow(size);
        const loadSeconds = (performance.now() - started) / 1000;
        figures.push({
          items: size,
          loadSeconds: significant(loadSeconds, 2),
          queries: QUERIES.length * options.repetitions,
          plain: await timeQueries(search.search, {}, now, options.repetitions),
          filtered: await timeQueries(search.search, FILTERED, now, options.repetitions),
          fullScan: {
            plain: await timeQueries(search.searchFullScan, {}, now, options.repetitions),
            filtered: await timeQueries(search.searchFullScan, FILTERED, now, options.repetitions),
          },
          sameAnswers: await sameAnswers(search, now),
        });
      }
      return figures;
    } finally {
      await pool.end();
    }
  } finally {
    await schema.drop();
  }
}

/** Whether the progressive search and the full scan give the same first page for every query, with and without filters. */
async function sameAnswers(search: ReturnType<typeof createPgSearchStore>, now: number): Promise<boolean> {
  const page = { offset: 0, limit: 10 };
  for (const filters of [{}, FILTERED]) {
    for (const query of QUERIES) {
      if (!isDeepStrictEqual(await search.search(query, filters, page, now), await search.searchFullScan(query, filters, page, now))) return false;
    }
  }
  return true;
}

/**
 * Fills the schema with generated items up to a size and returns the "now" at its newest item. Each
 * batch is one multi-row statement (arrays unnested server-side), the GIN index is dropped while
 * filling and built once after, then the planner's statistics are refreshed.
 */
async function createPgSeeder(pool: Pool): Promise<(size: number) => Promise<number>> {
  const { start } = SEEDED;
  await pool.query(
    `INSERT INTO feeds (id, url, name, origin, created_at)
     SELECT n, 'https://news.example/feed/' || n || '.xml', 'Feed ' || n, 'config', $2 FROM generate_series(1, $1::int) n`,
    [SEEDED.feeds, start],
  );
  const text = createTextGenerator(SEEDED.seed);
  let count = 0;
  return async (size) => {
    const client = await pool.connect();
    try {
      await client.query(`SET maintenance_work_mem = '256MB'`);
      await client.query(`DROP INDEX IF EXISTS items_search`);
      while (count < size) {
        const until = Math.min(size, count + SEEDED.batch);
        const ids: number[] = [], titles: string[] = [], summaries: string[] = [], languages: string[] = [];
        const themeItems: number[] = [], themes: string[] = [];
        for (; count < until; count++) {
          const item = text.item();
          ids.push(count + 1);
          titles.push(item.title);
          summaries.push(item.summary);
          languages.push(item.language);
          for (const theme of item.themes) {
            themeItems.push(count + 1);
            themes.push(theme);
          }
        }
        // Item n (id n + 1) as SQLite's seeder writes it: feed n % FEEDS + 1, published at start + n × spacing.
        await client.query(
          `INSERT INTO items (id, feed_id, guid, url, canonical_url, title, title_key, summary, language, source, source_key,
             published_at, dated, content_hash, backlog, fetched_at, updated_at)
           SELECT v.id, f.feed, 'g' || (v.id - 1), f.url, f.url, v.title, '', v.summary, v.language, NULL, 'feed:' || f.feed,
             f.at, true, 'g' || (v.id - 1), false, f.at, f.at
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS v (id, title, summary, language),
             LATERAL (SELECT (v.id - 1) % ${SEEDED.feeds} + 1 AS feed,
               'https://news.example/' || ((v.id - 1) % ${SEEDED.feeds} + 1) || '/' || (v.id - 1) AS url,
               round($5::float8 + (v.id - 1) * $6::float8)::bigint AS at) f`,
          [ids, titles, summaries, languages, start, SEED_SPACING_MS],
        );
        await client.query(`INSERT INTO item_themes (item_id, theme, score) SELECT * , 0.8 FROM unnest($1::bigint[], $2::text[])`, [themeItems, themes]);
      }
      await client.query(`CREATE INDEX items_search ON items USING gin (search)`);
      await client.query(`ANALYZE items; ANALYZE item_themes`);
    } finally {
      client.release();
    }
    return Math.round(start + count * SEED_SPACING_MS);
  };
}
