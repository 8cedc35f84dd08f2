import { describe, expect, it } from 'vitest';
import type { Barometer } from '../../src/digest/barometer.js';
import { briefingReadWindow, buildBriefing, reportedMoment, themeMovers } from '../../src/digest/build-briefing.js';
import type { Digest } from '../../src/digest/digest-types.js';
import { moverLines, readingLines, renderBriefingDiscord } from '../../src/digest/render-briefing.js';

const tally = (advancing: number, stalling: number, reversing: number) => {
  const stories = advancing + stalling + reversing;
  return { advancing, stalling, reversing, stories, index: stories === 0 ? null : (advancing - reversing) / stories };
};

describe('the theme movers: the latest week against the mean of the four before', () => {
  it.each([
    ['a theme up from its average', [{ 'trade-tariffs': 2 }, { 'trade-tariffs': 2 }, { 'trade-tariffs': 2 }, { 'trade-tariffs': 2 }, { 'trade-tariffs': 6 }], [['trade-tariffs', 6, 2, 4]]],
    ['a theme gone quiet moves too', [{ 'china-latam': 4 }, { 'china-latam': 4 }, {}, {}, {}], [['china-latam', 0, 2, -2]]],
    ['a steady theme is not a mover', [{ 'us-policy': 3 }, { 'us-policy': 3 }, { 'us-policy': 3 }, { 'us-policy': 3 }, { 'us-policy': 3 }], []],
    ['weeks the barometer does not reach count as none', [{ 'security-crime': 2 }, { 'security-crime': 4 }], [['security-crime', 4, 0.5, 3.5]]],
    [
      'at most three, the largest change first, ties to the larger volume, then THEMES.md order',
      [{}, {}, {}, {}, { 'trade-tariffs': 1, 'us-policy': 5, 'china-latam': 3, 'security-crime': 3, 'venezuela-crisis': 2 }],
      [
        ['us-policy', 5, 0, 5],
        ['security-crime', 3, 0, 3],
        ['china-latam', 3, 0, 3],
      ],
    ],
  ] as const)('%s', (_case, weeks, expected) => {
    expect(themeMovers(weeks).map((mover) => [mover.theme, mover.thisWeek, mover.average, mover.change])).toEqual(expected);
  });
});

describe('the briefing', () => {
  const digest: Digest = { schedule: 'weekly', language: 'en', timezone: 'UTC', from: 0, to: Date.UTC(2026, 10, 30, 8), sections: [] };
  const week = (start: string, overall: ReturnType<typeof tally>) => ({ start, overall, blocs: {} as Barometer['weeks'][number]['blocs'], themes: {} });

  it('reads the week before the slot: a Monday briefing reports the week just ended', () => {
    expect(new Date(reportedMoment(Date.UTC(2026, 10, 30, 8))).toISOString()).toBe('2026-11-29T08:00:00.000Z');
    // Twelve Mondays back from the week of 23 November, less 14 h for the zones ahead of UTC.
    expect(briefingReadWindow(Date.UTC(2026, 10, 30, 8), 'UTC')).toEqual({ from: Date.UTC(2026, 8, 7) - 14 * 3_600_000, to: Date.UTC(2026, 10, 30, 8) });
  });

  it.each([
    ['an index and the week before', tally(3, 1, 0), tally(1, 1, 2), ['Index **+0.75** (week before −0.25; change +1.00)', '4 stories: 3 advancing, 1 stalling, 0 reversing']],
    ['no reading the week before', tally(0, 1, 1), tally(0, 0, 0), ['Index **−0.50** (no reading the week before)', '2 stories: 0 advancing, 1 stalling, 1 reversing']],
    ['no story with a direction', tally(0, 0, 0), tally(1, 0, 0), ['No story of the week moved integration one way or the other.']],
  ])('says the barometer reading: %s', (_case, latest, before, expected) => {
    const briefing = buildBriefing(digest, { timezone: 'UTC', weeks: [week('2026-11-16', before), week('2026-11-23', latest)], movers: [] });
    expect(readingLines(briefing)).toEqual(expected);
  });

  it('puts the chart in the first message, inside the barometer embed', () => {
    const briefing = buildBriefing(digest, { timezone: 'UTC', weeks: [week('2026-11-23', tally(1, 0, 0))], movers: [] });
    expect(moverLines(briefing)).toEqual(['No theme changed in volume.']);
    const [first, ...rest] = renderBriefingDiscord(briefing, 'weekly.png');
    expect(rest).toEqual([]);
    expect(first?.body.content).toBe('**Weekly briefing · 30 Nov 2026**');
    expect(first?.body.embeds[0]).toMatchObject({ title: 'Integration barometer', image: { url: 'attachment://weekly.png' } });
  });
});
