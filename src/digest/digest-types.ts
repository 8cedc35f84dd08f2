import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';

/** One stored item as a digest sees it: what it says, who published it, and how it was classified. */
export interface DigestItem {
  id: number;
  title: string;
  url: string | null;
  /** The outlet: the source an aggregator names, else the feed's name. */
  outlet: string;
  language: Language;
  publishedAt: number;
  /** When the item reached Sancocho in its current form: stored and classified. Digest windows go by this. */
  reachedAt: number;
  /** Theme scores in [0, 1] from the item's current classification. */
  themes: Partial<Record<ThemeId, number>>;
  contentHash: string;
  /** Content hashes of items an LLM confirmed report the same event as this one (uncertain pairs only). */
  confirmedSame?: readonly string[];
}

/** The same story told by one or more outlets: one entry in a digest. */
export interface Story {
  /** Stable for the same lead item: `s<item id>`. */
  id: string;
  /** The item that represents the story: the best-scored, then earliest, then lowest id. */
  lead: DigestItem;
  /** Every item of the story, the lead first. */
  items: DigestItem[];
  /** Distinct outlets, the lead's first. */
  outlets: string[];
  languages: Language[];
  /** Per theme, the best score among the story's items. */
  themes: Partial<Record<ThemeId, number>>;
  /** Publication time of the newest item. */
  latestAt: number;
  /**
   * The destination already got this story as a priority alert: the digest shows one line, the
   * label (`⚡ alerted at 10:42`), the headline, and the note (`+2 outlets since the alert`), if any.
   */
  alerted?: { label: string; note?: string | undefined } | undefined;
  /** The story was held back from alerting (`⏸ no alert: quiet hours`): it stays in full, with this after its details. */
  held?: string | undefined;
}

export interface RankedStory extends Story {
  /** The ranking score in [0, 1] for the section's theme. */
  score: number;
}

export interface DigestSection {
  theme: ThemeId;
  stories: RankedStory[];
  /** Stories that carried the theme before the top-N cut. */
  candidates: number;
  /** A 2–3 sentence overview written by the LLM, when one is configured. */
  overview: string | null;
}

/** A built digest: plain data that both renderers (Discord and Markdown) read. */
export interface Digest {
  schedule: string;
  language: Language;
  timezone: string;
  /** The window [from, to): the stories that reached Sancocho in it, not older than one window before it. */
  from: number;
  to: number;
  sections: DigestSection[];
  /** Stories of the window left out because the destination already received them; absent when none. */
  alreadyReceived?: number;
}

export function digestStoryCount(digest: Digest): number {
  return digest.sections.reduce((total, section) => total + section.stories.length, 0);
}
