import type { ClassificationRecord } from '../../src/core/classification.js';
import type { NormalizedItem } from '../../src/core/types.js';

/** The day the classification-store tests are set on. */
export const T0 = Date.UTC(2026, 10, 28);

/** A normalized Spanish item whose content hash follows its text, so new wording is a new hash. */
export function item(title: string, summary = '', publishedAt = T0): NormalizedItem {
  return {
    guid: title,
    url: null,
    canonicalUrl: null,
    title,
    titleKey: title.toLowerCase(),
    summary,
    language: 'es',
    publishedAt,
    dated: true,
    source: null,
    contentHash: `hash:${title}:${summary}`,
  };
}

/** An offline regional-integration label for one item, classified at T0. */
export function record(itemId: number, contentHash: string, overrides: Partial<ClassificationRecord> = {}): ClassificationRecord {
  return {
    itemId,
    contentHash,
    source: 'offline',
    model: null,
    promptVersion: null,
    themes: ['regional-integration'],
    scores: { 'regional-integration': 0.8 },
    evidence: { 'regional-integration': ['Mercosur'] },
    reason: null,
    classifiedAt: T0,
    ...overrides,
  };
}
