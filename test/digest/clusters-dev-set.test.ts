import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClusterEval } from '../../src/cli/eval-clusters.js';
import { repoRoot } from '../feeds/fixtures.js';

/** Real items labelled with the event they report (test/fixtures/eval/README.md), clustered as one window. */
const clustersDev = path.resolve(repoRoot, 'test/fixtures/eval/clusters-dev.jsonl');

describe('story clustering on the labelled clusters set', () => {
  it('keeps pairwise precision ≥ 0.95 and recall ≥ 0.78, cross-language events included', () => {
    const { report, lines, storyOf } = runClusterEval(clustersDev);
    console.info(
      `clusters-dev: ${report.items} items, ${report.events} events, ${report.stories} stories; ` +
        `pairs P ${report.pairs.precision.toFixed(3)} R ${report.pairs.recall.toFixed(3)} F1 ${report.pairs.f1.toFixed(3)}; ` +
        `B-cubed P ${report.bcubed.precision.toFixed(3)} R ${report.bcubed.recall.toFixed(3)} F1 ${report.bcubed.f1.toFixed(3)}`,
    );
    expect(report.items).toBe(49);
    expect(report.pairs.precision).toBeGreaterThanOrEqual(0.95);
    expect(report.pairs.recall).toBeGreaterThanOrEqual(0.78);
    expect(report.bcubed.f1).toBeGreaterThanOrEqual(0.9);
    // Each event told in several languages has items of two languages in one story.
    const mixed = new Set(lines.filter((line) => line.event && lines.some((other) => other.event === line.event && other.lang !== line.lang)).map((line) => line.event));
    expect(mixed.size).toBeGreaterThanOrEqual(2);
    for (const event of mixed) {
      const crossMerged = lines.some((line, i) =>
        lines.some((other, j) => line.event === event && other.event === event && line.lang !== other.lang && storyOf[i] === storyOf[j]),
      );
      expect(crossMerged, `${event} merged across languages`).toBe(true);
    }
  });
});
