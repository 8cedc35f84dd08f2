import type { NormalizedItem } from '../../src/core/types.js';

/** A normalized item with only what a test names: a title, and the rest plain (no guid, no URL, Spanish, dated). */
export function normalizedItem(overrides: Partial<NormalizedItem> & { title: string }): NormalizedItem {
  const title = overrides.title;
  return {
    guid: null,
    url: null,
    canonicalUrl: null,
    titleKey: title.toLowerCase(),
    summary: '',
    language: 'es',
    publishedAt: Date.UTC(2026, 10, 28),
    dated: true,
    source: null,
    contentHash: `hash:${title}:${overrides.summary ?? ''}`,
    ...overrides,
  };
}
