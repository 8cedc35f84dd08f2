import type { AwaitingItem, ClassificationRecord, PendingItem } from '../core/classification.js';

/** The classifications, as the pipeline's classify step reads and writes them. */
export interface ClassificationRepository {
  /** Items with no classification for their current content, oldest first, after `afterId`. */
  pending(options: { limit: number; afterId?: number }): Promise<PendingItem[]>;
  /** Replaces each item's classification and its themes, all at once. */
  save(records: ClassificationRecord[]): Promise<void>;
  /** Items labelled offline for want of budget or server, oldest first, whose wording has not changed since. */
  awaitingLlm(options: { limit: number; afterId?: number }): Promise<AwaitingItem[]>;
}
