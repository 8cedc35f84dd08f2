import { pino, type Logger, type LoggerOptions } from 'pino';
import { redactCredentials } from './redact-credentials.js';

export type { Logger };

/**
 * JSON logs for machines; readable lines when a person watches the terminal.
 * Secrets travel in config objects, never in log fields: the redact list is a second guard. A feed
 * URL may carry a password (`https://user:pw@host/`): every message, top-level field, error and
 * `feed` or `url` binding passes through redactCredentials on its way out.
 */
export function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? 'info';
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
  const base: LoggerOptions = { level, redact, ...credentialRedaction };
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, destination: 2 } } });
  }
  return pino(base, (options.destination ?? process.stderr) as pino.DestinationStream);
}

const credentialRedaction: Pick<LoggerOptions, 'hooks' | 'formatters' | 'serializers'> = {
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? redactCredentials(arg) : arg)) as Parameters<typeof method>);
    },
  },
  formatters: { log: redactStringFields },
  // pino gives child bindings only to serializers, so the keys that carry feed URLs have one.
  serializers: {
    feed: redactIfString,
    url: redactIfString,
    err(error: unknown) {
      if (!(error instanceof Error)) return redactIfString(error);
      const serialized = pino.stdSerializers.err(error);
      return { ...serialized, message: redactIfString(serialized.message), stack: redactIfString(serialized.stack) };
    },
  },
};

function redactIfString(value: unknown): unknown {
  return typeof value === 'string' ? redactCredentials(value) : value;
}

function redactStringFields(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, redactIfString(value)]));
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
