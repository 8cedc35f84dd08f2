import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../peers/fake-discord.js';
import { CHANNEL_ID, GUILD_ID } from '../../peers/fake-discord.js';
import { seedItems, type SeedItem } from '../../digest/seed-store.js';
import { freshUser, startHarness, type Harness } from './harness.js';

const WEEK = 7 * 24 * 3_600_000;
const integration = { 'regional-integration': 0.8 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** This week (a minute ago, whatever the day): two advancing stories (one told by two outlets), one stalling, one reversing; last week one stalling. */
function news(now: number): SeedItem[] {
  const recent = now - 60_000;
  return [
    { title: 'Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'Infobae América', themes: { 'trade-tariffs': 0.9, ...integration }, publishedAt: recent },
    { title: 'El Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'El País América', themes: { 'trade-tariffs': 0.8 }, publishedAt: recent },
    { title: 'Bolivia y Perú firman un acuerdo de integración energética en la CAN', outlet: 'La Razón', themes: integration, publishedAt: recent },
    { title: 'Postergan otra vez la cumbre del Mercosur', outlet: 'Clarín', themes: integration, publishedAt: recent },
    { title: 'Argentina amenaza con salir del Mercosur', outlet: 'Página 12', themes: integration, publishedAt: recent },
    { title: 'La cumbre de la CELAC termina sin declaración conjunta', outlet: 'Telesur', themes: integration, publishedAt: now - WEEK },
  ];
}

/** The attached PNG of a reply: its bytes, checked to decode as a PNG (signature, then the IHDR chunk's size). */
function attachedPng(answer: Answer): { name: string; width: number; height: number } {
  const files = answer.record.original?.files ?? [];
  expect(files).toHaveLength(1);
  const file = files[0]!;
  expect(file.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(file.bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { name: file.filename, width: file.bytes.readUInt32BE(16), height: file.bytes.readUInt32BE(20) };
}

/**
 * `/barometer` through the real discord.js client against the fake Discord: deferred, then answered
 * with the chart attached and the reading, in the language of the server's digest schedule (pt here).
 */
describe('/barometer', () => {
  let h: Harness;
  let empty: Answer;
  beforeAll(async () => {
    h = await startHarness({ digests: [{ name: 'semanal', cron: '0 8 * * 1', window: '7d', language: 'pt', destination: { channelId: CHANNEL_ID } }] });
    empty = await h.run('barometer', { userId: freshUser() });
    await seedItems(h.ctx.store, news(Date.now()));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('says plainly that there is nothing to show while the store has no story with a direction, with no chart', () => {
    expect(empty.callbackType).toBe(5);
    expect(empty.body.content).toBe(
      'O barômetro ainda não tem nada a mostrar: nenhuma notícia das últimas 12 semanas avança, estagna ou reverte a integração. Ele se enche à medida que os feeds são lidos.',
    );
    expect(empty.record.original?.files ?? []).toEqual([]);
  });

  it('answers publicly with the chart attached, this week’s index with its stories and change, and the three stories that moved it most', async () => {
    const answer = await h.run('barometer', { userId: freshUser() });
    expect(answer).toMatchObject({ callbackType: 5, ephemeral: false });
    expect(attachedPng(answer)).toEqual({ name: 'barometer.png', width: 1100, height: 720 });
    const lines = String(answer.body.content).split('\n');
    expect(lines[0]).toMatch(/^\*\*Barômetro da integração\*\* · semana de \d+ \S+$/);
    // (2 − 1) / 4 this week; last week one stalling story, index 0.
    expect(lines[1]).toBe('Índice desta semana: **+0,25** (4 notícias: 2 avançam, 1 estagna, 1 recua) · semana anterior 0,00, variação +0,25');
    expect(lines[3]).toBe('**O que mais o moveu nesta semana**');
    expect(lines.slice(4)).toEqual([
      expect.stringMatching(/^1\. ↘ recua \(−0,42\) · \[Argentina amenaza con salir del Mercosur\]\(<https:\/\/pagina-12\.example\/news\/\S+>\) · 1 veículo$/),
      expect.stringMatching(/^2\. ↗ avança \(\+0,25\) · \[E?l? ?Mercosur y la UE firman el acuerdo comercial en Asunción\]\(<\S+>\) · 2 veículos$/),
      expect.stringMatching(/^3\. ↗ avança \(\+0,25\) · \[Bolivia y Perú firman un acuerdo de integración energética en la CAN\]\(<\S+>\) · 1 veículo$/),
    ]);
  });

  it('narrows to one bloc and to fewer weeks, the chart titled with the bloc', async () => {
    const answer = await h.run('barometer', { userId: freshUser(), options: { weeks: 2, bloc: 'mercosur' } });
    expect(attachedPng(answer)).toMatchObject({ name: 'barometer-mercosur.png', width: 1100 });
    const lines = String(answer.body.content).split('\n');
    expect(lines[0]).toMatch(/^\*\*Barômetro da integração: Mercosur\*\* · /);
    // Mercosur this week: one advancing, one stalling, one reversing; none last week.
    expect(lines[1]).toBe('Índice desta semana: **0,00** (3 notícias: 1 avança, 1 estagna, 1 recua) · sem notícias na semana anterior');
    expect(lines.slice(4).every((line) => line.includes('Mercosur'))).toBe(true);
  });

  it('says so for a bloc no story of the weeks is about', async () => {
    const answer = await h.run('barometer', { userId: freshUser(), options: { bloc: 'sica' } });
    expect(answer.body.content).toContain('O barômetro ainda não tem nada a mostrar');
    expect(answer.record.original?.files ?? []).toEqual([]);
  });

  it('is registered with weeks 1–26 and the blocs as choices, named as the news names them', () => {
    const registered = h.fake.commands.guilds.get(GUILD_ID)?.find((c) => c.name === 'barometer');
    const option = (name: string) => registered?.options?.find((o: { name: string }) => o.name === name);
    expect(option('weeks')).toMatchObject({ type: 4, min_value: 1, max_value: 26 });
    expect(option('bloc').choices).toContainEqual({ name: 'Pacific Alliance', value: 'pacific-alliance' });
    expect(option('bloc').choices).toHaveLength(11);
  });

  it('refuses a bloc that is not one of the list, in one sentence', async () => {
    const answer = await h.run('barometer', { userId: freshUser(), options: { bloc: 'nafta' } });
    expect(answer).toMatchObject({ ephemeral: true, body: { content: 'Pick a regional body from the list.' } });
  });
});
