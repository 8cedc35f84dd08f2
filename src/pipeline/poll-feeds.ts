import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../core/logger.js';
import type { FeedRow } from '../core/feed.js';
import { hostOf } from '../core/feed-lease.js';
import { workerId } from '../core/worker-id.js';
import type { FeedParser } from './feed-parser.js';
import { batchIngestWrites, DEFAULT_INGEST_BATCH } from './ingest-batcher.js';
import { ingestFeed, recordPoll, type FeedReport, type IngestContext } from './ingest-feed.js';
import { afterFailure } from './next-poll.js';

export interface PollOptions {
  /** Poll every enabled feed, ignoring next-due times and leases (the one-off `fetch --all`). */
  all?: boolean;
  now?: number;
}

/**
 * How long a lease holds: `leaseSeconds` when configured, else twice what one poll may take
 * (connect, download) plus a minute for parsing and storing, so only a worker that died (or
 * stalled far past its timeouts) loses its feeds.
 */
export function leaseDurationMs(polling: Pick<IngestContext['polling'], 'connectTimeoutSeconds' | 'timeoutSeconds' | 'leaseSeconds'>): number {
  if (polling.leaseSeconds !== undefined) return polling.leaseSeconds * 1000;
  return (polling.connectTimeoutSeconds + polling.timeoutSeconds) * 2000 + 60_000;
}

/**
 * Polls the due feeds, at most `concurrency` at a time. Each feed is first leased to this worker
 * (ctx.workerId), so several pollers on one store share the due feeds out, each polled once; a
 * claim never takes more of one host than `perHostConcurrency` minus the leases any worker holds
 * on it, so many feeds from one aggregator never hammer it, however many workers run. A feed's
 * lease ends once its poll is recorded (which moved its due time). Reports come back in claim order.
 * A claim takes a few feeds more than the free slots, so claims (taken in turn by every worker) stay few.
 * Feeds that finish close together are written in one transaction (see ingest-batcher.ts); a feed
 * waiting for its write or its parse lends its slot, since that is the store's or a parse thread's
 * work, not the network's.
 */
export async function pollFeeds(ctx: IngestContext, options: PollOptions = {}): Promise<FeedReport[]> {
  if (options.all) return pollEveryFeed(ctx, options.now ?? Date.now());
  const owner = ctx.workerId ?? workerId();
  const leaseMs = leaseDurationMs(ctx.polling);
  // The cycle's clock: `now` when given (tests), moving on with real time, so a lease claimed late
  // in a long cycle still runs its full length.
  const startedAt = performance.now();
  const base = options.now ?? Date.now();
  const clock = () => base + Math.round(performance.now() - startedAt);
  const log = ctx.logger.child({ module: 'poll-feeds' });
  const polls: Promise<FeedReport>[] = [];
  const inFlight = new Set<Promise<void>>();
  // Feeds leased ahead of a free slot: one claim (a transaction of several round trips, taken in
  // turn with every other worker's) serves a handful of feeds rather than one per slot freed.
  const ready: FeedRow[] = [];
  const releases = leaseReleaser(ctx, owner, log);
  let exhausted = false;
  let waitingForWrite = 0;
  let parsing = 0;
  let wake = (): void => undefined;
  const onWaiting = (waiting: number): void => {
    const lent = waiting > waitingForWrite;
    waitingForWrite = waiting;
    // A slot lent is worth another claim; one given back is not.
    if (lent) wake();
  };
  const onParsing = (count: number): void => {
    const lent = count > parsing;
    parsing = count;
    if (lent) wake();
  };
  // Parsing is the parse threads' work, not the network's: a feed being parsed lends its slot too,
  // up to `concurrency` of them, so the bodies waiting for a thread stay bounded.
  const slotsNow = (): number => ctx.polling.concurrency + waitingForWrite + Math.min(parsing, ctx.polling.concurrency) - inFlight.size;
  const batched: IngestContext = {
    ...ctx,
    store: batchIngestWrites(ctx.store, ctx.logger, { ...DEFAULT_INGEST_BATCH, onWaiting }),
    feedParser: countParses(ctx.feedParser, onParsing),
  };
  for (;;) {
    const free = slotsNow();
    if (free > ready.length && !exhausted && !ctx.signal?.aborted) {
      const now = clock();
      const limit = free - ready.length + ctx.polling.concurrency;
      const claim = await ctx.store.leases.claimDue({ owner, now, until: now + leaseMs, limit, perHost: ctx.polling.perHostConcurrency });
      ctx.metrics?.leasesClaimed(claim.feeds.length, claim.takeovers.length);
      for (const takeover of claim.takeovers) {
        log.warn(takeover, `poll-feeds: took feed ${takeover.feedId} over from ${takeover.previousOwner}, whose lease expired`);
      }
      ready.push(...claim.feeds);
      // Nothing due is left (or every due feed's host is busy): claim again once a poll ends.
      exhausted = claim.feeds.length === 0;
    }
    const slots = slotsNow();
    for (const feed of ready.splice(0, Math.max(0, ctx.signal?.aborted ? 0 : slots))) {
      const report = ingestGuarded(batched, feed, clock());
      polls.push(report);
      const done: Promise<void> = report
        .then(() => {
          exhausted = false;
          releases.add(feed.id);
        })
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
    }
    if (inFlight.size === 0) {
      // A stop leaves the feeds leased ahead unpolled: their leases go back at once.
      for (const feed of ready.splice(0)) releases.add(feed.id);
      if (exhausted || ctx.signal?.aborted) break;
      continue;
    }
    await Promise.race([...inFlight, new Promise<void>((resolve) => (wake = resolve))]);
  }
  await releases.drained();
  return Promise.all(polls);
}

/** `parser`, telling `onParsing` how many bodies it holds (queued or being parsed) each time that changes. */
function countParses(parser: FeedParser, onParsing: (count: number) => void): FeedParser {
  let count = 0;
  return {
    parse(...args) {
      onParsing(++count);
      return parser.parse(...args).finally(() => onParsing(--count));
    },
    close: () => parser.close(),
  };
}

/**
 * Lease releases, grouped: ids that end while one release is in flight go back together in the
 * next. A polled feed's slot does not wait for its release (its due time already moved on, so no
 * worker would claim it anyway). A lease that cannot be released expires on its own.
 */
function leaseReleaser(ctx: IngestContext, owner: string, log: Logger): { add(feedId: number): void; drained(): Promise<void> } {
  let pending: number[] = [];
  let running: Promise<void> | null = null;
  const run = async (): Promise<void> => {
    while (pending.length > 0) {
      const ids = pending;
      pending = [];
      try {
        await ctx.store.leases.release(owner, ids);
      } catch (error) {
        log.error({ err: error, feedIds: ids }, 'poll-feeds: leases could not be released; they will expire');
      } finally {
        ctx.metrics?.leasesReleased(ids.length);
      }
    }
    running = null;
  };
  return {
    add(feedId) {
      pending.push(feedId);
      running ??= run();
    },
    async drained() {
      while (running !== null) await running;
    },
  };
}

/** `fetch --all`: every enabled feed now, `concurrency` at a time and `perHostConcurrency` per host. */
async function pollEveryFeed(ctx: IngestContext, now: number): Promise<FeedReport[]> {
  const feeds = await ctx.store.feeds.enabled();
  const global = pLimit(ctx.polling.concurrency);
  const hosts = new Map<string, LimitFunction>();
  const hostLimit = (feed: FeedRow): LimitFunction => {
    const host = hostOf(feed.url);
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
