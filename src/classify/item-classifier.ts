import type { ItemLensReading } from '../core/lens.js';
import type { Language } from '../core/types.js';
import type { Classification, ClassifierInput } from './classifier.js';
import type { LensReader } from './lens-reader.js';
import type { OfflineClassifier } from './offline-classifier.js';

/** A stored item as the classification stage sees it. */
export interface ClassifiableItem {
  id: number;
  contentHash: string;
  title: string;
  summary: string;
  language: Language;
  /** When the outlet published it (ms; NaN when undated): how far apart two reports of one event may be. */
  publishedAt?: number;
  /** A new feed's archive: it never reaches a digest, so it is not worth LLM tokens. */
  backlog?: boolean;
}

/** One item's labels and where they came from, ready to store. */
export interface ItemLabel {
  itemId: number;
  contentHash: string;
  source: 'offline' | 'llm';
  model: string | null;
  promptVersion: string | null;
  /** Why offline labels were used although an LLM is configured; null otherwise. */
  reason: string | null;
  /** Offline for want of budget or server: worth asking the LLM again later. */
  awaitingLlm?: boolean;
  classification: Classification;
  /** The item's lens reading, stored with its labels; null for an off-topic item, absent when no lens was given. */
  lens?: ItemLensReading | null;
}

/**
 * Labels a page of stored items, one label per item, in order. An unavailable or misbehaving model
 * is an expected failure: those items get offline labels, and the promise still resolves.
 */
export interface ItemClassifier {
  classifyItems(items: ClassifiableItem[]): Promise<ItemLabel[]>;
  /** Whether an LLM could be asked now (budget left, not paused); absent for the offline classifier. */
  canAskLlm?(): Promise<boolean>;
}

export function toClassifierInput(item: ClassifiableItem): ClassifierInput {
  return { id: String(item.id), title: item.title, summary: item.summary, lang: item.language };
}

export function offlineLabel(
  item: ClassifiableItem,
  classification: Classification,
  reason: string | null = null,
  awaitingLlm = false,
  lens?: LensReader,
): ItemLabel {
  return {
    itemId: item.id,
    contentHash: item.contentHash,
    source: 'offline',
    model: null,
    promptVersion: null,
    reason,
    awaitingLlm,
    classification,
    ...(lens ? { lens: offlineLens(lens, item, classification) } : {}),
  };
}

/** The offline lens's reading of a classified item, ready to store; null when it is off-topic. */
export function offlineLens(lens: LensReader, item: Pick<ClassifiableItem, 'title' | 'summary' | 'language'>, classification: Classification): ItemLensReading | null {
  const reading = lens.read({ title: item.title, summary: item.summary, lang: item.language, themes: classification.themes });
  return reading && { ...reading, source: 'offline', quote: null, importance: null };
}

/** Offline only: the classifier used when no LLM is configured; with `lens`, each label carries its lens reading. */
export function createOfflineItemClassifier(offline: OfflineClassifier, lens?: LensReader): ItemClassifier {
  return {
    classifyItems: async (items) => items.map((item) => offlineLabel(item, offline.classify(toClassifierInput(item)), null, false, lens)),
  };
}
