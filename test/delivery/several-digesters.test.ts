import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestScheduleSchema, type DigestScheduleConfig } from '../../src/config/config-schema.js';
import { readEnvironment } from '../../src/config/environment.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Deliverer } from '../../src/delivery/deliverer.js';
import type { OutboxRepository } from '../../src/delivery/ports.js';
import { createDigestRunner, type DigestRunner } from '../../src/delivery/digest-runner.js';
import type { Digest } from '../../src/digest/digest-types.js';
import type { ThemeId } from '../../src/core/themes.js';
import { createDeliverer } from '../../src/discord/create-deliverer.js';
import { createMetrics, type Metrics } from '../../src/ops/metrics.js';
import { createPgPool } from '../../src/store/postgres/pg-pool.js';
import { migratePostgres } from '../../src/store/postgres/pg-migrations.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { newsDay, seedItems } from '../digest/seed-store.js';
import { CHANNEL_ID, WEBHOOK_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';

const SLOT = Date.UTC(2026, 4, 3, 12);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REGISTER_TS = path.join(HERE, '../discord/child/register-ts.mjs');
const OUTBOX_WORKER = path.join(HERE, 'child/outbox-worker.ts');
const WEBHOOK = `webhook:${WEBHOOK_ID}`;

/** Ten digests of five parts each, all due: `digest D part P` says which one arrived. */
async function enqueueFiftyParts(outbox: Pick<OutboxRepository, 'enqueue'>): Promise<void> {
  for (let digest = 0; digest < 10; digest++) {
    await outbox.enqueue({
      schedule: 'daily',
      slotAt: SLOT - digest * 60_000,
      trigger: 'schedule',
      destination: WEBHOOK,
      windowFrom: 0,
      windowTo: SLOT,
      stories: 5,
      markdown: '',
      payloads: Array.from({ length: 5 }, (_, part) => JSON.stringify({ type: 'discord', body: { content: `digest ${digest} part ${part + 1}` } })),
      now: SLOT,
    });
  }
}

/**
 * Several digesters on one PostgreSQL schema, each with its own pool, store and runner as separate
 * processes would have: every slot built once, every outbox part posted once. Claims and leases are
 * single statements, so this holds without any per-schema transaction lock.
 */
describe.skipIf(!TEST_DATABASE_URL)('several digesters on one PostgreSQL', () => {
  let schema: TestSchema;
  let fake: FakeDiscord;
  const pools: pg.Pool[] = [];
  const deliverers: Deliverer[] = [];

  beforeEach(async () => {
    schema = await createTestSchema();
    fake = await startFakeDiscord();
    const first = createPgPool(schema.url, { max: 4 });
    pools.push(first);
    await migratePostgres(first);
  });
  afterEach(async () => {
    await Promise.all(deliverers.splice(0).map((each) => each.close()));
    await Promise.all(pools.splice(0).map((each) => each.end()));
    await fake.close();
    await schema.drop();
  });

  const schedule = (): DigestScheduleConfig =>
    digestScheduleSchema.parse({ name: 'daily', cron: '0 8 * * *', timezone: 'America/Caracas', destination: { webhookUrl: fake.webhookUrl() } });

  const channelSchedule = (): DigestScheduleConfig =>
    digestScheduleSchema.parse({ name: 'channel', cron: '0 8 * * *', destination: { channelId: CHANNEL_ID } });

  /** One worker: its own connections, store, deliverer and runner, as a separate process has. */
  async function worker(
    name: string,
    options: { overviewMs?: number; overviews?: string[]; leaseMs?: number; metrics?: Metrics; bot?: boolean; now?: () => number } = {},
  ) {
    const pool = createPgPool(schema.url, { max: 4 });
    pools.push(pool);
    const store = createPostgresStore(pool);
    const setup = await createDeliverer({
      discord: readEnvironment({ DISCORD_API_BASE: fake.api, ...(options.bot ? { DISCORD_TOKEN: fake.token } : {}) }).discord,
      logger: silentLogger(),
      out: new PassThrough(),
      previewDir: '.',
      hasWebhooks: true,
    });
    if (setup.kind !== 'ok') throw new Error(setup.message);
    deliverers.push(setup.deliverer);
    // The LLM's overview, slow as it is: who writes one is who built the digest.
    const overview = {
      async write(digest: Digest) {
        options.overviews?.push(name);
        await sleep(options.overviewMs ?? 0);
        return new Map<ThemeId, string>(digest.sections.map((section) => [section.theme, `overview by ${name}`]));
      },
    };
    const runner = createDigestRunner({
      store,
      logger: silentLogger(),
      schedules: [schedule(), channelSchedule()],
      deliverer: setup.deliverer,
      overview,
      metrics: options.metrics,
      workerId: name,
      leaseMs: options.leaseMs,
      claimWaitMs: 20,
      now: options.now ?? (() => SLOT + 60_000 + (Date.now() - started)),
    });
    return { store, runner };
  }
  const started = Date.now();

  /** Flushes until the outbox has nothing pending, as the every-minute retry job does. */
  async function drain(runner: DigestRunner): Promise<void> {
    for (let round = 0; round < 500 && (await runner.pendingDigests()).length > 0; round++) {
      await runner.flush();
      await sleep(1);
    }
  }

  it('posts each of 50 outbox parts exactly once when two workers send at the same time', async () => {
    const metrics = [createMetrics(), createMetrics()];
    const [a, b] = [await worker('worker-a', { metrics: metrics[0] }), await worker('worker-b', { metrics: metrics[1] })];
    await enqueueFiftyParts(a!.store.outbox);
    await Promise.all([drain(a!.runner), drain(b!.runner)]);

    const posted = fake.messagePosts().map((post) => post.body.content as string);
    expect(posted).toHaveLength(50);
    expect(new Set(posted).size).toBe(50);
    // Within a digest the parts still arrive in order, whichever worker sent each.
    for (let digest = 0; digest < 10; digest++) {
      const ofDigest = posted.filter((content) => content.startsWith(`digest ${digest} `));
      expect(ofDigest).toEqual([1, 2, 3, 4, 5].map((part) => `digest ${digest} part ${part}`));
    }
    const sentBy = await Promise.all(metrics.map(async (m) => Number(/sancocho_digest_parts_sent_total\{[^}]*\} (\d+)/.exec(await m.registry.metrics())?.[1] ?? 0)));
    expect(sentBy[0]! + sentBy[1]!).toBe(50);
    expect(await a!.store.outbox.pendingDigestIds()).toEqual([]);
  });

  // Two child processes, each compiling the sources as it starts: a loaded machine needs more than the default 20 s.
  it('posts each of 50 parts exactly once when two digester processes send at the same time', { timeout: 120_000 }, async () => {
    const { store } = await worker('setup');
    await enqueueFiftyParts(store.outbox);
    const run = (name: string) =>
      promisify(execFile)(process.execPath, ['--import', REGISTER_TS, OUTBOX_WORKER, schema.url, fake.api, name, fake.webhookUrl()], { timeout: 120_000 });
    const results = await Promise.all([run('process-a'), run('process-b')]);
    const sent = results.map(({ stdout }) => (JSON.parse(stdout) as { sent: number }).sent);

    const posted = fake.messagePosts().map((post) => post.body.content as string);
    expect(posted).toHaveLength(50);
    expect(new Set(posted).size).toBe(50);
    expect(sent[0]! + sent[1]!).toBe(50);
    for (let digest = 0; digest < 10; digest++) {
      expect(posted.filter((content) => content.startsWith(`digest ${digest} `))).toEqual([1, 2, 3, 4, 5].map((part) => `digest ${digest} part ${part}`));
    }
    expect(await store.outbox.pendingDigestIds()).toEqual([]);
  });

  it('builds a slot once when the cron fires on two digesters at once; the other waits and posts nothing more', async () => {
    const overviews: string[] = [];
    const [a, b] = [await worker('worker-a', { overviews, overviewMs: 300 }), await worker('worker-b', { overviews, overviewMs: 300 })];
    await seedItems(a!.store, newsDay(SLOT));
    const [ra, rb] = await Promise.all([
      a!.runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT }),
      b!.runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT }),
    ]);
    expect(overviews).toHaveLength(1);
    expect(ra.digestId).toBe(rb.digestId);
    expect([ra.created, rb.created].sort()).toEqual([false, true]);
    // Either may send a part (the waiter finds the digest written and helps with parts not leased
    // yet); whichever sent last saw the digest complete, and Discord got each part once.
    expect([ra, rb]).toContainEqual(expect.objectContaining({ status: 'sent', sentParts: ra.parts }));
    expect(fake.messagePosts()).toHaveLength(ra.parts);
  });

  it('takes over the claim of a digester that died while building, once the claim expires', async () => {
    const overviews: string[] = [];
    const survivor = await worker('worker-b', { overviews });
    await seedItems(survivor.store, newsDay(SLOT));
    // worker-a claimed the slot, then was killed before writing the digest.
    const slot = { schedule: 'daily', slotAt: SLOT, destination: WEBHOOK };
    const claimedAt = SLOT + 60_000 + (Date.now() - started);
    expect(await survivor.store.outbox.claimSlot(slot, { owner: 'worker-a', now: claimedAt, ms: 400 })).toEqual({ kind: 'claimed' });

    const report = await survivor.runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(overviews).toEqual(['worker-b']);
    expect(report).toMatchObject({ created: true, status: 'sent' });
    expect(fake.messagePosts()).toHaveLength(report.parts);
  });

  it('takes over the lease of a worker killed mid-send, and finds the part it had posted instead of posting it again', async () => {
    const survivor = await worker('worker-b', { bot: true, now: Date.now });
    const body = (part: number) => ({ content: `**Resumen · parte ${part} de 2**`, embeds: [{ title: `Tema ${part}`, description: 'Historias' }] });
    const { digest } = await survivor.store.outbox.enqueue({
      schedule: 'channel',
      slotAt: SLOT,
      trigger: 'schedule',
      destination: `channel:${CHANNEL_ID}`,
      windowFrom: 0,
      windowTo: SLOT,
      stories: 2,
      markdown: '',
      payloads: [1, 2].map((part) => JSON.stringify({ type: 'discord', body: body(part) })),
      now: Date.now(),
    });
    // worker-a leased part 1, began its send, Discord created the message, and worker-a died before recording it.
    const leasedUntil = Date.now() + 3_000;
    expect(await survivor.store.outbox.leasePart(digest.id, 1, { owner: 'worker-a', now: leasedUntil - 3_000, ms: 3_000 })).toBeDefined();
    await survivor.store.outbox.markAttempt(digest.id, 1, Date.now() - 1_000);
    const landed = await fetch(`${fake.api}/v10/channels/${CHANNEL_ID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body(1)),
    });
    const { id: landedId } = (await landed.json()) as { id: string };

    await survivor.runner.flush();
    expect(await survivor.runner.pendingDigests()).toEqual([digest.id]); // still leased to worker-a: left alone
    await sleep(Math.max(0, leasedUntil - Date.now() + 50));
    await drain(survivor.runner);
    const parts = await survivor.store.outbox.parts(digest.id);
    expect(parts.map((part) => [part.status, part.messageId === landedId])).toEqual([
      ['sent', true],
      ['sent', false],
    ]);
    expect(fake.messagePosts().map((post) => post.body.content)).toEqual([body(1).content, body(2).content]);
  });
});
