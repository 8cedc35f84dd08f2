import type { Command } from 'commander';
import { describeLlmStatus, readLlmStatus, type LlmStatus } from '../classify/llm-status.js';
import { openStoreContext } from '../store-context.js';
import { loadConfig } from '../config/load-config.js';
import { readStatus, type StatusReport } from '../ops/status-report.js';
import { destinationOutcomeText, digestOutcomeText, feedOutcomeText } from '../ops/status-text.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { formatTable, relativeTime } from './format-table.js';

export function registerStatusCommand(program: Command, io: CliIO): void {
  program
    .command('status')
    .description('every feed, digest schedule and destination with its last outcome')
    .option('--json', 'print one JSON object instead of tables')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const ctx = await openStoreContext(config, cliLogger(io, 'warn'));
      try {
        const now = Date.now();
        const report = await readStatus(ctx, now);
        const llm = await readLlmStatus(ctx.store.classifications, config.llm, now);
        writeLine(io.stdout, options.json ? JSON.stringify({ ...report, llm }) : statusTables(report, llm));
      } finally {
        await ctx.close();
      }
    });
}

export function statusTables(report: StatusReport, llm: LlmStatus): string {
  const now = report.generatedAt;
  const medium = { when: (at: number) => relativeTime(at, now), quote: (text: string) => text };
  const feeds =
    report.feeds.length === 0
      ? 'No feeds configured. Add some under `feeds:` in config/sancocho.yaml.'
      : formatTable(report.feeds, [
          { header: 'feed', value: (f) => f.name, maxWidth: 36 },
          { header: 'status', value: (f) => f.status },
          { header: 'last success', value: (f) => relativeTime(f.lastSuccessAt, now) },
          { header: 'next poll', value: (f) => (f.nextPollAt === null ? '-' : f.nextPollAt <= now ? 'due now' : relativeTime(f.nextPollAt, now)) },
          { header: 'last outcome', value: (f) => feedOutcomeText(f.last, medium), maxWidth: 80 },
        ]);
  const schedules =
    report.schedules.length === 0
      ? 'No digest schedules configured (`digests:` in config/sancocho.yaml).'
      : formatTable(report.schedules, [
          { header: 'schedule', value: (s) => s.name },
          { header: 'cron', value: (s) => s.cron },
          { header: 'time zone', value: (s) => s.timezone },
          { header: 'destination', value: (s) => s.destination },
          { header: 'last digest', value: (s) => digestOutcomeText(s.last, medium), maxWidth: 100 },
        ]);
  const destinations =
    report.destinations.length === 0
      ? 'No destinations.'
      : formatTable(report.destinations, [
          { header: 'destination', value: (d) => d.label },
          { header: 'used by', value: (d) => d.usedBy.join(', '), maxWidth: 40 },
          { header: 'last outcome', value: (d) => destinationOutcomeText(d.last, medium), maxWidth: 120 },
        ]);
  return ['Feeds', feeds, '', 'Digest schedules', schedules, '', 'Destinations', destinations, '', describeLlmStatus(llm)].join('\n');
}
