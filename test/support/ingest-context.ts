import { pollingSchema, type PollingConfig } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { createAddressGuard } from '../../src/feeds/address-guard.js';
import { createFeedDispatcher } from '../../src/feeds/fetch-feed.js';
import type { IngestContext } from '../../src/pipeline/ingest-feed.js';
import { createFeedStore } from '../../src/store/feed-store.js';
import { createItemStore } from '../../src/store/item-store.js';
import { openDatabase } from '../../src/store/open-database.js';

/** An in-memory store and real dispatchers, wired as the app wires them; `close` releases all. */
export function testIngestContext(polling: Partial<PollingConfig> = {}): IngestContext & { close(): Promise<void> } {
  const db = openDatabase(':memory:');
  const settings = { ...pollingSchema.parse({}), timeoutSeconds: 2, connectTimeoutSeconds: 1, ...polling };
  const connectTimeoutMs = settings.connectTimeoutSeconds * 1000;
  const dispatcher = createFeedDispatcher({ connectTimeoutMs });
  const userFeedDispatcher = createFeedDispatcher({
    connectTimeoutMs,
    checkAddress: createAddressGuard(settings.allowPrivateAddresses),
  });
  return {
    db,
    feeds: createFeedStore(db),
    items: createItemStore(db),
    logger: silentLogger(),
    polling: settings,
    dispatcher,
    userFeedDispatcher,
    async close() {
      await Promise.all([dispatcher.close(), userFeedDispatcher.close()]);
      db.close();
    },
  };
}
