import type { Command } from 'commander';
import { openStoreContext } from '../store-context.js';
import { loadConfig } from '../config/load-config.js';
import { redactCredentials } from '../core/redact-credentials.js';
import type { FeedRow } from '../core/feed.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { formatTable, relativeTime } from './format-table.js';

export function registerFeedsCommand(program: Command, io: CliIO): void {
  program
    .command('feeds')
    .description('list the feeds with their health')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (options: { json?: boolean }) => {
      const ctx = await openStoreContext(loadConfig(io.env), cliLogger(io, 'warn'));
      try {
        const rows = [];
        for (const feed of await ctx.store.feeds.list()) {
          rows.push({
            ...feed,
            url: redactCredentials(feed.url),
            lastErrorMessage: feed.lastErrorMessage === null ? null : redactCredentials(feed.lastErrorMessage),
            items: await ctx.store.items.countForFeed(feed.id),
          });
        }
        writeLine(io.stdout, options.json ? JSON.stringify({ feeds: rows }) : feedsTable(rows, Date.now()));
      } finally {
        await ctx.close();
      }
    });
}

export function feedsTable(rows: (FeedRow & { items: number })[], now: number): string {
  if (rows.length === 0) return 'No feeds configured. Add some under `feeds:` in config/sancocho.yaml.';
  return formatTable(rows, [
    { header: 'feed', value: (r) => r.name, maxWidth: 36 },
    { header: 'lang', value: (r) => r.language ?? 'auto' },
    { header: 'status', value: (r) => r.status },
    { header: 'items', value: (r) => r.items, align: 'right' },
    { header: 'last success', value: (r) => relativeTime(r.lastSuccessAt, now) },
    { header: 'errors', value: (r) => r.consecutiveErrors, align: 'right' },
    { header: 'next poll', value: (r) => (r.status === 'disabled' ? '-' : relativeTime(Math.max(r.nextDueAt, now), now)) },
    { header: 'last error', value: (r) => (r.lastErrorKind ? `${r.lastErrorKind}: ${r.lastErrorMessage ?? ''}` : ''), maxWidth: 60 },
  ]);
}
