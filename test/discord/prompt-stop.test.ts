import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { createSqliteOutboxStore } from '../../src/store/sqlite/outbox-store.js';
import { newsDay, seedItems } from '../digest/seed-store.js';
import { CHANNEL_ID, startFakeDiscord } from '../peers/fake-discord.js';
import { startFeedServer } from '../peers/feed-server.js';
import { startOpenAIServer } from '../peers/openai-server.js';
import { spawnSancocho, workspace, type Child } from './cli-helpers.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * `sancocho start` as a process, stopped with SIGTERM while every peer it waits on has stalled:
 * Docker kills a container 10 s after SIGTERM, so Sancocho must be gone within 8 s, and what it
 * cut short must be left to be done again, not recorded as done or as failed.
 */

const STOP_LIMIT_MS = 8000;

/** Sends SIGTERM and resolves with the milliseconds until the process exited, and how. */
async function stopTimed(child: Child) {
  const started = Date.now();
  child.process.kill('SIGTERM');
  const exit = await child.exited;
  return { ms: Date.now() - started, exit };
}

function integrity(database: string): string {
  const db = openDatabase(database);
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** A digest a week overdue, so the start-up catch-up builds and sends it at once. */
async function seedOverdueDigest(database: string, schedule: string): Promise<void> {
  const db = openDatabase(database);
  await seedItems(createSqliteStore(db), newsDay(Date.now()));
  await createSqliteOutboxStore(db).firstSeen(schedule, Date.now() - 7 * 24 * 3_600_000);
  db.close();
}

// A child process compiling the sources as it starts: a loaded machine needs more than the default 20 s.
describe.concurrent('stopping `sancocho start` while its peers stall', { timeout: 60_000 }, () => {
  it('mid-poll with a feed that never answers and mid-digest with Discord holding the message: exits within 8 s, the part stays in flight, the feed unblamed', async () => {
    const fake = await startFakeDiscord();
    const feeds = await startFeedServer();
    const ws = workspace('');
    try {
      const stalled = feeds.route('/stalled.xml', { body: '<rss/>', delayMs: 120_000 });
      writeFileSync(
        ws.config,
        `database: ${JSON.stringify(ws.database)}\n` +
          `feeds:\n  - { url: "${stalled}", name: Stalled }\n` +
          `digests:\n  - { name: hourly, cron: "0 * * * *", window: 24h, destination: { channelId: "${CHANNEL_ID}" } }\n`,
      );
      await seedOverdueDigest(ws.database, 'hourly');
      fake.scriptMessages('hold');
      const child = spawnSancocho(['start'], { SANCOCHO_CONFIG: ws.config, DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api });
      await fake.waitFor(() => fake.messagePosts().length === 1 && feeds.requests('/stalled.xml').length === 1, 40_000, 'the stalled post and poll');

      const { ms, exit } = await stopTimed(child);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(STOP_LIMIT_MS);
      expect(child.stderr()).toContain('start: stopped');

      expect(integrity(ws.database)).toBe('ok');
      const db = openDatabase(ws.database);
      try {
        const outbox = createSqliteOutboxStore(db);
        const [digest] = await outbox.recent();
        // Discord may have created the message: the part is neither sent nor failed, and the next
        // start looks for it in the channel before sending it.
        expect(digest?.status).toBe('pending');
        expect((await outbox.parts(digest?.id ?? 0))[0]).toMatchObject({ status: 'pending', attempts: 0, attemptedAt: expect.any(Number), lastError: null });
        const feed = await createSqliteStore(db).feeds.getByUrl(stalled);
        expect(feed).toMatchObject({ consecutiveErrors: 0, lastErrorKind: null, lastSuccessAt: null });
      } finally {
        db.close();
      }
    } finally {
      await fake.close();
      await feeds.close();
      ws.cleanup();
    }
  });

  it('while Discord does not answer the bot’s login: exits within 8 s, cleanly', async () => {
    const silent = await startFeedServer();
    const ws = workspace(`  - { name: daily, cron: "0 8 * * *", destination: { channelId: "${CHANNEL_ID}" } }\n`);
    try {
      silent.route('/api/v10/gateway/bot', { body: '{}', contentType: 'application/json', delayMs: 120_000 });
      const child = spawnSancocho(['start'], { SANCOCHO_CONFIG: ws.config, DISCORD_TOKEN: 'fake-bot-token.abc.def', DISCORD_API_BASE: `${silent.origin}/api` });
      const deadline = Date.now() + 40_000;
      while (silent.requests('/api/v10/gateway/bot').length === 0) {
        if (Date.now() > deadline) throw new Error(`no login attempt\n${child.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const { ms, exit } = await stopTimed(child);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(STOP_LIMIT_MS);
      expect(child.stderr()).toContain('stopped while logging in to Discord');
    } finally {
      await silent.close();
      ws.cleanup();
    }
  });

  it('with the LLM stalled while classifying and while writing a digest overview: exits within 8 s, the items stay unclassified', async () => {
    const llm = await startOpenAIServer({ responder: () => new Promise(() => undefined) });
    const ws = workspace('');
    try {
      writeFileSync(
        ws.config,
        `database: ${JSON.stringify(ws.database)}\nfeeds: []\n` +
          `digests:\n  - { name: hourly, cron: "0 * * * *", window: 24h }\n` +
          `llm:\n  baseURL: "${llm.baseURL}"\n  model: test-model\n`,
      );
      await seedOverdueDigest(ws.database, 'hourly');
      const db = openDatabase(ws.database);
      // Two stories arrived but were not classified yet: the first poll cycle hands them to the LLM.
      const unclassified = db.prepare(`SELECT id FROM items WHERE title LIKE '%CELAC%' OR title LIKE '%China%'`).all() as { id: number }[];
      for (const { id } of unclassified) db.prepare('DELETE FROM classifications WHERE item_id = ?').run(id);
      db.close();

      const child = spawnSancocho(['start'], { SANCOCHO_CONFIG: ws.config });
      const deadline = Date.now() + 40_000;
      while (llm.requests.length < 2) {
        if (Date.now() > deadline) throw new Error(`the LLM got ${llm.requests.length} requests\n${child.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const { ms, exit } = await stopTimed(child);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(STOP_LIMIT_MS);

      expect(integrity(ws.database)).toBe('ok');
      const after = openDatabase(ws.database);
      try {
        // No fallback labels for a shutdown: the next start classifies them with the LLM.
        const labelled = after.prepare(`SELECT COUNT(*) AS n FROM classifications WHERE item_id IN (${unclassified.map((row) => row.id).join(',')})`).get() as { n: number };
        expect(unclassified.length).toBeGreaterThan(0);
        expect(labelled.n).toBe(0);
      } finally {
        after.close();
      }
    } finally {
      await llm.close();
      ws.cleanup();
    }
  });
});
