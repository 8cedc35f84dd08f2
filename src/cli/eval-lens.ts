import { z } from 'zod';
import { createOfflineClassifier } from '../classify/offline-classifier.js';
import { loadLens } from '../classify/lens-config.js';
import { evaluateLens, type ClassScores, type LensEvalReport } from '../classify/lens-eval.js';
import { createLensReader } from '../classify/lens-reader.js';
import { loadThemes } from '../classify/themes-config.js';
import { DIRECTIONS, OBSTACLE_IDS, type LensReading } from '../core/lens.js';
import type { Logger } from '../core/logger.js';
import { LANGUAGES } from '../core/types.js';
import { formatTable } from './format-table.js';
import { pickClassifier, toClassifiable } from './pick-classifier.js';
import { readJsonl } from './read-jsonl.js';

/** A line of a lens-labelled file (test/fixtures/eval/lens-*.jsonl). */
const lensLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string(),
  summary: z.string().nullish().transform((value) => value ?? ''),
  lang: z.enum(LANGUAGES).optional(),
  direction: z.enum(DIRECTIONS),
  obstacles: z.array(z.enum(OBSTACLE_IDS)),
  actors: z.array(z.string()),
});

type LensLine = z.output<typeof lensLine>;

const WORST = 10;

export interface LensEvalRun {
  lines: LensLine[];
  readings: (LensReading | null)[];
  report: LensEvalReport;
  /** With the LLM: how many readings came from the model, and how many were read offline (cache, fallback, no answer). */
  sources?: { llm: number; offline: number };
}

/**
 * Reads every file's items as the bot would: the offline classifier gives the themes (an item it
 * finds off-topic gets no reading), then the offline lens reads the on-topic ones.
 */
export function runLensEval(files: readonly string[]): LensEvalRun {
  const lines = files.flatMap((file) => readJsonl(file, lensLine));
  const classifier = createOfflineClassifier(loadThemes());
  const reader = createLensReader(loadLens());
  const readings = lines.map((line) => {
    const input = { title: line.title, summary: line.summary, ...(line.lang ? { lang: line.lang } : {}) };
    return reader.read({ ...input, themes: classifier.classify(input).themes });
  });
  const report = evaluateLens(lines.map((line, index) => ({ gold: line, reading: readings[index]! })));
  return { lines, readings, report };
}

/**
 * The same files through the configured LLM classifier, as the pipeline labels items: themes and lens
 * fields from one batched call, an ungrounded direction read offline. Uses the bot's database (cache, budget).
 */
export async function runLensEvalWithLlm(files: readonly string[], env: NodeJS.ProcessEnv, logger: Logger): Promise<LensEvalRun> {
  const lines = files.flatMap((file) => readJsonl(file, lensLine));
  const classifier = await pickClassifier('llm', env, logger, { lens: true });
  try {
    const labels = await classifier.label(toClassifiable(lines));
    const readings = labels.map((label) => label.lens ?? null);
    const report = evaluateLens(lines.map((line, index) => ({ gold: line, reading: readings[index]! })));
    const llm = readings.filter((reading) => reading?.source === 'llm').length;
    return { lines, readings, report, sources: { llm, offline: readings.filter((reading) => reading !== null).length - llm } };
  } finally {
    await classifier.close();
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const rounded = (scores: ClassScores) => ({ precision: round(scores.precision), recall: round(scores.recall), f1: round(scores.f1), support: scores.support });

/** The `eval --lens --json` shape. */
export function lensEvalJson(run: LensEvalRun) {
  const { report } = run;
  return {
    items: report.items,
    direction: {
      macroF1: round(report.direction.macroF1),
      accuracy: round(report.direction.accuracy),
      perClass: Object.fromEntries(DIRECTIONS.map((direction) => [direction, rounded(report.direction.perClass[direction])])),
    },
    obstacles: rounded(report.obstacles),
    actors: rounded(report.actors),
    ...(run.sources ? { sources: run.sources } : {}),
  };
}

export function lensEvalText(run: LensEvalRun): string {
  const { report } = run;
  const table = formatTable(
    DIRECTIONS.map((direction) => ({ direction, ...report.direction.perClass[direction] })),
    [
      { header: 'direction', value: (row) => row.direction },
      { header: 'precision', value: (row) => row.precision.toFixed(3), align: 'right' },
      { header: 'recall', value: (row) => row.recall.toFixed(3), align: 'right' },
      { header: 'f1', value: (row) => row.f1.toFixed(3), align: 'right' },
      { header: 'support', value: (row) => row.support, align: 'right' },
    ],
  );
  const micro = (name: string, scores: ClassScores) =>
    `${name} micro-F1: ${scores.f1.toFixed(3)} (precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)}, ${scores.support} labelled)`;
  const mistakes = run.lines.flatMap((line, index) => {
    const reading = run.readings[index]!;
    const predicted = reading?.direction ?? 'none';
    if (predicted === line.direction) return [];
    const evidence = reading === null ? 'no reading: off-topic to the classifier' : reading.evidence.filter((entry) => !entry.startsWith('actor ')).join('; ') || 'none';
    return [`  ${line.direction} → ${predicted}  ${line.id}  ${line.title}\n      evidence: ${evidence}`];
  });
  return [
    table,
    '',
    `items: ${report.items}`,
    `direction macro-F1: ${report.direction.macroF1.toFixed(3)} (accuracy ${report.direction.accuracy.toFixed(3)})`,
    micro('obstacles', report.obstacles),
    micro('actors', report.actors),
    ...(run.sources ? [`readings: ${run.sources.llm} by the LLM, ${run.sources.offline} offline (cached text, no answer, or a direction not grounded)`] : []),
    '',
    `direction mistakes (labelled → read), first ${WORST} of ${mistakes.length}:`,
    ...(mistakes.length > 0 ? mistakes.slice(0, WORST) : ['  none']),
  ].join('\n');
}
