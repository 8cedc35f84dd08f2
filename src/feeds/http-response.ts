/**
 * Pure readings of HTTP response pieces: what a status means for a feed, how long a response
 * stays fresh, how the body is encoded and typed.
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
