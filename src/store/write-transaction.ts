import type { Database } from 'better-sqlite3';

/**
 * A transaction that begins as `BEGIN IMMEDIATE`: it takes the write lock first, so a second writer
 * waits `busy_timeout` for it. A deferred one begins as a reader, and when it must write after
 * another process wrote, SQLite fails it at once with "database is locked" (busy_timeout never applies).
 */
export function writeTransaction<Args extends unknown[], Result>(db: Database, fn: (...args: Args) => Result): (...args: Args) => Result {
  const transaction = db.transaction(fn);
  return (...args) => transaction.immediate(...args);
}
