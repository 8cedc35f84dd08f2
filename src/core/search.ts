import type { ThemeId } from './themes.js';
import type { Language } from './types.js';

export interface SearchFilters {
  theme?: ThemeId | undefined;
  /** Only items published in the last `days` days. */
  days?: number | undefined;
  language?: Language | undefined;
}

export interface SearchHit {
  id: number;
  title: string;
  url: string | null;
  source: string | null;
  feedName: string;
  language: Language;
  publishedAt: number;
}

/** Which page of results: `limit` hits after the first `offset`. */
export interface PageRequest {
  offset: number;
  limit: number;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Whether another page follows this one. */
  more: boolean;
}

/** Which newest items `latest` lists without a theme: those on any theme, or every classified one. */
export type LatestInclude = 'on-topic' | 'all';

/** Items per theme published in the last 24 hours and 7 days. */
export type ThemeCounts = Map<ThemeId, { day: number; week: number }>;

/**
 * Full-text search over the stored items. Its users, the slash commands (/news search, /news latest,
 * /themes) and the bench, sit above the store context that gathers every stage's ports, so the port
 * is declared here with its domain types rather than in discord/.
 */
export interface SearchRepository {
  /**
   * One page of the items matching every word of `query` (see search-query.ts: accents ignored, the
   * last word also as a prefix), best first: relevance (titles weighing more than summaries) shrunk
   * by age at `now`, the newer item first on a tie. Filters: items carrying `theme`, published in
   * the `days` days before `now`, in `language`. A query without a word finds nothing.
   */
  search(query: string, filters: SearchFilters, page: PageRequest, now: number): Promise<SearchPage>;
  /**
   * The newest classified items of one theme; without a theme, the newest on any theme
   * (`on-topic`, the default) or every classified item, off-topic ones (sport, weather…) included (`all`).
   */
  latest(count: number, theme?: ThemeId, include?: LatestInclude): Promise<SearchHit[]>;
  /** Items per theme published in the 24 hours and the 7 days before `now`. */
  themeCounts(now: number): Promise<ThemeCounts>;
}
