/**
 * windows-1252, which browsers also use for ISO-8859-1 and ASCII labels. Node 20's
 * `TextDecoder('windows-1252')` decodes as plain Latin-1 (0x93 → U+0093 instead of `“`), so
 * the 0x80–0x9F block is mapped here. The five bytes windows-1252 leaves undefined stay C1
 * controls, as in the WHATWG Encoding Standard.
 */

const HIGH_BLOCK = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((codePoint) => String.fromCharCode(codePoint));

export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (char) => HIGH_BLOCK[char.charCodeAt(0) - 0x80]!);
}

/** The byte each character above 0x7F decodes from. */
export const WINDOWS_1252_BYTES: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 0x80 }, (_, i) => [decodeWindows1252(Uint8Array.of(0x80 + i)), 0x80 + i] as const),
);
