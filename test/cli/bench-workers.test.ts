import { describe, expect, it } from 'vitest';
import { workersBench } from '../../src/bench/workers-bench.js';
import { TEST_DATABASE_URL } from '../support/postgres-test-schema.js';
import { cli } from '../discord/cli-helpers.js';

describe('sancocho bench --scenario workers', () => {
  it('says it is skipped, in one line, without a PostgreSQL server', async () => {
    const result = await cli(['bench', '--scenario', 'workers'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('bench: workers: skipped; it needs a PostgreSQL server (--postgres <url> or SANCOCHO_BENCH_DATABASE_URL)\n');
  });

  it('refuses an unknown scenario', async () => {
    const result = await cli(['bench', '--scenario', 'nope'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--scenario must be workers or faults (got "nope")');
  });

  it.skipIf(!TEST_DATABASE_URL)('polls every feed once per run, shared out between the poller processes', { timeout: 120_000 }, async () => {
    const figure = await workersBench({ postgresUrl: TEST_DATABASE_URL as string, feeds: 100, hosts: 10, itemsPerFeed: 3, latencyMs: 200, pollers: [1, 2] });
    expect(figure.runs.map((run) => ({ pollers: run.pollers, polled: run.polledBy.reduce((a, b) => a + b, 0), requests: run.requests, errors: run.errors }))).toEqual([
      { pollers: 1, polled: 100, requests: 100, errors: 0 },
      { pollers: 2, polled: 100, requests: 100, errors: 0 },
    ]);
    expect(figure.runs[1]?.polledBy.every((feeds) => feeds > 0)).toBe(true);
    // The speed-up itself is a figure for the bench (README), not a test: on a loaded machine it is CPU that decides.
    expect(figure.runs[1]?.speedup).toBeGreaterThan(0);
  });
});
