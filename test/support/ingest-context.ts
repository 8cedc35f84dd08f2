import type { Store } from '../../src/store-context.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { pollingSchema, type PollingConfig } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { createFeedDispatchers } from '../../src/pipeline/feed-dispatchers.js';
import { createFeedParser, type FeedParser } from '../../src/pipeline/feed-parser.js';
import type { IngestContext } from '../../src/pipeline/ingest-feed.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';

/**
 * An in-memory store and real dispatchers, wired as the app wires them; `close` releases all.
 * `db` is the SQLite connection behind the store, for the tests that look at its rows.
 */
export function testIngestContext(
  polling: Partial<PollingConfig> = {},
  feedParser: FeedParser = createFeedParser(),
): IngestContext & { store: Store; db: Database; close(): Promise<void> } {
  const db = openDatabase(':memory:');
  const settings = { ...pollingSchema.parse({}), timeoutSeconds: 2, connectTimeoutSeconds: 1, ...polling };
  const pools = createFeedDispatchers(settings);
  return {
    db,
    store: createSqliteStore(db),
    logger: silentLogger(),
    polling: settings,
    dispatcher: pools.dispatcher,
    userFeedDispatcher: pools.userFeedDispatcher,
    feedParser,
    async close() {
      await Promise.all([pools.close(), feedParser.close()]);
      db.close();
    },
  };
}
