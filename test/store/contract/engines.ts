import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { afterAll } from 'vitest';
import type { Store } from '../../../src/store-context.js';
import { MIGRATIONS, migrate } from '../../../src/store/migrations.js';
import { openDatabase } from '../../../src/store/open-database.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createPgPool } from '../../../src/store/postgres/pg-pool.js';
import { PG_MIGRATIONS, migratePostgres } from '../../../src/store/postgres/pg-migrations.js';
import { createPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, createTestSchema } from '../../support/postgres-test-schema.js';

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

/** What the previous schema version held before the upgrade: one theme route, one pending digest of one part, one item. */
export const PREVIOUS_VERSION_DATA = {
  route: { guildId: 'g1', theme: 'china-latam', channelId: 'c1' },
  digest: { schedule: 'daily', slotAt: 1_000, destination: 'channel:1' },
  item: { title: 'Cumbre del Mercosur en Asunción', summary: 'Los presidentes firman la declaración.', publishedAt: 1_000 },
} as const;

const SQLITE: Engine = {
  name: 'sqlite',
  open: async () => sqliteStore(openDatabase(':memory:')),
  async openUpgraded() {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.slice(0, -1));
    const { route, digest, item } = PREVIOUS_VERSION_DATA;
    db.prepare(`INSERT INTO theme_routes (guild_id, theme, channel_id, created_by, created_at) VALUES (?, ?, ?, 'u', 0)`).run(route.guildId, route.theme, route.channelId);
    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO digests (schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, created_at)
         VALUES (?, ?, 'schedule', ?, 0, ?, 1, '# d', 'pending', 5000)`,
      )
      .run(digest.schedule, digest.slotAt, digest.destination, digest.slotAt);
    db.prepare(`INSERT INTO digest_parts (digest_id, part, payload, nonce) VALUES (?, 1, '{}', 'nonce-1')`).run(lastInsertRowid);
    const feed = db.prepare(`INSERT INTO feeds (url, name, origin, created_at) VALUES ('https://a.example/rss', 'A', 'config', 0)`).run();
    db.prepare(
      `INSERT INTO items (feed_id, title, title_key, summary, language, source_key, published_at, dated, content_hash, fetched_at, updated_at)
       VALUES (?, ?, ?, ?, 'es', 'feed:1', ?, 1, 'h', ?, ?)`,
    ).run(feed.lastInsertRowid, item.title, item.title.toLowerCase(), item.summary, item.publishedAt, item.publishedAt, item.publishedAt);
    // From migration 12 on the item store indexes new items itself (no insert trigger): index this one as it would.
    const indexedByTrigger = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'items_fts_insert'`).get();
    if (!indexedByTrigger) db.prepare(`INSERT INTO items_fts (rowid, title, summary) SELECT id, title, summary FROM items`).run();
    migrate(db);
    return sqliteStore(db);
  },
};

/**
 * One schema per test file (test/support/postgres-test-schema.ts), migrated once and emptied for
 * each test (a migration per test costs half a second), dropped when the file is done.
 */
let fileSchema: Promise<{ pool: Pool; drop(): Promise<void> }> | undefined;
afterAll(async () => {
  const schema = await fileSchema;
  await schema?.pool.end();
  await schema?.drop();
});

async function emptyFileSchema(): Promise<Pool> {
  fileSchema ??= createTestSchema().then(async (schema) => {
    const pool = createPgPool(schema.url, { max: 4 });
    await migratePostgres(pool);
    return { pool, drop: schema.drop };
  });
  const { pool } = await fileSchema;
  const { rows } = await pool.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  );
  await pool.query(rows.map((row) => `DELETE FROM ${row.name};`).join('\n'));
  return pool;
}

const POSTGRES: Engine = {
  name: 'postgres',
  open: async () => postgresStore(await emptyFileSchema(), async () => undefined),
  // A schema of its own: it starts at the previous version.
  async openUpgraded() {
    const schema = await createTestSchema();
    const pool = createPgPool(schema.url, { max: 4 });
    await migratePostgres(pool, PG_MIGRATIONS.slice(0, -1));
    const { route, digest } = PREVIOUS_VERSION_DATA;
    await pool.query(`INSERT INTO theme_routes (guild_id, theme, channel_id, created_by, created_at) VALUES ($1, $2, $3, 'u', 0)`, [
      route.guildId,
      route.theme,
      route.channelId,
    ]);
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO digests (schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, created_at)
       VALUES ($1, $2, 'schedule', $3, 0, $2, 1, '# d', 'pending', 5000) RETURNING id`,
      [digest.schedule, digest.slotAt, digest.destination],
    );
    await pool.query(`INSERT INTO digest_parts (digest_id, part, payload, nonce) VALUES ($1, 1, '{}', 'nonce-1')`, [rows[0]?.id]);
    const { item } = PREVIOUS_VERSION_DATA;
    await pool.query(
      `WITH feed AS (INSERT INTO feeds (url, name, origin, created_at) VALUES ('https://a.example/rss', 'A', 'config', 0) RETURNING id)
       INSERT INTO items (feed_id, title, title_key, summary, language, source_key, published_at, dated, content_hash, fetched_at, updated_at)
       SELECT feed.id, $1, lower($1), $2, 'es', 'feed:' || feed.id, $3, true, 'h', $3, $3 FROM feed`,
      [item.title, item.summary, item.publishedAt],
    );
    await migratePostgres(pool);
    return postgresStore(pool, async () => {
      await pool.end();
      await schema.drop();
    });
  },
};

/**
 * The engines the contract suite runs against. Every test in test/store/contract/ runs once per
 * engine, so a second engine joins by adding an entry here. PostgreSQL joins when the tests are
 * given a server (SANCOCHO_TEST_DATABASE_URL).
 */
export const ENGINES: readonly Engine[] = TEST_DATABASE_URL ? [SQLITE, POSTGRES] : [SQLITE];

function sqliteStore(db: Database): OpenedStore {
  return {
    store: createSqliteStore(db),
    async close() {
      db.close();
    },
  };
}

function postgresStore(pool: Pool, close: () => Promise<void>): OpenedStore {
  return { store: createPostgresStore(pool), close };
}
