import type { Command } from 'commander';
import { confusionReport, type ConfusionCase, type ConfusionReport } from '../classify/eval-confusion.js';
import { evaluate, type EvalReport } from '../classify/eval-metrics.js';
import type { ClassifiableItem } from '../classify/item-classifier.js';
import { UsageError } from '../core/errors.js';
import { THEME_IDS } from '../core/themes.js';
import { cliLogger, writeLine, type CliIO } from './cli-io.js';
import { clusterEvalJson, clusterEvalText, runClusterEval } from './eval-clusters.js';
import { formatTable } from './format-table.js';
import { pickClassifier, toClassifiable, type BatchClassifier } from './pick-classifier.js';
import { labelledLine, readJsonl } from './read-jsonl.js';

/** Offline classification of a small file takes microseconds: repeat it this long for a stable rate. */
const MIN_TIMING_MS = 300;

export function registerEvalCommand(program: Command, io: CliIO): void {
  program
    .command('eval')
    .description(
      'score a classifier on a labelled JSON Lines file (precision, recall, F1 per theme, micro and macro F1, items/s, worst mistakes), ' +
        'or story clustering on a file labelled with events (--clusters)',
    )
    .option('--input <file>', 'JSON Lines file of items with "themes"')
    .option('--clusters <file>', 'JSON Lines file of items with "event": pairwise and B-cubed precision, recall and F1')
    .option('--classifier <kind>', 'offline or llm', 'offline')
    .option('--json', 'print one JSON object')
    .action(async (options: { input?: string; clusters?: string; classifier: string; json?: boolean }) => {
      if ((options.input === undefined) === (options.clusters === undefined)) {
        throw new UsageError('eval needs either --input (themes) or --clusters (stories), not both');
      }
      if (options.clusters !== undefined) {
        const run = runClusterEval(options.clusters);
        writeLine(io.stdout, options.json ? JSON.stringify(clusterEvalJson(run)) : clusterEvalText(run));
        return;
      }
      const items = readJsonl(options.input!, labelledLine);
      const classifier = pickClassifier(options.classifier, io.env, cliLogger(io, 'warn'));
      try {
        const { results, itemsPerSecond } = await timedRun(classifier, toClassifiable(items), options.classifier === 'offline');
        const report = evaluate(items.map((item, index) => ({ gold: item.themes, predicted: results[index]?.themes ?? [] })));
        if (options.json) writeLine(io.stdout, JSON.stringify(evalJson(report, itemsPerSecond)));
        else {
          const confusion = confusionReport(items.map((item, index) => ({ ...item, gold: item.themes, result: results[index]! })));
          writeLine(io.stdout, `${evalTable(report, itemsPerSecond)}\n\n${confusionText(confusion)}`);
        }
      } finally {
        classifier.close();
      }
    });
}

/**
 * Classifies once for the figures. For the rate, the offline classifier is timed over repeated
 * warm passes (a running bot is warm; one pass over a small file is too short to time); an LLM is
 * timed over its single pass, since repeating it would be charged again or hit its cache.
 */
async function timedRun(classifier: BatchClassifier, items: ClassifiableItem[], repeat: boolean) {
  let started = performance.now();
  const results = await classifier.classify(items);
  let classified = items.length;
  if (repeat && items.length > 0) {
    started = performance.now();
    classified = 0;
    while (performance.now() - started < MIN_TIMING_MS) {
      await classifier.classify(items);
      classified += items.length;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { results, itemsPerSecond: Math.round(classified / Math.max(seconds, 1e-9)) };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** The documented `--json` shape. */
export function evalJson(report: EvalReport, itemsPerSecond: number) {
  return {
    macroF1: round(report.macroF1),
    microF1: round(report.microF1),
    perTheme: Object.fromEntries(
      THEME_IDS.map((theme) => {
        const metrics = report.perTheme[theme];
        return [theme, { precision: round(metrics.precision), recall: round(metrics.recall), f1: round(metrics.f1), support: metrics.support }];
      }),
    ),
    itemsPerSecond,
  };
}

export function evalTable(report: EvalReport, itemsPerSecond: number): string {
  const table = formatTable(
    THEME_IDS.map((theme) => ({ theme, ...report.perTheme[theme] })),
    [
      { header: 'theme', value: (row) => row.theme },
      { header: 'precision', value: (row) => row.precision.toFixed(3), align: 'right' },
      { header: 'recall', value: (row) => row.recall.toFixed(3), align: 'right' },
      { header: 'f1', value: (row) => row.f1.toFixed(3), align: 'right' },
      { header: 'support', value: (row) => row.support, align: 'right' },
    ],
  );
  return [
    table,
    '',
    `items: ${report.items} (off-topic: ${report.offTopic.support}, off-topic accuracy ${report.offTopic.accuracy.toFixed(3)})`,
    `micro-F1: ${report.microF1.toFixed(3)}`,
    `macro-F1: ${report.macroF1.toFixed(3)}`,
    `items/s: ${itemsPerSecond}`,
  ].join('\n');
}

/** The worst mistakes, one line each: theme, score, item and the evidence the classifier had. */
export function confusionText(confusion: ConfusionReport): string {
  const line = (found: ConfusionCase) =>
    `  ${found.theme} ${found.score.toFixed(3)}  ${found.id}  ${found.title}\n      evidence: ${found.evidence.join('; ') || 'none'}`;
  const section = (heading: string, cases: ConfusionCase[]) => [heading, ...(cases.length > 0 ? cases.map(line) : ['  none'])];
  return [
    ...section('worst false positives (theme given, not in the labels):', confusion.falsePositives),
    '',
    ...section('worst false negatives (theme in the labels, not given):', confusion.falseNegatives),
  ].join('\n');
}
