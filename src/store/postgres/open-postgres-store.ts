import type { Pool } from 'pg';
import { DatabaseError } from '../../core/errors.js';
import { redactCredentials } from '../../core/redact-credentials.js';
import { createPgPool, type PgPoolOptions } from './pg-pool.js';
import { migratePostgres } from './pg-migrations.js';
import { createPostgresStore } from './postgres-store.js';

/**
 * Connects to the PostgreSQL server at `url` and migrates it (under the migration lock, so several
 * processes may start at once). A server that cannot be reached or used is a DatabaseError naming
 * the URL without its password.
 */
export async function openPostgresStore(
  url: string,
  options: PgPoolOptions = {},
): Promise<{ store: ReturnType<typeof createPostgresStore>; close(): Promise<void> }> {
  const { pool } = await openMigratedPool(url, options);
  return { store: createPostgresStore(pool), close: () => pool.end() };
}

/**
 * A pool to the server at `url`, its schema migrated to the latest version this code knows, and the
 * version it is at (higher when a newer Sancocho migrated it). Failures as openPostgresStore's.
 */
export async function openMigratedPool(url: string, options: PgPoolOptions = {}): Promise<{ pool: Pool; version: number }> {
  const pool = createPgPool(url, options);
  try {
    return { pool, version: await migratePostgres(pool) };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseError(`database ${redactCredentials(url)}: ${unusableReason(error)}`, { cause: error });
  }
}

/** Connection and permission failures in words; the server's own message for anything else. */
function unusableReason(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT') {
    return `cannot connect to the PostgreSQL server (${code}); is it running, and are the host and port right?`;
  }
  // pg's own words when the connect timeout fires (its errors carry no code for it).
  if (message === 'timeout expired' || message === 'Connection terminated due to connection timeout') {
    return 'the PostgreSQL server did not answer the connection in time; is it a PostgreSQL server, and is it overloaded?';
  }
  if (code === '28P01' || code === '28000') return `the server refused the login (${redactCredentials(message ?? code)})`;
  if (code === '3D000') return `no such database (${message ?? code})`;
  if (code === '42501') return `permission denied while migrating (${message ?? code}); the user needs CREATE on the schema`;
  return redactCredentials(message ?? String(error));
}
