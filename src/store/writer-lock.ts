import { hostname } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from './open-database.js';
import { writeTransaction } from './write-transaction.js';

export interface WriterLockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: number;
}

export type WriterLock =
  /** `predecessor`: the process that held it last (gone now), or null on a file never locked. */
  | { kind: 'acquired'; lockFile: string; predecessor: WriterLockHolder | null; release(): void }
  | { kind: 'held'; lockFile: string; holder: WriterLockHolder | null }
  /** An in-memory database belongs to this process alone. */
  | { kind: 'not-needed'; release(): void };

/**
 * One long-running writer per database file, so two `sancocho start` never send the same outbox
 * part twice. The lock is SQLite's own write lock on a sidecar file (`<database>.lock`), taken with
 * `BEGIN IMMEDIATE` and never committed: the operating system holds it for as long as the process
 * lives and drops it when the process dies in any way, kill -9 included, so it cannot go stale and
 * no pid has to be trusted (pids are reused, and differ between containers sharing a volume). The
 * holder's pid and host are written to the database to name it in the refusal, and so that the
 * next holder knows whose leases it may take back: `takeOver` runs in the same transaction that
 * records the new holder, so a crash cannot leave a holder recorded whose predecessor's leases were
 * not taken back. One-off commands never take it. Like SQLite's own locks, it needs a local file
 * system, not NFS.
 */
export function acquireWriterLock(
  db: Database,
  file: string,
  command: string,
  now = Date.now(),
  takeOver: (predecessor: WriterLockHolder | null) => void = () => undefined,
): WriterLock {
  if (file === ':memory:') return { kind: 'not-needed', release: () => undefined };
  const lockFile = `${file}.lock`;
  const lock = new BetterSqlite3(lockFile, { timeout: 0 });
  try {
    lock.exec('BEGIN IMMEDIATE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    return { kind: 'held', lockFile, holder: readHolder(db) };
  }
  let predecessor: WriterLockHolder | null;
  try {
    predecessor = writeTransaction(db, () => {
      const before = readHolder(db);
      db.prepare(
        `INSERT INTO writer_lock (id, pid, host, command, started_at) VALUES (1, @pid, @host, @command, @now)
         ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host, command = excluded.command, started_at = excluded.started_at`,
      ).run({ pid: process.pid, host: hostname(), command, now });
      takeOver(before);
      return before;
    })();
  } catch (error) {
    lock.close();
    throw error;
  }
  return { kind: 'acquired', lockFile, predecessor, release: () => lock.close() };
}

function readHolder(db: Database): WriterLockHolder | null {
  const row = db.prepare(`SELECT pid, host, command, started_at AS startedAt FROM writer_lock WHERE id = 1`).get();
  return (row as WriterLockHolder | undefined) ?? null;
}

/** The refusal as one sentence: who holds the file, since when, and what still works beside it. */
export function describeHeldLock(file: string, holder: WriterLockHolder | null): string {
  return (
    `${file} is in use by ${describeHolder(holder)}; only one long-running Sancocho may write to a database. ` +
    'Stop that one first; one-off commands (fetch --once, digest --once, feeds) work beside it.'
  );
}

/** The process holding the lock, as a person would look for it: command, pid, host and since when. */
export function describeHolder(holder: WriterLockHolder | null): string {
  return holder
    ? `\`sancocho ${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${new Date(holder.startedAt).toISOString()})`
    : 'another Sancocho process';
}
