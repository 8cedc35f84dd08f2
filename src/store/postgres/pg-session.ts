import type { Pool, PoolClient, QueryConfig } from 'pg';

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
 * The first key of each kind of short advisory lock; the second is a hash of the schema and what is
 * locked. Several workers share a schema, so transactions run side by side: correctness comes from
 * row locks, unique constraints and these locks, taken only where a race really needs one.
 */
export const LOCK_SPACE = {
  /** Claiming feeds: per-host counts are read, then leases written. */
  claim: 0x5ac0c43,
  /** One story (a canonical URL, or a source and headline): two feeds saving it at once store it once. */
  story: 0x5ac0c44,
  /** Syncing the feed list with the config file, which several workers do as they start. */
  configSync: 0x5ac0c45,
  /** Deciding priority alerts, which every poller does after its cycle. */
  alerts: 0x5ac0c46,
} as const;

/**
 * Takes the transaction-scoped advisory locks of `keys` in `space`, in one order (so two
 * transactions locking overlapping keys never deadlock), waiting for whoever holds them; they are
 * released at commit or rollback. Call only inside `atomic`.
 */
export async function lockKeys(session: PgSession, space: number, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await session.query(
    `SELECT pg_advisory_xact_lock($1::int, s.h) FROM (SELECT DISTINCT hashtext(current_schema() || ':' || k) AS h FROM unnest($2::text[]) AS k ORDER BY 1) AS s`,
    [space, keys],
  );
}

/**
 * Statements with parameters are prepared once per connection under a name (pg keeps them per
 * client): the server then neither parses nor plans them again, which was a good share of the
 * poll cycle's CPU on PostgreSQL. The texts are the ports' fixed SQL, so the names stay few;
 * past MAX_PREPARED texts (a bug building SQL from data) statements simply go unnamed.
 * Statements without parameters (migrations, BEGIN) keep the simple protocol, which allows several
 * statements in one text.
 */
const prepared = new Map<string, string>();
const MAX_PREPARED = 1000;

function statement(sql: string, params: readonly unknown[] | undefined): QueryConfig {
  if (params === undefined || params.length === 0) return { text: sql };
  let name = prepared.get(sql);
  if (name === undefined && prepared.size < MAX_PREPARED) prepared.set(sql, (name = `sancocho_${prepared.size + 1}`));
  return name === undefined ? { text: sql, values: params as unknown[] } : { name, text: sql, values: params as unknown[] };
}

export function poolSession(pool: Pool): PgSession {
  return {
    query: async (sql, params) => (await pool.query(statement(sql, params))).rows,
    execute: async (sql, params) => (await pool.query(statement(sql, params))).rowCount ?? 0,
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
    query: async (sql, params) => (await client.query(statement(sql, params))).rows,
    execute: async (sql, params) => (await client.query(statement(sql, params))).rowCount ?? 0,
    atomic: (fn) => fn(session),
  };
  return session;
}
