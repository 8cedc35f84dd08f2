import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { openDatabase } from '../../src/store/open-database.js';
import { captureIO } from '../support/capture-io.js';

/** Nothing listens on loopback port 1: a connection is refused at once. */
const UNREACHABLE = 'postgres://sancocho:s3cret@127.0.0.1:1/sancocho';

/** `sancocho migrate` refuses what it cannot copy in one line on stderr, exit 2, no stack trace and no password. */
describe('sancocho migrate refuses', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-migrate-'));
    file = path.join(dir, 'sancocho.db');
    openDatabase(file).close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function migrate(from: string, to: string) {
    const io = captureIO({});
    const code = await runCli(['migrate', '--from', from, '--to', to], io);
    expect(io.out()).toBe('');
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).not.toContain('s3cret');
    expect(io.err()).not.toMatch(/\n\s+at /);
    return { code, message: io.err().trim() };
  }

  it.each([
    ['a URL of another scheme', 'mysql://sancocho:s3cret@db.internal/sancocho', 'mysql://sancocho:***@db.internal/sancocho: not a postgres:// URL;'],
    ['a file path', 'data/copy.db', 'data/copy.db: not a postgres:// URL;'],
    ['a postgres:// URL that does not parse', 'postgres://sancocho:s3cret@[db/x', 'postgres://sancocho:***@[db/x: not a valid postgres:// URL,'],
  ])('a --to that is %s', async (_case, to, says) => {
    const { code, message } = await migrate(file, to);
    expect(code).toBe(2);
    expect(message).toContain(`sancocho: migrate: --to ${says}`);
    expect(message).toMatch(/e\.g\. postgres:\/\/user@host:5432\/\w+$/);
  });

  it('a --from that does not exist', async () => {
    expect(await migrate(path.join(dir, 'missing.db'), UNREACHABLE)).toEqual({ code: 2, message: `sancocho: ${path.join(dir, 'missing.db')}: no such file` });
  });

  it('a --from that is not a SQLite file, or not Sancocho’s', async () => {
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'feeds: []\n'.repeat(100));
    expect(await migrate(text, UNREACHABLE)).toEqual({ code: 2, message: `sancocho: ${text} is not a SQLite database (is the path right?)` });
    const other = path.join(dir, 'other.db');
    new BetterSqlite3(other).exec('CREATE TABLE notes (text TEXT)');
    expect(await migrate(other, UNREACHABLE)).toEqual({
      code: 2,
      message: `sancocho: ${other} holds no Sancocho data (a SQLite file without Sancocho's schema); is the path right?`,
    });
  });

  it('a --from a newer Sancocho wrote', async () => {
    const db = new BetterSqlite3(file);
    db.pragma('user_version = 999');
    db.close();
    const { code, message } = await migrate(file, UNREACHABLE);
    expect(code).toBe(2);
    expect(message).toMatch(/was written by a newer Sancocho \(schema version 999; this one knows up to \d+\); copy it with that version$/);
  });

  it('a PostgreSQL server it cannot reach, naming it without the password', async () => {
    expect(await migrate(file, UNREACHABLE)).toEqual({
      code: 2,
      message:
        'sancocho: database postgres://sancocho:***@127.0.0.1:1/sancocho: cannot connect to the PostgreSQL server (ECONNREFUSED); is it running, and are the host and port right?',
    });
  });
});
