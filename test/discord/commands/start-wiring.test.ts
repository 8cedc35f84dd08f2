import { describe, expect, it } from 'vitest';
import { ADMIN_USER_ID, CHANNEL_ID, GUILD_ID, MANAGER_PERMISSIONS, startFakeDiscord } from '../../peers/fake-discord.js';
import { spawnSancocho, workspace } from '../cli-helpers.js';

/** The real binary: `start` in bot mode registers the commands and answers them on its own gateway session. */
describe('sancocho start in bot mode', () => {
  it('registers the slash commands in DISCORD_GUILD_ID’s server and answers them until stopped', async () => {
    const fake = await startFakeDiscord();
    const ws = workspace(`  - { name: daily, cron: "0 8 * * *", destination: { channelId: "${CHANNEL_ID}" } }\n`);
    try {
      const child = spawnSancocho(['start'], {
        SANCOCHO_CONFIG: ws.config,
        DISCORD_TOKEN: fake.token,
        DISCORD_API_BASE: fake.api,
        DISCORD_GUILD_ID: GUILD_ID,
      });
      await fake.waitFor(() => fake.commands.guilds.has(GUILD_ID), 20_000, 'the commands to be registered');
      expect(fake.commands.guilds.get(GUILD_ID)?.map((c) => c.name)).toEqual(['news', 'themes', 'digest', 'feeds', 'subscribe', 'unsubscribe', 'alerts', 'status', 'barometer']);
      await child.waitForOutput(/slash commands registered in server/);

      const themes = await fake.answer(fake.command('themes'));
      expect(themes.body.embeds[0].title).toBe('Themes');
      const digest = await fake.answer(fake.command('digest', { subcommand: 'now', userId: ADMIN_USER_ID, permissions: MANAGER_PERMISSIONS }));
      expect(digest.body.content).toBe('The **daily** digest (last 24h) has no stories, so nothing was posted.');

      child.process.kill('SIGTERM');
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(child.stderr()).toContain('start: stopped');
    } finally {
      await fake.close();
      ws.cleanup();
    }
  });
});
