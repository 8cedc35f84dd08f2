import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThemeId } from '../../src/core/themes.js';
import type { NormalizedItem } from '../../src/core/types.js';
import { titleKey } from '../../src/feeds/normalize-item.js';
import { createSqliteClassificationStore } from '../../src/store/sqlite/classification-store.js';
import { createFeedStore } from '../../src/store/feed-store.js';
import { createItemStore } from '../../src/store/item-store.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSearchStore, toMatchExpression, type SearchStore } from '../../src/store/search-items.js';

const NOW = Date.UTC(2026, 10, 29, 12);
const DAY = 86_400_000;

describe('searching stored items', () => {
  let db: Database;
  let search: SearchStore;

  beforeAll(async () => {
    db = openDatabase(':memory:');
    const feed = createFeedStore(db).add({ url: 'https://a.example/rss', name: 'Diario A' }, 'config', 0);
    const items = createItemStore(db);
    const classifications = createSqliteClassificationStore(db);
    const entries: [title: string, language: NormalizedItem['language'], ageDays: number, themes: ThemeId[]][] = [
      ['União Europeia e Mercosul assinam acordo comercial', 'pt', 0.5, ['trade-tariffs', 'regional-integration']],
      ['Cumbre de la CELAC en Bogotá: integración regional', 'es', 2, ['regional-integration']],
      ['Elecciones en Venezuela: la oposición denuncia fraude', 'es', 3, ['venezuela-crisis']],
      ['Mercosur summit ends without a deal on tariffs', 'en', 20, ['trade-tariffs', 'regional-integration']],
      ['Eleições na Venezuela e a reação do Brasil', 'pt', 1.5, ['venezuela-crisis']],
      ['Fútbol: la selección gana en Montevideo', 'es', 0, []],
    ];
    for (const [index, [title, language, ageDays, themes]] of entries.entries()) {
      const saved = items.saveFeedItems(
        feed.id,
        [
          {
            guid: String(index),
            url: `https://a.example/${index}`,
            canonicalUrl: `https://a.example/${index}`,
            title,
            titleKey: titleKey(title),
            summary: '',
            language,
            publishedAt: NOW - ageDays * DAY,
            dated: true,
            source: null,
            contentHash: `h${index}`,
          },
        ],
        { fetchedAt: NOW, backlog: false },
      );
      expect(saved.new).toBe(1);
      await classifications.save([
        {
          itemId: index + 1,
          contentHash: `h${index}`,
          source: 'offline',
          model: null,
          promptVersion: null,
          themes,
          scores: Object.fromEntries(themes.map((theme) => [theme, 0.8])),
          evidence: {},
          reason: null,
          classifiedAt: NOW,
        },
      ]);
    }
    search = createSearchStore(db);
  });
  afterAll(() => db.close());

  const titles = (query: string, filters = {}, page = { offset: 0, limit: 10 }) =>
    search.search(query, filters, page, NOW).hits.map((hit) => hit.title);

  it('finds accented text with an unaccented query, and the other way round', () => {
    expect(titles('uniao europeia')).toEqual(['União Europeia e Mercosul assinam acordo comercial']);
    expect(titles('eleicoes')).toEqual(['Eleições na Venezuela e a reação do Brasil']);
    expect(titles('integracion')).toEqual(['Cumbre de la CELAC en Bogotá: integración regional']);
  });

  it('matches the last word as a prefix while the user types', () => {
    expect(titles('mercos')).toHaveLength(2);
    expect(titles('venez')).toHaveLength(2);
  });

  it('filters by theme, by language and by age', () => {
    expect(titles('venezuela', { theme: 'venezuela-crisis', language: 'pt' })).toEqual(['Eleições na Venezuela e a reação do Brasil']);
    expect(titles('mercosur', { days: 7 })).toEqual([]);
    expect(titles('mercosur', { days: 30 })).toEqual(['Mercosur summit ends without a deal on tariffs']);
    expect(titles('mercosur', { theme: 'china-latam' })).toEqual([]);
  });

  it('ranks an equally relevant newer item first', () => {
    expect(titles('venezuela')).toEqual([
      'Eleições na Venezuela e a reação do Brasil',
      'Elecciones en Venezuela: la oposición denuncia fraude',
    ]);
  });

  it('pages results and says whether more follow', () => {
    const first = search.search('venezuela', {}, { offset: 0, limit: 1 }, NOW);
    const second = search.search('venezuela', {}, { offset: 1, limit: 1 }, NOW);
    expect([first.more, second.more]).toEqual([true, false]);
    expect(first.hits[0]?.id).not.toBe(second.hits[0]?.id);
  });

  it.each(['"unbalanced', 'NEAR(', 'title:x OR', '*', '---', 'AND OR NOT'])('never fails on FTS syntax in the query: %s', (query) => {
    expect(() => search.search(query, {}, { offset: 0, limit: 10 }, NOW)).not.toThrow();
  });

  it('turns free text into quoted terms', () => {
    expect(toMatchExpression('Lula "y" Milei')).toBe('"Lula" "y" "Milei"*');
    expect(toMatchExpression('  ¿?  ')).toBeNull();
    // Combining accents stay in their word, composed where a composed letter exists.
    expect(toMatchExpression('poli\u0301tica pai\u0301s')).toBe('"política" "país"*');
    expect(toMatchExpression('x\u0301yz')).toBe('"x\u0301yz"*');
  });

  it('lists the newest items on a theme (or every classified one when asked), per theme, and counts per theme over 24 h and 7 days', () => {
    expect(search.latest(2).map((hit) => hit.title)).toEqual([
      'União Europeia e Mercosul assinam acordo comercial',
      'Eleições na Venezuela e a reação do Brasil',
    ]);
    expect(search.latest(2, undefined, 'all').map((hit) => hit.title)).toEqual([
      'Fútbol: la selección gana en Montevideo',
      'União Europeia e Mercosul assinam acordo comercial',
    ]);
    expect(search.latest(5, 'trade-tariffs')).toHaveLength(2);
    const counts = search.themeCounts(NOW);
    expect(counts.get('regional-integration')).toEqual({ day: 1, week: 2 });
    expect(counts.get('venezuela-crisis')).toEqual({ day: 0, week: 2 });
  });
});

describe('the search time window', () => {
  it('keeps fresh items that were stored before an older backlog', () => {
    const db = openDatabase(':memory:');
    const feed = createFeedStore(db).add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0);
    const items = createItemStore(db);
    const store = (title: string, ageDays: number, backlog: boolean) =>
      items.saveFeedItems(
        feed.id,
        [
          {
            guid: title,
            url: null,
            canonicalUrl: null,
            title,
            titleKey: titleKey(title),
            summary: '',
            language: 'es',
            publishedAt: NOW - ageDays * DAY,
            dated: true,
            source: null,
            contentHash: title,
          },
        ],
        { fetchedAt: NOW, backlog },
      );
    store('Mercosur hoy', 0.1, false);
    store('Mercosur la semana pasada', 6, true);
    const hits = createSearchStore(db).search('mercosur', { days: 7 }, { offset: 0, limit: 10 }, NOW).hits;
    expect(hits.map((hit) => hit.title).sort()).toEqual(['Mercosur hoy', 'Mercosur la semana pasada']);
    db.close();
  });
});
