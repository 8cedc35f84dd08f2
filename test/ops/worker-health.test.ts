import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src/app-context.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { workerId } from '../../src/core/worker-id.js';
import { startHealthServer, type HealthServer } from '../../src/ops/health-server.js';
import { runPollCycle } from '../../src/pipeline/run-poll-cycle.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../support/postgres-test-schema.js';
import { rss } from '../support/rss.js';

interface Health {
  worker: { role: string; id: string; engine: string; leasesHeld: number };
}

const ENGINES = [
  { engine: 'sqlite', role: 'all' },
  ...(TEST_DATABASE_URL ? [{ engine: 'postgres', role: 'poller' }] : []),
] as const;

describe.each(ENGINES)('a worker on $engine, in /healthz and /metrics', ({ engine, role }) => {
  let dir: string;
  let feeds: FeedServer;
  let schema: TestSchema | undefined;
  let app: AppContext;
  let server: HealthServer | null;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-worker-health-'));
    feeds = await startFeedServer();
    // Slow enough to look at /healthz while the poll is in flight.
    feeds.route('/slow.xml', { body: rss([{ title: 'Cumbre del Mercosur', guid: 'm1', link: 'https://n.example/m1' }]), delayMs: 1500 });
    const file = path.join(dir, 'sancocho.yaml');
    writeFileSync(file, `feeds:\n  - { url: "${feeds.url('/slow.xml')}", name: "Lento" }\ndigests: []\n`);
    schema = engine === 'postgres' ? await createTestSchema() : undefined;
    const database = schema ? { SANCOCHO_DATABASE_URL: schema.url } : { SANCOCHO_DB: path.join(dir, 'app.db') };
    app = await createAppContext(loadConfig({ SANCOCHO_CONFIG: file, ...database, SANCOCHO_HEALTH_PORT: '0', SANCOCHO_ROLE: role }), silentLogger());
    server = await startHealthServer(app);
  });
  afterEach(async () => {
    await server?.close();
    await app.close();
    await feeds.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const health = async () => (await (await fetch(`${server!.url}/healthz`)).json()) as Health;
  const metric = async (name: string) => {
    const text = await (await fetch(`${server!.url}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  it('reports role, worker id, engine and the leases held; counts a lease taken over from a dead worker', async () => {
    expect((await health()).worker).toEqual({ role, id: workerId(), engine, leasesHeld: 0 });
    expect(await metric('sancocho_leases_held')).toBe(0);
    expect(await metric('sancocho_lease_takeovers_total')).toBe(0);

    // A worker that died mid-poll an hour ago left its lease behind.
    const anHourAgo = Date.now() - 3_600_000;
    const dead = await app.store.leases.claimDue({ owner: 'dead-worker', now: anHourAgo, until: anHourAgo + 60_000, limit: 1, perHost: 1 });
    expect(dead.feeds).toHaveLength(1);

    const cycle = runPollCycle(app);
    await expect.poll(async () => (await health()).worker.leasesHeld, { timeout: 5_000, interval: 50 }).toBe(1);
    expect(await metric('sancocho_leases_held')).toBe(1);
    const { feeds: reports } = await cycle;
    expect(reports).toMatchObject([{ status: 'ok', new: 1 }]);
    expect((await health()).worker.leasesHeld).toBe(0);
    expect(await metric('sancocho_leases_held')).toBe(0);
    expect(await metric('sancocho_lease_takeovers_total')).toBe(1);
  });
});
