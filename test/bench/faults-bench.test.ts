import { describe, expect, it } from 'vitest';
import { cli } from '../discord/cli-helpers.js';
import { TEST_DATABASE_URL } from '../support/postgres-test-schema.js';

/**
 * `sancocho bench --scenario faults` at a small size: two `sancocho start` workers (bin/sancocho.js,
 * so dist/ as `npm ci` builds it), 20 feeds, three kills -9, a digest every 5 s. About 30 s on a quiet
 * machine: worker start-ups, the chaos, then a lease's expiry, a last round and its digest.
 */
describe('sancocho bench --scenario faults', () => {
  it('says it is skipped, in one line, without a PostgreSQL server', async () => {
    const result = await cli(['bench', '--scenario', 'faults'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('bench: faults: skipped; it needs a PostgreSQL server (--postgres <url> or SANCOCHO_BENCH_DATABASE_URL)\n');
  });

  it('refuses sizes it cannot run', async () => {
    const period = await cli(['bench', '--scenario', 'faults', '--digest-every', '7'], {});
    expect(period.code).toBe(2);
    expect(period.stderr).toContain('--digest-every must divide 60 (got 7)');
    const workers = await cli(['bench', '--scenario', 'faults', '--workers', 'two'], {});
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain('--workers must be a whole number from 1 to 8 (got "two")');
  });
});

it.skipIf(!TEST_DATABASE_URL)('bench --scenario faults: kills by phase and the counts, with no item or part twice and none lost', { timeout: 120_000 }, async () => {
  const args = ['bench', '--scenario', 'faults', '--workers', '2', '--feeds', '20', '--kills', '3', '--seconds', '12', '--digest-every', '5', '--json'];
  const run = await cli(args, { SANCOCHO_BENCH_DATABASE_URL: TEST_DATABASE_URL });
  expect(run.code, run.stderr).toBe(0);
  const figure = JSON.parse(run.stdout);
  console.log(`faults bench (small): ${run.stdout.trim()}`);

  expect(figure).toMatchObject({
    workers: 2,
    feeds: 20,
    seconds: expect.any(Number),
    kills: { total: expect.any(Number), poll: expect.any(Number), digest: expect.any(Number), send: expect.any(Number), list: expect.any(Array) },
    settled: { finalRound: true, allSent: true, exits: [0, 0] },
  });
  const { kills, items, feedRequests, parts } = figure;
  expect(kills.total).toBeGreaterThanOrEqual(3);
  expect(kills.poll + kills.digest + kills.send).toBe(kills.total);
  expect(kills.list).toHaveLength(kills.total);
  expect(kills.list[0]).toEqual({ atSeconds: expect.any(Number), worker: expect.any(Number), phase: expect.stringMatching(/^(poll|digest|send)$/) });
  // Every story served stored once.
  expect(items.expected).toBeGreaterThan(20);
  expect(items).toMatchObject({ stored: items.expected, distinct: items.expected, feedLinks: items.expected, duplicates: 0, missing: 0 });
  // A feed polled twice in an interval only after a lease expired.
  expect(feedRequests.total).toBeGreaterThan(0);
  expect(feedRequests.earlyAfterLeaseExpiry).toBe(feedRequests.early);
  // Every part posted exactly once.
  expect(parts.expected).toBeGreaterThan(0);
  expect(parts).toMatchObject({ posted: parts.expected, duplicates: 0, lost: 0 });
});
