import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { spawnSancocho, type Child } from '../discord/cli-helpers.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { rss } from '../support/rss.js';

const FEEDS = 4;

/**
 * SQLite: one process at a time. One killed -9 mid-poll leaves its feeds leased for minutes; its
 * successor holds the writer lock, which proves the leases' holder dead, and takes them back at once.
 */
describe('a SQLite `start` restarted after kill -9 mid-poll', () => {
  let dir: string;
  let server: FeedServer;
  let config: string;
  const children: Child[] = [];

  beforeEach(async () => {
    server = await startFeedServer();
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-restart-'));
    config = path.join(dir, 'sancocho.yaml');
    const lines = Array.from({ length: FEEDS }, (_, n) => `  - { url: "${server.url(`/feed-${n}.xml`)}", name: "Diario ${n}" }`);
    writeFileSync(config, `database: ${JSON.stringify(path.join(dir, 'sancocho.db'))}\npolling: { perHostConcurrency: ${FEEDS} }\nfeeds:\n${lines.join('\n')}\ndigests: []\n`);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const route = (delayMs: number) => {
    for (let n = 0; n < FEEDS; n++) {
      server.route(`/feed-${n}.xml`, {
        body: rss([{ title: `Cumbre regional ${n}`, guid: `cumbre-${n}`, link: `https://news.example/cumbre-${n}` }]),
        delayMs,
      });
    }
  };
  const start = () => {
    const child = spawnSancocho(['start'], { SANCOCHO_CONFIG: config });
    children.push(child);
    return child;
  };

  it('polls the feeds its predecessor had leased within seconds, and stores each item once', { timeout: 45_000 }, async () => {
    // Feeds that answer long after the kill: the first process dies with every feed leased.
    route(60_000);
    const first = start();
    await expect.poll(() => server.requests().length, { timeout: 15_000, interval: 50 }).toBe(FEEDS);
    first.process.kill('SIGKILL');
    await first.exited;

    route(0);
    const restartedAt = Date.now();
    const second = start();
    await second.waitForOutput(/took back from the previous holder \(pid \d+\) 4 feed lease\(s\), 0 outbox part lease\(s\) and 0 digest slot claim\(s\)/);
    await expect.poll(() => server.requests().filter((request) => request.end === 'finished').length, { timeout: 20_000, interval: 50 }).toBe(FEEDS);
    // Within seconds (the process start-up is most of it), not after the leases' 140 s.
    expect(Date.now() - restartedAt).toBeLessThan(20_000);
    expect(second.stderr()).toContain(`(pid ${first.process.pid})`);

    second.process.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const db = openDatabase(path.join(dir, 'sancocho.db'));
    try {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM items`).get()).toEqual({ n: FEEDS });
      expect(db.prepare(`SELECT COUNT(*) AS n FROM feeds WHERE lease_owner IS NOT NULL`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
