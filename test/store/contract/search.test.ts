import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThemeId } from '../../../src/core/themes.js';
import type { NormalizedItem } from '../../../src/core/types.js';
import { titleKey } from '../../../src/feeds/normalize-item.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../../src/store-context.js';
import { ENGINES, type OpenedStore } from './engines.js';

const NOW = Date.UTC(2026, 10, 29, 12);
const DAY = 86_400_000;

interface Entry {
  title: string;
  language?: NormalizedItem['language'];
  ageDays: number;
  /** Absent: stored but not classified. */
  themes?: ThemeId[];
  summary?: string;
  backlog?: boolean;
}

/** Stores the entries in order (ids rising) in one feed and classifies those with themes. */
async function store(target: Store, feedName: string, entries: Entry[]): Promise<number[]> {
  const { feed } = await target.feeds.add({ url: `https://${feedName.toLowerCase().replace(/\W+/g, '-')}.example/rss`, name: feedName }, 'config', 0);
  const ids: number[] = [];
  for (const [index, entry] of entries.entries()) {
    const item: NormalizedItem = {
      guid: `${feedName}-${index}`,
      url: `https://a.example/${feedName}/${index}`,
      canonicalUrl: `https://a.example/${feedName}/${index}`,
      title: entry.title,
      titleKey: titleKey(entry.title),
      summary: entry.summary ?? '',
      language: entry.language ?? 'es',
      publishedAt: NOW - entry.ageDays * DAY,
      dated: true,
      source: null,
      contentHash: `${feedName}:${index}`,
    };
    const {
      itemIds: [id],
    } = await target.items.saveFeedItems(feed.id, withDedupeKeys(feed.id, [item]), { fetchedAt: NOW, backlog: entry.backlog ?? false });
    ids.push(id as number);
    if (!entry.themes) continue;
    await target.classifications.save([
      {
        itemId: id as number,
        contentHash: item.contentHash,
        source: 'offline',
        model: null,
        promptVersion: null,
        themes: entry.themes,
        scores: Object.fromEntries(entry.themes.map((theme) => [theme, 0.8])),
        evidence: {},
        reason: null,
        classifiedAt: NOW,
      },
    ]);
  }
  return ids;
}

describe.each(ENGINES)('search ($name)', (engine) => {
  let opened: OpenedStore;
  let search: Store['search'];

  beforeAll(async () => {
    opened = await engine.open();
    search = opened.store.search;
    await store(opened.store, 'Diario A', [
      { title: 'União Europeia e Mercosul assinam acordo comercial', language: 'pt', ageDays: 0.5, themes: ['trade-tariffs', 'regional-integration'] },
      { title: 'Cumbre de la CELAC en Bogotá: integración regional', ageDays: 2, themes: ['regional-integration'] },
      { title: 'Elecciones en Venezuela: la oposición denuncia fraude', ageDays: 3, themes: ['venezuela-crisis'] },
      { title: 'Mercosur summit ends without a deal on tariffs', language: 'en', ageDays: 20, themes: ['trade-tariffs', 'regional-integration'] },
      { title: 'Eleições na Venezuela e a reação do Brasil', language: 'pt', ageDays: 1.5, themes: ['venezuela-crisis'] },
      { title: 'Fútbol: la selección gana en Montevideo', ageDays: 0, themes: [] },
      { title: 'Litio: Bolivia abre licitación', ageDays: 1, themes: ['resources-autonomy'] },
      { title: 'Precio del cobre y del litio en alza', summary: 'Chile y Perú', ageDays: 1, themes: ['resources-autonomy'] },
    ]);
  });
  afterAll(async () => {
    await opened.close();
  });

  const titles = async (query: string, filters = {}, page = { offset: 0, limit: 10 }) =>
    (await search.search(query, filters, page, NOW)).hits.map((hit) => hit.title);

  it('answers each hit with its item, link, feed and date', async () => {
    const { hits } = await search.search('celac', {}, { offset: 0, limit: 10 }, NOW);
    expect(hits).toEqual([
      {
        id: expect.any(Number),
        title: 'Cumbre de la CELAC en Bogotá: integración regional',
        url: 'https://a.example/Diario A/1',
        source: null,
        feedName: 'Diario A',
        language: 'es',
        publishedAt: NOW - 2 * DAY,
      },
    ]);
  });

  it('finds accented text with an unaccented query, and the other way round', async () => {
    expect(await titles('uniao europeia')).toEqual(['União Europeia e Mercosul assinam acordo comercial']);
    expect(await titles('eleicoes')).toEqual(['Eleições na Venezuela e a reação do Brasil']);
    expect(await titles('integracion')).toEqual(['Cumbre de la CELAC en Bogotá: integración regional']);
    expect(await titles('UNIÃO')).toEqual(['União Europeia e Mercosul assinam acordo comercial']);
  });

  it('needs every word, and matches the last one as a prefix while the user types', async () => {
    expect(await titles('mercos')).toHaveLength(2);
    expect(await titles('venez')).toHaveLength(2);
    expect(await titles('venezuela brasil')).toEqual(['Eleições na Venezuela e a reação do Brasil']);
    // Only the last word is a prefix, and only from three letters.
    expect(await titles('venez brasil')).toEqual([]);
    expect(await titles('ve')).toEqual([]);
  });

  it('filters by theme, by language and by age', async () => {
    expect(await titles('venezuela', { theme: 'venezuela-crisis', language: 'pt' })).toEqual(['Eleições na Venezuela e a reação do Brasil']);
    expect(await titles('mercosur', { days: 7 })).toEqual([]);
    expect(await titles('mercosur', { days: 30 })).toEqual(['Mercosur summit ends without a deal on tariffs']);
    expect(await titles('mercosur', { theme: 'china-latam' })).toEqual([]);
  });

  it('ranks an equally relevant newer item first, and a match in the title above one in the summary', async () => {
    expect(await titles('venezuela')).toEqual(['Eleições na Venezuela e a reação do Brasil', 'Elecciones en Venezuela: la oposición denuncia fraude']);
    expect(await titles('bolivia')).toEqual(['Litio: Bolivia abre licitación']);
    expect(await titles('litio')).toEqual(['Litio: Bolivia abre licitación', 'Precio del cobre y del litio en alza']);
  });

  it('pages results and says whether more follow', async () => {
    const first = await search.search('venezuela', {}, { offset: 0, limit: 1 }, NOW);
    const second = await search.search('venezuela', {}, { offset: 1, limit: 1 }, NOW);
    expect([first.more, second.more]).toEqual([true, false]);
    expect(first.hits[0]?.id).not.toBe(second.hits[0]?.id);
    expect(await search.search('venezuela', {}, { offset: 2, limit: 1 }, NOW)).toEqual({ hits: [], more: false });
  });

  it.each(['"unbalanced', 'NEAR(', 'title:x OR', '*', '---', 'AND OR NOT', '  ¿?  ', "'; DROP TABLE items; --"])(
    'never fails on query syntax: %s',
    async (query) => {
      await expect(search.search(query, {}, { offset: 0, limit: 10 }, NOW)).resolves.toMatchObject({ more: false });
    },
  );

  it('lists the newest items on a theme (or every classified one when asked), per theme', async () => {
    // The two lithium stories share their date: the one stored later comes first.
    expect((await search.latest(3)).map((hit) => hit.title)).toEqual([
      'União Europeia e Mercosul assinam acordo comercial',
      'Precio del cobre y del litio en alza',
      'Litio: Bolivia abre licitación',
    ]);
    expect((await search.latest(2, undefined, 'all')).map((hit) => hit.title)).toEqual([
      'Fútbol: la selección gana en Montevideo',
      'União Europeia e Mercosul assinam acordo comercial',
    ]);
    expect((await search.latest(5, 'trade-tariffs')).map((hit) => hit.title)).toEqual([
      'União Europeia e Mercosul assinam acordo comercial',
      'Mercosur summit ends without a deal on tariffs',
    ]);
  });

  it('counts the items of each theme published in the last 24 hours and 7 days', async () => {
    const counts = await search.themeCounts(NOW);
    expect(counts.get('regional-integration')).toEqual({ day: 1, week: 2 });
    expect(counts.get('venezuela-crisis')).toEqual({ day: 0, week: 2 });
    expect(counts.get('china-latam')).toBeUndefined();
  });
});

describe.each(ENGINES)('the search time window ($name)', (engine) => {
  it('keeps fresh items that were stored before an older backlog', async () => {
    const opened = await engine.open();
    try {
      await store(opened.store, 'A', [
        { title: 'Mercosur hoy', ageDays: 0.1 },
        { title: 'Mercosur la semana pasada', ageDays: 6, backlog: true },
        { title: 'Mercosur el año pasado', ageDays: 300, backlog: true },
      ]);
      const { hits } = await opened.store.search.search('mercosur', { days: 7 }, { offset: 0, limit: 10 }, NOW);
      expect(hits.map((hit) => hit.title).sort()).toEqual(['Mercosur hoy', 'Mercosur la semana pasada']);
    } finally {
      await opened.close();
    }
  });

  it('filters by theme and age together, ranking only that window, whatever order the items came in', async () => {
    const opened = await engine.open();
    try {
      await store(opened.store, 'B', [
        { title: 'Mercosur y aranceles hoy', ageDays: 0.1, themes: ['trade-tariffs'] },
        { title: 'Mercosur: cumbre sin aranceles', ageDays: 1, themes: ['regional-integration'] },
        { title: 'Mercosur y aranceles la semana pasada', ageDays: 6, backlog: true, themes: ['trade-tariffs'] },
        { title: 'Mercosur y aranceles el año pasado', ageDays: 300, backlog: true, themes: ['trade-tariffs'] },
      ]);
      const page = { offset: 0, limit: 10 };
      const titles = async (days: number) =>
        (await opened.store.search.search('mercosur', { theme: 'trade-tariffs', days }, page, NOW)).hits.map((hit) => hit.title);
      expect(await titles(7)).toEqual(['Mercosur y aranceles hoy', 'Mercosur y aranceles la semana pasada']);
      expect(await titles(0.01)).toEqual([]);
      expect(await titles(400)).toHaveLength(3);
    } finally {
      await opened.close();
    }
  });
});
