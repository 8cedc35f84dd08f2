import { statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DatabaseError } from '../core/errors.js';
import { MIGRATIONS } from './migrations.js';
import { openDatabase, type Database } from './open-database.js';
import { acquireWriterLock, describeHolder, type WriterLock, type WriterLockHolder } from './writer-lock.js';

/** A SQLite store opened to be copied elsewhere. */
export interface CopySource {
  /** The file, read-only, at the latest schema. */
  db: Database;
  /** The schema version the file had when it was older than this Sancocho's (it was upgraded first), else null. */
  upgradedFrom: number | null;
  /** With --force beside a running Sancocho: that process (null when it could not be named); else undefined. */
  liveWriter?: WriterLockHolder | null;
  close(): void;
}

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Opens an existing Sancocho file for a copy. An older schema is upgraded first, as any start
 * would; then the single-writer lock keeps a `sancocho start` off the file until the copy is done.
 * Refused (a DatabaseError in words) when the file is missing, not Sancocho's, from a newer
 * Sancocho, or held by a running Sancocho, whose writes during the copy would be missed, unless
 * `force` says to copy what it has written so far.
 */
export function openCopySource(file: string, options: { force: boolean }): CopySource {
  const version = schemaVersion(file);
  if (version === 0) throw new DatabaseError(`${file} holds no Sancocho data (a SQLite file without Sancocho's schema); is the path right?`);
  if (version > LATEST) {
    throw new DatabaseError(`${file} was written by a newer Sancocho (schema version ${version}; this one knows up to ${LATEST}); copy it with that version`);
  }
  const writable = openDatabase(file);
  let lock: WriterLock;
  try {
    lock = acquireWriterLock(writable, file, 'migrate');
    if (lock.kind === 'held' && !options.force) {
      throw new DatabaseError(
        `${file} is in use by ${describeHolder(lock.holder)}; what it writes during a copy would be missed. ` +
          'Stop it first, or pass --force to copy what it has written so far.',
      );
    }
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const held = lock;
    return {
      db,
      upgradedFrom: version < LATEST ? version : null,
      ...(held.kind === 'held' ? { liveWriter: held.holder } : {}),
      close() {
        db.close();
        if (held.kind !== 'held') held.release();
      },
    };
  } finally {
    writable.close();
  }
}

/** The file's schema version (0 for a SQLite file Sancocho never migrated), or why it has none. */
function schemaVersion(file: string): number {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new DatabaseError(code === 'ENOENT' || code === 'ENOTDIR' ? `${file}: no such file` : `${file} cannot be read (${code})`, { cause: error });
  }
  if (isDirectory) throw new DatabaseError(`${file} is a directory; give the path of the database file, e.g. ${path.join(file, 'sancocho.db')}`);
  let probe: Database | undefined;
  try {
    probe = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    return probe.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new DatabaseError(`${file} is not a SQLite database (is the path right?)`, { cause: error });
    throw error;
  } finally {
    probe?.close();
  }
}
