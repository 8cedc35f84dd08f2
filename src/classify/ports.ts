import type { LlmUsage, MergeDecision } from '../core/classification.js';
import type { ThemeId } from '../core/themes.js';

/** Where LLM usage is written and the day's spending read (the token ledger). */
export interface UsageLedger {
  recordUsage(entry: LlmUsage): Promise<void>;
  /** Total tokens of the calls made at or after `at`. */
  tokensUsedSince(at: number): Promise<number>;
}

/** The LLM's validated labels, by content hash, model and prompt version. */
export interface LabelCache {
  /** The cached themes of those of `contentHashes` labelled under this model and prompt version. */
  cachedThemes(contentHashes: string[], model: string, promptVersion: string): Promise<Map<string, ThemeId[]>>;
  cacheThemes(entries: { contentHash: string; themes: ThemeId[] }[], model: string, promptVersion: string, now: number): Promise<void>;
}

/** The response format that last worked, per server and model, so a restart starts there. */
export interface ResponseModes {
  savedMode(server: string, model: string): Promise<string | undefined>;
  saveMode(server: string, model: string, mode: string, at: number): Promise<void>;
}

/** The LLM's verdicts on story pairs, keyed by the two texts' content hashes in either order. */
export interface MergeDecisions {
  /** The decisions on pairs among these texts, each pair with `a` < `b`. */
  mergeDecisions(contentHashes: readonly string[]): Promise<MergeDecision[]>;
  /** Replaces earlier verdicts on the same pairs. */
  saveMergeDecisions(decisions: MergeDecision[], model: string, now: number): Promise<void>;
}

/** What the LLM classifier keeps in the store: its answer cache, the token ledger, the response mode that works, pair verdicts. */
export type LlmLedger = UsageLedger & LabelCache & ResponseModes & MergeDecisions;

/** What `sancocho status` reads of the LLM's state. */
export interface LlmStatusReader extends Pick<UsageLedger, 'tokensUsedSince'>, Pick<ResponseModes, 'savedMode'> {
  /** Items labelled offline for want of budget or server, to be asked again. */
  countAwaitingLlm(): Promise<number>;
}
