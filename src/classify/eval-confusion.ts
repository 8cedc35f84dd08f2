import { THEME_IDS, type ThemeId } from '../core/themes.js';
import type { Classification } from './classifier.js';

/**
 * The mistakes worth reading first: false positives the classifier was surest of, and false
 * negatives it came nowhere near, each with the evidence it had, so the next person can see which
 * term misfired or which word was missing. Pure.
 */

export interface ConfusionCase {
  id: string;
  title: string;
  theme: ThemeId;
  score: number;
  /** The classifier's evidence for that theme (empty when nothing fired). */
  evidence: string[];
}

export interface ConfusionReport {
  falsePositives: ConfusionCase[];
  falseNegatives: ConfusionCase[];
}

export interface ScoredItem {
  id: string;
  title: string;
  gold: readonly ThemeId[];
  result: Classification;
}

export function confusionReport(items: readonly ScoredItem[], limit = 10): ConfusionReport {
  const falsePositives: ConfusionCase[] = [];
  const falseNegatives: ConfusionCase[] = [];
  for (const { id, title, gold, result } of items) {
    for (const theme of THEME_IDS) {
      const inGold = gold.includes(theme);
      const inPredicted = result.themes.includes(theme);
      if (inGold === inPredicted) continue;
      const found = { id, title, theme, score: result.scores[theme], evidence: result.evidence[theme] ?? [] };
      (inPredicted ? falsePositives : falseNegatives).push(found);
    }
  }
  const inOrder = (a: ConfusionCase, b: ConfusionCase) => a.id.localeCompare(b.id) || a.theme.localeCompare(b.theme);
  falsePositives.sort((a, b) => b.score - a.score || inOrder(a, b));
  falseNegatives.sort((a, b) => a.score - b.score || inOrder(a, b));
  return { falsePositives: falsePositives.slice(0, limit), falseNegatives: falseNegatives.slice(0, limit) };
}
