import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/run-bench.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIO } from '../support/capture-io.js';
import { TEST_DATABASE_URL } from '../support/postgres-test-schema.js';

describe('sancocho bench --quick --json', () => {
  // One run for every expectation below: with the test server's URL when there is one, so PostgreSQL's figures come with SQLite's.
  let report: BenchReport;
  beforeAll(async () => {
    const io = captureIO({});
    const postgres = TEST_DATABASE_URL ? ['--postgres', TEST_DATABASE_URL] : [];
    expect(await runCli(['bench', '--quick', '--json', ...postgres], io)).toBe(0);
    report = JSON.parse(io.out()) as BenchReport;
  }, 120_000);

  it('measures every figure and prints one JSON object of sane values', () => {

    expect(report.machine).toMatchObject({ quick: true, cpus: expect.any(Number), node: process.version });
    expect(report.parse.map((figure) => `${figure.format}:${figure.items}`)).toEqual([
      'rss:20', 'rss:100', 'rss:1000', 'atom:20', 'atom:100', 'atom:1000',
    ]);
    for (const figure of report.parse) {
      expect(figure.bytes).toBeGreaterThan(figure.items * 500);
      expect(figure.itemsPerSecond).toBeGreaterThan(0);
      expect(figure.mbPerSecond).toBeGreaterThan(0);
      expect(figure.fastXmlParser.itemsPerSecond).toBeGreaterThan(0);
      expect(figure.ratio).toBeGreaterThan(0);
      expect(figure.cpuRatio).toBeGreaterThan(0);
    }

    const { poll } = report;
    expect(poll).toMatchObject({ latencyMs: 50, concurrency: 8, perHostConcurrency: 2 });
    expect(poll.idealMs).toBe((poll.latencyMs * poll.feeds) / poll.concurrency);
    // No cycle can beat waiting for the network.
    expect(poll.wallMs).toBeGreaterThanOrEqual(poll.idealMs * 0.9);
    // An unchanged feed costs a 304: no body, no parse.
    expect(poll.repoll).toMatchObject({ notModified: poll.feeds, bodyBytes: 0, parseCalls: 0 });
    // A feed's CPU split between parsing and the store's transaction, which holds the two store calls.
    expect(poll.perFeed.parseMs).toBeGreaterThan(0);
    expect(poll.perFeed.storeMs).toBeGreaterThanOrEqual(poll.perFeed.saveFeedItemsMs);
    expect(poll.perFeed.saveFeedItemsMs).toBeGreaterThan(0);

    expect(report.classify.itemsPerSecond).toBeGreaterThan(100);
    expect(report.classify.onTopicShare).toBeGreaterThan(0.3);

    expect(report.search).toHaveLength(1);
    const [search] = report.search;
    expect(search?.queries).toBeGreaterThan(0);
    expect(search?.sameAnswers).toBe(true);
    for (const latency of [search?.plain, search?.filtered, search?.fullScan.plain, search?.fullScan.filtered]) {
      expect(latency?.p50Ms).toBeGreaterThan(0);
      expect(latency?.p95Ms).toBeGreaterThanOrEqual(latency?.p50Ms ?? Infinity);
      expect(latency?.cpuP95Ms).toBeGreaterThanOrEqual(latency?.cpuP50Ms ?? Infinity);
    }

    expect(report.memory.peakRssMB).toBeGreaterThanOrEqual(report.memory.rssBeforeMB);
    expect(report.startup.rows.map((row) => row.command)).toEqual(['node -e 0', 'sancocho --help', 'sancocho feeds']);

    const { llm } = report;
    expect(llm).toMatchObject({ batch: 20, requests: 1, estimate: 'characters / 4' });
    expect(llm.inputTokens).toBe(Math.ceil(llm.promptChars / 4));
    // Each item's text plus its share of the fixed instructions.
    expect(llm.inputTokensPerItem).toBeGreaterThan(llm.itemChars / 4);
    expect(llm.systemTokens).toBeGreaterThan(100);

    const { alerts } = report;
    expect(alerts).toMatchObject({ stories: 100, items: 250, runs: 5 });
    expect(alerts.alerts).toBeGreaterThan(0);
    expect(alerts.p95Ms).toBeGreaterThanOrEqual(alerts.p50Ms);
    expect(alerts.latency.stories).toBe(100);
    expect(alerts.latency.p95Ms).toBeGreaterThanOrEqual(alerts.latency.p50Ms);
    expect(alerts.latency.p95Ms).toBeLessThan(5_000);
    expect(alerts.latency.replay.rate).toBeLessThanOrEqual(1 / 20);
    expect(poll.perFeed.insertItemsPerSecond).toBeGreaterThan(0);
    expect(poll.perFeed.groupedStoreMs).toBeGreaterThan(0);
  });

  it('measures only the figures --only names, as JSON, and refuses a name it does not know, exit 2', async () => {
    const io = captureIO({});
    expect(await runCli(['bench', '--quick', '--only', 'alerts,llm'], io)).toBe(0);
    const some = JSON.parse(io.out()) as Partial<BenchReport>;
    expect(Object.keys(some).sort()).toEqual(['alerts', 'llm', 'machine', 'postgres', 'seconds']);
    expect(some.alerts?.runs).toBe(5);

    const wrong = captureIO({});
    expect(await runCli(['bench', '--quick', '--only', 'poll,speed'], wrong)).toBe(2);
    expect(wrong.err()).toContain('bench: --only speed: not a figure (parse, poll, classify, llm, search, alerts, startup)');
  }, 60_000);

  it('times the start-up of --help and feeds, each a new process, beside node -e 0, with its peak RSS', async () => {
    // About a second: one unmeasured and one measured run of each command.
    const io = captureIO({});
    expect(await runCli(['bench', '--quick', '--only', 'startup'], io)).toBe(0);
    const { startup } = JSON.parse(io.out()) as Pick<BenchReport, 'startup'>;
    expect(startup.runs).toBe(1);
    expect(startup.rows.map((row) => row.command)).toEqual(['node -e 0', 'sancocho --help', 'sancocho feeds']);
    const [node, help, feeds] = startup.rows;
    for (const row of startup.rows) {
      expect(row.wallMs).toBeGreaterThan(0);
      expect(row.cpuMs).toBeGreaterThan(0);
      // No Node process runs in less; the figure is the child's own, not this test process's.
      expect(row.peakRssMB).toBeGreaterThan(10);
      expect(row.peakRssMB).toBeLessThan(1000);
    }
    // feeds opens the sample configuration's store: more than the help, which is more than nothing.
    expect(feeds!.peakRssMB).toBeGreaterThan(help!.peakRssMB);
    expect(help!.peakRssMB).toBeGreaterThanOrEqual(node!.peakRssMB);
  }, 60_000);

  it('refuses a --postgres that is not a postgres:// URL before measuring anything, exit 2', async () => {
    const io = captureIO({});
    expect(await runCli(['bench', '--quick', '--postgres', 'mysql://u:secret@db.example/x'], io)).toBe(2);
    expect(io.err()).toContain('bench: --postgres mysql://u:***@db.example/x: not a postgres:// URL');
    expect(io.out()).toBe('');
  });

  it('takes the server from SANCOCHO_BENCH_DATABASE_URL when --postgres is not given', async () => {
    const io = captureIO({ SANCOCHO_BENCH_DATABASE_URL: 'https://db.example/x' });
    expect(await runCli(['bench', '--quick'], io)).toBe(2);
    expect(io.err()).toContain('bench: --postgres https://db.example/x: not a postgres:// URL');
  });

  it.runIf(!TEST_DATABASE_URL)('says the PostgreSQL figures were not run without a server', () => {
    expect(report.postgres).toEqual({ kind: 'not-run', reason: 'give --postgres URL' });
  });

  it.runIf(TEST_DATABASE_URL)('measures the same poll cycle, insert rate and search on PostgreSQL, in schemas it drops', async () => {
    if (report.postgres.kind !== 'measured') throw new Error(`PostgreSQL not measured: ${report.postgres.reason}`);
    const { poll, search } = report.postgres;
    expect(poll).toMatchObject({ feeds: report.poll.feeds, itemsPerFeed: report.poll.itemsPerFeed, idealMs: report.poll.idealMs });
    expect(poll.wallMs).toBeGreaterThanOrEqual(poll.idealMs * 0.9);
    expect(poll.repoll).toMatchObject({ notModified: poll.feeds, bodyBytes: 0, parseCalls: 0 });
    expect(poll.perFeed.storeMs).toBeGreaterThanOrEqual(poll.perFeed.saveFeedItemsMs);
    expect(poll.perFeed.insertItemsPerSecond).toBeGreaterThan(0);

    expect(search.map((figure) => figure.items)).toEqual(report.search.map((figure) => figure.items));
    for (const figure of search) {
      expect(figure.queries).toBe(report.search[0]?.queries);
      expect(figure.sameAnswers).toBe(true);
      for (const latency of [figure.plain, figure.filtered, figure.fullScan.plain, figure.fullScan.filtered]) {
        expect(latency.p50Ms).toBeGreaterThan(0);
        expect(latency.p95Ms).toBeGreaterThanOrEqual(latency.p50Ms);
      }
    }

    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sancocho\\_bench\\_${process.pid}\\_%'`);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
