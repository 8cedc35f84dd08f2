import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedItems } from '../digest/seed-store.js';
import { cli, workspace } from '../discord/cli-helpers.js';

/** Monday 30 November 2026, 10:00 UTC: the briefing reads the week of the 23rd. */
const NOW = Date.UTC(2026, 10, 30, 10);
const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);

describe('sancocho digest --dry-run on a briefing schedule', () => {
  let ws: ReturnType<typeof workspace>;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    ws = workspace('  - { name: briefing, kind: briefing, language: en }\n');
    const db = openDatabase(ws.database);
    await seedItems(createSqliteStore(db), [
      { title: 'Bolivia y Perú firman un acuerdo de integración energética en la CAN', outlet: 'La Razón', themes: { 'regional-integration': 0.8 }, publishedAt: at(24, 9) },
      { title: 'Argentina amenaza con salir del Mercosur', outlet: 'Página 12', themes: { 'regional-integration': 0.8 }, publishedAt: at(26, 15) },
    ]);
    db.close();
  });
  afterEach(() => {
    vi.useRealTimers();
    ws.cleanup();
  });

  it('prints the briefing it would post, and writes and records nothing', async () => {
    const { code, stdout, stderr } = await cli(['digest', '--once', '--dry-run', '--schedule', 'briefing'], { SANCOCHO_CONFIG: ws.config });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# Weekly briefing · 30 Nov 2026\n\n!\[.*\]\(briefing-2026-11-30-\d{6}-manual\.png\)/);
    expect(stdout).toContain('Index **0.00** (no reading the week before)  \n2 stories: 1 advancing, 0 stalling, 1 reversing');
    expect(stdout).toContain('1. **Regional integration**: 2 stories this week, 0 on average (+2.0)');

    const json = JSON.parse((await cli(['digest', '--once', '--dry-run', '--json', '--schedule', 'briefing'], { SANCOCHO_CONFIG: ws.config })).stdout);
    expect(json).toMatchObject({ schedule: 'briefing', kind: 'briefing', destination: 'preview', messages: [], image: { bytes: expect.any(Number) } });
    expect(json.image.bytes).toBeGreaterThan(10_000);
    const db = openDatabase(ws.database);
    expect(await createSqliteStore(db).outbox.recent()).toEqual([]);
    db.close();
  });
});
