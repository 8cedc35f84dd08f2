import { digestScheduleSchema } from '../../src/config/config-schema.js';
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

  it('takes how long a digester holds a slot claim or a part lease from delivery.leaseSeconds, and refuses a nonsense one', () => {
    expect(loadConfig({ SANCOCHO_CONFIG: configFile('lease.yaml', 'feeds: []\ndelivery: { leaseSeconds: 6 }\n') }).delivery).toEqual({ leaseSeconds: 6 });
    expect(loadConfig({ SANCOCHO_CONFIG: configFile('no-lease.yaml', 'feeds: []\n') }).delivery).toBeUndefined();
    expect(loadError(configFile('bad-lease.yaml', 'feeds: []\ndelivery: { leaseSeconds: 0 }\n')).message).toContain('delivery.leaseSeconds');
  });

  it('takes the database path from SANCOCHO_DB over the file', () => {
    const config = loadConfig({ SANCOCHO_CONFIG: configFile('db.yaml', 'feeds: []\ndatabase: x.db\n'), SANCOCHO_DB: '/tmp/other.db' });
    expect(config.database).toBe('/tmp/other.db');
  });

  it('takes a postgres:// URL as the database, from the file or from SANCOCHO_DATABASE_URL over both the file and SANCOCHO_DB', () => {
    const file = configFile('pg.yaml', 'feeds: []\ndatabase: postgres://sancocho@db.internal/news\n');
    expect(loadConfig({ SANCOCHO_CONFIG: file }).database).toBe('postgres://sancocho@db.internal/news');
    const url = 'postgresql://bot:secret@10.0.0.5:5433/sancocho';
    expect(loadConfig({ SANCOCHO_CONFIG: file, SANCOCHO_DB: 'x.db', SANCOCHO_DATABASE_URL: url }).database).toBe(url);
  });

  it('refuses a SANCOCHO_DATABASE_URL that is not a postgres:// URL, without showing its password', () => {
    const env = { SANCOCHO_CONFIG: configFile('plain.yaml', 'feeds: []\n'), SANCOCHO_DATABASE_URL: 'mysql://bot:secret@db/news' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow('SANCOCHO_DATABASE_URL: must be a postgres:// URL, e.g. postgres://user@host:5432/db (got mysql://bot:***@db/news)');
  });

  it.each([
    ['a database URL of another engine', 'feeds: []\ndatabase: mysql://db/news\n', 'database: a URL must be postgres:// (PostgreSQL)'],
    ['a postgres:// URL that does not parse', 'feeds: []\ndatabase: "postgres://db:port/news"\n', 'database: not a valid postgres:// URL'],
    ['a feed without a name', 'feeds:\n  - url: https://a.example/rss\n', 'feeds.0.name'],
    ['a feed URL that is not http(s)', 'feeds:\n  - { url: "ftp://a.example/rss", name: A }\n', 'feeds.0.url: must be an absolute http(s) URL'],
    ['an unknown language', 'feeds:\n  - { url: "https://a.example/rss", name: A, language: fr }\n', 'feeds.0.language'],
    ['a misspelt key', 'poling:\n  concurrency: 2\n', 'poling'],
    ['a string where a number belongs', 'polling:\n  concurrency: many\n', 'polling.concurrency'],
    ['a bad cron expression', 'polling:\n  schedule: "every five minutes"\n', 'polling.schedule: not a valid cron expression'],
    ['a feed listed twice', 'feeds:\n  - { url: "https://a.example/rss", name: A }\n  - { url: "https://a.example/rss", name: B }\n', 'listed twice'],
    ['a digest without a cron', 'feeds: []\ndigests:\n  - { name: daily }\n', 'digests.0.cron: a digest needs a cron expression'],
    ['an unknown schedule kind', 'feeds: []\ndigests:\n  - { name: daily, kind: newsletter, cron: "0 8 * * *" }\n', 'digests.0.kind'],
  ])('rejects %s, naming the file and the key', (_case, yaml, expected) => {
    const file = configFile(`bad-${Math.random().toString(36).slice(2)}.yaml`, yaml);
    const error = loadError(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain(expected);
  });

  it.each([
    ['polling.timeoutSeconds', 'polling:\n  timeoutSeconds: 2147484\n', 'at most 3600 seconds'],
    ['polling.connectTimeoutSeconds', 'polling:\n  connectTimeoutSeconds: 3000000\n', 'at most 300 seconds'],
    ['polling.defaultInterval', 'polling:\n  defaultInterval: 100000000\n', 'at most 10080 minutes'],
    ['polling.failingInterval', 'polling:\n  failingInterval: 100000000\n', 'at most 10080 minutes'],
    ['polling.maxBackoff', 'polling:\n  maxBackoff: 100000000\n', 'at most 10080 minutes'],
    ['feeds.0.interval', '  - { url: "https://a.example/rss", name: A, interval: 100000000 }\n', 'at most 10080 minutes'],
    ['llm.timeoutSeconds', 'llm:\n  model: m\n  timeoutSeconds: 2147484\n', 'at most 3600 seconds'],
    ['llm.maxRetryAfterSeconds', 'llm:\n  model: m\n  maxRetryAfterSeconds: 2147484\n', 'at most 3600 seconds'],
  ])('bounds the duration %s to what a timer accepts and what makes sense', (key, yaml, expected) => {
    const text = key.startsWith('feeds.') ? `feeds:\n${yaml}` : `feeds: []\n${yaml}`;
    const error = loadError(configFile(`long-${Math.random().toString(36).slice(2)}.yaml`, text));
    expect(error.message).toContain(`${key}: must be ${expected}`);
  });

  it('refuses an empty file and one without `feeds`, but takes `feeds: []` at its word', () => {
    const empty = configFile('empty.yaml', '');
    expect(loadError(empty).message).toBe(`${empty}: the file is empty; list the feeds to poll under \`feeds:\`, or write \`feeds: []\` to poll none`);
    const comments = configFile('comments.yaml', '# feeds go here\n');
    expect(loadError(comments).message).toContain(`${comments}: the file is empty`);
    const feedless = configFile('feedless.yaml', 'polling:\n  concurrency: 4\n');
    expect(loadError(feedless).message).toBe(`${feedless}: feeds: missing; list the feeds to poll under \`feeds:\`, or write \`feeds: []\` to poll none`);
    // Both problems at once, one line each.
    const both = configFile('both.yaml', 'polling:\n  concurrency: lots\n');
    expect(loadError(both).message.split('\n')).toEqual([expect.stringContaining('polling.concurrency'), expect.stringContaining('feeds: missing')]);
    expect(loadConfig({ SANCOCHO_CONFIG: configFile('none.yaml', 'feeds: []\n') }).feeds).toEqual([]);
  });

  it('refuses a file it cannot read, naming it', () => {
    expect(loadError(dir).message).toBe(`${dir}: cannot be read (EISDIR)`);
  });

  it.each([
    ['tracking parameters', 'https://a.example/rss?utm_source=x&utm_medium=rss', 'https://a.example/rss'],
    ['a fragment', 'https://a.example/rss#top', 'https://a.example/rss'],
    ['case and a default port', 'HTTPS://A.example:443/rss?id=7&fbclid=z', 'https://a.example/rss?id=7'],
  ])('treats feed URLs that differ only by %s as one feed', (_case, second, first) => {
    const file = configFile(`dup-${Math.random().toString(36).slice(2)}.yaml`, `feeds:\n  - { url: "${first}", name: A }\n  - { url: "${second}", name: B }\n`);
    expect(loadError(file).message).toBe(
      `${file}: feeds: ${second} is the same feed as ${first} (they differ only by tracking parameters, a fragment or spelling); list it once`,
    );
  });

  it('keeps a feed URL’s password for the request but never shows it in a message', () => {
    const file = configFile('secret.yaml', 'feeds:\n  - { url: "https://lector:s3cr3t@a.example/rss", name: A }\n  - { url: "https://lector:s3cr3t@a.example/rss#x", name: B }\n');
    expect(loadError(file).message).toContain('https://lector:***@a.example/rss#x is the same feed as https://lector:***@a.example/rss');
    expect(loadError(file).message).not.toContain('s3cr3t');
    const ok = configFile('secret-ok.yaml', 'feeds:\n  - { url: "https://lector:s3cr3t@a.example/rss", name: A }\n');
    expect(loadConfig({ SANCOCHO_CONFIG: ok }).feeds[0]?.url).toBe('https://lector:s3cr3t@a.example/rss');
  });

  it('reports invalid YAML and a missing file clearly', () => {
    expect(loadError(configFile('broken.yaml', 'feeds: [\n')).message).toMatch(/broken\.yaml: not valid YAML/);
    expect(loadError(path.join(dir, 'absent.yaml')).message).toMatch(/absent\.yaml: configuration file not found/);
  });

  it.each([
    ['a briefing without cron or window: Monday 08:00, the last 7 days', { kind: 'briefing' }, { kind: 'briefing', cron: '0 8 * * 1', window: 7 * 86_400_000 }],
    ['a briefing with its own cron and window', { kind: 'briefing', cron: '0 18 * * 5', window: '14d' }, { cron: '0 18 * * 5', window: 14 * 86_400_000 }],
    ['a schedule without a kind: a digest of the last 24 h', { cron: '0 8 * * *' }, { kind: 'digest', cron: '0 8 * * *', window: 86_400_000 }],
  ])('reads %s', (_case, fields, expected) => {
    expect(digestScheduleSchema.parse({ name: 'weekly', ...fields })).toMatchObject(expected);
  });
});
