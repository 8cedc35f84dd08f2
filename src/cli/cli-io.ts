import { readEnvironment } from '../config/environment.js';
import { DatabaseError } from '../core/errors.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { createLogger, type Logger } from '../core/logger.js';
import { openDatabase } from '../store/open-database.js';
import { databaseTarget } from '../config/database-target.js';
import { acquireWriterLock, describeHeldLock } from '../store/writer-lock.js';

/** Where a command writes: real streams in the binary, buffers in tests. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Logs go to stderr so stdout carries only the command's result (tables, JSON). */
export function cliLogger(io: CliIO, defaultLevel: string): Logger {
  const level = readEnvironment(io.env).logLevel ?? defaultLevel;
  if (io.stderr === process.stderr) return createLogger({ level });
  return createLogger({ level, pretty: false, destination: io.stderr });
}

export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

/**
 * For the long-running commands, before anything else touches the database (a refused process must
 * not even sync its feed list into it): the single-writer lock, or a DatabaseError naming its holder
 * (exit 2). Release it after the app context is closed. On PostgreSQL it is an advisory lock per
 * schema, until work is shared out between workers.
 */
export async function holdWriterLock(database: string, command: string): Promise<{ release(): Promise<void> | void }> {
  const target = databaseTarget(database);
  if (target.kind === 'postgres') {
    const { acquirePgWriterLock } = await import('../store/postgres/pg-writer-lock.js');
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
