import { readEnvironment } from '../config/environment.js';
import { createLogger, type Logger } from '../core/logger.js';

/** Where a command writes: real streams in the binary, buffers in tests. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Logs go to stderr so stdout carries only the command's result (tables, JSON). */
export function cliLogger(io: CliIO, defaultLevel: string): Logger {
  const level = readEnvironment(io.env).logLevel ?? defaultLevel;
  if (io.stderr === process.stderr) return createLogger({ level });
  return createLogger({ level, pretty: false, destination: io.stderr });
}

export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}
