import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { latestSlot, nextSlot } from '../../src/digest/schedule-slots.js';
import { previewFileName } from '../../src/delivery/outbox-parts.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('durations', () => {
  it.each([
    ['24h', DAY],
    ['7d', 7 * DAY],
    ['90m', 90 * MIN],
    ['2w', 14 * DAY],
    ['1d12h', 36 * HOUR],
    [' 36H ', 36 * HOUR],
  ])('reads %j', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['', 'yesterday', '24', 'h24', '0h', '-1d', '1y', '100d'])('refuses %j with a message', (text) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/duration|maximum/);
  });

  it('writes durations back', () => {
    expect([DAY, 36 * HOUR, 3 * DAY, 7 * DAY, 90 * MIN].map(formatDuration)).toEqual(['24h', '36h', '3d', '7d', '90m']);
  });
});

describe('latest slot of a cron schedule', () => {
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ['daily 08:00 in Caracas (UTC-4), at 14:00 local', '0 8 * * *', 'America/Caracas', '2026-05-03T18:00:00Z', DAY, '2026-05-03T12:00:00.000Z'],
    ['daily 08:00 in Caracas, at 07:00 local: yesterday’s', '0 8 * * *', 'America/Caracas', '2026-05-03T11:00:00Z', DAY, '2026-05-02T12:00:00.000Z'],
    ['weekly Monday 09:00 in São Paulo, on Thursday', '0 9 * * 1', 'America/Sao_Paulo', '2026-05-07T12:00:00Z', 7 * DAY, '2026-05-04T12:00:00.000Z'],
    ['exactly at the slot', '0 8 * * *', 'UTC', '2026-05-03T08:00:00Z', DAY, '2026-05-03T08:00:00.000Z'],
    ['every 15 minutes with seconds', '30 */15 * * * *', 'UTC', '2026-05-03T08:20:00Z', HOUR, '2026-05-03T08:15:30.000Z'],
  ])('%s', (_name, expression, zone, now, lookback, expected) => {
    expect(new Date(latestSlot(expression, zone, at(now), lookback) as number).toISOString()).toBe(expected);
  });

  it.each([
    ['next daily 08:00 in Caracas, at 07:00 local: today’s', '0 8 * * *', 'America/Caracas', '2026-05-03T11:00:00Z', '2026-05-03T12:00:00.000Z'],
    ['next daily 08:00 in Caracas, at 14:00 local: tomorrow’s', '0 8 * * *', 'America/Caracas', '2026-05-03T18:00:00Z', '2026-05-04T12:00:00.000Z'],
    ['exactly at a slot: the one after it', '0 8 * * *', 'UTC', '2026-05-03T08:00:00Z', '2026-05-04T08:00:00.000Z'],
  ])('%s (an alert hands over to the next digest)', (_name, expression, zone, now, expected) => {
    expect(new Date(nextSlot(expression, zone, at(now), DAY + HOUR) as number).toISOString()).toBe(expected);
  });

  it('finds no next slot beyond the horizon', () => {
    expect(nextSlot('0 9 * * 1', 'UTC', at('2026-05-05T12:00:00Z'), DAY)).toBeNull();
  });

  it('finds nothing when the schedule did not fire inside the look-back', () => {
    expect(latestSlot('0 9 * * 1', 'UTC', at('2026-05-07T12:00:00Z'), DAY)).toBeNull();
  });

  it('is quick enough for a week of minutes', () => {
    const started = performance.now();
    latestSlot('0 9 * * 1', 'America/Sao_Paulo', at('2026-05-03T23:00:00Z'), 7 * DAY);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('names preview files in the schedule’s time zone', () => {
    expect(previewFileName({ schedule: 'daily', timezone: 'America/Caracas' }, at('2026-05-03T12:00:00Z'), 'schedule')).toBe('daily-2026-05-03-0800.md');
    expect(previewFileName({ schedule: 'daily', timezone: 'UTC' }, at('2026-05-03T12:00:07Z'), 'manual')).toBe('daily-2026-05-03-120007-manual.md');
  });
});

describe('digest schedules in the config file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-digest-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string) => {
    const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `feeds: []\n${yaml}`);
    return { file, load: () => loadConfig({ SANCOCHO_CONFIG: file }) };
  };

  it('ships a daily and a weekly digest, previewed by default', () => {
    const config = loadConfig({});
    expect(config.digests.map((d) => [d.name, d.window, d.destination])).toEqual([
      ['daily', DAY, undefined],
      ['weekly', 7 * DAY, undefined],
    ]);
  });

  it('fills defaults: UTC, 24h, every theme, 5 per theme, Spanish headings', () => {
    const config = load('digests:\n  - { name: d, cron: "0 8 * * *" }\n').load();
    expect(config.digests[0]).toMatchObject({ timezone: 'UTC', window: DAY, maxPerTheme: 5, language: 'es' });
    expect(config.digests[0]?.themes).toHaveLength(9);
  });

  it('takes a channel or a webhook destination', () => {
    const config = load(
      'digests:\n  - { name: a, cron: "0 8 * * *", destination: { channelId: "123456789012345678" } }\n' +
        '  - { name: b, cron: "0 8 * * *", destination: { webhookUrl: "https://discord.com/api/webhooks/1/abc" } }\n',
    ).load();
    expect(config.digests.map((d) => d.destination)).toEqual([{ channelId: '123456789012345678' }, { webhookUrl: 'https://discord.com/api/webhooks/1/abc' }]);
  });

  it.each([
    ['a bad cron expression', '{ name: d, cron: "every morning" }', 'digests.0.cron: not a valid cron expression'],
    ['an unknown time zone', '{ name: d, cron: "0 8 * * *", timezone: America/Bogata }', 'digests.0.timezone: unknown IANA time zone "America/Bogata"'],
    ['a bad window', '{ name: d, cron: "0 8 * * *", window: a day }', 'digests.0.window: "a day" is not a duration'],
    ['an unknown theme', '{ name: d, cron: "0 8 * * *", themes: [sports] }', 'digests.0.themes.0: unknown theme id "sports"'],
    ['an unquoted channel id', '{ name: d, cron: "0 8 * * *", destination: { channelId: 123456789012345678 } }', 'write the channel id in quotes'],
    ['both destinations', '{ name: d, cron: "0 8 * * *", destination: { channelId: "123456789012345678", webhookUrl: "https://discord.com/api/webhooks/1/a" } }', 'not both'],
    ['a webhook URL that is not one', '{ name: d, cron: "0 8 * * *", destination: { webhookUrl: "https://example.com/hook" } }', 'must be a Discord webhook URL'],
    ['a heading language we do not write', '{ name: d, cron: "0 8 * * *", language: fr }', 'digests.0.language'],
    ['too many items per theme', '{ name: d, cron: "0 8 * * *", maxPerTheme: 50 }', 'digests.0.maxPerTheme'],
    ['a name used twice', '{ name: d, cron: "0 8 * * *" }\n  - { name: d, cron: "0 9 * * *" }', 'digests.1.name: digest schedule "d" is listed twice'],
  ])('rejects %s with a clear message', (_case, entry, expected) => {
    const { file, load: read } = load(`digests:\n  - ${entry}\n`);
    let error: unknown;
    try {
      read();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain(expected);
  });
});
