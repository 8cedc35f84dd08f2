import { WINDOWS_1252_BYTES } from './windows-1252.js';

/**
 * Repairs UTF-8 text that was decoded as windows-1252 before being published
 * (`soberanÃ­a` → `soberanía`, `â€œ` → `“`).
 *
 * Works per sequence, not per string, so a field mixing correct and double-encoded words is
 * repaired too. A sequence is replaced only when its windows-1252 bytes are valid UTF-8 and
 * decode to a character Latin-script text really uses (Latin-1, Latin Extended-A, general
 * punctuation, €, ™). So only `Â Ã Ä Å` and `â` can start one, and a genuine `PERÚ»` (bytes
 * DA BB, valid UTF-8 for an Arabic letter) stays. Applied per text field: only some titles in
 * a feed are double-encoded.
 */

/** Characters whose windows-1252 byte is a UTF-8 continuation byte (0x80–0xBF). */
const CONTINUATION = [...WINDOWS_1252_BYTES].filter(([, byte]) => byte <= 0xbf).map(([char]) => char);
const CONT = `[${CONTINUATION.map(escapeForClass).join('')}]`;

// Leads C2–C5 (Â Ã Ä Å) yield U+0080–U+017F; lead E2 (â) yields U+2000–U+2FFF.
const SEQUENCE = new RegExp(`[\\u00C2-\\u00C5]${CONT}|\\u00E2${CONT}${CONT}`, 'g');

/** The characters a sequence starts with: text without one (most text) needs no replace pass. */
const SEQUENCE_START = /[\u00C2-\u00C5\u00E2]/;

const PLAUSIBLE = /^[\u00A0-\u017F\u2010-\u205F\u20AC\u2122]$/u;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Triple encoding exists in the wild; each pass peels one layer. */
const MAX_PASSES = 3;

export function repairMojibake(text: string): string {
  if (!SEQUENCE_START.test(text)) return text;
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = current.replace(SEQUENCE, repairSequence);
    if (next === current) break;
    current = next;
  }
  return current;
}

function repairSequence(sequence: string): string {
  const bytes = Uint8Array.from(sequence, (char) => WINDOWS_1252_BYTES.get(char) ?? 0);
  let decoded: string;
  try {
    decoded = UTF8.decode(bytes);
  } catch {
    return sequence;
  }
  return PLAUSIBLE.test(decoded) ? decoded : sequence;
}

function escapeForClass(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
