import type { Command } from 'commander';
import { createAppContext } from '../app-context.js';
import { loadConfig } from '../config/load-config.js';
import { runPollCycle } from '../pipeline/run-poll-cycle.js';
import type { ClassifyReport } from '../pipeline/classify-new-items.js';
import type { FeedReport } from '../pipeline/ingest-feed.js';
import { pollFeedsJob } from '../jobs/poll-feeds-job.js';
import { startScheduler } from '../jobs/scheduler.js';
import { cliLogger, writeLine, type CliIO } from './cli-io.js';
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
      const ctx = createAppContext(config, cliLogger(io, options.once ? 'warn' : 'info'));
      try {
        if (!options.once) {
          const signal = stopSignal();
          try {
            const scheduler = startScheduler([pollFeedsJob(ctx)], ctx.logger);
            void scheduler.runNow('poll-feeds');
            await signal.received;
            const cutShort = setTimeout(() => ctx.cancelInFlight(), STOP_GRACE_MS);
            await scheduler.stop();
            clearTimeout(cutShort);
          } finally {
            signal.dispose();
          }
          return;
        }
        const { feeds, classified } = await runPollCycle(ctx, { all: options.all === true });
        writeLine(io.stdout, options.json ? JSON.stringify(fetchJson(feeds)) : fetchTable(feeds, classified));
      } finally {
        await ctx.close();
      }
    });
}

/** The documented `--json` shape: one object, one entry per polled feed. */
export function fetchJson(reports: FeedReport[]) {
  return {
    feeds: reports.map((report) => ({
      url: report.url,
      status: report.status,
      http: report.http,
      new: report.new,
      updated: report.updated,
      duplicate: report.duplicate,
      bytes: report.bytes,
      ms: report.ms,
      ...(report.error === undefined ? {} : { error: report.error }),
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
    { header: 'error', value: (r) => r.error ?? '', maxWidth: 60 },
  ]);
  const errors = reports.filter((r) => r.status === 'error').length;
  const fresh = reports.reduce((total, r) => total + r.new, 0);
  const { offline, llm } = classified.bySource;
  return `${table}\n\n${reports.length} feeds polled, ${fresh} new items, ${errors} errors; ${classified.classified} items classified (offline ${offline}, llm ${llm}).`;
}
