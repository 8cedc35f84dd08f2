import { describe, expect, it } from 'vitest';
import type { OutboxPart } from '../../src/core/outbox.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createSqliteOutboxStore } from '../../src/store/sqlite/outbox-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedItems } from '../digest/seed-store.js';
import { CHANNEL_ID, startFakeDiscord } from '../peers/fake-discord.js';
import { spawnSancocho, workspace } from './cli-helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function outboxParts(database: string): Promise<OutboxPart[]> {
  const db = openDatabase(database);
  try {
    const outbox = createSqliteOutboxStore(db);
    return (await Promise.all((await outbox.recent()).map((digest) => outbox.parts(digest.id)))).flat();
  } finally {
    db.close();
  }
}

async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

// Two child processes in a row, each compiling the sources as it starts: generous on a loaded machine.
describe('the weekly briefing when the process is killed', { timeout: 60_000 }, () => {
  it('killed after Discord accepted the briefing with its chart and before it was recorded: after the restart the image is in the channel once', async () => {
    const fake = await startFakeDiscord();
    const ws = workspace(`  - { name: weekly, kind: briefing, destination: { channelId: "${CHANNEL_ID}" } }\n`);
    try {
      const now = Date.now();
      const db = openDatabase(ws.database);
      await seedItems(createSqliteStore(db), [
        { title: 'Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'Infobae América', themes: { 'trade-tariffs': 0.9 }, publishedAt: now - 2 * DAY },
        { title: 'Argentina amenaza con salir del Mercosur', outlet: 'Página 12', themes: { 'regional-integration': 0.8 }, publishedAt: now - 3 * DAY },
        { title: 'Postergan otra vez la cumbre del Mercosur', outlet: 'Clarín', themes: { 'regional-integration': 0.8 }, publishedAt: now - 10 * DAY },
      ]);
      db.close();
      const env = { SANCOCHO_CONFIG: ws.config, DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };

      // Discord creates the message with its file and holds the answer; the process dies before recording it.
      fake.scriptMessages('accept-and-hold');
      const first = spawnSancocho(['digest', '--once', '--schedule', 'weekly'], env);
      await fake.waitFor(() => fake.messages.length === 1, 25_000, 'the briefing to reach Discord').catch((error: Error) => {
        throw new Error(`${error.message}\n${first.stderr()}\n${first.stdout()}`);
      });
      first.process.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const [before] = await outboxParts(ws.database);
      expect(before).toMatchObject({ status: 'pending', fileName: expect.stringMatching(/^weekly-.*\.png$/), attemptedAt: expect.any(Number) });
      fake.forgetNonces();

      const second = spawnSancocho(['start'], env);
      await eventually(async () => (await outboxParts(ws.database)).every((part) => part.status === 'sent'), 'the briefing to be recorded');
      second.process.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });

      expect(fake.messages).toHaveLength(1);
      const [message] = fake.messages;
      expect(message?.files.map((file) => file.filename)).toEqual([before?.fileName]);
      expect(message?.files[0]?.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      const [after] = await outboxParts(ws.database);
      expect(after?.messageId).toBe(message?.id);
      expect(fake.messagePosts()).toHaveLength(1);
    } finally {
      await fake.close();
      ws.cleanup();
    }
  });
});
