import { expect, it } from 'vitest';
import { alertLatencyBench } from '../../src/bench/alert-latency-bench.js';
import { demoReplayFeeds } from '../../src/cli/demo-replay-feeds.js';

it('alert latency: 100 stories from the decision through the store and the outbox to a loopback webhook, well under 5 s each', { timeout: 60_000 }, async () => {
  const figure = await alertLatencyBench({ stories: 100, replayFeeds: await demoReplayFeeds() });
  console.log(`alert latency over ${figure.stories} stories: p50 ${figure.p50Ms} ms, p95 ${figure.p95Ms} ms; demo replay: ${figure.replay.alerts} alert(s) in ${figure.replay.onTopicStories} on-topic stories`);
  expect(figure.p95Ms).toBeLessThan(5_000);
  expect(figure.p95Ms).toBeGreaterThanOrEqual(figure.p50Ms);
  expect(figure.replay.rate).toBeLessThanOrEqual(1 / 20);
});
