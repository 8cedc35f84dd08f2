import type { Database } from 'better-sqlite3';
import { writeTransaction } from './write-transaction.js';

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
  {
    version: 2,
    name: 'theme classifications, LLM cache and token usage',
    up: (db) =>
      db.exec(`
        -- The current classification of each item. content_hash is the item's hash when it was
        -- classified: once the item's wording changes the row is stale and the item is classified again.
        CREATE TABLE classifications (
          item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
          content_hash TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('offline', 'llm')),
          model TEXT,
          prompt_version TEXT,
          themes TEXT NOT NULL,
          scores TEXT NOT NULL,
          evidence TEXT NOT NULL,
          -- Why an item got offline labels although an LLM is configured (budget, failure, no regional signal).
          reason TEXT,
          classified_at INTEGER NOT NULL
        );

        -- The themes of each current classification, one row per theme, for digests and search.
        CREATE TABLE item_themes (
          item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
          theme TEXT NOT NULL,
          score REAL NOT NULL,
          PRIMARY KEY (item_id, theme)
        ) WITHOUT ROWID;
        CREATE INDEX item_themes_theme ON item_themes (theme, item_id);

        -- LLM answers by content, so the same text is never sent twice to the same model and prompt.
        CREATE TABLE llm_cache (
          content_hash TEXT NOT NULL,
          model TEXT NOT NULL,
          prompt_version TEXT NOT NULL,
          themes TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (content_hash, model, prompt_version)
        ) WITHOUT ROWID;

        -- One row per chat completion that came back with usage, for the daily token budget.
        CREATE TABLE llm_usage (
          id INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          model TEXT NOT NULL,
          prompt_tokens INTEGER NOT NULL,
          completion_tokens INTEGER NOT NULL,
          total_tokens INTEGER NOT NULL,
          items INTEGER NOT NULL,
          mode TEXT NOT NULL
        );
        CREATE INDEX llm_usage_at ON llm_usage (at);
      `),
  },
  {
    version: 3,
    name: 'digest outbox, schedules, destination errors and overview cache',
    up: (db) =>
      db.exec(`
        -- When each digest schedule was first seen: a slot before that was never missed, only never due.
        CREATE TABLE digest_schedules (
          name TEXT PRIMARY KEY,
          first_seen_at INTEGER NOT NULL
        );

        -- One digest per schedule, slot and destination, written with all its parts before anything is sent.
        CREATE TABLE digests (
          id INTEGER PRIMARY KEY,
          schedule TEXT NOT NULL,
          slot_at INTEGER NOT NULL,
          trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'catch-up', 'manual')),
          destination TEXT NOT NULL,
          window_from INTEGER NOT NULL,
          window_to INTEGER NOT NULL,
          stories INTEGER NOT NULL,
          markdown TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'empty')),
          error TEXT,
          created_at INTEGER NOT NULL,
          completed_at INTEGER,
          UNIQUE (schedule, slot_at, destination)
        );
        CREATE INDEX digests_status ON digests (status, id);

        -- The messages of a digest, in order; sent only after the previous part was accepted.
        CREATE TABLE digest_parts (
          digest_id INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
          part INTEGER NOT NULL,
          payload TEXT NOT NULL,
          nonce TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
          message_id TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          sent_at INTEGER,
          PRIMARY KEY (digest_id, part)
        ) WITHOUT ROWID;

        -- Destinations Discord refused (403 missing access, 404 unknown channel or webhook).
        CREATE TABLE destination_errors (
          destination TEXT PRIMARY KEY,
          error TEXT NOT NULL,
          at INTEGER NOT NULL
        );

        -- LLM theme overviews by prompt version, model, language, theme and stories.
        CREATE TABLE digest_overviews (
          key TEXT PRIMARY KEY,
          text TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
      `),
  },
  {
    version: 4,
    name: 'theme routes set from Discord',
    up: (db) =>
      db.exec(`
        -- /subscribe: a server's choice to receive one theme's digest entries in one of its channels.
        CREATE TABLE theme_routes (
          guild_id TEXT NOT NULL,
          theme TEXT NOT NULL,
          channel_id TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (guild_id, theme, channel_id)
        ) WITHOUT ROWID;
      `),
  },
  {
    version: 5,
    name: 'stories delivered per destination',
    up: (db) =>
      db.exec(`
        -- The items each digest part carries, with the title they had, written with the part.
        CREATE TABLE digest_part_items (
          digest_id INTEGER NOT NULL,
          part INTEGER NOT NULL,
          item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
          title TEXT NOT NULL,
          PRIMARY KEY (digest_id, part, item_id),
          FOREIGN KEY (digest_id, part) REFERENCES digest_parts (digest_id, part) ON DELETE CASCADE
        ) WITHOUT ROWID;

        -- Every item a destination has received in a digest, with the title it had then: a later
        -- digest to that destination leaves the story out unless its title changed.
        CREATE TABLE delivered_items (
          destination TEXT NOT NULL,
          item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
          title TEXT NOT NULL,
          digest_id INTEGER NOT NULL,
          delivered_at INTEGER NOT NULL,
          PRIMARY KEY (destination, item_id)
        ) WITHOUT ROWID;

        -- A part's items are delivered when, and only when, the part is marked sent (Discord accepted
        -- it), in the same statement's transaction, whichever code path marks it.
        CREATE TRIGGER digest_part_delivered AFTER UPDATE OF status ON digest_parts
          WHEN new.status = 'sent' AND old.status != 'sent'
        BEGIN
          INSERT INTO delivered_items (destination, item_id, title, digest_id, delivered_at)
            SELECT d.destination, i.item_id, i.title, new.digest_id, COALESCE(new.sent_at, 0)
            FROM digest_part_items i JOIN digests d ON d.id = i.digest_id
            WHERE i.digest_id = new.digest_id AND i.part = new.part
          ON CONFLICT (destination, item_id) DO UPDATE SET
            title = excluded.title, digest_id = excluded.digest_id, delivered_at = excluded.delivered_at;
        END;
      `),
  },
  {
    version: 6,
    name: 'the server that added a feed from Discord owns it',
    up: (db) =>
      db.exec(`
        -- The Discord server (guild id) whose admin added the feed: only that server sees and removes it.
        -- NULL for config feeds (the operator's) and for feeds added before owners were recorded (shared).
        ALTER TABLE feeds ADD COLUMN guild_id TEXT;
      `),
  },
  {
    version: 7,
    name: 'LLM response modes, usage by purpose, offline labels awaiting the LLM',
    up: (db) =>
      db.exec(`
        -- The response format that worked with a server and model, so a restart does not rediscover it.
        CREATE TABLE llm_modes (
          server TEXT NOT NULL,
          model TEXT NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('json_schema', 'json_object', 'plain')),
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (server, model)
        ) WITHOUT ROWID;
        -- Digest overviews spend tokens from the same daily budget as classification.
        ALTER TABLE llm_usage ADD COLUMN purpose TEXT NOT NULL DEFAULT 'classify';
        -- Offline labels given because the budget was spent or the server was out: asked again later.
        ALTER TABLE classifications ADD COLUMN awaiting_llm INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX classifications_awaiting_llm ON classifications (item_id) WHERE awaiting_llm = 1;
      `),
  },
  {
    version: 8,
    name: 'the long-running writer holding the database',
    up: (db) =>
      db.exec(`
        -- Who holds the writer lock (see writer-lock.ts), so a second \`sancocho start\` can name it.
        CREATE TABLE writer_lock (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          pid INTEGER NOT NULL,
          host TEXT NOT NULL,
          command TEXT NOT NULL,
          started_at INTEGER NOT NULL
        );
      `),
  },
  {
    version: 9,
    name: 'when a digest part was last handed to Discord',
    up: (db) =>
      db.exec(`
        -- Set before each send leaves: a pending part with it set may already be in the channel
        -- (a crash or a stop while the send was in flight) and is looked up there before it is sent again.
        ALTER TABLE digest_parts ADD COLUMN attempted_at INTEGER;
      `),
  },
  {
    version: 10,
    name: 'feeds follow permanent redirects',
    up: (db) =>
      db.exec(`
        -- The target of a 301/308 seen on the last polls, and on how many in a row; after 3 it becomes the URL.
        ALTER TABLE feeds ADD COLUMN moved_to TEXT;
        ALTER TABLE feeds ADD COLUMN moved_seen INTEGER NOT NULL DEFAULT 0;
        -- The URL the feed had before it first moved: the config file may still list it.
        ALTER TABLE feeds ADD COLUMN original_url TEXT;
      `),
  },
  {
    version: 11,
    name: 'the LLM settles uncertain story merges',
    up: (db) =>
      db.exec(`
        -- Whether two texts (content hashes, hash_a < hash_b) report the same event, as an LLM said
        -- when asked about a pair clustering was unsure of; digests merge the confirmed ones.
        CREATE TABLE merge_decisions (
          hash_a TEXT NOT NULL,
          hash_b TEXT NOT NULL,
          same INTEGER NOT NULL,
          model TEXT NOT NULL,
          decided_at INTEGER NOT NULL,
          PRIMARY KEY (hash_a, hash_b)
        ) WITHOUT ROWID;
      `),
  },
  {
    version: 12,
    name: 'full-text rows written once per feed',
    up: (db) =>
      db.exec(`
        -- The item store indexes a feed's new items in one statement (a third faster than a trigger
        -- per row); updates and deletes keep their triggers.
        DROP TRIGGER IF EXISTS items_fts_insert;
      `),
  },
  {
    version: 13,
    name: 'feed leases for pollers',
    up: (db) =>
      db.exec(`
        -- The worker polling a feed right now, and until when its lease holds (a worker that dies
        -- leaves it to expire, and another takes the feed over). NULL when no one polls it.
        ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
        ALTER TABLE feeds ADD COLUMN lease_until INTEGER;
      `),
  },
  {
    version: 14,
    name: 'priority alerts: their records, the servers\' rules and mutes, and edits in the outbox',
    up: (db) =>
      db.exec(`
        -- What was decided for a story and an alert destination (see core/alert.ts): one row per alert,
        -- rewritten as outlets join; a post's row is written in the transaction that queues its message.
        CREATE TABLE alerts (
          alert_id TEXT PRIMARY KEY,
          destination TEXT NOT NULL,
          -- The outbox key it posts to (channel:<id>, webhook:<id>, preview): the digest marks its stories there.
          target TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('sent', 'waiting', 'to-digest')),
          item_ids TEXT NOT NULL,
          outlets TEXT NOT NULL,
          outlets_at_alert INTEGER NOT NULL,
          reasons TEXT NOT NULL,
          decided_at INTEGER NOT NULL,
          sent_at INTEGER,
          -- The outbox digest of its post, which its edits PATCH.
          post_digest_id INTEGER REFERENCES digests (id) ON DELETE SET NULL
        );
        CREATE INDEX alerts_destination ON alerts (destination, decided_at);
        CREATE INDEX alerts_target ON alerts (target);

        -- The items each alert covers, for the digest to mark them.
        CREATE TABLE alert_items (
          alert_id TEXT NOT NULL REFERENCES alerts (alert_id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL,
          PRIMARY KEY (alert_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX alert_items_item ON alert_items (item_id);

        -- Rules set from Discord with /alerts add: a theme, terms (JSON; empty for velocity), a channel.
        CREATE TABLE alert_rules (
          id INTEGER PRIMARY KEY,
          guild_id TEXT NOT NULL,
          theme TEXT NOT NULL,
          terms TEXT NOT NULL,
          min_outlets INTEGER,
          channel_id TEXT NOT NULL,
          language TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX alert_rules_guild ON alert_rules (guild_id, id);

        -- /alerts mute: no alert for the server's rules before until.
        CREATE TABLE alert_mutes (
          guild_id TEXT PRIMARY KEY,
          until INTEGER NOT NULL,
          set_by TEXT NOT NULL,
          set_at INTEGER NOT NULL
        );

        -- An alert's edit is a part that PATCHes the message of this digest's first part, resolved when it is sent.
        ALTER TABLE digest_parts ADD COLUMN edit_of INTEGER;
      `),
  },
  {
    version: 15,
    name: 'digest slot claims and outbox part leases, for several digesters',
    up: (db) =>
      db.exec(`
        -- Who builds a (schedule, slot, destination) digest now, until when: taken before building
        -- (which may call the LLM), released once the digest is in the outbox; an expired one is taken over.
        CREATE TABLE digest_claims (
          schedule TEXT NOT NULL,
          slot_at INTEGER NOT NULL,
          destination TEXT NOT NULL,
          owner TEXT NOT NULL,
          expires_at INTEGER NOT NULL,
          PRIMARY KEY (schedule, slot_at, destination)
        ) WITHOUT ROWID;
        -- Which worker sends the part now, until when; NULL when nobody does.
        ALTER TABLE digest_parts ADD COLUMN lease_owner TEXT;
        ALTER TABLE digest_parts ADD COLUMN lease_expires_at INTEGER;
      `),
  },
  {
    version: 16,
    name: 'lens readings stored with the classification',
    up: (db) =>
      db.exec(`
        -- Which way an on-topic item moves integration (config/lens.yaml), read offline or by the LLM
        -- in the classification call, replaced with the item's classification. Older items have none:
        -- the barometer reads those on the fly.
        CREATE TABLE lens_readings (
          item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
          direction TEXT NOT NULL CHECK (direction IN ('advancing', 'stalling', 'reversing', 'none')),
          obstacles TEXT NOT NULL,
          actors TEXT NOT NULL,
          evidence TEXT NOT NULL,
          quote TEXT,
          source TEXT NOT NULL CHECK (source IN ('offline', 'llm')),
          importance_score REAL,
          importance_fact TEXT,
          read_at INTEGER NOT NULL
        );
      `),
  },
  {
    version: 17,
    name: 'outbox parts carry a file',
    up: (db) =>
      db.exec(`
        -- A file sent with the part (a weekly briefing's chart), written with it before anything is
        -- sent, so a resend after a crash uploads the very same bytes under the same name.
        ALTER TABLE digest_parts ADD COLUMN file_name TEXT;
        ALTER TABLE digest_parts ADD COLUMN file_type TEXT;
        ALTER TABLE digest_parts ADD COLUMN file_bytes BLOB;
      `),
  },
  {
    version: 18,
    name: 'servers set their alerts\' time zone, quiet hours and hourly limit; why a story was held back; edits found by their post',
    up: (db) =>
      db.exec(`
        -- /alerts settings: quiet hours as minutes after midnight in the server's zone, both or neither.
        CREATE TABLE alert_settings (
          guild_id TEXT PRIMARY KEY,
          timezone TEXT NOT NULL,
          quiet_from INTEGER,
          quiet_to INTEGER,
          max_per_hour INTEGER NOT NULL,
          set_by TEXT NOT NULL,
          set_at INTEGER NOT NULL,
          CHECK ((quiet_from IS NULL) = (quiet_to IS NULL))
        );

        -- Why a story went to the digest instead of alerting, which the digest shows beside it.
        ALTER TABLE alerts ADD COLUMN held_because TEXT;

        -- An alert's edit sends the newest edit queued for its message.
        CREATE INDEX digest_parts_edit_of ON digest_parts (edit_of, digest_id) WHERE edit_of IS NOT NULL;
      `),
  },
];

export function migrate(db: Database, migrations: Migration[] = MIGRATIONS): number {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const current = version();
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    writeTransaction(db, () => {
      // Read again under the write lock: another process starting at the same time may have run it.
      if (migration.version <= version()) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return version();
}
