import { DIRECTIONS, type Direction, type LensReading, type ObstacleId } from '../core/lens.js';

export interface LensGold {
  direction: Direction;
  obstacles: readonly ObstacleId[];
  actors: readonly string[];
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface LensEvalReport {
  items: number;
  direction: { perClass: Record<Direction, ClassScores>; macroF1: number; accuracy: number };
  /** Micro-averaged over every (item, obstacle) and (item, actor) pair. */
  obstacles: ClassScores;
  actors: ClassScores;
}

const f1Of = (precision: number, recall: number) => (precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall));
/** 0/0 is 1: a class never predicted and never labelled was not got wrong. */
const ratio = (hits: number, total: number) => (total === 0 ? 1 : hits / total);

function setScores(pairs: { gold: readonly string[]; predicted: readonly string[] }[]): ClassScores {
  let hits = 0;
  let predicted = 0;
  let gold = 0;
  for (const pair of pairs) {
    const wanted = new Set(pair.gold);
    hits += pair.predicted.filter((value) => wanted.has(value)).length;
    predicted += pair.predicted.length;
    gold += wanted.size;
  }
  const precision = ratio(hits, predicted);
  const recall = ratio(hits, gold);
  return { precision, recall, f1: f1Of(precision, recall), support: gold };
}

/**
 * Scores lens readings against labels: per direction class precision, recall and F1, their macro
 * average over the four classes, and micro-F1 for obstacles and actors. An item with no reading
 * (off-topic to the classifier) counts as direction `none` with no obstacles and no actors.
 */
export function evaluateLens(cases: { gold: LensGold; reading: LensReading | null }[]): LensEvalReport {
  const predictedOf = (reading: LensReading | null): Direction => reading?.direction ?? 'none';
  const perClass = Object.fromEntries(
    DIRECTIONS.map((direction) => {
      const tp = cases.filter((entry) => entry.gold.direction === direction && predictedOf(entry.reading) === direction).length;
      const predicted = cases.filter((entry) => predictedOf(entry.reading) === direction).length;
      const support = cases.filter((entry) => entry.gold.direction === direction).length;
      const precision = predicted === 0 ? (support === 0 ? 1 : 0) : tp / predicted;
      const recall = ratio(tp, support);
      return [direction, { precision, recall, f1: f1Of(precision, recall), support }];
    }),
  ) as Record<Direction, ClassScores>;
  const macroF1 = DIRECTIONS.reduce((sum, direction) => sum + perClass[direction].f1, 0) / DIRECTIONS.length;
  const correct = cases.filter((entry) => entry.gold.direction === predictedOf(entry.reading)).length;
  return {
    items: cases.length,
    direction: { perClass, macroF1, accuracy: ratio(correct, cases.length) },
    obstacles: setScores(cases.map((entry) => ({ gold: entry.gold.obstacles, predicted: entry.reading?.obstacles ?? [] }))),
    actors: setScores(cases.map((entry) => ({ gold: entry.gold.actors, predicted: entry.reading?.actors ?? [] }))),
  };
}
