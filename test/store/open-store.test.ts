import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { TEST_DATABASE_URL, createTestSchema } from '../support/postgres-test-schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-open-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('opening the store', () => {
  it('opens a SQLite file for a path', async () => {
    const opened = await openStore(path.join(dir, 'sancocho.db'));
    try {
      expect(opened.engine).toBe('sqlite');
      expect(await opened.store.routes.all()).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('names a PostgreSQL server it cannot reach without its password', async () => {
    // Port 1 on loopback: nothing listens there, and nothing leaves the machine.
    const error = await openStore('postgres://bot:s3cret@127.0.0.1:1/news').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toBe(
      'database postgres://bot:***@127.0.0.1:1/news: cannot connect to the PostgreSQL server (ECONNREFUSED); is it running, and are the host and port right?',
    );
  });

  it.skipIf(!TEST_DATABASE_URL)('opens and migrates a PostgreSQL database for a postgres:// URL', async () => {
    const schema = await createTestSchema();
    try {
      const opened = await openStore(schema.url);
      try {
        expect(opened.engine).toBe('postgres');
        expect(await opened.store.routes.add({ guildId: 'g', theme: 'china-latam', channelId: 'c' }, 'u', 0)).toBe(true);
        expect(await opened.store.routes.all()).toEqual([{ guildId: 'g', theme: 'china-latam', channelId: 'c' }]);
      } finally {
        await opened.close();
      }
    } finally {
      await schema.drop();
    }
  });
});
