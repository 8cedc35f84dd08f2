import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';

/**
 * The contract every theme classifier shares (offline keywords, LLM): what it reads and what it
 * answers. Labels follow THEMES.md; an empty `themes` list means off-topic.
 */

export interface ClassifierInput {
  /** The caller's reference for the item; classifiers that batch (LLM) use it to match answers. */
  id?: string;
  title: string;
  /** Plain text; empty for headline-only feeds. */
  summary: string;
  /** The item's language. The offline classifier then uses only that language's words (plus names);
   *  without it, every language's. */
  lang?: Language;
}

export interface Classification {
  /** Assigned themes, highest score first; empty = off-topic. */
  themes: ThemeId[];
  /** Every theme's score in [0, 1]. A theme is assigned when its score reaches its threshold;
   *  a theme that cannot apply (no regional signal, a required signal missing) scores 0. */
  scores: Record<ThemeId, number>;
  /**
   * Why, per theme that anything fired for: readable lines naming the configured term, where it was
   * found and its signed contribution, e.g. `arancel (title+summary, +9)`, `fútbol (title, -8)`;
   * a last line `needs: …` says which signal was missing when the theme could not apply.
   */
  evidence: Partial<Record<ThemeId, string[]>>;
  /** Whether the item is about Latin America at all. Without it no theme applies, and an LLM need not be asked. */
  regionalSignal: boolean;
  /** Strength of the regional signal in [0, 1]. */
  regionalScore: number;
  /** What made the regional signal, in the same form as `evidence`. */
  regionalEvidence: string[];
}
