import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Store } from '../../../src/store-context.js';
import { MIGRATIONS, migrate } from '../../../src/store/migrations.js';
import { openDatabase } from '../../../src/store/open-database.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

/** A fresh, migrated, empty store of one engine; `close` releases it and leaves nothing behind. */
export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

export interface Engine {
  name: string;
  open(): Promise<OpenedStore>;
  /**
   * A store created at the schema version before the latest, holding what `PREVIOUS_VERSION_DATA`
   * describes, then opened (and so migrated) by the current code.
   */
  openUpgraded(): Promise<OpenedStore>;
}

/** What the previous schema version held before the upgrade: one theme route and one pending digest of one part. */
export const PREVIOUS_VERSION_DATA = {
  route: { guildId: 'g1', theme: 'china-latam', channelId: 'c1' },
  digest: { schedule: 'daily', slotAt: 1_000, destination: 'channel:1' },
} as const;

/**
 * The engines the contract suite runs against. Every test in test/store/contract/ runs once per
 * engine, so a second engine joins by adding an entry here.
 */
export const ENGINES: readonly Engine[] = [
  {
    name: 'sqlite',
    open: async () => sqliteStore(openDatabase(':memory:')),
    async openUpgraded() {
      const db = new BetterSqlite3(':memory:');
      db.pragma('foreign_keys = ON');
      migrate(db, MIGRATIONS.slice(0, -1));
      const { route, digest } = PREVIOUS_VERSION_DATA;
      db.prepare(`INSERT INTO theme_routes (guild_id, theme, channel_id, created_by, created_at) VALUES (?, ?, ?, 'u', 0)`).run(route.guildId, route.theme, route.channelId);
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO digests (schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, created_at)
           VALUES (?, ?, 'schedule', ?, 0, ?, 1, '# d', 'pending', 5000)`,
        )
        .run(digest.schedule, digest.slotAt, digest.destination, digest.slotAt);
      db.prepare(`INSERT INTO digest_parts (digest_id, part, payload, nonce) VALUES (?, 1, '{}', 'nonce-1')`).run(lastInsertRowid);
      migrate(db);
      return sqliteStore(db);
    },
  },
];

function sqliteStore(db: Database): OpenedStore {
  return {
    store: createSqliteStore(db),
    async close() {
      db.close();
    },
  };
}
