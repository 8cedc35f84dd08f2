/**
 * Durations as people write them in the config file and on the command line: `24h`, `7d`, `90m`,
 * `1w`, or a sum such as `1d12h`. Parsing returns a value, never throws: the config schema and the
 * CLI turn a failure into their own clear message.
 */

export type ParsedDuration = { ok: true; ms: number } | { ok: false; message: string };

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** Windows longer than this are almost certainly a typo (`700d`), and would scan the whole store. */
export const MAX_WINDOW_MS = 92 * UNIT_MS.d;

export function parseDuration(text: string): ParsedDuration {
  const source = text.trim().toLowerCase().replace(/\s+/g, '');
  if (source === '' || !/^(\d+[mhdw])+$/.test(source)) {
    return { ok: false, message: `"${text}" is not a duration; write it as a number and a unit: 90m, 24h, 7d or 2w` };
  }
  let ms = 0;
  for (const match of source.matchAll(/(\d+)([mhdw])/g)) ms += Number(match[1]) * UNIT_MS[match[2] as Unit];
  if (ms <= 0) return { ok: false, message: `"${text}" is an empty duration` };
  if (ms > MAX_WINDOW_MS) return { ok: false, message: `"${text}" is longer than the 92-day maximum` };
  return { ok: true, ms };
}

/** A short exact spelling: hours up to two days ("24h", "36h"), then days ("7d"), else minutes. */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.h === 0 && ms <= 2 * UNIT_MS.d) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  return `${Math.round(ms / UNIT_MS.m)}m`;
}
