import { createServer, type AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import type { OutboxPart } from '../../src/core/outbox.js';
import { createSqliteOutboxStore } from '../../src/store/sqlite/outbox-store.js';
import { newsDay, seedItems } from '../digest/seed-store.js';
import { CHANNEL_ID, startFakeDiscord, type FakeDiscord, type MessageScript } from '../peers/fake-discord.js';
import { cli, spawnSancocho, workspace } from './cli-helpers.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * The real binary in child processes: killed with SIGKILL between two parts of a digest, then
 * started again; started without credentials; stopped with SIGINT/SIGTERM. Each test has its own
 * fake Discord and workspace, so they run concurrently.
 */

async function withPeers(digestsYaml: string, test: (fake: FakeDiscord, ws: ReturnType<typeof workspace>) => Promise<void>) {
  const fake = await startFakeDiscord();
  const ws = workspace(digestsYaml);
  try {
    await test(fake, ws);
  } finally {
    await fake.close();
    ws.cleanup();
  }
}

async function outboxParts(database: string): Promise<OutboxPart[]> {
  const db = openDatabase(database);
  try {
    const outbox = createSqliteOutboxStore(db);
    const parts = await Promise.all((await outbox.recent()).map((digest) => outbox.parts(digest.id)));
    return parts.flat();
  } finally {
    db.close();
  }
}

/** Polls a condition that reads the database: gently, so the child's writes are not crowded out. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

// Two child processes in a row, each compiling the sources as it starts, beside the suite's other child
// processes on two cores: the waits are generous, since only a hang should fail them.
describe.concurrent('sancocho as a process', { timeout: 180_000 }, () => {
  it.each<[string, MessageScript]>([
    ['before Discord created part 2', 'hold'],
    ['after Discord created part 2 but before its answer arrived', 'accept-and-hold'],
  ])('killed %s, then restarted an hour later: every part once, in order, none twice', async (_case, secondPart) => {
    const yaml = `  - { name: daily, cron: "0 8 * * *", window: 24h, maxPerTheme: 25, destination: { channelId: "${CHANNEL_ID}" } }\n`;
    await withPeers(yaml, async (fake, ws) => {
      const db = openDatabase(ws.database);
      await seedItems(createSqliteStore(db), newsDay(Date.now(), 60));
      db.close();
      const env = { SANCOCHO_CONFIG: ws.config, DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };

      fake.scriptMessages('accept', secondPart);
      const first = spawnSancocho(['digest', '--once'], env);
      await fake.waitFor(() => fake.messagePosts().length === 2, 60_000, 'part 2 to reach Discord');
      first.process.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      const before = await outboxParts(ws.database);
      expect(before.length).toBeGreaterThanOrEqual(2);
      expect(before.map((p) => p.status)).toEqual(['sent', ...before.slice(1).map(() => 'pending')]);
      expect(fake.messages).toHaveLength(secondPart === 'hold' ? 1 : 2);
      // Part 2 was in flight: the outbox knows a send began, and Discord's nonce memory is long gone.
      expect(before[1]?.attemptedAt).toEqual(expect.any(Number));
      fake.forgetNonces();

      // `start` sends what the crash left unsent, then stops cleanly on SIGTERM.
      const second = spawnSancocho(['start'], env);
      await eventually(async () => (await outboxParts(ws.database)).every((p) => p.status === 'sent'), 'the rest of the digest');
      second.process.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });

      const after = await outboxParts(ws.database);
      const embeds = after.map((p) => (JSON.parse(p.payload) as { body: { embeds: unknown } }).body.embeds);
      expect(fake.messages.map((m) => m.body.embeds)).toEqual(embeds);
      expect(fake.messages.map((m) => m.id)).toEqual(after.map((p) => p.messageId));
      // The restart looked in the channel for the interrupted part before deciding to send it.
      expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${CHANNEL_ID}/messages`)).toHaveLength(1);
      expect(second.stderr()).toContain('start: stopping');
      expect(second.stderr()).toContain('start: stopped');
      await fake.waitFor(() => fake.gateway.closes === fake.gateway.connections, 5000, 'the gateway to close');
    });
  });

  it('starts in preview mode without credentials, prints a missed digest, and exits 0 on SIGINT', async () => {
    await withPeers('  - { name: hourly, cron: "0 * * * *", window: 24h, language: en }\n', async (fake, ws) => {
      const db = openDatabase(ws.database);
      await seedItems(createSqliteStore(db), newsDay(Date.now()));
      await createSqliteOutboxStore(db).firstSeen('hourly', Date.now() - 7 * 24 * 3_600_000);
      db.close();

      const healthPort = await freePort();
      const child = spawnSancocho(['start'], { SANCOCHO_CONFIG: ws.config, SANCOCHO_HEALTH_PORT: String(healthPort) });
      await child.waitForOutput(/saved to .*hourly-.*\.md/, 60_000);
      // The health listener runs with the bot: preview mode has no gateway, which is healthy.
      const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', checks: { discord: { ok: true, state: 'disabled' } } });
      expect(await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text()).toContain('sancocho_feeds_polled_total');
      expect(child.stdout()).toContain('sancocho: preview mode: digests are printed here and saved to');
      expect(child.stdout()).toContain('set DISCORD_TOKEN');
      expect(child.stdout()).toMatch(/# News digest · .* · last 24 h/);
      expect(child.stdout()).toContain('## Trade and tariffs');
      child.process.kill('SIGINT');
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(readdirSync(ws.digestsDir)).toEqual([expect.stringMatching(/^hourly-\d{4}-\d{2}-\d{2}-\d{2}00\.md$/)]);
      expect(child.stderr()).toContain('digest-job: hourly was missed');
      expect(fake.requests).toHaveLength(0);
    });
  });

  it('stops at start-up on a token Discord rejects, with one clear line and no token in it', async () => {
    await withPeers(`  - { name: daily, cron: "0 8 * * *", destination: { channelId: "${CHANNEL_ID}" } }\n`, async (fake, ws) => {
      const signals = process.listenerCount('SIGINT');
      const result = await cli(['start'], { SANCOCHO_CONFIG: ws.config, DISCORD_TOKEN: 'MTIz.not-the-right-one', DISCORD_API_BASE: fake.api });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('sancocho: Discord rejected DISCORD_TOKEN (401 Unauthorized)');
      expect(result.stdout + result.stderr).not.toContain('not-the-right-one');
      expect(process.listenerCount('SIGINT')).toBe(signals);
    });
  });
});

/** A port nothing listens on right now, for a child process to bind. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
