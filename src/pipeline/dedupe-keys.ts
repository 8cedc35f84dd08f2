import type { KeyedItem } from '../core/item.js';
import type { NormalizedItem } from '../core/types.js';

/**
 * The key a feed gives an entry: its guid, unless the feed repeats guids (then guid + URL, as
 * miniflux does), else its URL, else its headline.
 */
export function entryKeys(items: readonly NormalizedItem[]): string[] {
  const guidCounts = new Map<string, number>();
  for (const item of items) if (item.guid) guidCounts.set(item.guid, (guidCounts.get(item.guid) ?? 0) + 1);
  return items.map((item) => {
    if (item.guid && guidCounts.get(item.guid) === 1) return `guid:${item.guid}`;
    if (item.guid && item.canonicalUrl) return `guid:${item.guid}|${item.canonicalUrl}`;
    if (item.canonicalUrl) return `url:${item.canonicalUrl}`;
    return `title:${item.titleKey}`;
  });
}

/** Headlines are compared within one source: the outlet an aggregator names, else the feed. */
export function sourceKey(feedId: number, item: Pick<NormalizedItem, 'source'>): string {
  return item.source ? `outlet:${item.source.trim().toLowerCase()}` : `feed:${feedId}`;
}

/** One feed's entries with the keys the store recognises them by. */
export function withDedupeKeys(feedId: number, items: readonly NormalizedItem[]): KeyedItem[] {
  const keys = entryKeys(items);
  return items.map((item, index) => ({ ...item, entryKey: keys[index] as string, sourceKey: sourceKey(feedId, item) }));
}
