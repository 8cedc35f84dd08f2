import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrations.js';

export type { Database };

/** Opens (creating if needed) the embedded store, in WAL mode, migrated to the latest version. */
export function openDatabase(file: string): Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A larger page cache makes bm25 ranking markedly faster on big stores (FEEDS-FACTS).
  db.pragma('cache_size = -65536');
  migrate(db);
  return db;
}
