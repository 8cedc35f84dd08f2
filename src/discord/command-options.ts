import { z } from 'zod';
import { BODY_IDS } from '../core/lens.js';
import { queryWords } from '../core/search-query.js';
import { isTimeZone } from '../core/time-zone.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import { LANGUAGES, type Language } from '../core/types.js';
import { collapse, cut, escapeMarkdown } from '../digest/format-story.js';
import { themeNames } from './theme-names.js';

/**
 * Slash-command options, validated once at the edge: what Discord sent (the leaf options of one
 * invocation) goes through a zod schema here and comes out typed, or as one plain sentence the
 * person can act on. Discord enforces the ranges we declare, but a stale client, a hand-typed
 * autocomplete value or a forged request can still send anything, so nothing is trusted.
 */

/** The leaf options of one invocation: name → value; a channel option arrives as `{ id, type }`. */
export type RawOptions = Record<string, unknown>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export const SEARCH_QUERY_MAX = 80;
export const SEARCH_PAGE_SIZE = 10;
/** Pages beyond this are not offered: a search that needs page 50 needs better words. */
export const SEARCH_MAX_PAGE = 49;
export const MAX_DAYS = 365;
export const LATEST_MAX = 20;
export const LATEST_DEFAULT = 10;
export const BAROMETER_MAX_WEEKS = 26;
export const BAROMETER_DEFAULT_WEEKS = 12;
export const MAX_ALERTS_PER_HOUR = 60;

/**
 * What to do about each option when its value cannot be used. A schema may say something more
 * precise (its own `error`); every problem it has no sentence for gets this one, so zod's own
 * wording ("Invalid string: must match pattern …") can never reach a person, whatever option is
 * added later.
 */
export const OPTION_HINTS = {
  query: 'Type a few words to search for.',
  theme: 'Pick a theme from the list (start typing to filter it).',
  days: `Give days as a whole number from 1 to ${MAX_DAYS}.`,
  language: 'The language must be es (Spanish), pt (Portuguese) or en (English).',
  count: `Give count as a whole number from 1 to ${LATEST_MAX}.`,
  include: 'Choose “on-topic” or “all” from the list.',
  schedule: 'Pick a digest schedule from the list.',
  url: 'Give the feed’s full address, starting with http:// or https://.',
  name: 'Give the feed a name of up to 100 characters.',
  feed: 'Pick a feed from the list as you type.',
  channel: 'Pick a text or announcement channel of this server from the list.',
  terms: 'Type the words to look for, separated by commas (e.g. strike, ataque, bombardeio).',
  outlets: 'Give outlets as a whole number from 1 to 50.',
  rule: 'Give the rule’s number, as /alerts list shows it.',
  hours: 'Give hours as a whole number from 0 to 168 (0 lifts the pause).',
  weeks: `Give weeks as a whole number from 1 to ${BAROMETER_MAX_WEEKS}.`,
  bloc: 'Pick a regional body from the list.',
  timezone: 'Give a time zone such as America/Caracas, America/Sao_Paulo or UTC.',
  quiet_hours: 'Give quiet hours as HH:MM-HH:MM in the server’s time zone (e.g. 22:00-07:00), or `off`.',
  per_hour: `Give alerts per hour as a whole number from 1 to ${MAX_ALERTS_PER_HOUR}.`,
} as const satisfies Record<string, string>;

/** The plain sentence for a problem with an option (or with the options as a whole). */
export function optionHint(option: PropertyKey | undefined): string {
  if (typeof option === 'string' && Object.hasOwn(OPTION_HINTS, option)) return OPTION_HINTS[option as keyof typeof OPTION_HINTS];
  if (typeof option === 'string') return `The ${quoted(option)} option has a value Sancocho cannot use: pick or type it again.`;
  return 'Run the command again, choosing its options from Discord’s menu.';
}

/** Runs a schema; the first problem becomes the answer: the schema's own sentence, else its option's hint. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: RawOptions): Parsed<z.output<S>> {
  const result = schema.safeParse(raw, { error: (issue) => optionHint(issue.path?.[0]) });
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, message: issue?.message ?? optionHint(undefined) };
}

/** What a person typed, safe to quote back in a reply: one line, short, no markdown or mentions. */
export function quoted(value: unknown): string {
  return escapeMarkdown(cut(collapse(String(value)), 60));
}

/** A theme by any of its names (see theme-names.ts), resolved once here so commands get its id. */
const theme = z
  .string({ error: OPTION_HINTS.theme })
  .normalize('NFC')
  .transform((value, ctx) => {
    const id = themeNames().resolve(value);
    if (id === null) {
      // Nothing nameable typed (blank, punctuation, a stray accent): no name to quote back.
      const named = /[\p{L}\p{N}]/u.test(value);
      ctx.addIssue({
        code: 'custom',
        message: named ? `There is no theme called “${quoted(value)}”. Pick one from the list (start typing to filter it).` : OPTION_HINTS.theme,
      });
      return z.NEVER;
    }
    return id;
  });

const language = z.enum(LANGUAGES, { error: OPTION_HINTS.language });

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: `Give ${what} as a whole number from ${min} to ${max}.` })
    .int({ error: `Give ${what} as a whole number from ${min} to ${max}.` })
    .min(min, { error: `Give ${what} as a whole number from ${min} to ${max}.` })
    .max(max, { error: `Give ${what} as a whole number from ${min} to ${max}.` });

const searchQuery = z
  .string({ error: 'Type something to search for.' })
  .normalize('NFC')
  .transform((value) => collapse(value))
  .pipe(
    z
      .string()
      .min(2, { error: 'Type at least two characters to search for.' })
      .max(SEARCH_QUERY_MAX, { error: `Keep the search under ${SEARCH_QUERY_MAX} characters.` })
      .refine((value) => queryWords(value) !== null, { error: 'Search for words: the query needs at least one letter or digit.' }),
  );

export const searchOptions = z.object({
  query: searchQuery,
  theme: theme.optional(),
  days: wholeNumber('days', 1, MAX_DAYS).optional(),
  language: language.optional(),
});
export type SearchOptions = z.output<typeof searchOptions>;

/** Which items /news latest lists without a theme: those on at least one theme, or everything classified. */
const LATEST_INCLUDE = ['on-topic', 'all'] as const;

export const latestOptions = z.object({
  theme: theme.optional(),
  count: wholeNumber('count', 1, LATEST_MAX).default(LATEST_DEFAULT),
  include: z.enum(LATEST_INCLUDE).default('on-topic'),
});
export type LatestOptions = z.output<typeof latestOptions>;

export const digestNowOptions = z.object({
  schedule: z
    .string({ error: 'Pick a digest schedule from the list.' })
    .normalize('NFC')
    .trim()
    .min(1, { error: 'Pick a digest schedule from the list.' })
    .max(64, { error: 'Pick a digest schedule from the list.' })
    .optional(),
});
export type DigestNowOptions = z.output<typeof digestNowOptions>;

const feedUrl = z
  .string({ error: 'Give the feed’s address, starting with http:// or https://.' })
  .normalize('NFC')
  .trim()
  .max(2000, { error: 'That URL is too long for a feed address.' })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { error: 'Give the feed’s full address, starting with http:// or https:// (other kinds of links cannot be polled).' },
  );

export const feedAddOptions = z.object({
  url: feedUrl,
  name: z
    .string({ error: 'Type the feed’s name as text, up to 100 characters.' })
    .normalize('NFC')
    .transform((value) => collapse(value))
    .pipe(z.string().min(1, { error: 'The name must not be empty.' }).max(100, { error: 'Keep the name under 100 characters.' }))
    .optional(),
  language: language.optional(),
});
export type FeedAddOptions = z.output<typeof feedAddOptions>;

export const feedRemoveOptions = z.object({
  feed: z
    .string({ error: 'Pick the feed to remove from the list.' })
    .normalize('NFC')
    .trim()
    .min(1, { error: 'Pick the feed to remove from the list.' })
    .max(2000, { error: 'Pick the feed to remove from the list.' }),
});
export type FeedRemoveOptions = z.output<typeof feedRemoveOptions>;

/** Text (0) and announcement (5) channels: where the bot can post a digest as a message. */
const POSTABLE_CHANNEL_TYPES = new Set([0, 5]);

const channel = z
  .object({ id: z.string().regex(/^\d{17,20}$/), type: z.number().int() }, { error: 'Pick a channel from the list.' })
  .refine((value) => POSTABLE_CHANNEL_TYPES.has(value.type), {
    error: 'Pick a text or announcement channel: Sancocho posts digests there as messages.',
  })
  .transform((value) => value.id);

export const subscribeOptions = z.object({ theme, channel });
export type SubscribeOptions = z.output<typeof subscribeOptions>;

export const unsubscribeOptions = z.object({ theme, channel: channel.optional() });
export type UnsubscribeOptions = z.output<typeof unsubscribeOptions>;

export const MAX_ALERT_TERMS = 20;
export const MAX_MUTE_HOURS = 168;

/** `strike, ataque, "bombardeio naval"`: words or phrases separated by commas, each with a letter or digit. */
const alertTerms = z
  .string({ error: 'Type the words to look for, separated by commas (e.g. strike, ataque, bombardeio).' })
  .normalize('NFC')
  .max(300, { error: 'Keep the terms under 300 characters in all.' })
  .transform((value) => [...new Set(value.split(',').map((term) => collapse(collapse(term).replace(/^["'«“]+|["'»”]+$/g, ''))).filter((term) => term !== ''))])
  .pipe(
    z
      .array(z.string().max(60, { error: 'Keep each term under 60 characters.' }).refine((term) => /[\p{L}\p{N}]/u.test(term), { error: 'Each term needs a letter or digit.' }))
      .min(1, { error: 'Type at least one word to look for, or leave `terms` out to alert on how fast the theme spreads.' })
      .max(MAX_ALERT_TERMS, { error: `Give at most ${MAX_ALERT_TERMS} terms.` }),
  );

export const alertAddOptions = z.object({
  theme,
  channel,
  terms: alertTerms.optional(),
  outlets: wholeNumber('outlets', 1, 50).optional(),
  language: language.optional(),
});
export type AlertAddOptions = z.output<typeof alertAddOptions>;

export const alertRemoveOptions = z.object({ rule: wholeNumber('the rule number', 1, 999_999_999) });
export type AlertRemoveOptions = z.output<typeof alertRemoveOptions>;

/** 0 lifts a mute. */
export const alertMuteOptions = z.object({ hours: wholeNumber('hours', 0, MAX_MUTE_HOURS) });
export type AlertMuteOptions = z.output<typeof alertMuteOptions>;

const clock = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/** `22:00-07:00` (crossing midnight when the first is later) as minutes after midnight; `off` as null. */
const quietHours = z
  .string({ error: OPTION_HINTS.quiet_hours })
  .trim()
  .toLowerCase()
  .refine((value) => value === 'off' || /^([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d$/.test(value), { error: OPTION_HINTS.quiet_hours })
  .transform((value) => {
    if (value === 'off') return null;
    const [from = '', to = ''] = value.split('-').map((part) => part.trim());
    return { from: clock(from), to: clock(to) };
  })
  .refine((value) => value === null || value.from !== value.to, { error: 'Quiet hours must start and end at different times; to pause alerts, use /alerts mute.' });

/** Every option may be left out: what is given replaces that setting, and none shows them. */
export const alertSettingsOptions = z.object({
  timezone: z
    .string({ error: OPTION_HINTS.timezone })
    .trim()
    .refine(isTimeZone, { error: OPTION_HINTS.timezone })
    .optional(),
  quiet_hours: quietHours.optional(),
  per_hour: wholeNumber('alerts per hour', 1, MAX_ALERTS_PER_HOUR).optional(),
});
export type AlertSettingsOptions = z.output<typeof alertSettingsOptions>;

/** No options: anything sent anyway is ignored. */
export const noOptions = z.object({});

export const barometerOptions = z.object({
  weeks: wholeNumber('weeks', 1, BAROMETER_MAX_WEEKS).default(BAROMETER_DEFAULT_WEEKS),
  bloc: z.enum(BODY_IDS, { error: OPTION_HINTS.bloc }).optional(),
});
export type BarometerCommandOptions = z.output<typeof barometerOptions>;

/**
 * A page of search results, carried in the custom id of its Previous/Next buttons so paging needs no
 * server-side state and survives a restart: `news:p:<page>:<theme index>:<days>:<language>:<query>`
 * (numbers in base 36, empty fields for absent filters, the query last so it may hold colons).
 * At most 100 characters, Discord's limit: the query is capped at SEARCH_QUERY_MAX.
 */
export interface SearchPageState extends SearchOptions {
  page: number;
}

const PAGE_PREFIX = 'news:p:';

export function encodeSearchPage(state: SearchPageState): string {
  const fields = [
    state.page.toString(36),
    state.theme === undefined ? '' : String(THEME_IDS.indexOf(state.theme)),
    state.days === undefined ? '' : state.days.toString(36),
    state.language ?? '',
    state.query,
  ];
  const id = PAGE_PREFIX + fields.join(':');
  if (id.length > 100) throw new Error(`command-options: a search page id of ${id.length} characters exceeds Discord's 100`);
  return id;
}

const base36 = /^[0-9a-z]{1,3}$/;

/** The page state back from a button, validated like the options it came from. */
export function decodeSearchPage(customId: string): Parsed<SearchPageState> {
  const expired: Parsed<SearchPageState> = { ok: false, message: 'This button no longer works. Run /news search again.' };
  if (!customId.startsWith(PAGE_PREFIX) || customId.length > 100) return expired;
  const [page = '', themeIndex = '', days = '', lang = '', ...rest] = customId.slice(PAGE_PREFIX.length).split(':');
  const query = rest.join(':');
  if (!base36.test(page) || !/^\d?$/.test(themeIndex) || !(days === '' || base36.test(days))) return expired;
  const pageNumber = Number.parseInt(page, 36);
  if (pageNumber > SEARCH_MAX_PAGE) return expired;
  const themeId = themeIndex === '' ? undefined : THEME_IDS[Number(themeIndex)];
  if (themeIndex !== '' && themeId === undefined) return expired;
  const options = parseOptions(searchOptions, {
    query,
    theme: themeId,
    days: days === '' ? undefined : Number.parseInt(days, 36),
    language: lang === '' ? undefined : (lang as Language),
  });
  if (!options.ok) return expired;
  return { ok: true, value: { ...options.value, page: pageNumber } };
}
