import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCORD_API } from '../../src/config/destination.js';
import { childEnvironment, readEnvironment } from '../../src/config/environment.js';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('the environment', () => {
  it.each([
    [{}, 'https://discord.com/api'],
    [{ DISCORD_API_BASE: 'http://nirn:8080/api' }, 'http://nirn:8080/api'],
    [{ DISCORD_API_BASE: 'http://nirn:8080/api/v10/' }, 'http://nirn:8080/api'],
    [{ DISCORD_API_BASE: '  ' }, 'https://discord.com/api'],
  ])('takes the REST base from %j', (env, expected) => {
    expect(readEnvironment(env).discord.apiBase ?? DEFAULT_DISCORD_API).toBe(expected);
  });

  it('reads every documented variable into typed settings, blanks as unset', () => {
    const environment = readEnvironment({
      SANCOCHO_CONFIG: 'config/other.yaml',
      SANCOCHO_DB: '/data/sancocho.db',
      SANCOCHO_DATABASE_URL: ' postgres://sancocho@db/sancocho ',
      SANCOCHO_HEALTH_PORT: ' 8080 ',
      SANCOCHO_HEALTH_HOST: '',
      SANCOCHO_ROLE: ' poller ',
      DISCORD_TOKEN: ' bot-token ',
      DISCORD_GUILD_ID: '123456789012345678',
      DISCORD_APPLICATION_ID: '',
      OPENAI_API_KEY: 'sk-test',
      LOG_LEVEL: 'debug',
      DEBUG: '1',
      SANCOCHO_SHARDS: ' 0,1 ',
      PATH: '/usr/bin',
    });
    expect(environment).toEqual({
      configFile: 'config/other.yaml',
      database: '/data/sancocho.db',
      databaseUrl: 'postgres://sancocho@db/sancocho',
      health: { port: '8080', host: undefined },
      role: 'poller',
      discord: { token: 'bot-token', apiBase: undefined, guildId: '123456789012345678', applicationId: undefined },
      shardIds: '0,1',
      openaiApiKey: 'sk-test',
      logLevel: 'debug',
      debug: true,
    });
  });

  it('tells a child process the bench starts its settings, and nothing else of the parent’s but PATH', () => {
    const parent = { PATH: '/usr/bin', SANCOCHO_DATABASE_URL: 'postgres://elsewhere/db', SANCOCHO_ROLE: 'bot', DISCORD_TOKEN: 'real-token' };
    const child = childEnvironment(parent, { configFile: '/tmp/b/sancocho.yaml', logLevel: 'info', discord: { token: 'peer-token', apiBase: 'http://127.0.0.1:9/api' } });
    expect(readEnvironment(child)).toMatchObject({
      configFile: '/tmp/b/sancocho.yaml',
      database: undefined,
      databaseUrl: undefined,
      role: undefined,
      logLevel: 'info',
      discord: { token: 'peer-token', apiBase: 'http://127.0.0.1:9/api' },
    });
    expect(childEnvironment(parent, { configFile: 'c.yaml', logLevel: 'silent', database: '/tmp/s.db' })).toEqual({
      PATH: '/usr/bin',
      SANCOCHO_CONFIG: 'c.yaml',
      LOG_LEVEL: 'silent',
      SANCOCHO_DB: '/tmp/s.db',
    });
  });

  it('is read in config/ only: no other module of src/ touches process.env or names a variable', () => {
    const readers = sourceFiles(src)
      .filter((file) => !file.startsWith(path.join(src, 'config') + path.sep))
      .filter((file) => /process\.env\b|\benv\.[A-Z_]+|\b(?:DISCORD_TOKEN|OPENAI_API_KEY|SANCOCHO_\w+|LOG_LEVEL)\s*[:=?]/.test(readFileSync(file, 'utf8').replace(/^\s*(?:\/\/|\*|\/\*\*).*$/gm, '')))
      .map((file) => path.relative(src, file));
    // processIO hands the process's environment to the CLI, which reads it through config/.
    expect(readers).toEqual([path.join('cli', 'cli-io.ts')]);
  });
});
