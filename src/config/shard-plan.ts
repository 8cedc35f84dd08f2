import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { DatabaseTarget } from './database-target.js';

/** `discord.shards` in the config file: how many gateway shards the bot runs, or Discord's recommendation. */
export const shardCountSchema = z.union([z.number().int().min(1).max(1024), z.literal('auto')]);
export type ShardCount = z.infer<typeof shardCountSchema>;

/**
 * Which of the bot's gateway shards this process runs: all of them (one process, discord.js's own
 * sharding), or the ids `--shards` / `SANCOCHO_SHARDS` picked, so several bot workers split them.
 */
export interface ShardPlan {
  count: ShardCount;
  ids: 'all' | number[];
}

const idList = z
  .string()
  .trim()
  .regex(/^\d+(\s*,\s*\d+)*$/, 'must be shard ids separated by commas, e.g. 0,1')
  .transform((text) => [...new Set(text.split(',').map((id) => Number(id.trim())))].sort((a, b) => a - b));

/**
 * The plan from the config file's count and the picked ids (as written). Picking needs a fixed count
 * (every bot worker must split the same one; `auto` could differ between them) and PostgreSQL (on
 * SQLite only one process may run, and it runs every shard). A problem is a ConfigError.
 */
export function shardPlan(count: ShardCount | undefined, picked: string | undefined, database: DatabaseTarget): ShardPlan | undefined {
  if (picked === undefined) return count === undefined ? undefined : { count, ids: 'all' };
  const parsed = idList.safeParse(picked);
  if (!parsed.success) throw new ConfigError(`--shards / SANCOCHO_SHARDS: ${parsed.error.issues[0]?.message ?? 'invalid'} (got "${picked}")`);
  const ids = parsed.data;
  if (count === undefined) throw new ConfigError('--shards / SANCOCHO_SHARDS picks among the shards of `discord.shards`: set `discord: { shards: <count> }` in the config file');
  if (count === 'auto') {
    throw new ConfigError('--shards / SANCOCHO_SHARDS needs `discord.shards` to be a number: every bot worker must split the same count, and `auto` may differ between them');
  }
  const outside = ids.filter((id) => id >= count);
  if (outside.length > 0) throw new ConfigError(`--shards / SANCOCHO_SHARDS: shard ${outside.join(', ')} does not exist; with discord.shards: ${count} the ids are 0 to ${count - 1}`);
  if (ids.length === count) return { count, ids: 'all' };
  if (database.kind === 'sqlite') {
    throw new ConfigError(
      `--shards / SANCOCHO_SHARDS: with SQLite only one process may run, and it runs all ${count} shards; splitting shards between bot workers needs PostgreSQL`,
    );
  }
  return { count, ids };
}

/**
 * Whether this process registers the slash commands: the one running shard 0 (or every shard).
 * Each bot worker would otherwise overwrite the same list again at every start; which one does it
 * is fixed by the plan, with no coordination between them.
 */
export function registersCommands(plan: ShardPlan | undefined): boolean {
  return plan === undefined || plan.ids === 'all' || plan.ids.includes(0);
}
