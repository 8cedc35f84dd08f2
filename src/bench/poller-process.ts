/**
 * One poller process of the workers benchmark (workers-bench.ts), forked by it: opens the store at
 * argv[2] (a bench schema), says `ready`, polls on `go` exactly as a `sancocho start --role poller`
 * cycle does (pollFeeds, claiming due feeds with leases until none is left), answers `done` with
 * what it polled, and exits.
 */
import { pollingSchema } from '../config/config-schema.js';
import { silentLogger } from '../core/logger.js';
import { createFeedDispatchers } from '../pipeline/feed-dispatchers.js';
import { createFeedParser } from '../pipeline/feed-parser.js';
import { pollFeeds } from '../pipeline/poll-feeds.js';
import { openStore } from '../store/open-store.js';
import { generateFeed } from './generate-feed.js';

export type PollerMessage = { kind: 'ready' } | { kind: 'done'; feeds: number; errors: number; ms: number };

const send = (message: PollerMessage) => new Promise<void>((resolve) => process.send?.(message, () => resolve()));

async function main(url: string): Promise<void> {
  const opened = await openStore(url);
  const polling = pollingSchema.parse({});
  const pools = createFeedDispatchers(polling);
  const feedParser = createFeedParser();
  try {
    // Parse threads and the store's connections started before the clock does, as in a running worker.
    await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        feedParser.parse(Buffer.from(generateFeed('rss', 2, { seed: index + 1, id: 'warm-up' })), null, { fetchedAt: Date.now(), baseUrl: 'http://127.0.0.1/' }, 10),
      ),
    );
    await opened.store.feeds.due(0);
    const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
    await send({ kind: 'ready' });
    await go;
    const started = performance.now();
    const reports = await pollFeeds({ store: opened.store, logger: silentLogger(), polling, dispatcher: pools.dispatcher, userFeedDispatcher: pools.userFeedDispatcher, feedParser });
    await send({ kind: 'done', feeds: reports.length, errors: reports.filter((report) => report.status === 'error').length, ms: performance.now() - started });
  } finally {
    await Promise.all([pools.close(), feedParser.close()]);
    await opened.close();
  }
}

const url = process.argv[2];
if (url === undefined || process.send === undefined) throw new Error('poller-process: must be forked with a database URL');
main(url).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`poller-process: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
