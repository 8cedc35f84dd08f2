import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the tests may use (`SANCOCHO_TEST_DATABASE_URL`, e.g.
 * postgres://postgres@127.0.0.1:5432/test); without it the PostgreSQL suites are skipped
 * (test/support/postgres-global-setup.ts says so once).
 */
export const TEST_DATABASE_URL = process.env.SANCOCHO_TEST_DATABASE_URL || undefined;

export interface TestSchema {
  /** The database URL with this schema as its search_path: every connection made from it works there alone. */
  url: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * A new, empty schema of its own, so test files (and the tests in them) run in parallel on one
 * database and leave nothing behind once dropped.
 */
export async function createTestSchema(): Promise<TestSchema> {
  const base = requireTestDatabaseUrl();
  const name = `sancocho_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(base, (client) => client.query(`CREATE SCHEMA ${name}`));
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.toString(),
    async drop() {
      await withAdmin(base, (client) => client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`));
    },
  };
}

export function requireTestDatabaseUrl(): string {
  if (!TEST_DATABASE_URL) throw new Error('SANCOCHO_TEST_DATABASE_URL is not set');
  return TEST_DATABASE_URL;
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
