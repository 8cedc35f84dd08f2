import { CommanderError, type Command } from 'commander';
import { databaseProblem, databaseTarget } from '../config/database-target.js';
import { UsageError } from '../core/errors.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { migrateDatabase, type MigrationReport } from '../store/migrate-database.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { formatTable } from './format-table.js';

interface MigrateOptions {
  from: string;
  to: string;
  force?: boolean;
  json?: boolean;
}

export function registerMigrateCommand(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description('copy a SQLite database into PostgreSQL, keeping ids; copying again adds only what is new; prints the rows counted on both sides')
    .requiredOption('--from <file>', 'the SQLite database file, e.g. data/sancocho.db')
    .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user@host:5432/db')
    .option('--force', 'copy even while a running Sancocho holds the file (what it writes meanwhile is missed)')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (options: MigrateOptions) => {
      const problem =
        databaseTarget(options.to).kind === 'postgres'
          ? databaseProblem(options.to)
          : 'not a postgres:// URL; give the PostgreSQL database to copy into, e.g. postgres://user@host:5432/sancocho';
      if (problem !== null) throw new UsageError(`migrate: --to ${redactCredentials(options.to)}: ${problem}`);
      const report = await migrateDatabase({ from: options.from, to: options.to, force: options.force === true }, cliLogger(io, 'info'));
      const mismatched = report.tables.filter((table) => table.sqlite !== table.postgres);
      writeLine(io.stdout, options.json ? JSON.stringify(migrationJson(report)) : describeMigration(report));
      if (mismatched.length > 0) {
        throw new CommanderError(1, 'sancocho.migrate-mismatch', `counts differ in ${mismatched.map((table) => table.table).join(', ')}`);
      }
    });
}

function totals(report: MigrationReport): { read: number; copied: number; rowsPerSecond: number } {
  const read = report.tables.reduce((sum, table) => sum + table.sqlite, 0);
  const copied = report.tables.reduce((sum, table) => sum + table.copied, 0);
  return { read, copied, rowsPerSecond: report.seconds > 0 ? Math.round(read / report.seconds) : 0 };
}

export function migrationJson(report: MigrationReport) {
  const tables = report.tables.map((table) => ({ ...table, ok: table.sqlite === table.postgres }));
  return { ...report, ...totals(report), ok: tables.every((table) => table.ok), tables };
}

/** The counts table between one sentence on what was copied and one on what the counts show. */
export function describeMigration(report: MigrationReport): string {
  const { read, copied, rowsPerSecond } = totals(report);
  const seconds = report.seconds.toFixed(1);
  const headline =
    copied === 0
      ? `Nothing new to copy: all ${read} rows of ${report.from} were already in ${report.to} (checked in ${seconds} s).`
      : `Copied ${copied} rows of ${read} from ${report.from} into ${report.to} in ${seconds} s (${rowsPerSecond} rows/s read).`;
  const notes = [
    ...(report.upgradedFrom === null ? [] : [`(${report.from} was at schema version ${report.upgradedFrom} and was upgraded first.)`]),
    ...(report.liveWriter === undefined ? [] : ['(Copied beside a running Sancocho, --force: stop it and copy again for what it wrote since.)']),
  ];
  const table = formatTable(report.tables, [
    { header: 'table', value: (row) => row.table },
    { header: 'sqlite', value: (row) => row.sqlite, align: 'right' },
    { header: 'postgres', value: (row) => row.postgres, align: 'right' },
    { header: 'copied now', value: (row) => row.copied, align: 'right' },
    { header: 'check', value: (row) => (row.sqlite === row.postgres ? 'ok' : 'MISMATCH') },
  ]);
  const mismatched = report.tables.filter((row) => row.sqlite !== row.postgres).map((row) => row.table);
  const verdict =
    mismatched.length === 0
      ? 'Every table holds as many rows in PostgreSQL as in the file.'
      : `MISMATCH in ${mismatched.join(', ')}: PostgreSQL holds another number of rows than the file ` +
        '(it held other rows before the copy, or something wrote to it since); look before switching to it.';
  return [headline, ...notes, table, verdict].join('\n');
}
