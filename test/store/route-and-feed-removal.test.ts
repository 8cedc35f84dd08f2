import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/core/rate-limiter.js';
import { createFeedStore } from '../../src/store/feed-store.js';
import { createItemStore } from '../../src/store/item-store.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';

describe('removing a feed from Discord', () => {
  it('deletes a user-added feed, and leaves a config feed to the config file', () => {
    const db = openDatabase(':memory:');
    const feeds = createFeedStore(db);
    const user = feeds.add({ url: 'https://u.example/rss', name: 'U' }, 'user', 0, '1000');
    const config = feeds.add({ url: 'https://c.example/rss', name: 'C' }, 'config', 0, '1000');
    expect(user.guildId).toBe('1000');
    expect(config.guildId).toBeNull();
    expect(feeds.remove(user.id)).toBe('deleted');
    expect(feeds.get(user.id)).toBeUndefined();
    expect(feeds.remove(config.id)).toBe('config');
    expect(feeds.get(config.id)).toMatchObject({ status: 'active' });
    expect(feeds.remove(999)).toBe('unknown');
  });

  it('shows a server the config feeds, its own feeds and those added before owners were kept, never another server’s', () => {
    const db = openDatabase(':memory:');
    const feeds = createFeedStore(db);
    feeds.add({ url: 'https://c.example/rss', name: 'Config' }, 'config', 0);
    feeds.add({ url: 'https://a.example/rss', name: 'Of A' }, 'user', 0, 'A');
    feeds.add({ url: 'https://b.example/rss', name: 'Of B' }, 'user', 0, 'B');
    feeds.add({ url: 'https://old.example/rss', name: 'Older' }, 'user', 0);
    expect(feeds.visibleTo('A').map((feed) => feed.name)).toEqual(['Config', 'Of A', 'Older']);
    expect(feeds.visibleTo('B').map((feed) => feed.name)).toEqual(['Config', 'Of B', 'Older']);
  });

  it('keeps the stories a deleted feed shared with other feeds', () => {
    const db = openDatabase(':memory:');
    const feeds = createFeedStore(db);
    const items = createItemStore(db);
    const user = feeds.add({ url: 'https://u.example/rss', name: 'U' }, 'user', 0);
    const other = feeds.add({ url: 'https://o.example/rss', name: 'O' }, 'config', 0);
    const story = (title: string, url: string) => ({
      guid: null, url, canonicalUrl: url, title, titleKey: title.toLowerCase(), summary: '', language: 'es' as const,
      publishedAt: 0, dated: true, source: null, contentHash: title,
    });
    items.saveFeedItems(user.id, [story('Compartida', 'https://n.example/1'), story('Solo suya', 'https://n.example/2')], { fetchedAt: 0, backlog: false });
    items.saveFeedItems(other.id, [story('Compartida', 'https://n.example/1')], { fetchedAt: 0, backlog: false });
    feeds.remove(user.id);
    expect(db.prepare('SELECT title, feed_id AS feedId FROM items').all()).toEqual([{ title: 'Compartida', feedId: other.id }]);
    // The other feed's next poll sees its known entry: nothing comes back as new.
    expect(items.saveFeedItems(other.id, [story('Compartida', 'https://n.example/1')], { fetchedAt: 1, backlog: false })).toEqual({ new: 0, updated: 0, duplicate: 1 });
  });

  it('keeps a feed added from Discord before owners were recorded shared after the upgrade', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.filter((migration) => migration.version <= 4));
    db.prepare(`INSERT INTO feeds (url, name, origin, created_at) VALUES ('https://old.example/rss', 'Older', 'user', 0)`).run();
    migrate(db);
    const feeds = createFeedStore(db);
    expect(feeds.getByUrl('https://old.example/rss')).toMatchObject({ origin: 'user', guildId: null });
    expect(feeds.visibleTo('A').map((feed) => feed.name)).toEqual(['Older']);
    expect(feeds.remove(feeds.getByUrl('https://old.example/rss')?.id ?? 0)).toBe('deleted');
  });

  it('keeps a disabled feed disabled when a poll that was in flight finishes afterwards', () => {
    const db = openDatabase(':memory:');
    const feeds = createFeedStore(db);
    const config = feeds.add({ url: 'https://c.example/rss', name: 'C' }, 'config', 0);
    feeds.syncConfigured([], 1);
    feeds.recordPoll(config.id, { kind: 'success', at: 1, http: 200, etag: null, lastModified: null, nextDueAt: 2 });
    feeds.recordPoll(config.id, { kind: 'error', at: 1, http: 500, errorKind: 'http', message: 'x', nextDueAt: 2, status: 'active' });
    expect(feeds.get(config.id)).toMatchObject({ status: 'disabled', lastErrorKind: 'removed-from-config' });
  });
});

describe('the per-user rate limit', () => {
  it('allows `limit` uses per window per user, then says how long to wait', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 2, windowMs: 10_000, now: () => now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([0, 0, 0]);
    now = 4_000;
    expect(limiter.take('a')).toBe(6_000);
    now = 10_000;
    expect(limiter.take('a')).toBe(0);
  });
});
