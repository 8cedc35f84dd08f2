/**
 * Feed dates → ms since the epoch, or null. Deterministic: never falls back to `Date.parse`,
 * whose leniency and local-time guesses depend on the machine.
 *
 * Accepted:
 * - ISO 8601 / RFC 3339 (`2025-10-03T10:00:00.123-04:00`, `2025-10-03 10:00`, `2025-10-03`,
 *   `2025/10/03 10:00`).
 * - RFC 822/1123/850 and their loose cousins, in English, Spanish or Portuguese:
 *   `Fri, 03 Oct 2025 10:00:00 GMT`, `mié, 03 oct 2025 10:00 -0400`, `Seg, 24 Set 2018 ...`,
 *   `Friday, 03-Oct-25 10:00:00 CEST`, `Oct 3, 2025 10:00 PM`,
 *   `viernes, 3 de octubre de 2025 a las 10:00 h`, `1º de outubro de 2025 às 10h30`.
 * A missing zone means UTC; a missing time means midnight; two-digit years follow RFC 2822
 * (00–49 → 20xx, 50–99 → 19xx). A weekday that disagrees with the date is ignored.
 */

import { foldAccents } from '../core/fold-accents.js';
import { UNEVEN_SPACE } from './html-to-text.js';

const MONTH_NAMES: ReadonlyArray<readonly string[]> = [
  ['jan', 'january', 'ene', 'enero', 'janeiro'],
  ['feb', 'february', 'febrero', 'fev', 'fevereiro'],
  ['mar', 'march', 'marzo', 'marco'],
  ['apr', 'april', 'abr', 'abril'],
  ['may', 'mayo', 'mai', 'maio'],
  ['jun', 'june', 'junio', 'junho'],
  ['jul', 'july', 'julio', 'julho'],
  ['aug', 'august', 'ago', 'agosto'],
  ['sep', 'sept', 'september', 'set', 'septiembre', 'setiembre', 'setembro'],
  ['oct', 'october', 'octubre', 'out', 'outubro'],
  ['nov', 'november', 'noviembre', 'novembro'],
  ['dec', 'december', 'dic', 'diciembre', 'dez', 'dezembro'],
];
const MONTHS = new Map(MONTH_NAMES.flatMap((names, index) => names.map((name) => [name, index] as const)));

/** Folded (lower-case, no accents) day names; `mar` is also March, see `monthOf`. */
const WEEKDAYS = new Set([
  ...['mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun'],
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
  ...['lun', 'mar', 'mie', 'jue', 'vie', 'sab', 'dom'],
  ...['lunes', 'martes', 'miercoles', 'jueves', 'viernes', 'sabado', 'domingo'],
  ...['seg', 'ter', 'qua', 'qui', 'sex', 'segunda', 'terca', 'quarta', 'quinta', 'sexta'],
  ...['segunda-feira', 'terca-feira', 'quarta-feira', 'quinta-feira', 'sexta-feira'],
]);

/** Words that join the parts of a long-form date and carry no value. */
const FILLERS = new Set(['de', 'del', 'a', 'las', 'la', 'as', 'at', 'h', 'hs', 'hrs', 'horas', 'hora', 'the', 'of']);

/** Offsets in minutes east of UTC. Ambiguous abbreviations (IST, AMT) are left out on purpose. */
const ZONES = new Map<string, number>(Object.entries({
  z: 0, ut: 0, utc: 0, gmt: 0, wet: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  akst: -540, akdt: -480, hst: -600, ast: -240, adt: -180,
  cet: 60, cest: 120, met: 60, mest: 120, west: 60, bst: 60, eet: 120, eest: 180, msk: 180,
  art: -180, brt: -180, brst: -120, vet: -240, clt: -240, clst: -180, cot: -300, pet: -300,
  bot: -240, pyt: -240, pyst: -180, uyt: -180, ect: -300, gft: -180, srt: -180, gyt: -240,
  jst: 540, kst: 540, hkt: 480, sgt: 480, aest: 600, aedt: 660,
}));

const ISO =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([+-]\d{2}(?::?\d{2})?|[a-z]{1,5})?$/i;

const RFC1123_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC1123 = new RegExp(
  `^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\\d{1,2}) (${RFC1123_MONTHS.join('|')}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) (GMT|UTC?|Z|[+-]\\d{4})$`,
);

const TOKEN =
  /(?<time>\d{1,2}(?::\d{2}(?::\d{2}(?:[.,]\d+)?)?|h\d{2})(?:\s*(?<ampm>[ap])\.?\s?m\b\.?)?)|(?<offset>[+-]\d{2}:?\d{2}\b|[+-]\d{1,2}\b)|(?<number>\d+)|(?<word>[\p{L}]+(?:-[\p{L}]+)*)\.?|(?<skip>[\s,;/]+)|(?<other>.)/gu;

interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

interface DateParts extends TimeOfDay {
  year: number;
  /** 0–11, as Date.UTC wants it. */
  month: number;
  day: number;
  offsetMinutes: number;
}

export function parseFeedDate(raw: string): number | null {
  // Parenthesised comments such as `-0300 (BRT)` repeat the zone.
  const text = (raw.includes('(') ? raw.replace(/\([^)]*\)/g, ' ') : raw).trim().replace(UNEVEN_SPACE, ' ');
  if (text === '') return null;
  const parts = parseIso(text) ?? parseRfc1123(text) ?? parseWritten(text);
  return parts ? toEpoch(parts) : null;
}

function parseIso(text: string): DateParts | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  return {
    year: Number(year),
    month: Number(month) - 1,
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    ms: fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0,
    offsetMinutes: zone === undefined ? 0 : zoneOffset(zone),
  };
}

/**
 * The exact RFC 1123 form most RSS feeds write (`Fri, 03 Oct 2025 10:00:00 GMT`, `… -0300`),
 * read by one regex: the same parts `parseWritten` finds in it, at a fraction of its cost.
 * Every other spelling (case, language, missing seconds, zone names) goes to `parseWritten`.
 */
function parseRfc1123(text: string): DateParts | null {
  const m = RFC1123.exec(text);
  if (!m) return null;
  const [, day, month, year, hour, minute, second, zone] = m as unknown as string[];
  const offsetMinutes = zone === 'GMT' || zone === 'UT' || zone === 'UTC' || zone === 'Z' ? 0 : parseOffset(zone!);
  if (offsetMinutes === undefined) return null;
  return {
    year: Number(year),
    month: RFC1123_MONTHS.indexOf(month!),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    ms: 0,
    offsetMinutes,
  };
}

/** Minutes east of UTC for `+04:00`, `-0300` or a zone name; NaN (an invalid date) otherwise. */
function zoneOffset(zone: string): number {
  return parseOffset(zone) ?? ZONES.get(zone.toLowerCase()) ?? Number.NaN;
}

function parseWritten(text: string): DateParts | null {
  // `03-Oct-25` (RFC 850) → `03 Oct 25`, `1º`/`3rd` → `1`/`3`; `segunda-feira` stays whole.
  const folded = foldAccents(text)
    .replace(/(\d{1,2})-(\p{L}+)-(\d{2,4})/gu, '$1 $2 $3')
    .replace(/(\d)(?:º|°|ª|st|nd|rd|th)(?!\p{L})/gu, '$1');
  const words: string[] = [];
  const numbers: string[] = [];
  let time: TimeOfDay | undefined;
  let offsetMinutes: number | undefined;
  let zoneBase: number | undefined;

  for (const match of folded.matchAll(TOKEN)) {
    const g = match.groups!;
    if (g.time !== undefined && time === undefined) {
      time = parseTime(g.time, g.ampm);
      if (!time) return null;
    } else if (g.offset !== undefined && (time !== undefined || zoneBase !== undefined)) {
      const offset = parseOffset(g.offset);
      if (offset === undefined) return null;
      offsetMinutes = (zoneBase ?? 0) + offset;
    } else if (g.number !== undefined) {
      numbers.push(g.number);
    } else if (g.word !== undefined) {
      const zone = time === undefined ? undefined : ZONES.get(g.word);
      if (zone !== undefined) {
        zoneBase = zone;
        offsetMinutes = zone;
      } else if (!FILLERS.has(g.word)) {
        words.push(g.word);
      }
    } else if (g.skip === undefined && g.other !== '.') {
      return null;
    }
  }

  const month = monthOf(words);
  if (month === undefined || numbers.length !== 2) return null;
  const [day, year] = dayAndYear(numbers[0]!, numbers[1]!);
  return {
    year,
    month,
    day,
    hour: time?.hour ?? 0,
    minute: time?.minute ?? 0,
    second: time?.second ?? 0,
    ms: time?.ms ?? 0,
    offsetMinutes: offsetMinutes ?? 0,
  };
}

/** The month among the date's words, after dropping a leading weekday; any other word fails. */
function monthOf(words: string[]): number | undefined {
  const rest = words.length > 1 && WEEKDAYS.has(words[0]!) ? words.slice(1) : words;
  if (rest.length !== 1) return undefined;
  return MONTHS.get(rest[0]!);
}

/** The day comes first (`03 Oct 2025`, `Oct 3, 2025`) unless the year has four digits and leads (`2025 Oct 3`). */
function dayAndYear(first: string, second: string): [number, number] {
  const [day, year] = first.length === 4 ? [second, first] : [first, second];
  return [Number(day), fullYear(year)];
}

function fullYear(year: string): number {
  const value = Number(year);
  if (year.length > 2) return value;
  return value < 50 ? 2000 + value : 1900 + value;
}

function parseTime(token: string, ampm: string | undefined): TimeOfDay | undefined {
  const m = /^(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,](\d+))?)?/.exec(token);
  if (!m) return undefined;
  let hour = Number(m[1]);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (ampm === 'p' ? 12 : 0);
  }
  return {
    hour,
    minute: Number(m[2]),
    second: Number(m[3] ?? 0),
    ms: m[4] ? Number(m[4].slice(0, 3).padEnd(3, '0')) : 0,
  };
}

function parseOffset(token: string): number | undefined {
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(token);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function toEpoch(p: DateParts): number | null {
  const second = p.second === 60 ? 59 : p.second; // a leap second
  if (p.month < 0 || p.month > 11 || p.day < 1 || p.hour > 23 || p.minute > 59 || second > 59) return null;
  if (Number.isNaN(p.offsetMinutes)) return null;
  const local = Date.UTC(p.year, p.month, p.day, p.hour, p.minute, second, p.ms);
  // Date.UTC rolls 31 Feb over into March; a date that rolled over was invalid.
  if (new Date(local).getUTCDate() !== p.day) return null;
  return local - p.offsetMinutes * 60_000;
}
