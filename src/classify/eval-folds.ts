import { THEME_IDS, type ThemeId } from '../core/themes.js';
import { evaluate } from './eval-metrics.js';

/**
 * K-fold cross-validation of the one part of the offline classifier that can be learned from
 * labelled items: each theme's threshold. For every fold, thresholds are chosen on the other folds
 * (the value that maximises the theme's F1 there) and the held-out fold is labelled with them;
 * the pooled held-out figures are then set against the configured thresholds on the same items.
 * If learned thresholds do not beat the configured ones held out, tuning them to the dev sets
 * would only fit those sets. Pure; folds are assigned by position (item i is in fold i mod K), so
 * a run is repeatable.
 */

export interface ScoredLabels {
  gold: readonly ThemeId[];
  /** Every theme's score; 0 where the theme could not apply (no regional signal, a required signal missing). */
  scores: Readonly<Record<ThemeId, number>>;
}

export interface FoldsReport {
  folds: number;
  /** Macro-F1 over all items with the configured thresholds. */
  configuredMacroF1: number;
  /** Macro-F1 over all items, each labelled with thresholds learned without it. */
  heldOutMacroF1: number;
  /** Per fold: macro-F1 of that fold with configured and with learned thresholds. */
  perFold: { items: number; configuredMacroF1: number; learnedMacroF1: number }[];
  /** Per theme: the thresholds learned in each fold (how stable they are is the point). */
  learned: Record<ThemeId, number[]>;
}

/** Candidate thresholds: 0.20, 0.25, … 0.90. */
const CANDIDATES = Array.from({ length: 15 }, (_, index) => Math.round((0.2 + index * 0.05) * 100) / 100);

const assigned = (scores: Readonly<Record<ThemeId, number>>, thresholds: Readonly<Record<ThemeId, number>>): ThemeId[] =>
  THEME_IDS.filter((theme) => scores[theme] > 0 && scores[theme] >= thresholds[theme]);

function themeF1(items: readonly ScoredLabels[], theme: ThemeId, threshold: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { gold, scores } of items) {
    const predicted = scores[theme] > 0 && scores[theme] >= threshold;
    const inGold = gold.includes(theme);
    if (predicted && inGold) tp++;
    else if (predicted) fp++;
    else if (inGold) fn++;
  }
  return tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
}

/** The threshold with the best F1 on `items`; ties go to the one nearest the configured threshold. */
function learnThreshold(items: readonly ScoredLabels[], theme: ThemeId, configured: number): number {
  let best = configured;
  let bestF1 = themeF1(items, theme, configured);
  for (const candidate of CANDIDATES) {
    const f1 = themeF1(items, theme, candidate);
    if (f1 > bestF1 + 1e-9 || (Math.abs(f1 - bestF1) <= 1e-9 && Math.abs(candidate - configured) < Math.abs(best - configured))) {
      best = candidate;
      bestF1 = f1;
    }
  }
  return best;
}

export function crossValidateThresholds(items: readonly ScoredLabels[], folds: number, configured: Readonly<Record<ThemeId, number>>): FoldsReport {
  const learned = Object.fromEntries(THEME_IDS.map((theme) => [theme, [] as number[]])) as Record<ThemeId, number[]>;
  const heldOut: { gold: readonly ThemeId[]; predicted: ThemeId[] }[] = [];
  const perFold: FoldsReport['perFold'] = [];
  for (let fold = 0; fold < folds; fold++) {
    const training = items.filter((_, index) => index % folds !== fold);
    const testing = items.filter((_, index) => index % folds === fold);
    if (testing.length === 0) continue;
    const thresholds = { ...configured };
    for (const theme of THEME_IDS) {
      thresholds[theme] = learnThreshold(training, theme, configured[theme]);
      learned[theme].push(thresholds[theme]);
    }
    const predictedWith = (chosen: Readonly<Record<ThemeId, number>>) => testing.map((item) => ({ gold: item.gold, predicted: assigned(item.scores, chosen) }));
    const learnedPairs = predictedWith(thresholds);
    heldOut.push(...learnedPairs);
    perFold.push({
      items: testing.length,
      configuredMacroF1: evaluate(predictedWith(configured)).macroF1,
      learnedMacroF1: evaluate(learnedPairs).macroF1,
    });
  }
  return {
    folds: perFold.length,
    configuredMacroF1: evaluate(items.map((item) => ({ gold: item.gold, predicted: assigned(item.scores, configured) }))).macroF1,
    heldOutMacroF1: evaluate(heldOut).macroF1,
    perFold,
    learned,
  };
}
