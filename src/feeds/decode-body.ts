import { decodeWindows1252 } from './windows-1252.js';
import { parseContentType } from './http-response.js';

/**
 * Bytes → string for a feed body. Parsers take strings, so picking the charset is ours.
 *
 * Precedence, first match wins:
 * 1. A byte-order mark (UTF-8, UTF-16LE, UTF-16BE). It describes the bytes themselves, so it
 *    beats any label, as in the WHATWG Encoding Standard: a header or prolog that disagrees
 *    with a BOM is the one that is wrong.
 * 2. The Content-Type `charset` (RFC 7303 makes it authoritative over the prolog).
 * 3. The XML prolog's `encoding=`.
 * 4. BOM-less UTF-16, sniffed from the NUL bytes around `<` (a UTF-16 prolog cannot be read
 *    before knowing it is UTF-16).
 * 5. UTF-8.
 * A label the decoder does not know is skipped in favour of the next source. A UTF-16 label on
 * bytes that are not laid out as UTF-16 is skipped too (it was read from ASCII bytes).
 *
 * Two common lies are corrected afterwards:
 * - "UTF-8" that is not valid UTF-8 is decoded as windows-1252, unless a UTF-8 BOM says
 *   otherwise or valid multi-byte sequences outnumber the invalid ones (a UTF-8 document with
 *   a few stray bytes, which become U+FFFD).
 * - "ISO-8859-1"/"windows-1252" (a frequent server default) that is valid UTF-8 and contains
 *   multi-byte sequences is decoded as UTF-8: real windows-1252 text is almost never valid UTF-8.
 * ISO-8859-1 and ASCII labels decode as windows-1252, as browsers do, so curly quotes in
 * 0x80–0x9F survive.
 */

export interface DecodedBody {
  text: string;
  /** The WHATWG name of the encoding used, e.g. `utf-8`, `windows-1252`, `utf-16le`. */
  charset: string;
}

const BOMS: ReadonlyArray<{ bytes: readonly number[]; charset: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], charset: 'utf-8' },
  { bytes: [0xff, 0xfe], charset: 'utf-16le' },
  { bytes: [0xfe, 0xff], charset: 'utf-16be' },
];

export function decodeBody(body: Buffer, contentType: string | null): DecodedBody {
  const bom = bomCharset(body);
  const charset =
    bom ??
    usableLabel(parseContentType(contentType)?.charset ?? undefined, body) ??
    usableLabel(prologLabel(body), body) ??
    sniffUtf16(body) ??
    'utf-8';

  if (charset === 'utf-8') {
    const text = strictUtf8(body);
    if (text !== undefined) return { text, charset };
    const { multiByte, invalid } = utf8Census(body);
    return decode(body, bom !== undefined || multiByte > invalid ? 'utf-8' : 'windows-1252');
  }
  if (charset === 'windows-1252') {
    const text = strictUtf8(body);
    if (text !== undefined && /[^\x00-\x7f]/.test(text)) return { text, charset: 'utf-8' };
  }
  return decode(body, charset);
}

function decode(body: Buffer, charset: string): DecodedBody {
  // TextDecoder strips a leading BOM of the chosen encoding.
  const text = charset === 'windows-1252' ? decodeWindows1252(body) : new TextDecoder(charset).decode(body);
  return { text, charset };
}

function strictUtf8(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

function bomCharset(body: Buffer): string | undefined {
  return BOMS.find(({ bytes }) => bytes.every((b, i) => body[i] === b))?.charset;
}

function prologLabel(body: Buffer): string | undefined {
  const head = body.subarray(0, 1024).toString('latin1');
  return head.match(/^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/)?.[1];
}

/** The decoder's canonical name for a label, or undefined when it cannot decode these bytes. */
function usableLabel(label: string | undefined, body: Buffer): string | undefined {
  if (label === undefined) return undefined;
  let charset: string;
  try {
    charset = new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
  if (charset.startsWith('utf-16')) return sniffUtf16(body);
  return charset;
}

function sniffUtf16(body: Buffer): string | undefined {
  if (body[0] === 0x3c && body[1] === 0x00) return 'utf-16le';
  if (body[0] === 0x00 && body[1] === 0x3c) return 'utf-16be';
  return undefined;
}

/** Counts well-formed multi-byte UTF-8 sequences and bytes that start no valid sequence. */
function utf8Census(body: Buffer): { multiByte: number; invalid: number } {
  let multiByte = 0;
  let invalid = 0;
  let i = 0;
  while (i < body.length) {
    const lead = body[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    let ok = length > 0 && i + length <= body.length;
    for (let k = 1; ok && k < length; k++) ok = (body[i + k]! & 0xc0) === 0x80;
    if (ok) {
      multiByte += 1;
      i += length;
    } else {
      invalid += 1;
      i += 1;
    }
  }
  return { multiByte, invalid };
}
