import * as crypto from 'node:crypto';
import { foldAccents } from '../core/fold-accents.js';
import type { Language, NormalizedItem, RawItem } from '../core/types.js';
import { canonicalHref } from './canonical-url.js';
import { detectLanguage } from './detect-language.js';
import { htmlToText, truncateAtWord, UNEVEN_SPACE } from './html-to-text.js';
import { parseFeedDate } from './parse-date.js';
import { repairMojibake } from './repair-mojibake.js';

export interface NormalizeContext {
  /** The language configured for the feed; detection is used only without it. */
  feedLanguage?: Language | undefined;
  fetchedAt: number;
  /** The feed's URL (after redirects), against which relative links and `xml:base` values resolve. */
  baseUrl: string;
}

export const MAX_TITLE_LENGTH = 300;
export const MAX_SUMMARY_LENGTH = 1000;
/**
 * Raw fields are cut to this before any transformation, so no field costs more than a fixed amount
 * of work. Generous: a summary's first 1000 characters of text sit well inside 64 KiB of markup.
 */
export const MAX_RAW_SUMMARY_CHARS = 64 * 1024;
/** Titles, links, ids, dates and outlet names: far beyond any real one. */
export const MAX_RAW_FIELD_CHARS = 4 * 1024;
/** Clocks drift and zones get mislabelled; beyond this a "future" date is not believed. */
export const MAX_FUTURE_SKEW_MS = 10 * 60_000;
/** When neither the feed nor the text says otherwise: most of the region writes Spanish. */
export const DEFAULT_LANGUAGE: Language = 'es';

/**
 * A raw entry → an item ready to store, or null when it has neither a title nor a usable link.
 * An entry with a link but no title borrows the start of its summary, else its URL, as title.
 */
export function normalizeItem(raw: RawItem, ctx: NormalizeContext): NormalizedItem | null {
  const link = absoluteHttpUrl(capped(raw.link, MAX_RAW_FIELD_CHARS), linkBase(raw.bases ?? [], ctx.baseUrl));
  const url = link?.href ?? null;
  const source = plainText(capped(raw.source, MAX_RAW_FIELD_CHARS));
  const rawTitle = withoutOutletSuffix(plainText(capped(raw.title, MAX_RAW_FIELD_CHARS)), source);
  if (rawTitle === '' && url === null) return null;

  const summary = truncateAtWord(plainText(capped(raw.summary, MAX_RAW_SUMMARY_CHARS)), MAX_SUMMARY_LENGTH);
  const title = truncateAtWord(rawTitle || summary || url!, MAX_TITLE_LENGTH);
  const dates = raw.dates.map((date) => capped(date, MAX_RAW_FIELD_CHARS)!);
  const { publishedAt, dated } = publicationTime(dates, ctx.fetchedAt);
  const guid = capped(raw.guid, MAX_RAW_FIELD_CHARS)?.trim() ?? '';

  return {
    guid: guid === '' ? null : guid,
    url,
    canonicalUrl: link === null ? null : canonicalHref(link),
    title,
    titleKey: titleKey(title),
    summary,
    language: ctx.feedLanguage ?? detectLanguage(`${title} ${summary}`) ?? DEFAULT_LANGUAGE,
    publishedAt,
    dated,
    source: source === '' ? null : source,
    contentHash: sha256Hex(`${title}\n${summary}`),
  };
}

/** One call where Node has `crypto.hash` (20.12 and later); the same hex digest either way. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text)
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * Aggregators append the outlet to every headline ("Cumbre en Montevideo - El País"); the outlet is
 * kept in `source`, and the bare headline dedupes against the outlet's own feed.
 */
function withoutOutletSuffix(title: string, source: string): string {
  if (source === '') return title;
  for (const separator of [' - ', ' – ', ' — ', ' | ']) {
    const suffix = `${separator}${source}`;
    if (title.length > suffix.length && title.endsWith(suffix)) return title.slice(0, -suffix.length).trimEnd();
  }
  return title;
}

/** Lower-case, accents and punctuation removed, whitespace collapsed: `¿Qué pasó?` → `que paso`. */
export function titleKey(title: string): string {
  return foldAccents(title).replace(/[\p{P}\p{S}]+/gu, ' ').replace(UNEVEN_SPACE, ' ').trim();
}

/** The first `max` characters, never ending on half a surrogate pair. */
function capped(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value.length <= max) return value;
  return value.slice(0, max).replace(/[\uD800-\uDBFF]$/, '');
}

/** Mojibake is repaired before whitespace is touched: `Ã­` hides a soft hyphen, `Ã ` an NBSP. */
function plainText(value: string | undefined): string {
  return value === undefined ? '' : htmlToText(repairMojibake(value));
}

/**
 * The URL a relative link resolves against (RFC 4287 §2, XML Base): each `xml:base` in scope,
 * outermost first, resolved against the one before it, the first against the document URL. A base
 * that is not a URL is skipped rather than lose the link.
 */
function linkBase(bases: readonly string[], documentUrl: string): string {
  let base = documentUrl;
  for (const value of bases) {
    try {
      base = new URL(capped(value, MAX_RAW_FIELD_CHARS)!.trim(), base).href;
    } catch {
      // An unusable base changes nothing: the link still resolves against the one before it.
    }
  }
  return base;
}

function absoluteHttpUrl(link: string | undefined, baseUrl: string): URL | null {
  if (link === undefined || link.trim() === '') return null;
  try {
    const url = new URL(link.trim(), baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The first date that parses; fetch time when none does or the feed claims a future date. */
function publicationTime(dates: readonly string[], fetchedAt: number): { publishedAt: number; dated: boolean } {
  for (const raw of dates) {
    const parsed = parseFeedDate(raw);
    if (parsed === null) continue;
    return parsed > fetchedAt + MAX_FUTURE_SKEW_MS ? { publishedAt: fetchedAt, dated: false } : { publishedAt: parsed, dated: true };
  }
  return { publishedAt: fetchedAt, dated: false };
}
