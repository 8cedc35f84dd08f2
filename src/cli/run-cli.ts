import { Command, CommanderError } from 'commander';
import { ConfigError, DatabaseError, UsageError } from '../core/errors.js';
import { processIO, writeLine, type CliIO } from './cli-io.js';
import { VERSION } from '../core/version.js';

type Register = (program: Command, io: CliIO) => void;

/**
 * Every command, in the order of the help, with its one-line summary for the command list and its
 * module, imported only when that command runs or shows its own help: `--help` and `feeds` need
 * neither discord.js nor openai nor the bench. Each module's own description is the same sentence
 * (test/cli/lazy-commands.test.ts holds them together).
 */
export const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Register> }[] = [
  { name: 'start', summary: 'run Sancocho: poll feeds and send digests on their schedules until SIGINT/SIGTERM', load: async () => (await import('./start-command.js')).registerStartCommand },
  { name: 'fetch', summary: 'poll the due feeds: once with --once, else on the polling schedule until stopped', load: async () => (await import('./fetch-command.js')).registerFetchCommand },
  { name: 'feeds', summary: 'list the feeds with their health', load: async () => (await import('./feeds-command.js')).registerFeedsCommand },
  { name: 'status', summary: 'every feed, digest schedule and destination with its last outcome', load: async () => (await import('./status-command.js')).registerStatusCommand },
  {
    name: 'classify',
    summary: 'classify items from a JSON Lines file: {"id","title","summary","lang"?} in, {"id","themes","scores"} out',
    load: async () => (await import('./classify-command.js')).registerClassifyCommand,
  },
  {
    name: 'eval',
    summary:
      'score a classifier on a labelled JSON Lines file (precision, recall, F1 per theme, micro and macro F1, items/s, worst mistakes), ' +
      'story clustering on a file labelled with events (--clusters), or the offline lens on files labelled with directions (--lens)',
    load: async () => (await import('./eval-command.js')).registerEvalCommand,
  },
  {
    name: 'digest',
    summary: 'build one digest now and send it (or preview it); the schedules themselves run with `sancocho start`',
    load: async () => (await import('./digest-command.js')).registerDigestCommand,
  },
  {
    name: 'barometer',
    summary: 'which way the news moved integration, week by week: stories advancing, stalling and reversing, and the index',
    load: async () => (await import('./barometer-command.js')).registerBarometerCommand,
  },
  {
    name: 'deploy-commands',
    summary: 'register the slash commands with Discord: in DISCORD_GUILD_ID’s server when set, else globally',
    load: async () => (await import('./deploy-commands-command.js')).registerDeployCommandsCommand,
  },
  {
    name: 'migrate',
    summary: 'copy a SQLite database into PostgreSQL, keeping ids; copying again adds only what is new; prints the rows counted on both sides',
    load: async () => (await import('./migrate-command.js')).registerMigrateCommand,
  },
  {
    name: 'demo',
    summary: 'one full cycle on bundled sample feeds served from 127.0.0.1 — fetch, classify, digest — and print the digest; no network, no credentials',
    load: async () => (await import('./demo-command.js')).registerDemoCommand,
  },
  {
    name: 'bench',
    summary: 'measure parsing, a poll cycle, classification, search, memory, start-up and LLM prompt size on this machine (about 5 minutes; --quick: seconds)',
    load: async () => (await import('./bench-command.js')).registerBenchCommand,
  },
];

/** The command a command line runs, or whose help it asks for (`help feeds`); the root has no option taking a value. */
function requestedCommand(argv: string[]): string | undefined {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** Commander's codes for a command line it could not make sense of (help shown for no command at all); it exits 1 on them. */
const USAGE_ERRORS = new Set([
  'commander.help',
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.excessArguments',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.conflictingOption',
  'commander.invalidArgument',
]);

/**
 * The whole command line as a function: returns the exit code instead of exiting, so tests run it
 * in-process. Expected problems (bad config, bad flags) print one clear message, never a stack trace.
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = new Command('sancocho')
    .description('Sancocho: Latin American regional-integration news, classified and digested for Discord')
    .version(VERSION)
    .exitOverride()
    // Subcommands inherit these: a mistyped flag prints that command's usage after the error.
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  try {
    const requested = requestedCommand(argv);
    for (const command of COMMANDS) {
      // The others are listed by name and summary only; none of them can run in this process.
      if (command.name === requested) (await command.load())(program, io);
      else program.command(command.name).summary(command.summary);
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 1 && USAGE_ERRORS.has(error.code) ? 2 : error.exitCode;
    if (error instanceof ConfigError) {
      writeLine(io.stderr, `sancocho: configuration error\n${error.message}`);
      return 2;
    }
    if (error instanceof UsageError || error instanceof DatabaseError) {
      writeLine(io.stderr, `sancocho: ${error.message}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    writeLine(io.stderr, `sancocho: unexpected error: ${message}`);
    // Loaded here only: the environment's schema (zod) is a tenth of a second and 14 MB that `--help` does not need.
    const { readEnvironment } = await import('../config/environment.js');
    if (readEnvironment(io.env).debug) writeLine(io.stderr, error instanceof Error ? (error.stack ?? '') : '');
    return 1;
  }
}
