import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newsDay, seedItems } from '../../digest/seed-store.js';
import { CHANNEL_ID, GUILD_ID, MANAGER_PERMISSIONS, OTHER_GUILD_ID } from '../../peers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../../peers/feed-server.js';
import { rss } from '../../support/rss.js';
import { startHarness, type Harness } from './harness.js';

/** Server A is the fake Discord's default server; server B is a second server the same bot is in. */
const A_TRADE_CHANNEL = '888888888888888891';
const B_CHANNEL = '999999999999999991';
const adminA = { userId: '777777777777777781', permissions: MANAGER_PERMISSIONS };
const adminB = { userId: '777777777777777791', permissions: MANAGER_PERMISSIONS, guildId: OTHER_GUILD_ID };

const names = (answer: { body: any }): string[] =>
  (answer.body.embeds?.[0]?.description ?? '').split('\n').map((line: string) => /\*\*(.+?)\*\*/.exec(line)?.[1] ?? line);

describe('two servers share one bot, and neither sees or changes what is the other’s', () => {
  let h: Harness;
  let server: FeedServer;
  let feedA: number;
  let feedB: number;

  beforeAll(async () => {
    server = await startFeedServer({ host: '127.0.0.2' });
    server.route('/a.xml', { body: rss([{ title: 'Uno', guid: '1' }], { title: 'Diario de A' }) });
    server.route('/b.xml', { body: rss([{ title: 'Dos', guid: '2' }], { title: 'Diario de B' }) });
    h = await startHarness({
      channels: [
        { id: A_TRADE_CHANNEL, name: 'comercio' },
        { id: B_CHANNEL, name: 'noticias-b', guildId: OTHER_GUILD_ID },
      ],
      feeds: [{ url: 'http://127.0.0.1:9/config.xml', name: 'Operator Feed', language: 'es' }],
      digests: [
        { name: 'ours', cron: '0 8 * * *', window: '24h', destination: { channelId: CHANNEL_ID } },
        { name: 'theirs', cron: '0 9 * * *', window: '24h', destination: { channelId: B_CHANNEL } },
      ],
    });
    await seedItems(h.ctx.store, newsDay(Date.now()));
    await h.run('feeds', { subcommand: 'add', options: { url: server.url('/a.xml') }, ...adminA });
    await h.run('feeds', { subcommand: 'add', options: { url: server.url('/b.xml') }, ...adminB });
    feedA = (await h.ctx.store.feeds.getByUrl(server.url('/a.xml')))?.id ?? 0;
    feedB = (await h.ctx.store.feeds.getByUrl(server.url('/b.xml')))?.id ?? 0;
  });
  afterAll(async () => {
    await h?.close();
    await server?.close();
  });

  it('records the server that added each feed', async () => {
    expect(await h.ctx.store.feeds.get(feedA)).toMatchObject({ origin: 'user', guildId: GUILD_ID });
    expect(await h.ctx.store.feeds.get(feedB)).toMatchObject({ origin: 'user', guildId: OTHER_GUILD_ID });
  });

  it('lists, reports and autocompletes only the config feeds and the server’s own', async () => {
    const listA = names(await h.run('feeds', { subcommand: 'list', ...adminA }));
    const listB = names(await h.run('feeds', { subcommand: 'list', ...adminB }));
    expect(listA).toContain('Diario de A');
    expect(listA).toContain('Operator Feed');
    expect(listA).not.toContain('Diario de B');
    expect(listB).toContain('Diario de B');
    expect(listB).toContain('Operator Feed');
    expect(listB).not.toContain('Diario de A');
    const statusB = await h.run('feeds', { subcommand: 'status', ...adminB });
    expect(statusB.body.embeds[0].description).not.toContain('Diario de A');
    const choicesB = await h.fake.answer(h.fake.autocomplete('feeds', { subcommand: 'remove', options: { feed: 'diario' }, focused: 'feed', ...adminB }));
    expect(choicesB.body.choices.map((choice: { value: string }) => choice.value)).toEqual([String(feedB)]);
  });

  it('does not let one server remove the other’s feed, by id, address or name, nor learn its name by adding it again', async () => {
    for (const feed of [String(feedA), server.url('/a.xml'), 'Diario de A']) {
      const answer = await h.run('feeds', { subcommand: 'remove', options: { feed }, ...adminB });
      expect(answer.body.content).toBe('No feed matches that. Pick the feed from the list as you type.');
    }
    expect(await h.ctx.store.feeds.get(feedA)).toMatchObject({ status: 'active' });
    const again = await h.run('feeds', { subcommand: 'add', options: { url: server.url('/a.xml') }, ...adminB });
    expect(again.body.content).toBe(
      'Another server already added that feed, so Sancocho already polls it; it stays in that server’s list, and only its admins can remove it.',
    );
    expect(server.requests('/a.xml')).toHaveLength(1);
  });

  it('keeps the config file’s feeds read-only from every server', async () => {
    const answer = await h.run('feeds', { subcommand: 'remove', options: { feed: 'Operator Feed' }, ...adminA });
    expect(answer.body.content).toBe('**Operator Feed** comes from the config file, so it is read-only here: whoever runs Sancocho can remove it from that file.');
    expect(await h.ctx.store.feeds.getByUrl('http://127.0.0.1:9/config.xml')).toMatchObject({ status: 'active' });
  });

  it('lets each server remove its own feed', async () => {
    const answer = await h.run('feeds', { subcommand: 'remove', options: { feed: String(feedB) }, ...adminB });
    expect(answer.body.content).toBe('Removed **Diario de B** and its stored items.');
    expect(await h.ctx.store.feeds.get(feedB)).toBeUndefined();
  });

  it('keeps subscriptions per server: the other server neither sees nor removes them', async () => {
    await h.run('subscribe', { options: { theme: 'trade-tariffs', channel: A_TRADE_CHANNEL }, ...adminA });
    const removed = await h.run('unsubscribe', { options: { theme: 'comercio y aranceles' }, ...adminB });
    expect(removed.body.content).toBe(
      '“Trade agreements, tariffs and market access” was not routed to any channel of this server.\n\nNo themes are routed to channels on this server.',
    );
    expect(await h.ctx.store.routes.forGuild(GUILD_ID)).toEqual([{ guildId: GUILD_ID, theme: 'trade-tariffs', channelId: A_TRADE_CHANNEL }]);
  });

  it('/status shows a server its own schedules and feeds, not the other server’s', async () => {
    const statusA = String((await h.run('status', adminA)).body.content);
    const statusB = String((await h.run('status', adminB)).body.content);
    expect(statusA).toContain('**ours**');
    expect(statusA).not.toContain('**theirs**');
    expect(statusA).not.toContain(`<#${B_CHANNEL}>`);
    expect(statusB).toContain('**theirs**');
    expect(statusB).not.toContain('**ours**');
    expect(statusB).not.toContain(`<#${CHANNEL_ID}>`);
  });

  it('shows and runs only the server’s own digest schedules, and names only its own channels', async () => {
    const choicesB = await h.fake.answer(h.fake.autocomplete('digest', { subcommand: 'now', options: { schedule: '' }, focused: 'schedule', ...adminB }));
    expect(choicesB.body.choices.map((choice: { value: string }) => choice.value)).toEqual(['theirs']);
    const refused = await h.run('digest', { subcommand: 'now', options: { schedule: 'ours' }, ...adminB });
    expect(refused.body.content).toBe('There is no digest schedule called “ours”. The schedules are: theirs.');
    expect(h.fake.messages.filter((message) => message.channelId === CHANNEL_ID)).toEqual([]);

    // B's digest also carries A's subscribed theme to A's channel (A asked for it), but B is not told where.
    const theirs = await h.run('digest', { subcommand: 'now', ...adminB });
    expect(theirs.body.content).toMatch(new RegExp(`^The \\*\\*theirs\\*\\* digest \\(last 24h\\) was posted: 1 message to <#${B_CHANNEL}>, \\d+ stories\\.$`));
    expect(h.fake.messages.some((message) => message.channelId === A_TRADE_CHANNEL)).toBe(true);
    // A's own digest names A's channel; A's trade channel already has those stories from B's digest.
    const tradePosts = h.fake.messages.filter((message) => message.channelId === A_TRADE_CHANNEL).length;
    const ours = await h.run('digest', { subcommand: 'now', ...adminA });
    expect(ours.body.content).toMatch(new RegExp(`^The \\*\\*ours\\*\\* digest .* to <#${CHANNEL_ID}>, \\d+ stories\\.$`));
    expect(h.fake.messages.filter((message) => message.channelId === A_TRADE_CHANNEL)).toHaveLength(tradePosts);
  });
});
