import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs for machines; readable lines when a person watches the terminal.
 * Secrets travel in config objects, never in log fields: the redact list is a second guard.
 */
export function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const redact = {
    // discord.js errors carry the request URL and body: interaction and webhook URLs embed tokens.
    paths: [
      'token',
      'apiKey',
      'authorization',
      '*.token',
      '*.apiKey',
      '*.authorization',
      'headers.authorization',
      'err.url',
      'err.requestBody',
      'err.rawError',
    ],
    censor: '[redacted]',
  };
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !options.destination);
  if (pretty) {
    return pino({ level, redact, transport: { target: 'pino-pretty', options: { colorize: true, destination: 2 } } });
  }
  return pino({ level, redact }, (options.destination ?? process.stderr) as pino.DestinationStream);
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
