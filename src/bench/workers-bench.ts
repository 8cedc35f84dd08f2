import { fork, type ChildProcess } from 'node:child_process';
import { createBenchSchema } from './bench-schema.js';
import { startBenchFeedServer } from './bench-feed-server.js';
import { generateFeed } from './generate-feed.js';
import type { PollerMessage } from './poller-process.js';
import { significant } from './stats.js';
import { openStore } from '../store/open-store.js';

export interface WorkersBenchOptions {
  postgresUrl: string;
  feeds: number;
  hosts: number;
  itemsPerFeed: number;
  latencyMs: number;
  /** How many poller processes each run starts, e.g. [1, 2, 3]. */
  pollers: number[];
  progress?: (line: string) => void;
}

export interface WorkersRun {
  pollers: number;
  /** From `go` to the last poller's cycle done: every feed fetched, parsed and stored. */
  wallMs: number;
  /** The 1-poller run's wall time over this one's. */
  speedup: number;
  /** The feeds each poller polled, in start order. */
  polledBy: number[];
  /** Requests the feed server answered in this run: one per feed when every feed was polled once. */
  requests: number;
  errors: number;
}

export interface WorkersFigure {
  feeds: number;
  hosts: number;
  itemsPerFeed: number;
  latencyMs: number;
  runs: WorkersRun[];
}

/**
 * The workers scenario: `feeds` loopback feeds answering after `latencyMs`, polled once through by
 * 1, 2, 3… poller processes (forked, each claiming due feeds with leases, default polling settings)
 * on one fresh PostgreSQL schema per run, dropped afterwards. The wall time of the cycle shows how
 * polling scales across processes when the feeds' latency dominates.
 */
export async function workersBench(options: WorkersBenchOptions): Promise<WorkersFigure> {
  const bodies = Array.from({ length: options.feeds }, (_, index) =>
    Buffer.from(generateFeed('rss', options.itemsPerFeed, { seed: index + 1, id: `w${index}` })),
  );
  const server = await startBenchFeedServer({ bodies, hosts: options.hosts, latencyMs: options.latencyMs });
  const runs: WorkersRun[] = [];
  try {
    for (const pollers of options.pollers) {
      options.progress?.(`bench: workers, ${options.feeds} feeds polled by ${pollers} poller process${pollers === 1 ? '' : 'es'}`);
      const schema = await createBenchSchema(options.postgresUrl);
      try {
        const opened = await openStore(schema.url);
        try {
          await opened.store.feeds.syncConfigured(server.urls.map((url, index) => ({ url, name: `feed ${index}` })), Date.now());
        } finally {
          await opened.close();
        }
        const before = server.requests();
        const { wallMs, done } = await runPollers(schema.url, pollers);
        const first = runs[0]?.wallMs ?? wallMs;
        runs.push({
          pollers,
          wallMs: Math.round(wallMs),
          speedup: significant(first / wallMs),
          polledBy: done.map((message) => message.feeds),
          requests: server.requests() - before,
          errors: done.reduce((sum, message) => sum + message.errors, 0),
        });
      } finally {
        await schema.drop();
      }
    }
  } finally {
    await server.close();
  }
  return { feeds: options.feeds, hosts: options.hosts, itemsPerFeed: options.itemsPerFeed, latencyMs: options.latencyMs, runs };
}

type Done = Extract<PollerMessage, { kind: 'done' }>;

/** Forks `count` pollers, waits until all are ready (store open), says go to all at once, times them. */
async function runPollers(url: string, count: number): Promise<{ wallMs: number; done: Done[] }> {
  const children: ChildProcess[] = [];
  try {
    const ready: Promise<void>[] = [];
    const done: Promise<Done>[] = [];
    for (let index = 0; index < count; index++) {
      const child = fork(new URL('./poller-process.js', import.meta.url), [url], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      children.push(child);
      const exited = new Promise<never>((_, reject) =>
        child.once('exit', (code) => reject(new Error(`workers-bench: a poller process exited (code ${code}) before it was done`))),
      );
      const said = (kind: PollerMessage['kind']) =>
        Promise.race([new Promise<PollerMessage>((resolve) => child.on('message', (message: PollerMessage) => message.kind === kind && resolve(message))), exited]);
      ready.push(said('ready').then(() => undefined));
      done.push(said('done') as Promise<Done>);
    }
    await Promise.all(ready);
    const started = performance.now();
    for (const child of children) child.send('go');
    const answers = await Promise.all(done);
    return { wallMs: performance.now() - started, done: answers };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}
