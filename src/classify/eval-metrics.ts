import { THEME_IDS, type ThemeId } from '../core/themes.js';

/**
 * Multi-label evaluation over the nine themes. Pure: label sets in, figures out.
 *
 * Off-topic items (an empty gold set) have no positives, so they never add true positives or misses;
 * every theme predicted for one is a false positive of that theme. How well the classifier keeps
 * off-topic items empty is reported separately in `offTopic`.
 *
 * Ratios with a zero denominator: precision is 1 when nothing was predicted (nothing predicted wrongly),
 * recall is 1 when there was nothing to find, and F1 = 2·TP / (2·TP + FP + FN) is 1 when the theme was
 * neither present nor predicted — so a theme absent from the set and never predicted does not drag
 * macro-F1 down, and one absent but predicted scores 0.
 */

export interface LabelledPrediction {
  gold: readonly ThemeId[];
  predicted: readonly ThemeId[];
}

export interface ThemeMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Items whose gold labels include the theme. */
  support: number;
  /** Items the classifier gave the theme. */
  predicted: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface EvalReport {
  items: number;
  perTheme: Record<ThemeId, ThemeMetrics>;
  /** Mean of the nine per-theme F1 scores, each theme weighing the same. */
  macroF1: number;
  /** F1 over the pooled (item, theme) decisions, frequent themes weighing more. */
  microPrecision: number;
  microRecall: number;
  microF1: number;
  /** Items whose predicted set equals the gold set exactly (off-topic included). */
  exactMatch: number;
  offTopic: {
    /** Items with an empty gold set. */
    support: number;
    /** Items the classifier left empty. */
    predicted: number;
    /** Share of all items where "off-topic or not" was decided right. */
    accuracy: number;
    /** Of the items left empty, the share that really were off-topic. */
    precision: number;
    /** Of the off-topic items, the share left empty. */
    recall: number;
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

export function evaluate(pairs: readonly LabelledPrediction[]): EvalReport {
  const perTheme = {} as Record<ThemeId, ThemeMetrics>;
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  for (const theme of THEME_IDS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const { gold, predicted } of pairs) {
      const inGold = gold.includes(theme);
      const inPredicted = predicted.includes(theme);
      if (inGold && inPredicted) tp++;
      else if (inPredicted) fp++;
      else if (inGold) fn++;
    }
    perTheme[theme] = {
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
      f1: ratio(2 * tp, 2 * tp + fp + fn),
      support: tp + fn,
      predicted: tp + fp,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
    };
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
  }

  let exact = 0;
  let goldEmpty = 0;
  let predictedEmpty = 0;
  let bothEmpty = 0;
  let emptinessAgrees = 0;
  for (const { gold, predicted } of pairs) {
    const goldSet = new Set(gold);
    const predictedSet = new Set(predicted);
    if (goldSet.size === predictedSet.size && [...goldSet].every((theme) => predictedSet.has(theme))) exact++;
    if (goldSet.size === 0) goldEmpty++;
    if (predictedSet.size === 0) predictedEmpty++;
    if (goldSet.size === 0 && predictedSet.size === 0) bothEmpty++;
    if ((goldSet.size === 0) === (predictedSet.size === 0)) emptinessAgrees++;
  }

  const items = pairs.length;
  return {
    items,
    perTheme,
    macroF1: THEME_IDS.reduce((sum, theme) => sum + perTheme[theme].f1, 0) / THEME_IDS.length,
    microPrecision: ratio(tpAll, tpAll + fpAll),
    microRecall: ratio(tpAll, tpAll + fnAll),
    microF1: ratio(2 * tpAll, 2 * tpAll + fpAll + fnAll),
    exactMatch: ratio(exact, items),
    offTopic: {
      support: goldEmpty,
      predicted: predictedEmpty,
      accuracy: ratio(emptinessAgrees, items),
      precision: ratio(bothEmpty, predictedEmpty),
      recall: ratio(bothEmpty, goldEmpty),
    },
  };
}
