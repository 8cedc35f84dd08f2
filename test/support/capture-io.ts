import { Writable } from 'node:stream';
import type { CliIO } from '../../src/cli/cli-io.js';

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/** A CliIO whose stdout and stderr are strings the test can read. */
export function captureIO(env: NodeJS.ProcessEnv): CliIO & { out: () => string; err: () => string } {
  const stdout = new Collector();
  const stderr = new Collector();
  return { stdout, stderr, env: { LOG_LEVEL: 'silent', ...env }, out: () => stdout.text, err: () => stderr.text };
}

/** One line of the JSON logger, parsed. */
export interface LogLine {
  msg: string;
  time: number;
  level: number;
  ref?: string;
  [key: string]: unknown;
}

/** A destination for the JSON logger, and the log lines written to it so far, parsed. */
export function captureLogLines(): { destination: Writable; logs: () => LogLine[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { destination, logs: () => lines.map((line) => JSON.parse(line) as LogLine) };
}
