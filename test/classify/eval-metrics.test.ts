import { describe, expect, it } from 'vitest';
import type { ThemeId } from '../../src/core/themes.js';
import { evaluate } from '../../src/classify/eval-metrics.js';

const item = (gold: ThemeId[], predicted: ThemeId[]) => ({ gold, predicted });

describe('evaluate', () => {
  // trade: TP 2, FP 1, FN 1 · china: TP 1, FN 1 · integration: TP 1, FP 1 · us-policy: FP 1 (on an
  // off-topic item) · the other five themes: absent and never predicted.
  const report = evaluate([
    item(['trade-tariffs', 'china-latam'], ['trade-tariffs', 'china-latam']),
    item(['trade-tariffs'], ['trade-tariffs', 'regional-integration']),
    item(['trade-tariffs', 'china-latam'], []),
    item(['regional-integration'], ['trade-tariffs', 'regional-integration']),
    item([], ['us-policy']),
    item([], []),
  ]);

  it('counts precision, recall, F1 and support per theme', () => {
    expect(report.perTheme['trade-tariffs']).toEqual({
      precision: 2 / 3,
      recall: 2 / 3,
      f1: 2 / 3,
      support: 3,
      predicted: 3,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
    });
    expect(report.perTheme['china-latam']).toMatchObject({ precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(report.perTheme['regional-integration']).toMatchObject({ precision: 0.5, recall: 1, f1: 2 / 3 });
  });

  it('gives a theme absent and never predicted F1 1, and one absent but predicted F1 0', () => {
    expect(report.perTheme['security-crime']).toMatchObject({ precision: 1, recall: 1, f1: 1, support: 0, predicted: 0 });
    expect(report.perTheme['us-policy']).toMatchObject({ precision: 0, recall: 1, f1: 0, support: 0, predicted: 1 });
  });

  it('averages F1 over the nine themes for macro-F1, and pools decisions for micro-F1', () => {
    // Five themes at 1 (absent, never predicted), trade, china and integration at 2/3, us-policy at 0.
    expect(report.macroF1).toBeCloseTo((5 + 3 * (2 / 3) + 0) / 9, 10);
    // Pooled: TP 4, FP 3, FN 2.
    expect(report.microPrecision).toBeCloseTo(4 / 7, 10);
    expect(report.microRecall).toBeCloseTo(4 / 6, 10);
    expect(report.microF1).toBeCloseTo(8 / 13, 10);
    expect(report.exactMatch).toBeCloseTo(2 / 6, 10);
  });

  it('reports how well off-topic items are kept empty', () => {
    // Gold empty: items 5 and 6; predicted empty: items 3 and 6.
    expect(report.offTopic).toEqual({ support: 2, predicted: 2, accuracy: 4 / 6, precision: 0.5, recall: 0.5 });
  });

  it('scores a perfect classifier 1 everywhere, and an empty set of items without dividing by zero', () => {
    const perfect = evaluate([item(['us-venezuela'], ['us-venezuela']), item([], [])]);
    expect([perfect.macroF1, perfect.microF1, perfect.exactMatch, perfect.offTopic.accuracy]).toEqual([1, 1, 1, 1]);
    const nothing = evaluate([]);
    expect([nothing.items, nothing.macroF1, nothing.microF1]).toEqual([0, 1, 1]);
  });
});
