import { Command, CommanderError } from 'commander';
import { readEnvironment } from '../config/environment.js';
import { ConfigError, DatabaseError, UsageError } from '../core/errors.js';
import { processIO, writeLine, type CliIO } from './cli-io.js';
import { registerDigestCommand } from './digest-command.js';
import { registerDeployCommandsCommand } from './deploy-commands-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerBenchCommand } from './bench-command.js';
import { registerClassifyCommand } from './classify-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerFeedsCommand } from './feeds-command.js';
import { registerFetchCommand } from './fetch-command.js';
import { registerStartCommand } from './start-command.js';
import { registerStatusCommand } from './status-command.js';
import { VERSION } from '../core/version.js';

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
  registerStartCommand(program, io);
  registerFetchCommand(program, io);
  registerFeedsCommand(program, io);
  registerStatusCommand(program, io);
  registerClassifyCommand(program, io);
  registerEvalCommand(program, io);
  registerDigestCommand(program, io);
  registerDeployCommandsCommand(program, io);
  registerDemoCommand(program, io);
  registerBenchCommand(program, io);

  try {
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
    if (readEnvironment(io.env).debug) writeLine(io.stderr, error instanceof Error ? (error.stack ?? '') : '');
    return 1;
  }
}
