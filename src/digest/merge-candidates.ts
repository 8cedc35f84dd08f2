import type { ClassifiableItem } from '../classify/item-classifier.js';
import { uncertainPairs } from './cluster-stories.js';

/**
 * The story pairs among items about to be classified that clustering is unsure of, for the LLM to
 * settle in the same call (wired in where the classifier is built, so classify never imports digest).
 * Judged on headlines and publication times alone, as a digest will judge them.
 */
export function uncertainItemPairs(items: readonly ClassifiableItem[]): [number, number][] {
  return uncertainPairs(
    items.map((item) => ({
      id: item.id,
      title: item.title,
      url: null,
      outlet: '',
      language: item.language,
      publishedAt: item.publishedAt ?? Number.NaN,
      reachedAt: 0,
      themes: {},
      contentHash: item.contentHash,
    })),
  );
}
