import type { Language, NormalizedItem } from './types.js';

/**
 * An item on its way to the store, with the keys that recognise it again: `entryKey`, how its feed
 * names the entry (see pipeline/dedupe-keys.ts), and `sourceKey`, the source its headline is
 * compared within. Computed once by the pipeline; engines store and compare them, never derive them.
 */
export interface KeyedItem extends NormalizedItem {
  entryKey: string;
  sourceKey: string;
}

export interface StoredItem {
  id: number;
  feedId: number;
  guid: string | null;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  summary: string;
  language: Language;
  source: string | null;
  publishedAt: number;
  backlog: boolean;
  contentHash: string;
  fetchedAt: number;
}

/** What storing one feed's entries did: new items, rewordings by their first feed, and copies of known stories. */
export interface SaveCounts {
  new: number;
  updated: number;
  duplicate: number;
}

export interface SavedItems extends SaveCounts {
  /** The stored item each entry became or was recognised as, in input order. */
  itemIds: number[];
}
