import type { Logger } from '../core/logger.js';
import type { IngestPorts, IngestStore } from './ports.js';

/**
 * Group commit for a poll cycle. On a first cycle most of a feed's store time was the transaction
 * itself (BEGIN IMMEDIATE, then a COMMIT that writes the same index pages and a new FTS segment
 * into the WAL again), one per feed. The writes that arrive within `maxWaitMs` of the first (or
 * `maxFeeds` of them) run one after another in one transaction, each still whole: a feed's items
 * and its poll outcome commit together or not at all, so an ETag is never saved without its items.
 *
 * When the grouped transaction fails it has rolled back every feed in it; each feed's write then
 * runs again in a transaction of its own, so one feed's failure costs that feed alone.
 */
export interface IngestBatchOptions {
  /** A group is written as soon as this many feeds wait. */
  maxFeeds: number;
  /** How long the first feed of a group waits for others. */
  maxWaitMs: number;
  /**
   * Told how many feeds wait for their write each time that changes, so the caller can lend their
   * polling slots to other feeds meanwhile: a feed waiting for the disk is not using the network.
   */
  onWaiting?: (waiting: number) => void;
}

/**
 * On the bench's 500-feed first cycle (concurrency 8) a feed finishes every few milliseconds, so a
 * 20 ms window gathers a handful; waiting costs no polling slot (see onWaiting), only the report's delay.
 */
export const DEFAULT_INGEST_BATCH = { maxFeeds: 16, maxWaitMs: 20 } as const satisfies IngestBatchOptions;

interface Waiting {
  work(tx: IngestPorts): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** `store`, with its transactions grouped as described above; reads go straight to `store`. */
export function batchIngestWrites(store: IngestStore, logger: Logger, options: IngestBatchOptions = DEFAULT_INGEST_BATCH): IngestStore {
  const log = logger.child({ module: 'ingest-batcher' });
  let queued: Waiting[] = [];
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;

  const settled = (): void => {
    waiting--;
    options.onWaiting?.(waiting);
  };
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const group = queued;
    queued = [];
    void writeGroup(store, group, log);
  };

  return {
    feeds: store.feeds,
    items: store.items,
    leases: store.leases,
    withTransaction<T>(work: (tx: IngestPorts) => Promise<T>): Promise<T> {
      const written = new Promise<unknown>((resolve, reject) => {
        queued.push({ work, resolve, reject });
        waiting++;
        options.onWaiting?.(waiting);
        if (queued.length >= options.maxFeeds) flush();
        else timer ??= setTimeout(flush, options.maxWaitMs);
      });
      return written.finally(settled) as Promise<T>;
    },
  };
}

async function writeGroup(store: IngestStore, group: Waiting[], log: Logger): Promise<void> {
  if (group.length === 1) return writeAlone(store, group[0]!);
  let results: unknown[];
  try {
    results = await store.withTransaction(async (tx) => {
      const done: unknown[] = [];
      for (const entry of group) done.push(await entry.work(tx));
      return done;
    });
  } catch (error) {
    log.warn({ err: error, feeds: group.length }, 'ingest-batcher: a grouped write failed and was rolled back; writing each feed in a transaction of its own');
    await Promise.all(group.map((entry) => writeAlone(store, entry)));
    return;
  }
  group.forEach((entry, index) => entry.resolve(results[index]));
}

function writeAlone(store: IngestStore, entry: Waiting): Promise<void> {
  return store.withTransaction(entry.work).then(entry.resolve, entry.reject);
}
