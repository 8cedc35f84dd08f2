import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pollingSchema } from '../config/config-schema.js';
import { silentLogger } from '../core/logger.js';
import { createFeedDispatchers } from '../pipeline/feed-dispatchers.js';
import { createFeedParser } from '../pipeline/feed-parser.js';
import type { FeedReport, IngestContext } from '../pipeline/ingest-feed.js';
import { pollFeeds } from '../pipeline/poll-feeds.js';
import { openDatabase } from '../store/open-database.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { startBenchFeedServer } from './bench-feed-server.js';
import { generateFeed } from './generate-feed.js';
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
}

export interface MemoryFigure {
  /** Resident set size before the first cycle. */
  rssBeforeMB: number;
  /** Highest resident set size sampled (every 5 ms) during the cycles. */
  peakRssMB: number;
}

export interface PollBenchOptions {
  feeds: number;
  hosts: number;
  itemsPerFeed: number;
  latencyMs: number;
  runs: number;
}

/**
 * Figures 2 and 5: `feeds` feeds on a loopback server that adds `latencyMs` to every response,
 * polled with the default settings through `pollFeeds` into a fresh database on disk, then polled
 * again unchanged. The re-poll's body bytes are counted by the server; its parse calls are the
 * polls that received a body (the pipeline parses every body it receives, and nothing else).
 */
export async function pollBench(options: PollBenchOptions): Promise<{ poll: PollFigure; memory: MemoryFigure }> {
  const bodies = Array.from({ length: options.feeds }, (_, index) =>
    Buffer.from(generateFeed('rss', options.itemsPerFeed, { seed: index + 1, id: `f${index}` })),
  );
  const server = await startBenchFeedServer({ bodies, hosts: options.hosts, latencyMs: options.latencyMs });
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-bench-poll-'));
  const polling = pollingSchema.parse({});
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  const walls: number[] = [];
  const repolls: Omit<PollFigure['repoll'], 'ratioToIdeal'>[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const db = openDatabase(path.join(dir, `poll-${run}.db`));
      const pools = createFeedDispatchers(polling);
      const feedParser = createFeedParser();
      const ctx: IngestContext = {
        store: createSqliteStore(db),
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

        const bytesBefore = server.bodyBytes();
        started = performance.now();
        const again = await pollFeeds(ctx, { all: true });
        repolls.push({
          wallMs: performance.now() - started,
          notModified: again.filter((report) => report.status === 'not-modified').length,
          bodyBytes: server.bodyBytes() - bytesBefore,
          parseCalls: again.filter(receivedBody).length,
        });
      } finally {
        await Promise.all([pools.close(), feedParser.close()]);
        db.close();
      }
    }
  } finally {
    clearInterval(sampler);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
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
    },
    memory: { rssBeforeMB: Math.round(rssBefore / 2 ** 20), peakRssMB: Math.round(peakRss / 2 ** 20) },
  };
}

/** A poll that got a body, which the pipeline then parsed: a 200, or a parse failure. */
function receivedBody(report: FeedReport): boolean {
  return report.status === 'ok' || report.errorKind === 'not-a-feed' || report.errorKind === 'malformed';
}
