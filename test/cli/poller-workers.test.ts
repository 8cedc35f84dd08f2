import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSancocho, type Child } from '../discord/cli-helpers.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';
import { rss } from '../support/rss.js';

const FEEDS = 40;
/** Every feed carries its own two stories and one story all feeds carry (same link): 2 × 40 + 1 stored. */
const STORIES = 2 * FEEDS + 1;

/** The key proof of the poller role: real `sancocho start --role poller` processes sharing one PostgreSQL schema. */
describe.skipIf(!TEST_DATABASE_URL)('two poller processes on one PostgreSQL schema', () => {
  let dir: string;
  let schema: TestSchema;
  let feeds: FeedServer;
  let config: string;
  const workers: Child[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-pollers-'));
    schema = await createTestSchema();
    // Latency so that polls overlap and both workers find due feeds while the other is busy.
    feeds = await startFeedServer({ latencyMs: 300 });
    const lines: string[] = [];
    for (let n = 0; n < FEEDS; n++) {
      const url = feeds.route(`/feed-${n}.xml`, {
        body: rss([
          { title: `Nota propia ${n}-a`, guid: `${n}-a`, link: `https://news.example/${n}/a` },
          { title: `Nota propia ${n}-b`, guid: `${n}-b`, link: `https://news.example/${n}/b` },
          { title: 'Cumbre del Mercosur en Asunción', guid: `${n}-shared`, link: 'https://news.example/shared?utm_source=rss' },
        ]),
      });
      lines.push(`  - { url: "${url}", name: "Feed ${n}" }`);
    }
    config = path.join(dir, 'sancocho.yaml');
    // A cycle every second, so the two workers keep claiming; a feed is due again only after its 30 minutes.
    // Every feed is on one loopback host: its politeness limit is set above what one worker claims
    // (4 slots and 4 held ready), else the first worker to claim holds the host's every slot.
    writeFileSync(
      config,
      `database: ${JSON.stringify(schema.url)}\npolling: { schedule: "* * * * * *", concurrency: 4, perHostConcurrency: 20 }\nfeeds:\n${lines.join('\n')}\ndigests: []\n`,
    );
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.process.kill('SIGKILL');
      await worker.exited;
    }
    await feeds.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = () => {
    const worker = spawnSancocho(['start', '--role', 'poller'], { SANCOCHO_CONFIG: config });
    workers.push(worker);
    return worker;
  };
  const requestsPerFeed = () => {
    const counts = new Map<string, number>();
    for (const request of feeds.requests()) counts.set(request.path, (counts.get(request.path) ?? 0) + 1);
    return counts;
  };
  const query = async <Row extends pg.QueryResultRow>(sql: string) => {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      return (await client.query<Row>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  /** The feeds each worker's cycles polled, from their `cycle done` log lines (on stderr). */
  const polledBy = (worker: Child) =>
    worker
      .stderr()
      .split('\n')
      .filter((line) => line.includes('poll-feeds-job: cycle done'))
      .reduce((sum, line) => sum + (JSON.parse(line) as { feeds: number }).feeds, 0);

  it('requests each feed once per interval, shares the feeds out between the workers, and stores each item once', { timeout: 90_000 }, async () => {
    const [first, second] = [start(), start()];
    await Promise.all([first.waitForOutput(/Sancocho is running as a poller/, 30_000), second.waitForOutput(/Sancocho is running as a poller/, 30_000)]);

    // Round one: every feed due.
    await expect.poll(() => feeds.requests().length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(FEEDS);
    // A few more cycles of both workers: nothing is due, nothing is requested again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect([...requestsPerFeed().values()]).toEqual(Array(FEEDS).fill(1));
    expect(polledBy(first) + polledBy(second)).toBe(FEEDS);
    // One worker may be up seconds before the other and poll round one alone; the sharing is
    // checked in round two, when both are surely running their cycles.
    const roundOne = [polledBy(first), polledBy(second)] as const;

    // Round two: the next interval, made due at once.
    await query(`UPDATE feeds SET next_due_at = 0`);
    await expect.poll(() => feeds.requests().length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2 * FEEDS);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect([...requestsPerFeed().values()]).toEqual(Array(FEEDS).fill(2));
    expect(polledBy(first) + polledBy(second)).toBe(2 * FEEDS);
    expect(polledBy(first) - roundOne[0]).toBeGreaterThan(0);
    expect(polledBy(second) - roundOne[1]).toBeGreaterThan(0);

    expect(await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM items`)).toEqual([{ n: STORIES }]);
    expect(await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM item_feeds`)).toEqual([{ n: 3 * FEEDS }]);
    // Every lease released once its poll was recorded.
    expect(await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM feeds WHERE lease_owner IS NOT NULL`)).toEqual([{ n: 0 }]);
  });

  it('is refused on SQLite with one line naming the role, exit 2', async () => {
    writeFileSync(config, `database: ${JSON.stringify(path.join(dir, 'sancocho.db'))}\nfeeds: []\ndigests: []\n`);
    const refused = spawnSancocho(['start', '--role', 'poller'], { SANCOCHO_CONFIG: config });
    expect((await refused.exited).code).toBe(2);
    expect(refused.stderr().trim().split('\n')).toEqual([
      'sancocho: start: role poller needs PostgreSQL; a SQLite database is served by one process with --role all (`sancocho migrate` moves it to PostgreSQL)',
    ]);
    const unknown = spawnSancocho(['start'], { SANCOCHO_CONFIG: config, SANCOCHO_ROLE: 'crawler' });
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr()).toContain('SANCOCHO_ROLE: must be one of all, poller, digester, bot (got "crawler")');
  });
});
