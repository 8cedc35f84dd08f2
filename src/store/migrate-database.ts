import { DatabaseError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { copyToPostgres, type TableCount } from './copy-to-postgres.js';
import { openCopySource } from './open-copy-source.js';
import { openMigratedPool } from './postgres/open-postgres-store.js';
import { PG_MIGRATIONS } from './postgres/pg-migrations.js';
import { describeHolder, type WriterLockHolder } from './writer-lock.js';

/** What `sancocho migrate` did and found. */
export interface MigrationReport {
  from: string;
  /** The PostgreSQL URL without its password. */
  to: string;
  /** The file's schema version when it was older and upgraded before the copy, else null. */
  upgradedFrom: number | null;
  /** With --force: the running Sancocho the file was copied beside (null when unnamed); else absent. */
  liveWriter?: WriterLockHolder | null;
  tables: TableCount[];
  seconds: number;
}

const LATEST_PG = PG_MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Copies the SQLite store in `from` into the PostgreSQL database at `to` (see copy-to-postgres.ts):
 * the file upgraded and locked as open-copy-source.ts does, the server migrated under the same
 * advisory lock as a start. Refusals are DatabaseErrors in words, with no password in them.
 */
export async function migrateDatabase(request: { from: string; to: string; force: boolean }, log: Logger): Promise<MigrationReport> {
  const to = redactCredentials(request.to);
  const source = openCopySource(request.from, { force: request.force });
  try {
    if (source.upgradedFrom !== null) log.info(`migrate-database: ${request.from} upgraded from schema version ${source.upgradedFrom} first`);
    if (source.liveWriter !== undefined) {
      log.warn(
        `migrate-database: copying ${request.from} while ${describeHolder(source.liveWriter)} writes to it (--force): ` +
          'what it writes after the copy starts is not copied, nor are changes to rows already copied',
      );
    }
    const { pool, version } = await openMigratedPool(request.to, { max: 2 });
    try {
      if (version > LATEST_PG) {
        throw new DatabaseError(`database ${to} was migrated by a newer Sancocho (schema version ${version}; this one knows up to ${LATEST_PG}); copy with that version`);
      }
      const started = performance.now();
      const tables = await copyToPostgres(source.db, pool, {
        onTable: (table, copied) => log.info(`migrate-database: ${table} done, ${copied} new ${copied === 1 ? 'row' : 'rows'}`),
      });
      return {
        from: request.from,
        to,
        upgradedFrom: source.upgradedFrom,
        ...(source.liveWriter !== undefined ? { liveWriter: source.liveWriter } : {}),
        tables,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      await pool.end();
    }
  } finally {
    source.close();
  }
}
