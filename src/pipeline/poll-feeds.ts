import pLimit, { type LimitFunction } from 'p-limit';
import type { FeedRow } from '../store/feed-store.js';
import { ingestFeed, type FeedReport, type IngestContext } from './ingest-feed.js';

export interface PollOptions {
  /** Poll every enabled feed, ignoring next-due times. */
  all?: boolean;
  now?: number;
}

/**
 * Polls the due feeds at most `concurrency` at a time and `perHostConcurrency` per host, so many
 * feeds from one aggregator never hammer it. Reports come back in feed order.
 */
export async function pollFeeds(ctx: IngestContext, options: PollOptions = {}): Promise<FeedReport[]> {
  const now = options.now ?? Date.now();
  const feeds = options.all ? ctx.feeds.enabled() : ctx.feeds.due(now);
  const global = pLimit(ctx.polling.concurrency);
  const hosts = new Map<string, LimitFunction>();
  const hostLimit = (feed: FeedRow): LimitFunction => {
    const host = new URL(feed.url).host;
    let limit = hosts.get(host);
    if (!limit) hosts.set(host, (limit = pLimit(ctx.polling.perHostConcurrency)));
    return limit;
  };
  // The host slot is taken first, so a feed waiting for its host never holds a global slot.
  return Promise.all(feeds.map((feed) => hostLimit(feed)(() => global(() => ingestGuarded(ctx, feed, now)))));
}

/**
 * ingestFeed returns every expected failure as a report; what it throws is a bug or a database
 * fault (a feed deleted mid-poll, a busy database). That costs this feed's poll, never the cycle,
 * so the other feeds' reports and the classification that follows still happen.
 */
async function ingestGuarded(ctx: IngestContext, feed: FeedRow, now: number): Promise<FeedReport> {
  try {
    return await ingestFeed(ctx, feed, now);
  } catch (error) {
    const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    ctx.logger.error({ module: 'poll-feeds', feed: feed.url, err: error }, `poll-feeds: ${message}`);
    return { feedId: feed.id, name: feed.name, url: feed.url, status: 'error', http: null, new: 0, updated: 0, duplicate: 0, bytes: 0, ms: 0, errorKind: 'internal', error: message };
  }
}
