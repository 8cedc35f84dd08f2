/**
 * Errors that reach a person. Expected failures inside the pipeline are values, not exceptions;
 * these classes are for the edges (bad configuration, bad command-line input) where we stop
 * with a clear message instead of a stack trace.
 */

/** A configuration file or environment variable is missing, unreadable or invalid. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The database file cannot be used: its path is a directory or under a file, it is not a SQLite
 * database, it cannot be written, or another long-running Sancocho holds it.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Sancocho is stopping: work in flight gives up and is left to be done again at the next start. */
export class StoppingError extends Error {
  override readonly name = 'StoppingError';
  constructor(message = 'sancocho is stopping', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The user asked for something the command cannot do (bad flag value, unknown schedule…). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
