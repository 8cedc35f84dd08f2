import { CommanderError, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { DEFAULT_DISCORD_API } from '../config/destination.js';
import { readEnvironment } from '../config/environment.js';
import { writeLine, type CliIO } from './cli-io.js';

interface DeployOptions {
  guild?: string;
  global?: boolean;
  json?: boolean;
}

/**
 * `sancocho deploy-commands`: registers the slash commands without starting the bot (`start` does
 * it too, at every start-up). In `DISCORD_GUILD_ID`'s server when set (or `--guild`), else globally.
 * Needs only DISCORD_TOKEN; the application id comes from Discord (or DISCORD_APPLICATION_ID).
 */
export function registerDeployCommandsCommand(program: Command, io: CliIO): void {
  program
    .command('deploy-commands')
    .description('register the slash commands with Discord: in DISCORD_GUILD_ID’s server when set, else globally')
    .option('--guild <id>', 'register in this server (overrides DISCORD_GUILD_ID)')
    .option('--global', 'register globally even when DISCORD_GUILD_ID is set')
    .option('--json', 'print one JSON object')
    .action(async (options: DeployOptions) => {
      const { discord } = readEnvironment(io.env);
      const { token } = discord;
      if (!token) throw new UsageError('deploy-commands: set DISCORD_TOKEN to the bot token (Developer Portal → your application → Bot)');
      if (options.global && options.guild) throw new UsageError('deploy-commands: give --guild or --global, not both');
      // discord.js is loaded only for this command, so the rest of the CLI starts quickly.
      const [{ REST }, deploy, { restOptions }] = await Promise.all([
        import('discord.js'),
        import('../discord/deploy-commands.js'),
        import('../discord/create-client.js'),
      ]);
      const target = deploy.deployTarget(options.global ? undefined : (options.guild ?? discord.guildId));
      if ('invalid' in target) throw new UsageError(`deploy-commands: ${options.guild ? target.invalid.replace('DISCORD_GUILD_ID', '--guild') : target.invalid}`);

      const rest = new REST(restOptions(discord.apiBase ?? DEFAULT_DISCORD_API)).setToken(token);
      try {
        let applicationId = discord.applicationId;
        if (!applicationId) {
          try {
            applicationId = await deploy.fetchApplicationId(rest);
          } catch (error) {
            const failure = deploy.deployFailure(error, target);
            return fail(io, failure.kind === 'invalid-token' ? 2 : 1, failure.message);
          }
        }
        const outcome = await deploy.deployCommands(rest, applicationId, target);
        if (outcome.kind !== 'deployed') return fail(io, outcome.kind === 'invalid-token' ? 2 : 1, outcome.message);
        const where = deploy.describeTarget(target);
        writeLine(
          io.stdout,
          options.json
            ? JSON.stringify({ scope: target.scope, guildId: target.scope === 'guild' ? target.guildId : null, commands: outcome.names })
            : `Registered ${outcome.names.length} slash commands (${outcome.names.map((name) => `/${name}`).join(', ')}) in ${where}.`,
        );
      } finally {
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      }
    });
}

function fail(io: CliIO, exitCode: number, message: string): never {
  writeLine(io.stderr, `sancocho: ${message}`);
  throw new CommanderError(exitCode, 'sancocho.deploy-commands', message);
}
