import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src/app-context.js';
import { openDigestRuntime, type DigestRuntime } from '../../src/cli/digest-command.js';
import { configSchema } from '../../src/config/config-schema.js';
import { readEnvironment } from '../../src/config/environment.js';
import { createLogger } from '../../src/core/logger.js';
import { pollFeedsJob } from '../../src/jobs/poll-feeds-job.js';
import { openDatabase } from '../../src/store/open-database.js';
import { CHANNEL_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { outletEntry, rss, type TestEntry } from '../support/rss.js';
import { captureLogLines } from '../support/capture-io.js';

/**
 * Priority alerts through the real app path: the loopback feed server, the poll job (fetch, store,
 * classify offline), the alert runner, the outbox, the real discord.js client and the fake Discord.
 */

const OUTLETS = ['El Nacional', 'Efecto Cocuyo', 'Tal Cual', 'El Pitazo'] as const;
const STRIKE = [
  'Estados Unidos ataca una lancha frente a Venezuela y mueren cuatro tripulantes',
  'Estados Unidos ataca otra lancha frente a Venezuela: mueren cuatro tripulantes',
  'Estados Unidos ataca una lancha frente a Venezuela; cuatro tripulantes mueren',
  'Estados Unidos ataca lancha frente a Venezuela y mueren sus cuatro tripulantes',
];
const SUMMARY = 'El Comando Sur de Estados Unidos confirmó el ataque militar contra una embarcación en el Caribe, cerca de aguas venezolanas.';
const MERCOSUR = 'Mercosur suspende a Paraguay como miembro pleno del bloque por la crisis institucional';
const MERCOSUR_SUMMARY = 'Los presidentes del Mercosur acordaron suspender a Paraguay del bloque regional de integración.';

interface App {
  ctx: AppContext;
  runtime: DigestRuntime;
  logs(): { msg: string; time: number; [key: string]: unknown }[];
  close(): Promise<void>;
}

async function openApp(fake: FakeDiscord, database: string, feeds: unknown[], alerts: unknown[], digests: unknown[] = []): Promise<App> {
  const { destination, logs } = captureLogLines();
  const config = {
    ...configSchema.parse({ database, feeds, alerts, digests, polling: { timeoutSeconds: 5, connectTimeoutSeconds: 2 } }),
    source: 'test',
    discord: readEnvironment({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api }).discord,
  };
  const ctx = await createAppContext(config, createLogger({ level: 'info', pretty: false, destination }));
  const runtime = await openDigestRuntime(ctx, { stdout: new PassThrough(), stderr: new PassThrough(), env: { DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api } });
  return {
    ctx,
    runtime,
    logs,
    async close() {
      await runtime.close();
      await ctx.close();
    },
  };
}

describe('priority alerts end to end (feed server → poll → classify → alert → outbox → fake Discord)', { timeout: 60_000 }, () => {
  let fake: FakeDiscord;
  let feeds: FeedServer;
  let dir: string;
  let app: App | undefined;
  const served = new Map<string, TestEntry[]>();

  function serve(outlet: string, entries: TestEntry[]): void {
    served.set(outlet, entries);
    feeds.route(`/${encodeURIComponent(outlet)}.xml`, { body: rss(entries, { title: outlet }) });
  }
  const entry = outletEntry;
  const feedConfig = () => OUTLETS.map((outlet) => ({ name: outlet, url: feeds.url(`/${encodeURIComponent(outlet)}.xml`), language: 'es' }));

  /** One poll cycle as the scheduler runs it, every feed due. */
  async function pollCycle(): Promise<void> {
    const db = openDatabase(path.join(dir, 'sancocho.db'));
    db.prepare(`UPDATE feeds SET next_due_at = 0`).run();
    db.close();
    await pollFeedsJob((app as App).ctx, (app as App).runtime.alerts).run();
  }

  beforeEach(async () => {
    fake = await startFakeDiscord();
    feeds = await startFeedServer();
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-alerts-'));
    // The feeds' archive, stored as backlog at their first poll: never an alert.
    for (const outlet of OUTLETS) serve(outlet, [entry(outlet, `${outlet}: archivo de la semana pasada sobre el Mercosur y Venezuela`, 'Archivo.', 60)]);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await fake.close();
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts within 5 s of the cycle that crossed the threshold, then edits the same message as outlets join, never a second post', async () => {
    const daily = { name: 'daily', cron: '0 8 * * *', window: '24h', language: 'en', destination: { channelId: CHANNEL_ID } };
    app = await openApp(fake, path.join(dir, 'sancocho.db'), feedConfig(), [{ name: 'caribe', destination: { channelId: CHANNEL_ID }, language: 'en' }], [daily]);
    await pollCycle();
    expect(fake.messages).toHaveLength(0);

    // Three outlets carry the strike: velocity (3 outlets within 3 hours).
    OUTLETS.slice(0, 3).forEach((outlet, index) => serve(outlet, [...(served.get(outlet) ?? []), entry(outlet, STRIKE[index] as string, SUMMARY, 20 - index * 5)]));
    await pollCycle();
    const cycleDone = app.logs().filter((line) => line.msg === 'poll-feeds-job: cycle done').at(-1)?.time as number;
    await fake.waitFor(() => fake.messages.length === 1, 10_000, 'the alert');
    const message = fake.messages[0];
    const latencyMs = (message?.at ?? 0) - cycleDone;
    console.log(`alert latency: ${latencyMs} ms from the end of the cycle's classification to the POST at Discord`);
    expect(latencyMs).toBeLessThan(5_000);
    expect(message?.channelId).toBe(CHANNEL_ID);
    expect(message?.body.content).toMatch(/^🚨 \*\*Alert · /);
    expect(message?.body.content).toContain('Estados Unidos ataca');
    expect(message?.body.content).toMatch(/\*\*Why:\*\* 3 outlets in \d+ min/);

    // A cycle with nothing new: nothing posted, nothing edited.
    await pollCycle();
    expect(fake.messages).toHaveLength(1);
    expect(message?.edits).toHaveLength(0);

    // A fourth outlet joins: one PATCH of that message, no second POST.
    serve('El Pitazo', [...(served.get('El Pitazo') ?? []), entry('El Pitazo', STRIKE[3] as string, SUMMARY, 2)]);
    await pollCycle();
    await fake.waitFor(() => (message?.edits.length ?? 0) === 1, 10_000, 'the edit');
    expect(fake.messages).toHaveLength(1);
    expect(fake.messagePosts()).toHaveLength(1);
    expect(message?.body.content).toMatch(/\*\*Update:\*\* \+1 outlet since the alert/);
    expect(message?.body.content).toContain('El Pitazo');

    // The next digest to that channel marks the story in one line instead of repeating it in full.
    const report = await app.runtime.runner.run(app.ctx.config.digests[0] as never, { trigger: 'manual' });
    expect(report.status).toBe('sent');
    const digest = fake.messages.at(-1);
    const text = (digest?.body.embeds ?? []).map((embed: { description: string }) => embed.description).join('\n');
    expect(text).toMatch(/\*\*1\.\*\* ⚡ alerted at \d\d:\d\d — \[Estados Unidos ataca[^\n]*\) \(\+1 outlet since the alert\)/);
    expect(text).not.toContain('El Nacional ·');
  });

  it('holds what exceeds the hourly limit as waiting (not dropped) and records it', async () => {
    app = await openApp(fake, path.join(dir, 'sancocho.db'), feedConfig(), [{ name: 'caribe', destination: { channelId: CHANNEL_ID }, maxPerHour: 1 }]);
    await pollCycle();
    OUTLETS.slice(0, 3).forEach((outlet, index) =>
      serve(outlet, [...(served.get(outlet) ?? []), entry(outlet, STRIKE[index] as string, SUMMARY, 20), entry(outlet, MERCOSUR, MERCOSUR_SUMMARY, 15 - index)]),
    );
    await pollCycle();
    await fake.waitFor(() => fake.messages.length === 1, 10_000, 'the first alert');
    const records = await app.ctx.store.alerts.forDestination('caribe', 0);
    expect(records.map((record) => record.state).sort()).toEqual(['sent', 'waiting']);
    await pollCycle();
    expect(fake.messages).toHaveLength(1);
    expect((await app.ctx.store.alerts.forDestination('caribe', 0)).map((record) => record.state).sort()).toEqual(['sent', 'waiting']);
  });

  it('a restart while the alert was on its way: the message Discord created is found, not posted twice', async () => {
    const database = path.join(dir, 'sancocho.db');
    app = await openApp(fake, database, feedConfig(), [{ name: 'caribe', destination: { channelId: CHANNEL_ID } }]);
    await pollCycle();
    OUTLETS.slice(0, 3).forEach((outlet, index) => serve(outlet, [...(served.get(outlet) ?? []), entry(outlet, STRIKE[index] as string, SUMMARY, 20)]));
    // Discord creates the message but its answer never arrives; then Sancocho stops.
    fake.scriptMessages('accept-and-hold');
    const cycle = pollCycle();
    await fake.waitFor(() => fake.messages.length === 1, 10_000, 'the held alert');
    app.ctx.cancelInFlight();
    await cycle;
    await app.close();
    // An hour later, Discord has forgotten the nonce; the start-up sends what the outbox holds.
    fake.forgetNonces();
    app = await openApp(fake, database, feedConfig(), [{ name: 'caribe', destination: { channelId: CHANNEL_ID } }]);
    await app.runtime.runner.catchUp();
    await pollCycle();
    expect(fake.messages).toHaveLength(1);
    expect(fake.messagePosts()).toHaveLength(1);
    const [record] = await app.ctx.store.alerts.forDestination('caribe', 0);
    expect(record?.state).toBe('sent');
  });
});
