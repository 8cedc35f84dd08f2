import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/run-bench.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIO } from '../support/capture-io.js';

describe('sancocho bench --quick --json', () => {
  it('measures every figure and prints one JSON object of sane values', async () => {
    const io = captureIO({});
    expect(await runCli(['bench', '--quick', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as BenchReport;

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
    }

    expect(report.memory.peakRssMB).toBeGreaterThanOrEqual(report.memory.rssBeforeMB);

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
  }, 60_000);
});
