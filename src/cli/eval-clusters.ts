import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ClassifiableItem } from '../classify/item-classifier.js';
import { clusterStories, compareItems } from '../digest/cluster-stories.js';
import { evaluateClusters, type ClusterEvalReport } from '../digest/cluster-metrics.js';
import type { DigestItem } from '../digest/digest-types.js';
import { withConfirmedMerges } from '../digest/load-digest-items.js';
import type { MergeDecision } from '../core/classification.js';
import { LANGUAGES } from '../core/types.js';
import { readJsonl } from './read-jsonl.js';

/** A line of a labelled clustering file: an item and the event it reports (null: a story of its own). */
const clusterLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string(),
  summary: z.string().nullish().transform((value) => value ?? ''),
  lang: z.enum(LANGUAGES),
  source: z.string().nullish().transform((value) => value ?? ''),
  url: z.string().nullish().transform((value) => value ?? null),
  /** ISO date or date-time; empty when the outlet gave none. */
  published: z.string().nullish().transform((value) => value ?? ''),
  event: z.string().nullable(),
});

type ClusterLine = z.output<typeof clusterLine>;

/** Clustering of a small file takes microseconds: repeat it this long for a stable rate. */
const MIN_TIMING_MS = 300;
const WORST = 10;

export interface ClusterEvalRun {
  lines: ClusterLine[];
  items: DigestItem[];
  /** Per item, the id of the story it was put in. */
  storyOf: string[];
  report: ClusterEvalReport;
  itemsPerSecond: number;
  /** The LLM's verdicts on uncertain pairs that clustering used, when it was asked. */
  decisions?: { pairs: number; same: number };
}

/** The file's items as the classifier sees them, to let an LLM settle the uncertain pairs among them. */
export function clusterFileItems(file: string): ClassifiableItem[] {
  const lines = readJsonl(file, clusterLine);
  return readClusterItems(lines).map((item, index) => ({
    id: item.id,
    contentHash: item.contentHash,
    title: item.title,
    summary: (lines[index] as ClusterLine).summary,
    language: item.language,
    publishedAt: item.publishedAt,
  }));
}

/**
 * Clusters the whole file as one window, as a weekly digest would, and scores it against the
 * labels; `decisions` are an LLM's verdicts on uncertain pairs, used as a digest uses them.
 */
export function runClusterEval(file: string, decisions?: readonly MergeDecision[]): ClusterEvalRun {
  const lines = readJsonl(file, clusterLine);
  const items = decisions ? withConfirmedMerges(readClusterItems(lines), decisions) : readClusterItems(lines);
  const stories = clusterStories(items);
  const storyOf = new Array<string>(items.length);
  for (const story of stories) for (const item of story.items) storyOf[item.id] = story.id;
  const report = evaluateClusters(
    lines.map((line) => line.event),
    storyOf,
  );
  let clustered = 0;
  const started = performance.now();
  while (items.length > 0 && performance.now() - started < MIN_TIMING_MS) {
    clusterStories(items);
    clustered += items.length;
  }
  const seconds = (performance.now() - started) / 1000;
  const run = { lines, items, storyOf, report, itemsPerSecond: Math.round(clustered / Math.max(seconds, 1e-9)) };
  return decisions ? { ...run, decisions: { pairs: decisions.length, same: decisions.filter((decision) => decision.same).length } } : run;
}

function readClusterItems(lines: ClusterLine[]): DigestItem[] {
  return lines.map((line, index) => ({
    id: index,
    title: line.title,
    url: line.url,
    outlet: line.source,
    language: line.lang,
    // An undated item has an unknown time gap (NaN), not a large one.
    publishedAt: line.published === '' ? Number.NaN : Date.parse(line.published),
    // Clustering never reads it: the whole file is one window.
    reachedAt: 0,
    themes: {},
    // As the pipeline hashes a text, so an LLM's verdicts on it are found again in its database.
    contentHash: createHash('sha256').update(`${line.title}\n${line.summary}`).digest('hex'),
  }));
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** The documented `--clusters --json` shape. */
export function clusterEvalJson({ report, decisions }: ClusterEvalRun) {
  const figures = (f: { precision: number; recall: number; f1: number }) => ({ precision: round(f.precision), recall: round(f.recall), f1: round(f.f1) });
  const json = { items: report.items, events: report.events, pairs: figures(report.pairs), bcubed: figures(report.bcubed) };
  return decisions ? { ...json, llmPairs: decisions } : json;
}

/** Figures, then the merges and splits that cost the most: the closest false merges never looked alike, the worst splits did. */
export function clusterEvalText(run: ClusterEvalRun): string {
  const { report, lines, items } = run;
  const similarity = ([i, j]: [number, number]) => compareItems(items[i]!, items[j]!).similarity;
  const describe = ([i, j]: [number, number]) => {
    const a = lines[i]!;
    const b = lines[j]!;
    return `  ${similarity([i, j]).toFixed(2)}  ${a.id} [${a.lang}] ${a.title}\n        ${b.id} [${b.lang}] ${b.title}`;
  };
  const worst = (pairs: [number, number][], order: 1 | -1) =>
    pairs
      .map((pair) => ({ pair, score: similarity(pair) }))
      .sort((a, b) => order * (b.score - a.score) || a.pair[0] - b.pair[0] || a.pair[1] - b.pair[1])
      .slice(0, WORST)
      .map(({ pair }) => describe(pair));
  const row = (name: string, f: { precision: number; recall: number; f1: number }) =>
    `${name.padEnd(8)} precision ${f.precision.toFixed(3)}  recall ${f.recall.toFixed(3)}  f1 ${f.f1.toFixed(3)}`;
  const merges = worst(report.falseMerges, 1);
  const splits = worst(report.falseSplits, -1);
  return [
    `items: ${report.items}, labelled events: ${report.events}, stories made: ${report.stories}`,
    row('pairs', report.pairs),
    row('b-cubed', report.bcubed),
    `items/s: ${run.itemsPerSecond}`,
    ...(run.decisions ? [`uncertain pairs the LLM settled: ${run.decisions.pairs}, the same event: ${run.decisions.same}`] : []),
    '',
    `worst false merges (different events in one story): ${report.falseMerges.length}`,
    ...(merges.length > 0 ? merges : ['  none']),
    '',
    `worst false splits (one event in several stories): ${report.falseSplits.length}`,
    ...(splits.length > 0 ? splits : ['  none']),
  ].join('\n');
}
