import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';

describe('database', () => {
  it('creates its directory, runs in WAL mode and is migrated to the latest version', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-db-'));
    try {
      const db = openDatabase(path.join(dir, 'nested', 'sancocho.db'));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
      db.close();
      // Opening again applies nothing twice.
      const again = openDatabase(path.join(dir, 'nested', 'sancocho.db'));
      expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('numbers migrations 1, 2, 3… without gaps', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });
});
