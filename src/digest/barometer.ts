import { BODY_IDS, type BodyId, type LensReading } from '../core/lens.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import type { BarometerChartData } from './barometer-chart.js';
import { clusterStories } from './cluster-stories.js';
import type { DigestItem, Story } from './digest-types.js';

/**
 * The integration barometer, computed from the lens readings of the stories of the last weeks:
 * per ISO week (Monday start, in a timezone), overall and per regional body, how many stories
 * advanced, stalled or reversed integration, and the index (advancing − reversing) / (all three).
 * Pure: the items, their readings and `now` in, plain data out.
 */

export type MovingDirection = 'advancing' | 'stalling' | 'reversing';

export interface BarometerTally {
  advancing: number;
  stalling: number;
  reversing: number;
  /** (advancing − reversing) / (advancing + stalling + reversing); null when no story had a direction. */
  index: number | null;
  /** The stories behind the index: advancing + stalling + reversing. */
  stories: number;
}

export interface BarometerWeekFigures {
  /** The week's Monday, `YYYY-MM-DD`, in the barometer's timezone. */
  start: string;
  overall: BarometerTally;
  blocs: Record<BodyId, BarometerTally>;
  /** Stories per theme, each story once under its best-scored theme (the chart's bars); only `bloc`'s when one is given. */
  themes: Partial<Record<ThemeId, number>>;
}

export interface BarometerMover {
  storyId: string;
  title: string;
  url: string | null;
  direction: MovingDirection;
  /** How far the story moves the latest week's index: the index with it minus the index without it (0 when none is left). */
  impact: number;
  outlets: number;
  blocs: BodyId[];
}

export interface Barometer {
  timezone: string;
  /** Oldest first; the last is the week holding `now`. */
  weeks: BarometerWeekFigures[];
  /** The (at most) three stories that moved the latest week's index most, overall or for `bloc`. */
  movers: BarometerMover[];
}

export interface BarometerOptions {
  weeks: number;
  timezone: string;
  now: number;
  /** Movers and theme volumes for this body alone; the weekly tallies hold every body either way. */
  bloc?: BodyId;
}

/** A story as the barometer counts it. */
interface ReadStory {
  story: Story;
  week: string;
  direction: MovingDirection | null;
  blocs: BodyId[];
  theme: ThemeId | null;
}

const DAY_MS = 86_400_000;
const MOVERS = 3;
/** When a story's items disagree, the rarer, more specific reading wins the tie, as in the lens itself. */
const TIE_ORDER: MovingDirection[] = ['reversing', 'stalling', 'advancing'];
const BODY_SET: ReadonlySet<string> = new Set(BODY_IDS);

export function computeBarometer(items: readonly DigestItem[], readings: ReadonlyMap<number, LensReading>, options: BarometerOptions): Barometer {
  const starts = weekStarts(options.now, options.weeks, options.timezone);
  const inRange = new Set(starts);
  const read = clusterStories(items.filter((item) => readings.has(item.id)))
    .map((story) => readStory(story, readings, options.timezone))
    .filter((story) => inRange.has(story.week));
  const weeks = starts.map((start) => {
    const ofWeek = read.filter((story) => story.week === start);
    const blocs = Object.fromEntries(BODY_IDS.map((bloc) => [bloc, tally(ofWeek.filter((story) => story.blocs.includes(bloc)))])) as Record<BodyId, BarometerTally>;
    const themes: Partial<Record<ThemeId, number>> = {};
    for (const story of ofWeek.filter((story) => inScope(story, options.bloc))) if (story.theme) themes[story.theme] = (themes[story.theme] ?? 0) + 1;
    return { start, overall: tally(ofWeek), blocs, themes };
  });
  const latest = starts.at(-1);
  const latestStories = read.filter((story) => story.week === latest && inScope(story, options.bloc));
  return { timezone: options.timezone, weeks, movers: movers(latestStories) };
}

/** The chart's input: the weeks' theme volumes and the index, overall or `bloc`'s (computed with the same `bloc`). */
export function barometerChartData(barometer: Barometer, bloc?: BodyId, title?: string): BarometerChartData {
  return {
    weeks: barometer.weeks.map((week) => ({
      start: week.start,
      counts: week.themes,
      index: (bloc === undefined ? week.overall : week.blocs[bloc]).index,
    })),
    ...(title === undefined ? {} : { title }),
  };
}

export function isBodyId(value: string): value is BodyId {
  return BODY_SET.has(value);
}

/** The Monday of the week holding `at`, as `YYYY-MM-DD`, reading the calendar in `timezone`. */
export function isoWeekStart(at: number, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const localMidnight = Date.UTC(Number(part('year')), Number(part('month')) - 1, Number(part('day')));
  const sinceMonday = (new Date(localMidnight).getUTCDay() + 6) % 7;
  return new Date(localMidnight - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/** The Mondays of the last `count` weeks, oldest first, the week of `now` last. */
export function weekStarts(now: number, count: number, timezone: string): string[] {
  const last = Date.parse(`${isoWeekStart(now, timezone)}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) => new Date(last - (count - 1 - index) * 7 * DAY_MS).toISOString().slice(0, 10));
}

function readStory(story: Story, readings: ReadonlyMap<number, LensReading>, timezone: string): ReadStory {
  const votes = new Map<MovingDirection, number>();
  const blocs = new Set<BodyId>();
  for (const item of story.items) {
    const reading = readings.get(item.id);
    if (!reading) continue;
    if (reading.direction !== 'none') votes.set(reading.direction, (votes.get(reading.direction) ?? 0) + 1);
    for (const actor of reading.actors) if (isBodyId(actor)) blocs.add(actor);
  }
  let direction: MovingDirection | null = null;
  for (const candidate of TIE_ORDER) if ((votes.get(candidate) ?? 0) > (direction ? (votes.get(direction) ?? 0) : 0)) direction = candidate;
  // A story belongs to the week it broke in; a publication date after its arrival is not believed.
  const brokeAt = Math.min(...story.items.map((item) => Math.min(item.publishedAt, item.reachedAt)));
  return { story, week: isoWeekStart(brokeAt, timezone), direction, blocs: BODY_IDS.filter((id) => blocs.has(id)), theme: topTheme(story) };
}

function inScope(story: ReadStory, bloc: BodyId | undefined): boolean {
  return bloc === undefined || story.blocs.includes(bloc);
}

function topTheme(story: Story): ThemeId | null {
  let best: ThemeId | null = null;
  for (const theme of THEME_IDS) {
    const score = story.themes[theme];
    if (score !== undefined && (best === null || score > (story.themes[best] ?? 0))) best = theme;
  }
  return best;
}

function tally(stories: readonly ReadStory[]): BarometerTally {
  const count = (direction: MovingDirection) => stories.filter((story) => story.direction === direction).length;
  return fromCounts(count('advancing'), count('stalling'), count('reversing'));
}

function fromCounts(advancing: number, stalling: number, reversing: number): BarometerTally {
  const stories = advancing + stalling + reversing;
  return { advancing, stalling, reversing, index: stories === 0 ? null : (advancing - reversing) / stories, stories };
}

/** Leave-one-out: how much each story shifts the index, largest first; ties to the story more outlets told, then the earlier id. */
function movers(stories: readonly ReadStory[]): BarometerMover[] {
  const whole = tally(stories);
  const moving = stories.filter((story): story is ReadStory & { direction: MovingDirection } => story.direction !== null);
  return moving
    .map((story) => {
      const without = fromCounts(
        whole.advancing - (story.direction === 'advancing' ? 1 : 0),
        whole.stalling - (story.direction === 'stalling' ? 1 : 0),
        whole.reversing - (story.direction === 'reversing' ? 1 : 0),
      );
      return {
        storyId: story.story.id,
        title: story.story.lead.title,
        url: story.story.lead.url,
        direction: story.direction,
        impact: (whole.index ?? 0) - (without.index ?? 0),
        outlets: story.story.outlets.length,
        blocs: story.blocs,
      };
    })
    .sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact) || b.outlets - a.outlets || Number(a.storyId.slice(1)) - Number(b.storyId.slice(1)))
    .slice(0, MOVERS);
}
