import pg from 'pg';

/** PostgreSQL's type ids for the 64-bit integers Sancocho stores: epoch-millisecond times, ids, counts. */
const INT8 = 20;

/** How long opening one connection may take: a server that accepts but never answers is an error, not a hang. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface PgPoolOptions {
  max?: number;
  connectTimeoutMs?: number;
}

/**
 * A connection pool to `url`. 64-bit integers come back as numbers (pg's default is strings):
 * epoch milliseconds and ids stay far below 2^53. The parsers are this pool's own, so no other
 * user of `pg` in the process is affected.
 */
export function createPgPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 8,
    // The timeout is the client's own: pg-pool would also apply `connectionTimeoutMillis` to a query
    // waiting for a free connection, which a busy cycle may rightly do for longer.
    Client: class TimedClient extends pg.Client {
      constructor(config?: string | pg.ClientConfig) {
        super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: connectTimeoutMs });
      }
    },
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
