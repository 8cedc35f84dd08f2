import type { Command } from 'commander';
import { BENCH_FIGURES, runBench, runBenchFigures, type BenchFigure, type BenchReport } from '../bench/run-bench.js';
import { FILTERED } from '../bench/search-filter.js';
import { databaseProblem, databaseTarget } from '../config/database-target.js';
import { readEnvironment } from '../config/environment.js';
import { UsageError } from '../core/errors.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { demoReplayFeeds } from './demo-replay-feeds.js';
import { writeLine, type CliIO } from './cli-io.js';
import { formatTable } from './format-table.js';

export function registerBenchCommand(program: Command, io: CliIO): void {
  program
    .command('bench')
    .description('measure parsing, a poll cycle, classification, search, memory, start-up and LLM prompt size on this machine (about 5 minutes; --quick: seconds)')
    .option('--quick', 'smaller sizes and single runs: a smoke test, not figures to quote')
    .option('--postgres <url>', 'also measure a PostgreSQL server, in schemas the bench creates and drops (or SANCOCHO_BENCH_DATABASE_URL)')
    .option('--json', 'print one JSON object')
    .option('--only <figures>', `measure only these, comma-separated (${BENCH_FIGURES.join(', ')}); prints JSON`)
    .option(
      '--scenario <name>',
      'workers: only the poll cycle of 1000 feeds by 1, 2 and 3 poller processes on PostgreSQL (about a minute); ' +
        'faults: 3 `sancocho start` workers on PostgreSQL, 200 feeds, a digest a minute to a loopback Discord, 12 kill -9s mid-poll, mid-digest and mid-send (about 4 minutes)',
    )
    .option('--workers <n>', 'faults: worker processes (default 3)')
    .option('--feeds <n>', 'faults: loopback feeds (default 200)')
    .option('--kills <n>', 'faults: kill -9s (default 12)')
    .option('--seconds <n>', 'faults: seconds from the workers\' start the chaos lasts at least (default 130)')
    .option('--digest-every <seconds>', 'faults: the digests\' period, 60 or a divisor of 60 (default 60)')
    .action(async (options: BenchCommandOptions) => {
      const postgresUrl = options.postgres ?? readEnvironment(io.env).benchDatabaseUrl;
      if (postgresUrl !== undefined) {
        const problem = databaseTarget(postgresUrl).kind === 'postgres' ? databaseProblem(postgresUrl) : 'not a postgres:// URL';
        if (problem !== null) throw new UsageError(`bench: --postgres ${redactCredentials(postgresUrl)}: ${problem}`);
      }
      if (options.scenario !== undefined && options.scenario !== 'workers' && options.scenario !== 'faults') {
        throw new UsageError(`bench: --scenario must be workers or faults (got "${options.scenario}")`);
      }
      if (options.scenario === 'faults') {
        await benchFaults(io, options, postgresUrl);
        return;
      }
      if (options.scenario === 'workers') {
        await benchWorkers(io, { quick: options.quick === true, json: options.json === true, postgresUrl });
        return;
      }
      const only = options.only === undefined ? undefined : pickedFigures(options.only);
      const run = { quick: options.quick === true, postgresUrl, env: io.env, progress: (line: string) => writeLine(io.stderr, line), alertReplayFeeds: demoReplayFeeds };
      if (only !== undefined) {
        writeLine(io.stdout, JSON.stringify(await runBenchFigures(only, run)));
        return;
      }
      const report = await runBench(run);
      writeLine(io.stdout, options.json ? JSON.stringify(report) : benchText(report));
    });
}

interface BenchCommandOptions {
  quick?: boolean;
  json?: boolean;
  postgres?: string;
  only?: string;
  scenario?: string;
  workers?: string;
  feeds?: string;
  kills?: string;
  seconds?: string;
  digestEvery?: string;
}

/** A whole number option in [min, max], or its default. */
function count(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`bench: --${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return number;
}

/** The fault scenario (issue 16 §2): its counts, as JSON or a few lines. */
async function benchFaults(io: CliIO, options: BenchCommandOptions, postgresUrl: string | undefined): Promise<void> {
  const digestEverySeconds = count('digest-every', options.digestEvery, 60, 5, 60);
  if (60 % digestEverySeconds !== 0) throw new UsageError(`bench: --digest-every must divide 60 (got ${digestEverySeconds})`);
  const sizes = {
    workers: count('workers', options.workers, 3, 1, 8),
    feeds: count('feeds', options.feeds, 200, 1, 999),
    kills: count('kills', options.kills, 12, 0, 100),
    chaosSeconds: count('seconds', options.seconds, 130, 1, 3600),
  };
  if (postgresUrl === undefined) {
    writeLine(io.stdout, 'bench: faults: skipped; it needs a PostgreSQL server (--postgres <url> or SANCOCHO_BENCH_DATABASE_URL)');
    return;
  }
  const { faultsBench } = await import('../bench/faults-bench.js');
  const small = digestEverySeconds < 60;
  const figure = await faultsBench({
    postgresUrl,
    parentEnv: io.env,
    ...sizes,
    digestEverySeconds,
    pollEverySeconds: small ? 2 : 5,
    newStoryEverySeconds: small ? 3 : 10,
    feedLeaseSeconds: small ? 3 : 15,
    partLeaseSeconds: small ? 3 : 6,
    feedLatencyMs: 800,
    progress: (line) => writeLine(io.stderr, line),
  });
  if (options.json) {
    writeLine(io.stdout, JSON.stringify(figure));
    return;
  }
  const { kills, items, feedRequests: requests, parts } = figure;
  writeLine(
    io.stdout,
    [
      `Faults: ${figure.workers} workers on one PostgreSQL schema, ${figure.feeds} feeds, ${figure.seconds} s; ${kills.total} kill -9s: ${kills.poll} mid-poll, ${kills.digest} mid-digest, ${kills.send} mid-send`,
      `  items: ${items.stored} stored of ${items.expected} served, ${items.duplicates} duplicates, ${items.missing} missing`,
      `  feed requests: ${requests.total}, at most ${requests.maxPerInterval} per feed per interval; ${requests.early} early (${requests.earlyAfterLeaseExpiry} after a lease expired, ${requests.earlyAfterKill} after a kill)`,
      `  digest parts: ${parts.posted} posted of ${parts.expected} in ${parts.digests} digests, ${parts.duplicates} duplicates, ${parts.lost} lost (${parts.messagePosts} message POSTs)`,
      `  settled: final round ${figure.settled.finalRound ? 'done' : 'NOT done'}, all sent ${figure.settled.allSent ? 'yes' : 'NO'}, exits ${figure.settled.exits.join(' ')}`,
    ].join('\n'),
  );
}

/** Poller processes share one schema's due feeds: 1000 feeds (100 with --quick) answering after 200 ms. */
async function benchWorkers(io: CliIO, options: { quick: boolean; json: boolean; postgresUrl: string | undefined }): Promise<void> {
  if (options.postgresUrl === undefined) {
    writeLine(io.stdout, 'bench: workers: skipped; it needs a PostgreSQL server (--postgres <url> or SANCOCHO_BENCH_DATABASE_URL)');
    return;
  }
  const { workersBench } = await import('../bench/workers-bench.js');
  const figure = await workersBench({
    postgresUrl: options.postgresUrl,
    feeds: options.quick ? 100 : 1000,
    hosts: 50,
    itemsPerFeed: 5,
    latencyMs: 200,
    pollers: [1, 2, 3],
    progress: (line) => writeLine(io.stderr, line),
  });
  if (options.json) {
    writeLine(io.stdout, JSON.stringify(figure));
    return;
  }
  writeLine(
    io.stdout,
    [
      `Workers: one poll cycle of ${figure.feeds} feeds × ${figure.itemsPerFeed} items on ${figure.hosts} loopback hosts, ${figure.latencyMs} ms latency, default polling settings, each poller a process of its own on one PostgreSQL schema:`,
      formatTable(figure.runs, [
        { header: 'pollers', value: (r) => r.pollers, align: 'right' },
        { header: 'wall ms', value: (r) => r.wallMs, align: 'right' },
        { header: 'speed-up', value: (r) => `${r.speedup}×`, align: 'right' },
        { header: 'feeds per poller', value: (r) => r.polledBy.join(' + '), align: 'right' },
        { header: 'requests', value: (r) => r.requests, align: 'right' },
        { header: 'errors', value: (r) => r.errors, align: 'right' },
      ]),
    ].join('\n'),
  );
}

function pickedFigures(list: string): BenchFigure[] {
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(BENCH_FIGURES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`bench: --only ${unknown.join(', ')}: not a figure (${BENCH_FIGURES.join(', ')})`);
  return names as BenchFigure[];
}

export function benchText(report: BenchReport): string {
  const { machine, poll, classify, memory, llm, alerts } = report;
  const parse = formatTable(report.parse, [
    { header: 'format', value: (r) => r.format },
    { header: 'items', value: (r) => r.items, align: 'right' },
    { header: 'KB', value: (r) => Math.round(r.bytes / 1000), align: 'right' },
    { header: 'items/s', value: (r) => r.itemsPerSecond, align: 'right' },
    { header: 'MB/s', value: (r) => r.mbPerSecond, align: 'right' },
    { header: 'fxp items/s', value: (r) => r.fastXmlParser.itemsPerSecond, align: 'right' },
    { header: 'fxp MB/s', value: (r) => r.fastXmlParser.mbPerSecond, align: 'right' },
    { header: '× fxp time', value: (r) => r.ratio, align: 'right' },
    { header: '× fxp CPU', value: (r) => r.cpuRatio, align: 'right' },
  ]);
  const search = formatTable(report.search, [
    { header: 'items', value: (r) => r.items.toLocaleString('en'), align: 'right' },
    { header: 'p50 ms', value: (r) => r.plain.p50Ms, align: 'right' },
    { header: 'p95 ms', value: (r) => r.plain.p95Ms, align: 'right' },
    { header: 'filtered p50', value: (r) => r.filtered.p50Ms, align: 'right' },
    { header: 'filtered p95', value: (r) => r.filtered.p95Ms, align: 'right' },
    { header: 'CPU p95', value: (r) => r.plain.cpuP95Ms, align: 'right' },
    { header: 'filtered CPU p95', value: (r) => r.filtered.cpuP95Ms, align: 'right' },
    { header: 'full p50', value: (r) => r.fullScan.plain.p50Ms, align: 'right' },
    { header: 'full p95', value: (r) => r.fullScan.plain.p95Ms, align: 'right' },
    { header: 'full filtered p95', value: (r) => r.fullScan.filtered.p95Ms, align: 'right' },
    { header: 'same top 10', value: (r) => (r.sameAnswers ? 'yes' : 'NO'), align: 'right' },
    { header: 'queries', value: (r) => r.queries, align: 'right' },
    { header: 'load s', value: (r) => r.loadSeconds, align: 'right' },
  ]);
  return [
    `Sancocho bench${machine.quick ? ' (quick: not figures to quote)' : ''} — Node ${machine.node}, ${machine.platform}, ${machine.cpus} × ${machine.cpuModel}; ${report.seconds} s`,
    '',
    '1. Parse (decode + parse + normalize) vs raw fast-xml-parser on the same bytes, medians:',
    parse,
    '',
    `2. Poll cycle: ${poll.feeds} feeds × ${poll.itemsPerFeed} items on ${poll.hosts} loopback hosts, ${poll.latencyMs} ms latency, concurrency ${poll.concurrency} (${poll.perHostConcurrency} per host):`,
    `   first cycle ${poll.wallMs} ms; ideal ${poll.idealMs} ms (latency × feeds / concurrency); ratio ${poll.ratioToIdeal}`,
    `   re-poll, unchanged: ${poll.repoll.wallMs} ms (ratio ${poll.repoll.ratioToIdeal}), ${poll.repoll.notModified} × 304, ${poll.repoll.bodyBytes} body bytes, ${poll.repoll.parseCalls} parse calls`,
    `   per new feed, replayed step by step: parse ${poll.perFeed.parseMs} ms; store ${poll.perFeed.storeMs} ms (saveFeedItems ${poll.perFeed.saveFeedItemsMs}, recordPoll ${poll.perFeed.recordPollMs}, the rest BEGIN/COMMIT); ${poll.perFeed.groupedStoreMs} ms with up to 16 feeds a transaction`,
    '',
    `3. Offline classification: ${classify.itemsPerSecond} items/s on one core (${classify.items} items, ${Math.round(classify.onTopicShare * 100)} % on a theme)`,
    '',
    `4. Search (FTS5, bm25 × recency, top 10), progressive vs the full scan, filtered = theme ${FILTERED.theme}, last ${FILTERED.days} days:`,
    search,
    '',
    `5. Memory: RSS ${memory.rssBeforeMB} MB before the poll cycles, peak ${memory.peakRssMB} MB during them (${memory.peakMethod === 'kernel' ? "the kernel's high-water mark" : 'sampled every 20 ms'}; node flags: ${memory.nodeFlags.join(' ') || 'none'})`,
    `   Start-up, a new process each time, medians of ${report.startup.runs}:`,
    formatTable(report.startup.rows, [
      { header: 'command', value: (r) => r.command },
      { header: 'wall ms', value: (r) => r.wallMs, align: 'right' },
      { header: 'CPU ms', value: (r) => r.cpuMs, align: 'right' },
      { header: 'peak RSS MB', value: (r) => r.peakRssMB, align: 'right' },
    ]),
    '',
    `6. LLM prompt: a batch of ${llm.batch} items (${llm.itemChars} characters each on average) = ${llm.inputTokens} input tokens, ${llm.inputTokensPerItem} per item`,
    `   (${llm.systemTokens} of them the fixed instructions; plus ${llm.responseFormatTokens} for the JSON schema; ${llm.requests} request; tokens estimated as ${llm.estimate})`,
    '',
    `7. Alert decision per poll cycle: ${alerts.stories} stories (${alerts.items} items) clustered, decided, paced and rendered: p50 ${alerts.p50Ms} ms, p95 ${alerts.p95Ms} ms over ${alerts.runs} runs (${alerts.alerts} alerts)`,
    `   Alert latency, decision to the POST at a loopback webhook peer through the store and the outbox: p50 ${alerts.latency.p50Ms} ms, p95 ${alerts.latency.p95Ms} ms over ${alerts.latency.stories} stories;`,
    `   the demo feeds replayed with the default settings: ${alerts.latency.replay.alerts} alert in ${alerts.latency.replay.onTopicStories} on-topic stories (rate ${alerts.latency.replay.rate})`,
    '',
    `8. SQLite beside PostgreSQL${report.postgres.kind === 'measured' ? ` (${report.postgres.server}, fresh schemas of the bench's own)` : ''}, the same work in the same run:`,
    engineTable(report),
  ].join('\n');
}

/** One row per figure, SQLite's column and PostgreSQL's. */
function engineTable(report: BenchReport): string {
  const { poll, postgres } = report;
  const pg = postgres.kind === 'measured' ? postgres : undefined;
  const notRun = `not run (${postgres.kind === 'not-run' ? postgres.reason : ''})`;
  const rows: { figure: string; sqlite: string | number; postgres: string | number }[] = [
    { figure: `poll cycle into a fresh database, ms (${poll.feeds} feeds)`, sqlite: poll.wallMs, postgres: pg?.poll.wallMs ?? notRun },
    { figure: 're-poll, unchanged, ms', sqlite: poll.repoll.wallMs, postgres: pg?.poll.repoll.wallMs ?? notRun },
    { figure: "a new feed's store transaction, ms", sqlite: poll.perFeed.storeMs, postgres: pg?.poll.perFeed.storeMs ?? notRun },
    { figure: 'insert rate, items/s (saveFeedItems)', sqlite: poll.perFeed.insertItemsPerSecond, postgres: pg?.poll.perFeed.insertItemsPerSecond ?? notRun },
  ];
  for (const search of report.search) {
    const other = pg?.search.find((figure) => figure.items === search.items);
    const size = search.items.toLocaleString('en');
    rows.push(
      { figure: `search p50 / p95 ms at ${size}`, sqlite: `${search.plain.p50Ms} / ${search.plain.p95Ms}`, postgres: other ? `${other.plain.p50Ms} / ${other.plain.p95Ms}` : notRun },
      {
        figure: `filtered p50 / p95 ms at ${size}`,
        sqlite: `${search.filtered.p50Ms} / ${search.filtered.p95Ms}`,
        postgres: other ? `${other.filtered.p50Ms} / ${other.filtered.p95Ms}` : notRun,
      },
      {
        figure: `full scan p50 / p95 ms at ${size}`,
        sqlite: `${search.fullScan.plain.p50Ms} / ${search.fullScan.plain.p95Ms}`,
        postgres: other ? `${other.fullScan.plain.p50Ms} / ${other.fullScan.plain.p95Ms}` : notRun,
      },
      {
        figure: `full scan filtered p50 / p95 ms at ${size}`,
        sqlite: `${search.fullScan.filtered.p50Ms} / ${search.fullScan.filtered.p95Ms}`,
        postgres: other ? `${other.fullScan.filtered.p50Ms} / ${other.fullScan.filtered.p95Ms}` : notRun,
      },
      { figure: `same top 10 as the full scan at ${size}`, sqlite: search.sameAnswers ? 'yes' : 'NO', postgres: other ? (other.sameAnswers ? 'yes' : 'NO') : notRun },
      { figure: `store filled in, s, at ${size}`, sqlite: search.loadSeconds, postgres: other?.loadSeconds ?? notRun },
    );
  }
  return formatTable(rows, [
    { header: 'figure', value: (r) => r.figure },
    { header: 'SQLite', value: (r) => r.sqlite, align: 'right' },
    { header: 'PostgreSQL', value: (r) => r.postgres, align: 'right' },
  ]);
}
