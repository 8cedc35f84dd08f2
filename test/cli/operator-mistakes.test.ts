import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { cli } from '../discord/cli-helpers.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { rss } from '../support/rss.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../discord/child');

/** A careless operator: every mistake is one line naming what is wrong, and exit code 2. */
describe('operators’ mistakes', () => {
  let dir: string;
  let config: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-mistakes-'));
    chmodSync(dir, 0o755);
    config = path.join(dir, 'sancocho.yaml');
    writeFileSync(config, 'feeds: []\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at |unexpected error/);
  };

  it.each([
    ['a directory', (d: string) => (mkdirSync(path.join(d, 'data')), path.join(d, 'data')), 'is a directory'],
    ['a file that is not a database', (d: string) => (writeFileSync(path.join(d, 'notes.txt'), 'apuntes\n'.repeat(200)), path.join(d, 'notes.txt')), 'is not a SQLite database'],
    ['under a file', (d: string) => (writeFileSync(path.join(d, 'data'), ''), path.join(d, 'data', 'sancocho.db')), `${path.sep}data is a file, so no database can be created under it`],
  ])('a database path that is %s: the path and the reason, exit 2', async (_case, make, reason) => {
    const database = make(dir);
    const result = await cli(['feeds'], { SANCOCHO_CONFIG: config, SANCOCHO_DB: database });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`sancocho: database ${database}: `);
    expect(result.stderr).toContain(reason);
    oneLine(result.stderr);
  });

  it('a read-only database: the path and the reason, exit 2', async () => {
    const database = path.join(dir, 'sancocho.db');
    openDatabase(database).close();
    rmSync(`${database}-wal`, { force: true });
    rmSync(`${database}-shm`, { force: true });
    chmodSync(database, 0o444);
    chmodSync(dir, 0o555);
    try {
      // Root writes to read-only files, so the command runs as an unprivileged user there.
      const asRoot = process.getuid?.() === 0;
      const { code, stderr } = await runBinary(['feeds'], { SANCOCHO_CONFIG: config, SANCOCHO_DB: database }, asRoot ? 65534 : undefined);
      expect(code).toBe(2);
      expect(stderr).toContain(`sancocho: database ${database}: is read-only`);
      oneLine(stderr);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('an unknown flag: the error and the command’s usage, exit 2', async () => {
    const result = await cli(['feeds', '--jsn'], { SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, 'a.db') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--jsn'");
    expect(result.stderr).toContain('Usage: sancocho feeds [options]');
    expect((await cli(['fetch', '--once', '--everything'], {})).code).toBe(2);
    expect((await cli([], {})).code).toBe(2);
  });

  it('`start --shards` on the SQLite file: only one process may run there, so it is refused before anything starts, exit 2', async () => {
    writeFileSync(config, `feeds: []\ndatabase: ${JSON.stringify(path.join(dir, 'sancocho.db'))}\ndiscord:\n  shards: 2\n`);
    const result = await cli(['start', '--shards', '1'], { SANCOCHO_CONFIG: config });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/\n\s+at |unexpected error/);
    expect(result.stderr).toMatch(/--shards \/ SANCOCHO_SHARDS: with SQLite only one process may run, and it runs all 2 shards; splitting shards between bot workers needs PostgreSQL/);
  });

  it('a timeout a timer cannot hold: the key, exit 2', async () => {
    writeFileSync(config, 'feeds: []\npolling:\n  timeoutSeconds: 2147484\n');
    const result = await cli(['fetch', '--once'], { SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, 'a.db') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${config}: polling.timeoutSeconds: must be at most 3600 seconds`);
  });

  it('an emptied or unreadable config file stops the command and disables no feed', async () => {
    const env = { SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, 'a.db') };
    writeFileSync(config, 'feeds:\n  - { url: "https://a.example/rss", name: "A" }\n  - { url: "https://b.example/rss", name: "B" }\n');
    expect((await cli(['feeds'], env)).code).toBe(0);
    for (const broken of ['', '# nothing yet\n', 'polling:\n  concurrency: 4\n']) {
      writeFileSync(config, broken);
      const result = await cli(['feeds'], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('`feeds: []`');
    }
    rmSync(config);
    mkdirSync(config);
    expect((await cli(['feeds'], env)).code).toBe(2);
    rmSync(config, { recursive: true });
    writeFileSync(config, 'feeds:\n  - { url: "https://a.example/rss", name: "A" }\n  - { url: "https://b.example/rss", name: "B" }\n');
    const feeds = JSON.parse((await cli(['feeds', '--json'], env)).stdout) as { feeds: { status: string }[] };
    expect(feeds.feeds.map((feed) => feed.status)).toEqual(['active', 'active']);
  });
});

describe('a password in a feed URL', () => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    server = await startFeedServer();
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-secret-'));
    const config = path.join(dir, 'sancocho.yaml');
    const secretUrl = (route: string) => server.url(route).replace('http://', 'http://lector:s3cr3t@');
    writeFileSync(
      config,
      `feeds:\n  - { url: "${secretUrl('/privado.xml')}", name: "Privado" }\n  - { url: "${secretUrl('/roto.xml')}", name: "Roto" }\n`,
    );
    server.route('/privado.xml', { body: rss([{ title: 'Cumbre del Mercosur', guid: 'p1', link: 'https://n.example/p1' }]) });
    server.route('/roto.xml', { status: 503 });
    env = { SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, 'a.db'), LOG_LEVEL: 'info' };
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is sent with the request, and shown as *** in logs, JSON, tables and the feeds list', async () => {
    const json = await cli(['fetch', '--once', '--json'], env);
    expect(json.code).toBe(0);
    expect(server.requests('/privado.xml')[0]?.headers.authorization).toBe(`Basic ${Buffer.from('lector:s3cr3t').toString('base64')}`);
    const table = await cli(['fetch', '--once', '--all'], env);
    const feedsTable = await cli(['feeds'], env);
    const feedsJson = await cli(['feeds', '--json'], env);

    for (const shown of [json, table, feedsTable, feedsJson]) {
      expect(shown.stdout + shown.stderr).not.toContain('s3cr3t');
    }
    expect(json.stderr).toContain('lector:***@127.0.0.1');
    expect(JSON.parse(json.stdout)).toMatchObject({
      feeds: [{ url: expect.stringMatching(/^http:\/\/lector:\*\*\*@127\.0\.0\.1:\d+\/privado\.xml$/), status: 'ok' }, { status: 'error', error: expect.stringContaining('lector:***@') }],
    });
    expect(JSON.parse(feedsJson.stdout)).toMatchObject({
      feeds: [{ name: 'Privado', url: expect.stringContaining('lector:***@') }, { name: 'Roto', lastErrorMessage: expect.stringContaining('lector:***@') }],
    });
  });
});

/** The real command line in a child process, optionally as another user. */
async function runBinary(args: string[], env: NodeJS.ProcessEnv, uid?: number): Promise<{ code: number; stderr: string }> {
  const options = { cwd: path.resolve(CHILD, '../../..'), env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env }, ...(uid === undefined ? {} : { uid, gid: uid }) };
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', path.join(CHILD, 'register-ts.mjs'), path.join(CHILD, 'sancocho.ts'), ...args], options);
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}
