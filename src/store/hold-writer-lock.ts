import { databaseTarget } from '../config/database-target.js';
import { DatabaseError } from '../core/errors.js';
import { openDatabase } from './open-database.js';
import { acquireWriterLock, describeHeldLock } from './writer-lock.js';

/**
 * For the long-running commands, before anything else touches the database (a refused process must
 * not even sync its feed list into it): on SQLite the single-writer lock, or a DatabaseError naming
 * its holder (exit 2); release it after the app context is closed. On PostgreSQL several workers
 * share one schema, kept apart by row leases and targeted locks, so there is nothing to hold.
 */
export async function holdWriterLock(database: string, command: string): Promise<{ release(): Promise<void> | void }> {
  const target = databaseTarget(database);
  if (target.kind === 'postgres') return { release: () => undefined };
  const db = openDatabase(target.file);
  try {
    const lock = acquireWriterLock(db, target.file, command);
    if (lock.kind === 'held') throw new DatabaseError(describeHeldLock(target.file, lock.holder));
    return lock;
  } finally {
    db.close();
  }
}
