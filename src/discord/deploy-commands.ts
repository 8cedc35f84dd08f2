import { DiscordAPIError, Routes, type REST, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { SlashCommand } from './commands/command.js';
import { COMMANDS } from './commands/index.js';

/**
 * Registers the slash commands with Discord: in one server when `DISCORD_GUILD_ID` is set (they
 * appear at once; for development and single-server bots), else globally. A PUT replaces the
 * whole list, so commands removed from the code disappear from Discord too.
 */

export type DeployTarget = { scope: 'guild'; guildId: string } | { scope: 'global' };

export type DeployOutcome =
  | { kind: 'deployed'; target: DeployTarget; names: string[] }
  /** Discord rejected the token: it is wrong, or was reset. */
  | { kind: 'invalid-token'; message: string }
  /** Discord refused this application here (not in the server, or invited without the commands scope). */
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; message: string };

const SNOWFLAKE = /^\d{17,20}$/;

/** The target from `DISCORD_GUILD_ID` (blank means global), or a plain message when it is not a server id. */
export function deployTarget(guildId: string | undefined): DeployTarget | { invalid: string } {
  const id = guildId?.trim();
  if (!id) return { scope: 'global' };
  if (!SNOWFLAKE.test(id)) return { invalid: `DISCORD_GUILD_ID "${id.slice(0, 40)}" is not a server id (17 to 20 digits; right-click the server → Copy Server ID)` };
  return { scope: 'guild', guildId: id };
}

export function describeTarget(target: DeployTarget): string {
  return target.scope === 'guild' ? `server ${target.guildId}` : 'every server the bot is in (global)';
}

export function commandBodies(commands: readonly SlashCommand[] = COMMANDS): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return commands.map((command) => command.data.toJSON());
}

/** The application (bot) id behind the token, for CLIs that have no gateway session to read it from. */
export async function fetchApplicationId(rest: REST): Promise<string> {
  const application = (await rest.get(Routes.currentApplication())) as { id: string };
  return application.id;
}

export async function deployCommands(
  rest: REST,
  applicationId: string,
  target: DeployTarget,
  commands: readonly SlashCommand[] = COMMANDS,
): Promise<DeployOutcome> {
  const route = target.scope === 'guild' ? Routes.applicationGuildCommands(applicationId, target.guildId) : Routes.applicationCommands(applicationId);
  try {
    const registered = (await rest.put(route, { body: commandBodies(commands) })) as { name: string }[];
    return { kind: 'deployed', target, names: registered.map((command) => command.name) };
  } catch (error) {
    return deployFailure(error, target);
  }
}

export function deployFailure(error: unknown, target: DeployTarget): Exclude<DeployOutcome, { kind: 'deployed' }> {
  if (error instanceof DiscordAPIError) {
    if (error.status === 401) {
      return { kind: 'invalid-token', message: 'Discord rejected DISCORD_TOKEN (401 Unauthorized): copy the bot token again from the Developer Portal, Bot tab' };
    }
    if (error.status === 403 || error.status === 404) {
      const where = target.scope === 'guild' ? `in server ${target.guildId}` : 'globally';
      return {
        kind: 'refused',
        message:
          `Discord refused to register the commands ${where} (${error.status} ${error.message}): ` +
          'invite the bot to that server with the "bot" and "applications.commands" scopes, and check DISCORD_GUILD_ID',
      };
    }
    return { kind: 'failed', message: `Discord rejected the command definitions (${error.status} ${error.message})` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'failed', message: `cannot reach Discord to register the commands: ${message}` };
}
