import type { ItemLensReading } from './lens.js';
import type { ThemeId } from './themes.js';
import type { Language } from './types.js';

export type ClassificationSource = 'offline' | 'llm';

/** An item's current classification, as stored. */
export interface ClassificationRecord {
  itemId: number;
  /** The item's content hash when it was classified; a different current hash means stale. */
  contentHash: string;
  source: ClassificationSource;
  model: string | null;
  promptVersion: string | null;
  themes: ThemeId[];
  scores: Partial<Record<ThemeId, number>>;
  evidence: Partial<Record<ThemeId, string[]>>;
  /** Why offline labels were used when an LLM is configured; null otherwise. */
  reason: string | null;
  /** Offline labels for want of budget or server: the LLM is asked again later. */
  awaitingLlm?: boolean | undefined;
  classifiedAt: number;
  /** The item's lens reading, stored with the labels and replacing any earlier one; absent or null: none (off-topic). */
  lens?: ItemLensReading | null | undefined;
}

/** An item with no classification for its current content. */
export interface PendingItem {
  id: number;
  contentHash: string;
  title: string;
  summary: string;
  language: Language;
  publishedAt: number;
  backlog: boolean;
}

/** An item labelled offline for want of budget or server, with when it was classified. */
export type AwaitingItem = Omit<PendingItem, 'backlog'> & { classifiedAt: number };

export interface LlmUsage {
  at: number;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  items: number;
  mode: string;
  /** What the tokens were spent on: labelling items, or a digest overview. */
  purpose?: 'classify' | 'overview' | undefined;
}

/** An LLM's answer on two texts clustering was unsure of. */
export interface MergeDecision {
  a: string;
  b: string;
  same: boolean;
}
