import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestScheduleSchema, type DigestScheduleConfig } from '../../../src/config/config-schema.js';
import { silentLogger } from '../../../src/core/logger.js';
import { readEnvironment } from '../../../src/config/environment.js';
import { createDeliverer } from '../../../src/discord/create-deliverer.js';
import type { Deliverer } from '../../../src/delivery/deliverer.js';
import { createDigestRunner } from '../../../src/delivery/digest-runner.js';
import { openDatabase, type Database } from '../../../src/store/open-database.js';
import { createSqliteOutboxStore } from '../../../src/store/sqlite/outbox-store.js';
import { createSqliteRouteStore } from '../../../src/store/sqlite/route-store.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { newsDay, seedItems } from '../../digest/seed-store.js';
import { CHANNEL_ID, FORBIDDEN_CHANNEL_ID, GUILD_ID, startFakeDiscord, type FakeDiscord } from '../../peers/fake-discord.js';

const SLOT = Date.UTC(2026, 4, 3, 12);
const TRADE_CHANNEL = '888888888888888881';

/** Theme routes (/subscribe) in the digest job: the routed sections go through the same outbox. */
describe('digests with theme routes', () => {
  let fake: FakeDiscord;
  let db: Database;
  let dir: string;
  let deliverer: Deliverer | undefined;

  const schedule = (overrides: Record<string, unknown> = {}): DigestScheduleConfig =>
    digestScheduleSchema.parse({ name: 'daily', cron: '0 8 * * *', destination: { channelId: CHANNEL_ID }, ...overrides });

  beforeEach(async () => {
    fake = await startFakeDiscord({ channels: [{ id: TRADE_CHANNEL, name: 'comercio' }] });
    db = openDatabase(':memory:');
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-routed-'));
    await seedItems(createSqliteStore(db), newsDay(SLOT));
  });
  afterEach(async () => {
    await deliverer?.close();
    deliverer = undefined;
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runner(schedules: DigestScheduleConfig[], env: NodeJS.ProcessEnv) {
    const setup = await createDeliverer({ discord: readEnvironment(env).discord, logger: silentLogger(), out: new PassThrough(), previewDir: dir, hasWebhooks: false });
    if (setup.kind !== 'ok') throw new Error(setup.message);
    deliverer = setup.deliverer;
    return createDigestRunner({ store: createSqliteStore(db), logger: silentLogger(), schedules, deliverer, now: () => SLOT + 60_000 });
  }
  const route = (theme: 'trade-tariffs' | 'china-latam' | 'us-venezuela', channelId: string) =>
    createSqliteRouteStore(db).add({ guildId: GUILD_ID, theme, channelId }, 'admin', 0);
  const bot = () => ({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api });

  it('sends each slot once per channel, however often the slot runs', async () => {
    await route('trade-tariffs', TRADE_CHANNEL);
    const run = await runner([schedule()], bot());
    const first = await run.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(first.routed?.map((r) => [r.destination, r.status, r.stories, r.created])).toEqual([[`channel ${TRADE_CHANNEL}`, 'sent', 1, true]]);
    const again = await run.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(again.routed?.map((r) => [r.status, r.created])).toEqual([['sent', false]]);
    expect(fake.messages.map((m) => m.channelId)).toEqual([CHANNEL_ID, TRADE_CHANNEL]);
    const part = fake.messages[1]?.body;
    expect(part.content).toBe('**Resumen de noticias · 3 may 2026 · últimas 24 h**');
    expect(part.embeds.map((e: { title: string }) => e.title)).toEqual(['Comercio y aranceles']);
    expect(part.enforce_nonce).toBe(true);
  });

  it('does not repeat the schedule’s own channel, and ignores themes the schedule leaves out', async () => {
    await route('trade-tariffs', CHANNEL_ID);
    await route('china-latam', TRADE_CHANNEL);
    const weekly = schedule({ name: 'weekly', themes: ['trade-tariffs'] });
    const run = await runner([weekly], bot());
    const report = await run.run(weekly, { trigger: 'schedule', slotAt: SLOT });
    expect(report.routed).toBeUndefined();
    expect(fake.messages.map((m) => m.channelId)).toEqual([CHANNEL_ID]);
  });

  it('a routed channel the bot cannot post in fails alone; the schedule’s own digest is sent', async () => {
    await route('us-venezuela', FORBIDDEN_CHANNEL_ID);
    const run = await runner([schedule()], bot());
    const report = await run.run(schedule(), { trigger: 'manual' });
    expect(report.status).toBe('sent');
    expect(report.routed?.map((r) => [r.destination, r.status])).toEqual([[`channel ${FORBIDDEN_CHANNEL_ID}`, 'failed']]);
    expect(report.routed?.[0]?.error).toContain('missing access');
  });

  it('routes nothing where no bot is logged in (preview mode)', async () => {
    await route('trade-tariffs', TRADE_CHANNEL);
    const run = await runner([schedule()], {});
    const report = await run.run(schedule(), { trigger: 'schedule', slotAt: SLOT });
    expect(report).toMatchObject({ destination: 'preview', status: 'sent' });
    expect(report.routed).toBeUndefined();
    expect((await createSqliteOutboxStore(db).recent()).map((d) => d.destination)).toEqual(['preview']);
    expect(fake.requests).toHaveLength(0);
  });
});
