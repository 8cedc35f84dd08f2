import type { LensReader } from '../classify/lens-reader.js';
import type { LensReading, StoredLensReading } from '../core/lens.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import { computeBarometer, weekStarts, type Barometer, type BarometerOptions } from './barometer.js';
import type { DigestItem } from './digest-types.js';
import { loadDigestItemsWithSummaries, type DigestSources } from './load-digest-items.js';

/** The lens readings stored with the items' classifications. */
export interface LensReadingReader {
  /** The stored readings of those of `itemIds` that have one. */
  lensReadings(itemIds: readonly number[]): Promise<Map<number, StoredLensReading>>;
}

export interface BarometerSources extends DigestSources {
  classifications: DigestSources['classifications'] & LensReadingReader;
}

/**
 * The barometer's input: the window's items as a digest loads them (every theme, backlog left out),
 * each with its stored lens reading (offline or the LLM's, made when it was classified). Items
 * classified before readings were stored have none: those are read here, offline, on their title and summary.
 */
export async function loadBarometerItems(
  sources: BarometerSources,
  lens: LensReader,
  window: { from: number; to: number },
): Promise<{ items: DigestItem[]; readings: Map<number, LensReading>; stored: number }> {
  const loaded = await loadDigestItemsWithSummaries(sources, THEME_IDS, window);
  const stored = await sources.classifications.lensReadings(loaded.map(({ item }) => item.id));
  const readings = new Map<number, LensReading>(stored);
  for (const { item, summary } of loaded) {
    if (readings.has(item.id)) continue;
    const reading = lens.read({ title: item.title, summary, lang: item.language, themes: Object.keys(item.themes) as ThemeId[] });
    if (reading) readings.set(item.id, reading);
  }
  const items = loaded.map(({ item }) => item);
  return { items, readings, stored: stored.size };
}

/** Items are stored by instant; the earliest Monday starts up to 14 h earlier in UTC than in the timezone (UTC+14). */
const ZONE_MARGIN_MS = 14 * 3_600_000;

/** The barometer of the `options.weeks` weeks up to `options.now`, from the store: what `sancocho barometer` and `/barometer` show. */
export async function readBarometer(sources: BarometerSources, lens: LensReader, options: BarometerOptions): Promise<{ barometer: Barometer; stored: number }> {
  const from = Date.parse(`${weekStarts(options.now, options.weeks, options.timezone)[0]}T00:00:00Z`) - ZONE_MARGIN_MS;
  const { items, readings, stored } = await loadBarometerItems(sources, lens, { from, to: options.now + 1 });
  return { barometer: computeBarometer(items, readings, options), stored };
}
