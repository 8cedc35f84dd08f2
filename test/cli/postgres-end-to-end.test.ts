import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { captureIO } from '../support/capture-io.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';
import { rss } from '../support/rss.js';

describe.skipIf(!TEST_DATABASE_URL)('sancocho on PostgreSQL (SANCOCHO_DATABASE_URL)', () => {
  let server: FeedServer;
  let schema: TestSchema;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startFeedServer();
    schema = await createTestSchema();
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-pg-cli-'));
    server.route('/mercosur.xml', {
      body: rss([
        { title: 'Cumbre del Mercosur en Asunción', guid: 'm1', link: 'https://n.example/m1' },
        { title: 'Acuerdo UE-Mercosur', guid: 'm2', link: 'https://n.example/m2' },
      ]),
      etag: '"m-1"',
    });
    const config = path.join(dir, 'sancocho.yaml');
    writeFileSync(config, `feeds:\n  - { url: "${server.url('/mercosur.xml')}", name: "Mercosur test", language: es }\n`);
    // SANCOCHO_DB names a file too: the URL wins, and no file is created.
    env = { SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, 'unused.db'), SANCOCHO_DATABASE_URL: schema.url };
  });
  afterAll(async () => {
    await server.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches into the server, classifies, lists the feeds, and a second poll is a 304', async () => {
    const first = captureIO(env);
    expect(await runCli(['fetch', '--once', '--json'], first), first.err()).toBe(0);
    expect(JSON.parse(first.out())).toMatchObject({ feeds: [{ status: 'ok', http: 200, new: 2, updated: 0, duplicate: 0 }] });

    const again = captureIO(env);
    expect(await runCli(['fetch', '--once', '--all', '--json'], again), again.err()).toBe(0);
    expect(JSON.parse(again.out())).toMatchObject({ feeds: [{ status: 'not-modified', http: 304, new: 0 }] });

    const feeds = captureIO(env);
    expect(await runCli(['feeds'], feeds), feeds.err()).toBe(0);
    expect(feeds.out()).toMatch(/Mercosur test\s+es\s+active\s+2\s+\d+s ago\s+0/);
    expect(() => rmSync(path.join(dir, 'unused.db'))).toThrow(/ENOENT/);
  });
});
