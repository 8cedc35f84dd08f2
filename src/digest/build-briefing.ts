import { THEME_IDS, type ThemeId } from '../core/themes.js';
import { barometerChartData, weekStarts, type Barometer, type BarometerTally } from './barometer.js';
import { CHART_WEEKS, type BarometerChartData } from './barometer-chart.js';
import type { Digest } from './digest-types.js';

/**
 * The weekly briefing, pure: the barometer's reading for the week just ended and its change from
 * the week before, the themes whose volume moved most against their 4-week average, the chart's
 * data, and the week's top stories per theme (a digest, built as any other).
 */

export interface BriefingReading {
  /** The reported week's Monday, `YYYY-MM-DD`. */
  week: string;
  tally: BarometerTally;
  /** The week before's index; null when no story of it had a direction. */
  previous: number | null;
  /** `tally.index − previous`; null when either is. */
  change: number | null;
}

export interface ThemeMover {
  theme: ThemeId;
  /** Stories of the reported week filed under the theme. */
  thisWeek: number;
  /** Mean stories a week over the AVERAGE_WEEKS before it. */
  average: number;
  /** thisWeek − average. */
  change: number;
}

export interface Briefing {
  digest: Digest;
  reading: BriefingReading;
  /** At most three, the largest change first. */
  movers: ThemeMover[];
  chart: BarometerChartData;
}

const DAY_MS = 86_400_000;
export const AVERAGE_WEEKS = 4;
const MOVERS = 3;
/** Items are stored by instant; the earliest Monday starts up to 14 h earlier in UTC than in the timezone (UTC+14). */
const ZONE_MARGIN_MS = 14 * 3_600_000;

/**
 * A moment in the week a briefing sent at `slotAt` reports: the day before it. A Monday-morning
 * briefing reports the week that just ended, not the eight hours of the new one; one sent later
 * in the week reports that week so far.
 */
export function reportedMoment(slotAt: number): number {
  return slotAt - DAY_MS;
}

/** What the briefing's barometer reads: the CHART_WEEKS weeks up to the reported one, from their first Monday anywhere on Earth. */
export function briefingReadWindow(slotAt: number, timezone: string): { from: number; to: number } {
  const first = weekStarts(reportedMoment(slotAt), CHART_WEEKS, timezone)[0] as string;
  return { from: Date.parse(`${first}T00:00:00Z`) - ZONE_MARGIN_MS, to: slotAt };
}

/** `barometer` must be computed at `reportedMoment(slot)` over CHART_WEEKS weeks, overall (no bloc). */
export function buildBriefing(digest: Digest, barometer: Barometer): Briefing {
  const weeks = barometer.weeks;
  const latest = weeks.at(-1);
  const before = weeks.at(-2);
  const tally = latest?.overall ?? { advancing: 0, stalling: 0, reversing: 0, index: null, stories: 0 };
  const previous = before?.overall.index ?? null;
  return {
    digest,
    reading: {
      week: latest?.start ?? '',
      tally,
      previous,
      change: tally.index === null || previous === null ? null : tally.index - previous,
    },
    movers: themeMovers(weeks.map((week) => week.themes)),
    chart: barometerChartData(barometer),
  };
}

/**
 * The themes whose latest week moved most against the mean of the AVERAGE_WEEKS before it (weeks
 * the barometer does not reach count as none): the largest absolute change first, ties to the
 * larger volume, then THEMES.md order. Themes that did not move are left out.
 */
export function themeMovers(weeks: readonly Partial<Record<ThemeId, number>>[]): ThemeMover[] {
  const latest = weeks.at(-1) ?? {};
  const earlier = weeks.slice(-1 - AVERAGE_WEEKS, -1);
  return THEME_IDS.map((theme) => {
    const thisWeek = latest[theme] ?? 0;
    const average = earlier.reduce((sum, week) => sum + (week[theme] ?? 0), 0) / AVERAGE_WEEKS;
    return { theme, thisWeek, average, change: thisWeek - average };
  })
    .filter((mover) => mover.change !== 0)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.thisWeek - a.thisWeek || THEME_IDS.indexOf(a.theme) - THEME_IDS.indexOf(b.theme))
    .slice(0, MOVERS);
}
