import os from 'node:os';
import { redactCredentials } from '../core/redact-credentials.js';
import type { AlertLatencyFigure } from './alert-latency-bench.js';
import type { ReplayFeed } from './alerts-replay.js';
import type { AlertDecisionFigure } from './alerts-bench.js';
import type { ClassifyFigure } from './classify-bench.js';
import type { LlmCostFigure } from './llm-cost-bench.js';
import type { ParseFigure } from './parse-bench.js';
import type { MemoryFigure, PollFigure } from './poll-bench.js';
import type { PgSearchFigure } from './pg-search-bench.js';
import type { SearchFigure } from './search-bench.js';
import type { StartupFigure } from './startup-bench.js';

/** The PostgreSQL figures beside SQLite's: measured in the same run on a server the user named, or why not. */
export type PostgresFigures =
  | { kind: 'not-run'; reason: string }
  | {
      kind: 'measured';
      /** The server's URL, password hidden. */
      server: string;
      /** The same poll cycle into a fresh schema (memory is SQLite's figure only). */
      poll: PollFigure;
      search: PgSearchFigure[];
    };

export interface BenchReport {
  machine: { node: string; platform: string; cpus: number; cpuModel: string; quick: boolean };
  parse: ParseFigure[];
  poll: PollFigure;
  classify: ClassifyFigure;
  search: SearchFigure[];
  memory: MemoryFigure;
  /** `sancocho --help` and `sancocho feeds` started from nothing, beside `node -e 0`. */
  startup: StartupFigure;
  llm: LlmCostFigure;
  /** The decision alone, and end to end through the store and the outbox to a loopback webhook peer. */
  alerts: AlertDecisionFigure & { latency: AlertLatencyFigure };
  postgres: PostgresFigures;
  seconds: number;
}

/** Sizes and repetitions: the full run stays within about 5 minutes on 2 shared cores; quick within seconds. */
const PLANS = {
  full: {
    parse: { sizes: [20, 100, 1000], runs: 5, minMs: 200 },
    poll: { feeds: 500, hosts: 50, itemsPerFeed: 20, latencyMs: 50, runs: 3 },
    classify: { items: 2000, runs: 5, minMs: 500 },
    search: { sizes: [100_000, 1_000_000], repetitions: 5 },
    llm: { batch: 20 },
    alerts: { stories: 100, runs: 30 },
    startup: { runs: 5 },
  },
  quick: {
    parse: { sizes: [20, 100, 1000], runs: 1, minMs: 50 },
    poll: { feeds: 100, hosts: 10, itemsPerFeed: 20, latencyMs: 50, runs: 1 },
    classify: { items: 500, runs: 1, minMs: 200 },
    search: { sizes: [20_000], repetitions: 1 },
    llm: { batch: 20 },
    alerts: { stories: 100, runs: 5 },
    startup: { runs: 1 },
  },
};

/** The figures `--only` can pick; `poll` brings memory (measured during the poll cycles). */
export const BENCH_FIGURES = ['parse', 'poll', 'classify', 'llm', 'search', 'alerts', 'startup'] as const;
export type BenchFigure = (typeof BENCH_FIGURES)[number];

export interface BenchOptions {
  quick: boolean;
  /** The bench's own environment: the start-up figure's children get its PATH. */
  env: NodeJS.ProcessEnv;
  postgresUrl?: string | undefined;
  progress?: (line: string) => void;
  /** Feed documents the alert rate is measured on (the CLI gives the demo's sample feeds). */
  alertReplayFeeds?: () => Promise<readonly ReplayFeed[]>;
}

/**
 * Every figure of `sancocho bench`, measured in one process, one after the other. The poll cycle
 * goes first so its memory figure is not inflated by the search store's page cache, and each
 * figure's code is loaded only when its turn comes, so the poll cycle's memory holds what a poll needs.
 * PostgreSQL's figures come last, so `pg` and the server's load touch none of SQLite's.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const report = await runBenchFigures(BENCH_FIGURES, options);
  const { parse, poll, classify, search, memory, startup, llm, alerts } = report;
  if (!parse || !poll || !classify || !search || !memory || !startup || !llm || !alerts) throw new Error('run-bench: a figure was not measured');
  return { ...report, parse, poll, classify, search, memory, startup, llm, alerts };
}

/**
 * The figures in `only`, in the order runBench measures them (a figure alone is quicker to repeat
 * while working on it); PostgreSQL's figures come with `postgresUrl` when both poll and search are picked.
 */
export async function runBenchFigures(
  only: readonly BenchFigure[],
  options: BenchOptions,
): Promise<Partial<BenchReport> & Pick<BenchReport, 'machine' | 'postgres' | 'seconds'>> {
  const plan = options.quick ? PLANS.quick : PLANS.full;
  const progress = options.progress ?? (() => undefined);
  const picked = (figure: BenchFigure) => only.includes(figure);
  const started = performance.now();
  const report: Partial<BenchReport> = {};
  // First, while nothing of the bench's own work is left running or cached in this process's children.
  if (picked('startup')) {
    progress(`bench: start-up of sancocho --help and sancocho feeds, ${plan.startup.runs} runs each`);
    const { startupBench } = await import('./startup-bench.js');
    report.startup = await startupBench({ ...plan.startup, parentEnv: options.env });
  }
  if (picked('poll')) {
    progress(`bench: poll cycle, ${plan.poll.feeds} feeds with ${plan.poll.latencyMs} ms latency`);
    const { pollBench } = await import('./poll-bench.js');
    Object.assign(report, await pollBench(plan.poll));
  }
  if (picked('parse')) {
    progress(`bench: parse, ${plan.parse.sizes.join('/')} items, RSS and Atom`);
    const { parseBench } = await import('./parse-bench.js');
    report.parse = await parseBench(plan.parse);
  }
  if (picked('classify')) {
    progress('bench: offline classification');
    const { classifyBench } = await import('./classify-bench.js');
    report.classify = classifyBench(plan.classify);
  }
  if (picked('llm')) {
    progress(`bench: LLM prompt size, a batch of ${plan.llm.batch}`);
    const { llmCostBench } = await import('./llm-cost-bench.js');
    report.llm = await llmCostBench(plan.llm);
  }
  if (picked('search')) {
    progress(`bench: search at ${plan.search.sizes.map((size) => size.toLocaleString('en')).join(' and ')} items (building the store takes most of it)`);
    const { searchBench } = await import('./search-bench.js');
    report.search = await searchBench(plan.search);
  }
  if (picked('alerts')) {
    progress(`bench: alert decision, ${plan.alerts.stories} stories`);
    const { alertDecisionBench } = await import('./alerts-bench.js');
    const decision = alertDecisionBench(plan.alerts);
    progress(`bench: alert latency, ${plan.alerts.stories} stories through the outbox to a loopback webhook`);
    const { alertLatencyBench } = await import('./alert-latency-bench.js');
    report.alerts = { ...decision, latency: await alertLatencyBench({ stories: plan.alerts.stories, replayFeeds: (await options.alertReplayFeeds?.()) ?? [] }) };
  }
  const postgres =
    options.postgresUrl === undefined
      ? NOT_RUN
      : picked('poll') && picked('search')
        ? await postgresBench(plan, options.postgresUrl, progress)
        : ({ kind: 'not-run', reason: 'PostgreSQL is measured with both poll and search' } as const);
  const cpus = os.cpus();
  return {
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', quick: options.quick },
    ...report,
    postgres,
    seconds: Math.round((performance.now() - started) / 1000),
  };
}

const NOT_RUN: PostgresFigures = { kind: 'not-run', reason: 'give --postgres URL' };

/** The poll cycle and search figures again, on fresh schemas of the bench's own on the server at `url`. */
async function postgresBench(plan: (typeof PLANS)['full'], url: string, progress: (line: string) => void): Promise<PostgresFigures> {
  const server = redactCredentials(url);
  progress(`bench: PostgreSQL (${server}): poll cycle, ${plan.poll.feeds} feeds`);
  const { pollBench } = await import('./poll-bench.js');
  const { poll } = await pollBench({ ...plan.poll, postgresUrl: url });
  progress(`bench: PostgreSQL: search at ${plan.search.sizes.map((size) => size.toLocaleString('en')).join(' and ')} items`);
  const { pgSearchBench } = await import('./pg-search-bench.js');
  const search = await pgSearchBench({ ...plan.search, postgresUrl: url });
  return { kind: 'measured', server, poll, search };
}
