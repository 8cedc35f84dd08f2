import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/app-context.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createDiscordState, type DiscordState } from '../../src/ops/discord-state.js';
import { evaluateHealth, type FeedPollState, type HealthInput } from '../../src/ops/health-check.js';
import { startHealthServer, type HealthContext, type HealthServer } from '../../src/ops/health-server.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteOutboxStore } from '../../src/store/sqlite/outbox-store.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 29, 12);

describe('health rules', () => {
  const base: HealthInput = { now: NOW, startedAt: NOW - 24 * 60 * MIN, feeds: [], defaultIntervalMinutes: 30, discord: 'disabled', refused: [] };
  const feed = (ageMinutes: number | null, intervalMinutes: number | null = null): FeedPollState => ({
    intervalMinutes,
    lastSuccessAt: ageMinutes === null ? null : NOW - ageMinutes * MIN,
  });

  it.each<[string, Partial<HealthInput>, { status: string; polling: boolean; discord: boolean }]>([
    ['no feeds: nothing to poll', {}, { status: 'ok', polling: true, discord: true }],
    ['a success 10 min ago', { feeds: [feed(10), feed(null)] }, { status: 'ok', polling: true, discord: true }],
    ['the newest success 89 min ago is within 3 × 30 min', { feeds: [feed(89), feed(500)] }, { status: 'ok', polling: true, discord: true }],
    ['no success for 91 min', { feeds: [feed(91)] }, { status: 'unhealthy', polling: false, discord: true }],
    ['never polled', { feeds: [feed(null)] }, { status: 'unhealthy', polling: false, discord: true }],
    ['at least 1 h even with 5-minute feeds', { feeds: [feed(55, 5), feed(null)] }, { status: 'ok', polling: true, discord: true }],
    ['3 × the shortest interval with hourly feeds', { feeds: [feed(170, 60)] }, { status: 'ok', polling: true, discord: true }],
    ['start-up grace: never polled, up 30 min', { feeds: [feed(null)], startedAt: NOW - 30 * MIN }, { status: 'ok', polling: true, discord: true }],
    ['grace ends after the threshold', { feeds: [feed(null)], startedAt: NOW - 91 * MIN }, { status: 'unhealthy', polling: false, discord: true }],
    ['Discord ready', { discord: 'ready' }, { status: 'ok', polling: true, discord: true }],
    ['Discord connecting', { discord: 'connecting' }, { status: 'unhealthy', polling: true, discord: false }],
    ['Discord disconnected', { discord: 'disconnected' }, { status: 'unhealthy', polling: true, discord: false }],
  ])('%s', (_name, input, expected) => {
    const report = evaluateHealth({ ...base, ...input });
    expect({ status: report.status, polling: report.checks.polling.ok, discord: report.checks.discord.ok }).toEqual(expected);
    expect(report.checks.database).toEqual({ ok: true });
  });

  it('reports ages and the threshold in seconds', () => {
    expect(evaluateHealth({ ...base, feeds: [feed(10), feed(20)] }).checks.polling).toEqual({
      ok: true,
      lastSuccessAgeSeconds: 600,
      thresholdSeconds: 5400,
    });
  });

  it('an unreadable database fails the database and polling checks', () => {
    const report = evaluateHealth({ ...base, feeds: { error: 'The database connection is not open' } });
    expect(report).toEqual({
      status: 'unhealthy',
      checks: {
        database: { ok: false, error: 'The database connection is not open' },
        polling: { ok: false, lastSuccessAgeSeconds: null, thresholdSeconds: null },
        discord: { ok: true, state: 'disabled' },
        destinations: { ok: false, refused: [] },
      },
    });
  });

  it('a destination Discord refused fails the destinations check, naming it and the reason', () => {
    const reason = 'channel 555: missing access: invite the bot to the server and let it see the channel [403 Missing Access (code 50001)]';
    const report = evaluateHealth({ ...base, refused: [{ key: 'channel:555', label: 'channel 555', reason, since: NOW - 5 * MIN }] });
    expect(report.status).toBe('unhealthy');
    expect(report.checks.destinations).toEqual({
      ok: false,
      refused: [{ destination: 'channel 555', reason, since: new Date(NOW - 5 * MIN).toISOString() }],
    });
    expect({ polling: report.checks.polling.ok, discord: report.checks.discord.ok }).toEqual({ polling: true, discord: true });
  });
});

describe('health server', () => {
  let db: Database;
  let server: HealthServer | null;
  let ctx: HealthContext & { discordState: ReturnType<typeof createDiscordState> };

  beforeEach(async () => {
    db = openDatabase(':memory:');
    const store = createSqliteStore(db);
    const { feed } = await store.feeds.add({ url: 'https://feeds.example/a.xml', name: 'a' }, 'config', NOW);
    await store.feeds.recordPoll(feed.id, { kind: 'not-modified', at: Date.now() - 5 * MIN, etag: null, lastModified: null, nextDueAt: NOW });
    ctx = {
      config: { health: { port: 0, host: '127.0.0.1' }, digests: [{ name: 'daily', cron: '0 8 * * *', timezone: 'UTC', destination: { channelId: '555555555555555555' } }] },
      store,
      polling: { defaultInterval: 30 },
      discordState: createDiscordState(),
      metrics: createMetrics(),
      logger: silentLogger(),
    };
    server = null;
  });
  afterEach(async () => {
    await server?.close();
    if (db.open) db.close();
  });

  const get = async (path: string, init?: RequestInit) => {
    server ??= await startHealthServer(ctx);
    return fetch(`${server!.url}${path}`, init);
  };

  it('is off unless configured', async () => {
    expect(await startHealthServer({ ...ctx, config: { digests: [] } })).toBeNull();
  });

  it('listens on 127.0.0.1 and answers /healthz with 200 and the checks', async () => {
    const response = await get('/healthz');
    expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: {
        database: { ok: true },
        polling: { ok: true, lastSuccessAgeSeconds: expect.closeTo(300, -1), thresholdSeconds: 5400 },
        discord: { ok: true, state: 'disabled' },
        destinations: { ok: true, refused: [] },
      },
    });
  });

  it('shows a refused destination in /healthz (503) and /metrics until a send there is accepted again', async () => {
    const outbox = createSqliteOutboxStore(db);
    const reason = 'channel 555555555555555555: missing access: invite the bot to the server and let it see the channel [403 Missing Access (code 50001)]';
    await outbox.recordDestinationError('channel:555555555555555555', reason, NOW);
    // A destination no schedule or subscription uses any more is not a fault.
    await outbox.recordDestinationError('channel:999999999999999999', 'unknown channel', NOW);

    const refused = await get('/healthz');
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { checks: { destinations: unknown } }).checks.destinations).toEqual({
      ok: false,
      refused: [{ destination: 'channel 555555555555555555', reason, since: new Date(NOW).toISOString() }],
    });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('sancocho_destination_refused{destination="channel:555555555555555555"} 1');
    expect(metrics).not.toContain('999999999999999999');

    await outbox.clearDestinationError('channel:555555555555555555');
    expect((await get('/healthz')).status).toBe(200);
    expect(await (await get('/metrics')).text()).toContain('sancocho_destination_refused{destination="channel:555555555555555555"} 0');
  });

  it.each<[DiscordState, number]>([
    ['ready', 200],
    ['disconnected', 503],
  ])('follows the Discord state: %s → %i', async (state, status) => {
    ctx.discordState.set(state);
    const response = await get('/healthz');
    expect(response.status).toBe(status);
    expect(((await response.json()) as { checks: { discord: unknown } }).checks.discord).toEqual({ ok: status === 200, state });
  });

  it('answers 503 when the database is gone', async () => {
    await get('/healthz');
    db.close();
    const response = await get('/healthz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unhealthy', checks: { database: { ok: false } } });
  });

  it('serves /metrics, and refuses other paths and methods', async () => {
    expect((await get('/metrics')).status).toBe(200);
    expect((await get('/')).status).toBe(404);
    const post = await get('/healthz', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('a port in use stops start-up with a ConfigError naming it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startHealthServer({ ...ctx, config: { health: { port, host: '127.0.0.1' }, digests: [] } })).rejects.toThrow(
        new ConfigError(`health: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`),
      );
    } finally {
      blocker.close();
    }
  });
});

describe('health server on the app context', () => {
  it('starts from an AppContext as `start` does: healthy in its start-up grace, following the Discord state', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-health-app-'));
    const file = path.join(dir, 'sancocho.yaml');
    writeFileSync(file, 'feeds:\n  - { url: "https://feeds.example/a.xml", name: "A" }\n');
    const app = await createAppContext(
      loadConfig({ SANCOCHO_CONFIG: file, SANCOCHO_DB: path.join(dir, 'app.db'), SANCOCHO_HEALTH_PORT: '0' }),
      silentLogger(),
    );
    const server = await startHealthServer(app);
    try {
      const health = await fetch(`${server!.url}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { checks: unknown }).checks).toMatchObject({
        polling: { ok: true, lastSuccessAgeSeconds: null, thresholdSeconds: 5400 },
        discord: { ok: true, state: 'disabled' },
      });
      app.discordState.set('disconnected');
      expect((await fetch(`${server!.url}/healthz`)).status).toBe(503);
      expect(await (await fetch(`${server!.url}/metrics`)).text()).toContain('sancocho_feeds_polled_total{status="ok"} 0');
    } finally {
      await server?.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('health server with an LLM', () => {
  it('shows the LLM’s state as a detail: a spent budget is healthy, with the day’s tokens and when it resets', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-health-llm-'));
    const file = path.join(dir, 'sancocho.yaml');
    writeFileSync(file, 'feeds: []\nllm:\n  baseURL: "http://127.0.0.1:9/v1"\n  model: m\n  dailyTokenBudget: 100\n');
    const app = await createAppContext(loadConfig({ SANCOCHO_CONFIG: file, SANCOCHO_DB: path.join(dir, 'app.db'), SANCOCHO_HEALTH_PORT: '0' }), silentLogger());
    const server = await startHealthServer(app);
    try {
      const ready = (await (await fetch(`${server!.url}/healthz`)).json()) as { checks: Record<string, unknown> };
      expect(ready.checks.llm).toEqual({ ok: true, state: 'ready', reason: null, until: null, tokensToday: 0, dailyTokenBudget: 100 });

      await app.store.classifications.recordUsage({ at: Date.now(), model: 'm', promptTokens: 90, completionTokens: 10, totalTokens: 100, items: 1, mode: 'text', purpose: 'overview' });
      const response = await fetch(`${server!.url}/healthz`);
      expect(response.status).toBe(200);
      const spent = (await response.json()) as { checks: { llm: { until: string } } };
      expect(spent.checks.llm).toMatchObject({ ok: true, state: 'budget-exhausted', reason: 'daily token budget exhausted', tokensToday: 100 });
      expect(spent.checks.llm.until).toMatch(/T00:00:00\.000Z$/);
    } finally {
      await server?.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('health configuration', () => {
  let dir: string;
  const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    const file = path.join(dir, 'sancocho.yaml');
    writeFileSync(file, yaml);
    return loadConfig({ SANCOCHO_CONFIG: file, ...env });
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-health-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is off by default; a port turns it on, on loopback', () => {
    expect(load('feeds: []').health).toBeUndefined();
    expect(load('feeds: []\nhealth: { port: 9464 }').health).toEqual({ port: 9464, host: '127.0.0.1' });
  });

  it('takes SANCOCHO_HEALTH_PORT and SANCOCHO_HEALTH_HOST over the file', () => {
    expect(load('feeds: []', { SANCOCHO_HEALTH_PORT: '8080', SANCOCHO_HEALTH_HOST: '0.0.0.0' }).health).toEqual({ port: 8080, host: '0.0.0.0' });
    expect(load('feeds: []\nhealth: { port: 9464 }', { SANCOCHO_HEALTH_HOST: '0.0.0.0' }).health).toEqual({ port: 9464, host: '0.0.0.0' });
    // A host alone turns nothing on, so an image that sets the host runs without the listener when the port is emptied.
    expect(load('feeds: []', { SANCOCHO_HEALTH_PORT: '', SANCOCHO_HEALTH_HOST: '0.0.0.0' }).health).toBeUndefined();
  });

  it('names the variable or key that is wrong', () => {
    expect(() => load('feeds: []', { SANCOCHO_HEALTH_PORT: 'http' })).toThrow(/^SANCOCHO_HEALTH_PORT: .*NaN.* \(got "http"\)$/);
    expect(() => load('feeds: []', { SANCOCHO_HEALTH_PORT: '70000' })).toThrow(/^SANCOCHO_HEALTH_PORT: /);
    expect(() => load('health: { port: "9464" }')).toThrow(/sancocho\.yaml: health\.port: Invalid input: expected number, received string/);
  });
});
