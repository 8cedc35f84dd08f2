import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgPool } from '../../../src/store/postgres/pg-pool.js';
import { PG_MIGRATIONS, migratePostgres } from '../../../src/store/postgres/pg-migrations.js';
import { createPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../../support/postgres-test-schema.js';

// PostgreSQL only: advisory locks and type parsers have no SQLite counterpart (its file lock is tested in writer-lock tests).
describe.skipIf(!TEST_DATABASE_URL)('the PostgreSQL engine', () => {
  let schema: TestSchema;
  const pools: pg.Pool[] = [];
  const pool = () => {
    const created = createPgPool(schema.url, { max: 2 });
    pools.push(created);
    return created;
  };
  beforeEach(async () => {
    schema = await createTestSchema();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((each) => each.end()));
    await schema.drop();
  });

  it('migrates once when two processes start at the same moment', async () => {
    const latest = PG_MIGRATIONS.at(-1)?.version;
    expect(await Promise.all([migratePostgres(pool()), migratePostgres(pool())])).toEqual([latest, latest]);
    const { rows } = await pool().query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(PG_MIGRATIONS.map((migration) => migration.version));
  });

  it('finds nothing to do on a database already up to date', async () => {
    await migratePostgres(pool());
    const latest = PG_MIGRATIONS.at(-1)?.version;
    expect(await migratePostgres(pool())).toBe(latest);
  });

  it('runs transactions of two processes side by side (workers share a schema), a unique row still stored once', async () => {
    const [first, second] = [pool(), pool()];
    await migratePostgres(first);
    await Promise.all([first.query('SELECT 1'), second.query('SELECT 1')]);
    const add = (on: pg.Pool, channelId: string) =>
      createPostgresStore(on).withTransaction(async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return tx.routes.add({ guildId: 'g1', theme: 'china-latam', channelId }, 'u', 0);
      });
    const started = Date.now();
    expect((await Promise.all([add(first, 'c1'), add(second, 'c1')])).sort()).toEqual([false, true]);
    // Taking turns would have cost two sleeps.
    expect(Date.now() - started).toBeLessThan(790);
    expect(await createPostgresStore(first).routes.all()).toHaveLength(1);
  });

  it('reads 64-bit integers as numbers in its own pools, leaving pg as others use it', async () => {
    const ms = Date.UTC(2026, 10, 30);
    expect((await pool().query('SELECT $1::bigint AS at', [ms])).rows[0].at).toBe(ms);
    const plain = new pg.Pool({ connectionString: schema.url, max: 1 });
    pools.push(plain);
    expect((await plain.query('SELECT $1::bigint AS at', [ms])).rows[0].at).toBe(String(ms));
  });
});
