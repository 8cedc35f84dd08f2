/**
 * The tables `sancocho migrate` copies from SQLite to PostgreSQL, parents before children, so every
 * reference lands on a row already copied. Both engines' migrations build each of them
 * (migrations.ts, postgres/pg-migrations.ts); test/store/copy-to-postgres.test.ts holds this list
 * to both schemas, so a table added to one engine must be placed here or below.
 */
export const COPIED_TABLES = [
  'feeds',
  'items',
  'item_feeds',
  'classifications',
  'item_themes',
  'lens_readings',
  'llm_cache',
  'llm_usage',
  'llm_modes',
  'merge_decisions',
  'digest_schedules',
  'digest_claims',
  'digests',
  'digest_parts',
  'digest_part_items',
  'delivered_items',
  'destination_errors',
  'digest_overviews',
  'theme_routes',
  'alerts',
  'alert_items',
  'alert_rules',
  'alert_mutes',
  'alert_settings',
] as const;

export type CopiedTable = (typeof COPIED_TABLES)[number];

/** SQLite's tables that stay behind, by name or name prefix, and why. */
export const SQLITE_ONLY_TABLES: Readonly<Record<string, string>> = {
  writer_lock: "who holds this file's single-writer lock; PostgreSQL has no such lock yet",
  // items_fts and its shadow tables (items_fts_data, items_fts_idx…).
  items_fts: "SQLite's full-text index; PostgreSQL generates its search column from the copied titles and summaries",
};

/** PostgreSQL's tables that no copy fills, and why. */
export const POSTGRES_ONLY_TABLES: Readonly<Record<string, string>> = {
  item_search_blocks: "bounds on search scores per block of item ids, which PostgreSQL's triggers build from the copied items",
};

/** Whether a SQLite table is one of those left behind (an FTS5 index's shadow tables go with it). */
export function isSqliteOnly(table: string): boolean {
  return Object.keys(SQLITE_ONLY_TABLES).some((name) => table === name || table.startsWith(`${name}_`));
}
