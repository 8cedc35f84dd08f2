/**
 * Pure readings of HTTP response pieces: what a status means for a feed, how long the server
 * asks us to wait, how long a response stays fresh, how the body is encoded and typed.
 */

/** What a status code means for a feed fetch, before looking at the body. */
export type StatusMeaning = 'ok' | 'not-modified' | 'redirect' | 'rate-limited' | 'gone' | 'not-found' | 'http';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * A 503 only counts as rate limiting when the server says when to come back (a readable
 * Retry-After); without one it is an ordinary outage.
 */
export function statusMeaning(status: number, hasRetryAfter: boolean): StatusMeaning {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 304) return 'not-modified';
  if (REDIRECT_STATUSES.has(status)) return 'redirect';
  if (status === 429 || (status === 503 && hasRetryAfter)) return 'rate-limited';
  if (status === 410) return 'gone';
  if (status === 404) return 'not-found';
  return 'http';
}

/**
 * Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date (a date in the past
 * means "now", 0). Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed);
  return date === null ? null : Math.max(0, date - now);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept.
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
const RFC_850 = /^[a-z]+, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
const ASCTIME = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/**
 * An HTTP-date as ms since the epoch, or null. Written out rather than `Date.parse`, which reads
 * the zone-less asctime form as local time and accepts many things that are not HTTP-dates.
 */
export function parseHttpDate(value: string): number | null {
  let parts: [day: string, month: string, year: number, h: string, m: string, s: string] | null = null;
  let match: RegExpExecArray | null;
  if ((match = IMF_FIXDATE.exec(value))) {
    parts = [match[1]!, match[2]!, Number(match[3]), match[4]!, match[5]!, match[6]!];
  } else if ((match = RFC_850.exec(value))) {
    // A fixed pivot keeps this pure; the form has been obsolete since 1996, so 70–99 are 19xx.
    const yy = Number(match[3]);
    parts = [match[1]!, match[2]!, yy < 70 ? 2000 + yy : 1900 + yy, match[4]!, match[5]!, match[6]!];
  } else if ((match = ASCTIME.exec(value))) {
    parts = [match[2]!.trim(), match[1]!, Number(match[6]), match[3]!, match[4]!, match[5]!];
  }
  if (parts === null) return null;
  const [day, monthName, year, h, m, s] = parts;
  const month = MONTHS.indexOf(monthName.toLowerCase());
  if (month === -1) return null;
  const time = Date.UTC(year, month, Number(day), Number(h), Number(m), Number(s));
  // Date.UTC rolls "31 Feb" over into March: refuse dates that do not exist.
  return new Date(time).getUTCDate() === Number(day) ? time : null;
}

/** `max-age` from Cache-Control, in seconds; null when absent or malformed. */
export function parseMaxAge(cacheControl: string | null | undefined): number | null {
  if (cacheControl == null) return null;
  for (const directive of cacheControl.split(',')) {
    const match = /^\s*max-age\s*=\s*"?(\d+)"?\s*$/i.exec(directive);
    if (match) return Number(match[1]);
  }
  return null;
}

/**
 * The codings applied to a body, in the order they must be undone (last applied first),
 * lower-cased and without `identity`.
 */
export function parseContentEncoding(value: string | null | undefined): string[] {
  if (value == null) return [];
  return value
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
}

/** A Content-Type split into its media type and charset; decoding the bytes is the decode stage's job. */
export function parseContentType(value: string | null | undefined): { mediaType: string; charset: string | null } | null {
  if (value == null) return null;
  const [type = '', ...params] = value.split(';');
  const mediaType = type.trim().toLowerCase();
  if (mediaType === '') return null;
  let charset: string | null = null;
  for (const param of params) {
    const match = /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(param);
    if (match) charset = match[1]!.toLowerCase();
  }
  return { mediaType, charset };
}

/** A declared Content-Length, or null when absent or not a plain non-negative integer. */
export function parseContentLength(value: string | null | undefined): number | null {
  if (value == null || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}
