import pg from 'pg';

/** PostgreSQL's type ids for the 64-bit integers Sancocho stores: epoch-millisecond times, ids, counts. */
const INT8 = 20;

/**
 * A connection pool to `url`. 64-bit integers come back as numbers (pg's default is strings):
 * epoch milliseconds and ids stay far below 2^53. The parsers are this pool's own, so no other
 * user of `pg` in the process is affected.
 */
export function createPgPool(url: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 8,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
