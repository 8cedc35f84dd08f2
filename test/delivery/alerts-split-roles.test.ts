import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src/app-context.js';
import { openDigestRuntime, type DigestRuntime } from '../../src/cli/digest-command.js';
import { configSchema } from '../../src/config/config-schema.js';
import { readEnvironment } from '../../src/config/environment.js';
import { createLogger } from '../../src/core/logger.js';
import { pollFeedsJob } from '../../src/jobs/poll-feeds-job.js';
import { listenForOutbox, pollerAlerts } from '../../src/jobs/split-role-alerts.js';
import { CHANNEL_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';
import { outletEntry, rss, type TestEntry } from '../support/rss.js';
import { captureLogLines } from '../support/capture-io.js';

/**
 * Priority alerts with the roles split on one PostgreSQL schema: two pollers (no Discord) poll,
 * classify and decide alerts after their cycles, at the same moment; a digester holds the outbox
 * sender and the fake Discord, and sends as soon as a poller nudges it.
 */

const OUTLETS = ['El Nacional', 'Efecto Cocuyo', 'Tal Cual'] as const;
const STRIKE = [
  'Estados Unidos ataca una lancha frente a Venezuela y mueren cuatro tripulantes',
  'Estados Unidos ataca otra lancha frente a Venezuela: mueren cuatro tripulantes',
  'Estados Unidos ataca una lancha frente a Venezuela; cuatro tripulantes mueren',
];
const SUMMARY = 'El Comando Sur de Estados Unidos confirmó el ataque militar contra una embarcación en el Caribe, cerca de aguas venezolanas.';

interface Worker {
  ctx: AppContext;
  logs(): { msg: string; time: number }[];
}

describe.skipIf(!TEST_DATABASE_URL)('alerts with a poller/digester split on PostgreSQL', { timeout: 90_000 }, () => {
  let fake: FakeDiscord;
  let feeds: FeedServer;
  let schema: TestSchema;
  const closers: (() => Promise<void>)[] = [];
  const served = new Map<string, TestEntry[]>();

  function serve(outlet: string, entries: TestEntry[]): void {
    served.set(outlet, entries);
    feeds.route(`/${encodeURIComponent(outlet)}.xml`, { body: rss(entries, { title: outlet }) });
  }
  const entry = outletEntry;

  async function openWorker(): Promise<Worker> {
    const { destination, logs } = captureLogLines();
    const config = {
      ...configSchema.parse({
        database: schema.url,
        feeds: OUTLETS.map((outlet) => ({ name: outlet, url: feeds.url(`/${encodeURIComponent(outlet)}.xml`), language: 'es' })),
        alerts: [{ name: 'caribe', destination: { channelId: CHANNEL_ID }, language: 'en' }],
        polling: { timeoutSeconds: 5, connectTimeoutSeconds: 2 },
      }),
      source: 'test',
      discord: readEnvironment({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api }).discord,
    };
    const ctx = await createAppContext(config, createLogger({ level: 'info', pretty: false, destination }));
    closers.unshift(() => ctx.close());
    return { ctx, logs };
  }

  async function everyFeedDue(): Promise<void> {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      await client.query('UPDATE feeds SET next_due_at = 0');
    } finally {
      await client.end();
    }
  }

  beforeEach(async () => {
    fake = await startFakeDiscord();
    feeds = await startFeedServer();
    schema = await createTestSchema();
    // The feeds' archive, stored as backlog at their first poll: never an alert.
    for (const outlet of OUTLETS) serve(outlet, [entry(outlet, `${outlet}: archivo de la semana pasada sobre el Mercosur y Venezuela`, 'Archivo.', 60)]);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await fake.close();
    await feeds.close();
    await schema.drop();
  });

  it('two pollers decide at once: the story is alerted once, and the digester posts it within 5 s of the cycle', async () => {
    const pollers = [await openWorker(), await openWorker()];
    const digester = await openWorker();
    const runtime: DigestRuntime = await openDigestRuntime(digester.ctx, {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: { DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api },
    });
    closers.unshift(() => runtime.close());
    const stopListening = await listenForOutbox(digester.ctx, runtime);
    closers.unshift(stopListening);
    const cycles = () => Promise.all(pollers.map((poller) => pollFeedsJob(poller.ctx, pollerAlerts(poller.ctx)).run()));

    await cycles();
    expect(fake.messages).toHaveLength(0);

    // Three outlets carry the strike: velocity (3 outlets within 3 hours).
    OUTLETS.forEach((outlet, index) => serve(outlet, [...(served.get(outlet) ?? []), entry(outlet, STRIKE[index] as string, SUMMARY, 20 - index * 5)]));
    await everyFeedDue();
    await cycles();
    const cycleDone = Math.max(...pollers.map((poller) => poller.logs().filter((line) => line.msg === 'poll-feeds-job: cycle done').at(-1)?.time ?? 0));
    await fake.waitFor(() => fake.messages.length === 1, 10_000, 'the alert');
    const latencyMs = (fake.messages[0]?.at ?? 0) - cycleDone;
    console.log(`split-role alert latency: ${latencyMs} ms from the last poller's cycle to the POST at Discord`);
    expect(latencyMs).toBeLessThan(5_000);
    expect(fake.messages[0]?.body.content).toContain('Estados Unidos ataca');

    // Both pollers' alert steps again, at the same moment, with nothing new: no second post.
    await Promise.all(pollers.map((poller) => pollerAlerts(poller.ctx).run()));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fake.messagePosts()).toHaveLength(1);
  });
});
