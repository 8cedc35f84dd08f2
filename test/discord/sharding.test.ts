import { afterEach, describe, expect, it } from 'vitest';
import { GUILD_ID, shardOf, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { startHarness, type Harness } from './commands/harness.js';

/** A guild id whose events go to `shard` of 2: Discord routes by (guild_id >> 22) % count. */
const guildOnShard = (shard: number) => String(((1n << 40n) + BigInt(shard)) << 22n);
const GUILDS = [guildOnShard(0), guildOnShard(1)] as const;
const CHANNELS = [
  { id: '910000000000000001', name: 'noticias-cero', guildId: GUILDS[0] },
  { id: '910000000000000002', name: 'noticias-uno', guildId: GUILDS[1] },
];

/**
 * `discord.shards`: discord.js's own sharding. One process may run every shard; two bot workers
 * (`--shards 0` and `--shards 1`) split them, each receiving only its shard's servers and answering
 * the slash commands used there, against one fake Discord that serves two shards.
 */
describe('the bot on two gateway shards', () => {
  let fake: FakeDiscord;
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
    await fake.close();
  });

  /** A bot worker; `seen` collects the guilds of the interactions its client received. */
  async function bot(shards: { count: number; ids: 'all' | number[] }) {
    const h = await startHarness({ fake, shards });
    harnesses.push(h);
    const seen: string[] = [];
    h.runtime.client?.on('interactionCreate', (interaction) => seen.push(interaction.guildId ?? ''));
    return { h, seen };
  }

  it('splits the shards between two bot workers: each gets its shard’s servers and answers the commands used there, once', async () => {
    fake = await startFakeDiscord({ shards: 2, channels: CHANNELS });
    expect(GUILDS.map((guild) => shardOf(guild, 2))).toEqual([0, 1]);
    const [zero, one] = [await bot({ count: 2, ids: [0] }), await bot({ count: 2, ids: [1] })];
    expect(fake.gateway.identifies.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const guildsOf = (worker: typeof zero) => [...(worker.h.runtime.client?.guilds.cache.keys() ?? [])].sort();
    const defaultShard = shardOf(GUILD_ID, 2);
    expect(guildsOf(zero)).toEqual([GUILDS[0], ...(defaultShard === 0 ? [GUILD_ID] : [])].sort());
    expect(guildsOf(one)).toEqual([GUILDS[1], ...(defaultShard === 1 ? [GUILD_ID] : [])].sort());

    for (const [shard, guildId] of GUILDS.entries()) {
      const answer = await fake.answer(fake.command('themes', { guildId, channelId: CHANNELS[shard]?.id }));
      expect(answer.record.shard).toBe(shard);
      expect(answer.record.callbacks).toHaveLength(1);
      expect(answer.body.embeds?.[0]?.title ?? answer.body.content).toBeTruthy();
    }
    expect(zero.seen).toEqual([GUILDS[0]]);
    expect(one.seen).toEqual([GUILDS[1]]);
  });

  it('runs every shard in one process when no ids are picked', async () => {
    fake = await startFakeDiscord({ shards: 2, channels: CHANNELS });
    const all = await bot({ count: 2, ids: 'all' });
    expect(fake.gateway.identifies.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...(all.h.runtime.client?.guilds.cache.keys() ?? [])]).toEqual(expect.arrayContaining([...GUILDS]));
    for (const [shard, guildId] of GUILDS.entries()) {
      const answer = await fake.answer(fake.command('themes', { guildId, channelId: CHANNELS[shard]?.id }));
      expect(answer.record).toMatchObject({ shard, callbacks: [expect.anything()] });
    }
    expect(all.seen).toEqual([...GUILDS]);
  });
});
