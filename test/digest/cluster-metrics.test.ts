import { describe, expect, it } from 'vitest';
import { evaluateClusters } from '../../src/digest/cluster-metrics.js';

describe('clustering figures', () => {
  it('are all 1 when the stories are the labelled events, singletons included', () => {
    const report = evaluateClusters(['E1', 'E1', null, 'E2', 'E2'], ['a', 'a', 'b', 'c', 'c']);
    expect(report).toMatchObject({ items: 5, events: 2, stories: 3, falseMerges: [], falseSplits: [] });
    expect(report.pairs).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(report.bcubed).toEqual({ precision: 1, recall: 1, f1: 1 });
  });

  it('count a merge of two events and a split of one, pairwise and per item (B-cubed)', () => {
    // Gold: {0,1,2} one event, 3 alone. Predicted: {0,1}, {2,3}.
    const report = evaluateClusters(['E', 'E', 'E', null], ['x', 'x', 'y', 'y']);
    expect(report.falseMerges).toEqual([[2, 3]]);
    expect(report.falseSplits).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(report.pairs.precision).toBeCloseTo(1 / 2);
    expect(report.pairs.recall).toBeCloseTo(1 / 3);
    // B-cubed precision: items 0,1 → 1; items 2,3 → 1/2. Recall: 0,1 → 2/3; 2 → 1/3; 3 → 1.
    expect(report.bcubed.precision).toBeCloseTo(0.75);
    expect(report.bcubed.recall).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4);
  });
});
