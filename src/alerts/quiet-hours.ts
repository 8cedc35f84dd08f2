/** Quiet hours as minutes after local midnight: [from, to), crossing midnight when from > to. */
export interface QuietHours {
  from: number;
  to: number;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The first moment at or after `at` outside the quiet hours, read in `timeZone`: `at` itself when it
 * is not quiet, else the first minute they are over. Pure. Quiet hours end by the wall clock, so a
 * night across a daylight-saving change is an hour shorter or longer, and when their end falls in
 * the hour skipped in spring, the first minute after the gap is taken.
 */
export function nextAllowedTime(at: number, quiet: QuietHours | undefined, timeZone: string): number {
  if (!quiet || !isQuietAt(at, quiet, timeZone)) return at;
  // Jump by the wall clock to the end; a zone change on the way may land up to an hour off either side.
  let end = at;
  for (let step = 0; step < 3 && isQuietAt(end, quiet, timeZone); step++) {
    const local = localMinute(end, timeZone);
    end = end - local.intoMinuteMs + ((quiet.to - local.minute + DAY_MINUTES) % DAY_MINUTES) * MINUTE;
  }
  // Then the first quiet-free minute between the last quiet moment and there.
  let quietAt = at;
  while (end - quietAt > MINUTE) {
    const middle = end - Math.ceil((end - quietAt) / 2 / MINUTE) * MINUTE;
    if (middle <= quietAt) break;
    if (isQuietAt(middle, quiet, timeZone)) quietAt = middle;
    else end = middle;
  }
  return end;
}

function isQuietAt(at: number, quiet: QuietHours, timeZone: string): boolean {
  return isQuiet(localMinute(at, timeZone).minute, quiet);
}

export function isQuiet(minuteOfDay: number, quiet: QuietHours): boolean {
  return quiet.from < quiet.to ? minuteOfDay >= quiet.from && minuteOfDay < quiet.to : minuteOfDay >= quiet.from || minuteOfDay < quiet.to;
}

/** The local minute of the day at `at`, and how far into that minute `at` is. */
function localMinute(at: number, timeZone: string): { minute: number; intoMinuteMs: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  let hour = 0;
  let minute = 0;
  for (const part of formatter.formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'minute') minute = Number(part.value);
  }
  // Every zone in use today is offset by whole minutes, so the seconds are the same everywhere.
  return { minute: hour * 60 + minute, intoMinuteMs: ((at % MINUTE) + MINUTE) % MINUTE };
}
