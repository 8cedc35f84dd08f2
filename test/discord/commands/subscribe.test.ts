import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/open-database.js';
import { createSqliteOutboxStore } from '../../../src/store/sqlite/outbox-store.js';
import { createSqliteRouteStore } from '../../../src/store/sqlite/route-store.js';
import { newsDay, seedItems } from '../../digest/seed-store.js';
import { ADMIN_USER_ID, CHANNEL_ID, GUILD_ID, MANAGER_PERMISSIONS } from '../../peers/fake-discord.js';
import { startHarness, type Harness } from './harness.js';

const admin = { userId: ADMIN_USER_ID, permissions: MANAGER_PERMISSIONS };
const TRADE_CHANNEL = '888888888888888881';
const CHINA_CHANNEL = '888888888888888882';
const VOICE_CHANNEL = '888888888888888883';
const ROUTES_NONE = 'No themes are routed to channels on this server.';

describe('/subscribe and /unsubscribe through the fake Discord, and routes in digests', () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-routes-'));
    h = await startHarness({
      database: path.join(dir, 'sancocho.db'),
      channels: [
        { id: TRADE_CHANNEL, name: 'comercio' },
        { id: CHINA_CHANNEL, name: 'china', type: 5 },
        { id: VOICE_CHANNEL, name: 'voz', type: 2 },
      ],
      digests: [
        { name: 'daily', cron: '0 8 * * *', window: '24h', destination: { channelId: CHANNEL_ID } },
        { name: 'security', cron: '0 9 * * *', themes: ['security-crime'], destination: { channelId: CHANNEL_ID } },
      ],
    });
    await seedItems(h.ctx.store, newsDay(Date.now()));
  });
  beforeEach(() => {
    h.fake.messages.length = 0;
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes a theme to a channel, says which digests will carry it, and lists the server’s routes', async () => {
    const answer = await h.run('subscribe', { options: { theme: 'trade-tariffs', channel: TRADE_CHANNEL }, ...admin });
    expect(answer.record.callbacks).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(answer.body.content).toBe(
      `Done: “Trade agreements, tariffs and market access” now goes to <#${TRADE_CHANNEL}>. ` +
        'Each daily digest will also post its “Trade agreements, tariffs and market access” section there.\n\n' +
        `Routes on this server:\n• Trade agreements, tariffs and market access → <#${TRADE_CHANNEL}>`,
    );
    expect(await h.ctx.store.routes.all()).toEqual([{ guildId: GUILD_ID, theme: 'trade-tariffs', channelId: TRADE_CHANNEL }]);
    const again = await h.run('subscribe', { options: { theme: 'trade-tariffs', channel: TRADE_CHANNEL }, ...admin });
    expect(again.body.content).toMatch(/^“Trade agreements, tariffs and market access” already goes to <#888888888888888881>\. /);
  });

  it('each digest also posts the routed theme sections to their channels, through the outbox', async () => {
    await h.run('subscribe', { options: { theme: 'china-latam', channel: CHINA_CHANNEL }, ...admin });
    await h.run('subscribe', { options: { theme: 'us-venezuela', channel: CHINA_CHANNEL }, ...admin });
    const answer = await h.run('digest', { subcommand: 'now', ...admin });
    expect(answer.body.content).toBe(
      `The **daily** digest (last 24h) was posted: 1 message to <#${CHANNEL_ID}>, 5 stories.\n` +
        `Also posted to <#${CHINA_CHANNEL}> (themes subscribed there): 3 stories.\n` +
        `Also posted to <#${TRADE_CHANNEL}> (themes subscribed there): 1 story.`,
    );
    const byChannel = (id: string) => h.fake.messages.filter((m) => m.channelId === id).map((m) => m.body.embeds.map((e: { title: string }) => e.title));
    expect(byChannel(CHANNEL_ID)).toEqual([['Integración regional', 'Comercio y aranceles', 'EE. UU. y Venezuela', 'China en América Latina']]);
    expect(byChannel(TRADE_CHANNEL)).toEqual([['Comercio y aranceles']]);
    expect(byChannel(CHINA_CHANNEL)).toEqual([['EE. UU. y Venezuela', 'China en América Latina']]);
    for (const message of h.fake.messages) expect(message.body.allowed_mentions).toEqual({ parse: [] });
    const destinations = (await createSqliteOutboxStore(h.sqlite()).recent()).map((digest) => [digest.destination, digest.status]);
    expect(destinations).toEqual([
      [`channel:${TRADE_CHANNEL}`, 'sent'],
      [`channel:${CHINA_CHANNEL}`, 'sent'],
      [`channel:${CHANNEL_ID}`, 'sent'],
    ]);
    // A schedule that does not cover a routed theme sends nothing there.
    h.fake.messages.length = 0;
    const security = await h.run('digest', { subcommand: 'now', options: { schedule: 'security' }, ...admin });
    expect(security.body.content).toBe('The **security** digest (last 24h) has no stories, so nothing was posted.');
    expect(h.fake.messages).toHaveLength(0);
  });

  it('refuses a voice channel, an unknown theme and a member without Manage Server', async () => {
    const voice = await h.run('subscribe', { options: { theme: 'trade-tariffs', channel: VOICE_CHANNEL }, ...admin });
    expect(voice).toMatchObject({ callbackType: 4, ephemeral: true, body: { content: 'Pick a text or announcement channel: Sancocho posts digests there as messages.' } });
    const unknown = await h.run('subscribe', { options: { theme: 'fútbol', channel: TRADE_CHANNEL }, ...admin });
    expect(unknown.body.content).toBe('There is no theme called “fútbol”. Pick one from the list (start typing to filter it).');
    const member = await h.run('subscribe', { options: { theme: 'security-crime', channel: TRADE_CHANNEL } });
    expect(member).toMatchObject({ callbackType: 4, ephemeral: true, body: { content: 'You need the Manage Server permission to use /subscribe.' } });
    const unsubscribe = await h.run('unsubscribe', { options: { theme: 'trade-tariffs' } });
    expect(unsubscribe.body.content).toBe('You need the Manage Server permission to use /unsubscribe.');
    expect((await h.ctx.store.routes.all()).map((route) => route.theme)).toEqual(['china-latam', 'trade-tariffs', 'us-venezuela']);
    const security = await h.run('subscribe', { options: { theme: 'security-crime', channel: TRADE_CHANNEL }, ...admin });
    expect(security.body.content).toContain('Each daily and security digest will also post its “Security cooperation and organized crime” section there.');
    await h.run('unsubscribe', { options: { theme: 'security-crime' }, ...admin });
  });

  it('autocompletes themes for both commands', async () => {
    const answer = await h.fake.answer(h.fake.autocomplete('subscribe', { options: { theme: 'chin' }, focused: 'theme', ...admin }));
    expect(answer.body.choices).toEqual([{ name: 'China in Latin America', value: 'china-latam' }]);
    const un = await h.fake.answer(h.fake.autocomplete('unsubscribe', { options: { theme: 'securi' }, focused: 'theme', ...admin }));
    expect(un.body.choices).toEqual([{ name: 'Security cooperation and organized crime', value: 'security-crime' }]);
  });

  it('unsubscribes one channel, or every channel of the theme, and routes persist in the database', async () => {
    await h.run('subscribe', { options: { theme: 'china-latam', channel: TRADE_CHANNEL }, ...admin });
    const one = await h.run('unsubscribe', { options: { theme: 'trade-tariffs', channel: TRADE_CHANNEL }, ...admin });
    expect(one.body.content).toMatch(new RegExp(`^Done: “Trade agreements, tariffs and market access” no longer goes to <#${TRADE_CHANNEL}>\\.\\n\\nRoutes on this server:\\n`));
    const all = await h.run('unsubscribe', { options: { theme: 'china-latam' }, ...admin });
    expect(all.body.content).toBe(
      `Done: “China in Latin America” no longer goes to <#${TRADE_CHANNEL}>, <#${CHINA_CHANNEL}>.\n\n` +
        `Routes on this server:\n• The U.S.–Venezuela confrontation → <#${CHINA_CHANNEL}>`,
    );
    const none = await h.run('unsubscribe', { options: { theme: 'china-latam' }, ...admin });
    expect(none.body.content).toBe(`“China in Latin America” was not routed to any channel of this server.\n\nRoutes on this server:\n• The U.S.–Venezuela confrontation → <#${CHINA_CHANNEL}>`);
    await h.run('unsubscribe', { options: { theme: 'us-venezuela', channel: CHINA_CHANNEL }, ...admin });
    const empty = await h.run('unsubscribe', { options: { theme: 'us-venezuela', channel: CHINA_CHANNEL }, ...admin });
    expect(empty.body.content).toBe(`“The U.S.–Venezuela confrontation” was not routed to <#${CHINA_CHANNEL}>.\n\n${ROUTES_NONE}`);

    await h.run('subscribe', { options: { theme: 'resources-autonomy', channel: TRADE_CHANNEL }, ...admin });
    const reopened = openDatabase(path.join(dir, 'sancocho.db'));
    try {
      expect(await createSqliteRouteStore(reopened).all()).toEqual([{ guildId: GUILD_ID, theme: 'resources-autonomy', channelId: TRADE_CHANNEL }]);
    } finally {
      reopened.close();
    }
  });
});
