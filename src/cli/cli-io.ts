import type { AppContext } from '../app-context.js';
import { DatabaseError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
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
  const level = io.env.LOG_LEVEL ?? defaultLevel;
  if (io.stderr === process.stderr) return createLogger({ level });
  return createLogger({ level, pretty: false, destination: io.stderr });
}

export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

/**
 * For the long-running commands: the database's single-writer lock, or a DatabaseError naming its
 * holder (exit 2). Release it after the context is closed.
 */
export function holdWriterLock(ctx: AppContext, command: string): { release(): void } {
  const lock = acquireWriterLock(ctx.db, ctx.config.database, command);
  if (lock.kind === 'held') throw new DatabaseError(describeHeldLock(ctx.config.database, lock.holder));
  ctx.logger.debug({ module: 'writer-lock', database: ctx.config.database }, 'writer-lock: this process is the database\'s writer');
  return lock;
}
