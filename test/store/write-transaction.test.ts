import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { writeTransaction } from '../../src/store/write-transaction.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

describe('write transactions', () => {
  it('take the write lock when they begin (BEGIN IMMEDIATE), before their first statement', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-tx-'));
    const file = path.join(dir, 'sancocho.db');
    const db = openDatabase(file);
    const other = new BetterSqlite3(file, { timeout: 0 });
    try {
      const otherCanWrite = () => {
        try {
          other.exec('BEGIN IMMEDIATE');
          other.exec('ROLLBACK');
          return true;
        } catch (error) {
          return `${(error as { code?: string }).code}`;
        }
      };
      expect(otherCanWrite()).toBe(true);
      expect(writeTransaction(db, otherCanWrite)()).toBe('SQLITE_BUSY');
    } finally {
      other.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are all made with writeTransaction: no deferred db.transaction() anywhere else in src/', () => {
    const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const deferred = files.filter((file) => file !== path.join('store', 'write-transaction.ts') && /\.transaction\(/.test(readFileSync(path.join(SRC, file), 'utf8')));
    expect(deferred).toEqual([]);
  });
});
