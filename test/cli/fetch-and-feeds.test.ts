import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { openDatabase } from '../../src/store/open-database.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { captureIO } from '../support/capture-io.js';
import { rss } from '../support/rss.js';

describe('sancocho fetch and sancocho feeds', () => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startFeedServer();
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-cli-'));
    server.route('/mercosur.xml', {
      body: rss([
        { title: 'Cumbre del Mercosur', guid: 'm1', link: 'https://n.example/m1' },
        { title: 'Acuerdo UE-Mercosur', guid: 'm2', link: 'https://n.example/m2' },
      ]),
      etag: '"m-1"',
    });
    server.route('/broken.xml', { status: 500 });
    const config = path.join(dir, 'sancocho.yaml');
    writeFileSync(
      config,
      [
        'feeds:',
        `  - { url: "${server.url('/mercosur.xml')}", name: "Mercosur test", language: es }`,
        `  - { url: "${server.url('/broken.xml')}", name: "Broken test" }`,
      ].join('\n'),
    );
    env = { SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, 'test.db') };
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetch --once --json prints one JSON object with a line per feed', async () => {
    const io = captureIO(env);
    expect(await runCli(['fetch', '--once', '--json'], io)).toBe(0);
    const result = JSON.parse(io.out()) as { feeds: Record<string, unknown>[] };
    expect(result.feeds).toHaveLength(2);
    const [ok, broken] = result.feeds;
    expect(ok).toMatchObject({ url: server.url('/mercosur.xml'), status: 'ok', http: 200, new: 2, updated: 0, duplicate: 0 });
    expect(ok?.bytes).toBeGreaterThan(100);
    expect(typeof ok?.ms).toBe('number');
    expect(ok).not.toHaveProperty('error');
    expect(broken).toMatchObject({ status: 'error', http: 500, new: 0 });
    expect(broken?.error).toMatch(/500/);
    // The same cycle classified the new items, so no later stage sees an unclassified item.
    const db = openDatabase(env.SANCOCHO_DB as string);
    expect(db.prepare("SELECT source, COUNT(*) AS n FROM classifications GROUP BY source").all()).toEqual([{ source: 'offline', n: 2 }]);
    db.close();
  });

  it('fetch --once --all polls feeds that are not due, and an unchanged feed is a 304', async () => {
    const io = captureIO(env);
    expect(await runCli(['fetch', '--once', '--all'], io)).toBe(0);
    const text = io.out();
    expect(text).toMatch(/feed\s+status\s+http\s+new\s+updated\s+dup\s+bytes\s+ms/);
    expect(text).toMatch(/Mercosur test\s+not-modified\s+304\s+0\s+0\s+0\s+0/);
    expect(text).toContain('2 feeds polled, 0 new items, 1 errors; 0 items classified');
  });

  it('fetch --once with nothing due says so', async () => {
    const io = captureIO(env);
    expect(await runCli(['fetch', '--once'], io)).toBe(0);
    expect(io.out()).toContain('No feed is due');
  });

  it('feeds lists every feed with its health', async () => {
    const io = captureIO(env);
    expect(await runCli(['feeds'], io)).toBe(0);
    expect(io.out()).toMatch(/Broken test\s+auto\s+active\s+0\s+never\s+2\s+in \d+[mh]\s+http: .*500/);
    expect(io.out()).toMatch(/Mercosur test\s+es\s+active\s+2\s+\d+s ago\s+0/);
    const json = captureIO(env);
    await runCli(['feeds', '--json'], json);
    const feeds = (JSON.parse(json.out()) as { feeds: { name: string; consecutiveErrors: number; items: number }[] }).feeds;
    expect(feeds.map((feed) => [feed.name, feed.items, feed.consecutiveErrors])).toEqual([
      ['Broken test', 0, 2],
      ['Mercosur test', 2, 0],
    ]);
  });

  it('a bad config file is one clear message and exit code 2, never a stack trace', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'polling:\n  concurrency: lots\n');
    const io = captureIO({ ...env, SANCOCHO_CONFIG: bad });
    expect(await runCli(['fetch', '--once'], io)).toBe(2);
    expect(io.err()).toContain(`${bad}: polling.concurrency:`);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it('--help lists the commands', async () => {
    const io = captureIO(env);
    expect(await runCli(['--help'], io)).toBe(0);
    for (const command of ['start', 'fetch', 'feeds']) expect(io.out()).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });
});
