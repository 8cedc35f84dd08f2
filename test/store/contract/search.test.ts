import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThemeId } from '../../../src/core/themes.js';
import type { Language } from '../../../src/core/types.js';
import { titleKey } from '../../../src/feeds/normalize-item.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../../src/store-context.js';
import { ENGINES, type OpenedStore } from './engines.js';

const NOW = Date.UTC(2026, 10, 29, 12);
const DAY = 86_400_000;

/** Title, summary, language, age in days, themes (none: off-topic), backlog. */
type Entry = [title: string, summary: string, language: Language, ageDays: number, themes: ThemeId[], backlog?: boolean];

const ENTRIES: Entry[] = [
  ['União Europeia e Mercosul assinam acordo comercial', '', 'pt', 0.5, ['trade-tariffs', 'regional-integration']],
  ['Cumbre de la CELAC en Bogotá: integración regional', '', 'es', 2, ['regional-integration']],
  ['Elecciones en Venezuela: la oposición denuncia fraude', '', 'es', 3, ['venezuela-crisis']],
  ['Mercosur summit ends without a deal on tariffs', '', 'en', 20, ['trade-tariffs', 'regional-integration']],
  ['Eleições na Venezuela e a reação do Brasil', '', 'pt', 1.5, ['venezuela-crisis']],
  ['Fútbol: la selección gana en Montevideo', '', 'es', 0, []],
  // Litio: once in a title, once only in a summary, at the same age.
  ['Bolivia abre licitación de litio', '', 'es', 4, ['resources-autonomy']],
  ['Nuevas reglas mineras en los Andes', 'El litio boliviano queda fuera.', 'es', 4, ['resources-autonomy']],
  // A backlog stored after the fresher items, with an older date.
  ['Mercosur: archivo de la cumbre anterior', '', 'es', 6, ['regional-integration'], true],
];

describe.each(ENGINES)('searching stored items ($name)', (engine) => {
  let opened: OpenedStore;
  let search: Store['search'];

  beforeAll(async () => {
    opened = await engine.open();
    const { feeds, items, classifications } = opened.store;
    const { feed } = await feeds.add({ url: 'https://a.example/rss', name: 'Diario A' }, 'config', 0);
    for (const [index, [title, summary, language, ageDays, themes, backlog = false]] of ENTRIES.entries()) {
      const entry = {
        guid: String(index),
        url: `https://a.example/${index}`,
        canonicalUrl: `https://a.example/${index}`,
        title,
        titleKey: titleKey(title),
        summary,
        language,
        publishedAt: NOW - ageDays * DAY,
        dated: true,
        source: null,
        contentHash: `h${index}`,
      };
      await items.saveFeedItems(feed.id, withDedupeKeys(feed.id, [entry]), { fetchedAt: NOW, backlog });
    }
    const pending = await classifications.pending({ limit: 100 });
    await classifications.save(
      pending.map((item) => {
        const themes = ENTRIES[Number(item.contentHash.slice(1))]?.[4] ?? [];
        return {
          itemId: item.id,
          contentHash: item.contentHash,
          source: 'offline' as const,
          model: null,
          promptVersion: null,
          themes,
          scores: Object.fromEntries(themes.map((theme) => [theme, 0.8])),
          evidence: {},
          reason: null,
          classifiedAt: NOW,
        };
      }),
    );
    search = opened.store.search;
  });
  afterAll(async () => {
    await opened.close();
  });

  const titles = async (query: string, filters = {}, page = { offset: 0, limit: 10 }) =>
    (await search.search(query, filters, page, NOW)).hits.map((hit) => hit.title);

  it('find accented text with an unaccented query, and the other way round, whatever the case', async () => {
    expect(await titles('uniao europeia')).toEqual(['União Europeia e Mercosul assinam acordo comercial']);
    expect(await titles('ELEICOES')).toEqual(['Eleições na Venezuela e a reação do Brasil']);
    expect(await titles('integracion')).toEqual(['Cumbre de la CELAC en Bogotá: integración regional']);
    expect(await titles('bogotá integración')).toEqual(['Cumbre de la CELAC en Bogotá: integración regional']);
  });

  it('require every word, and match the last one as a prefix once it has three letters', async () => {
    expect(await titles('mercosur cumbre')).toEqual(['Mercosur: archivo de la cumbre anterior']);
    expect(await titles('mercos')).toHaveLength(3);
    expect(await titles('venez')).toHaveLength(2);
    expect(await titles('ve')).toEqual([]);
    expect(await titles('venezuela oposicion fraude xyz')).toEqual([]);
  });

  it('answer a query without a word, or with a search syntax of its own, with nothing rather than an error', async () => {
    for (const query of ['  ¿?  ', '"unbalanced', 'NEAR(', 'title:x OR', '*', '---', 'AND OR NOT', "l'union & !x | (y", 'a:* <-> b']) {
      await expect(search.search(query, {}, { offset: 0, limit: 10 }, NOW)).resolves.toMatchObject({ more: false });
    }
    expect(await titles('  ¿?  ')).toEqual([]);
  });

  it('filter by theme, language and age', async () => {
    expect(await titles('venezuela', { theme: 'venezuela-crisis', language: 'pt' })).toEqual(['Eleições na Venezuela e a reação do Brasil']);
    expect(await titles('mercosur', { days: 7 })).toEqual(['Mercosur: archivo de la cumbre anterior']);
    expect(await titles('mercosur', { days: 30, language: 'en' })).toEqual(['Mercosur summit ends without a deal on tariffs']);
    expect(await titles('mercosur', { theme: 'china-latam' })).toEqual([]);
  });

  it('rank an equally relevant newer item first, and a match in the title above one in the summary', async () => {
    expect(await titles('venezuela')).toEqual(['Eleições na Venezuela e a reação do Brasil', 'Elecciones en Venezuela: la oposición denuncia fraude']);
    expect(await titles('litio')).toEqual(['Bolivia abre licitación de litio', 'Nuevas reglas mineras en los Andes']);
  });

  it('page results and say whether more follow', async () => {
    const first = await search.search('venezuela', {}, { offset: 0, limit: 1 }, NOW);
    const second = await search.search('venezuela', {}, { offset: 1, limit: 1 }, NOW);
    expect([first.more, second.more]).toEqual([true, false]);
    expect(first.hits[0]?.id).not.toBe(second.hits[0]?.id);
    expect(first.hits[0]).toMatchObject({ feedName: 'Diario A', language: 'pt', url: expect.stringMatching(/^https:\/\/a\.example\//), source: null });
  });

  it('list the newest items on a theme (or every classified one when asked), and count per theme over 24 h and 7 days', async () => {
    expect((await search.latest(2)).map((hit) => hit.title)).toEqual([
      'União Europeia e Mercosul assinam acordo comercial',
      'Eleições na Venezuela e a reação do Brasil',
    ]);
    expect((await search.latest(2, undefined, 'all')).map((hit) => hit.title)).toEqual([
      'Fútbol: la selección gana en Montevideo',
      'União Europeia e Mercosul assinam acordo comercial',
    ]);
    expect(await search.latest(5, 'trade-tariffs')).toHaveLength(2);
    const counts = await search.themeCounts(NOW);
    expect(counts.get('regional-integration')).toEqual({ day: 1, week: 3 });
    expect(counts.get('venezuela-crisis')).toEqual({ day: 0, week: 2 });
    expect(counts.get('china-latam')).toBeUndefined();
  });
});
