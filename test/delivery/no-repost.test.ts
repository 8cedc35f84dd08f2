import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestScheduleSchema, type DigestScheduleConfig } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { readEnvironment } from '../../src/config/environment.js';
import { createDeliverer } from '../../src/discord/create-deliverer.js';
import type { Deliverer } from '../../src/delivery/deliverer.js';
import { createDigestRunner } from '../../src/delivery/digest-runner.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteRouteStore } from '../../src/store/sqlite/route-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedItems, type SeedItem } from '../digest/seed-store.js';
import { CHANNEL_ID, GUILD_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';

const SLOT = Date.UTC(2026, 4, 3, 12);
const MIN = 60_000;
const HOUR = 60 * MIN;
const TRADE_CHANNEL = '888888888888888881';

/** Three unrelated stories of the morning, one per theme and outlet. */
const MORNING: SeedItem[] = [
  { title: 'Paraguay y Bolivia firman un acuerdo energético', outlet: 'Agencia Uno', themes: { 'resources-autonomy': 0.9 }, publishedAt: SLOT - 3 * HOUR },
  { title: 'China financia un puerto en Perú', outlet: 'Agencia Dos', themes: { 'china-latam': 0.8 }, publishedAt: SLOT - 4 * HOUR },
  { title: 'Brasil y Argentina negocian aranceles del acero', outlet: 'Agencia Tres', themes: { 'trade-tariffs': 0.9 }, publishedAt: SLOT - 5 * HOUR },
];

/** A destination never gets the same story twice, from any digest, schedule, slot or theme route. */
describe('digests never repost what a destination already has', () => {
  let fake: FakeDiscord;
  let db: Database;
  let dir: string;
  let deliverer: Deliverer | undefined;
  let clock = SLOT;

  const daily = (overrides: Record<string, unknown> = {}): DigestScheduleConfig =>
    digestScheduleSchema.parse({ name: 'daily', cron: '0 8 * * *', destination: { channelId: CHANNEL_ID }, ...overrides });

  beforeEach(async () => {
    fake = await startFakeDiscord({ channels: [{ id: TRADE_CHANNEL, name: 'comercio' }] });
    db = openDatabase(':memory:');
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-no-repost-'));
    clock = SLOT;
    await seedItems(createSqliteStore(db), MORNING);
  });
  afterEach(async () => {
    await deliverer?.close();
    deliverer = undefined;
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runnerFor(schedules: DigestScheduleConfig[], env: NodeJS.ProcessEnv = { DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api }) {
    const setup = await createDeliverer({ discord: readEnvironment(env).discord, logger: silentLogger(), out: new PassThrough(), previewDir: dir, hasWebhooks: false });
    if (setup.kind !== 'ok') throw new Error(setup.message);
    deliverer = setup.deliverer;
    return createDigestRunner({ store: createSqliteStore(db), logger: silentLogger(), schedules, deliverer, now: () => clock });
  }
  const postedTitles = (channelId = CHANNEL_ID) =>
    fake.messages
      .filter((message) => message.channelId === channelId)
      .flatMap((message) => (message.body.embeds as { description: string }[]).flatMap((embed) => [...embed.description.matchAll(/\[([^\]]+)\]\(/g)].map((m) => m[1])));
  const delivered = () => db.prepare('SELECT destination, item_id AS itemId, title FROM delivered_items ORDER BY item_id').all();

  it('a second manual digest right after the first posts nothing and says why', async () => {
    const runner = await runnerFor([daily()]);
    const first = await runner.run(daily(), { trigger: 'manual' });
    expect(first).toMatchObject({ status: 'sent', stories: 3, alreadyReceived: 0 });
    clock += MIN;
    const second = await runner.run(daily(), { trigger: 'manual' });
    expect(second).toMatchObject({ status: 'empty', stories: 0, parts: 0, alreadyReceived: 3 });
    expect(fake.messagePosts()).toHaveLength(1);
  });

  it('a scheduled digest after a manual one carries only what arrived since', async () => {
    const runner = await runnerFor([daily()]);
    await runner.run(daily(), { trigger: 'manual' });
    await seedItems(createSqliteStore(db), [
      { title: 'Venezuela libera a presos políticos', outlet: 'Agencia Cuatro', themes: { 'venezuela-crisis': 0.9 }, publishedAt: SLOT - 6 * HOUR, reachedAt: SLOT + 10 * MIN },
    ]);
    clock = SLOT + HOUR;
    const scheduled = await runner.run(daily(), { trigger: 'schedule', slotAt: SLOT + HOUR });
    expect(scheduled).toMatchObject({ status: 'sent', stories: 1, alreadyReceived: 3 });
    expect(postedTitles().sort()).toEqual([...MORNING.map((item) => item.title), 'Venezuela libera a presos políticos'].sort());
  });

  it('a story whose headline changed goes out again; one whose wording alone changed does not', async () => {
    const runner = await runnerFor([daily()]);
    await runner.run(daily(), { trigger: 'manual' });
    // The same feed entries again: the first with a new title, the second with a new summary only.
    await seedItems(createSqliteStore(db), [
      { ...MORNING[0] as SeedItem, title: 'Paraguay y Bolivia firman un acuerdo energético de 2.000 millones', reachedAt: SLOT + 5 * MIN },
    ]);
    db.prepare(`UPDATE classifications SET classified_at = ? WHERE item_id = (SELECT id FROM items WHERE title = 'China financia un puerto en Perú')`).run(SLOT + 5 * MIN);
    clock = SLOT + 10 * MIN;
    const again = await runner.run(daily(), { trigger: 'manual' });
    expect(again).toMatchObject({ status: 'sent', stories: 1 });
    expect(postedTitles().slice(3)).toEqual(['Paraguay y Bolivia firman un acuerdo energético de 2.000 millones']);
  });

  it('counts a story as delivered only once Discord accepted its part, and never queues it twice meanwhile', async () => {
    const runner = await runnerFor([daily()]);
    fake.scriptMessages(...Array.from({ length: 4 }, () => ({ status: 500, body: { message: '500: Internal Server Error', code: 0 } })));
    const first = await runner.run(daily(), { trigger: 'manual' });
    expect(first.status).toBe('pending');
    expect(delivered()).toEqual([]);

    clock += MIN;
    const meanwhile = await runner.run(daily(), { trigger: 'manual' });
    expect(meanwhile).toMatchObject({ status: 'empty', alreadyReceived: 3 });

    clock += 31_000;
    await runner.flush();
    expect(fake.messages).toHaveLength(1);
    expect(delivered()).toEqual(MORNING.map((item) => ({ destination: `channel:${CHANNEL_ID}`, itemId: expect.any(Number), title: item.title })));
  });

  it('two digests built at the same time for one channel do not both carry a story', async () => {
    const weekly = daily({ name: 'weekly', cron: '0 9 * * 1', window: '7d' });
    const runner = await runnerFor([daily(), weekly]);
    const reports = await Promise.all([runner.run(daily(), { trigger: 'manual' }), runner.run(weekly, { trigger: 'manual' })]);
    expect(reports.map((report) => report.stories)).toEqual([3, 0]);
    expect(postedTitles().sort()).toEqual(MORNING.map((item) => item.title).sort());
  });

  it('a refused digest records nothing, so its stories are not lost for that destination', async () => {
    const locked = daily({ destination: { channelId: '777777777777777777' } });
    const runner = await runnerFor([locked]);
    expect((await runner.run(locked, { trigger: 'manual' })).status).toBe('failed');
    expect(delivered()).toEqual([]);
  });

  it('a theme routed to a channel from two schedules reaches it once, as does the channel a schedule posts to', async () => {
    await createSqliteRouteStore(db).add({ guildId: GUILD_ID, theme: 'trade-tariffs', channelId: TRADE_CHANNEL }, 'admin', 0);
    const weekly = daily({ name: 'weekly', cron: '0 9 * * 1', window: '7d', language: 'en' });
    const trade = daily({ name: 'trade', themes: ['trade-tariffs', 'china-latam'], destination: { channelId: TRADE_CHANNEL } });
    const runner = await runnerFor([daily(), weekly, trade]);

    const first = await runner.run(daily(), { trigger: 'schedule', slotAt: SLOT });
    expect(first.routed?.map((r) => [r.destination, r.status, r.stories])).toEqual([[`channel ${TRADE_CHANNEL}`, 'sent', 1]]);
    const second = await runner.run(weekly, { trigger: 'schedule', slotAt: SLOT });
    expect(second).toMatchObject({ status: 'empty', alreadyReceived: 3 });
    expect(second.routed?.map((r) => [r.destination, r.status, r.stories])).toEqual([[`channel ${TRADE_CHANNEL}`, 'empty', 0]]);
    const own = await runner.run(trade, { trigger: 'schedule', slotAt: SLOT });
    expect(own).toMatchObject({ status: 'sent', stories: 1, alreadyReceived: 1 });

    expect(postedTitles(TRADE_CHANNEL)).toEqual(['Brasil y Argentina negocian aranceles del acero', 'China financia un puerto en Perú']);
    expect(postedTitles(CHANNEL_ID)).toHaveLength(3);
  });

  it('a preview is not written again when nothing is new', async () => {
    const runner = await runnerFor([daily()], {});
    expect(await runner.run(daily(), { trigger: 'manual' })).toMatchObject({ destination: 'preview', status: 'sent', stories: 3 });
    clock += MIN;
    expect(await runner.run(daily(), { trigger: 'manual' })).toMatchObject({ destination: 'preview', status: 'empty', alreadyReceived: 3 });
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
