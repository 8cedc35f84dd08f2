import type { LensReader } from '../classify/lens-reader.js';
import type { LensReading, StoredLensReading } from '../core/lens.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
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
