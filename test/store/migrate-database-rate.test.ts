import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTextGenerator } from '../../src/bench/sample-text.js';
import { createLogger } from '../../src/core/logger.js';
import { migrateDatabase } from '../../src/store/migrate-database.js';
import { openDatabase } from '../../src/store/open-database.js';
import { writeTransaction } from '../../src/store/write-transaction.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';

/**
 * The copy rate of `sancocho migrate` on a generated store: per item an item_feeds row, a
 * classification and its theme rows, as the bot writes them. A few thousand items by default,
 * enough to cross batches; the README's figure is this test at 100 000
 * (SANCOCHO_MIGRATE_RATE_ITEMS=100000), printed on the console.
 */
const ITEMS = Number(process.env.SANCOCHO_MIGRATE_RATE_ITEMS || 3000);
const FEEDS = 20;

describe.skipIf(!TEST_DATABASE_URL)(`sancocho migrate on a generated store of ${ITEMS} items`, () => {
  let schema: TestSchema;
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-migrate-rate-'));
    file = path.join(dir, 'sancocho.db');
    const db = openDatabase(file);
    try {
      generateStore(db, ITEMS);
    } finally {
      db.close();
    }
  }, 600_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schema?.drop();
  });

  it('copies every row, then copies none again; the rates go to the console', async () => {
    schema = await createTestSchema();
    const log = createLogger({ level: 'silent', destination: process.stderr });
    const first = await migrateDatabase({ from: file, to: schema.url, force: false }, log);
    const rows = first.tables.reduce((sum, table) => sum + table.copied, 0);
    expect(first.tables.every((table) => table.sqlite === table.postgres && table.copied === table.sqlite)).toBe(true);
    expect(first.tables.find((table) => table.table === 'items')?.copied).toBe(ITEMS);
    const second = await migrateDatabase({ from: file, to: schema.url, force: false }, log);
    expect(second.tables.every((table) => table.copied === 0 && table.sqlite === table.postgres)).toBe(true);
    console.log(
      `migrate: ${ITEMS} items, ${rows} rows copied in ${first.seconds.toFixed(1)} s ` +
        `(${Math.round(rows / first.seconds)} rows/s, ${Math.round(ITEMS / first.seconds)} items/s); ` +
        `again, nothing copied, in ${second.seconds.toFixed(1)} s`,
    );
  }, 600_000);
});

/** Items spread over feeds and a month, each with its feed row, its classification and its themes. */
function generateStore(db: ReturnType<typeof openDatabase>, size: number): void {
  const start = Date.UTC(2026, 10, 1);
  const addFeed = db.prepare(`INSERT INTO feeds (url, name, origin, created_at) VALUES (?, ?, 'config', ?)`);
  for (let feed = 1; feed <= FEEDS; feed++) addFeed.run(`https://news.example/feed/${feed}.xml`, `Feed ${feed}`, start);
  const item = db.prepare(
    `INSERT INTO items (id, feed_id, guid, url, canonical_url, title, title_key, summary, language, source, source_key,
       published_at, dated, content_hash, backlog, fetched_at, updated_at)
     VALUES (@id, @feedId, @guid, @url, @url, @title, @title, @summary, @language, NULL, @sourceKey, @at, 1, @guid, 0, @at, @at)`,
  );
  const itemFeed = db.prepare(`INSERT INTO item_feeds (feed_id, entry_key, item_id, first_seen_at) VALUES (?, ?, ?, ?)`);
  const classification = db.prepare(
    `INSERT INTO classifications (item_id, content_hash, source, themes, scores, evidence, classified_at) VALUES (?, ?, 'offline', ?, '{}', '{}', ?)`,
  );
  const theme = db.prepare(`INSERT INTO item_themes (item_id, theme, score) VALUES (?, ?, 0.8)`);
  const text = createTextGenerator(5);
  const spacing = (30 * 86_400_000) / size;
  writeTransaction(db, () => {
    for (let id = 1; id <= size; id++) {
      const generated = text.item();
      const feedId = (id % FEEDS) + 1;
      const at = Math.round(start + id * spacing);
      const guid = `g${id}`;
      item.run({ id, feedId, guid, url: `https://news.example/${feedId}/${id}`, title: generated.title, summary: generated.summary, language: generated.language, sourceKey: `feed:${feedId}`, at });
      itemFeed.run(feedId, guid, id, at);
      classification.run(id, guid, JSON.stringify(generated.themes), at);
      for (const name of generated.themes) theme.run(id, name);
    }
  })();
}
