import { databaseTarget } from '../config/database-target.js';
import { DatabaseError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { openDatabase } from './open-database.js';
import { takeBackLeases, type TakenBack } from './sqlite/take-back-leases.js';
import { acquireWriterLock, describeHeldLock } from './writer-lock.js';

/**
 * For the long-running commands, before anything else touches the database (a refused process must
 * not even sync its feed list into it): on SQLite the single-writer lock, or a DatabaseError naming
 * its holder (exit 2); then what the previous holder (dead now) left leased is taken back at once,
 * in one log line. Release it after the app context is closed. On PostgreSQL several workers share
 * one schema, kept apart by row leases and targeted locks, so there is nothing to hold.
 */
export async function holdWriterLock(database: string, command: string, logger: Logger): Promise<{ release(): Promise<void> | void }> {
  const target = databaseTarget(database);
  if (target.kind === 'postgres') return { release: () => undefined };
  const db = openDatabase(target.file);
  try {
    // The lock proves no other long-running process holds them.
    let takenBack: TakenBack = { feeds: 0, parts: 0, slotClaims: 0 };
    const lock = acquireWriterLock(db, target.file, command, Date.now(), (predecessor) => {
      takenBack = takeBackLeases(db, predecessor);
    });
    if (lock.kind === 'held') throw new DatabaseError(describeHeldLock(target.file, lock.holder));
    if (lock.kind === 'acquired') {
      logger.info(
        { module: 'hold-writer-lock', predecessor: lock.predecessor?.pid ?? null, ...takenBack },
        `hold-writer-lock: took back from the previous holder${lock.predecessor ? ` (pid ${lock.predecessor.pid})` : ''} ` +
          `${takenBack.feeds} feed lease(s), ${takenBack.parts} outbox part lease(s) and ${takenBack.slotClaims} digest slot claim(s)`,
      );
    }
    return lock;
  } finally {
    db.close();
  }
}
