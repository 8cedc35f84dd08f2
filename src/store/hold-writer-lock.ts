import { databaseTarget } from '../config/database-target.js';
import { DatabaseError } from '../core/errors.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { openDatabase } from './open-database.js';
import { acquireWriterLock, describeHeldLock } from './writer-lock.js';

/**
 * For the long-running commands, before anything else touches the database (a refused process must
 * not even sync its feed list into it): the single-writer lock, or a DatabaseError naming its holder
 * (exit 2). Release it after the app context is closed. On PostgreSQL it is an advisory lock per
 * schema, until work is shared out between workers.
 */
export async function holdWriterLock(database: string, command: string): Promise<{ release(): Promise<void> | void }> {
  const target = databaseTarget(database);
  if (target.kind === 'postgres') {
    const { acquirePgWriterLock } = await import('./postgres/pg-writer-lock.js');
    const lock = await acquirePgWriterLock(target.url, command).catch((error: unknown) => {
      throw new DatabaseError(`database ${redactCredentials(target.url)}: cannot take the single-writer lock (${redactCredentials(String((error as Error).message ?? error))})`, { cause: error });
    });
    if (lock.kind === 'held') throw new DatabaseError(describeHeldLock(redactCredentials(target.url), lock.holder));
    return lock;
  }
  const db = openDatabase(database);
  try {
    const lock = acquireWriterLock(db, database, command);
    if (lock.kind === 'held') throw new DatabaseError(describeHeldLock(database, lock.holder));
    return lock;
  } finally {
    db.close();
  }
}
