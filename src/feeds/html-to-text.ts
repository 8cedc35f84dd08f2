import { decodeHTML, decodeHTMLStrict } from 'entities';
import { Parser } from 'htmlparser2';

/**
 * HTML (or text that may hold tags and entities) → one line of plain text.
 *
 * Scripts, styles and comments are dropped; block elements become spaces so words on either
 * side do not run together; inline tags vanish (`<b>Mer</b>cosur` → `Mercosur`). Entities are
 * decoded with the HTML rules (named, numeric, hex, legacy forms without `;`, C1 numeric
 * references read as windows-1252). Markup that was escaped twice (`&amp;aacute;`,
 * `&lt;p&gt;`) gets one more pass.
 */

const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'div', 'dl', 'dt',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr',
  'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'td', 'th', 'tr', 'ul',
]);

/** Elements whose content is not text a reader sees. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template']);
const ESCAPED_MARKUP = /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);|<[a-z/!]/i;

/** Characters that take no room: soft hyphen, zero-width space/non-joiner, word joiner, BOM, bidi marks, controls. */
const INVISIBLE = /[\u00AD\u200B\u200C\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF\u0000-\u0008\u000E-\u001F\u007F-\u009F]|\u200D(?!\p{Extended_Pictographic})/gu;

/** INVISIBLE's characters without the Unicode flag, which makes a scan of Latin-1 text several times slower. */
const MAYBE_INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF\u0000-\u0008\u000E-\u001F\u007F-\u009F]/;

/**
 * The whitespace runs that collapsing changes: two or more in a row, or one that is not a plain
 * space. Replacing these by a space is replacing every `\s+`, without a match per word gap.
 */
export const UNEVEN_SPACE = /\s{2,}|[^\S ]/g;

export function htmlToText(html: string): string {
  // Without `<` or `&` there is neither markup nor an entity: the tokenizer would give the text back as it is.
  if (!html.includes('<') && !html.includes('&')) return cleanText(html);
  const once = SPECIAL_TEXT.test(html) ? decodedText(html) : textDecodedPerRun(html);
  const text = ESCAPED_MARKUP.test(once) ? decodeHTMLStrict(rawText(once)) : once;
  return cleanText(text);
}

/** Drops invisible characters and collapses every run of whitespace (incl. NBSP) to one space. */
export function cleanText(text: string): string {
  const visible = MAYBE_INVISIBLE.test(text) ? text.replace(INVISIBLE, '') : text;
  return visible.replace(UNEVEN_SPACE, ' ').trim();
}

/**
 * Caps text at `max` characters, ellipsis included, cutting at the last word boundary when one
 * is in the second half of the allowance (else mid-word, rather than lose most of the text).
 */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 1);
  const boundary = text[max - 1] === ' ' ? room.length : room.lastIndexOf(' ');
  const head = boundary > max / 2 ? room.slice(0, boundary) : room;
  // Never end on half a surrogate pair, a space or a dangling separator.
  return `${head.replace(/[\uD800-\uDBFF]$/, '').replace(/[\s,;:\-–—]+$/u, '')}…`;
}

/**
 * The text of an HTML fragment, read by htmlparser2's tokenizer: one pass, so its time grows
 * linearly with the input whatever the markup (a regex over unclosed tags would not). One reader
 * per mode serves every call (parsing is synchronous): building a parser cost more than reading a title.
 */
function textReader(decodeEntities: boolean, decodeRun: (text: string) => string = (text) => text): (html: string) => string {
  let parts: string[] = [];
  let dropped = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (DROPPED.has(name)) dropped++;
        if (DROPPED.has(name) || BLOCK_ELEMENTS.has(name)) parts.push(' ');
      },
      onclosetag(name) {
        if (DROPPED.has(name)) dropped = Math.max(0, dropped - 1);
        if (DROPPED.has(name) || BLOCK_ELEMENTS.has(name)) parts.push(' ');
      },
      ontext(text) {
        if (dropped === 0) parts.push(decodeRun(text));
      },
    },
    { decodeEntities, recognizeCDATA: true },
  );
  return (html) => {
    parts = [];
    dropped = 0;
    parser.parseComplete(html);
    return parts.join('');
  };
}

const decodedText = textReader(true);
const rawText = textReader(false);

/**
 * The same text as `decodedText`, faster: the tokenizer skips over text to the next `<` when it
 * does not decode entities, and each run of text is decoded with the same rules afterwards (a
 * reference cannot span a tag). Only for fragments without the elements whose text the tokenizer
 * reads by other rules (SPECIAL_TEXT).
 */
const textDecodedPerRun = textReader(false, (text) => (text.includes('&') ? decodeHTML(text) : text));

/**
 * Elements whose content htmlparser2 reads as raw text, or decodes by other rules (script, style,
 * title, textarea, xmp, iframe, noembed, noframes, plaintext), foreign content (svg, math) and CDATA.
 */
const SPECIAL_TEXT = /<(?:script|style|title|textarea|xmp|iframe|noembed|noframes|plaintext|svg|math|!\[cdata\[)/i;
