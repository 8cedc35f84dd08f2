import type { ApplicationCommandOptionChoiceData, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { AppContext } from '../../app-context.js';
import type { Logger } from '../../core/logger.js';
import type { SearchRepository } from '../../core/search.js';
import type { Metrics } from '../../ops/metrics.js';
import type { DigestRunner } from '../../delivery/digest-runner.js';
import type { ThemeRouteRepository } from '../../delivery/ports.js';
import type { Parsed, RawOptions } from '../command-options.js';
import type { Reply, ThemeInfo } from '../render-results.js';
import { themeNames } from '../theme-names.js';

/**
 * The shape of one slash command: its definition (`data`, what Discord registers), who may use it,
 * whether its answer is private, how its options are validated, and what it does. The interaction
 * handler owns everything around that: routing by name, the permission check, the defer, the
 * per-user search limit and the apology on unexpected errors. Commands never touch the interaction
 * itself, so each is a plain function from validated options to a reply.
 */

/** The parts of the application a command may use. */
export type CommandApp = Pick<
  AppContext,
  'config' | 'store' | 'logger' | 'polling' | 'dispatcher' | 'userFeedDispatcher' | 'feedParser'
> & { metrics?: Pick<Metrics, 'observeCommand'> | undefined };

export interface CommandDeps {
  app: CommandApp;
  search: SearchRepository;
  routes: ThemeRouteRepository;
  /** The nine themes in THEMES.md order, with their names. */
  themes: readonly ThemeInfo[];
  /** The digest runner of a running bot; absent where digests are not sent (e.g. a test). */
  runner?: DigestRunner | undefined;
}

/** Who invoked a command, where, and when. */
export interface CommandContext extends CommandDeps {
  userId: string;
  guildId: string;
  channelId: string | null;
  /** The server a channel the bot can see is in; null when the bot does not know the channel. */
  guildOf(channelId: string): string | null;
  /** The server's language as Discord reports it (`es-ES`, `pt-BR`, `en-US`…), when it does. */
  guildLocale?: string | null | undefined;
  now: number;
  log: Logger;
}

/** Manage Server, or everyone. Checked by the handler on every invocation, whatever Discord shows. */
export type Access = 'everyone' | 'manage-guild';

export interface Focused {
  name: string;
  value: string;
}

export interface SlashCommand<Input = unknown> {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  access(subcommand: string | null): Access;
  /** Whether the answer is seen only by the person who asked. */
  ephemeral(subcommand: string | null): boolean;
  /** Validates the options once; a bad value becomes one plain sentence. */
  parse(subcommand: string | null, options: RawOptions): Parsed<Input>;
  /** Whether this invocation counts against the per-user search limit. */
  rateLimited?(subcommand: string | null): boolean;
  execute(input: Input, ctx: CommandContext): Promise<Reply>;
  autocomplete?(
    focused: Focused,
    subcommand: string | null,
    ctx: CommandContext,
  ): ApplicationCommandOptionChoiceData<string>[] | Promise<ApplicationCommandOptionChoiceData<string>[]>;
  /** A click on one of this command's buttons (custom ids start with `<name>:`): validated state, then the new page. */
  button?(customId: string): Parsed<{ run(ctx: CommandContext): Promise<Reply>; rateLimited: boolean }>;
}

/** Discord shows at most 25 autocomplete choices, each name and value at most 100 characters. */
export const MAX_CHOICES = 25;

export function choice(name: string, value: string): ApplicationCommandOptionChoiceData<string> {
  const cap = (text: string) => (text.length <= 100 ? text : `${text.slice(0, 99)}…`);
  return { name: cap(name), value: value.slice(0, 100) };
}

/**
 * Themes one of whose names contains what was typed (accents ignored), in THEMES.md order: shown by
 * their English name, with the heading that matched in front when it was another one.
 */
export function themeChoices(typed: string): ApplicationCommandOptionChoiceData<string>[] {
  return themeNames()
    .search(typed)
    .slice(0, MAX_CHOICES)
    .map(({ theme, matched }) => choice(matched === theme.name ? theme.name : `${matched} · ${theme.name}`, theme.id));
}
