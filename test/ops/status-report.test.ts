import { describe, expect, it } from 'vitest';
import { buildStatusReport, refusedDestinations, type StatusInput } from '../../src/ops/status-report.js';
import type { FeedRow } from '../../src/core/feed.js';
import type { OutboxDigest } from '../../src/core/outbox.js';

const NOW = Date.UTC(2026, 10, 30, 12);
const MIN = 60_000;

const feed = (name: string, fields: Partial<FeedRow>): FeedRow => ({
  id: 1,
  url: `https://${name}.example/rss`,
  name,
  language: 'es',
  intervalMinutes: null,
  origin: 'config',
  guildId: null,
  movedTo: null,
  movedSeen: 0,
  originalUrl: null,
  status: 'active',
  etag: null,
  lastModified: null,
  nextDueAt: NOW + 10 * MIN,
  lastPolledAt: null,
  lastSuccessAt: null,
  lastHttpStatus: null,
  consecutiveErrors: 0,
  lastErrorKind: null,
  lastErrorMessage: null,
  lastErrorAt: null,
  createdAt: 0,
  ...fields,
});

const digest = (id: number, schedule: string, destination: string, fields: Partial<OutboxDigest> = {}): OutboxDigest => ({
  id,
  schedule,
  slotAt: NOW - 4 * 60 * MIN,
  trigger: 'schedule',
  destination,
  windowFrom: 0,
  windowTo: 0,
  stories: 12,
  markdown: '',
  status: 'sent',
  error: null,
  createdAt: NOW - 4 * 60 * MIN,
  completedAt: NOW - 4 * 60 * MIN + 2000,
  parts: 2,
  sentParts: 2,
  ...fields,
});

const input: StatusInput = {
  now: NOW,
  feeds: [
    feed('fresh', { lastSuccessAt: NOW - 5 * MIN, lastHttpStatus: 304 }),
    feed('broken', { status: 'failing', lastSuccessAt: NOW - 3 * 24 * 60 * MIN, consecutiveErrors: 12, lastErrorKind: 'timeout', lastErrorMessage: 'No answer in 30 s.', lastErrorAt: NOW - MIN }),
    feed('gone', { status: 'disabled', lastErrorKind: 'gone', lastErrorMessage: 'HTTP 410', lastErrorAt: NOW - MIN, consecutiveErrors: 1 }),
    feed('new', {}),
  ],
  schedules: [
    { name: 'daily', cron: '0 8 * * *', timezone: 'America/Caracas', destination: { channelId: '444' } },
    { name: 'weekly', cron: '0 9 * * 1', timezone: 'UTC', destination: { webhookUrl: 'https://discord.com/api/webhooks/666/secret-token' } },
    { name: 'quiet', cron: '0 7 * * *', timezone: 'UTC', destination: undefined },
  ],
  routes: [
    { guildId: '1', theme: 'trade-tariffs', channelId: '444' },
    { guildId: '1', theme: 'china-latam', channelId: '777' },
  ],
  digests: [
    // Newest first: the daily's routed copy to 777 is not the daily's own outcome.
    digest(9, 'daily', 'channel:777', { status: 'failed', error: 'unknown channel' }),
    digest(8, 'daily', 'channel:444', { status: 'pending', parts: 3, sentParts: 1, error: null }),
    digest(5, 'weekly', 'webhook:666', { status: 'failed', error: 'webhook 666: unknown webhook' }),
  ],
  destinationErrors: [
    { destination: 'channel:777', error: 'channel 777: unknown channel', at: NOW - 2 * MIN },
    { destination: 'webhook:666', error: 'webhook 666: unknown webhook', at: NOW - 3 * MIN },
    { destination: 'channel:123', error: 'from a schedule removed since', at: NOW - 9 * MIN },
  ],
  lastSentAt: [{ destination: 'channel:444', at: NOW - 60 * MIN }],
};

describe('the status report', () => {
  const report = buildStatusReport(input);

  it('gives every feed its last outcome: ok, the error and how many in a row, or not polled yet', () => {
    expect(report.feeds.map((f) => [f.name, f.status, f.last, f.nextPollAt])).toEqual([
      ['fresh', 'active', { kind: 'ok', at: NOW - 5 * MIN, http: 304 }, NOW + 10 * MIN],
      ['broken', 'failing', { kind: 'error', at: NOW - MIN, errorKind: 'timeout', message: 'No answer in 30 s.', consecutive: 12 }, NOW + 10 * MIN],
      ['gone', 'disabled', { kind: 'error', at: NOW - MIN, errorKind: 'gone', message: 'HTTP 410', consecutive: 1 }, null],
      ['new', 'active', { kind: 'never' }, NOW + 10 * MIN],
    ]);
  });

  it('never shows the password of a feed URL, in its address or in its last error', () => {
    const secret = 'https://reader:s3cret@private.example/rss';
    const locked = feed('locked', { url: secret, status: 'failing', consecutiveErrors: 2, lastErrorKind: 'http', lastErrorMessage: `${secret} answered HTTP 401.`, lastErrorAt: NOW - MIN });
    const [line] = buildStatusReport({ ...input, feeds: [locked] }).feeds;
    expect(JSON.stringify(line)).not.toContain('s3cret');
    expect(line).toMatchObject({ url: 'https://reader:***@private.example/rss', last: { message: 'https://reader:***@private.example/rss answered HTTP 401.' } });
  });

  it('gives every schedule its own newest digest, never a routed copy; none yet when it never ran', () => {
    expect(report.schedules.map((s) => [s.name, s.destination, s.last.kind])).toEqual([
      ['daily', 'channel 444', 'pending'],
      ['weekly', 'webhook 666', 'failed'],
      ['quiet', 'preview', 'never'],
    ]);
    expect(report.schedules[0]?.last).toMatchObject({ parts: 3, sentParts: 1 });
  });

  it('lists each destination in use once, who uses it, and whether Discord refuses it; never a webhook token', () => {
    expect(report.destinations).toEqual([
      { key: 'channel:444', label: 'channel 444', usedBy: ['daily', '/subscribe trade-tariffs'], last: { kind: 'ok', at: NOW - 60 * MIN } },
      { key: 'webhook:666', label: 'webhook 666', usedBy: ['weekly'], last: { kind: 'refused', at: NOW - 3 * MIN, reason: 'webhook 666: unknown webhook' } },
      { key: 'preview', label: 'preview', usedBy: ['quiet'], last: { kind: 'never' } },
      { key: 'channel:777', label: 'channel 777', usedBy: ['/subscribe china-latam'], last: { kind: 'refused', at: NOW - 2 * MIN, reason: 'channel 777: unknown channel' } },
    ]);
    expect(JSON.stringify(report)).not.toContain('secret-token');
  });

  it('names the refused destinations in use for /healthz and /metrics, not those no longer used', () => {
    expect(refusedDestinations(report).map((d) => d.key)).toEqual(['webhook:666', 'channel:777']);
  });
});
