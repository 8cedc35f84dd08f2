/** Domain types shared by every stage. Pure data: no behaviour, no I/O. */

export const LANGUAGES = ['es', 'pt', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A feed as configured (config file) or added by a user. */
export interface FeedSpec {
  url: string;
  name: string;
  language?: Language | undefined;
  /** Minutes between polls; the global default applies when absent. */
  intervalMinutes?: number | undefined;
}

/** One entry as the parser saw it: raw strings, nothing trusted yet. */
export interface RawItem {
  guid?: string | undefined;
  link?: string | undefined;
  title?: string | undefined;
  /** HTML or text as published (description, content, summary). */
  summary?: string | undefined;
  /** Raw date strings in order of preference (pubDate, published, dc:date, updated): publication before revision. */
  dates: string[];
  /** The outlet named by an aggregator (`<source>` in Google News items). */
  source?: string | undefined;
  /** `xml:base` values in scope for the link, outermost first; the first relative one resolves against the document URL. */
  bases?: string[] | undefined;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title?: string | undefined;
  link?: string | undefined;
  language?: string | undefined;
  /** RSS `<ttl>` in minutes, when present. */
  ttlMinutes?: number | undefined;
  items: RawItem[];
}

/** An item ready to store: plain text, canonical URL, a date in ms since the epoch. */
export interface NormalizedItem {
  guid: string | null;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  /** Folded title used to recognise the same headline from the same source. */
  titleKey: string;
  summary: string;
  language: Language;
  publishedAt: number;
  /** Whether publishedAt came from the feed (false: fetch time was used). */
  dated: boolean;
  source: string | null;
  /** Hash of title + summary: changes when the wording changes. */
  contentHash: string;
}

export type FeedStatus = 'active' | 'failing' | 'disabled';
