import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTextGenerator, seededRandom } from '../../src/bench/sample-text.js';
import type { NormalizedItem } from '../../src/core/types.js';
import { titleKey } from '../../src/feeds/normalize-item.js';
import { createSqliteClassificationStore } from '../../src/store/sqlite/classification-store.js';
import type { SearchFilters } from '../../src/core/search.js';
import { withDedupeKeys } from '../../src/pipeline/dedupe-keys.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteSearchStore } from '../../src/store/sqlite/search-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const NOW = Date.UTC(2026, 10, 29, 12);
const DAY = 86_400_000;
const ITEMS = 4000;

/**
 * A generated store whose dates do not simply follow the ids: most items arrive as published
 * (a spread of about 55 days), some are a backlog stored late with dates months old, a few carry a
 * date in the future (a feed with a wrong clock, unless told not to), and publication times jitter by
 * up to two days.
 */
async function generatedStore(db: Database, wrongClocks = true, count = ITEMS): Promise<string[]> {
  const random = seededRandom(17);
  const text = createTextGenerator(17);
  const { feeds, items } = createSqliteStore(db);
  const feedIds: number[] = [];
  for (const n of [1, 2, 3]) feedIds.push((await feeds.add({ url: `https://feed${n}.example/rss`, name: `Feed ${n}` }, 'config', 0)).feed.id);
  const classifications = createSqliteClassificationStore(db);
  const words = new Set<string>();
  for (let index = 0; index < count; index++) {
    const item = text.item();
    const arrival = NOW - (count - index) * 20 * 60_000;
    const roll = random();
    const publishedAt =
      roll < 0.05 ? arrival - (30 + random() * 170) * DAY : roll < 0.06 && wrongClocks ? NOW + 2 * DAY : arrival + (random() - 0.5) * 4 * DAY;
    const normalized: NormalizedItem = {
      guid: `g${index}`,
      url: `https://news.example/${index}`,
      canonicalUrl: `https://news.example/${index}`,
      title: item.title,
      titleKey: `${titleKey(item.title)} ${index}`,
      summary: item.summary,
      language: item.language,
      publishedAt: Math.round(publishedAt),
      dated: true,
      source: null,
      contentHash: `h${index}`,
    };
    const feedId = feedIds[index % 3] as number;
    expect((await items.saveFeedItems(feedId, withDedupeKeys(feedId, [normalized]), { fetchedAt: arrival, backlog: roll < 0.05 })).new).toBe(1);
    await classifications.save([
      {
        itemId: index + 1,
        contentHash: `h${index}`,
        source: 'offline',
        model: null,
        promptVersion: null,
        themes: item.themes,
        scores: Object.fromEntries(item.themes.map((theme) => [theme, 0.8])),
        evidence: {},
        reason: null,
        classifiedAt: arrival,
      },
    ]);
    if (index % 40 === 0) for (const word of item.title.split(' ')) words.add(word);
  }
  return [...words];
}

describe('progressive search', () => {
  let db: Database;
  let search: ReturnType<typeof createSqliteSearchStore>;
  let queries: string[];

  beforeAll(async () => {
    db = openDatabase(':memory:');
    const words = await generatedStore(db);
    search = createSqliteSearchStore(db);
    // Single words, words being typed (prefixes), pairs, and the bench's own queries.
    queries = [
      ...words.slice(0, 60),
      ...words.slice(0, 30).map((word) => word.slice(0, 3)),
      ...words.slice(0, 30).map((word, index) => `${word} ${words[(index * 7) % words.length]}`),
      'mercosur', 'presos políticos', 'Mercosul-União', 'lítio', 'drug boat', 'MERCOSUR', 'chine', 'x\u0301yz', 'ñ',
    ];
  });
  afterAll(() => db.close());

  const FILTERS: SearchFilters[] = [
    {},
    { theme: 'trade-tariffs' },
    { language: 'pt' },
    { days: 7 },
    { theme: 'trade-tariffs', days: 7 },
    { language: 'en', days: 30 },
    { theme: 'venezuela-crisis', language: 'es' },
  ];
  const PAGES = [
    { offset: 0, limit: 10 },
    { offset: 10, limit: 10 },
    { offset: 0, limit: 3 },
  ];

  it.each(FILTERS)('answers exactly the full scan’s pages, filters %j', async (filters) => {
    let withHits = 0;
    for (const query of queries) {
      for (const page of PAGES) {
        const expected = await search.searchFullScan(query, filters, page, NOW);
        expect(await search.search(query, filters, page, NOW), `${query} ${JSON.stringify(page)}`).toEqual(expected);
        if (expected.hits.length > 0) withHits++;
      }
    }
    // The comparison is not vacuous: most queries find something.
    expect(withHits).toBeGreaterThan(queries.length);
  });
});

describe('progressive search as the date window moves', () => {
  it('answers the full scan’s pages while it keeps the window’s first id from an earlier query', async () => {
    // Without future dates the window's first id follows its start (backlogs still break the order).
    const db = openDatabase(':memory:');
    const words = await generatedStore(db, false, 2000);
    const search = createSqliteSearchStore(db);
    const page = { offset: 0, limit: 10 };
    // The window's start moves by less, then by more, than the span for which its first id is kept, then back.
    for (const later of [0, 20 * 60_000, 50 * 60_000, 3 * 3_600_000, DAY, 0]) {
      for (const query of words.slice(0, 40)) {
        for (const filters of [{ days: 1 }, { theme: 'trade-tariffs', days: 2 }, { days: 3 }] as SearchFilters[]) {
          const expected = await search.searchFullScan(query, filters, page, NOW + later);
          expect(await search.search(query, filters, page, NOW + later), `${query} +${later} ${JSON.stringify(filters)}`).toEqual(expected);
        }
      }
    }
    db.close();
  });
});

describe('progressive search after the index changes', () => {
  it('sees words stored after an earlier query, though it keeps what it read of the index between queries', async () => {
    const db = openDatabase(':memory:');
    const { feeds, items } = createSqliteStore(db);
    const feedId = (await feeds.add({ url: 'https://feed.example/rss', name: 'Feed' }, 'config', 0)).feed.id;
    const search = createSqliteSearchStore(db);
    let stored = 0;
    const store = async (title: string) => {
      const index = stored++;
      const item: NormalizedItem = {
        guid: `g${index}`,
        url: `https://news.example/${index}`,
        canonicalUrl: `https://news.example/${index}`,
        title,
        titleKey: `${titleKey(title)} ${index}`,
        summary: '',
        language: 'es',
        publishedAt: NOW - DAY + index * 60_000,
        dated: true,
        source: null,
        contentHash: `h${index}`,
      };
      await items.saveFeedItems(feedId, withDedupeKeys(feedId, [item]), { fetchedAt: NOW, backlog: false });
    };
    for (let n = 0; n < 30; n++) await store(`Cumbre del Mercosur número ${n}`);
    const page = { offset: 0, limit: 10 };
    // "mercos" starts one word of the index here, then two once a Portuguese headline is stored.
    expect((await search.search('mercos', {}, page, NOW)).hits).toHaveLength(10);
    await store('Cúpula do Mercosul');
    const after = await search.search('mercos', {}, page, NOW);
    expect(after.hits[0]?.title).toBe('Cúpula do Mercosul');
    expect(after).toEqual(await search.searchFullScan('mercos', {}, page, NOW));
    db.close();
  });
});
