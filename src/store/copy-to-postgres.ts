import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { DatabaseError } from '../core/errors.js';
import { COPIED_TABLES, type CopiedTable } from './copied-tables.js';
import { poolSession, type PgSession } from './postgres/pg-session.js';

/** One table after a copy: the rows each side holds, and how many this copy added. */
export interface TableCount {
  table: CopiedTable;
  sqlite: number;
  postgres: number;
  copied: number;
}

/** Rows per INSERT: large enough that round trips do not dominate, small enough to stay a few MB. */
const BATCH_ROWS = 2000;

/**
 * Copies every table of a SQLite store into a PostgreSQL one, both at their latest schema, keeping
 * ids so that every reference still points at its row. The file is read as one snapshot, a batch
 * at a time (a million items never sit in memory), and written in one transaction: an interrupted
 * copy leaves nothing half done. A row whose key is already there is skipped, so copying again adds
 * only the rows that are new. Identity sequences are then moved past the highest id, so the rows
 * PostgreSQL writes next get new ids. `onTable` hears of each table as it is done.
 */
export async function copyToPostgres(
  source: Database,
  target: Pool,
  options: { batchRows?: number; onTable?: (table: CopiedTable, copied: number) => void } = {},
): Promise<TableCount[]> {
  const batchRows = options.batchRows ?? BATCH_ROWS;
  // One read transaction: every table as of one moment, even with a writer beside it (--force).
  source.exec('BEGIN');
  try {
    const copied = await poolSession(target).atomic(async (session) => {
      const added = new Map<CopiedTable, number>();
      for (const table of COPIED_TABLES) {
        added.set(table, await copyTable(source, session, table, batchRows));
        options.onTable?.(table, added.get(table) ?? 0);
      }
      for (const table of COPIED_TABLES) await raiseIdentities(session, table);
      return added;
    });
    const counted = COPIED_TABLES.map((table) => ({
      table,
      sqlite: source.prepare(`SELECT COUNT(*) FROM ${quoted(table)}`).pluck().get() as number,
      copied: copied.get(table) ?? 0,
    }));
    const counts: TableCount[] = [];
    for (const row of counted) {
      const { rows } = await target.query<{ count: number }>(`SELECT COUNT(*) AS count FROM ${quoted(row.table)}`);
      counts.push({ ...row, postgres: rows[0]?.count ?? 0 });
    }
    return counts;
  } finally {
    source.exec('COMMIT');
  }
}

interface Column {
  name: string;
  /** PostgreSQL's name for the column's type, e.g. `bigint`, `double precision`. */
  type: string;
}

/**
 * One table, a batch at a time, with one batch in flight: the next is read from SQLite while
 * PostgreSQL inserts the last. Returns the rows inserted (those already there are not).
 */
async function copyTable(source: Database, session: PgSession, table: CopiedTable, batchRows: number): Promise<number> {
  const columns = await columnsOf(source, session, table);
  const names = columns.map((column) => quoted(column.name)).join(', ');
  const arrays = columns.map((column, index) => `$${index + 1}::${column.type}[]`).join(', ');
  const key = (await primaryKeyOf(session, table)).map((column) => `t.${quoted(column)} = r.${quoted(column)}`).join(' AND ');
  // Rows already there are left out before PostgreSQL computes their generated columns (an item's
  // tsvector), which ON CONFLICT alone would not spare; it still guards the other unique keys.
  const insertSql =
    `INSERT INTO ${quoted(table)} (${names}) SELECT * FROM unnest(${arrays}) AS r (${names}) ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${quoted(table)} t WHERE ${key}) ON CONFLICT DO NOTHING`;
  // SQLite keeps flags as 0/1.
  const convert = columns.map((column) => (column.type === 'boolean' ? (value: unknown) => (value === null ? null : value !== 0) : undefined));
  const insert = async (rows: unknown[][]) => {
    const params = columns.map((_, index) => rows.map((row) => (convert[index] ? convert[index](row[index]) : row[index])));
    try {
      return await session.execute(insertSql, params);
    } catch (error) {
      throw explainInsertFailure(table, error);
    }
  };

  let copied = 0;
  let inFlight: Promise<number> = Promise.resolve(0);
  // Awaited below; this only keeps a failure while the next batch is read from being reported as unhandled.
  const watch = (sent: Promise<number>) => (sent.catch(() => undefined), sent);
  let batch: unknown[][] = [];
  for (const row of source.prepare(`SELECT ${names} FROM ${quoted(table)}`).raw(true).iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length < batchRows) continue;
    copied += await inFlight;
    inFlight = watch(insert(batch));
    batch = [];
  }
  copied += await inFlight;
  if (batch.length > 0) copied += await insert(batch);
  return copied;
}

/** The columns to copy: PostgreSQL's own, less the generated ones (search), which SQLite must have too. */
async function columnsOf(source: Database, session: PgSession, table: CopiedTable): Promise<Column[]> {
  const columns = await session.query<Column>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [table],
  );
  const inSqlite = new Set(source.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
  const inPostgres = new Set(columns.map((column) => column.name));
  const differ = [...inSqlite].filter((name) => !inPostgres.has(name)).concat([...inPostgres].filter((name) => !inSqlite.has(name)));
  if (differ.length > 0) {
    throw new DatabaseError(`${table}: the columns ${differ.join(', ')} are not on both sides; both databases must be at the schema this Sancocho writes`);
  }
  return columns;
}

/** The columns of a table's primary key. */
async function primaryKeyOf(session: PgSession, table: CopiedTable): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [table],
  );
  return rows.map((row) => row.name);
}

/** A reference to a row that is not there means the target held other data under the same keys. */
function explainInsertFailure(table: CopiedTable, error: unknown): unknown {
  const { code, detail } = error as { code?: string; detail?: string };
  if (code !== '23503') return error;
  return new DatabaseError(
    `copying ${table}: PostgreSQL already holds other data under the same keys (${detail ?? 'a reference is missing'}); copy into an empty database or schema`,
    { cause: error },
  );
}

/** Moves each identity past the table's highest id; never back, so ids PostgreSQL handed out stay used. */
async function raiseIdentities(session: PgSession, table: CopiedTable): Promise<void> {
  const identities = await session.query<{ column: string; sequence: string }>(
    `SELECT attname AS column, pg_get_serial_sequence($1, attname) AS sequence FROM pg_attribute
     WHERE attrelid = $1::regclass AND attidentity <> ''`,
    [table],
  );
  for (const { column, sequence } of identities) {
    await session.query(
      `SELECT setval($1::regclass, top.id) FROM (SELECT MAX(${quoted(column)}) AS id FROM ${quoted(table)}) top, ${sequence} s
       WHERE top.id > CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END`,
      [sequence],
    );
  }
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
