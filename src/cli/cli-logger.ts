import { readEnvironment } from '../config/environment.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { CliIO } from './cli-io.js';

/** Logs go to stderr so stdout carries only the command's result (tables, JSON). */
export function cliLogger(io: CliIO, defaultLevel: string): Logger {
  const level = readEnvironment(io.env).logLevel ?? defaultLevel;
  if (io.stderr === process.stderr) return createLogger({ level });
  return createLogger({ level, pretty: false, destination: io.stderr });
}
