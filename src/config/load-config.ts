import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { configSchema, healthSchema, type HealthConfig, type SancochoConfig } from './config-schema.js';
import { formatZodError } from './format-zod-error.js';

/** The package root, so defaults resolve the same from src/ (tests) and dist/ (installed). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_CONFIG_PATH = path.join(PACKAGE_ROOT, 'config', 'sancocho.yaml');

export interface LoadedConfig extends SancochoConfig {
  /** The file the configuration came from, for messages. */
  source: string;
}

/**
 * Reads and validates the configuration once, at start-up. `SANCOCHO_CONFIG` picks the file and
 * `SANCOCHO_DB` overrides the database path, `SANCOCHO_HEALTH_PORT` / `SANCOCHO_HEALTH_HOST` the
 * health listener. Every problem is a ConfigError naming the file and key (or the variable).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file = env.SANCOCHO_CONFIG ? path.resolve(env.SANCOCHO_CONFIG) : DEFAULT_CONFIG_PATH;
  if (!existsSync(file)) throw new ConfigError(`${file}: configuration file not found (set SANCOCHO_CONFIG to its path)`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`${file}: not valid YAML: ${detail}`, { cause: error });
  }
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(formatZodError(file, parsed.error), { cause: parsed.error });
  const config = parsed.data;
  const duplicate = findDuplicateFeed(config.feeds.map((feed) => feed.url));
  if (duplicate) throw new ConfigError(`${file}: feeds: ${duplicate} is listed twice`);
  const database = env.SANCOCHO_DB ?? config.database;
  return { ...config, database, health: healthSettings(env, config.health), source: file };
}

/**
 * The environment overrides `health`. Only a port (from either place) turns the listener on, so an
 * image that sets the host can still be run without it by emptying SANCOCHO_HEALTH_PORT.
 */
function healthSettings(env: NodeJS.ProcessEnv, configured: HealthConfig | undefined): HealthConfig | undefined {
  const port = env.SANCOCHO_HEALTH_PORT?.trim() || undefined;
  const host = env.SANCOCHO_HEALTH_HOST?.trim() || undefined;
  if (port === undefined && (host === undefined || configured === undefined)) return configured;
  const parsed = healthSchema.safeParse({ port: port === undefined ? configured?.port : Number(port), host: host ?? configured?.host });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path[0] === 'host' ? 'SANCOCHO_HEALTH_HOST' : 'SANCOCHO_HEALTH_PORT';
    throw new ConfigError(`${variable}: ${issue?.message ?? 'invalid'} (got "${variable === 'SANCOCHO_HEALTH_HOST' ? host : port}")`);
  }
  return parsed.data;
}

function findDuplicateFeed(urls: string[]): string | undefined {
  const seen = new Set<string>();
  for (const url of urls) {
    if (seen.has(url)) return url;
    seen.add(url);
  }
  return undefined;
}
