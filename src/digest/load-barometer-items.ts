import type { LensReader } from '../classify/lens-reader.js';
import type { LensReading } from '../core/lens.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import type { DigestItem } from './digest-types.js';
import { loadDigestItemsWithSummaries, type DigestSources } from './load-digest-items.js';

/**
 * The barometer's input: the window's items as a digest loads them (every theme, backlog left out),
 * each read with the lens on its title and summary. Readings are not stored yet, so they are made here.
 */
export async function loadBarometerItems(
  sources: DigestSources,
  lens: LensReader,
  window: { from: number; to: number },
): Promise<{ items: DigestItem[]; readings: Map<number, LensReading> }> {
  const loaded = await loadDigestItemsWithSummaries(sources, THEME_IDS, window);
  const readings = new Map<number, LensReading>();
  for (const { item, summary } of loaded) {
    const reading = lens.read({ title: item.title, summary, lang: item.language, themes: Object.keys(item.themes) as ThemeId[] });
    if (reading) readings.set(item.id, reading);
  }
  const items = loaded.map(({ item }) => item);
  return { items, readings };
}
