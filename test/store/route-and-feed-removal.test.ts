import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/core/rate-limiter.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/** The rest of removing a feed is the store contract (test/store/contract/feeds.test.ts). */
describe('removing a feed from Discord (sqlite upgrade)', () => {
  it('keeps a feed added from Discord before owners were recorded shared after the upgrade', async () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.filter((migration) => migration.version <= 4));
    db.prepare(`INSERT INTO feeds (url, name, origin, created_at) VALUES ('https://old.example/rss', 'Older', 'user', 0)`).run();
    migrate(db);
    const { feeds } = createSqliteStore(db);
    const older = await feeds.getByUrl('https://old.example/rss');
    expect(older).toMatchObject({ origin: 'user', guildId: null });
    expect((await feeds.visibleTo('A')).map((feed) => feed.name)).toEqual(['Older']);
    expect(await feeds.remove(older?.id ?? 0)).toBe('deleted');
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
