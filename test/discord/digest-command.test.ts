import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageViolations } from '../../src/digest/split-messages.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createSqliteOutboxStore } from '../../src/store/sqlite/outbox-store.js';
import { newsDay, seedItems } from '../digest/seed-store.js';
import { CHANNEL_ID, FORBIDDEN_CHANNEL_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';
import { cli, workspace } from './cli-helpers.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

describe('sancocho digest --once', () => {
  let fake: FakeDiscord;
  let ws: ReturnType<typeof workspace>;
  const now = Date.now();

  async function setup(destination = ''): Promise<NodeJS.ProcessEnv> {
    ws = workspace(
      `  - { name: daily, cron: "0 8 * * *", timezone: America/Caracas, window: 24h${destination} }\n` +
        '  - { name: weekly, cron: "0 9 * * 1", window: 7d, language: en, themes: [china-latam] }\n',
    );
    const db = openDatabase(ws.database);
    await seedItems(createSqliteStore(db), newsDay(now));
    db.close();
    return { SANCOCHO_CONFIG: ws.config };
  }

  beforeEach(async () => {
    fake = await startFakeDiscord();
  });
  afterEach(async () => {
    await fake.close();
    ws?.cleanup();
  });

  it('refuses usage mistakes with one clear line and exit code 2', async () => {
    const env = await setup();
    expect(await cli(['digest'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('add --once') });
    expect(await cli(['digest', '--once', '--schedule', 'hourly'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no digest schedule named "hourly" (known: daily, weekly)'),
    });
    expect(await cli(['digest', '--once', '--since', 'soon'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--since "soon" is not a duration'),
    });
  });

  it('--dry-run prints the digest as Markdown and writes and sends nothing', async () => {
    const env = { ...(await setup(`, destination: { channelId: "${CHANNEL_ID}" }`)), DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };
    const result = await cli(['digest', '--once', '--dry-run'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Resumen de noticias · .* · últimas 24 h\n/);
    expect(result.stdout).toContain('## Comercio y aranceles');
    expect(result.stdout).toContain('+2 medios: El País América, Agência Brasil');
    expect(fake.requests).toHaveLength(0);
    const db = openDatabase(ws.database);
    expect(await createSqliteOutboxStore(db).recent()).toEqual([]);
    db.close();
    expect(existsSync(ws.digestsDir)).toBe(false);
  });

  it('--dry-run --json gives the Discord messages too, within limits', async () => {
    const env = await setup();
    const result = await cli(['digest', '--once', '--dry-run', '--json', '--schedule', 'weekly', '--since', '2d'], env);
    const json = JSON.parse(result.stdout) as { schedule: string; stories: number; markdown: string; messages: Parameters<typeof messageViolations>[0][] };
    expect(json.schedule).toBe('weekly');
    expect(json.stories).toBe(2); // 10 h and 30 h old; the backlog item is left out
    expect(json.markdown).toContain('## China in Latin America');
    expect(json.markdown).toContain('Fuera de la ventana');
    expect(json.markdown).not.toContain('Archivo');
    expect(json.messages).toHaveLength(1);
    for (const message of json.messages) expect(messageViolations(message)).toEqual([]);
  });

  it('--since 1h covers what reached Sancocho in the last hour, even when it was published earlier', async () => {
    const env = await setup();
    const db = openDatabase(ws.database);
    await seedItems(createSqliteStore(db), [
      { title: 'China y Brasil firman un acuerdo de litio', outlet: 'Agencia Uno', themes: { 'china-latam': 0.9 }, publishedAt: now - 90 * 60_000, reachedAt: now - 30 * 60_000 },
      { title: 'China abre un consulado en Asunción', outlet: 'Agencia Dos', themes: { 'china-latam': 0.9 }, publishedAt: now - 30 * 60_000, reachedAt: now - 61 * 60_000 },
    ]);
    db.close();
    const result = await cli(['digest', '--once', '--dry-run', '--json', '--schedule', 'weekly', '--since', '1h'], env);
    const json = JSON.parse(result.stdout) as { stories: number; markdown: string };
    expect(json.markdown).toContain('China y Brasil firman un acuerdo de litio');
    expect(json.markdown).not.toContain('consulado');
    expect(json.stories).toBe(1);
  });

  it('previews without credentials: prints the digest, saves it under digests/, and says so', async () => {
    const env = await setup();
    const result = await cli(['digest', '--once'], env);
    expect(result.code).toBe(0);
    const files = readdirSync(ws.digestsDir);
    expect(files).toEqual([expect.stringMatching(/^daily-\d{4}-\d{2}-\d{2}-\d{6}-manual\.md$/)]);
    const markdown = readFileSync(path.join(ws.digestsDir, files[0] as string), 'utf8');
    expect(result.stdout).toContain(markdown.trimEnd());
    expect(result.stdout).toContain('digest daily (24h): previewed, 5 stories');
  });

  it('sends with the bot when DISCORD_TOKEN is set, then closes the gateway', async () => {
    const env = { ...(await setup(`, destination: { channelId: "${CHANNEL_ID}" }`)), DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };
    const result = await cli(['digest', '--once'], env);
    expect(result).toMatchObject({ code: 0, stdout: `digest daily (24h): sent 1 message to channel ${CHANNEL_ID}, 5 stories\n` });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.body.allowed_mentions).toEqual({ parse: [] });
    await fake.waitFor(() => fake.gateway.closes === 1, 5000, 'the gateway to close');
  });

  it('a second run posts nothing and says why; --dry-run shows what would go out and records nothing', async () => {
    const env = { ...(await setup(`, destination: { channelId: "${CHANNEL_ID}" }`)), DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };
    const before = await cli(['digest', '--once', '--dry-run', '--json'], env);
    expect(JSON.parse(before.stdout)).toMatchObject({ destination: `channel ${CHANNEL_ID}`, stories: 5, alreadyReceived: 0 });
    expect((await cli(['digest', '--once'], env)).stdout).toBe(`digest daily (24h): sent 1 message to channel ${CHANNEL_ID}, 5 stories\n`);

    const dry = await cli(['digest', '--once', '--dry-run'], env);
    expect(dry.stdout).toBe(`digest daily (24h): nothing new for channel ${CHANNEL_ID}: 5 stories in the window went there before; nothing would be sent\n`);
    const again = await cli(['digest', '--once'], env);
    expect(again).toMatchObject({ code: 0, stdout: `digest daily (24h): nothing new for channel ${CHANNEL_ID}: 5 stories in the window went there before; nothing sent\n` });
    expect(fake.messages).toHaveLength(1);

    const db = openDatabase(ws.database);
    await seedItems(createSqliteStore(db), [{ title: 'Colombia y Ecuador reabren la frontera', outlet: 'Agencia Nueva', themes: { 'regional-integration': 0.9 }, publishedAt: now - 60_000 }]);
    db.close();
    const news = await cli(['digest', '--once', '--dry-run'], env);
    expect(news.stdout).toContain('Colombia y Ecuador reabren la frontera');
    expect(news.stdout).not.toContain('Mercosur');
    expect(news.stdout).toMatch(/\(5 stories of the window left out: sent to channel \d+ before\)\n$/);
  });

  it('sends through a webhook with no token at all', async () => {
    const env = await setup(`, destination: { webhookUrl: "${fakeWebhook()}" }`);
    const result = await cli(['digest', '--once', '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'webhook', digest: { status: 'sent', destination: 'webhook 666666666666666666' } });
    expect(fake.messagePosts()[0]?.path).toMatch(/^\/webhooks\/666666666666666666\//);
  });

  it('explains a channel the bot cannot post in, and exits 1', async () => {
    const env = { ...(await setup(`, destination: { channelId: "${FORBIDDEN_CHANNEL_ID}" }`)), DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };
    const result = await cli(['digest', '--once'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`not sent to channel ${FORBIDDEN_CHANNEL_ID}: channel ${FORBIDDEN_CHANNEL_ID}: missing access`);
  });

  it('stops on a token Discord rejects with a clear message that never shows the token', async () => {
    const env = { ...(await setup(`, destination: { channelId: "${CHANNEL_ID}" }`)), DISCORD_TOKEN: 'MTIz.secret-bad-token', DISCORD_API_BASE: fake.api };
    const result = await cli(['digest', '--once'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sancocho: Discord rejected DISCORD_TOKEN (401 Unauthorized)');
    expect(result.stderr + result.stdout).not.toContain('secret-bad-token');
  });

  function fakeWebhook() {
    return fake.webhookUrl();
  }
});
