import { z } from 'zod';
import { normalizeApiBase } from './destination.js';
import type { ShardPlan } from './shard-plan.js';

/** A variable set to blanks counts as unset. */
const setting = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

const environmentSchema = z.object({
  SANCOCHO_CONFIG: setting,
  SANCOCHO_DB: setting,
  SANCOCHO_DATABASE_URL: setting,
  SANCOCHO_BENCH_DATABASE_URL: setting,
  SANCOCHO_HEALTH_PORT: setting,
  SANCOCHO_HEALTH_HOST: setting,
  SANCOCHO_ROLE: setting,
  DISCORD_TOKEN: setting,
  DISCORD_API_BASE: setting,
  DISCORD_GUILD_ID: setting,
  DISCORD_APPLICATION_ID: setting,
  SANCOCHO_SHARDS: setting,
  OPENAI_API_KEY: setting,
  LOG_LEVEL: setting,
  DEBUG: setting,
});

/** Discord's credentials and routing, from the environment. */
export interface DiscordSettings {
  /** DISCORD_TOKEN: bot mode when set. */
  token: string | undefined;
  /**
   * DISCORD_API_BASE without its API version: REST through a proxy such as nirn-proxy; undefined means
   * Discord itself. The gateway URL still comes from `GET /gateway/bot`, as usual.
   */
  apiBase: string | undefined;
  /** DISCORD_GUILD_ID: the slash commands are registered in this server rather than globally. */
  guildId: string | undefined;
  /** DISCORD_APPLICATION_ID: saves asking Discord for it. */
  applicationId: string | undefined;
  /** The gateway shards this process runs (`discord.shards` with SANCOCHO_SHARDS); undefined: one shard, as Discord starts a bot. */
  shards?: ShardPlan | undefined;
}

/** No Discord credentials: a configuration made in code (the demo) previews its digests. */
export const NO_DISCORD: DiscordSettings = { token: undefined, apiBase: undefined, guildId: undefined, applicationId: undefined };

/** Every variable Sancocho reads, typed. The one place that knows their names. */
export interface Environment {
  /** SANCOCHO_CONFIG: another configuration file. */
  configFile: string | undefined;
  /** SANCOCHO_DB: overrides `database`. */
  database: string | undefined;
  /** SANCOCHO_DATABASE_URL: a postgres:// URL, which overrides `database` and SANCOCHO_DB. */
  databaseUrl: string | undefined;
  /** SANCOCHO_BENCH_DATABASE_URL: a PostgreSQL server `sancocho bench` also measures (as `--postgres`). */
  benchDatabaseUrl: string | undefined;
  /** SANCOCHO_HEALTH_PORT / SANCOCHO_HEALTH_HOST, as written: the configuration validates them with `health`. */
  health: { port: string | undefined; host: string | undefined };
  /** SANCOCHO_ROLE, as written: `sancocho start` validates it (config/role.ts); its --role flag wins. */
  role: string | undefined;
  discord: DiscordSettings;
  /** SANCOCHO_SHARDS (or `start --shards`), as written: which of `discord.shards` this process runs; load-config.ts checks it. */
  shardIds: string | undefined;
  /** OPENAI_API_KEY, for an `llm` section that uses OpenAI itself. */
  openaiApiKey: string | undefined;
  /** LOG_LEVEL. */
  logLevel: string | undefined;
  /** DEBUG: an unexpected error's stack is printed. */
  debug: boolean;
}

/** Reads the environment once; other modules take these typed values, never `process.env`. */
export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  // Every field is an optional string, so the only input that fails is a non-string, which a process environment never holds.
  const vars = environmentSchema.parse(env);
  return {
    configFile: vars.SANCOCHO_CONFIG,
    database: vars.SANCOCHO_DB,
    databaseUrl: vars.SANCOCHO_DATABASE_URL,
    benchDatabaseUrl: vars.SANCOCHO_BENCH_DATABASE_URL,
    health: { port: vars.SANCOCHO_HEALTH_PORT, host: vars.SANCOCHO_HEALTH_HOST },
    role: vars.SANCOCHO_ROLE,
    discord: {
      token: vars.DISCORD_TOKEN,
      apiBase: vars.DISCORD_API_BASE === undefined ? undefined : normalizeApiBase(vars.DISCORD_API_BASE),
      guildId: vars.DISCORD_GUILD_ID,
      applicationId: vars.DISCORD_APPLICATION_ID,
    },
    shardIds: vars.SANCOCHO_SHARDS,
    openaiApiKey: vars.OPENAI_API_KEY,
    logLevel: vars.LOG_LEVEL,
    debug: vars.DEBUG !== undefined,
  };
}

/** What a Sancocho child process the bench starts is told through its environment. */
export interface ChildSettings {
  configFile: string;
  logLevel: string;
  database?: string;
  discord?: { token: string; apiBase: string };
}

/**
 * The environment of a Sancocho child process (the bench's workers and start-up runs), named as
 * readEnvironment reads it: only the parent's PATH is passed on, so none of the caller's own
 * settings (a database URL, a role, a token) reaches the child.
 */
export function childEnvironment(parent: NodeJS.ProcessEnv, settings: ChildSettings): NodeJS.ProcessEnv {
  return {
    PATH: parent.PATH,
    SANCOCHO_CONFIG: settings.configFile,
    LOG_LEVEL: settings.logLevel,
    ...(settings.database === undefined ? {} : { SANCOCHO_DB: settings.database }),
    ...(settings.discord === undefined ? {} : { DISCORD_TOKEN: settings.discord.token, DISCORD_API_BASE: settings.discord.apiBase }),
  };
}
