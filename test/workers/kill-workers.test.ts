import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, spawnSancocho, type Child } from '../discord/cli-helpers.js';
import { CHANNEL_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';
import { rss } from '../support/rss.js';

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

type Phase = 'poll' | 'digest' | 'send';
interface Kill {
  at: number;
  worker: number;
  pid: number;
  phase: Phase;
  detail: string;
}

/** Themed headlines whose other words differ from feed to feed and story to story, so that no two are one story. */
const TOPICS = ['Mercosur y la UE negocian aranceles', 'EE.UU. y Venezuela: tensión en el Caribe', 'China financia un puerto en Perú', 'La CELAC se reúne en Bogotá'];
const PLACES = ['Asunción', 'Montevideo', 'Cusco', 'Mérida', 'Rosario', 'Cali', 'Arica', 'Cuenca', 'Salta', 'Oruro', 'Tacna', 'Manta', 'Colón'];
const THINGS = ['soja', 'litio', 'cobre', 'café', 'atún', 'trigo', 'vino', 'gas', 'acero', 'maíz', 'lana', 'cacao', 'sal', 'zinc', 'arroz', 'yerba', 'plata'];
const headline = (n: number, g: number) =>
  `${TOPICS[(n + g) % TOPICS.length]}: ${PLACES[(n * 7 + g) % PLACES.length]}, ${THINGS[(n * 3 + g * 5) % THINGS.length]} y el expediente ${n}-${g}`;

/**
 * The fault test of the scale-out (issue 16 §2): three real `sancocho start` processes (role all:
 * each polls, builds digests and sends) on one PostgreSQL schema, 200 loopback feeds that gain a
 * story every few seconds, a digest every minute to a channel at the fake Discord, and a dozen
 * kill -9s aimed mid-poll (a feed lease held), mid-digest (a slot claim held) and mid-send (Discord
 * created the message and holds its answer), each worker restarted at once. Afterwards every story
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
  /** Every feed's document: all its stories so far, the newest first, dated now so they fall in the digest's window. */
  const publish = (delayMs: number) => {
    for (let n = 0; n < FEEDS; n++) {
      const entries = [];
      for (let g = generation; g >= 0; g--) {
        entries.push({
          title: headline(n, g),
          guid: `${n}-${g}`,
          link: `https://news.example/${n}/${g}`,
          pubDate: new Date(Date.now() - (generation - g) * 1000).toUTCString(),
        });
      }
      feeds.route(`/feed-${n}.xml`, { body: rss(entries), delayMs });
    }
  };
  const query = async <Row extends pg.QueryResultRow>(sql: string) => (await db.query<Row>(sql)).rows;
  const pidOf = (owner: string) => Number(owner.split(':')[1]);
  /** Polls `condition` every second until it holds (true) or time runs out (false). */
  const until = async (condition: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await condition()) return true;
      await sleep(1_000);
    }
    return false;
  };
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
    const kills: Kill[] = [];
    const kill = async (index: number, phase: Phase, detail: string) => {
      const worker = slots[index]!;
      kills.push({ at: Date.now(), worker: index, pid: worker.process.pid!, phase, detail });
      note(`kill ${kills.length}: worker ${index} ${phase}`);
      worker.process.kill('SIGKILL');
      await worker.exited;
      spawn(index);
    };
    const slotOfOwner = (owner: string) => slots.findIndex((worker) => alive(worker) && worker.process.pid === pidOf(owner));
    /** Waits until `find` names a live worker's lease, then kills that worker; false when none showed in time. */
    const killOwner = async (phase: Phase, detail: string, find: () => Promise<string[]>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const owners = (await find()).map(slotOfOwner).filter((index) => index >= 0);
        if (owners.length > 0) {
          await kill(owners[Math.floor(Math.random() * owners.length)]!, phase, detail);
          return true;
        }
        await sleep(20);
      }
      return false;
    };
    const feedLeases = async () =>
      (await query<{ lease_owner: string }>(`SELECT DISTINCT lease_owner FROM feeds WHERE lease_owner IS NOT NULL AND lease_until > ${Date.now()}`)).map((r) => r.lease_owner);
    const slotClaims = async () => (await query<{ owner: string }>(`SELECT owner FROM digest_claims WHERE expires_at > ${Date.now()}`)).map((r) => r.owner);
    const partLeases = async () =>
      (await query<{ lease_owner: string }>(`SELECT DISTINCT lease_owner FROM digest_parts WHERE status = 'pending' AND lease_owner IS NOT NULL AND lease_expires_at > ${Date.now()}`)).map(
        (r) => r.lease_owner,
      );
    const toNextMinute = () => INTERVAL_MS - (Date.now() % INTERVAL_MS);

    // The chaos: mid-poll kills at random moments; at each minute, a kill while the slot is being
    // built and one while Discord holds the answer to a part it already created.
    const aimed = { digest: 0, send: 0 };
    let holdQueued = false;
    while (kills.length < KILLS || ((aimed.digest === 0 || aimed.send === 0) && Date.now() - startedAt < 150_000)) {
      const boundaryDone = aimed.digest > 0 && aimed.send > 0;
      if (!boundaryDone && toNextMinute() < 6_000) {
        // The next part posted is created by Discord, whose answer then never comes: its sender dies waiting.
        if (!holdQueued) fake.scriptMessages('accept-and-hold');
        holdQueued = true;
        const posts = fake.messagePosts().length;
        await sleep(toNextMinute());
        if (aimed.digest === 0) await killOwner('digest', 'its slot claim held (building the digest)', slotClaims, 4_000).then((hit) => hit && (aimed.digest += 1));
        if (aimed.send === 0) {
          const held = await fake.waitFor(() => fake.messagePosts().length > posts, 25_000, 'a part to be posted').then(
            () => true,
            () => false,
          );
          if (held) holdQueued = false;
          if (held) await killOwner('send', 'Discord created the part and holds its answer', partLeases, 5_000).then((hit) => hit && (aimed.send += 1));
        }
        continue;
      }
      await sleep(boundaryDone ? 1_500 + Math.random() * 4_000 : Math.min(1_500 + Math.random() * 4_000, Math.max(0, toNextMinute() - 6_000)));
      if (boundaryDone || toNextMinute() >= 6_000) await killOwner('poll', 'a feed lease held (request in flight or items being stored)', feedLeases, 8_000);
      if (Date.now() - startedAt > 130_000 && kills.length >= KILLS) break;
    }
    const chaosEndedAt = Date.now();
    note(`chaos over: ${kills.length} kills, aimed ${JSON.stringify(aimed)}`);

    // Settle: no new stories; the dead workers' leases expire; one last round of every feed, a
    // digest of it, and every part sent.
    clearInterval(bumper);
    await Promise.all(slots.map(ready));
    await sleep(FEED_LEASE_SECONDS * 1000 + SLACK_MS);
    const finalRoundAt = Date.now();
    note('final round');
    const polledSinceFinal = () => new Set(feeds.requests().filter((r) => r.at >= finalRoundAt && r.end === 'finished' && r.status === 200).map((r) => r.path));
    // Made due again until polled: a poll in flight at the first UPDATE records its own next due time over it.
    const finalRound = await until(async () => {
      const done = polledSinceFinal();
      const left = Array.from({ length: FEEDS }, (_, n) => `/feed-${n}.xml`).filter((feed) => !done.has(feed));
      await db.query(`UPDATE feeds SET next_due_at = 0 WHERE lease_owner IS NULL AND url = ANY($1)`, [left.map((feed) => feeds.url(feed))]);
      return left.length === 0 && (await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM feeds WHERE lease_owner IS NOT NULL`))[0]!.n === 0;
    }, 90_000);
    note(`final round done: ${finalRound}`);
    // The minute after the last round builds its digest; parts a dead worker held go out with the every-minute retry.
    const lastSlot = Date.now() + toNextMinute();
    const allSent = await until(async () => {
      const [row] = await query<{ built: number; unsent: number }>(
        `SELECT (SELECT COUNT(*)::int FROM digests WHERE slot_at >= ${lastSlot}) AS built, (SELECT COUNT(*)::int FROM digest_parts WHERE status <> 'sent') AS unsent`,
      );
      return row!.built > 0 && row!.unsent === 0;
    }, 150_000);

    note(`all sent: ${allSent}`);
    for (const worker of slots) worker.process.kill('SIGTERM');
    // A stop that hangs shows as a SIGKILL exit below, not as a test timeout.
    const exits = await Promise.all(
      slots.map((worker) => Promise.race([worker.exited, sleep(30_000).then(() => (worker.process.kill('SIGKILL'), worker.exited))])),
    );
    const endedAt = Date.now();

    // Every story served is stored, once.
    const served = FEEDS * (generation + 1);
    const [items] = await query<{ rows: number; guids: number; links: number }>(
      `SELECT COUNT(*)::int AS rows, COUNT(DISTINCT guid)::int AS guids, (SELECT COUNT(*)::int FROM item_feeds) AS links FROM items`,
    );

    // Every feed polled at most once per interval, but for a takeover after a dead worker's lease expired.
    const byFeed = new Map<string, number[]>();
    for (const request of feeds.requests()) {
      if (request.at < startedAt || request.at >= finalRoundAt) continue;
      byFeed.set(request.path, [...(byFeed.get(request.path) ?? []), request.at]);
    }
    const early: { feed: string; gapMs: number; afterKill: boolean }[] = [];
    for (const [feed, times] of byFeed) {
      for (let i = 1; i < times.length; i++) {
        const [before, after] = [times[i - 1]!, times[i]!];
        if (after - before >= INTERVAL_MS - SLACK_MS) continue;
        early.push({ feed, gapMs: after - before, afterKill: kills.some((k) => k.at >= before && k.at <= after) });
      }
    }
    // A takeover comes only after a lease expired: the holder was killed, or (on a loaded machine) outlived its lease.
    const takeovers = early.filter((e) => e.gapMs >= FEED_LEASE_SECONDS * 1000 - SLACK_MS);

    // Every part posted once: one message per part, none twice by content or nonce.
    const parts = await query<{ digest_id: string; part: number; status: string; message_id: string | null; nonce: string }>(
      `SELECT digest_id, part, status, message_id, nonce FROM digest_parts ORDER BY digest_id, part`,
    );
    const digests = await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM digests`);
    const messages = fake.messages.filter((m) => m.channelId === CHANNEL_ID);
    const contents = new Set(messages.map((m) => JSON.stringify([m.body.content, m.body.embeds])));
    const nonces = new Set(messages.map((m) => m.nonce));
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
      feedRequestsDuringRun: [...byFeed.values()].reduce((sum, times) => sum + times.length, 0),
      earlyRepolls: early.length,
      takeoversAfterLeaseExpiry: takeovers.length,
      takeoversAfterAKill: takeovers.filter((e) => e.afterKill).length,
      digests: digests[0]!.n,
      parts: parts.length,
      partsSent: parts.filter((p) => p.status === 'sent').length,
      messagePosts: posts.length,
      messagesCreated: messages.length,
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
    expect(early.filter((e) => !takeovers.includes(e))).toEqual([]);
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((p) => p.status === 'sent' && p.message_id !== null)).toBe(true);
    expect(messages).toHaveLength(parts.length);
    expect(contents.size).toBe(parts.length);
    expect(nonces.size).toBe(parts.length);
    expect(new Set(messages.map((m) => m.id))).toEqual(new Set(parts.map((p) => p.message_id)));
  });
});
