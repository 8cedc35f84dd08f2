import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { openDatabase, type Database } from '../store/open-database.js';
import type { PageRequest, SearchFilters, SearchPage } from '../core/search.js';
import { createSqliteSearchStore } from '../store/sqlite/search-store.js';
import { writeTransaction } from '../store/write-transaction.js';
import { createTextGenerator } from './sample-text.js';
import { FILTERED } from './search-filter.js';
import { percentile, significant } from './stats.js';

export interface Latency {
  p50Ms: number;
  p95Ms: number;
  /** CPU time of this process per query, which a loaded machine inflates far less than wall time (for PostgreSQL, the client's share only). */
  cpuP50Ms: number;
  cpuP95Ms: number;
}

export interface SearchFigure {
  items: number;
  /** Time to generate and store the items added for this size (fixture building, not measured below). */
  loadSeconds: number;
  /** Timed queries per variant. */
  queries: number;
  /** The progressive search users get. */
  plain: Latency;
  /** With FILTERED: one theme and the last 7 days. */
  filtered: Latency;
  /** The old path, scoring every match, in the same run. */
  fullScan: { plain: Latency; filtered: Latency };
  /** Whether both paths gave the same first page for every query. */
  sameAnswers: boolean;
}

/** What people search for in this bot, in its three languages; the last word also matches as a prefix. */
export const QUERIES = ['mercosur', 'aranceles', 'narcolancha caribe', 'presos políticos', 'litio', 'inversiones chinas',
  'tarifas', 'lítio', 'deportações', 'tariffs brazil', 'chevron', 'drug boat'];

/**
 * The generated store, the same on every engine: about what 20 busy feeds bring in a day, from the
 * start of 2026; ids and publication times rise together, as in the bot. Item `n` (from 0) is the
 * n-th text of createTextGenerator(SEED), id n + 1, of feed n % FEEDS + 1.
 */
export const SEEDED = { itemsPerDay: 3000, feeds: 20, batch: 10_000, seed: 3, start: Date.UTC(2026, 0, 1) } as const;
const FEEDS = SEEDED.feeds;
const BATCH = SEEDED.batch;
export const SEED_SPACING_MS = 86_400_000 / SEEDED.itemsPerDay;

type SearchPath = (query: string, filters: SearchFilters, page: PageRequest, now: number) => Promise<SearchPage>;

/** p50 and p95, in wall and CPU time, of every query in QUERIES `repetitions` times, after one warm-up pass. */
export async function timeQueries(path: SearchPath, filters: SearchFilters, now: number, repetitions: number): Promise<Latency> {
  const page = { offset: 0, limit: 10 };
  for (const query of QUERIES) await path(query, filters, page, now);
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const query of QUERIES) {
      const cpu = process.cpuUsage();
      const at = performance.now();
      await path(query, filters, page, now);
      samples.push(performance.now() - at);
      const used = process.cpuUsage(cpu);
      cpuSamples.push((used.user + used.system) / 1000);
    }
  }
  return {
    p50Ms: significant(percentile(samples, 50)),
    p95Ms: significant(percentile(samples, 95)),
    cpuP50Ms: significant(percentile(cpuSamples, 50)),
    cpuP95Ms: significant(percentile(cpuSamples, 95)),
  };
}

/**
 * Figure 4: FTS queries through the search store at each size (ascending; the store grows from one
 * size to the next), p50 and p95 after one warm-up pass, without and with a theme and date filter,
 * for the progressive search and the full scan it replaced.
 */
export async function searchBench(options: { sizes: number[]; repetitions: number }): Promise<SearchFigure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-bench-search-'));
  const db = openDatabase(path.join(dir, 'search.db'));
  try {
    const grow = createSeeder(db);
    const search = createSqliteSearchStore(db);
    const figures: SearchFigure[] = [];
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      const started = performance.now();
      const now = grow(size);
      const loadSeconds = (performance.now() - started) / 1000;
      const page = { offset: 0, limit: 10 };
      const timed = (path: SearchPath, filters: SearchFilters) => timeQueries(path, filters, now, options.repetitions);
      figures.push({
        items: size,
        loadSeconds: significant(loadSeconds, 2),
        queries: QUERIES.length * options.repetitions,
        plain: await timed(search.search, {}),
        filtered: await timed(search.search, FILTERED),
        fullScan: { plain: await timed(search.searchFullScan, {}), filtered: await timed(search.searchFullScan, FILTERED) },
        sameAnswers: await sameAnswers(search, page, now),
      });
    }
    return figures;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the progressive search and the full scan give the same first page for every query, with and without filters. */
async function sameAnswers(search: ReturnType<typeof createSqliteSearchStore>, page: PageRequest, now: number): Promise<boolean> {
  for (const filters of [{}, FILTERED]) {
    for (const query of QUERIES) {
      if (!isDeepStrictEqual(await search.search(query, filters, page, now), await search.searchFullScan(query, filters, page, now))) return false;
    }
  }
  return true;
}

/**
 * Fills the store with generated items up to a size and returns the "now" at its newest item.
 * The rows go in directly, not through the item store, and the FTS index is rebuilt once after
 * them: the same index, two to three times faster to build.
 */
function createSeeder(db: Database): (size: number) => number {
  const { start } = SEEDED;
  const spacing = SEED_SPACING_MS;
  const addFeed = db.prepare(`INSERT INTO feeds (url, name, origin, created_at) VALUES (?, ?, 'config', ?)`);
  for (let feed = 1; feed <= FEEDS; feed++) addFeed.run(`https://news.example/feed/${feed}.xml`, `Feed ${feed}`, start);
  const insert = db.prepare(
    `INSERT INTO items (feed_id, guid, url, canonical_url, title, title_key, summary, language, source, source_key,
       published_at, dated, content_hash, backlog, fetched_at, updated_at)
     VALUES (@feedId, @guid, @url, @url, @title, '', @summary, @language, NULL, @sourceKey, @at, 1, @guid, 0, @at, @at)`,
  );
  const addTheme = db.prepare(`INSERT INTO item_themes (item_id, theme, score) VALUES (?, ?, 0.8)`);
  const text = createTextGenerator(SEEDED.seed);
  let count = 0;
  const fill = writeTransaction(db, (until: number) => {
    for (; count < until; count++) {
      const item = text.item();
      const feedId = (count % FEEDS) + 1;
      const { lastInsertRowid } = insert.run({
        feedId,
        guid: `g${count}`,
        url: `https://news.example/${feedId}/${count}`,
        title: item.title,
        summary: item.summary,
        language: item.language,
        sourceKey: `feed:${feedId}`,
        at: Math.round(start + count * spacing),
      });
      for (const theme of item.themes) addTheme.run(lastInsertRowid, theme);
    }
  });
  return (size) => {
    while (count < size) fill(Math.min(size, count + BATCH));
    db.exec(`INSERT INTO items_fts (items_fts) VALUES ('rebuild')`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return Math.round(start + count * spacing);
  };
}
