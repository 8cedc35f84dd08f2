import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_PARTS_SQL, STORED_ITEMS_SQL, feedRepolls, partCounts, runChaos, settle } from '../../src/bench/fault-chaos.js';
import { faultFeed } from '../../src/bench/fault-stories.js';
import { cli, spawnSancocho, type Child } from '../discord/cli-helpers.js';
import { CHANNEL_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';

const FEEDS = 200;
const WORKERS = 3;
const KILLS = 12;
/** A feed's interval (the smallest the config allows: one minute) and the leases, short so a dead worker's work comes back soon. */
const INTERVAL_MS = 60_000;
const FEED_LEASE_SECONDS = 15;
const PART_LEASE_SECONDS = 6;
/** Every feed gains a new story this often. */
const NEW_STORY_EVERY_MS = 10_000;
/** Each feed answers this slowly during the run, so that polls are in flight when a worker dies. */
const FEED_LATENCY_MS = 800;
/** Clock and scheduling slack on a loaded machine. */
const SLACK_MS = 1_500;

/**
 * The fault test of the scale-out (issue 16 §2): three real `sancocho start` processes (role all:
 * each polls, builds digests and sends) on one PostgreSQL schema, 200 loopback feeds that gain a
 * themed story every few seconds (each its own story, so a digest has several parts), a digest
 * every minute to a channel at the fake Discord, and a dozen kill -9s aimed (src/bench/fault-chaos.ts,
 * shared with `sancocho bench --scenario faults`) mid-poll (a feed lease held), mid-digest (a slot
 * claim held) and mid-send (Discord created the message and holds its answer), each worker restarted at once. Afterwards every story
 * is stored once, no feed was polled twice in an interval unless its lease expired after a kill,
 * and every digest part is in the channel exactly once. Runs in CI wherever PostgreSQL is (about 3 minutes).
 */
describe.skipIf(!TEST_DATABASE_URL)('three workers on one PostgreSQL, killed -9 a dozen times', () => {
  let dir: string;
  let schema: TestSchema;
  let feeds: FeedServer;
  let fake: FakeDiscord;
  let db: pg.Pool;
  let env: NodeJS.ProcessEnv;
  const workers: Child[] = [];
  /** What the run did, with times: printed at the end, also when it fails or times out. */
  const progress: string[] = [];
  const note = (line: string) => progress.push(`${new Date().toISOString().slice(11, 19)} ${line}`);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-kill-'));
    schema = await createTestSchema();
    feeds = await startFeedServer();
    fake = await startFakeDiscord();
    db = new pg.Pool({ connectionString: schema.url, max: 2 });
  });
  afterAll(async () => {
    console.log(`kill-workers: progress\n${progress.join('\n')}`);
    for (const worker of workers) {
      if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGKILL');
      await worker.exited;
    }
    await db?.end();
    await fake?.close();
    await feeds?.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  let generation = 0;
  /** Every feed's document: all its stories so far (fault-stories.ts: themed, none the same story), dated now so they fall in the digest's window. */
  const publish = (delayMs: number) => {
    for (let n = 0; n < FEEDS; n++) feeds.route(`/feed-${n}.xml`, { body: faultFeed(n, generation, Date.now()), delayMs });
  };
  const query = async <Row extends pg.QueryResultRow>(sql: string) => (await db.query<Row>(sql)).rows;
  const alive = (worker: Child) => worker.process.exitCode === null && worker.process.signalCode === null;

  it('stores every story once, polls every feed once per interval, and posts every digest part exactly once', { timeout: 330_000 }, async () => {
    const config = path.join(dir, 'sancocho.yaml');
    const feedLines = Array.from({ length: FEEDS }, (_, n) => `  - { url: "${feeds.url(`/feed-${n}.xml`)}", name: "Feed ${n}" }`);
    writeFileSync(
      config,
      [
        `database: ${JSON.stringify(schema.url)}`,
        `polling: { schedule: "*/5 * * * * *", defaultInterval: 1, concurrency: 6, perHostConcurrency: 12, leaseSeconds: ${FEED_LEASE_SECONDS} }`,
        `delivery: { leaseSeconds: ${PART_LEASE_SECONDS} }`,
        `feeds:\n${feedLines.join('\n')}`,
        `digests:\n  - { name: minutely, cron: "* * * * *", window: 24h, maxPerTheme: 25, destination: { channelId: "${CHANNEL_ID}" } }`,
        '',
      ].join('\n'),
    );
    env = { SANCOCHO_CONFIG: config, DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };

    // A first poll of everything before the workers start: what a feed carries on its first poll is
    // backlog (never in a digest), so the run's digests carry stories from its first minute. Then
    // the feeds' next polls are spread over the interval, so that some poll is always in flight.
    publish(0);
    const first = await cli(['fetch', '--once'], env);
    expect(first.code, first.stderr).toBe(0);
    await db.query(`UPDATE feeds SET next_due_at = $1::bigint + (id % ${FEEDS}) * ${Math.floor(INTERVAL_MS / FEEDS)}`, [Date.now()]);
    publish(FEED_LATENCY_MS);
    const bumper = setInterval(() => {
      generation += 1;
      publish(FEED_LATENCY_MS);
    }, NEW_STORY_EVERY_MS);

    const ready = (worker: Child) => worker.waitForOutput(/start: Sancocho is running/, 90_000);
    const spawn = (index: number) => {
      const worker = spawnSancocho(['start'], env);
      workers.push(worker);
      slots[index] = worker;
      return worker;
    };
    const slots: Child[] = [];
    const startedAt = Date.now();
    await Promise.all(Array.from({ length: WORKERS }, (_, index) => ready(spawn(index))));

    note('workers ready');
    // The chaos (fault-chaos.ts): mid-poll kills at random moments; at each minute, a kill while the
    // slot is being built and one while Discord holds the answer to a part it already created.
    const { kills, aimed } = await runChaos(
      {
        query,
        pids: () => slots.map((worker) => (alive(worker) ? (worker.process.pid ?? null) : null)),
        async killAndRestart(index) {
          slots[index]!.process.kill('SIGKILL');
          await slots[index]!.exited;
          spawn(index);
        },
        holdNextMessage: () => fake.scriptMessages('accept-and-hold'),
        messagePosts: () => fake.messagePosts().length,
      },
      { kills: KILLS, digestEveryMs: INTERVAL_MS, minMs: 130_000, maxMs: 150_000, startedAt, pauseMs: [1_500, 5_500], note },
    );
    const chaosEndedAt = Date.now();
    note(`chaos over: ${kills.length} kills, aimed ${JSON.stringify(aimed)}`);

    // Settle: no new stories; the dead workers' leases expire; one last round of every feed, a
    // digest of it, and every part sent.
    clearInterval(bumper);
    await Promise.all(slots.map(ready));
    await sleep(FEED_LEASE_SECONDS * 1000 + SLACK_MS);
    note('final round');
    const feedPaths = Array.from({ length: FEEDS }, (_, n) => `/feed-${n}.xml`);
    const polledSince = (at: number) =>
      new Set(feeds.requests().filter((r) => r.at >= at && r.end === 'finished' && r.status === 200).map((r) => feeds.url(r.path)));
    const { finalRoundAt, finalRound, allSent } = await settle(
      { query, feedUrls: feedPaths.map((feed) => feeds.url(feed)), polledSince },
      { digestEveryMs: INTERVAL_MS, roundTimeoutMs: 90_000, sendTimeoutMs: 150_000 },
    );
    note(`final round done: ${finalRound}`);
    note(`all sent: ${allSent}`);
    for (const worker of slots) worker.process.kill('SIGTERM');
    // A stop that hangs shows as a SIGKILL exit below, not as a test timeout.
    const exits = await Promise.all(
      slots.map((worker) => Promise.race([worker.exited, sleep(30_000).then(() => (worker.process.kill('SIGKILL'), worker.exited))])),
    );
    const endedAt = Date.now();

    // Every story served is stored, once.
    const served = FEEDS * (generation + 1);
    const [items] = await query<{ rows: number; guids: number; links: number }>(STORED_ITEMS_SQL);

    // Every feed polled at most once per interval, but for a takeover after a lease expired (its holder killed, or outlived on a loaded machine).
    const during = feeds.requests().filter((r) => r.at >= startedAt && r.at < finalRoundAt);
    const repolls = feedRepolls(
      during.map((r) => ({ feed: r.path, at: r.at })),
      kills,
      { intervalMs: INTERVAL_MS, leaseMs: FEED_LEASE_SECONDS * 1000, slackMs: SLACK_MS },
    );

    // Every part posted once: one message per part, none twice by content or nonce.
    const parts = await query<{ digest_id: string; part: number; status: string; message_id: string | null; nonce: string }>(DIGEST_PARTS_SQL);
    const digests = await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM digests`);
    const messages = fake.messages.filter((m) => m.channelId === CHANNEL_ID);
    const counted = partCounts(parts, messages.map((m) => ({ id: m.id, nonce: m.nonce, text: JSON.stringify([m.body.content, m.body.embeds]) })));
    const posts = fake.messagePosts();
    const repeatedNonces = posts.length - new Set(posts.map((p) => JSON.stringify((p.body as { nonce?: unknown }).nonce))).size;

    const figures = {
      seconds: Math.round((endedAt - startedAt) / 1000),
      chaosSeconds: Math.round((chaosEndedAt - startedAt) / 1000),
      kills: kills.length,
      killsByPhase: { poll: kills.filter((k) => k.phase === 'poll').length, digest: aimed.digest, send: aimed.send },
      itemsServed: served,
      itemRows: items!.rows,
      distinctGuids: items!.guids,
      itemFeedLinks: items!.links,
      feedRequests: feeds.requests().length,
      feedRequestsDuringRun: during.length,
      maxRequestsPerInterval: repolls.maxPerInterval,
      earlyRepolls: repolls.early.length,
      takeoversAfterLeaseExpiry: repolls.early.filter((e) => e.afterLeaseExpiry).length,
      takeoversAfterAKill: repolls.early.filter((e) => e.afterLeaseExpiry && e.afterKill).length,
      digests: digests[0]!.n,
      parts: counted.parts,
      mostPartsInADigest: Math.max(0, ...[...new Set(parts.map((p) => p.digest_id))].map((id) => parts.filter((p) => p.digest_id === id).length)),
      partsSent: counted.sent,
      messagePosts: posts.length,
      messagesCreated: counted.posted,
      duplicates: counted.duplicates,
      lost: counted.lost,
      postsRepeatingANonce: repeatedNonces,
      exits: exits.map((e) => e.code),
      settled: { finalRound, allSent },
    };
    console.log(`kill-workers: ${JSON.stringify(figures)}`);
    console.log(
      `kill-workers: kills\n${kills.map((k) => `  +${((k.at - startedAt) / 1000).toFixed(1)}s worker ${k.worker} (pid ${k.pid}) ${k.phase}: ${k.detail}`).join('\n')}`,
    );

    expect({ finalRound, allSent }).toEqual({ finalRound: true, allSent: true });
    expect(kills.length).toBeGreaterThanOrEqual(KILLS);
    expect(aimed.digest + aimed.send).toBeGreaterThan(0);
    expect(exits).toEqual(Array(WORKERS).fill({ code: 0, signal: null }));
    expect({ rows: items!.rows, guids: items!.guids, links: items!.links }).toEqual({ rows: served, guids: served, links: served });
    expect(repolls.early.filter((e) => !e.afterLeaseExpiry)).toEqual([]);
    expect(parts.length).toBeGreaterThan(0);
    expect(figures.mostPartsInADigest).toBeGreaterThan(1);
    expect(parts.every((p) => p.status === 'sent' && p.message_id !== null)).toBe(true);
    expect(messages).toHaveLength(parts.length);
    expect(counted).toMatchObject({ duplicates: 0, lost: 0 });
    expect(new Set(messages.map((m) => m.id))).toEqual(new Set(parts.map((p) => p.message_id)));
  });
});
