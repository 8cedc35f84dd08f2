import type { Pool, PoolClient } from 'pg';

/**
 * What the PostgreSQL ports run their statements on: the pool (each statement on whichever
 * connection is free) or the one connection of a transaction.
 */
export interface PgSession {
  /** The rows of one statement, with `$1`… parameters. */
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** The number of rows one statement changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `fn` as one transaction: a new one on the pool, or the caller's when already inside one. */
  atomic<T>(fn: (session: PgSession) => Promise<T>): Promise<T>;
}

/**
 * Every transaction first takes this advisory lock, per schema, so transactions take turns as
 * SQLite's BEGIN IMMEDIATE makes them: a read-then-write sees the writes of the one before it.
 */
const WRITE_LOCK = `SELECT pg_advisory_xact_lock(${0x5ac0c40}, COALESCE(current_schema()::regnamespace::oid::int, 0))`;

export function poolSession(pool: Pool): PgSession {
  return {
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
    execute: async (sql, params) => (await pool.query(sql, params as unknown[])).rowCount ?? 0,
    atomic: (fn) => inTransaction(pool, fn),
  };
}

async function inTransaction<T>(pool: Pool, fn: (session: PgSession) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await transactionOn(client, fn);
  } catch (error) {
    // A connection that failed mid-transaction may be unusable: the pool drops it rather than lend it again.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** One transaction on a connection the caller holds: committed when `fn` resolves, rolled back when it rejects. */
export async function transactionOn<T>(client: PoolClient, fn: (session: PgSession) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query(WRITE_LOCK);
    const result = await fn(clientSession(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function clientSession(client: PoolClient): PgSession {
  const session: PgSession = {
    query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    execute: async (sql, params) => (await client.query(sql, params as unknown[])).rowCount ?? 0,
    atomic: (fn) => fn(session),
  };
  return session;
}
