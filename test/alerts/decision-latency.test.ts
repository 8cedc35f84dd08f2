import { describe, expect, it } from 'vitest';
import { alertDecisionBench } from '../../src/bench/alerts-bench.js';

describe('the alert decision is fast', () => {
  it('clusters, decides, paces and renders a poll cycle of 100 stories well within a second', () => {
    const figure = alertDecisionBench({ stories: 100, runs: 10 });
    expect(figure).toMatchObject({ stories: 100, items: 250 });
    expect(figure.alerts).toBeGreaterThan(0);
    // Generous for a shared machine; it measures tens of milliseconds on two cores.
    expect(figure.p95Ms).toBeLessThan(1000);
  });
});
