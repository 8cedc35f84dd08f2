import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { acquireWriterLock } from '../../src/store/writer-lock.js';
import { cli, spawnSancocho } from '../discord/cli-helpers.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { rss } from '../support/rss.js';

const HOLD_WRITE_LOCK = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/hold-write-lock.mjs');

/** One database file, several processes: one long-running writer, one-off commands beside it, other writers. */
describe('one database, one writer process', () => {
  let dir: string;
  let database: string;
  let env: NodeJS.ProcessEnv;
  let server: FeedServer;

  beforeEach(async () => {
    server = await startFeedServer();
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-writer-'));
    database = path.join(dir, 'sancocho.db');
    const config = path.join(dir, 'sancocho.yaml');
    server.route('/feed.xml', { body: rss([{ title: 'Cumbre del Mercosur en Asunción', guid: 'm1', link: 'https://n.example/m1' }]) });
    writeFileSync(config, `database: ${JSON.stringify(database)}\nfeeds:\n  - { url: "${server.url('/feed.xml')}", name: "Diario" }\ndigests: []\n`);
    env = { SANCOCHO_CONFIG: config };
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second `start` naming the holder’s pid and the file, lets one-off commands run beside it, and frees the file when the holder is killed -9', async () => {
    const first = spawnSancocho(['start'], env);
    try {
      await first.waitForOutput(/Sancocho is running/);

      const second = await cli(['start'], env);
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`${database} is in use by \`sancocho start\` (pid ${first.process.pid} on `);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      // A foreground poller is long-running too.
      expect((await cli(['fetch'], env)).code).toBe(2);
      // Refused before touching the database: another config file's feed list is not synced into it.
      const other = path.join(dir, 'other.yaml');
      writeFileSync(other, `database: ${JSON.stringify(database)}\nfeeds: []\n`);
      expect((await cli(['start'], { SANCOCHO_CONFIG: other })).code).toBe(2);

      expect((await cli(['fetch', '--once', '--all'], env)).code).toBe(0);
      expect((await cli(['feeds'], env)).stdout).toMatch(/Diario\s+auto\s+active\s+1/);
      expect((await cli(['digest', '--once', '--dry-run'], env)).code).toBe(0);
    } finally {
      first.process.kill('SIGKILL');
      await first.exited;
    }
    // No stale lock: the operating system dropped it with the process.
    const db = openDatabase(database);
    try {
      const lock = acquireWriterLock(db, database, 'start');
      expect(lock.kind).toBe('acquired');
      if (lock.kind === 'acquired') lock.release();
    } finally {
      db.close();
    }
  });

  it('a write transaction waits for another process holding the write lock, instead of failing at once', async () => {
    // Created and migrated before the other writer starts.
    openDatabase(database).close();
    const other = spawn(process.execPath, [HOLD_WRITE_LOCK, database, '600'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let said = '';
    other.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const exited = new Promise((resolve) => other.on('exit', resolve));
    try {
      // The feed answers while the other process holds the lock, so the items must wait for it.
      server.route('/feed.xml', {
        body: rss([{ title: 'Cumbre del Mercosur en Asunción', guid: 'm1', link: 'https://n.example/m1' }]),
        delayMs: 300,
      });
      const fetching = cli(['fetch', '--once', '--json'], env);
      await until(() => server.requests('/feed.xml').length === 1);
      other.stdin.write('lock\n');
      await until(() => said.includes('locked'));

      const result = await fetching;
      await until(() => said.includes('released'));
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ feeds: [{ status: 'ok', new: 1 }] });
    } finally {
      other.kill();
      await exited;
    }
  });

  it('records an internal failure on the feed and makes `fetch --once` exit non-zero', async () => {
    const db = openDatabase(database);
    // A database fault the pipeline cannot foresee: every item insert is refused.
    db.exec(`CREATE TRIGGER refuse_items BEFORE INSERT ON items BEGIN SELECT RAISE(ABORT, 'the disk refused the write'); END`);
    db.close();

    const result = await cli(['fetch', '--once', '--json'], env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ feeds: [{ status: 'error', error: 'internal error: the disk refused the write' }] });
    expect(result.stderr).toContain('sancocho: fetch: 1 feed(s) failed for an internal reason');

    const feeds = await cli(['feeds', '--json'], env);
    expect(JSON.parse(feeds.stdout)).toMatchObject({
      feeds: [{ name: 'Diario', consecutiveErrors: 1, lastErrorKind: 'internal', lastErrorMessage: 'internal error: the disk refused the write' }],
    });
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
