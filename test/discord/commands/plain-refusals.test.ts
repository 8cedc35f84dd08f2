import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTION_HINTS } from '../../../src/discord/command-options.js';
import { CHANNEL_ID, GUILD_ID, MANAGER_PERMISSIONS, type OptionInput } from '../../peers/fake-discord.js';
import { freshUser, startHarness, type Harness } from './harness.js';

const VOICE_CHANNEL = '888888888888888883';

/** What zod, a regular expression or a stack trace says, and a person never should read. */
const VALIDATOR_WORDING =
  /invalid (input|string|option|type)|expected [a-z]+|received|must match|pattern|regex|\/\^|\\d|zod|too_(small|big)|too (small|big)|\bNaN\b|undefined|\bnull\b|\[object|issue|stack|\bat [\w.]+ \(/i;

/** Discord option types: 3 string, 4 integer, 7 channel. */
const BAD_VALUES: Record<number, OptionInput[]> = {
  3: ['', '   ', 'x', '123', 'x'.repeat(3000), ' \u0301 ', '<@123> **x**', { type: 4, value: 7 }, { type: 5, value: true }],
  4: [0, -1, 2.5, 1e12, { type: 3, value: 'seven' }],
  7: [{ type: 7, value: '123' }, { type: 7, value: VOICE_CHANNEL }, { type: 3, value: 'general' }, { type: 7, value: 'x'.repeat(30) }],
};

/** A usable value per option, so each bad one is the only problem (a feed URL that the guard refuses: nothing is fetched). */
const GOOD_VALUES: Record<string, OptionInput> = {
  query: 'mercosur',
  theme: 'trade-tariffs',
  channel: CHANNEL_ID,
  url: 'http://127.0.0.1:9/feed.xml',
};

interface Leaf {
  command: string;
  subcommand?: string;
  options: { name: string; type: number; required?: boolean }[];
}

describe('every command answers bad options with a plain sentence, never validator text', () => {
  let h: Harness;
  let leaves: Leaf[];

  beforeAll(async () => {
    h = await startHarness({
      channels: [{ id: VOICE_CHANNEL, name: 'voz', type: 2 }],
      feeds: [{ url: 'http://127.0.0.1:9/config.xml', name: 'Config Feed', language: 'es' }],
      digests: [{ name: 'daily', cron: '0 8 * * *', window: '24h', destination: { channelId: CHANNEL_ID } }],
    });
    const registered: any[] = h.fake.commands.guilds.get(GUILD_ID) ?? [];
    leaves = registered.flatMap((command): Leaf[] => {
      const subcommands = (command.options ?? []).filter((option: any) => option.type === 1);
      if (subcommands.length === 0) return [{ command: command.name, options: command.options ?? [] }];
      return subcommands.map((sub: any) => ({ command: command.name, subcommand: sub.name, options: sub.options ?? [] }));
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('has a plain hint for every option any command registers', () => {
    const names = new Set(leaves.flatMap((leaf) => leaf.options.map((option) => option.name)));
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect([name, Object.hasOwn(OPTION_HINTS, name)]).toEqual([name, true]);
    for (const hint of Object.values(OPTION_HINTS)) expect(hint).toMatch(/^[A-Z].+\.$/);
  });

  it('refuses /subscribe with a channel id that is no channel in plain words (it used to quote a regular expression)', async () => {
    const answer = await h.run('subscribe', {
      options: { theme: 'trade-tariffs', channel: { type: 7, value: '123' } },
      userId: freshUser(),
      permissions: MANAGER_PERMISSIONS,
    });
    expect(answer).toMatchObject({ callbackType: 4, ephemeral: true });
    expect(answer.body.content).toBe('Pick a text or announcement channel of this server from the list.');
  });

  it('drives every option of every command with bad values through the fake Discord', async () => {
    let refusals = 0;
    for (const leaf of leaves) {
      const cases: Record<string, OptionInput>[] = [{}, { unexpected: 'x' }];
      for (const option of leaf.options) {
        for (const bad of BAD_VALUES[option.type] ?? ['x', 0]) {
          const options: Record<string, OptionInput> = {};
          for (const other of leaf.options) {
            if (other.required && other.name !== option.name) options[other.name] = GOOD_VALUES[other.name] ?? 'x';
          }
          options[option.name] = bad;
          cases.push(options);
        }
      }
      for (const options of cases) {
        const what = `/${leaf.command}${leaf.subcommand ? ` ${leaf.subcommand}` : ''} ${JSON.stringify(options).slice(0, 120)}`;
        const answer = await h.run(leaf.command, {
          ...(leaf.subcommand ? { subcommand: leaf.subcommand } : {}),
          options,
          userId: freshUser(),
          permissions: MANAGER_PERMISSIONS,
        });
        const shown = [answer.body.content ?? '', ...(answer.body.embeds ?? []).map((embed: any) => `${embed.title ?? ''} ${embed.description ?? ''}`)].join(' ');
        expect([what, VALIDATOR_WORDING.exec(shown)?.[0]]).toEqual([what, undefined]);
        if (answer.callbackType === 4) {
          // Refused at the edge: one private sentence (or two short ones) saying what to do.
          refusals++;
          expect([what, answer.ephemeral]).toEqual([what, true]);
          expect([what, answer.body.content]).toEqual([what, expect.stringMatching(/^[A-Z“].{10,300}[.)]$/su)]);
          expect([what, answer.body.content.includes('\n')]).toEqual([what, false]);
        }
      }
    }
    expect(refusals).toBeGreaterThan(40);
  });
});
