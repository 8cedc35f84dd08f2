import { describe, expect, it } from 'vitest';
import type { Direction, LensReading } from '../../src/core/lens.js';
import { barometerChartData, computeBarometer, isoWeekStart, weekStarts } from '../../src/digest/barometer.js';
import type { DigestItem } from '../../src/digest/digest-types.js';
import { HOUR, NOW, item } from './fixtures.js';

/** NOW is Sunday 3 May 2026, 12:00 UTC: the week of Monday 27 April. */
const DAY = 24 * HOUR;

function reading(direction: Direction, actors: string[] = []): LensReading {
  return { direction, obstacles: [], actors, evidence: [] };
}

/** Distinct headlines, so that each is its own story unless a test says otherwise. */
const HEADLINES = [
  'Mercosur y la UE firman el acuerdo comercial en Asunción',
  'Bolivia y Perú crean una comisión binacional del litio',
  'Postergan la cumbre de la CELAC en Tegucigalpa',
  'Argentina amenaza con salir del Mercosur',
  'Colombia y Venezuela reabren el paso fronterizo de Cúcuta',
  'Caricom pide una reunión urgente sobre Haití',
];

function stories(directions: [Direction, string[]?, number?][]): { items: DigestItem[]; readings: Map<number, LensReading> } {
  const items = directions.map(([, , daysAgo = 0], index) => item(HEADLINES[index] as string, { publishedAt: NOW - daysAgo * DAY, reachedAt: NOW - daysAgo * DAY }));
  return { items, readings: new Map(items.map((it, index) => [it.id, reading(directions[index]![0], directions[index]![1])])) };
}

const options = { weeks: 2, timezone: 'UTC', now: NOW };

describe('the week a moment falls in', () => {
  it.each([
    ['Sunday noon, UTC', NOW, 'UTC', '2026-04-27'],
    ['Sunday 21:00 in Tokyo', NOW, 'Asia/Tokyo', '2026-04-27'],
    ['already Monday in Auckland', NOW, 'Pacific/Auckland', '2026-05-04'],
    ['Monday 02:00 UTC is still Sunday in São Paulo', Date.UTC(2026, 4, 4, 2), 'America/Sao_Paulo', '2026-04-27'],
    ['Monday 02:00 UTC is Monday in Madrid', Date.UTC(2026, 4, 4, 2), 'Europe/Madrid', '2026-05-04'],
    ['across a year end', Date.UTC(2026, 0, 1, 12), 'UTC', '2025-12-29'],
  ])('%s', (_case, at, zone, monday) => {
    expect(isoWeekStart(at, zone)).toBe(monday);
  });

  it('the last weeks end with the current one, oldest first', () => {
    expect(weekStarts(NOW, 3, 'UTC')).toEqual(['2026-04-13', '2026-04-20', '2026-04-27']);
  });
});

describe('the weekly tally and index', () => {
  it.each<[string, [Direction, string[]?][], { advancing: number; stalling: number; reversing: number; index: number | null; stories: number }]>([
    ['no stories: no index', [], { advancing: 0, stalling: 0, reversing: 0, index: null, stories: 0 }],
    ['stories without a direction: no index', [['none'], ['none']], { advancing: 0, stalling: 0, reversing: 0, index: null, stories: 0 }],
    ['all advancing', [['advancing'], ['advancing']], { advancing: 2, stalling: 0, reversing: 0, index: 1, stories: 2 }],
    ['all reversing', [['reversing']], { advancing: 0, stalling: 0, reversing: 1, index: -1, stories: 1 }],
    ['stalling weighs the index towards zero', [['advancing'], ['stalling'], ['stalling'], ['none']], { advancing: 1, stalling: 2, reversing: 0, index: 1 / 3, stories: 3 }],
    ['advancing and reversing cancel out', [['advancing'], ['reversing']], { advancing: 1, stalling: 0, reversing: 1, index: 0, stories: 2 }],
  ])('%s', (_case, directions, tally) => {
    const { items, readings } = stories(directions);
    expect(computeBarometer(items, readings, options).weeks.at(-1)?.overall).toEqual(tally);
  });

  it('counts a story told by several outlets once, by the direction most of its items read', () => {
    const told = [
      item('Mercosur y la UE firman el acuerdo comercial en Asunción', { outlet: 'A', publishedAt: NOW - 3 * HOUR }),
      item('El Mercosur y la UE firman el acuerdo comercial en Asunción', { outlet: 'B', publishedAt: NOW - 2 * HOUR }),
      item('Mercosur y UE firman acuerdo comercial en Asunción', { outlet: 'C', publishedAt: NOW - HOUR }),
    ];
    const readings = new Map([
      [told[0]!.id, reading('advancing', ['mercosur'])],
      [told[1]!.id, reading('none', ['mercosur'])],
      [told[2]!.id, reading('advancing', ['mercosur'])],
    ]);
    const week = computeBarometer(told, readings, options).weeks.at(-1)!;
    expect(week.overall).toMatchObject({ advancing: 1, stories: 1 });
    expect(week.blocs.mercosur).toMatchObject({ advancing: 1, stories: 1 });
  });

  it('a story whose items disagree evenly takes the rarer reading', () => {
    const told = [
      item('Argentina amenaza con salir del Mercosur', { outlet: 'A' }),
      item('Argentina amenaza con salir del Mercosur, dice Milei', { outlet: 'B' }),
    ];
    const readings = new Map([
      [told[0]!.id, reading('advancing', ['mercosur'])],
      [told[1]!.id, reading('reversing', ['mercosur'])],
    ]);
    expect(computeBarometer(told, readings, options).weeks.at(-1)?.overall).toMatchObject({ advancing: 0, reversing: 1 });
  });

  it('puts each story in its week, leaves out older ones, and tallies each bloc among its actors', () => {
    const { items, readings } = stories([
      ['advancing', ['mercosur', 'AR'], 0],
      ['reversing', ['mercosur', 'celac'], 1],
      ['stalling', ['celac'], 7],
      ['advancing', ['can'], 21],
    ]);
    const result = computeBarometer(items, readings, options);
    expect(result.weeks.map((week) => [week.start, week.overall.stories, week.blocs.mercosur.index, week.blocs.celac.index, week.blocs.can.index])).toEqual([
      ['2026-04-20', 1, null, 0 / 1, null],
      ['2026-04-27', 2, 0, -1, null],
    ]);
  });

  it('a story goes to the week it broke, and a publication date after its arrival is not believed', () => {
    const late = item(HEADLINES[0]!, { publishedAt: NOW + 2 * DAY, reachedAt: NOW - 7 * DAY });
    const result = computeBarometer([late], new Map([[late.id, reading('advancing')]]), options);
    expect(result.weeks.map((week) => week.overall.advancing)).toEqual([1, 0]);
  });

  it('items the lens did not read (off-topic) are left out', () => {
    const { items, readings } = stories([['advancing'], ['reversing']]);
    readings.delete(items[1]!.id);
    expect(computeBarometer(items, readings, options).weeks.at(-1)?.overall).toMatchObject({ advancing: 1, reversing: 0, stories: 1 });
  });
});

describe('theme volumes', () => {
  it('counts each story once, under its best-scored theme, directions or not; with a bloc, only its stories', () => {
    const items = [
      item(HEADLINES[0]!, { themes: { 'trade-tariffs': 0.9, 'regional-integration': 0.6 } }),
      item(HEADLINES[1]!, { themes: { 'resources-autonomy': 0.7, 'regional-integration': 0.7 } }),
      item(HEADLINES[2]!, { themes: { 'regional-integration': 0.5 } }),
    ];
    const readings = new Map([
      [items[0]!.id, reading('advancing', ['mercosur'])],
      [items[1]!.id, reading('none', ['BO', 'PE'])],
      [items[2]!.id, reading('stalling', ['celac'])],
    ]);
    // A tie between two themes goes to the one listed first in THEMES.md.
    expect(computeBarometer(items, readings, options).weeks.at(-1)?.themes).toEqual({ 'trade-tariffs': 1, 'regional-integration': 2 });
    const mercosur = computeBarometer(items, readings, { ...options, bloc: 'mercosur' });
    expect(mercosur.weeks.at(-1)?.themes).toEqual({ 'trade-tariffs': 1 });
    expect(barometerChartData(mercosur, 'mercosur', 'Mercosur').weeks.at(-1)).toEqual({ start: '2026-04-27', counts: { 'trade-tariffs': 1 }, index: 1 });
  });
});

describe('the stories that moved the index most', () => {
  it.each<[string, [Direction, string[]?, number?][], string | undefined, [string, number][]]>([
    [
      'the lone reversal outweighs two advances; advances tie, and keep their order',
      [['advancing'], ['advancing'], ['reversing'], ['stalling']],
      undefined,
      [
        ['reversing', -0.4167],
        ['advancing', 0.25],
        ['advancing', 0.25],
      ],
    ],
    ['a story alone is the whole index', [['reversing']], undefined, [['reversing', -1]]],
    ['stories without a direction never move it', [['none'], ['none']], undefined, []],
    ['only the latest week counts', [['advancing', [], 7], ['reversing']], undefined, [['reversing', -1]]],
    [
      'with a bloc, only its stories',
      [['advancing', ['mercosur']], ['reversing', ['celac']], ['stalling', ['mercosur']]],
      'mercosur',
      [
        ['advancing', 0.5],
        ['stalling', -0.5],
      ],
    ],
  ])('%s', (_case, directions, bloc, expected) => {
    const { items, readings } = stories(directions);
    const result = computeBarometer(items, readings, { ...options, ...(bloc ? { bloc: bloc as 'mercosur' } : {}) });
    expect(result.movers.map((mover) => [mover.direction, Number(mover.impact.toFixed(4))])).toEqual(expected);
  });

  it('at most three', () => {
    const { items, readings } = stories([['advancing'], ['advancing'], ['reversing'], ['stalling'], ['reversing']]);
    expect(computeBarometer(items, readings, options).movers).toHaveLength(3);
  });
});
