import { hostname } from 'node:os';
import pg from 'pg';
import type { WriterLockHolder } from '../writer-lock.js';

/** The first key of the single-writer advisory lock; the second is the schema, as for the other locks. */
const WRITER_KEY = 0x5ac0c42;
const SCHEMA_KEY = `COALESCE(current_schema()::regnamespace::oid::int, 0)`;
/** How the holder names itself to other sessions: PostgreSQL shows every session's application_name. */
const NAME_PREFIX = 'sancocho-writer';

export type PgWriterLock =
  | { kind: 'acquired'; release(): Promise<void> }
  | { kind: 'held'; holder: WriterLockHolder | null };

/**
 * One long-running writer per PostgreSQL schema until work is shared out between workers: a session
 * advisory lock on a connection of its own, held for as long as the process keeps that connection.
 * The server drops it when the process dies in any way, so it cannot go stale. A refused process
 * learns who holds it from the holder's session (its application_name and start time).
 */
export async function acquirePgWriterLock(url: string, command: string): Promise<PgWriterLock> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName(command) });
  // A connection the server drops later must not crash the process; the lock goes with it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${WRITER_KEY}, ${SCHEMA_KEY}) AS locked`);
    if (rows[0]?.locked) return { kind: 'acquired', release: () => client.end() };
    const holder = await client.query<{ name: string; since: Date }>(
      `SELECT a.application_name AS name, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${WRITER_KEY} AND l.objid = ${SCHEMA_KEY}::oid
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       LIMIT 1`,
    );
    await client.end();
    const row = holder.rows[0];
    return { kind: 'held', holder: row ? parseApplicationName(row.name, row.since.getTime()) : null };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** `sancocho-writer start 1234@host`, cut to the 63 bytes PostgreSQL keeps. */
function applicationName(command: string): string {
  return `${NAME_PREFIX} ${command} ${process.pid}@${hostname()}`.slice(0, 63);
}

function parseApplicationName(name: string, startedAt: number): WriterLockHolder | null {
  const match = /^sancocho-writer (\S+) (\d+)@(.*)$/.exec(name);
  return match ? { command: match[1] as string, pid: Number(match[2]), host: match[3] as string, startedAt } : null;
}
