import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestScheduleSchema, type DigestScheduleConfig } from '../../src/config/config-schema.js';
import { readEnvironment } from '../../src/config/environment.js';
import { silentLogger } from '../../src/core/logger.js';
import { createDigestRunner } from '../../src/delivery/digest-runner.js';
import type { Deliverer } from '../../src/delivery/deliverer.js';
import { createDeliverer } from '../../src/discord/create-deliverer.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedItems, type SeedItem } from '../digest/seed-store.js';
import { CHANNEL_ID, WEBHOOK_ID, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';

/** Monday 30 November 2026, 08:00 UTC: the briefing reports the week of Monday the 23rd. */
const SLOT = Date.UTC(2026, 10, 30, 8);
const MIN = 60_000;
const at = (month: number, day: number, hour = 12) => Date.UTC(2026, month - 1, day, hour);
const integration = { 'regional-integration': 0.8 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Weeks of news the lens reads. The reported week (23–29 Nov): two advancing stories (one told
 * twice, filed under trade), one stalling, one reversing, and another trade story; the week before:
 * one stalling. Trade had three stories in the four weeks before.
 */
const SEEDED: SeedItem[] = [
  { title: 'Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'Infobae América', themes: { 'trade-tariffs': 0.9, ...integration }, publishedAt: at(11, 24, 10) },
  { title: 'El Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'El País América', themes: { 'trade-tariffs': 0.8 }, publishedAt: at(11, 24, 11) },
  { title: 'Bolivia y Perú firman un acuerdo de integración energética en la CAN', outlet: 'La Razón', themes: integration, publishedAt: at(11, 23, 9) },
  { title: 'Postergan otra vez la cumbre del Mercosur', outlet: 'Clarín', themes: integration, publishedAt: at(11, 25, 8) },
  { title: 'Argentina amenaza con salir del Mercosur', outlet: 'Página 12', themes: integration, publishedAt: at(11, 26, 15) },
  { title: 'La cumbre de la CELAC termina sin declaración conjunta', outlet: 'Telesur', themes: integration, publishedAt: at(11, 18, 20) },
  { title: 'Brasil sube los aranceles al acero chino', outlet: 'Valor', themes: { 'trade-tariffs': 0.9 }, publishedAt: at(11, 26) },
  { title: 'Chile recorta el arancel a la maquinaria agrícola', outlet: 'La Tercera', themes: { 'trade-tariffs': 0.9 }, publishedAt: at(11, 19) },
  { title: 'Colombia y Ecuador levantan la guerra arancelaria', outlet: 'El Tiempo', themes: { 'trade-tariffs': 0.9 }, publishedAt: at(11, 12) },
  { title: 'Uruguay pide flexibilizar el arancel externo común', outlet: 'El Observador', themes: { 'trade-tariffs': 0.9 }, publishedAt: at(11, 5) },
];

function schedule(overrides: Record<string, unknown> = {}): DigestScheduleConfig {
  return digestScheduleSchema.parse({ name: 'weekly', kind: 'briefing', timezone: 'UTC', destination: { channelId: CHANNEL_ID }, ...overrides });
}

/** The PNG's size from its IHDR chunk, after checking the signature: what an image decoder reads first. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the weekly briefing, through the outbox to a fake Discord', () => {
  let fake: FakeDiscord;
  let db: Database;
  let dir: string;
  let deliverers: Deliverer[] = [];
  let clock = SLOT + MIN;
  const out = new PassThrough();
  out.resume();

  beforeEach(async () => {
    fake = await startFakeDiscord();
    db = openDatabase(':memory:');
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-briefing-'));
    clock = SLOT + MIN;
    await seedItems(createSqliteStore(db), SEEDED);
  });
  afterEach(async () => {
    for (const deliverer of deliverers) await deliverer.close();
    deliverers = [];
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A runner as `start` makes one; a second call is the process after a restart (same database). */
  async function runner(schedules: DigestScheduleConfig[], env: NodeJS.ProcessEnv, signal?: AbortSignal) {
    const setup = await createDeliverer({ discord: readEnvironment(env).discord, logger: silentLogger(), out, previewDir: dir, hasWebhooks: schedules.some((s) => s.destination?.webhookUrl) });
    if (setup.kind !== 'ok') throw new Error(setup.message);
    deliverers.push(setup.deliverer);
    return createDigestRunner({ store: createSqliteStore(db), logger: silentLogger(), schedules, deliverer: setup.deliverer, now: () => clock, signal });
  }
  const botEnv = () => ({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api });

  it('posts one message with the chart attached and shown in the barometer embed, the reading, the movers and the top stories', async () => {
    const weekly = schedule();
    const report = await (await runner([weekly], botEnv())).run(weekly, { trigger: 'schedule', slotAt: SLOT });

    expect(report).toMatchObject({ status: 'sent', parts: 1, sentParts: 1 });
    expect(fake.messages).toHaveLength(1);
    const [message] = fake.messages;
    expect(message?.files.map((file) => [file.filename, file.contentType])).toEqual([['weekly-2026-11-30-0800.png', 'image/png']]);
    expect(pngSize(message?.files[0]?.bytes as Buffer)).toEqual({ width: 1100, height: 720 });
    const body = message?.body;
    expect(body.attachments).toEqual([{ id: 0, filename: 'weekly-2026-11-30-0800.png' }]);
    expect(body.enforce_nonce).toBe(true);
    expect(body.content).toBe('**Informe semanal · 30 nov 2026**');
    const [barometer, movers, ...sections] = body.embeds;
    expect(barometer.image).toEqual({ url: 'attachment://weekly-2026-11-30-0800.png' });
    // 2 advancing, 1 stalling, 1 reversing: (2 − 1) / 4; the week before had one stalling story (0).
    expect(barometer.description).toBe('Índice **+0,25** (semana anterior 0,00; cambio +0,25)\n4 historias: 2 avanzan, 1 se estanca, 1 retrocede');
    // Regional integration: 3 stories against 1 in the four weeks before (0.25); trade: 2 against 3 (0.75).
    expect(movers.description.split('\n')).toEqual([
      '1. **Integración regional**: 3 historias esta semana, media de 0,3 (+2,8)',
      '2. **Comercio y aranceles**: 2 historias esta semana, media de 0,8 (+1,3)',
    ]);
    expect(sections.map((embed: { title: string }) => embed.title)).toEqual(['Integración regional', 'Comercio y aranceles']);
  });

  it('a crash after Discord accepted the briefing and before it was recorded: the restart finds it, and the image is posted once', async () => {
    const weekly = schedule();
    // Discord creates the message and the connection drops before the answer; discord.js's own retries fail too.
    fake.scriptMessages('accept-and-destroy', 'destroy', 'destroy', 'destroy', 'destroy');
    const first = await (await runner([weekly], botEnv())).run(weekly, { trigger: 'schedule', slotAt: SLOT });
    expect(first).toMatchObject({ status: 'pending', sentParts: 0 });
    expect(fake.messages).toHaveLength(1);
    const [part] = await createSqliteStore(db).outbox.parts(first.digestId);
    expect(part).toMatchObject({ status: 'pending', fileName: 'weekly-2026-11-30-0800.png', attemptedAt: expect.any(Number) });

    // An hour later Discord has forgotten the nonce; the restarted process looks before it resends.
    fake.forgetNonces();
    clock += 60 * MIN;
    await (await runner([weekly], botEnv())).catchUp();

    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.files).toHaveLength(1);
    const [after] = await createSqliteStore(db).outbox.parts(first.digestId);
    expect(after).toMatchObject({ status: 'sent', messageId: fake.messages[0]?.id });
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${CHANNEL_ID}/messages`)).toHaveLength(1);
  });

  it('goes through a webhook as multipart with wait=true', async () => {
    const weekly = schedule({ destination: { webhookUrl: fake.webhookUrl() } });
    const report = await (await runner([weekly], {})).run(weekly, { trigger: 'schedule', slotAt: SLOT });
    expect(report).toMatchObject({ status: 'sent', sentParts: 1 });
    const [post] = fake.messagePosts();
    expect(post?.query.get('wait')).toBe('true');
    expect(post?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(fake.messages[0]?.webhookId).toBe(WEBHOOK_ID);
    expect(pngSize(fake.messages[0]?.files[0]?.bytes as Buffer).width).toBe(1100);
  });

  it('in preview mode writes the PNG next to the Markdown, which links it', async () => {
    const weekly = schedule({ destination: undefined, language: 'en' });
    const report = await (await runner([weekly], {})).run(weekly, { trigger: 'schedule', slotAt: SLOT });
    expect(report).toMatchObject({ status: 'sent', destination: 'preview' });
    expect(readdirSync(dir).sort()).toEqual(['weekly-2026-11-30-0800.md', 'weekly-2026-11-30-0800.png']);
    const markdown = readFileSync(path.join(dir, 'weekly-2026-11-30-0800.md'), 'utf8');
    expect(markdown).toMatch(/^# Weekly briefing · 30 Nov 2026\n\n!\[Stories per week and theme, with the barometer index\]\(weekly-2026-11-30-0800\.png\)\n/);
    expect(markdown).toContain('## Integration barometer\n\nIndex **+0.25** (week before 0.00; change +0.25)  \n4 stories: 2 advancing, 1 stalling, 1 reversing');
    expect(markdown).toContain('## Regional integration');
    expect(pngSize(readFileSync(path.join(dir, 'weekly-2026-11-30-0800.png')))).toEqual({ width: 1100, height: 720 });
    expect(fake.requests).toHaveLength(0);
  });

  it('builds the slot once: a second run of the same Monday sends nothing more', async () => {
    const weekly = schedule();
    const run = await runner([weekly], botEnv());
    await run.run(weekly, { trigger: 'schedule', slotAt: SLOT });
    const again = await run.run(weekly, { trigger: 'catch-up', slotAt: SLOT });
    expect(again).toMatchObject({ created: false, status: 'sent' });
    expect(fake.messages).toHaveLength(1);
  });
});
