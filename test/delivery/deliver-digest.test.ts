import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestScheduleSchema, type DigestScheduleConfig } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { messageViolations } from '../../src/digest/split-messages.js';
import { readEnvironment } from '../../src/config/environment.js';
import { createDeliverer } from '../../src/discord/create-deliverer.js';
import type { Deliverer } from '../../src/delivery/deliverer.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createDigestRunner } from '../../src/delivery/digest-runner.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteOutboxStore } from '../../src/store/sqlite/outbox-store.js';
import { createDiscordState } from '../../src/ops/discord-state.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { newsDay, seedItems } from '../digest/seed-store.js';
import { CHANNEL_ID, FORBIDDEN_CHANNEL_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';

const SLOT = Date.UTC(2026, 4, 3, 12);
const MIN = 60_000;

function schedule(overrides: Record<string, unknown> = {}): DigestScheduleConfig {
  return digestScheduleSchema.parse({
    name: 'daily',
    cron: '0 8 * * *',
    timezone: 'America/Caracas',
    destination: { channelId: CHANNEL_ID },
    ...overrides,
  });
}

describe('delivering digests to a fake Discord', () => {
  let fake: FakeDiscord;
  let db: Database;
  let dir: string;
  let deliverer: Deliverer | undefined;
  let clock = SLOT + MIN;
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk: Buffer) => (printed += chunk.toString()));

  beforeEach(async () => {
    fake = await startFakeDiscord();
    db = openDatabase(':memory:');
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-deliver-'));
    clock = SLOT + MIN;
    printed = '';
  });
  afterEach(async () => {
    await deliverer?.close();
    deliverer = undefined;
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runnerFor(schedules: DigestScheduleConfig[], env: NodeJS.ProcessEnv) {
    const setup = await createDeliverer({ discord: readEnvironment(env).discord, logger: silentLogger(), out, previewDir: dir, hasWebhooks: schedules.some((s) => s.destination?.webhookUrl) });
    if (setup.kind !== 'ok') throw new Error(setup.message);
    deliverer = setup.deliverer;
    return createDigestRunner({
      store: createSqliteStore(db),
      logger: silentLogger(),
      schedules,
      deliverer,
      now: () => clock,
    });
  }
  const botEnv = () => ({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api });

  it('reports the gateway state to the health check and counts the parts it sends', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const state = createDiscordState();
    const seen: string[] = [];
    const setup = await createDeliverer({
      discord: readEnvironment(botEnv()).discord,
      logger: silentLogger(),
      out,
      previewDir: dir,
      hasWebhooks: false,
      onDiscordState: (next) => {
        seen.push(next);
        state.set(next);
      },
    });
    if (setup.kind !== 'ok') throw new Error(setup.message);
    deliverer = setup.deliverer;
    expect(seen[0]).toBe('connecting');
    expect(state.get()).toBe('ready');
    const metrics = createMetrics();
    const runner = createDigestRunner({
      store: createSqliteStore(db),
      logger: silentLogger(),
      schedules: [schedule()],
      deliverer,
      metrics,
      now: () => clock,
    });
    await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(await metrics.registry.metrics()).toMatch(/sancocho_digest_parts_sent_total\{destination="channel"\} 1/);
  });

  it('logs in with the Guilds intent only and posts one embed per theme, pinging no one', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    expect(deliverer?.mode).toBe('bot');
    expect(fake.gateway.identifies).toEqual([{ token: fake.token, intents: 1, shard: [0, 1] }]);

    const report = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(report).toMatchObject({ status: 'sent', parts: 1, sentParts: 1, destination: `channel ${CHANNEL_ID}`, stories: 5 });
    const [post] = fake.messagePosts();
    expect(post?.path).toBe(`/channels/${CHANNEL_ID}/messages`);
    expect(post?.headers.authorization).toBe(`Bot ${fake.token}`);
    const body = post?.body;
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce).toMatch(/^sc[\w-]{23}$/);
    expect(body.content).toBe('**Resumen de noticias · 3 may 2026 · últimas 24 h**');
    expect(body.embeds.map((e: { title: string }) => e.title)).toEqual([
      'Integración regional',
      'Comercio y aranceles',
      'EE. UU. y Venezuela',
      'China en América Latina',
    ]);
    const trade = body.embeds[1].description as string;
    expect(trade).toMatch(/^\*\*1\.\*\* \[Mercosur y la UE firman el acuerdo comercial en Asunción\]\(https:\/\/infobae-america\.example\/news\/0-/);
    expect(trade).toContain('— Infobae América · es/pt · +2 medios: El País América, Agência Brasil');
    const venezuela = body.embeds[2].description as string;
    expect(venezuela).toContain('@everyone Maduro \\*denuncia\\* \\[agresión\\](https://evil.example) de EE.UU.');
    expect(JSON.stringify(body)).not.toContain('backlog');
    expect(JSON.stringify(body)).not.toContain('Fuera de la ventana');

    const parts = (await createSqliteOutboxStore(db).parts(report.digestId));
    expect(parts.map((p) => [p.status, p.messageId])).toEqual([['sent', fake.messages[0]?.id]]);
  });

  it('splits a large digest into several messages within every limit, in order, each story once', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT, 60));
    const big = schedule({ maxPerTheme: 25 });
    const runner = await runnerFor([big], botEnv());
    const report = await runner.run(big, { trigger: 'schedule', slotAt: SLOT });
    expect(report.parts).toBeGreaterThan(1);
    expect(report.sentParts).toBe(report.parts);
    const bodies = fake.messages.map((m) => m.body);
    expect(bodies).toHaveLength(report.parts);
    bodies.forEach((body, index) => {
      expect(messageViolations(body)).toEqual([]);
      expect(body.content).toContain(`(parte ${index + 1} de ${report.parts})`);
    });
    const text = bodies.flatMap((b) => b.embeds.map((e: { description: string }) => e.description)).join('\n');
    for (let i = 0; i < 25; i++) expect(text.match(new RegExp(`\\(${i}\\)\\]`, 'g'))?.length ?? 0).toBeLessThanOrEqual(1);
    expect(text.match(/^\*\*\d+\.\*\* /gm)?.length).toBe(report.stories);
  });

  it('waits out a 429 with Retry-After (discord.js does it) and posts once', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    fake.scriptMessages({ status: 429, headers: { 'retry-after': '0.3' }, body: { message: 'You are being rate limited.', retry_after: 0.3, global: false } });
    const report = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(report.status).toBe('sent');
    const posts = fake.messagePosts();
    expect(posts).toHaveLength(2);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(280);
    expect(posts[1]?.body).toEqual(posts[0]?.body);
    expect(fake.messages).toHaveLength(1);
  });

  it('retries 500s: discord.js three times at once, then the outbox with backoff, in part order', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    fake.scriptMessages(...Array.from({ length: 4 }, () => ({ status: 500, body: { message: '500: Internal Server Error', code: 0 } })));
    const first = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(first).toMatchObject({ status: 'pending', sentParts: 0 });
    expect(first.error).toMatch(/500/);
    expect(fake.messagePosts()).toHaveLength(4);
    const [part] = (await createSqliteOutboxStore(db).parts(first.digestId));
    expect(part).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: clock + 30_000 });

    await runner.flush(); // too early: nothing is sent
    expect(fake.messagePosts()).toHaveLength(4);
    clock += 31_000;
    await runner.flush();
    expect(fake.messages).toHaveLength(1);
    expect((await createSqliteOutboxStore(db).get(first.digestId))?.status).toBe('sent');
  });

  it('keeps a part whose connection dropped for the outbox retry, and posts it once', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    fake.scriptMessages('destroy');
    const report = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(report.status).toBe('pending');
    expect(report.error).toMatch(/channel 444444444444444444: .*(fetch failed|closed|socket)/i);
    clock += 31_000;
    await runner.flush();
    expect((await createSqliteOutboxStore(db).get(report.digestId))?.status).toBe('sent');
    expect(fake.messagePosts()).toHaveLength(2);
    expect(fake.messages).toHaveLength(1);
  });

  it('finds a part whose answer was lost in the channel, long after Discord forgot its nonce, and never posts it twice', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    fake.scriptMessages('accept-and-destroy');
    const report = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(report.status).toBe('pending');
    expect(fake.messages).toHaveLength(1);

    fake.forgetNonces();
    clock += 60 * MIN;
    await runner.flush();
    const outbox = createSqliteOutboxStore(db);
    expect((await outbox.get(report.digestId))?.status).toBe('sent');
    expect(fake.messages).toHaveLength(1);
    expect((await outbox.parts(report.digestId))[0]?.messageId).toBe(fake.messages[0]?.id);
    const lookups = fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${CHANNEL_ID}/messages`);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.query.get('limit')).toBe('100');
  });

  it('without Read Message History sends an interrupted part again rather than lose it', async () => {
    await fake.close();
    const noHistory = '444444444444444449';
    fake = await startFakeDiscord({ channels: [{ id: noHistory, name: 'sin-historial', history: false }] });
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const target = schedule({ destination: { channelId: noHistory } });
    const runner = await runnerFor([target], botEnv());
    fake.scriptMessages('accept-and-destroy');
    const report = await runner.run(target, { trigger: 'schedule', slotAt: SLOT });
    fake.forgetNonces();
    clock += 60 * MIN;
    await runner.flush();
    expect((await createSqliteOutboxStore(db).get(report.digestId))?.status).toBe('sent');
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${noHistory}/messages`)).toHaveLength(1);
    expect(fake.messages).toHaveLength(2);
  });

  it('hands a long rate limit back to the outbox instead of blocking', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    fake.scriptMessages({ status: 429, headers: { 'retry-after': '120' }, body: { message: 'slow down', retry_after: 120, global: false } });
    const started = Date.now();
    const report = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(report.status).toBe('pending');
    const [part] = (await createSqliteOutboxStore(db).parts(report.digestId));
    expect(part?.nextAttemptAt).toBeGreaterThanOrEqual(clock + 119_000);
  });

  it.each([
    ['an unknown channel (404)', '777777777777777777', /unknown channel: check the channelId/],
    ['a channel the bot cannot see (403)', FORBIDDEN_CHANNEL_ID, /missing access: invite the bot/],
  ])('records a clear error for %s and stops retrying that destination', async (_case, channelId, message) => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const target = schedule({ destination: { channelId } });
    const runner = await runnerFor([target], botEnv());
    const report = await runner.run(target, { trigger: 'schedule', slotAt: SLOT });
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(message);
    const outbox = createSqliteOutboxStore(db);
    expect(await outbox.destinationErrors()).toEqual([{ destination: `channel:${channelId}`, error: expect.stringMatching(message), at: clock }]);
    const seen = fake.requests.length;
    clock += 3_600_000;
    await runner.flush();
    expect(fake.requests.length).toBe(seen);
    expect(fake.messages).toHaveLength(0);
  });

  it('posts through a webhook without a bot or a token', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const hook = schedule({ destination: { webhookUrl: fake.webhookUrl() } });
    const runner = await runnerFor([hook], {});
    expect(deliverer?.mode).toBe('webhook');
    const report = await runner.run(hook, { trigger: 'schedule', slotAt: SLOT });
    expect(report).toMatchObject({ status: 'sent', destination: 'webhook 666666666666666666' });
    const [post] = fake.messagePosts();
    expect(post?.path).toBe('/webhooks/666666666666666666/fake-webhook-token_123');
    expect(post?.query.get('wait')).toBe('true');
    expect(post?.headers.authorization).toBeUndefined();
    expect(post?.body.allowed_mentions).toEqual({ parse: [] });
    expect(fake.gateway.connections).toBe(0);
    expect((await createSqliteOutboxStore(db).parts(report.digestId))[0]?.messageId).toBe(fake.messages[0]?.id);
  });

  it('records an unknown webhook as a destination error', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const hook = schedule({ destination: { webhookUrl: fake.webhookUrl('123', 'nope') } });
    const runner = await runnerFor([hook], {});
    const report = await runner.run(hook, { trigger: 'schedule', slotAt: SLOT });
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/unknown webhook/);
  });

  it('previews without credentials: prints the digest and writes it to a file', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], {});
    expect(deliverer?.mode).toBe('preview');
    const report = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(report).toMatchObject({ status: 'sent', destination: 'preview' });
    const file = path.join(dir, 'daily-2026-05-03-0800.md');
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('# Resumen de noticias · 3 may 2026 · últimas 24 h');
    expect(markdown).toContain('## Comercio y aranceles');
    expect(printed).toContain(markdown.trimEnd());
    expect(printed).toContain(`(saved to ${file})`);
    expect(fake.requests).toHaveLength(0);
  });

  it('builds and sends a slot once: a second run, a catch-up or a flush sends nothing again', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    await createSqliteOutboxStore(db).firstSeen('daily', SLOT - 7 * 24 * 3_600_000);
    const caughtUp = await runner.catchUp();
    expect(caughtUp).toMatchObject([{ trigger: 'catch-up', status: 'sent', created: true }]);
    const again = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(again).toMatchObject({ created: false, status: 'sent', digestId: caughtUp[0]?.digestId });
    expect(await runner.catchUp()).toEqual([]);
    await runner.flush();
    expect(fake.messages).toHaveLength(1);
  });

  it('does not catch up a slot that passed before the schedule existed, or whose window is over', async () => {
    await seedItems(createSqliteStore(db), newsDay(SLOT));
    const runner = await runnerFor([schedule()], botEnv());
    clock = SLOT + 5 * 3_600_000;
    expect(await runner.catchUp()).toEqual([]); // first seen now: 08:00 was never missed
    clock = SLOT + 30 * 3_600_000 + 5 * 3_600_000; // the next slot (day 2) passed too; first seen day 1
    expect((await runner.catchUp()).map((r) => r.trigger)).toEqual(['catch-up']);
  });

  it('sends nothing for a window without stories', async () => {
    const runner = await runnerFor([schedule()], botEnv());
    const report = await runner.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(report).toMatchObject({ status: 'empty', parts: 0 });
    expect(fake.messagePosts()).toHaveLength(0);
  });
});
