import cron from 'node-cron';

/**
 * The scheduled times ("slots") of a cron expression in a time zone. node-cron runs the schedules;
 * this answers the question it does not: which slot was the latest one before now? The digest job
 * uses it to name the digest a tick belongs to and to find a digest missed while Sancocho was down.
 */

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The newest slot in (now - lookbackMs, now], or null when the expression fired in none of it. */
export function latestSlot(expression: string, timeZone: string, now: number, lookbackMs: number): number | null {
  const fields = cron.parse(expression);
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const minutes = new Set(fields.minute);
    const hours = new Set(fields.hour);
    const seconds = [...fields.second].sort((a, b) => b - a);
    const startMinute = Math.floor(now / MINUTE) * MINUTE;
    for (let minute = startMinute; minute > now - lookbackMs - MINUTE; minute -= MINUTE) {
      // Cheap filter on the local hour and minute first; node-cron's matcher decides the rest.
      const local = localHourMinute(minute, timeZone);
      if (!hours.has(local.hour) || !minutes.has(local.minute)) continue;
      for (const second of seconds) {
        const at = minute + second * 1000;
        if (at > now || at <= now - lookbackMs) continue;
        if (task.match(new Date(at))) return at;
      }
    }
    return null;
  } finally {
    void task.destroy();
  }
}

/** The earliest slot in (now, now + horizonMs], or null when the expression fires in none of it (an alert's hand-over to the next digest). */
export function nextSlot(expression: string, timeZone: string, now: number, horizonMs: number): number | null {
  const fields = cron.parse(expression);
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const minutes = new Set(fields.minute);
    const hours = new Set(fields.hour);
    const seconds = [...fields.second].sort((a, b) => a - b);
    for (let minute = Math.floor(now / MINUTE) * MINUTE; minute <= now + horizonMs; minute += MINUTE) {
      const local = localHourMinute(minute, timeZone);
      if (!hours.has(local.hour) || !minutes.has(local.minute)) continue;
      for (const second of seconds) {
        const at = minute + second * 1000;
        if (at <= now || at > now + horizonMs) continue;
        if (task.match(new Date(at))) return at;
      }
    }
    return null;
  } finally {
    void task.destroy();
  }
}

function localHourMinute(at: number, timeZone: string): { hour: number; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { hour, minute };
}
