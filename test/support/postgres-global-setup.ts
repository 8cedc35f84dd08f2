import pg from 'pg';
import { TEST_DATABASE_URL } from './postgres-test-schema.js';

/**
 * Once per run, before any test file: say in one line that the PostgreSQL suites are skipped, or
 * prepare the test database. `unaccent` goes in `public` once, outside the per-file schemas: an
 * extension belongs to the whole database, and dropping the schema holding it would break the others.
 */
export default async function setup(): Promise<void> {
  if (!TEST_DATABASE_URL) {
    console.log(
      'PostgreSQL suites skipped: SANCOCHO_TEST_DATABASE_URL is not set (run them with SANCOCHO_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test)',
    );
    return;
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public`);
  } catch (error) {
    // Another run creating it at the same moment is as good as creating it here.
    if ((error as { code?: string }).code !== '23505' && (error as { code?: string }).code !== '42710') throw error;
  } finally {
    await client.end();
  }
}
