import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pollingSchema } from '../config/config-schema.js';
import { silentLogger } from '../core/logger.js';
import type { NormalizedItem } from '../core/types.js';
import { createFeedDispatchers } from '../pipeline/feed-dispatchers.js';
import { createFeedParser } from '../pipeline/feed-parser.js';
import type { FeedReport, IngestContext } from '../pipeline/ingest-feed.js';
import { withDedupeKeys } from '../pipeline/dedupe-keys.js';
import { batchIngestWrites, DEFAULT_INGEST_BATCH } from '../pipeline/ingest-batcher.js';
import type { IngestPorts } from '../pipeline/ports.js';
import { pollFeeds } from '../pipeline/poll-feeds.js';
import { openStore, type OpenStore } from '../store/open-store.js';
import { openBenchPostgresStore } from './bench-schema.js';
import { benchFeedBodies, startBenchFeedProcess, type BenchFeedSpec } from './bench-feed-peer.js';
import { watchPeakRss, type PeakRssWatch } from './peak-rss.js';
import { median, significant } from './stats.js';

export interface PollFigure {
  feeds: number;
  hosts: number;
  itemsPerFeed: number;
  latencyMs: number;
  concurrency: number;
  perHostConcurrency: number;
  /** Median wall time of a first cycle: every feed fetched, parsed and stored. */
  wallMs: number;
  /** latency × feeds / concurrency: the cycle with zero cost besides waiting for the network. */
  idealMs: number;
  ratioToIdeal: number;
  /** The same feeds polled again, unchanged: 304s, which only wait for the network. */
  repoll: { wallMs: number; ratioToIdeal: number; notModified: number; bodyBytes: number; parseCalls: number };
  /** Where a new feed's CPU goes, the same feeds replayed step by step on the main thread. */
  perFeed: PerFeedCost;
}

/** Milliseconds per new feed of `itemsPerFeed` items (wall time, one thread, nothing else running in the process). */
export interface PerFeedCost {
  /** decode → parse → normalize (a parse thread's work in the cycle). */
  parseMs: number;
  /** The store's write transaction of a first poll, whole (`BEGIN IMMEDIATE` … `COMMIT`), and the two calls inside it. */
  storeMs: number;
  saveFeedItemsMs: number;
  recordPollMs: number;
  /** The same writes grouped as a busy cycle groups them (ingest-batcher.ts, up to 16 feeds a transaction), per feed. */
  groupedStoreMs: number;
  /** Items stored per second through the item store port's saveFeedItems (a first poll's new items, backlog). */
  insertItemsPerSecond: number;
}

export interface MemoryFigure {
  /** Resident set size before the first cycle. */
  rssBeforeMB: number;
  /** Highest resident set size during the cycles (the feed server runs in a process of its own). */
  peakRssMB: number;
  /** `kernel`: the kernel's own high-water mark (VmHWM), reset before the cycles; `sampled`: every 20 ms. */
  peakMethod: 'kernel' | 'sampled';
  /**
   * Node's flags on this process's command line (NODE_OPTIONS not included): the launcher's shebang
   * gives `--max-semi-space-size`, which `node bin/sancocho.js` bypasses.
   */
  nodeFlags: string[];
}

export interface PollBenchOptions {
  feeds: number;
  hosts: number;
  itemsPerFeed: number;
  latencyMs: number;
  runs: number;
  /** Poll into fresh schemas on this PostgreSQL server instead of fresh SQLite files. */
  postgresUrl?: string;
}

/**
 * Figures 2 and 5: `feeds` feeds on a loopback server (a child process) that adds `latencyMs` to every response,
 * polled with the default settings through `pollFeeds` into a fresh database (a SQLite file, or a
 * schema of its own on `postgresUrl`, dropped afterwards), then polled again unchanged. The re-poll's body bytes are counted by the server; its parse calls are the
 * polls that received a body (the pipeline parses every body it receives, and nothing else).
 */
export async function pollBench(options: PollBenchOptions): Promise<{ poll: PollFigure; memory: MemoryFigure }> {
  const spec: BenchFeedSpec = { feeds: options.feeds, hosts: options.hosts, itemsPerFeed: options.itemsPerFeed, latencyMs: options.latencyMs, idPrefix: 'f' };
  const server = await startBenchFeedProcess(spec);
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-bench-poll-'));
  const { postgresUrl } = options;
  const freshStore = (name: string): Promise<OpenStore> =>
    postgresUrl === undefined ? openStore(path.join(dir, `${name}.db`)) : openBenchPostgresStore(postgresUrl);
  const polling = pollingSchema.parse({});
  // Watched from before the reading, so the peak can never come out below it.
  const peakWatch = watchPeakRss();
  const rssBefore = process.memoryUsage.rss();
  let peak: ReturnType<PeakRssWatch['stop']> | undefined;
  const walls: number[] = [];
  const repolls: Omit<PollFigure['repoll'], 'ratioToIdeal'>[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const opened = await freshStore(`poll-${run}`);
      const pools = createFeedDispatchers(polling);
      const feedParser = createFeedParser();
      const ctx: IngestContext = {
        store: opened.store,
        logger: silentLogger(),
        polling,
        dispatcher: pools.dispatcher,
        userFeedDispatcher: pools.userFeedDispatcher,
        feedParser,
      };
      try {
        await ctx.store.feeds.syncConfigured(server.urls.map((url, index) => ({ url, name: `feed ${index}` })), Date.now());
        let started = performance.now();
        const first = await pollFeeds(ctx, { all: true });
        walls.push(performance.now() - started);
        const failed = first.find((report) => report.status !== 'ok');
        if (failed) throw new Error(`poll-bench: ${failed.url}: ${failed.status} ${failed.error ?? ''}`);

        const bytesBefore = (await server.counts()).bodyBytes;
        started = performance.now();
        const again = await pollFeeds(ctx, { all: true });
        repolls.push({
          wallMs: performance.now() - started,
          notModified: again.filter((report) => report.status === 'not-modified').length,
          bodyBytes: (await server.counts()).bodyBytes - bytesBefore,
          parseCalls: again.filter(receivedBody).length,
        });
      } finally {
        await Promise.all([pools.close(), feedParser.close()]);
        await opened.close();
      }
    }
  } finally {
    peak = peakWatch.stop();
    await server.close();
  }
  const perFeed = await perFeedCost(benchFeedBodies(spec), () => freshStore('replay'));
  rmSync(dir, { recursive: true, force: true });
  const wallMs = median(walls);
  const idealMs = (options.latencyMs * options.feeds) / polling.concurrency;
  const repollMs = median(repolls.map((repoll) => repoll.wallMs));
  return {
    poll: {
      feeds: options.feeds,
      hosts: options.hosts,
      itemsPerFeed: options.itemsPerFeed,
      latencyMs: options.latencyMs,
      concurrency: polling.concurrency,
      perHostConcurrency: polling.perHostConcurrency,
      wallMs: Math.round(wallMs),
      idealMs: Math.round(idealMs),
      ratioToIdeal: significant(wallMs / idealMs, 3),
      repoll: {
        wallMs: Math.round(repollMs),
        ratioToIdeal: significant(repollMs / idealMs, 3),
        notModified: Math.min(...repolls.map((repoll) => repoll.notModified)),
        bodyBytes: Math.max(...repolls.map((repoll) => repoll.bodyBytes)),
        parseCalls: Math.max(...repolls.map((repoll) => repoll.parseCalls)),
      },
      perFeed,
    },
    memory: {
      rssBeforeMB: Math.round(rssBefore / 2 ** 20),
      peakRssMB: Math.round(peak!.peakBytes / 2 ** 20),
      peakMethod: peak!.method,
      nodeFlags: process.execArgv,
    },
  };
}

/**
 * The first cycle's work for each feed, one step at a time: every body parsed, then stored in a
 * fresh database the way ingestFeed stores a first poll (items and poll outcome in one write
 * transaction), then again into another one with the writes grouped as a busy cycle groups them.
 * Shows how much of a feed's CPU is parsing and how much the store, and what grouping saves.
 */
async function perFeedCost(bodies: Buffer[], freshStore: () => Promise<OpenStore>): Promise<PerFeedCost> {
  // Loaded after the cycles: a poller's main thread never loads the parsers (its parse thread does).
  const { parseFeedBody } = await import('../pipeline/parse-feed-body.js');
  const now = Date.now();
  const urls = bodies.map((_body, index) => `https://replay.example/feed/${index}.xml`);
  const started = performance.now();
  const parsed: NormalizedItem[][] = [];
  for (const [index, body] of bodies.entries()) {
    const result = await parseFeedBody(body, 'application/rss+xml; charset=utf-8', { fetchedAt: now, baseUrl: urls[index]! });
    if (result.status !== 'ok') throw new Error(`poll-bench: replay of ${urls[index]}: ${result.kind}`);
    parsed.push(result.items);
  }
  const parseMs = performance.now() - started;

  const firstPoll = (id: number, index: number) => async (tx: IngestPorts) => {
    await tx.items.saveFeedItems(id, withDedupeKeys(id, parsed[index]!), { fetchedAt: now, backlog: true });
    await tx.feeds.recordPoll(id, { kind: 'success', at: now, http: 200, etag: `"${index}"`, lastModified: null, movedTo: null, nextDueAt: now + 3_600_000 });
  };
  let saveMs = 0;
  let pollMs = 0;
  const storeMs = await replayInto(await freshStore(), urls, now, async (store, ids) => {
    for (const [index, url] of urls.entries()) {
      const id = ids.get(url)!;
      await store.withTransaction(async (tx) => {
        const saving = performance.now();
        await tx.items.saveFeedItems(id, withDedupeKeys(id, parsed[index]!), { fetchedAt: now, backlog: true });
        const polling = performance.now();
        await tx.feeds.recordPoll(id, { kind: 'success', at: now, http: 200, etag: `"${index}"`, lastModified: null, movedTo: null, nextDueAt: now + 3_600_000 });
        saveMs += polling - saving;
        pollMs += performance.now() - polling;
      });
    }
  });
  const groupedMs = await replayInto(await freshStore(), urls, now, async (store, ids) => {
    const batched = batchIngestWrites(store, silentLogger(), DEFAULT_INGEST_BATCH);
    await Promise.all(urls.map((url, index) => batched.withTransaction(firstPoll(ids.get(url)!, index))));
  });
  const each = (ms: number) => significant(ms / bodies.length, 2);
  const items = parsed.reduce((sum, feedItems) => sum + feedItems.length, 0);
  return {
    parseMs: each(parseMs),
    storeMs: each(storeMs),
    saveFeedItemsMs: each(saveMs),
    recordPollMs: each(pollMs),
    groupedStoreMs: each(groupedMs),
    insertItemsPerSecond: significant((items / saveMs) * 1000, 3),
  };
}

/** The milliseconds `write` takes on a fresh store holding the feeds `urls` (given their ids); the store is closed after. */
async function replayInto(
  opened: OpenStore,
  urls: string[],
  now: number,
  write: (store: OpenStore['store'], ids: Map<string, number>) => Promise<void>,
): Promise<number> {
  try {
    const { store } = opened;
    await store.feeds.syncConfigured(urls.map((url, index) => ({ url, name: `feed ${index}` })), now);
    const ids = new Map((await store.feeds.list()).map((feed) => [feed.url, feed.id]));
    const started = performance.now();
    await write(store, ids);
    return performance.now() - started;
  } finally {
    await opened.close();
  }
}

/** A poll that got a body, which the pipeline then parsed: a 200, or a parse failure. */
function receivedBody(report: FeedReport): boolean {
  return report.status === 'ok' || report.errorKind === 'not-a-feed' || report.errorKind === 'malformed';
}
