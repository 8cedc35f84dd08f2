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
  return Promise.all(feeds.map((feed) => hostLimit(feed)(() => global(() => ingestFeed(ctx, feed, now)))));
}
