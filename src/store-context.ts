import type { LlmLedger, LlmStatusReader } from './classify/ports.js';
import type { LoadedConfig } from './config/load-config.js';
import type { Logger } from './core/logger.js';
import type { SearchRepository } from './core/search.js';
import type { UnitOfWork } from './core/unit-of-work.js';
import type { AlertRecordRepository, AlertRuleRepository } from './delivery/alert-ports.js';
import type { DeliveryRepository, OutboxRepository, OutboxWakeups, ThemeRouteRepository } from './delivery/ports.js';
import type { OverviewCache } from './digest/digest-overview.js';
import type { LensReadingReader } from './digest/load-barometer-items.js';
import type { DigestClassificationReader, DigestFeedReader, DigestItemReader } from './digest/load-digest-items.js';
import type { StatusFeedReader, StatusOutboxReader, StatusRouteReader } from './ops/ports.js';
import type { ClassificationRepository, FeedLeaseRepository, FeedRepository, ItemRepository } from './pipeline/ports.js';
import { openStore } from './store/open-store.js';

/**
 * The store ports of every stage, implemented by one engine (the embedded SQLite one, or PostgreSQL). Declared
 * here, above the stages, so the compiler checks that the engine satisfies each stage's port.
 */
export interface Store extends UnitOfWork<Store> {
  routes: ThemeRouteRepository & StatusRouteReader;
  deliveries: DeliveryRepository;
  outbox: OutboxRepository & StatusOutboxReader & OverviewCache;
  classifications: ClassificationRepository & DigestClassificationReader & LensReadingReader & LlmLedger & LlmStatusReader;
  feeds: FeedRepository & StatusFeedReader & DigestFeedReader;
  items: ItemRepository & DigestItemReader;
  search: SearchRepository;
  leases: FeedLeaseRepository;
  alerts: AlertRecordRepository & AlertRuleRepository;
  wakeups: OutboxWakeups;
}

/**
 * The store part of the app context: the database opened and migrated, its feed list synced with
 * the config file. Commands that only read it (`feeds`, `status`) open this alone, without the
 * HTTP pools, the metrics registry or the classifier, and start in a fraction of the time.
 */
export interface StoreContext {
  config: LoadedConfig;
  logger: Logger;
  store: Store;
  /** Which engine serves the store, for /healthz and the start-up line. */
  engine: 'sqlite' | 'postgres';
  /** Closes the store; nothing may use it afterwards. */
  close(): Promise<void>;
}

export async function openStoreContext(config: LoadedConfig, logger: Logger, now = Date.now()): Promise<StoreContext> {
  // The engine's own type is checked against every stage's ports here.
  const { store, close, engine }: { store: Store; close(): Promise<void>; engine: 'sqlite' | 'postgres' } = await openStore(config.database);
  try {
    const sync = await store.feeds.syncConfigured(
      config.feeds.map((feed) => ({ url: feed.url, name: feed.name, language: feed.language, intervalMinutes: feed.interval })),
      now,
    );
    if (sync.added > 0 || sync.removed > 0) logger.info({ module: 'store-context', ...sync }, 'store-context: feed list synced with the config file');
  } catch (error) {
    await close();
    throw error;
  }
  return { config, logger, store, engine, close };
}
