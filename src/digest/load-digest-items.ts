import type { ClassificationRecord, MergeDecision } from '../core/classification.js';
import type { FeedRow } from '../core/feed.js';
import type { StoredItem } from '../core/item.js';
import type { ThemeId } from '../core/themes.js';
import type { DigestItem } from './digest-types.js';

/** What a digest reads of the classifications. */
export interface DigestClassificationReader {
  /** Ids of items carrying `theme` that were classified in [from, to) and are not older news, newest first. */
  itemsWithTheme(theme: ThemeId, window: { from: number; to: number; limit?: number }): Promise<number[]>;
  get(itemId: number): Promise<ClassificationRecord | undefined>;
  /** The LLM's verdicts on pairs among these texts (content hashes). */
  mergeDecisions(contentHashes: readonly string[]): Promise<MergeDecision[]>;
}

/** What a digest reads of the stored items. */
export interface DigestItemReader {
  get(id: number): Promise<StoredItem | undefined>;
}

/** What a digest reads of the feeds: the outlet name of an item without one of its own. */
export interface DigestFeedReader {
  get(id: number): Promise<FeedRow | undefined>;
}

/** The store as a digest reads it. */
export interface DigestSources {
  items: DigestItemReader;
  feeds: DigestFeedReader;
  classifications: DigestClassificationReader;
}

/**
 * The items a digest may use: classified in [from, to) and published no earlier than one window
 * before it, carrying at least one of `themes` in their current classification, and not backlog
 * (a new feed's archive never reaches a digest).
 */
export async function loadDigestItems(sources: DigestSources, themes: readonly ThemeId[], window: { from: number; to: number }): Promise<DigestItem[]> {
  return (await loadDigestItemsWithSummaries(sources, themes, window)).map(({ item }) => item);
}

/** The same items, each with its stored summary, for readers of the whole text (the lens) without a second read per item. */
export async function loadDigestItemsWithSummaries(
  sources: DigestSources,
  themes: readonly ThemeId[],
  window: { from: number; to: number },
): Promise<{ item: DigestItem; summary: string }[]> {
  const ids = new Set<number>();
  for (const theme of themes) for (const id of await sources.classifications.itemsWithTheme(theme, window)) ids.add(id);
  const feedNames = new Map<number, string>();
  const result: DigestItem[] = [];
  const summaries: string[] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    const item = await sources.items.get(id);
    if (!item || item.backlog) continue;
    const classification = await sources.classifications.get(id);
    if (!classification) continue;
    const scores: Partial<Record<ThemeId, number>> = {};
    for (const theme of classification.themes) scores[theme] = clampScore(classification.scores[theme] ?? 1);
    let feedName = feedNames.get(item.feedId);
    if (feedName === undefined) {
      feedName = (await sources.feeds.get(item.feedId))?.name ?? 'unknown outlet';
      feedNames.set(item.feedId, feedName);
    }
    result.push({
      id: item.id,
      title: item.title,
      // The link readers get is the one stored for dedupe: tracking parameters removed.
      url: item.canonicalUrl ?? item.url,
      outlet: item.source?.trim() || feedName,
      language: item.language,
      publishedAt: item.publishedAt,
      reachedAt: classification.classifiedAt,
      themes: scores,
      contentHash: item.contentHash,
    });
    summaries.push(item.summary);
  }
  const merged = withConfirmedMerges(result, await sources.classifications.mergeDecisions(result.map((item) => item.contentHash)));
  return merged.map((item, index) => ({ item, summary: summaries[index] as string }));
}

/** Each item learns which of the others an LLM confirmed as the same event (see `uncertainPairs`). */
export function withConfirmedMerges(items: DigestItem[], decisions: readonly MergeDecision[]): DigestItem[] {
  const same = new Map<string, string[]>();
  for (const { a, b, same: confirmed } of decisions) {
    if (!confirmed) continue;
    same.set(a, [...(same.get(a) ?? []), b]);
    same.set(b, [...(same.get(b) ?? []), a]);
  }
  if (same.size === 0) return items;
  return items.map((item) => {
    const confirmedSame = same.get(item.contentHash);
    return confirmedSame ? { ...item, confirmedSame } : item;
  });
}

function clampScore(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}
