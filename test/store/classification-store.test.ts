import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/core/types.js';
import { createClassificationStore, type ClassificationRecord, type ClassificationStore } from '../../src/store/classification-store.js';
import { createFeedStore } from '../../src/store/feed-store.js';
import { createItemStore, type ItemStore } from '../../src/store/item-store.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 28);

function item(title: string, summary = '', publishedAt = T0): NormalizedItem {
  return {
    guid: title,
    url: null,
    canonicalUrl: null,
    title,
    titleKey: title.toLowerCase(),
    summary,
    language: 'es',
    publishedAt,
    dated: true,
    source: null,
    contentHash: `hash:${title}:${summary}`,
  };
}

function record(itemId: number, contentHash: string, overrides: Partial<ClassificationRecord> = {}): ClassificationRecord {
  return {
    itemId,
    contentHash,
    source: 'offline',
    model: null,
    promptVersion: null,
    themes: ['regional-integration'],
    scores: { 'regional-integration': 0.8 },
    evidence: { 'regional-integration': ['Mercosur'] },
    reason: null,
    classifiedAt: T0,
    ...overrides,
  };
}

describe('classification store', () => {
  let db: Database;
  let items: ItemStore;
  let store: ClassificationStore;
  let feedId: number;
  const save = (...entries: NormalizedItem[]) => items.saveFeedItems(feedId, entries, { fetchedAt: T0, backlog: false });

  beforeEach(() => {
    db = openDatabase(':memory:');
    items = createItemStore(db);
    store = createClassificationStore(db);
    feedId = createFeedStore(db).add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0).id;
  });
  afterEach(() => db.close());

  it('lists unclassified items oldest first, in pages after a given id', () => {
    save(item('Cumbre del Mercosur'), item('CELAC reunida'), item('Litio en Bolivia'));
    const all = store.pending({ limit: 10 });
    expect(all.map((row) => row.title)).toEqual(['Cumbre del Mercosur', 'CELAC reunida', 'Litio en Bolivia']);
    expect(all[0]).toEqual({
      id: all[0]?.id,
      contentHash: 'hash:Cumbre del Mercosur:',
      title: 'Cumbre del Mercosur',
      summary: '',
      language: 'es',
      publishedAt: expect.any(Number),
      backlog: false,
    });
    expect(store.pending({ limit: 1, afterId: all[0]?.id }).map((row) => row.title)).toEqual(['CELAC reunida']);
  });

  it('keeps one current classification per item and no longer lists it', () => {
    save(item('Cumbre del Mercosur'));
    const [pending] = store.pending({ limit: 10 });
    if (!pending) throw new Error('expected a pending item');
    store.save([record(pending.id, pending.contentHash)]);
    store.save([record(pending.id, pending.contentHash, { source: 'llm', model: 'm', promptVersion: 'p1', themes: ['trade-tariffs'], scores: {} })]);

    expect(store.pending({ limit: 10 })).toEqual([]);
    expect(store.get(pending.id)).toMatchObject({ source: 'llm', model: 'm', promptVersion: 'p1', themes: ['trade-tariffs'] });
    expect(db.prepare('SELECT COUNT(*) AS n FROM classifications').get()).toEqual({ n: 1 });
    // The theme rows follow the current classification only.
    expect(db.prepare('SELECT theme, score FROM item_themes').all()).toEqual([{ theme: 'trade-tariffs', score: 1 }]);
  });

  it('lists an item again when its wording changes, keeping the old labels until it is re-classified', () => {
    save(item('Mercosur: cumbre'));
    const [first] = store.pending({ limit: 10 });
    if (!first) throw new Error('expected a pending item');
    store.save([record(first.id, first.contentHash)]);

    save({ ...item('Mercosur: cumbre'), summary: 'Termina sin acuerdo', contentHash: 'hash:changed' });

    expect(store.pending({ limit: 10 })).toMatchObject([{ id: first.id, contentHash: 'hash:changed' }]);
    expect(store.get(first.id)?.contentHash).toBe(first.contentHash);
  });

  it('finds items by theme classified within a window, newest first', () => {
    save(item('Antes', '', T0 - 2 * DAY), item('Ayer', '', T0 - DAY), item('Hoy', '', T0), item('Otro tema', '', T0));
    const byTitle = new Map(store.pending({ limit: 10 }).map((row) => [row.title, row]));
    const id = (title: string) => byTitle.get(title)?.id ?? -1;
    const published = { Antes: T0 - 2 * DAY, Ayer: T0 - DAY, Hoy: T0 };
    store.save(
      (['Antes', 'Ayer', 'Hoy'] as const).map((title) =>
        record(id(title), `hash:${title}:`, { themes: ['china-latam', 'trade-tariffs'], classifiedAt: published[title] }),
      ),
    );
    store.save([record(id('Otro tema'), 'hash:Otro tema:', { themes: ['us-policy'] })]);

    expect(store.itemsWithTheme('china-latam', { from: T0 - DAY, to: T0 + DAY })).toEqual([id('Hoy'), id('Ayer')]);
    expect(store.itemsWithTheme('china-latam', { from: T0 - 3 * DAY, to: T0 + DAY, limit: 1 })).toEqual([id('Hoy')]);
    expect(store.itemsWithTheme('us-policy', { from: T0, to: T0 + 1 })).toEqual([id('Otro tema')]);
    expect(store.itemsWithTheme('resources-autonomy', { from: 0, to: T0 + DAY })).toEqual([]);
  });

  it('puts an item that arrived late in the next window rather than in none, and leaves out old news', () => {
    save(item('Tarde', '', T0 - 60_000), item('Archivo', '', T0 - 5 * DAY));
    const byTitle = new Map(store.pending({ limit: 10 }).map((row) => [row.title, row]));
    // Published a minute before the T0 digest, classified a minute after it was built.
    store.save([
      record(byTitle.get('Tarde')?.id ?? -1, 'hash:Tarde:', { themes: ['china-latam'], classifiedAt: T0 + 60_000 }),
      record(byTitle.get('Archivo')?.id ?? -1, 'hash:Archivo:', { themes: ['china-latam'], classifiedAt: T0 + 60_000 }),
    ]);
    expect(store.itemsWithTheme('china-latam', { from: T0 - DAY, to: T0 })).toEqual([]);
    expect(store.itemsWithTheme('china-latam', { from: T0, to: T0 + DAY })).toEqual([byTitle.get('Tarde')?.id]);
  });

  it('answers the theme query from the theme index', () => {
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT items.id FROM item_themes JOIN items ON items.id = item_themes.item_id
         WHERE item_themes.theme = 'us-policy' AND items.published_at >= 0 AND items.published_at < 1`,
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail)).toContain('SEARCH item_themes USING COVERING INDEX item_themes_theme (theme=?)');
  });

  it('caches LLM themes by content hash, model and prompt version', () => {
    store.cacheThemes([{ contentHash: 'h1', themes: ['us-venezuela'] }, { contentHash: 'h2', themes: [] }], 'model-a', 'v1', T0);

    expect(store.cachedThemes(['h1', 'h2', 'h3'], 'model-a', 'v1')).toEqual(
      new Map([
        ['h1', ['us-venezuela']],
        ['h2', []],
      ]),
    );
    expect(store.cachedThemes(['h1'], 'model-b', 'v1').size).toBe(0);
    expect(store.cachedThemes(['h1'], 'model-a', 'v2').size).toBe(0);
  });

  it('sums the tokens used since a moment, for the daily budget', () => {
    const usage = { model: 'm', promptTokens: 900, completionTokens: 100, totalTokens: 1000, items: 20, mode: 'json_schema' };
    store.recordUsage({ ...usage, at: T0 - 1 });
    store.recordUsage({ ...usage, at: T0 });
    store.recordUsage({ ...usage, at: T0 + 5, totalTokens: 500, mode: 'text', purpose: 'overview' });

    // Digest overviews count against the same budget as classification.
    expect(store.tokensUsedSince(T0)).toBe(1500);
    expect(store.usageSince(T0)).toEqual([
      { ...usage, at: T0, purpose: 'classify' },
      { ...usage, at: T0 + 5, totalTokens: 500, mode: 'text', purpose: 'overview' },
    ]);
  });

  it('remembers the response mode that works per server and model', () => {
    expect(store.savedMode('127.0.0.1:8000/v1', 'm')).toBeUndefined();
    store.saveMode('127.0.0.1:8000/v1', 'm', 'json_object', T0);
    store.saveMode('127.0.0.1:8000/v1', 'm', 'plain', T0 + 1);
    expect(store.savedMode('127.0.0.1:8000/v1', 'm')).toBe('plain');
    expect(store.savedMode('127.0.0.1:8000/v1', 'other')).toBeUndefined();
  });
});
