import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment } from '../config/environment.js';
import { createBenchSchema } from './bench-schema.js';
import { startBenchFeedServer } from './bench-feed-server.js';
import { PEER_CHANNEL_ID, startDiscordPeer } from './discord-peer.js';
import { DIGEST_PARTS_SQL, STORED_ITEMS_SQL, feedRepolls, partCounts, runChaos, settle, type FaultKill } from './fault-chaos.js';
import { faultFeed } from './fault-stories.js';

export interface FaultsBenchOptions {
  postgresUrl: string;
  /** The bench's own environment: its PATH is what the workers get of it. */
  parentEnv: NodeJS.ProcessEnv;
  workers: number;
  feeds: number;
  kills: number;
  /** The digests' period: 60 (a cron of every minute), or a divisor of 60 for a small run (a cron in seconds). */
  digestEverySeconds: number;
  /** The poll cycle's period: feeds due are claimed this often. */
  pollEverySeconds: number;
  /** Every feed gains a story this often. */
  newStoryEverySeconds: number;
  /** The chaos lasts until at least this long after the workers' start (and up to twice as long while no kill landed at a digest boundary). */
  chaosSeconds: number;
  feedLeaseSeconds: number;
  partLeaseSeconds: number;
  /** Each feed answers this slowly during the run, so that polls are in flight when a worker dies. */
  feedLatencyMs: number;
  progress?: (line: string) => void;
}

export interface FaultsFigure {
  workers: number;
  feeds: number;
  seconds: number;
  kills: { total: number; poll: number; digest: number; send: number; list: { atSeconds: number; worker: number; phase: FaultKill['phase'] }[] };
  items: { expected: number; stored: number; distinct: number; feedLinks: number; duplicates: number; missing: number };
  feedRequests: {
    total: number;
    /** The most requests one feed got within one interval (its minute). */
    maxPerInterval: number;
    /** Second requests within an interval, and how many came after a lease expired (a dead worker's, or one outlived) and after a kill. */
    early: number;
    earlyAfterLeaseExpiry: number;
    earlyAfterKill: number;
  };
  parts: { digests: number; expected: number; posted: number; duplicates: number; lost: number; messagePosts: number };
  settled: { finalRound: boolean; allSent: boolean; exits: (number | null)[] };
}

const FEED_INTERVAL_MS = 60_000;
const SLACK_MS = 1_500;
const BIN = fileURLToPath(new URL('../../bin/sancocho.js', import.meta.url));

/**
 * The fault scenario (issue 16 §2) as a figure: `workers` real `sancocho start` processes (role all)
 * on one fresh PostgreSQL schema (dropped afterwards), `feeds` loopback feeds that gain a themed story
 * every few seconds, a digest every `digestEverySeconds` to a channel at a loopback Discord peer, and
 * `kills` kill -9s aimed mid-poll, mid-digest and mid-send (fault-chaos.ts), each worker restarted.
 * Afterwards every feed is polled once more and the last digest is sent; then the counts: items
 * stored against the stories served, feed requests per interval, digest parts against the messages
 * Discord created.
 */
export async function faultsBench(options: FaultsBenchOptions): Promise<FaultsFigure> {
  const began = Date.now();
  const progress = (line: string) => options.progress?.(`${line} (+${Math.round((Date.now() - began) / 1000)} s)`);
  const digestEveryMs = options.digestEverySeconds * 1000;
  const slots: Worker[] = [];
  const everyone: Worker[] = [];
  let bumper: NodeJS.Timeout | undefined;
  /** What was opened, closed in reverse order whatever happens. */
  const opened: (() => unknown)[] = [];
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-faults-'));
    opened.push(() => rmSync(dir, { recursive: true, force: true }));
    const schema = await createBenchSchema(options.postgresUrl);
    opened.push(() => schema.drop());
    let generation = 0;
    const documents = () => Array.from({ length: options.feeds }, (_, n) => Buffer.from(faultFeed(n, generation, Date.now())));
    const feeds = await startBenchFeedServer({ bodies: documents(), hosts: 4, latencyMs: 0 });
    opened.push(() => feeds.close());
    const discord = await startDiscordPeer();
    opened.push(() => discord.close());
    const { default: pg } = await import('pg');
    const db = new pg.Pool({ connectionString: schema.url, max: 2 });
    opened.push(() => db.end());
    const config = path.join(dir, 'sancocho.yaml');
    const cron = options.digestEverySeconds >= 60 ? '* * * * *' : `*/${options.digestEverySeconds} * * * * *`;
    writeFileSync(
      config,
      [
        `database: ${JSON.stringify(schema.url)}`,
        `polling: { schedule: "*/${options.pollEverySeconds} * * * * *", defaultInterval: 1, concurrency: 6, perHostConcurrency: 12, leaseSeconds: ${options.feedLeaseSeconds} }`,
        `delivery: { leaseSeconds: ${options.partLeaseSeconds} }`,
        `feeds:\n${feeds.urls.map((url, n) => `  - { url: "${url}", name: "Feed ${n}" }`).join('\n')}`,
        `digests:\n  - { name: faults, cron: "${cron}", window: 24h, maxPerTheme: 25, destination: { channelId: "${PEER_CHANNEL_ID}" } }`,
        '',
      ].join('\n'),
    );
    const env = childEnvironment(options.parentEnv, { configFile: config, logLevel: 'info', discord: { token: discord.token, apiBase: discord.api } });
    const query = async <Row extends object>(sql: string) => (await db.query(sql)).rows as Row[];

    // A first poll of everything: what a feed carries on its first poll is backlog (never in a
    // digest). Then the next polls are spread, so that some poll is always in flight.
    progress(`bench: faults, first poll of ${options.feeds} feeds`);
    const first = await runWorker(['fetch', '--once'], env, dir).exited;
    if (first.code !== 0) throw new Error(`faults-bench: the first poll exited with ${first.code}`);
    // Not due until every worker runs; then spread (see below).
    await db.query(`UPDATE feeds SET next_due_at = $1::bigint`, [Date.now() + 3_600_000]);
    feeds.setLatencyMs(options.feedLatencyMs);
    bumper = setInterval(() => {
      generation += 1;
      feeds.replaceBodies(documents());
    }, options.newStoryEverySeconds * 1000);

    const spawnInto = (slot: number) => {
      const worker = runWorker(['start'], env, dir);
      everyone.push(worker);
      slots[slot] = worker;
      return worker;
    };
    const startedAt = Date.now();
    progress(`bench: faults, ${options.workers} workers starting`);
    await Promise.all(Array.from({ length: options.workers }, (_, slot) => spawnInto(slot).ready));
    // Spread over the interval, or over what is left of the chaos when it is shorter (at least half
    // its length, however slowly the workers started): every feed is polled in it, once.
    const spreadMs = Math.min(FEED_INTERVAL_MS, Math.max(options.chaosSeconds * 1000 - (Date.now() - startedAt), options.chaosSeconds * 500));
    await db.query(`UPDATE feeds SET next_due_at = $1::bigint + (id % ${options.feeds}) * ${Math.max(0, Math.floor(spreadMs / options.feeds))}`, [Date.now()]);
    progress(`bench: faults, ${options.kills} kills over at least ${options.chaosSeconds} s`);
    const { kills, aimed } = await runChaos(
      {
        query,
        pids: () => slots.map((worker) => (worker.alive() ? (worker.child.pid ?? null) : null)),
        async killAndRestart(slot) {
          const worker = slots[slot]!;
          worker.child.kill('SIGKILL');
          await worker.exited;
          spawnInto(slot);
        },
        holdNextMessage: discord.holdNextMessage,
        messagePosts: discord.posts,
      },
      { kills: options.kills, digestEveryMs, minMs: options.chaosSeconds * 1000, maxMs: options.chaosSeconds * 2000, startedAt, pauseMs: [Math.max(500, digestEveryMs / 40), Math.max(1_000, digestEveryMs / 11)], note: progress },
    );

    progress('bench: faults, settling: no new stories, the dead leases expire, one last round and its digest');
    clearInterval(bumper);
    await Promise.all([...slots.map((worker) => worker.ready), new Promise((resolve) => setTimeout(resolve, options.feedLeaseSeconds * 1000 + SLACK_MS))]);
    const polledSince = (at: number) => new Set(feeds.log().filter((request) => request.at >= at && (request.status === 200 || request.status === 304)).map((request) => request.url));
    const settled = await settle({ query, feedUrls: feeds.urls, polledSince }, { digestEveryMs, roundTimeoutMs: 90_000, sendTimeoutMs: digestEveryMs * 2 + 30_000 });
    for (const worker of slots) worker.child.kill('SIGTERM');
    const exits = await Promise.all(slots.map((worker) => stopOrKill(worker)));
    const endedAt = Date.now();

    const expected = options.feeds * (generation + 1);
    const [items] = await query<{ rows: number; guids: number; links: number }>(STORED_ITEMS_SQL);
    const during = feeds.log().filter((request) => request.at >= startedAt && request.at < settled.finalRoundAt);
    const repolls = feedRepolls(
      during.map((request) => ({ feed: request.url, at: request.at })),
      kills,
      { intervalMs: FEED_INTERVAL_MS, leaseMs: options.feedLeaseSeconds * 1000, slackMs: SLACK_MS },
    );
    const parts = await query<{ status: string; message_id: string | null }>(DIGEST_PARTS_SQL);
    const [digests] = await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM digests`);
    const counted = partCounts(
      parts,
      discord.messages.map((message) => ({ id: message.id, nonce: message.nonce, text: JSON.stringify([message.content, message.embeds]) })),
    );
    return {
      workers: options.workers,
      feeds: options.feeds,
      seconds: Math.round((endedAt - startedAt) / 1000),
      kills: {
        total: kills.length,
        poll: kills.filter((kill) => kill.phase === 'poll').length,
        digest: aimed.digest,
        send: aimed.send,
        list: kills.map((kill) => ({ atSeconds: Math.round((kill.at - startedAt) / 100) / 10, worker: kill.worker, phase: kill.phase })),
      },
      items: { expected, stored: items!.rows, distinct: items!.guids, feedLinks: items!.links, duplicates: items!.rows - items!.guids, missing: expected - items!.guids },
      feedRequests: {
        total: during.length,
        maxPerInterval: repolls.maxPerInterval,
        early: repolls.early.length,
        earlyAfterLeaseExpiry: repolls.early.filter((early) => early.afterLeaseExpiry).length,
        earlyAfterKill: repolls.early.filter((early) => early.afterKill).length,
      },
      parts: { digests: digests!.n, expected: counted.parts, posted: counted.posted, duplicates: counted.duplicates, lost: counted.lost, messagePosts: discord.posts() },
      settled: { finalRound: settled.finalRound, allSent: settled.allSent, exits: exits.map((exit) => exit.code) },
    };
  } finally {
    clearInterval(bumper);
    for (const worker of everyone) if (worker.alive()) worker.child.kill('SIGKILL');
    await Promise.all(everyone.map((worker) => worker.exited));
    // Each closer runs whatever the one before did, so the schema is dropped even when a peer will not
    // close; a failure here is told, not thrown, so it never hides the run's own error.
    for (const close of opened.reverse()) {
      await Promise.resolve()
        .then(close)
        .catch((error: unknown) => progress(`bench: faults: cleaning up failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}

interface Worker {
  child: ChildProcess;
  alive(): boolean;
  /** Resolves once the worker says it is running; rejects if it exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `sancocho <args>` in a process of its own, its output watched for the line that says it runs (only a tail is kept). */
function runWorker(args: string[], env: NodeJS.ProcessEnv, cwd: string): Worker {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    const watch = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4_000);
      if (tail.includes('start: Sancocho is running')) resolve();
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    void exited.then(({ code, signal }) => reject(new Error(`faults-bench: sancocho ${args[0]} exited (${signal ?? code}) before it ran: ${tail.slice(-1_000)}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, alive: () => child.exitCode === null && child.signalCode === null };
}

/** A stop that hangs shows as a SIGKILL exit (code null), not as a bench that never ends. */
async function stopOrKill(worker: Worker): Promise<{ code: number | null }> {
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 30_000);
  try {
    return await worker.exited;
  } finally {
    clearTimeout(timer);
  }
}
