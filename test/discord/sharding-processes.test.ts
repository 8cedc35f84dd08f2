import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUILD_ID, shardOf, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';
import { spawnSancocho, type Child } from './cli-helpers.js';

/** A guild id whose events go to `shard` of 2: Discord routes by (guild_id >> 22) % count. */
const guildOnShard = (shard: number) => String(((1n << 40n) + BigInt(shard)) << 22n);
const GUILDS = [guildOnShard(0), guildOnShard(1)] as const;
const CHANNELS = [
  { id: '910000000000000001', name: 'noticias-cero', guildId: GUILDS[0] },
  { id: '910000000000000002', name: 'noticias-uno', guildId: GUILDS[1] },
];
const REGISTERED = /slash commands registered in server/;

/**
 * Issue 16's bot role as an operator runs it: real `sancocho start --role bot` processes on one
 * PostgreSQL schema, against one fake Discord serving two gateway shards. (The in-process version,
 * with the clients at hand, is sharding.test.ts.)
 */
describe.skipIf(!TEST_DATABASE_URL)('bot worker processes splitting the gateway shards', () => {
  let dir: string;
  let schema: TestSchema;
  let fake: FakeDiscord;
  const children: Child[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-shards-'));
    schema = await createTestSchema();
    fake = await startFakeDiscord({ shards: 2, channels: CHANNELS });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
    await fake.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bot process with `discord.shards: <shards>` in its config file, and its own flags and variables. */
  const bot = (shards: number | 'auto', args: string[], env: NodeJS.ProcessEnv = {}) => {
    const config = path.join(dir, 'sancocho.yaml');
    writeFileSync(config, `database: ${JSON.stringify(schema.url)}\ndiscord: { shards: ${shards} }\nfeeds: []\ndigests: []\n`);
    const child = spawnSancocho(['start', '--role', 'bot', ...args], {
      SANCOCHO_CONFIG: config,
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.api,
      DISCORD_GUILD_ID: GUILD_ID,
      ...env,
    });
    children.push(child);
    return child;
  };
  /** The shards a process's client runs, from its login line: discord.js's own `shards` and `shardCount`. */
  const loggedIn = (child: Child) => {
    const line = child.stderr().split('\n').find((text) => text.includes('create-client: logged in to Discord'));
    const { shards, shardCount } = JSON.parse(line ?? '{}') as { shards?: number[]; shardCount?: number };
    return { shards, shardCount };
  };
  const commandPuts = () => fake.requests.filter((request) => request.method === 'PUT' && request.path.endsWith('/commands'));
  /** A slash command used in `shard`'s server, as a person does: answered once, on that shard's session. */
  const themesIn = async (shard: 0 | 1) => {
    const answer = await fake.answer(fake.command('themes', { guildId: GUILDS[shard], channelId: CHANNELS[shard]?.id }));
    expect(answer.record).toMatchObject({ shard, callbacks: [expect.anything()] });
    expect(answer.body.embeds[0].title).toBe('Themes');
  };

  it('`--shards 0` and SANCOCHO_SHARDS=1: each identifies only its shard and answers the commands used in its shard’s servers, once', { timeout: 30_000 }, async () => {
    expect(GUILDS.map((guild) => shardOf(guild, 2))).toEqual([0, 1]);
    const zero = bot(2, ['--shards', '0']);
    const one = bot(2, [], { SANCOCHO_SHARDS: '1' });
    await Promise.all([zero.waitForOutput(/Sancocho is running as a bot/, 20_000), one.waitForOutput(/Sancocho is running as a bot/, 20_000)]);
    await zero.waitForOutput(REGISTERED);

    expect(fake.gateway.identifies.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([loggedIn(zero), loggedIn(one)]).toEqual([
      { shards: [0], shardCount: 2 },
      { shards: [1], shardCount: 2 },
    ]);
    // The commands are registered once, by the worker running shard 0; the other leaves them be.
    expect(commandPuts()).toHaveLength(1);
    await one.waitForOutput(/slash commands are registered by the bot worker running shard 0/);
    expect(one.stderr()).not.toMatch(REGISTERED);

    await themesIn(0);
    await themesIn(1);
    // Shard 1 was the second process's alone: once it stops, nobody runs it; shard 0 still answers.
    one.process.kill('SIGTERM');
    expect((await one.exited).code).toBe(0);
    expect(() => fake.command('themes', { guildId: GUILDS[1], channelId: CHANNELS[1]?.id })).toThrow(/no logged-in client runs the shard/);
    await themesIn(0);
    expect(fake.gateway.identifies).toHaveLength(2);
  });

  it('`discord.shards: auto` runs the count Discord recommends (`GET /gateway/bot`), every shard in the one process', { timeout: 30_000 }, async () => {
    const all = bot('auto', []);
    await all.waitForOutput(REGISTERED, 20_000);
    expect(fake.requests.filter((request) => request.path === '/gateway/bot').length).toBeGreaterThan(0);
    expect(fake.gateway.identifies.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(loggedIn(all)).toEqual({ shards: [0, 1], shardCount: 2 });
    await themesIn(0);
    await themesIn(1);
  });
});
