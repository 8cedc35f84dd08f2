import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

function loadError(file: string): ConfigError {
  try {
    loadConfig({ SANCOCHO_CONFIG: file });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('ships a default file with at least 12 real feeds in Spanish, Portuguese and English', () => {
    const config = loadConfig({});
    expect(config.feeds.length).toBeGreaterThanOrEqual(12);
    expect(new Set(config.feeds.map((feed) => feed.language))).toEqual(new Set(['es', 'pt', 'en']));
    const topics = ['Mercosur', 'CELAC', 'Venezuela'];
    for (const topic of topics) expect(config.feeds.some((feed) => feed.url.includes(`q=${topic}`))).toBe(true);
    expect(config.database).toBe('data/sancocho.db');
  });

  it('fills defaults for everything but the feeds', () => {
    const config = loadConfig({ SANCOCHO_CONFIG: configFile('min.yaml', 'feeds: []\n') });
    expect(config.polling).toMatchObject({ maxRedirects: 5, maxBodyBytes: 10 * 1024 * 1024, concurrency: 8 });
    expect(config.llm).toBeUndefined();
  });

  it('takes the database path from SANCOCHO_DB over the file', () => {
    const config = loadConfig({ SANCOCHO_CONFIG: configFile('db.yaml', 'database: x.db\n'), SANCOCHO_DB: '/tmp/other.db' });
    expect(config.database).toBe('/tmp/other.db');
  });

  it.each([
    ['a feed without a name', 'feeds:\n  - url: https://a.example/rss\n', 'feeds.0.name'],
    ['a feed URL that is not http(s)', 'feeds:\n  - { url: "ftp://a.example/rss", name: A }\n', 'feeds.0.url: must be an absolute http(s) URL'],
    ['an unknown language', 'feeds:\n  - { url: "https://a.example/rss", name: A, language: fr }\n', 'feeds.0.language'],
    ['a misspelt key', 'poling:\n  concurrency: 2\n', 'poling'],
    ['a string where a number belongs', 'polling:\n  concurrency: many\n', 'polling.concurrency'],
    ['a bad cron expression', 'polling:\n  schedule: "every five minutes"\n', 'polling.schedule: not a valid cron expression'],
    ['a feed listed twice', 'feeds:\n  - { url: "https://a.example/rss", name: A }\n  - { url: "https://a.example/rss", name: B }\n', 'listed twice'],
  ])('rejects %s, naming the file and the key', (_case, yaml, expected) => {
    const file = configFile(`bad-${Math.random().toString(36).slice(2)}.yaml`, yaml);
    const error = loadError(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain(expected);
  });

  it('reports invalid YAML and a missing file clearly', () => {
    expect(loadError(configFile('broken.yaml', 'feeds: [\n')).message).toMatch(/broken\.yaml: not valid YAML/);
    expect(loadError(path.join(dir, 'absent.yaml')).message).toMatch(/absent\.yaml: configuration file not found/);
  });
});
