import type { Dispatcher } from 'undici';
import type { Logger } from '../core/logger.js';
import type { FeedParser } from './feed-parser.js';
import { fetchParsedFeed } from './fetch-parsed-feed.js';
import type { PollingConfig } from '../config/config-schema.js';
import { MOVE_AFTER_POLLS, type FeedPollUpdate, type FeedRow } from '../core/feed.js';
import type { Metrics } from '../ops/metrics.js';
import { withDedupeKeys } from './dedupe-keys.js';
import { afterFailure, nextDueAfterSuccess } from './next-poll.js';
import type { IngestStore } from './ports.js';

export interface IngestContext {
  store: IngestStore;
  logger: Logger;
  polling: PollingConfig;
  /** Shared connection pool; it also carries the connect timeout (see createFeedDispatcher). */
  dispatcher: Dispatcher;
  /** The pool for feeds users added from Discord: its connect step refuses private addresses. */
  userFeedDispatcher: Dispatcher;
  /** Parses fetched bodies in worker threads, each within a CPU budget. */
  feedParser: FeedParser;
  metrics?: Pick<Metrics, 'feedPolled' | 'leasesClaimed' | 'leasesReleased'> | undefined;
  /** The lease owner this process polls as (core/worker-id.ts); that id by default. */
  workerId?: string | undefined;
  /** Aborted when Sancocho stops: a fetch in flight gives up and the feed's state is left as it was. */
  signal?: AbortSignal | undefined;
}

/** One line of the fetch report: what polling one feed did. */
export interface FeedReport {
  feedId: number;
  name: string;
  url: string;
  status: 'ok' | 'not-modified' | 'error';
  http: number | null;
  new: number;
  updated: number;
  duplicate: number;
  bytes: number;
  ms: number;
  errorKind?: string;
  error?: string;
}

/**
 * fetch → decode → parse → normalize → store for one feed. Every outcome, good or bad, ends as a
 * recorded feed state and a report line; nothing here throws for a misbehaving feed.
 */
export async function ingestFeed(ctx: IngestContext, feed: FeedRow, now = Date.now()): Promise<FeedReport> {
  const log = ctx.logger.child({ module: 'ingest-feed', feed: feed.url });
  const started = performance.now();
  const outcome = await fetchParsedFeed(feed.url, {
    polling: ctx.polling,
    dispatcher: feed.origin === 'user' ? ctx.userFeedDispatcher : ctx.dispatcher,
    parser: ctx.feedParser,
    etag: feed.etag,
    lastModified: feed.lastModified,
    language: feed.language,
    now,
    signal: ctx.signal,
  });
  const report = { feedId: feed.id, name: feed.name, url: feed.url, new: 0, updated: 0, duplicate: 0 };
  const interval = feed.intervalMinutes ?? ctx.polling.defaultInterval;
  const elapsed = () => Math.round(performance.now() - started);
  // Every outcome is counted once, where its report line is made.
  const done = (result: FeedReport): FeedReport => {
    ctx.metrics?.feedPolled(result, now);
    return result;
  };

  if (outcome.status === 'error' && ctx.signal?.aborted) {
    // Not the feed's fault: nothing is recorded, and the feed is still due at the next start.
    log.info('ingest-feed: stopping; this poll is left for the next start');
    return { ...report, status: 'error', http: null, bytes: 0, ms: elapsed(), errorKind: 'cancelled', error: 'Sancocho stopped before the feed answered.' };
  }
  if (outcome.status === 'error') {
    const failure = outcome.failure;
    const next = afterFailure(
      now,
      { intervalMinutes: interval, consecutiveErrors: feed.consecutiveErrors, errorKind: failure.kind, retryAfterMs: failure.retryAfterMs },
      ctx.polling,
    );
    await recordPoll(ctx, feed.id, {
      kind: 'error',
      at: now,
      http: failure.http,
      errorKind: failure.kind,
      message: failure.message,
      nextDueAt: next.nextDueAt,
      status: next.status,
    });
    log[next.status === 'active' ? 'warn' : 'error'](
      { kind: failure.kind, http: failure.http, status: next.status },
      `ingest-feed: ${failure.message}`,
    );
    return done({ ...report, status: 'error', http: failure.http, bytes: failure.bytes, ms: elapsed(), errorKind: failure.kind, error: failure.message });
  }
  if (outcome.status === 'not-modified') {
    const { fetched } = outcome;
    const { movedTo } = await recordPoll(ctx, feed.id, {
      kind: 'not-modified',
      at: now,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      movedTo: fetched.movedTo,
      nextDueAt: nextDueAfterSuccess(now, interval, { maxAgeSeconds: fetched.maxAgeSeconds }),
    });
    logMove(log, movedTo);
    log.debug('ingest-feed: not modified');
    return done({ ...report, status: 'not-modified', http: 304, bytes: 0, ms: elapsed() });
  }

  const { fetched, items, dropped, skipped } = outcome;
  if (dropped > 0) log.warn({ dropped }, 'ingest-feed: entries without title or link were skipped');
  if (skipped > 0) {
    log.warn(
      { skipped, kept: items.length + dropped, maxItemsPerFeed: ctx.polling.maxItemsPerFeed },
      `ingest-feed: the document lists ${skipped + items.length + dropped} entries; the ${skipped} oldest beyond polling.maxItemsPerFeed were skipped`,
    );
  }
  // Items and the new ETag land together: a crash in between must not leave a 304 hiding unsaved items.
  const keyed = withDedupeKeys(feed.id, items);
  const { movedTo, ...counts } = await ctx.store.withTransaction(async (tx) => {
    const saved = await tx.items.saveFeedItems(feed.id, keyed, { fetchedAt: now, backlog: feed.lastSuccessAt === null });
    const poll = await tx.feeds.recordPoll(feed.id, {
      kind: 'success',
      at: now,
      http: fetched.http,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      movedTo: fetched.movedTo,
      nextDueAt: nextDueAfterSuccess(now, interval, { ttlMinutes: outcome.feed.ttlMinutes, maxAgeSeconds: fetched.maxAgeSeconds }),
    });
    return { new: saved.new, updated: saved.updated, duplicate: saved.duplicate, movedTo: poll.movedTo };
  });
  logMove(log, movedTo);
  log.info({ ...counts, http: fetched.http, bytes: fetched.bytes }, 'ingest-feed: stored');
  return done({ ...report, ...counts, status: 'ok', http: fetched.http, bytes: fetched.bytes, ms: elapsed() });
}

/**
 * A poll that stored no items still records in a transaction of its own: other feeds' transactions
 * are in flight on the same store, and a write made between their steps would share their fate.
 */
export function recordPoll(ctx: Pick<IngestContext, 'store'>, feedId: number, update: FeedPollUpdate): Promise<{ movedTo: string | null }> {
  return ctx.store.withTransaction((tx) => tx.feeds.recordPoll(feedId, update));
}

function logMove(log: Logger, movedTo: string | null): void {
  if (movedTo === null) return;
  log.warn(
    { movedTo, polls: MOVE_AFTER_POLLS },
    `ingest-feed: the feed moved for good (HTTP 301/308 on ${MOVE_AFTER_POLLS} polls in a row); it is now polled at ${movedTo}, with its history and items kept`,
  );
}
