import { databaseTarget } from '../config/database-target.js';
import type { createPostgresStore } from './postgres/postgres-store.js';
import { openDatabase } from './open-database.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';

/** An open store of either engine, and how to close it. */
export interface OpenStore {
  engine: 'sqlite' | 'postgres';
  store: ReturnType<typeof createSqliteStore> | ReturnType<typeof createPostgresStore>;
  close(): Promise<void>;
}

/**
 * Opens the store `database` names, migrated to the latest version: a SQLite file by default, a
 * PostgreSQL server for a postgres:// URL. The PostgreSQL engine (and the `pg` driver) is loaded
 * only then, so the embedded default starts without it.
 */
export async function openStore(database: string): Promise<OpenStore> {
  const target = databaseTarget(database);
  if (target.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres/open-postgres-store.js');
    return { engine: 'postgres', ...(await openPostgresStore(target.url)) };
  }
  const db = openDatabase(target.file);
  return {
    engine: 'sqlite',
    store: createSqliteStore(db),
    async close() {
      db.close();
    },
  };
}
