import { SlashCommandBuilder } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashCommand } from '../../../src/discord/commands/command.js';
import { COMMANDS } from '../../../src/discord/commands/index.js';
import { GUILD_ID } from '../../peers/fake-discord.js';
import { cli } from '../cli-helpers.js';
import { startHarness, type Harness } from './harness.js';

/** Commands that fail in each phase, to see the apology from every state the interaction can be in. */
function failing(name: string, overrides: Partial<SlashCommand<object>> = {}): SlashCommand<object> {
  return {
    data: new SlashCommandBuilder().setName(name).setDescription('fails on purpose'),
    access: () => 'everyone',
    ephemeral: () => false,
    parse: () => ({ ok: true, value: {} }),
    async execute() {
      throw new Error(`${name} exploded at /srv/secret/path`);
    },
    ...overrides,
  };
}

const TEST_COMMANDS = [
  ...COMMANDS,
  failing('boom'),
  failing('boom-private', { ephemeral: () => true }),
  failing('boom-early', {
    parse() {
      throw new TypeError('options exploded');
    },
  }),
  failing('boom-complete', {
    autocomplete() {
      throw new Error('autocomplete exploded');
    },
  }),
];

describe('the interaction handler', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ commands: TEST_COMMANDS });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The apology's reference, checked against the log line that carries it. */
  function expectApology(content: string, what: string): void {
    const match = /^Sorry, something went wrong on our side and this did not work\. If it keeps happening, give the server admins this reference: `([0-9a-f]{8})`\.$/.exec(content);
    expect(match, content).not.toBeNull();
    const ref = match?.[1];
    const line = h.logs().find((entry) => entry.ref === ref);
    expect(line).toMatchObject({ level: 50, msg: `interaction-handler: ${what} failed (ref ${ref})`, module: 'interaction-handler' });
    expect(content).not.toMatch(/exploded|Error|\bat \//);
  }

  it('after a public defer: removes the "thinking…" and apologizes privately, with the reference in the log', async () => {
    const answer = await h.run('boom');
    expect(answer.record.callbacks).toEqual([{ type: 5, data: { flags: 0 } }]);
    expect(answer.record.deletes).toBe(1);
    expect(answer.record.followups).toHaveLength(1);
    expect(answer.ephemeral).toBe(true);
    expect(answer.body.allowed_mentions).toEqual({ parse: [] });
    expectApology(answer.body.content, '/boom');
    const logged = h.logs().find((entry) => entry.msg.startsWith('interaction-handler: /boom failed')) as { err?: { stack?: string } };
    expect(logged.err?.stack).toContain('boom exploded at /srv/secret/path');
  });

  it('after a private defer: edits the reply into the apology', async () => {
    const answer = await h.run('boom-private');
    expect(answer.record.callbacks).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(answer.record.edits).toHaveLength(1);
    expect(answer.ephemeral).toBe(true);
    expectApology(answer.body.content, '/boom-private');
  });

  it('before any defer: replies with the apology', async () => {
    const answer = await h.run('boom-early');
    expect(answer.callbackType).toBe(4);
    expect(answer.ephemeral).toBe(true);
    expectApology(answer.body.content, '/boom-early');
  });

  it('when a real command meets a broken database', async () => {
    h.sqlite().exec('ALTER TABLE item_themes RENAME TO item_themes_away');
    try {
      const answer = await h.run('themes');
      expectApology(answer.body.content, '/themes');
    } finally {
      h.sqlite().exec('ALTER TABLE item_themes_away RENAME TO item_themes');
    }
    expect((await h.run('themes')).body.embeds[0].title).toBe('Themes');
  });

  it('answers a failing autocomplete with no choices, and logs it with a reference', async () => {
    const answer = await h.fake.answer(h.fake.autocomplete('boom-complete', { options: { anything: 'x' }, focused: 'anything' }));
    expect(answer).toMatchObject({ callbackType: 8, body: { choices: [] } });
    expect(h.logs().some((entry) => typeof entry.ref === 'string' && entry.msg === `interaction-handler: autocomplete for /boom-complete failed (ref ${entry.ref})`)).toBe(true);
  });

  it('answers a command this version does not know', async () => {
    const answer = await h.run('ghost');
    expect(answer).toMatchObject({
      callbackType: 4,
      ephemeral: true,
      body: { content: 'This command is not part of this version of Sancocho. An admin can refresh the list with `npx sancocho deploy-commands`.' },
    });
  });

  it('/themes: every theme with its 24-hour and 7-day counts, in public', async () => {
    const answer = await h.run('themes');
    expect(answer.ephemeral).toBe(false);
    const description: string = answer.body.embeds[0].description;
    expect(description.split('\n\n')).toHaveLength(9);
    expect(description).toMatch(/^\*\*Regional integration and its institutions\*\* · `regional-integration`\n24 h: \*\*0\*\* · 7 days: \*\*0\*\*/);
  });

  it('times every command in the metrics, by outcome', async () => {
    const text = await h.ctx.metrics.registry?.getSingleMetricAsString('sancocho_command_duration_seconds');
    expect(text).toContain('command="themes",outcome="ok"');
    expect(text).toContain('command="boom",outcome="error"');
  });

  it('registers every command in the guild at start-up, admin ones with default member permissions', () => {
    const registered = h.fake.commands.guilds.get(GUILD_ID) ?? [];
    const bodies = registered.filter((c) => !c.name.startsWith('boom'));
    expect(bodies.map((c) => [c.name, c.default_member_permissions ?? null, c.contexts])).toEqual([
      ['news', null, [0]],
      ['themes', null, [0]],
      ['digest', '32', [0]],
      ['feeds', null, [0]],
      ['subscribe', '32', [0]],
      ['unsubscribe', '32', [0]],
      ['alerts', '32', [0]],
      ['status', '32', [0]],
      ['barometer', null, [0]],
    ]);
    const news = bodies[0];
    const search = news.options.find((o: { name: string }) => o.name === 'search');
    expect(search.options.map((o: { name: string; type: number; required?: boolean }) => [o.name, o.type, o.required ?? false])).toEqual([
      ['query', 3, true],
      ['theme', 3, false],
      ['days', 4, false],
      ['language', 3, false],
    ]);
    expect(search.options[0]).toMatchObject({ min_length: 2, max_length: 80 });
    expect(search.options[1]).toMatchObject({ autocomplete: true });
    const subscribe = bodies[4];
    expect(subscribe.options[1]).toMatchObject({ name: 'channel', type: 7, channel_types: [0, 5], required: true });
    const feeds = bodies[3];
    expect(feeds.options.map((o: { name: string }) => o.name)).toEqual(['list', 'status', 'add', 'remove']);
    expect(feeds.options[3].options[0]).toMatchObject({ name: 'feed', autocomplete: true, required: true });
    expect(h.logs().some((entry) => entry.msg === `interaction-handler: 13 slash commands registered in server ${GUILD_ID}`)).toBe(true);
  });

  it('npx sancocho deploy-commands: in DISCORD_GUILD_ID’s server, or globally', async () => {
    const env = { DISCORD_TOKEN: h.fake.token, DISCORD_API_BASE: h.fake.api };
    const guild = await cli(['deploy-commands'], { ...env, DISCORD_GUILD_ID: GUILD_ID });
    expect(guild).toMatchObject({
      code: 0,
      stdout: `Registered 9 slash commands (/news, /themes, /digest, /feeds, /subscribe, /unsubscribe, /alerts, /status, /barometer) in server ${GUILD_ID}.\n`,
    });
    expect(h.fake.commands.guilds.get(GUILD_ID)?.map((c) => c.name)).toEqual(['news', 'themes', 'digest', 'feeds', 'subscribe', 'unsubscribe', 'alerts', 'status', 'barometer']);
    const global = await cli(['deploy-commands', '--json'], env);
    expect(JSON.parse(global.stdout)).toEqual({ scope: 'global', guildId: null, commands: ['news', 'themes', 'digest', 'feeds', 'subscribe', 'unsubscribe', 'alerts', 'status', 'barometer'] });
    expect(h.fake.commands.global?.map((c) => c.name)).toHaveLength(9);
    expect(h.fake.requests.filter((r) => r.method === 'GET' && r.path === '/applications/@me')).toHaveLength(2);
    const withId = await cli(['deploy-commands', '--global'], { ...env, DISCORD_GUILD_ID: GUILD_ID, DISCORD_APPLICATION_ID: '222222222222222222' });
    expect(withId.stdout).toBe('Registered 9 slash commands (/news, /themes, /digest, /feeds, /subscribe, /unsubscribe, /alerts, /status, /barometer) in every server the bot is in (global).\n');
  });

  it.each<[string, string[], Record<string, string>, number, string]>([
    ['no token', [], { DISCORD_TOKEN: '' }, 2, 'sancocho: deploy-commands: set DISCORD_TOKEN to the bot token'],
    ['a guild id that is not one', [], { DISCORD_GUILD_ID: 'my-server' }, 2, 'sancocho: deploy-commands: DISCORD_GUILD_ID "my-server" is not a server id'],
    ['--guild that is not one', ['--guild', '12'], {}, 2, 'sancocho: deploy-commands: --guild "12" is not a server id'],
    ['a token Discord rejects', [], { DISCORD_TOKEN: 'MTIz.wrong-token' }, 2, 'sancocho: Discord rejected DISCORD_TOKEN (401 Unauthorized)'],
    ['a server the bot is not in', ['--guild', '999999999999999999'], {}, 1, 'sancocho: Discord refused to register the commands in server 999999999999999999 (403 Missing Access)'],
  ])('deploy-commands with %s fails with one clear line', async (_case, args, env, code, message) => {
    const result = await cli(['deploy-commands', ...args], { DISCORD_TOKEN: h.fake.token, DISCORD_API_BASE: h.fake.api, ...env });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('wrong-token');
  });
});
