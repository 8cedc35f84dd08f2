import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database) => void;
}

/**
 * Numbered migrations, applied in order inside one transaction each; `PRAGMA user_version`
 * records the last one applied. Never edit a released migration: add the next number.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'feeds, items and full-text search',
    up: (db) =>
      db.exec(`
        CREATE TABLE feeds (
          id INTEGER PRIMARY KEY,
          url TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          language TEXT,
          interval_minutes INTEGER,
          origin TEXT NOT NULL CHECK (origin IN ('config', 'user')),
          status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'failing', 'disabled')),
          etag TEXT,
          last_modified TEXT,
          next_due_at INTEGER NOT NULL DEFAULT 0,
          last_polled_at INTEGER,
          last_success_at INTEGER,
          last_http_status INTEGER,
          consecutive_errors INTEGER NOT NULL DEFAULT 0,
          last_error_kind TEXT,
          last_error_message TEXT,
          last_error_at INTEGER,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX feeds_due ON feeds (status, next_due_at);

        -- One row per story instance. Ids rise with insertion time, which search uses as a cheap time window.
        CREATE TABLE items (
          id INTEGER PRIMARY KEY,
          feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
          guid TEXT,
          url TEXT,
          canonical_url TEXT,
          title TEXT NOT NULL,
          title_key TEXT NOT NULL,
          summary TEXT NOT NULL,
          language TEXT NOT NULL,
          source TEXT,
          source_key TEXT NOT NULL,
          published_at INTEGER NOT NULL,
          dated INTEGER NOT NULL,
          content_hash TEXT NOT NULL,
          backlog INTEGER NOT NULL DEFAULT 0,
          fetched_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX items_canonical_url ON items (canonical_url) WHERE canonical_url IS NOT NULL;
        CREATE INDEX items_source_title ON items (source_key, title_key);
        CREATE INDEX items_published ON items (published_at);
        CREATE INDEX items_feed ON items (feed_id);

        -- Every feed an item appeared in, under the key that feed gave it (guid, else URL, else title).
        CREATE TABLE item_feeds (
          feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
          entry_key TEXT NOT NULL,
          item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
          first_seen_at INTEGER NOT NULL,
          PRIMARY KEY (feed_id, entry_key)
        ) WITHOUT ROWID;
        CREATE INDEX item_feeds_item ON item_feeds (item_id);

        CREATE VIRTUAL TABLE items_fts USING fts5 (
          title, summary,
          content = 'items', content_rowid = 'id',
          tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
          INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary);
        END;
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
          INSERT INTO items_fts (items_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary);
        END;
        CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary ON items BEGIN
          INSERT INTO items_fts (items_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary);
          INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary);
        END;
      `),
  },
];

export function migrate(db: Database, migrations: Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
