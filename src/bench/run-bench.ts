import os from 'node:os';
import { classifyBench, type ClassifyFigure } from './classify-bench.js';
import { llmCostBench, type LlmCostFigure } from './llm-cost-bench.js';
import { parseBench, type ParseFigure } from './parse-bench.js';
import { pollBench, type MemoryFigure, type PollFigure } from './poll-bench.js';
import { searchBench, type SearchFigure } from './search-bench.js';

export interface BenchReport {
  machine: { node: string; platform: string; cpus: number; cpuModel: string; quick: boolean };
  parse: ParseFigure[];
  poll: PollFigure;
  classify: ClassifyFigure;
  search: SearchFigure[];
  memory: MemoryFigure;
  llm: LlmCostFigure;
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
  },
  quick: {
    parse: { sizes: [20, 100, 1000], runs: 1, minMs: 50 },
    poll: { feeds: 100, hosts: 10, itemsPerFeed: 20, latencyMs: 50, runs: 1 },
    classify: { items: 500, runs: 1, minMs: 200 },
    search: { sizes: [20_000], repetitions: 1 },
    llm: { batch: 20 },
  },
};

/**
 * Every figure of `sancocho bench`, measured in one process, one after the other. The poll cycle
 * goes first so its memory figure is not inflated by the search store's page cache.
 */
export async function runBench(options: { quick: boolean; progress?: (line: string) => void }): Promise<BenchReport> {
  const plan = options.quick ? PLANS.quick : PLANS.full;
  const progress = options.progress ?? (() => undefined);
  const started = performance.now();
  progress(`bench: poll cycle, ${plan.poll.feeds} feeds with ${plan.poll.latencyMs} ms latency`);
  const { poll, memory } = await pollBench(plan.poll);
  progress(`bench: parse, ${plan.parse.sizes.join('/')} items, RSS and Atom`);
  const parse = await parseBench(plan.parse);
  progress('bench: offline classification');
  const classify = classifyBench(plan.classify);
  progress(`bench: LLM prompt size, a batch of ${plan.llm.batch}`);
  const llm = await llmCostBench(plan.llm);
  progress(`bench: search at ${plan.search.sizes.map((size) => size.toLocaleString('en')).join(' and ')} items (building the store takes most of it)`);
  const search = await searchBench(plan.search);
  const cpus = os.cpus();
  return {
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', quick: options.quick },
    parse,
    poll,
    classify,
    search,
    memory,
    llm,
    seconds: Math.round((performance.now() - started) / 1000),
  };
}
