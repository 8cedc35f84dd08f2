// CI: is the PostgreSQL server of SANCOCHO_TEST_DATABASE_URL reachable, with unaccent available?
// Uses `pg` from node_modules (installed by `npm ci`), so it needs no psql on the machine.
import pg from 'pg';

const url = process.env.SANCOCHO_TEST_DATABASE_URL;
const shown = (url ?? '').replace(/(\/\/[^/:@]*):[^@/]*@/, '$1:***@');
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  const { rows } = await client.query(`SELECT current_setting('server_version') AS version,
    EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') AS unaccent`);
  if (!rows[0].unaccent) throw new Error('the unaccent extension is not available on this server (install postgresql-contrib)');
  console.log(`check-postgres: PostgreSQL ${rows[0].version} at ${shown}`);
} catch (error) {
  console.error(`check-postgres: PostgreSQL at ${shown} is not usable for the tests: ${error.message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
}
