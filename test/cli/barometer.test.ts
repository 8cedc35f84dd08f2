import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SeedItem } from '../digest/seed-store.js';
import { seedItems } from '../digest/seed-store.js';
import { cli, workspace } from '../discord/cli-helpers.js';

/** Wednesday 25 November 2026, noon UTC: the latest week starts on Monday the 23rd. */
const NOW = Date.UTC(2026, 10, 25, 12);
const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);
const integration = { 'regional-integration': 0.8 };

/** Three weeks of news the lens reads: the latest has two advancing stories (one told twice), one stalling, one reversing. */
const SEEDED: SeedItem[] = [
  { title: 'Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'Infobae América', themes: { 'trade-tariffs': 0.9, ...integration }, publishedAt: at(24, 10) },
  { title: 'El Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'El País América', themes: { 'trade-tariffs': 0.8 }, publishedAt: at(24, 11) },
  { title: 'Bolivia y Perú firman un acuerdo de integración energética en la CAN', outlet: 'La Razón', themes: integration, publishedAt: at(23, 9) },
  { title: 'Postergan otra vez la cumbre del Mercosur', outlet: 'Clarín', themes: integration, publishedAt: at(25, 8) },
  { title: 'Argentina amenaza con salir del Mercosur', outlet: 'Página 12', themes: integration, publishedAt: at(24, 15) },
  { title: 'Ecuador despliega militares en las cárceles de Guayaquil', outlet: 'El Universo', themes: { 'security-crime': 0.9 }, publishedAt: at(24, 18) },
  { title: 'La cumbre de la CELAC termina sin declaración conjunta', outlet: 'Telesur', themes: integration, publishedAt: at(18, 20) },
  // Three weeks before the latest: outside `--weeks 3`.
  { title: 'Chile y Perú firman un acuerdo de integración eléctrica en la Alianza del Pacífico', outlet: 'La Tercera', themes: integration, publishedAt: at(3, 12) },
];

describe('sancocho barometer', () => {
  let ws: ReturnType<typeof workspace>;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    ws = workspace('  - { name: weekly, cron: "0 9 * * 1", window: 7d }\n');
    const db = openDatabase(ws.database);
    await seedItems(createSqliteStore(db), SEEDED);
    db.close();
    env = { SANCOCHO_CONFIG: ws.config };
  });
  afterEach(() => {
    vi.useRealTimers();
    ws.cleanup();
  });

  it('prints a week per line, each story counted once however many outlets told it, and the stories that moved the index', async () => {
    const { code, stdout, stderr } = await cli(['barometer', '--weeks', '3'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('barometer: weeks from Monday, UTC');
    expect(lines.slice(1, 6).map((line) => line.split(/\s+/))).toEqual([
      ['week', 'advancing', 'stalling', 'reversing', 'index', 'stories'],
      expect.any(Array),
      ['2026-11-09', '0', '0', '0', '-', '0'],
      ['2026-11-16', '0', '1', '0', '0.00', '1'],
      ['2026-11-23', '2', '1', '1', '+0.25', '4'],
    ]);
    expect(stdout).toContain('Moved the index most this week:\n  -0.42  reversing  Argentina amenaza con salir del Mercosur\n  +0.25  advancing');
  });

  it('--json gives the figures per week, overall and per bloc, the theme volumes and the three movers', async () => {
    const { code, stdout } = await cli(['barometer', '--weeks', '4', '--json'], env);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.weeks.map((week: { start: string }) => week.start)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    const [first, , , latest] = result.weeks;
    expect(first.overall).toEqual({ advancing: 1, stalling: 0, reversing: 0, index: 1, stories: 1 });
    expect(first.blocs['pacific-alliance']).toMatchObject({ advancing: 1, index: 1 });
    expect(latest.overall).toEqual({ advancing: 2, stalling: 1, reversing: 1, index: 0.25, stories: 4 });
    expect(latest.blocs.mercosur).toEqual({ advancing: 1, stalling: 1, reversing: 1, index: 0, stories: 3 });
    expect(latest.blocs.can).toEqual({ advancing: 1, stalling: 0, reversing: 0, index: 1, stories: 1 });
    expect(latest.blocs.celac).toEqual({ advancing: 0, stalling: 0, reversing: 0, index: null, stories: 0 });
    // Five stories in the week, each under its best theme, the one without a direction included.
    expect(latest.themes).toEqual({ 'trade-tariffs': 1, 'regional-integration': 3, 'security-crime': 1 });
    expect(result.movers.map((mover: { title: string; direction: string; outlets: number }) => [mover.direction, mover.outlets, mover.title])).toEqual([
      ['reversing', 1, 'Argentina amenaza con salir del Mercosur'],
      ['advancing', 2, expect.stringContaining('firman el acuerdo comercial en Asunción')],
      ['advancing', 1, 'Bolivia y Perú firman un acuerdo de integración energética en la CAN'],
    ]);
  });

  it('--bloc narrows the table, the theme volumes and the movers to one regional body', async () => {
    const table = await cli(['barometer', '--weeks', '3', '--bloc', 'mercosur'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe('barometer mercosur: weeks from Monday, UTC');
    expect(table.stdout).toMatch(/^2026-11-16 +0 +0 +0 +- +0$/m);
    expect(table.stdout).toMatch(/^2026-11-23 +1 +1 +1 +0\.00 +3$/m);

    const json = JSON.parse((await cli(['barometer', '--weeks', '3', '--bloc', 'mercosur', '--json'], env)).stdout);
    expect(json.bloc).toBe('mercosur');
    expect(json.weeks.at(-1).themes).toEqual({ 'trade-tariffs': 1, 'regional-integration': 2 });
    expect(json.movers.every((mover: { blocs: string[] }) => mover.blocs.includes('mercosur'))).toBe(true);
    expect(json.movers).toHaveLength(3);
  });

  it('--chart writes the weekly chart as a PNG', async () => {
    const file = path.join(ws.dir, 'barometro.png');
    const { code } = await cli(['barometer', '--chart', file, '--lang', 'pt', '--bloc', 'mercosur'], env);
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('reads the stored lens readings, and reads offline only the items classified without one', async () => {
    const db = openDatabase(ws.database);
    // The LLM read this one as advancing, quoting it; offline rules would call a postponed summit stalling.
    await seedItems(createSqliteStore(db), [
      {
        title: 'Postergan la cumbre de la CAN pero firman la hoja de ruta',
        outlet: 'El Comercio',
        themes: integration,
        publishedAt: at(25, 9),
        lens: { direction: 'advancing', obstacles: [], actors: ['can'], evidence: ['advancing: "firman la hoja de ruta" (llm)'], source: 'llm', quote: 'firman la hoja de ruta', importance: null },
      },
    ]);
    db.close();
    const latest = JSON.parse((await cli(['barometer', '--weeks', '1', '--json'], env)).stdout).weeks.at(-1);
    expect(latest.overall).toEqual({ advancing: 3, stalling: 1, reversing: 1, index: 0.4, stories: 5 });
    expect(latest.blocs.can).toMatchObject({ advancing: 2, stalling: 0 });
  });

  it.each([
    [['--bloc', 'nafta'], 'barometer: unknown bloc "nafta" (known: mercosur, celac, can,'],
    [['--weeks', '0'], 'barometer: --weeks must be a whole number from 1 to 104, not "0"'],
    [['--lang', 'fr'], 'barometer: --lang must be one of es, pt, en, not "fr"'],
    [['--timezone', 'Mars/Olympus'], 'barometer: unknown timezone "Mars/Olympus"'],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    const { code, stderr, stdout } = await cli(['barometer', ...args], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
  });
});
