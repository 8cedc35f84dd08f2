import { describe, expect, it } from 'vitest';
import { THEME_IDS, type ThemeId } from '../../src/core/themes.js';
import { crossValidateThresholds, type ScoredLabels } from '../../src/classify/eval-folds.js';

const configured = Object.fromEntries(THEME_IDS.map((theme) => [theme, 0.5])) as Record<ThemeId, number>;

function scored(gold: ThemeId[], score: number): ScoredLabels {
  const scores = Object.fromEntries(THEME_IDS.map((theme) => [theme, 0])) as Record<ThemeId, number>;
  scores['us-policy'] = score;
  return { gold, scores };
}

describe('cross-validation of the theme thresholds', () => {
  it('learns on the other folds a threshold that the held-out fold confirms', () => {
    // us-policy items score 0.35, off-topic ones 0.1: the configured 0.5 misses them all.
    const items = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? scored(['us-policy'], 0.35) : scored([], 0.1)));
    const report = crossValidateThresholds(items, 4, configured);
    expect(report.folds).toBe(4);
    expect(report.perFold.map((fold) => fold.items)).toEqual([5, 5, 5, 5]);
    expect(report.configuredMacroF1).toBeLessThan(1);
    expect(report.heldOutMacroF1).toBe(1);
    for (const threshold of report.learned['us-policy']) expect(threshold).toBeGreaterThan(0.1);
    for (const threshold of report.learned['us-policy']) expect(threshold).toBeLessThanOrEqual(0.35);
  });

  it('keeps the configured threshold where the data gives no reason to move it', () => {
    const items = Array.from({ length: 10 }, (_, index) => scored(index < 5 ? ['us-policy'] : [], index < 5 ? 0.9 : 0));
    const report = crossValidateThresholds(items, 5, configured);
    expect(report.learned['us-policy']).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(report.heldOutMacroF1).toBe(report.configuredMacroF1);
  });
});
