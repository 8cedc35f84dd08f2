import type { Command } from 'commander';
import { crossValidateThresholds, type FoldsReport } from '../classify/eval-folds.js';
import { loadThemes } from '../classify/themes-config.js';
import { confusionReport, type ConfusionCase, type ConfusionReport } from '../classify/eval-confusion.js';
import { evaluate, type EvalReport } from '../classify/eval-metrics.js';
import type { ClassifiableItem } from '../classify/item-classifier.js';
import { UsageError } from '../core/errors.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { clusterEvalJson, clusterEvalText, clusterFileItems, runClusterEval } from './eval-clusters.js';
import { lensEvalJson, lensEvalText, runLensEval, runLensEvalWithLlm } from './eval-lens.js';
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
        'story clustering on a file labelled with events (--clusters), or the offline lens on files labelled with directions (--lens)',
    )
    .option('--input <files...>', 'JSON Lines files of items with "themes" (several are scored as one set)')
    .option('--folds <k>', 'with --input: K-fold cross-validation of the thresholds, learned on K-1 folds, scored on the held-out one')
    .option('--clusters <file>', 'JSON Lines file of items with "event": pairwise and B-cubed precision, recall and F1')
    .option('--lens <files...>', 'JSON Lines files of items with "direction", "obstacles", "actors": the lens (offline, or the LLM\'s with --classifier llm), per-class and macro F1 for direction, micro-F1 for obstacles and actors')
    .option('--classifier <kind>', 'offline or llm (with --clusters: the LLM also settles the uncertain story pairs)', 'offline')
    .option('--json', 'print one JSON object')
    .action(async (options: { input?: string[]; clusters?: string; lens?: string[]; folds?: string; classifier: string; json?: boolean }) => {
      if ([options.input, options.clusters, options.lens].filter((option) => option !== undefined).length !== 1) {
        throw new UsageError('eval needs exactly one of --input (themes), --clusters (stories) and --lens (direction, obstacles, actors)');
      }
      if (options.lens !== undefined) {
        if (options.classifier !== 'offline' && options.classifier !== 'llm') throw new UsageError(`--classifier must be offline or llm, not "${options.classifier}"`);
        const run = options.classifier === 'llm' ? await runLensEvalWithLlm(options.lens, io.env, cliLogger(io, 'warn')) : runLensEval(options.lens);
        writeLine(io.stdout, options.json ? JSON.stringify(lensEvalJson(run)) : lensEvalText(run));
        return;
      }
      if (options.clusters !== undefined) {
        const run = options.classifier === 'offline' ? runClusterEval(options.clusters) : await clusterEvalWithLlm(options.clusters, options.classifier, io);
        writeLine(io.stdout, options.json ? JSON.stringify(clusterEvalJson(run)) : clusterEvalText(run));
        return;
      }
      const folds = options.folds === undefined ? undefined : Number(options.folds);
      if (folds !== undefined && (!Number.isInteger(folds) || folds < 2)) throw new UsageError(`--folds must be a whole number of at least 2, not "${options.folds}"`);
      if (folds !== undefined && options.classifier !== 'offline') throw new UsageError('--folds cross-validates the offline classifier\'s thresholds: use it with --classifier offline');
      const items = options.input!.flatMap((file) => readJsonl(file, labelledLine));
      const classifier = await pickClassifier(options.classifier, io.env, cliLogger(io, 'warn'));
      try {
        const { results, itemsPerSecond } = await timedRun(classifier, toClassifiable(items), options.classifier === 'offline');
        const report = evaluate(items.map((item, index) => ({ gold: item.themes, predicted: results[index]?.themes ?? [] })));
        if (folds !== undefined) {
          const thresholds = Object.fromEntries(loadThemes().themes.map((theme) => [theme.id, theme.threshold])) as Record<ThemeId, number>;
          const scored = items.map((item, index) => ({ gold: item.themes, scores: results[index]!.scores }));
          const cv = crossValidateThresholds(scored, Math.min(folds, items.length), thresholds);
          writeLine(io.stdout, options.json ? JSON.stringify(foldsJson(cv)) : foldsText(cv));
        } else if (options.json) writeLine(io.stdout, JSON.stringify(evalJson(report, itemsPerSecond)));
        else {
          const confusion = confusionReport(items.map((item, index) => ({ ...item, gold: item.themes, result: results[index]! })));
          writeLine(io.stdout, `${evalTable(report, itemsPerSecond)}\n\n${confusionText(confusion)}`);
        }
      } finally {
        await classifier.close();
      }
    });
}

/**
 * The configured LLM labels the file's items and, in the same calls, settles the story pairs
 * clustering is unsure of; clustering then uses its verdicts, as a digest would.
 */
async function clusterEvalWithLlm(file: string, kind: string, io: CliIO) {
  const classifier = await pickClassifier(kind, io.env, cliLogger(io, 'warn'), { settlePairs: true });
  try {
    const items = clusterFileItems(file);
    await classifier.classify(items);
    return runClusterEval(file, await classifier.mergeDecisions(items.map((item) => item.contentHash)));
  } finally {
    await classifier.close();
  }
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

/** The `--folds --json` shape. */
export function foldsJson(cv: FoldsReport) {
  return {
    folds: cv.folds,
    configuredMacroF1: round(cv.configuredMacroF1),
    heldOutMacroF1: round(cv.heldOutMacroF1),
    perFold: cv.perFold.map((fold) => ({ items: fold.items, configuredMacroF1: round(fold.configuredMacroF1), learnedMacroF1: round(fold.learnedMacroF1) })),
    learnedThresholds: cv.learned,
  };
}

export function foldsText(cv: FoldsReport): string {
  const table = formatTable(
    cv.perFold.map((fold, index) => ({ fold: index + 1, ...fold })),
    [
      { header: 'fold', value: (row) => row.fold, align: 'right' },
      { header: 'items', value: (row) => row.items, align: 'right' },
      { header: 'configured', value: (row) => row.configuredMacroF1.toFixed(3), align: 'right' },
      { header: 'learned', value: (row) => row.learnedMacroF1.toFixed(3), align: 'right' },
    ],
  );
  const thresholds = THEME_IDS.map((theme) => `  ${theme.padEnd(21)} ${cv.learned[theme].map((value) => value.toFixed(2)).join(' ')}`);
  return [
    `${cv.folds}-fold cross-validation of the theme thresholds (macro-F1 per held-out fold)`,
    table,
    '',
    `configured thresholds, all items: macro-F1 ${cv.configuredMacroF1.toFixed(3)}`,
    `learned thresholds, held out:     macro-F1 ${cv.heldOutMacroF1.toFixed(3)}`,
    '',
    'thresholds learned per fold:',
    ...thresholds,
  ].join('\n');
}
