import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/core/types.js';
import { createSqliteClassificationStore, type SqliteClassificationStore as ClassificationStore } from '../../src/store/sqlite/classification-store.js';
import { withDedupeKeys } from '../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../src/store-context.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { T0, item, record } from '../support/classification-fixtures.js';

/** What the SQLite engine adds to the contract (test/store/contract/classifications.test.ts): its theme rows and index. */
describe('classification store (sqlite)', () => {
  let db: Database;
  let items: Store['items'];
  let store: ClassificationStore;
  let feedId: number;
  const save = (...entries: NormalizedItem[]) => items.saveFeedItems(feedId, withDedupeKeys(feedId, entries), { fetchedAt: T0, backlog: false });

  beforeEach(async () => {
    db = openDatabase(':memory:');
    const sqlite = createSqliteStore(db);
    items = sqlite.items;
    store = createSqliteClassificationStore(db);
    feedId = (await sqlite.feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0)).feed.id;
  });
  afterEach(() => db.close());

  it('keeps one classification row per item, and theme rows for its current labels only', async () => {
    await save(item('Cumbre del Mercosur'));
    const [pending] = await store.pending({ limit: 10 });
    if (!pending) throw new Error('expected a pending item');
    await store.save([record(pending.id, pending.contentHash)]);
    await store.save([record(pending.id, pending.contentHash, { source: 'llm', model: 'm', promptVersion: 'p1', themes: ['trade-tariffs'], scores: {} })]);

    expect(db.prepare('SELECT COUNT(*) AS n FROM classifications').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT theme, score FROM item_themes').all()).toEqual([{ theme: 'trade-tariffs', score: 1 }]);
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

  it('lists every call at or after a moment, in order, with what it was for', async () => {
    const usage = { model: 'm', promptTokens: 900, completionTokens: 100, totalTokens: 1000, items: 20, mode: 'json_schema' };
    await store.recordUsage({ ...usage, at: T0 - 1 });
    await store.recordUsage({ ...usage, at: T0 });
    await store.recordUsage({ ...usage, at: T0 + 5, totalTokens: 500, mode: 'text', purpose: 'overview' });
    expect(await store.usageSince(T0)).toEqual([
      { ...usage, at: T0, purpose: 'classify' },
      { ...usage, at: T0 + 5, totalTokens: 500, mode: 'text', purpose: 'overview' },
    ]);
  });
});
