import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../core/logger.js';
import type { FeedRow } from '../core/feed.js';
import { batchIngestWrites, DEFAULT_INGEST_BATCH } from './ingest-batcher.js';
import { ingestFeed, recordPoll, type FeedReport, type IngestContext } from './ingest-feed.js';
import { afterFailure } from './next-poll.js';

export interface PollOptions {
  /** Poll every enabled feed, ignoring next-due times. */
  all?: boolean;
  now?: number;
}

/**
 * Polls the due feeds at most `concurrency` at a time and `perHostConcurrency` per host, so many
 * feeds from one aggregator never hammer it. Reports come back in feed order. Feeds that finish
 * close together are written in one transaction (see ingest-batcher.ts).
 */
export async function pollFeeds(ctx: IngestContext, options: PollOptions = {}): Promise<FeedReport[]> {
  const now = options.now ?? Date.now();
  const feeds = await (options.all ? ctx.store.feeds.enabled() : ctx.store.feeds.due(now));
  const global = pLimit(ctx.polling.concurrency);
  const hosts = new Map<string, LimitFunction>();
  const hostLimit = (feed: FeedRow): LimitFunction => {
    const host = new URL(feed.url).host;
    let limit = hosts.get(host);
    if (!limit) hosts.set(host, (limit = pLimit(ctx.polling.perHostConcurrency)));
    return limit;
  };
  // A feed whose items wait to be written lends its slot: the write is the store's work, not the network's.
  const lend = (waiting: number) => (global.concurrency = ctx.polling.concurrency + waiting);
  const batched: IngestContext = { ...ctx, store: batchIngestWrites(ctx.store, ctx.logger, { ...DEFAULT_INGEST_BATCH, onWaiting: lend }) };
  // The host slot is taken first, so a feed waiting for its host never holds a global slot.
  return Promise.all(feeds.map((feed) => hostLimit(feed)(() => global(() => ingestGuarded(batched, feed, now)))));
}

/**
 * ingestFeed returns every expected failure as a report; what it throws is a bug or a database
 * fault (a feed deleted mid-poll, a database locked past busy_timeout). That costs this feed's
 * poll, never the cycle, so the other feeds' reports and the classification that follows still
 * happen; the failure is recorded on the feed as kind `internal`, like any other, so `feeds` and
 * /healthz show it and the feed backs off.
 */
async function ingestGuarded(ctx: IngestContext, feed: FeedRow, now: number): Promise<FeedReport> {
  try {
    return await ingestFeed(ctx, feed, now);
  } catch (error) {
    const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    const log = ctx.logger.child({ module: 'poll-feeds', feed: feed.url });
    log.error({ err: error }, `poll-feeds: ${message}`);
    await recordInternalFailure(ctx, feed, message, now, log);
    const report: FeedReport = { feedId: feed.id, name: feed.name, url: feed.url, status: 'error', http: null, new: 0, updated: 0, duplicate: 0, bytes: 0, ms: 0, errorKind: 'internal', error: message };
    ctx.metrics?.feedPolled(report, now);
    return report;
  }
}

async function recordInternalFailure(ctx: IngestContext, feed: FeedRow, message: string, now: number, log: Logger): Promise<void> {
  const interval = feed.intervalMinutes ?? ctx.polling.defaultInterval;
  const next = afterFailure(now, { intervalMinutes: interval, consecutiveErrors: feed.consecutiveErrors, errorKind: 'internal', retryAfterMs: null }, ctx.polling);
  try {
    await recordPoll(ctx, feed.id, { kind: 'error', at: now, http: null, errorKind: 'internal', message, nextDueAt: next.nextDueAt, status: next.status });
  } catch (error) {
    // The database itself is failing: the log line above and the report are all that can be kept.
    log.error({ err: error }, 'poll-feeds: the internal failure could not be recorded on the feed either');
  }
}
