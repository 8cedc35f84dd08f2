import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { canonicalizeUrl } from '../feeds/canonical-url.js';
import { databaseProblem, databaseTarget } from './database-target.js';
import { configSchema, healthSchema, type HealthConfig, type SancochoConfig } from './config-schema.js';
import { parseRole, type Role } from './role.js';
import { readEnvironment, type DiscordSettings, type Environment } from './environment.js';
import { formatZodError } from './format-zod-error.js';
import { shardPlan } from './shard-plan.js';
import { parseYamlText } from './read-yaml-file.js';

/** The package root, so defaults resolve the same from src/ (tests) and dist/ (installed). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_CONFIG_PATH = path.join(PACKAGE_ROOT, 'config', 'sancocho.yaml');

export interface LoadedConfig extends Omit<SancochoConfig, 'discord'> {
  /** The file the configuration came from, for messages. */
  source: string;
  /** From the environment, like the secrets below: a configuration file never holds them; `shards` joins the file's count and SANCOCHO_SHARDS. */
  discord: DiscordSettings;
  /** OPENAI_API_KEY, for an `llm` section that uses OpenAI itself. */
  openaiApiKey?: string | undefined;
  /** SANCOCHO_ROLE, validated; `sancocho start --role` wins over it, and `all` is the default. */
  role?: Role | undefined;
}

/**
 * Reads and validates the configuration once, at start-up. `SANCOCHO_CONFIG` picks the file and
 * `SANCOCHO_DATABASE_URL` or `SANCOCHO_DB` overrides the database, `SANCOCHO_HEALTH_PORT` / `SANCOCHO_HEALTH_HOST` the
 * health listener; Discord's and OpenAI's credentials come along, and the gateway shards this process
 * runs (`discord.shards`, picked from by `start --shards` or SANCOCHO_SHARDS). Every problem is a ConfigError
 * naming the file and key (or the variable).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: { shards?: string | undefined } = {}): LoadedConfig {
  const vars = readEnvironment(env);
  const file = vars.configFile ? path.resolve(vars.configFile) : DEFAULT_CONFIG_PATH;
  if (!existsSync(file)) throw new ConfigError(`${file}: configuration file not found (set SANCOCHO_CONFIG to its path)`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    // Stopping here, never carrying on with no feeds: that would disable every feed in the database.
    throw new ConfigError(`${file}: cannot be read (${(error as { code?: string }).code ?? String(error)})`, { cause: error });
  }
  const raw = parseYamlText(text, file);
  // An empty or feed-less file would mark every configured feed removed: no feeds must be said.
  if (raw === null || raw === undefined) throw new ConfigError(`${file}: the file is empty; ${NO_FEEDS_HINT}`);
  const parsed = configSchema.safeParse(raw);
  const problems = parsed.success ? [] : [formatZodError(file, parsed.error)];
  if (typeof raw === 'object' && !Array.isArray(raw) && !('feeds' in raw)) problems.push(`${file}: feeds: missing; ${NO_FEEDS_HINT}`);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems.join('\n'), { cause: parsed.error });
  const config = parsed.data;
  const duplicate = findDuplicateFeed(config.feeds.map((feed) => feed.url));
  if (duplicate) throw new ConfigError(`${file}: feeds: ${duplicate}`);
  const database = databaseFrom(vars) ?? config.database;
  // `start --shards` wins over SANCOCHO_SHARDS.
  const shards = shardPlan(config.discord?.shards, flags.shards ?? vars.shardIds, databaseTarget(database));
  return {
    ...config,
    database,
    health: healthSettings(vars.health, config.health),
    source: file,
    discord: { ...vars.discord, shards },
    openaiApiKey: vars.openaiApiKey,
    role: roleFrom(vars.role),
  };
}

/**
 * The environment overrides `health`. Only a port (from either place) turns the listener on, so an
 * image that sets the host can still be run without it by emptying SANCOCHO_HEALTH_PORT.
 */
function healthSettings({ port, host }: Environment['health'], configured: HealthConfig | undefined): HealthConfig | undefined {
  if (port === undefined && (host === undefined || configured === undefined)) return configured;
  const parsed = healthSchema.safeParse({ port: port === undefined ? configured?.port : Number(port), host: host ?? configured?.host });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path[0] === 'host' ? 'SANCOCHO_HEALTH_HOST' : 'SANCOCHO_HEALTH_PORT';
    throw new ConfigError(`${variable}: ${issue?.message ?? 'invalid'} (got "${variable === 'SANCOCHO_HEALTH_HOST' ? host : port}")`);
  }
  return parsed.data;
}

function roleFrom(value: string | undefined): Role | undefined {
  if (value === undefined) return undefined;
  const parsed = parseRole(value);
  if (parsed.kind === 'invalid') throw new ConfigError(`SANCOCHO_ROLE: ${parsed.message}`);
  return parsed.role;
}

const NO_FEEDS_HINT = 'list the feeds to poll under `feeds:`, or write `feeds: []` to poll none';

/**
 * Two entries that are one feed: the same URL, or URLs that differ only by tracking parameters, a
 * fragment, letter case in the scheme or host or a default port (canonicalized like item URLs).
 * Each is kept as written for the request; the sentence shows them with passwords redacted.
 */
function findDuplicateFeed(urls: string[]): string | undefined {
  const seen = new Map<string, string>();
  for (const url of urls) {
    const key = canonicalizeUrl(url) ?? url;
    const first = seen.get(key);
    if (first === url) return `${redactCredentials(url)} is listed twice`;
    if (first !== undefined) {
      return `${redactCredentials(url)} is the same feed as ${redactCredentials(first)} (they differ only by tracking parameters, a fragment or spelling); list it once`;
    }
    seen.set(key, url);
  }
  return undefined;
}

/**
 * The environment overrides `database`: SANCOCHO_DATABASE_URL (PostgreSQL) first, then SANCOCHO_DB
 * (either kind). A bad value is refused naming the variable, never its password.
 */
function databaseFrom(vars: Environment): string | undefined {
  const url = vars.databaseUrl;
  if (url === undefined) return vars.database;
  const problem = databaseTarget(url).kind === 'postgres' ? databaseProblem(url) : 'must be a postgres:// URL, e.g. postgres://user@host:5432/db';
  if (problem !== null) throw new ConfigError(`SANCOCHO_DATABASE_URL: ${problem} (got ${redactCredentials(url)})`);
  return url;
}
