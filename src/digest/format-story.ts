import type { Language } from '../core/types.js';
import { DIGEST_WORDS } from './digest-labels.js';
import type { Story } from './digest-types.js';

/**
 * The pieces of one story line, shared by the Discord and Markdown renderers: escaped, capped
 * lengths so one absurd headline or URL can never break a message, and never dropped.
 */

export const MAX_TITLE_CHARS = 300;
export const MAX_OUTLET_CHARS = 80;
export const MAX_LISTED_OUTLETS = 6;
export const MAX_URL_CHARS = 1000;

/**
 * Backslash-escapes what Discord and CommonMark read as formatting inside a line: emphasis,
 * code, spoilers, brackets (so `](` can never open a link) and angle brackets (mentions,
 * timestamps, autolinks). Line breaks fold to spaces, so nothing can start a heading or a quote.
 */
export function escapeMarkdown(text: string): string {
  return collapse(text).replace(/[\\*_~`|[\]<>]/g, (char) => `\\${char}`);
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts at `max` characters (not inside a surrogate pair), with an ellipsis. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A URL safe inside `[text](url)`, or null when it is not http(s) or too long to link. */
export function linkTarget(url: string | null): string | null {
  if (!url || url.length > MAX_URL_CHARS) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const href = parsed.href.replace(/[()<>\s]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return href.length > MAX_URL_CHARS ? null : href;
}

/** "[Title](url)" or the escaped title alone. */
export function linkedTitle(story: Story): string {
  const title = escapeMarkdown(cut(collapse(story.lead.title) || '(untitled)', MAX_TITLE_CHARS));
  const href = linkTarget(story.lead.url);
  return href ? `[${title}](${href})` : title;
}

export function outletName(outlet: string): string {
  return escapeMarkdown(cut(collapse(outlet) || '?', MAX_OUTLET_CHARS));
}

/** "+2 outlets: El País, BBC Mundo", capped at six names and "and N more"; empty for one outlet. */
export function moreOutlets(story: Story, language: Language): string {
  const others = story.outlets.slice(1);
  if (others.length === 0) return '';
  const words = DIGEST_WORDS[language];
  const listed = others.slice(0, MAX_LISTED_OUTLETS).map(outletName);
  const rest = others.length - listed.length;
  return `${words.moreOutlets(others.length)}: ${listed.join(', ')}${rest > 0 ? ` ${words.andMore(rest)}` : ''}`;
}

/** "Outlet · es/pt/en · +2 outlets: A, B": every language the story was told in, the lead's first. */
export function storyDetails(story: Story, language: Language): string {
  const more = moreOutlets(story, language);
  const languages = [story.lead.language, ...story.languages.filter((other) => other !== story.lead.language)];
  return [outletName(story.lead.outlet), languages.join('/'), ...(more ? [more] : [])].join(' · ');
}

/**
 * A story's line in a digest after its number: the headline and its details (and why it got no alert,
 * when it was held back from one), or, for a story the destination got as an alert, the one-line
 * marker "⚡ alerted at 10:42 — headline (+2 outlets since the alert)".
 */
export function storyLine(story: Story, language: Language): string {
  if (!story.alerted) {
    const held = story.held ? ` · ${story.held}` : '';
    return `${linkedTitle(story)} — ${storyDetails(story, language)}${held}`;
  }
  const note = story.alerted.note ? ` (${story.alerted.note})` : '';
  return `${story.alerted.label} — ${linkedTitle(story)}${note}`;
}
