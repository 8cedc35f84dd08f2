import { setMaxListeners } from 'node:events';
import type { LoadedConfig } from './config/load-config.js';
import type { Logger } from './core/logger.js';
import { openStoreContext, type Store, type StoreContext } from './store-context.js';
import type { IngestContext } from './pipeline/ingest-feed.js';
import type { ClassifyContext } from './pipeline/classify-new-items.js';
import { createClassifier, llmClientFromConfig } from './classify/create-classifier.js';
import { uncertainItemPairs } from './digest/merge-candidates.js';
import type { LlmClient } from './classify/llm-client.js';
import { createFeedDispatchers } from './pipeline/feed-dispatchers.js';
import { createFeedParser } from './pipeline/feed-parser.js';
import type { Role } from './config/role.js';
import { workerId } from './core/worker-id.js';
import { uncountedMetrics, type Metrics } from './ops/metrics-port.js';
import { createDiscordState, type DiscordStateCell } from './ops/discord-state.js';

/** Everything a command or job needs, built once and passed down as one plain object. */
export interface AppContext extends StoreContext, IngestContext, ClassifyContext {
  /** Every stage's store ports at once (the stages' contexts each name only theirs). */
  store: Store;
  metrics: Metrics;
  /** This process as a worker: its role and its id as a lease owner; /healthz shows them. */
  worker: { id: string; role: Role };
  /** Set by the Discord client; read by /healthz. */
  discordState: DiscordStateCell;
  /** The one LLM client of the process (classification and digest overviews); absent without `llm`. */
  llm: LlmClient | undefined;
  /**
   * Aborted when Sancocho stops and will wait no longer: feed fetches, LLM calls and Discord sends
   * in flight give up, and what they had not finished is left to be done again at the next start.
   */
  signal: AbortSignal;
  /** Aborts `signal`. */
  cancelInFlight(): void;
  /** Cancels what is in flight, then closes the connection pools and the database. */
  close(): Promise<void>;
}

export async function createAppContext(config: LoadedConfig, logger: Logger, now = Date.now()): Promise<AppContext> {
  const { store, engine, close: closeStore } = await openStoreContext(config, logger, now);
  const pools = createFeedDispatchers(config.polling);
  const feedParser = createFeedParser();
  // prom-client is loaded only when something can scrape it.
  const metrics = config.health ? (await import('./ops/metrics.js')).createMetrics() : uncountedMetrics();
  const inFlight = new AbortController();
  // Every fetch, parse, LLM request and Discord send in flight listens to this one signal: with slots
  // lent while parsing and writing, more than Node's default warning level of 10 is normal, not a leak.
  setMaxListeners(200, inFlight.signal);
  const llm = config.llm ? llmClientFromConfig({ llm: config.llm, apiKey: config.openaiApiKey, ledger: store.classifications, logger, metrics, signal: inFlight.signal }) : undefined;
  const classifier = createClassifier({ llm: config.llm, ledger: store.classifications, logger, metrics, client: llm, uncertainPairs: uncertainItemPairs });
  return {
    config,
    logger,
    store,
    engine,
    worker: { id: workerId(), role: config.role ?? 'all' },
    workerId: workerId(),
    classifier,
    polling: config.polling,
    dispatcher: pools.dispatcher,
    userFeedDispatcher: pools.userFeedDispatcher,
    feedParser,
    metrics,
    discordState: createDiscordState(),
    llm,
    signal: inFlight.signal,
    cancelInFlight: () => inFlight.abort(),
    async close() {
      inFlight.abort();
      await Promise.all([pools.close(), feedParser.close()]);
      await closeStore();
    },
  };
}
