import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messageViolations } from '../../../src/digest/split-messages.js';
import { newsDay, seedItems } from '../../digest/seed-store.js';
import { ADMIN_USER_ID, CHANNEL_ID, FORBIDDEN_CHANNEL_ID, MANAGER_PERMISSIONS } from '../../peers/fake-discord.js';
import { startHarness, type Harness } from './harness.js';

const admin = { userId: ADMIN_USER_ID, permissions: MANAGER_PERMISSIONS };

describe('/digest now through the fake Discord', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      digests: [
        { name: 'daily', cron: '0 8 * * *', window: '24h', destination: { channelId: CHANNEL_ID } },
        { name: 'weekly', cron: '0 9 * * 1', window: '7d', language: 'en', themes: ['china-latam'], destination: { channelId: CHANNEL_ID } },
        { name: 'quiet', cron: '0 7 * * *', themes: ['security-crime'], destination: { channelId: CHANNEL_ID } },
        { name: 'locked', cron: '0 6 * * *', destination: { channelId: FORBIDDEN_CHANNEL_ID } },
      ],
    });
    await seedItems(h.ctx.store, newsDay(Date.now()));
  });
  beforeEach(() => {
    h.fake.messages.length = 0;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('builds the first schedule’s digest and posts it to its channel, answering privately when done', async () => {
    const answer = await h.run('digest', { subcommand: 'now', ...admin });
    expect(answer.record.callbacks).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(answer.body.content).toBe(`The **daily** digest (last 24h) was posted: 1 message to <#${CHANNEL_ID}>, 5 stories.`);
    expect(h.fake.messages).toHaveLength(1);
    const posted = h.fake.messages[0]?.body;
    expect(h.fake.messages[0]?.channelId).toBe(CHANNEL_ID);
    expect(posted.embeds.map((e: { title: string }) => e.title)).toEqual(['Integración regional', 'Comercio y aranceles', 'EE. UU. y Venezuela', 'China en América Latina']);
    expect(messageViolations(posted)).toEqual([]);
  });

  it('a second /digest now posts nothing and says the channel already has every story', async () => {
    const again = await h.run('digest', { subcommand: 'now', ...admin });
    expect(again.body.content).toBe(`The **daily** digest (last 24h) has nothing new: <#${CHANNEL_ID}> already has all 5 of its stories, so nothing was posted.`);
    expect(h.fake.messages).toHaveLength(0);
  });

  it('takes the schedule by name, and says when a window has no stories', async () => {
    // The channel has the daily digest's China story already; only the older one is new to it.
    const weekly = await h.run('digest', { subcommand: 'now', options: { schedule: 'weekly' }, ...admin });
    expect(weekly.body.content).toBe(`The **weekly** digest (last 7d) was posted: 1 message to <#${CHANNEL_ID}>, 1 story.`);
    expect(h.fake.messages[0]?.body.embeds.map((e: { title: string }) => e.title)).toEqual(['China in Latin America']);
    const quiet = await h.run('digest', { subcommand: 'now', options: { schedule: 'QUIET' }, ...admin });
    expect(quiet.body.content).toBe('The **quiet** digest (last 24h) has no stories, so nothing was posted.');
    expect(h.fake.messages).toHaveLength(1);
  });

  it('explains a channel the bot may not post in', async () => {
    const answer = await h.run('digest', { subcommand: 'now', options: { schedule: 'locked' }, ...admin });
    expect(answer.body.content).toBe(
      `The **locked** digest (last 24h) could not be posted to <#${FORBIDDEN_CHANNEL_ID}>: channel ${FORBIDDEN_CHANNEL_ID}: missing access: invite the bot to the server and let it see the channel \\[403 Missing Access (code 50001)\\]`,
    );
  });

  it('names the schedules when asked for one that does not exist', async () => {
    const answer = await h.run('digest', { subcommand: 'now', options: { schedule: 'hourly' }, ...admin });
    expect(answer.body.content).toBe('There is no digest schedule called “hourly”. The schedules are: daily, weekly, quiet, locked.');
    expect(h.fake.messages).toHaveLength(0);
  });

  it('refuses a member without Manage Server, whatever Discord let through, and registers the command for managers only', async () => {
    const answer = await h.run('digest', { subcommand: 'now' });
    expect(answer).toMatchObject({ callbackType: 4, ephemeral: true, body: { content: 'You need the Manage Server permission to use /digest now.' } });
    expect(h.fake.messages).toHaveLength(0);
    const registered = h.fake.commands.guilds.get('333333333333333333')?.find((c) => c.name === 'digest');
    expect(registered).toMatchObject({ default_member_permissions: '32', contexts: [0] });
  });

  it('autocompletes the schedule names', async () => {
    const answer = await h.fake.answer(h.fake.autocomplete('digest', { subcommand: 'now', options: { schedule: 'WE' }, focused: 'schedule', ...admin }));
    expect(answer.body.choices).toEqual([{ name: 'weekly (0 9 * * 1, last 7d)', value: 'weekly' }]);
  });
});
