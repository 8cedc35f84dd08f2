import type { Database } from 'better-sqlite3';
import type { AwaitingItem, ClassificationRecord, ClassificationSource, LlmUsage, MergeDecision, PendingItem } from '../../core/classification.js';
import type { StoredLensReading } from '../../core/lens.js';
import type { ThemeId } from '../../core/themes.js';
import { lensRow, readLensRow, type LensRow } from '../lens-row.js';
import { writeTransaction } from '../write-transaction.js';

interface ClassificationRow {
  itemId: number;
  contentHash: string;
  source: ClassificationSource;
  model: string | null;
  promptVersion: string | null;
  themes: string;
  scores: string;
  evidence: string;
  reason: string | null;
  awaitingLlm: number;
  classifiedAt: number;
}

/**
 * Labels and what the LLM classifier keeps: the answer cache, the token ledger, the response modes,
 * the pair verdicts. Each write runs in its own transaction (or in the caller's, see withTransaction).
 */
export function createSqliteClassificationStore(db: Database) {
  // The LEFT JOIN walks items by id; an item is pending when it has no row or a row for older wording.
  const pending = db.prepare(
    `SELECT items.id, items.content_hash AS contentHash, items.title, items.summary, items.language,
       items.published_at AS publishedAt, items.backlog = 1 AS backlog
     FROM items LEFT JOIN classifications c ON c.item_id = items.id
     WHERE items.id > @afterId AND (c.item_id IS NULL OR c.content_hash != items.content_hash)
     ORDER BY items.id LIMIT @limit`,
  );
  const upsert = db.prepare(
    `INSERT INTO classifications (item_id, content_hash, source, model, prompt_version, themes, scores, evidence, reason, awaiting_llm, classified_at)
     VALUES (@itemId, @contentHash, @source, @model, @promptVersion, @themes, @scores, @evidence, @reason, @awaitingLlm, @classifiedAt)
     ON CONFLICT (item_id) DO UPDATE SET content_hash = excluded.content_hash, source = excluded.source,
       model = excluded.model, prompt_version = excluded.prompt_version, themes = excluded.themes,
       scores = excluded.scores, evidence = excluded.evidence, reason = excluded.reason,
       awaiting_llm = excluded.awaiting_llm, classified_at = excluded.classified_at`,
  );
  const clearThemes = db.prepare(`DELETE FROM item_themes WHERE item_id = ?`);
  const clearLens = db.prepare(`DELETE FROM lens_readings WHERE item_id = ?`);
  const addLens = db.prepare(
    `INSERT INTO lens_readings (item_id, direction, obstacles, actors, evidence, quote, source, importance_score, importance_fact, read_at)
     VALUES (@itemId, @direction, @obstacles, @actors, @evidence, @quote, @source, @importanceScore, @importanceFact, @readAt)`,
  );
  const lensOf = db.prepare(
    `SELECT item_id AS itemId, direction, obstacles, actors, evidence, quote, source, importance_score AS importanceScore,
       importance_fact AS importanceFact, read_at AS readAt
     FROM lens_readings WHERE item_id IN (SELECT value FROM json_each(?))`,
  );
  const addTheme = db.prepare(`INSERT INTO item_themes (item_id, theme, score) VALUES (?, ?, ?)`);
  const byItem = db.prepare(
    `SELECT item_id AS itemId, content_hash AS contentHash, source, model, prompt_version AS promptVersion,
       themes, scores, evidence, reason, awaiting_llm AS awaitingLlm, classified_at AS classifiedAt
     FROM classifications WHERE item_id = ?`,
  );
  // Oldest first: they have waited longest. Their wording is still the classified one (else they are pending).
  const awaiting = db.prepare(
    `SELECT items.id, items.content_hash AS contentHash, items.title, items.summary, items.language,
       items.published_at AS publishedAt, c.classified_at AS classifiedAt
     FROM classifications c JOIN items ON items.id = c.item_id
     WHERE c.awaiting_llm = 1 AND c.content_hash = items.content_hash AND items.id > @afterId
     ORDER BY items.id LIMIT @limit`,
  );
  const awaitingCount = db.prepare(`SELECT COUNT(*) AS n FROM classifications WHERE awaiting_llm = 1`);
  const getMode = db.prepare(`SELECT mode FROM llm_modes WHERE server = ? AND model = ?`);
  const putMode = db.prepare(
    `INSERT INTO llm_modes (server, model, mode, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (server, model) DO UPDATE SET mode = excluded.mode, updated_at = excluded.updated_at`,
  );
  // A digest window holds the items that became usable (classified) inside it, so an item published
  // just before a digest but stored or classified just after it is in the next digest, not in none.
  // Items published long before the window (more than one window earlier) are old news, not news.
  const withTheme = db.prepare(
    `SELECT items.id FROM item_themes JOIN items ON items.id = item_themes.item_id
       JOIN classifications c ON c.item_id = items.id
     WHERE item_themes.theme = @theme AND c.classified_at >= @from AND c.classified_at < @to
       AND items.published_at >= @from - (@to - @from)
     ORDER BY items.published_at DESC, items.id DESC LIMIT @limit`,
  );
  const cached = db.prepare(
    `SELECT content_hash AS contentHash, themes FROM llm_cache
     WHERE model = ? AND prompt_version = ? AND content_hash IN (SELECT value FROM json_each(?))`,
  );
  const cache = db.prepare(
    `INSERT OR REPLACE INTO llm_cache (content_hash, model, prompt_version, themes, created_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const usage = db.prepare(
    `INSERT INTO llm_usage (at, model, prompt_tokens, completion_tokens, total_tokens, items, mode, purpose)
     VALUES (@at, @model, @promptTokens, @completionTokens, @totalTokens, @items, @mode, @purpose)`,
  );
  const decided = db.prepare(
    `SELECT hash_a AS a, hash_b AS b, same FROM merge_decisions
     WHERE hash_a IN (SELECT value FROM json_each(@hashes)) AND hash_b IN (SELECT value FROM json_each(@hashes))`,
  );
  const decide = db.prepare(
    `INSERT OR REPLACE INTO merge_decisions (hash_a, hash_b, same, model, decided_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const tokensSince = db.prepare(`SELECT COALESCE(SUM(total_tokens), 0) AS n FROM llm_usage WHERE at >= ?`);
  const usageSince = db.prepare(
    `SELECT at, model, prompt_tokens AS promptTokens, completion_tokens AS completionTokens, total_tokens AS totalTokens,
       items, mode, purpose
     FROM llm_usage WHERE at >= ? ORDER BY id`,
  );

  const save = writeTransaction(db, (records: ClassificationRecord[]) => {
    for (const record of records) {
      upsert.run({
        ...record,
        themes: JSON.stringify(record.themes),
        scores: JSON.stringify(record.scores),
        evidence: JSON.stringify(record.evidence),
        awaitingLlm: record.awaitingLlm ? 1 : 0,
      });
      clearThemes.run(record.itemId);
      for (const theme of record.themes) addTheme.run(record.itemId, theme, record.scores[theme] ?? 1);
      clearLens.run(record.itemId);
      if (record.lens) addLens.run(lensRow(record.itemId, record.lens, record.classifiedAt));
    }
  });

  const cacheThemes = writeTransaction(
    db,
    (entries: { contentHash: string; themes: ThemeId[] }[], model: string, promptVersion: string, now: number) => {
      for (const entry of entries) cache.run(entry.contentHash, model, promptVersion, JSON.stringify(entry.themes), now);
    },
  );
  const saveMergeDecisions = writeTransaction(db, (decisions: MergeDecision[], model: string, now: number) => {
    for (const { a, b, same } of decisions) {
      const [first, second] = a < b ? [a, b] : [b, a];
      decide.run(first, second, same ? 1 : 0, model, now);
    }
  });

  return {
    pending: async (options: { limit: number; afterId?: number }): Promise<PendingItem[]> =>
      (pending.all({ afterId: options.afterId ?? 0, limit: options.limit }) as (Omit<PendingItem, 'backlog'> & { backlog: number })[]).map(
        (row) => ({ ...row, backlog: row.backlog === 1 }),
      ),

    save: async (records: ClassificationRecord[]): Promise<void> => save(records),

    async get(itemId: number): Promise<ClassificationRecord | undefined> {
      const row = byItem.get(itemId) as ClassificationRow | undefined;
      if (!row) return undefined;
      return {
        ...row,
        awaitingLlm: row.awaitingLlm === 1,
        themes: JSON.parse(row.themes) as ThemeId[],
        scores: JSON.parse(row.scores) as ClassificationRecord['scores'],
        evidence: JSON.parse(row.evidence) as ClassificationRecord['evidence'],
      };
    },

    async lensReadings(itemIds: readonly number[]): Promise<Map<number, StoredLensReading>> {
      const rows = lensOf.all(JSON.stringify(itemIds)) as LensRow[];
      return new Map(rows.map((row) => [row.itemId, readLensRow(row)]));
    },

    itemsWithTheme: async (theme: ThemeId, window: { from: number; to: number; limit?: number }): Promise<number[]> =>
      (withTheme.all({ theme, from: window.from, to: window.to, limit: window.limit ?? -1 }) as { id: number }[]).map(
        (row) => row.id,
      ),

    async cachedThemes(contentHashes: string[], model: string, promptVersion: string): Promise<Map<string, ThemeId[]>> {
      const rows = cached.all(model, promptVersion, JSON.stringify(contentHashes)) as { contentHash: string; themes: string }[];
      return new Map(rows.map((row) => [row.contentHash, JSON.parse(row.themes) as ThemeId[]]));
    },
    cacheThemes: async (entries: { contentHash: string; themes: ThemeId[] }[], model: string, promptVersion: string, now: number): Promise<void> =>
      cacheThemes(entries, model, promptVersion, now),

    async mergeDecisions(contentHashes: readonly string[]): Promise<MergeDecision[]> {
      const rows = decided.all({ hashes: JSON.stringify(contentHashes) }) as { a: string; b: string; same: number }[];
      return rows.map((row) => ({ a: row.a, b: row.b, same: row.same === 1 }));
    },
    saveMergeDecisions: async (decisions: MergeDecision[], model: string, now: number): Promise<void> => saveMergeDecisions(decisions, model, now),

    awaitingLlm: async (options: { limit: number; afterId?: number }): Promise<AwaitingItem[]> =>
      awaiting.all({ afterId: options.afterId ?? 0, limit: options.limit }) as AwaitingItem[],
    countAwaitingLlm: async (): Promise<number> => (awaitingCount.get() as { n: number }).n,

    savedMode: async (server: string, model: string): Promise<string | undefined> =>
      (getMode.get(server, model) as { mode: string } | undefined)?.mode,
    saveMode: async (server: string, model: string, mode: string, at: number): Promise<void> => {
      putMode.run(server, model, mode, at);
    },

    recordUsage: async (entry: LlmUsage): Promise<void> => {
      usage.run({ ...entry, purpose: entry.purpose ?? 'classify' });
    },
    tokensUsedSince: async (at: number): Promise<number> => (tokensSince.get(at) as { n: number }).n,
    /** Every call at or after `at`, in the order made (for tests and benchmarks). */
    usageSince: async (at: number): Promise<LlmUsage[]> => usageSince.all(at) as LlmUsage[],
  };
}

export type SqliteClassificationStore = ReturnType<typeof createSqliteClassificationStore>;
