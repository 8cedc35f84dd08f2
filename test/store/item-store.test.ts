import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/core/types.js';
import { createFeedStore, type FeedStore } from '../../src/store/feed-store.js';
import { createItemStore, entryKeys, type ItemStore } from '../../src/store/item-store.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';

function item(overrides: Partial<NormalizedItem> & { title: string }): NormalizedItem {
  const title = overrides.title;
  return {
    guid: null,
    url: null,
    canonicalUrl: null,
    titleKey: title.toLowerCase(),
    summary: '',
    language: 'es',
    publishedAt: Date.UTC(2026, 10, 28),
    dated: true,
    source: null,
    contentHash: `hash:${title}:${overrides.summary ?? ''}`,
    ...overrides,
  };
}

describe('item store', () => {
  let db: Database;
  let feeds: FeedStore;
  let items: ItemStore;
  let feedA: number;
  let feedB: number;
  const save = (feedId: number, list: NormalizedItem[], backlog = false) =>
    items.saveFeedItems(feedId, list, { fetchedAt: Date.UTC(2026, 10, 29), backlog });

  beforeEach(() => {
    db = openDatabase(':memory:');
    feeds = createFeedStore(db);
    items = createItemStore(db);
    feedA = feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0).id;
    feedB = feeds.add({ url: 'https://b.example/rss', name: 'B' }, 'config', 0).id;
  });
  afterEach(() => db.close());

  it('stores new items once: re-saving the same entries stores nothing new', () => {
    const entries = [
      item({ guid: 'g1', title: 'Cumbre del Mercosur', canonicalUrl: 'https://a.example/1' }),
      item({ guid: 'g2', title: 'CELAC reunida', canonicalUrl: 'https://a.example/2' }),
    ];
    expect(save(feedA, entries)).toEqual({ new: 2, updated: 0, duplicate: 0 });
    expect(save(feedA, entries)).toEqual({ new: 0, updated: 0, duplicate: 2 });
    expect(items.count()).toBe(2);
  });

  it('updates the item when the same guid comes back with a changed title', () => {
    save(feedA, [item({ guid: 'g1', title: 'Mercosur: cumbre', canonicalUrl: 'https://a.example/1' })]);
    const counts = save(feedA, [item({ guid: 'g1', title: 'Mercosur: cumbre termina sin acuerdo', canonicalUrl: 'https://a.example/1' })]);
    expect(counts).toEqual({ new: 0, updated: 1, duplicate: 0 });
    expect(items.count()).toBe(1);
    const row = db.prepare('SELECT title FROM items').get() as { title: string };
    expect(row.title).toBe('Mercosur: cumbre termina sin acuerdo');
  });

  it('treats the same canonical URL in two feeds as one item, linked to both feeds', () => {
    save(feedA, [item({ guid: 'a-1', title: 'Venezuela y EEUU', canonicalUrl: 'https://news.example/story' })]);
    const counts = save(feedB, [item({ guid: 'b-9', title: 'Venezuela y EE.UU.', canonicalUrl: 'https://news.example/story' })]);
    expect(counts).toEqual({ new: 0, updated: 0, duplicate: 1 });
    expect(items.count()).toBe(1);
    expect(items.countForFeed(feedB)).toBe(1);
    // The second feed's copy never rewrites the first feed's item.
    expect(save(feedB, [item({ guid: 'b-9', title: 'Otro título', canonicalUrl: 'https://news.example/story' })])).toEqual({
      new: 0,
      updated: 0,
      duplicate: 1,
    });
  });

  it('treats the same normalized headline from the same source as one item, but not across sources', () => {
    save(feedA, [item({ title: 'Lula visita Caracas', canonicalUrl: 'https://a.example/x' })]);
    expect(save(feedA, [item({ title: 'Lula visita Caracas', canonicalUrl: 'https://a.example/x?page=2' })]).duplicate).toBe(1);
    expect(save(feedB, [item({ title: 'Lula visita Caracas', canonicalUrl: 'https://b.example/y' })]).new).toBe(1);
  });

  it('recognises an aggregator outlet as the source across two aggregator feeds', () => {
    save(feedA, [item({ title: 'Milei y el Mercosur', canonicalUrl: 'https://agg.example/1', source: 'Clarín' })]);
    const counts = save(feedB, [item({ title: 'Milei y el Mercosur', canonicalUrl: 'https://agg.example/2', source: 'Clarín' })]);
    expect(counts.duplicate).toBe(1);
  });

  it('keys entries by guid, by guid and URL when a feed repeats its guids, then by URL, then by title', () => {
    const keys = entryKeys([
      item({ guid: 'same', title: 'x', canonicalUrl: 'https://a.example/1' }),
      item({ guid: 'same', title: 'y', canonicalUrl: 'https://a.example/2' }),
      item({ guid: 'unique', title: 'z' }),
      item({ title: 'no guid', canonicalUrl: 'https://a.example/3' }),
      item({ title: 'bare headline' }),
    ]);
    expect(keys).toEqual([
      'guid:same|https://a.example/1',
      'guid:same|https://a.example/2',
      'guid:unique',
      'url:https://a.example/3',
      'title:bare headline',
    ]);
  });

  it('stores entries of a feed that repeats one guid for every item as separate items', () => {
    const counts = save(feedA, [
      item({ guid: 'rss', title: 'Uno', canonicalUrl: 'https://a.example/1' }),
      item({ guid: 'rss', title: 'Dos', canonicalUrl: 'https://a.example/2' }),
    ]);
    expect(counts.new).toBe(2);
  });

  it('marks backlog items so later stages can skip them', () => {
    save(feedA, [item({ guid: 'old', title: 'Archivo', canonicalUrl: 'https://a.example/old' })], true);
    const row = db.prepare('SELECT backlog FROM items').get() as { backlog: number };
    expect(row.backlog).toBe(1);
  });

  it('indexes titles for accent-insensitive full-text search', () => {
    save(feedA, [
      item({ guid: '1', title: 'União Europeia e Mercosul assinam acordo', canonicalUrl: 'https://a.example/1' }),
      item({ guid: '2', title: 'Elecciones en Venezuela', canonicalUrl: 'https://a.example/2' }),
    ]);
    const search = db.prepare('SELECT rowid FROM items_fts WHERE items_fts MATCH ?');
    expect(search.all('uniao')).toHaveLength(1);
    expect(search.all('elecciónes')).toHaveLength(1);
    // Updates reach the index too.
    save(feedA, [item({ guid: '2', title: 'Eleições na Venezuela', canonicalUrl: 'https://a.example/2' })]);
    expect(search.all('eleicoes')).toHaveLength(1);
    expect(search.all('elecciones')).toHaveLength(0);
  });

  it('keeps the full-text index in step with the items when a save mixes new, duplicate and updated entries', () => {
    save(feedA, [item({ guid: '1', title: 'Mercosur hoy', canonicalUrl: 'https://a.example/1' })]);
    save(feedB, [item({ guid: '9', title: 'Otra cosa', canonicalUrl: 'https://b.example/9' })]);
    save(feedA, [
      item({ guid: '1', title: 'Mercosur hoy, actualizado', canonicalUrl: 'https://a.example/1' }),
      item({ guid: '2', title: 'Copia de B', canonicalUrl: 'https://b.example/9' }),
      item({ guid: '3', title: 'Cumbre de la CELAC', canonicalUrl: 'https://a.example/3' }),
      item({ guid: '4', title: 'Litio en Bolivia', canonicalUrl: 'https://a.example/4' }),
    ]);
    // FTS5's own check that every row of the content table is indexed exactly as its text reads.
    expect(() => db.exec(`INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow();
    const search = db.prepare('SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid');
    expect(search.all('actualizado celac litio otra').length).toBe(0);
    expect(['actualizado', 'celac', 'litio', 'otra'].map((word) => search.all(word).length)).toEqual([1, 1, 1, 1]);
  });
});
