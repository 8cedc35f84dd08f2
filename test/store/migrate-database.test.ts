import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { COPIED_TABLES, POSTGRES_ONLY_TABLES, isSqliteOnly } from '../../src/store/copied-tables.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createPgPool } from '../../src/store/postgres/pg-pool.js';
import { migratePostgres } from '../../src/store/postgres/pg-migrations.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { acquireWriterLock } from '../../src/store/writer-lock.js';
import { captureIO } from '../support/capture-io.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';
import { ASUNCION_ITEM, FAR_FUTURE, fillEveryTable } from './store-with-every-table.js';

interface TableJson {
  table: string;
  sqlite: number;
  postgres: number;
  copied: number;
  ok: boolean;
}

describe.skipIf(!TEST_DATABASE_URL)('sancocho migrate: a SQLite store copied into PostgreSQL', () => {
  let schema: TestSchema;
  let pool: Pool;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    schema = await createTestSchema();
    pool = createPgPool(schema.url, { max: 2 });
    await migratePostgres(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });
  beforeEach(async () => {
    // Identities restart too, so a test sees where the copy leaves them.
    await pool.query(`TRUNCATE ${COPIED_TABLES.join(', ')} RESTART IDENTITY`);
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-migrate-'));
    file = path.join(dir, 'sancocho.db');
    withFile((db) => fillEveryTable(db));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function withFile<T>(fn: (db: Database) => T): T {
    const db = openDatabase(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  async function migrateCli(...extra: string[]) {
    const io = captureIO({});
    const code = await runCli(['migrate', '--from', file, '--to', schema.url, ...extra], io);
    return { code, stdout: io.out(), stderr: io.err() };
  }

  async function migrateJson(...extra: string[]): Promise<{ code: number; tables: Map<string, TableJson>; report: Record<string, unknown> }> {
    const { code, stdout, stderr } = await migrateCli('--json', ...extra);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as { tables: TableJson[] };
    return { code, tables: new Map(report.tables.map((table) => [table.table, table])), report };
  }

  /** Every row of a table as SQLite holds it (PostgreSQL's booleans as 0/1, its search column left out), in one order. */
  async function rowsOf(table: string): Promise<{ sqlite: unknown[]; postgres: unknown[] }> {
    const sqlite = withFile((db) => db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]);
    const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    const postgres = rows.map(({ search: _search, ...row }) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'boolean' ? Number(value) : value])),
    );
    // The engines sort text differently (bytes, a locale): compare in an order of our own.
    const inOrder = (list: Record<string, unknown>[]) =>
      list.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return { sqlite: inOrder(sqlite), postgres: inOrder(postgres) };
  }

  it('copies every table with its ids, and counts as many rows on both sides', async () => {
    const { code, tables } = await migrateJson();
    expect(code).toBe(0);
    expect([...tables.keys()]).toEqual([...COPIED_TABLES]);
    for (const table of tables.values()) {
      expect(table.sqlite, `${table.table} has rows to copy`).toBeGreaterThan(0);
      expect(table).toEqual({ table: table.table, sqlite: table.sqlite, postgres: table.sqlite, copied: table.sqlite, ok: true });
    }
    for (const table of COPIED_TABLES) {
      const { sqlite, postgres } = await rowsOf(table);
      expect(postgres, table).toEqual(sqlite);
    }
  });

  it('keeps accents, NULLs, flags and epoch milliseconds as they were', async () => {
    await migrateCli();
    const { rows: items } = await pool.query(`SELECT id, title, guid, url, dated, backlog, published_at FROM items ORDER BY id`);
    expect(items[0]).toEqual({ id: 7, title: ASUNCION_ITEM.title, guid: 'dp-1', url: 'https://diariodelplata.example/a?utm_source=x', dated: true, backlog: false, published_at: FAR_FUTURE });
    expect(items[1]).toMatchObject({ id: 8, title: 'São Paulo recebe cúpula da CELAC', guid: null, url: null, dated: false, backlog: true });
    const { rows: waiting } = await pool.query(`SELECT item_id, model, reason FROM classifications WHERE awaiting_llm`);
    expect(waiting).toEqual([{ item_id: 8, model: null, reason: 'budget' }]);
    const { rows: decisions } = await pool.query(`SELECT hash_a, same FROM merge_decisions ORDER BY hash_a`);
    expect(decisions).toEqual([{ hash_a: 'h12', same: false }, { hash_a: 'h7', same: true }]);
  });

  it('leaves a copy that search finds, accents typed or not', async () => {
    await migrateCli();
    const store = createPostgresStore(pool);
    for (const query of ['asuncion', 'Asunción', 'union europea']) {
      const page = await store.search.search(query, {}, { offset: 0, limit: 10 }, FAR_FUTURE);
      expect(page.hits.map((hit) => hit.id), query).toEqual([ASUNCION_ITEM.id]);
    }
  });

  it('copies nothing twice: a second run copies 0 rows and says so', async () => {
    expect((await migrateCli()).code).toBe(0);
    const again = await migrateCli();
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Nothing new to copy: all \d+ rows of .* were already in /);
    expect(again.stdout).toMatch(/^items\s+3\s+3\s+0\s+ok$/m);
    expect(again.stdout).toContain('Every table holds as many rows in PostgreSQL as in the file.');
    const { tables } = await migrateJson();
    expect([...tables.values()].every((table) => table.copied === 0 && table.ok)).toBe(true);
  });

  it('after the file gained rows, copies only those', async () => {
    await migrateCli();
    withFile((db) =>
      db.exec(`
        INSERT INTO items (id, feed_id, guid, url, canonical_url, title, title_key, summary, language, source, source_key, published_at, dated, content_hash, fetched_at, updated_at)
          VALUES (13, 3, 'dp-2', NULL, NULL, 'Petro visita Caracas', 'petro visita caracas', '', 'es', NULL, 'feed:3', 1764500000000, 1, 'h13', 1764500000000, 1764500000000);
        INSERT INTO item_feeds (feed_id, entry_key, item_id, first_seen_at) VALUES (3, 'dp-2', 13, 1764500000000);
        INSERT INTO item_themes (item_id, theme, score) VALUES (13, 'venezuela-crisis', 0.9);
      `),
    );
    const { code, tables } = await migrateJson();
    expect(code).toBe(0);
    const copied = Object.fromEntries([...tables.values()].filter((table) => table.copied > 0).map((table) => [table.table, table.copied]));
    expect(copied).toEqual({ items: 1, item_feeds: 1, item_themes: 1 });
    expect(tables.get('items')).toMatchObject({ sqlite: 4, postgres: 4, ok: true });
  });

  it('moves PostgreSQL’s identities past the copied ids, so its next rows get new ones', async () => {
    await migrateCli();
    const store = createPostgresStore(pool);
    const { feed } = await store.feeds.add({ url: 'https://nuevo.example/rss', name: 'Nuevo' }, 'config', 0);
    expect(feed.id).toBe(6);
    const next = async (sql: string) => ((await pool.query<{ id: number }>(sql)).rows[0] as { id: number }).id;
    expect(
      await next(`INSERT INTO items (feed_id, title, title_key, summary, language, source_key, published_at, dated, content_hash, fetched_at, updated_at)
                  VALUES (3, 't', 't', '', 'es', 'k', 0, true, 'h', 0, 0) RETURNING id`),
    ).toBe(13);
    expect(await next(`INSERT INTO llm_usage (at, model, prompt_tokens, completion_tokens, total_tokens, items, mode) VALUES (0, 'm', 1, 1, 2, 1, 'plain') RETURNING id`)).toBe(5);
    expect(
      await next(`INSERT INTO digests (schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, created_at)
                  VALUES ('matutino', 1, 'manual', 'channel:1', 0, 1, 0, '', 'empty', 0) RETURNING id`),
    ).toBe(7);
  });

  it('upgrades a file of an older schema first, and says so', async () => {
    rmSync(file);
    const previous = MIGRATIONS.at(-2)?.version;
    const db = new BetterSqlite3(file);
    migrate(db, MIGRATIONS.filter((migration) => migration.version <= (previous ?? 0)));
    fillEveryTable(db);
    db.close();
    const { code, report, tables } = await migrateJson();
    expect(code).toBe(0);
    expect(report.upgradedFrom).toBe(previous);
    expect(tables.get('items')).toMatchObject({ copied: 3, ok: true });
  });

  it('refuses a file a running Sancocho holds, naming it, and copies beside it with --force', async () => {
    const running = openDatabase(file);
    const lock = acquireWriterLock(running, file, 'start');
    try {
      const refused = await migrateCli();
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^sancocho: .*sancocho\.db is in use by `sancocho start` \(pid \d+ on .*\); what it writes during a copy would be missed\. Stop it first, or pass --force/);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect((await pool.query(`SELECT COUNT(*) AS n FROM feeds`)).rows[0].n).toBe(0);

      const forced = await migrateJson('--force');
      expect(forced.code).toBe(0);
      expect(forced.report.liveWriter).toMatchObject({ command: 'start', pid: process.pid });
      expect(forced.tables.get('items')).toMatchObject({ copied: 3, ok: true });
    } finally {
      if (lock.kind === 'acquired') lock.release();
      running.close();
    }
  });

  it('exits 1 with MISMATCH when PostgreSQL holds rows the file does not', async () => {
    await pool.query(`INSERT INTO theme_routes (guild_id, theme, channel_id, created_by, created_at) VALUES ('9', 'china-latam', '9', 'x', 0)`);
    const { code, stdout } = await migrateCli();
    expect(code).toBe(1);
    expect(stdout).toMatch(/^theme_routes\s+1\s+2\s+1\s+MISMATCH$/m);
    expect(stdout).toContain('MISMATCH in theme_routes: PostgreSQL holds another number of rows than the file');
  });

  it('refuses, copying nothing, when PostgreSQL holds other data under the same keys', async () => {
    await pool.query(`INSERT INTO feeds (id, url, name, origin, created_at) VALUES (40, 'https://diariodelplata.example/rss', 'Otro', 'config', 0)`);
    const { code, stderr } = await migrateCli();
    expect(code).toBe(2);
    expect(stderr).toMatch(/^sancocho: copying items: PostgreSQL already holds other data under the same keys \(.*feed_id\)=\(3\).*\); copy into an empty database or schema\n$/);
    expect((await pool.query(`SELECT COUNT(*) AS n FROM items`)).rows[0].n).toBe(0);
  });
});

describe('the tables sancocho migrate copies', () => {
  it('are every table of SQLite’s schema but its own lock and full-text index', () => {
    const db = openDatabase(':memory:');
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    db.close();
    expect(tables.filter((table) => !isSqliteOnly(table)).sort()).toEqual([...COPIED_TABLES].sort());
  });

  it.skipIf(!TEST_DATABASE_URL)('are every table of PostgreSQL’s schema but its migrations', async () => {
    const schema = await createTestSchema();
    const pool = createPgPool(schema.url, { max: 1 });
    try {
      await migratePostgres(pool);
      const { rows } = await pool.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`);
      const copied = rows.map((row) => row.name).filter((name) => name !== 'schema_migrations' && !(name in POSTGRES_ONLY_TABLES));
      expect(copied.sort()).toEqual([...COPIED_TABLES].sort());
    } finally {
      await pool.end();
      await schema.drop();
    }
  });
});
