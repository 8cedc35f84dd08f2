import { CommanderError, type Command } from 'commander';
import { createAppContext, type AppContext } from '../app-context.js';
import { loadConfig } from '../config/load-config.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { runPollCycle } from '../pipeline/run-poll-cycle.js';
import type { ClassifyReport } from '../pipeline/classify-new-items.js';
import type { FeedReport } from '../pipeline/ingest-feed.js';
import { pollFeedsJob } from '../jobs/poll-feeds-job.js';
import { startScheduler } from '../jobs/scheduler.js';
import { holdWriterLock } from '../store/hold-writer-lock.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { formatTable } from './format-table.js';
import { STOP_GRACE_MS, stopSignal } from './stop-signal.js';

export function registerFetchCommand(program: Command, io: CliIO): void {
  program
    .command('fetch')
    .description('poll the due feeds: once with --once, else on the polling schedule until stopped')
    .option('--once', 'poll once and exit')
    .option('--all', 'poll every enabled feed, ignoring next-due times')
    .option('--json', 'print one JSON object instead of a table (with --once)')
    .action(async (options: { once?: boolean; all?: boolean; json?: boolean }) => {
      const config = loadConfig(io.env);
      if (!options.once) {
        const logger = cliLogger(io, 'info');
        const writer = await holdWriterLock(config.database, 'fetch', logger);
        try {
          await pollUntilStopped(await createAppContext(config, logger));
        } finally {
          await writer.release();
        }
        return;
      }
      const ctx = await createAppContext(config, cliLogger(io, 'warn'));
      try {
        const { feeds, classified } = await runPollCycle(ctx, { all: options.all === true });
        writeLine(io.stdout, options.json ? JSON.stringify(fetchJson(feeds)) : fetchTable(feeds, classified));
        // A feed's own faults are its publisher's business; ours (a locked or broken database) must fail the command.
        const internal = feeds.filter((report) => report.errorKind === 'internal').length;
        if (internal > 0) {
          const message = `fetch: ${internal} feed(s) failed for an internal reason (see the log); their failure is recorded on the feed`;
          writeLine(io.stderr, `sancocho: ${message}`);
          throw new CommanderError(1, 'sancocho.fetch-internal-error', message);
        }
      } finally {
        await ctx.close();
      }
    });
}

async function pollUntilStopped(ctx: AppContext): Promise<void> {
  const signal = stopSignal();
  try {
    const scheduler = startScheduler([pollFeedsJob(ctx)], ctx.logger);
    void scheduler.runNow('poll-feeds');
    await signal.received;
    // What is still in flight after the grace is cut short, so the process stops within Docker's grace.
    const cutShort = setTimeout(() => ctx.cancelInFlight(), STOP_GRACE_MS);
    await scheduler.stop();
    clearTimeout(cutShort);
  } finally {
    signal.dispose();
    await ctx.close();
  }
}

/** The documented `--json` shape: one object, one entry per polled feed. */
export function fetchJson(reports: FeedReport[]) {
  return {
    feeds: reports.map((report) => ({
      url: redactCredentials(report.url),
      status: report.status,
      http: report.http,
      new: report.new,
      updated: report.updated,
      duplicate: report.duplicate,
      bytes: report.bytes,
      ms: report.ms,
      ...(report.error === undefined ? {} : { error: redactCredentials(report.error) }),
    })),
  };
}

export function fetchTable(reports: FeedReport[], classified: ClassifyReport): string {
  if (reports.length === 0) return 'No feed is due. Use --all to poll every feed now.';
  const table = formatTable(reports, [
    { header: 'feed', value: (r) => r.name, maxWidth: 36 },
    { header: 'status', value: (r) => r.status },
    { header: 'http', value: (r) => r.http ?? '-', align: 'right' },
    { header: 'new', value: (r) => r.new, align: 'right' },
    { header: 'updated', value: (r) => r.updated, align: 'right' },
    { header: 'dup', value: (r) => r.duplicate, align: 'right' },
    { header: 'bytes', value: (r) => r.bytes, align: 'right' },
    { header: 'ms', value: (r) => r.ms, align: 'right' },
    { header: 'error', value: (r) => redactCredentials(r.error ?? ''), maxWidth: 60 },
  ]);
  const errors = reports.filter((r) => r.status === 'error').length;
  const fresh = reports.reduce((total, r) => total + r.new, 0);
  const { offline, llm } = classified.bySource;
  return `${table}\n\n${reports.length} feeds polled, ${fresh} new items, ${errors} errors; ${classified.classified} items classified (offline ${offline}, llm ${llm}).`;
}
