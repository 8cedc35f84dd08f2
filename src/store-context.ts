import type { LlmLedger, LlmStatusReader } from './classify/ports.js';
import type { LoadedConfig } from './config/load-config.js';
import type { Logger } from './core/logger.js';
import type { SearchRepository } from './core/search.js';
import type { UnitOfWork } from './core/unit-of-work.js';
import type { DeliveryRepository, OutboxRepository, ThemeRouteRepository } from './delivery/ports.js';
import type { OverviewCache } from './digest/digest-overview.js';
import type { DigestClassificationReader, DigestFeedReader, DigestItemReader } from './digest/load-digest-items.js';
import type { StatusFeedReader, StatusOutboxReader, StatusRouteReader } from './ops/ports.js';
import type { ClassificationRepository, FeedRepository, ItemRepository } from './pipeline/ports.js';
import { createFeedStore, type FeedStore } from './store/feed-store.js';
import { createItemStore, type ItemStore } from './store/item-store.js';
import { openDatabase, type Database } from './store/open-database.js';
import { createSqliteStore } from './store/sqlite/sqlite-store.js';

/**
 * The store ports of every stage, implemented by one engine (today the embedded SQLite one). Declared
 * here, above the stages, so the compiler checks that the engine satisfies each stage's port.
 */
export interface Store extends UnitOfWork<Store> {
  routes: ThemeRouteRepository & StatusRouteReader;
  deliveries: DeliveryRepository;
  outbox: OutboxRepository & StatusOutboxReader & OverviewCache;
  classifications: ClassificationRepository & DigestClassificationReader & LlmLedger & LlmStatusReader;
  feeds: FeedRepository & StatusFeedReader & DigestFeedReader;
  items: ItemRepository & DigestItemReader;
  search: SearchRepository;
}

/**
 * The store part of the app context: the database opened and migrated, its feed list synced with
 * the config file. Commands that only read it (`feeds`, `status`) open this alone, without the
 * HTTP pools, the metrics registry or the classifier, and start in a fraction of the time.
 */
export interface StoreContext {
  config: LoadedConfig;
  logger: Logger;
  db: Database;
  store: Store;
  feeds: FeedStore;
  items: ItemStore;
}

export function openStoreContext(config: LoadedConfig, logger: Logger, now = Date.now()): StoreContext {
  const db = openDatabase(config.database);
  const feeds = createFeedStore(db);
  const items = createItemStore(db);
  const sync = feeds.syncConfigured(
    config.feeds.map((feed) => ({ url: feed.url, name: feed.name, language: feed.language, intervalMinutes: feed.interval })),
    now,
  );
  if (sync.added > 0 || sync.removed > 0) logger.info({ module: 'store-context', ...sync }, 'store-context: feed list synced with the config file');
  return { config, logger, db, store: createSqliteStore(db), feeds, items };
}
