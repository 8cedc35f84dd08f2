import type { AwaitingItem, ClassificationRecord, ClassificationSource, LlmUsage, MergeDecision, PendingItem } from '../../core/classification.js';
import type { StoredLensReading } from '../../core/lens.js';
import type { ThemeId } from '../../core/themes.js';
import { lensRow, readLensRow, type LensRow } from '../lens-row.js';
import type { PgSession } from './pg-session.js';

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
  awaitingLlm: boolean;
  classifiedAt: number;
}

const ITEM_TEXT = `items.id, items.content_hash AS "contentHash", items.title, items.summary, items.language, items.published_at AS "publishedAt"`;

/**
 * Labels and what the LLM classifier keeps (see sqlite/classification-store.ts): the answer cache,
 * the token ledger, the response modes, the pair verdicts. Writes of several rows are one
 * statement, or one transaction (the caller's, inside withTransaction).
 */
export function createPgClassificationStore(db: PgSession) {
  return {
    // An item is pending when it has no row or a row for older wording.
    pending: (options: { limit: number; afterId?: number }): Promise<PendingItem[]> =>
      db.query<PendingItem>(
        `SELECT ${ITEM_TEXT}, items.backlog
         FROM items LEFT JOIN classifications c ON c.item_id = items.id
         WHERE items.id > $1 AND (c.item_id IS NULL OR c.content_hash <> items.content_hash)
         ORDER BY items.id LIMIT $2`,
        [options.afterId ?? 0, options.limit],
      ),

    save: (batch: ClassificationRecord[]): Promise<void> =>
      db.atomic(async (tx) => {
        // One statement may not write a row twice: the last record of an item wins, as when saved one by one.
        // By item id: two workers saving overlapping batches lock the rows in one order, never in a deadlock.
        const records = [...new Map(batch.map((record) => [record.itemId, record])).values()].sort((a, b) => a.itemId - b.itemId);
        if (records.length === 0) return;
        const column = <T>(pick: (record: ClassificationRecord) => T) => records.map(pick);
        await tx.execute(
          `INSERT INTO classifications (item_id, content_hash, source, model, prompt_version, themes, scores, evidence, reason, awaiting_llm, classified_at)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[], $11::bigint[])
           ON CONFLICT (item_id) DO UPDATE SET content_hash = excluded.content_hash, source = excluded.source,
             model = excluded.model, prompt_version = excluded.prompt_version, themes = excluded.themes,
             scores = excluded.scores, evidence = excluded.evidence, reason = excluded.reason,
             awaiting_llm = excluded.awaiting_llm, classified_at = excluded.classified_at`,
          [
            column((r) => r.itemId),
            column((r) => r.contentHash),
            column((r) => r.source),
            column((r) => r.model),
            column((r) => r.promptVersion),
            column((r) => JSON.stringify(r.themes)),
            column((r) => JSON.stringify(r.scores)),
            column((r) => JSON.stringify(r.evidence)),
            column((r) => r.reason),
            column((r) => r.awaitingLlm === true),
            column((r) => r.classifiedAt),
          ],
        );
        await tx.execute(`DELETE FROM item_themes WHERE item_id = ANY ($1::bigint[])`, [column((r) => r.itemId)]);
        const themes = records.flatMap((r) => r.themes.map((theme) => ({ itemId: r.itemId, theme, score: r.scores[theme] ?? 1 })));
        if (themes.length > 0) {
          await tx.execute(`INSERT INTO item_themes (item_id, theme, score) SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[])`, [
            themes.map((t) => t.itemId),
            themes.map((t) => t.theme),
            themes.map((t) => t.score),
          ]);
        }
        await tx.execute(`DELETE FROM lens_readings WHERE item_id = ANY ($1::bigint[])`, [column((r) => r.itemId)]);
        const lens = records.flatMap((r) => (r.lens ? [lensRow(r.itemId, r.lens, r.classifiedAt)] : []));
        if (lens.length === 0) return;
        const field = <K extends keyof (typeof lens)[number]>(key: K) => lens.map((row) => row[key]);
        await tx.execute(
          `INSERT INTO lens_readings (item_id, direction, obstacles, actors, evidence, quote, source, importance_score, importance_fact, read_at)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::text[], $10::bigint[])`,
          [
            field('itemId'),
            field('direction'),
            field('obstacles'),
            field('actors'),
            field('evidence'),
            field('quote'),
            field('source'),
            field('importanceScore'),
            field('importanceFact'),
            field('readAt'),
          ],
        );
      }),

    async get(itemId: number): Promise<ClassificationRecord | undefined> {
      const [row] = await db.query<ClassificationRow>(
        `SELECT item_id AS "itemId", content_hash AS "contentHash", source, model, prompt_version AS "promptVersion",
           themes, scores, evidence, reason, awaiting_llm AS "awaitingLlm", classified_at AS "classifiedAt"
         FROM classifications WHERE item_id = $1`,
        [itemId],
      );
      if (!row) return undefined;
      return {
        ...row,
        themes: JSON.parse(row.themes) as ThemeId[],
        scores: JSON.parse(row.scores) as ClassificationRecord['scores'],
        evidence: JSON.parse(row.evidence) as ClassificationRecord['evidence'],
      };
    },

    async lensReadings(itemIds: readonly number[]): Promise<Map<number, StoredLensReading>> {
      const rows = await db.query<LensRow>(
        `SELECT item_id AS "itemId", direction, obstacles, actors, evidence, quote, source, importance_score AS "importanceScore",
           importance_fact AS "importanceFact", read_at AS "readAt"
         FROM lens_readings WHERE item_id = ANY ($1::bigint[])`,
        [itemIds],
      );
      return new Map(rows.map((row) => [row.itemId, readLensRow(row)]));
    },

    // A digest window holds the items classified inside it and published no more than one window before it.
    itemsWithTheme: async (theme: ThemeId, window: { from: number; to: number; limit?: number }): Promise<number[]> =>
      (
        await db.query<{ id: number }>(
          `SELECT items.id FROM item_themes JOIN items ON items.id = item_themes.item_id
             JOIN classifications c ON c.item_id = items.id
           WHERE item_themes.theme = $1 AND c.classified_at >= $2 AND c.classified_at < $3
             AND items.published_at >= $2::bigint - ($3::bigint - $2::bigint)
           ORDER BY items.published_at DESC, items.id DESC LIMIT $4`,
          [theme, window.from, window.to, window.limit ?? null],
        )
      ).map((row) => row.id),

    async cachedThemes(contentHashes: string[], model: string, promptVersion: string): Promise<Map<string, ThemeId[]>> {
      const rows = await db.query<{ contentHash: string; themes: string }>(
        `SELECT content_hash AS "contentHash", themes FROM llm_cache WHERE model = $1 AND prompt_version = $2 AND content_hash = ANY ($3::text[])`,
        [model, promptVersion, contentHashes],
      );
      return new Map(rows.map((row) => [row.contentHash, JSON.parse(row.themes) as ThemeId[]]));
    },
    async cacheThemes(entries: { contentHash: string; themes: ThemeId[] }[], model: string, promptVersion: string, now: number): Promise<void> {
      if (entries.length === 0) return;
      // DISTINCT ON: one statement may not write a row twice; the last entry for a hash wins, as one by one.
      await db.execute(
        `INSERT INTO llm_cache (content_hash, model, prompt_version, themes, created_at)
         SELECT DISTINCT ON (hash) hash, $1, $2, themes, $3::bigint
         FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS e (hash, themes, n) ORDER BY hash, n DESC
         ON CONFLICT (content_hash, model, prompt_version) DO UPDATE SET themes = excluded.themes, created_at = excluded.created_at`,
        [model, promptVersion, now, entries.map((e) => e.contentHash), entries.map((e) => JSON.stringify(e.themes))],
      );
    },

    mergeDecisions: (contentHashes: readonly string[]): Promise<MergeDecision[]> =>
      db.query<MergeDecision>(`SELECT hash_a AS a, hash_b AS b, same FROM merge_decisions WHERE hash_a = ANY ($1::text[]) AND hash_b = ANY ($1::text[])`, [
        contentHashes,
      ]),
    async saveMergeDecisions(decisions: MergeDecision[], model: string, now: number): Promise<void> {
      if (decisions.length === 0) return;
      const pairs = decisions.map(({ a, b, same }) => (a < b ? { a, b, same } : { a: b, b: a, same }));
      await db.execute(
        `INSERT INTO merge_decisions (hash_a, hash_b, same, model, decided_at)
         SELECT DISTINCT ON (a, b) a, b, same, $1, $2::bigint
         FROM unnest($3::text[], $4::text[], $5::boolean[]) WITH ORDINALITY AS d (a, b, same, n) ORDER BY a, b, n DESC
         ON CONFLICT (hash_a, hash_b) DO UPDATE SET same = excluded.same, model = excluded.model, decided_at = excluded.decided_at`,
        [model, now, pairs.map((p) => p.a), pairs.map((p) => p.b), pairs.map((p) => p.same)],
      );
    },

    // Oldest first: they have waited longest. Their wording is still the classified one (else they are pending).
    awaitingLlm: (options: { limit: number; afterId?: number }): Promise<AwaitingItem[]> =>
      db.query<AwaitingItem>(
        `SELECT ${ITEM_TEXT}, c.classified_at AS "classifiedAt"
         FROM classifications c JOIN items ON items.id = c.item_id
         WHERE c.awaiting_llm AND c.content_hash = items.content_hash AND items.id > $1
         ORDER BY items.id LIMIT $2`,
        [options.afterId ?? 0, options.limit],
      ),
    countAwaitingLlm: async (): Promise<number> =>
      ((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM classifications WHERE awaiting_llm`))[0] as { n: number }).n,

    savedMode: async (server: string, model: string): Promise<string | undefined> =>
      (await db.query<{ mode: string }>(`SELECT mode FROM llm_modes WHERE server = $1 AND model = $2`, [server, model]))[0]?.mode,
    async saveMode(server: string, model: string, mode: string, at: number): Promise<void> {
      await db.execute(
        `INSERT INTO llm_modes (server, model, mode, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (server, model) DO UPDATE SET mode = excluded.mode, updated_at = excluded.updated_at`,
        [server, model, mode, at],
      );
    },

    async recordUsage(entry: LlmUsage): Promise<void> {
      await db.execute(
        `INSERT INTO llm_usage (at, model, prompt_tokens, completion_tokens, total_tokens, items, mode, purpose) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [entry.at, entry.model, entry.promptTokens, entry.completionTokens, entry.totalTokens, entry.items, entry.mode, entry.purpose ?? 'classify'],
      );
    },
    // SUM of integers is numeric in PostgreSQL (a string to pg); the cast keeps it a number.
    tokensUsedSince: async (at: number): Promise<number> =>
      ((await db.query<{ n: number }>(`SELECT COALESCE(SUM(total_tokens), 0)::bigint AS n FROM llm_usage WHERE at >= $1`, [at]))[0] as { n: number }).n,
    /** Every call at or after `at`, in the order made (for tests and benchmarks). */
    usageSince: (at: number): Promise<LlmUsage[]> =>
      db.query<LlmUsage>(
        `SELECT at, model, prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens", total_tokens AS "totalTokens",
           items, mode, purpose
         FROM llm_usage WHERE at >= $1 ORDER BY id`,
        [at],
      ),
  };
}
