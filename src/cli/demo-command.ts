import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { LANGUAGES, type Language } from '../core/types.js';
import { runDemo, type DemoReport } from '../demo/run-demo.js';
import type { PollCycleReport } from '../pipeline/run-poll-cycle.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';

export function registerDemoCommand(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('one full cycle on bundled sample feeds served from 127.0.0.1 — fetch, classify, digest — and print the digest; no network, no credentials')
    .option('--language <lang>', 'language of the digest and the briefing: es, pt or en', 'es')
    .option('--briefing-dir <dir>', 'where the weekly briefing (Markdown and chart PNG) is written', path.join('data', 'digests'))
    .action(async (options: { language: string; briefingDir: string }) => {
      if (!(LANGUAGES as readonly string[]).includes(options.language)) {
        throw new UsageError(`demo: --language must be one of ${LANGUAGES.join(', ')}, not "${options.language}"`);
      }
      const report = await runDemo({ logger: cliLogger(io, 'warn'), language: options.language as Language, briefingDir: path.resolve(options.briefingDir) });
      writeLine(io.stdout, describeDemo(report));
      writeLine(io.stdout, report.markdown.trimEnd());
    });
}

export function describeDemo(report: DemoReport): string {
  const stored = (cycle: PollCycleReport) => cycle.feeds.reduce((total, feed) => total + feed.new, 0);
  const errors = report.fresh.feeds.filter((feed) => feed.status === 'error').length;
  return [
    `Sancocho demo: ${report.feeds} sample feeds (es, pt, en; RSS and Atom) served from ${report.origin}, a temporary database, the offline classifier.`,
    `1. First poll, the feeds as they were 24 h ago: ${stored(report.archive)} items stored as backlog (a new feed's archive never reaches a digest).`,
    `2. Second poll, now: ${stored(report.fresh)} new items${errors > 0 ? `, ${errors} feed errors` : ''}; ${report.fresh.classified.classified} classified.`,
    `3. Digest of the last 24 h: ${report.stories} stories in ${report.themes} themes; off-topic items (sport, weather, culture) are left out.`,
    `4. Weekly briefing over ${report.history} items of back news (twelve weeks, generated from demo/history.yaml): ${report.briefing.charted} stories in the chart; saved to ${report.briefing.markdownFile} and ${report.briefing.pngFile}.`,
    '',
  ].join('\n');
}
