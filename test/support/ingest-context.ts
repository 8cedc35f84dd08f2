import type { Store } from '../../src/store-context.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { pollingSchema, type PollingConfig } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { createFeedDispatchers } from '../../src/pipeline/feed-dispatchers.js';
import { createFeedParser, type FeedParser } from '../../src/pipeline/feed-parser.js';
import type { IngestContext } from '../../src/pipeline/ingest-feed.js';
import { createFeedStore } from '../../src/store/feed-store.js';
import { createItemStore } from '../../src/store/item-store.js';
import { openDatabase } from '../../src/store/open-database.js';

/** An in-memory store and real dispatchers, wired as the app wires them; `close` releases all. */
export function testIngestContext(
  polling: Partial<PollingConfig> = {},
  feedParser: FeedParser = createFeedParser(),
): IngestContext & { store: Store; close(): Promise<void> } {
  const db = openDatabase(':memory:');
  const settings = { ...pollingSchema.parse({}), timeoutSeconds: 2, connectTimeoutSeconds: 1, ...polling };
  const pools = createFeedDispatchers(settings);
  return {
    db,
    store: createSqliteStore(db),
    feeds: createFeedStore(db),
    items: createItemStore(db),
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
