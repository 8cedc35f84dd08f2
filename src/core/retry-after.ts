/**
 * Retry-After (RFC 9110 §10.2.3), the one reading of it, for feed servers and the LLM server: how
 * long a server asks us to wait before the next request.
 */

/**
 * Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date (a date in the past
 * means "now", 0). Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number, options: { fractionalSeconds?: boolean } = {}): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  // OpenAI-compatible servers send "0.5"; a feed server that does is outside the grammar and ignored.
  if ((options.fractionalSeconds ? /^\d+(\.\d+)?$/ : /^\d+$/).test(trimmed)) return Number.parseFloat(trimmed) * 1000;
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
