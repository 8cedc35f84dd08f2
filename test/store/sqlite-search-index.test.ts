import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/core/types.js';
import { withDedupeKeys } from '../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../src/store-context.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { normalizedItem as item } from '../support/normalized-item.js';

/** What the SQLite engine adds to the items contract (test/store/contract/items.test.ts): its FTS5 index follows every save. */
describe('the full-text index (sqlite)', () => {
  let db: Database;
  let items: Store['items'];
  let feedA: number;
  let feedB: number;
  const save = (feedId: number, list: NormalizedItem[]) =>
    items.saveFeedItems(feedId, withDedupeKeys(feedId, list), { fetchedAt: Date.UTC(2026, 10, 29), backlog: false });

  beforeEach(async () => {
    db = openDatabase(':memory:');
    const store = createSqliteStore(db);
    items = store.items;
    feedA = (await store.feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0)).feed.id;
    feedB = (await store.feeds.add({ url: 'https://b.example/rss', name: 'B' }, 'config', 0)).feed.id;
  });
  afterEach(() => db.close());

  it('indexes titles for accent-insensitive full-text search', async () => {
    await save(feedA, [
      item({ guid: '1', title: 'União Europeia e Mercosul assinam acordo', canonicalUrl: 'https://a.example/1' }),
      item({ guid: '2', title: 'Elecciones en Venezuela', canonicalUrl: 'https://a.example/2' }),
    ]);
    const search = db.prepare('SELECT rowid FROM items_fts WHERE items_fts MATCH ?');
    expect(search.all('uniao')).toHaveLength(1);
    expect(search.all('elecciónes')).toHaveLength(1);
    // Updates reach the index too.
    await save(feedA, [item({ guid: '2', title: 'Eleições na Venezuela', canonicalUrl: 'https://a.example/2' })]);
    expect(search.all('eleicoes')).toHaveLength(1);
    expect(search.all('elecciones')).toHaveLength(0);
  });

  it('keeps the full-text index in step with the items when a save mixes new, duplicate and updated entries', async () => {
    await save(feedA, [item({ guid: '1', title: 'Mercosur hoy', canonicalUrl: 'https://a.example/1' })]);
    await save(feedB, [item({ guid: '9', title: 'Otra cosa', canonicalUrl: 'https://b.example/9' })]);
    await save(feedA, [
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
