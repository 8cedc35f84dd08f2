/** Where the store lives: an embedded SQLite file, or a PostgreSQL server. */
export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `postgres://…` (or `postgresql://…`) is a server; anything else is a SQLite file path. */
export function databaseTarget(database: string): DatabaseTarget {
  return POSTGRES_URL.test(database) ? { kind: 'postgres', url: database } : { kind: 'sqlite', file: database };
}

/**
 * Why `database` cannot name a store, or null when it can: a URL of another scheme (a typo, or an
 * engine Sancocho does not speak) would otherwise become a file of that name.
 */
export function databaseProblem(database: string): string | null {
  if (POSTGRES_URL.test(database)) {
    return URL.canParse(database) ? null : 'not a valid postgres:// URL, e.g. postgres://user@host:5432/db';
  }
  return ANY_URL.test(database) ? 'a URL must be postgres:// (PostgreSQL); anything else is a SQLite file path' : null;
}
