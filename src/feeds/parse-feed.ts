import Parser from 'rss-parser';
import { decodeHTMLStrict } from 'entities';
import type { ParsedFeed, RawItem } from '../core/types.js';
import { parseFeedDate } from './parse-date.js';
import { scanEntries } from './scan-entries.js';

/**
 * A decoded feed document → its entries as raw strings (RSS 0.9x, RSS 1.0/RDF, RSS 2.0, Atom).
 *
 * rss-parser does the XML work; a light pass around it keeps one flaw from losing a feed:
 * - Atom `published`/`updated` are renamed before rss-parser sees them, because it calls
 *   `new Date(x).toISOString()` on them and one unparseable date throws away the whole feed.
 *   Dates are kept as raw strings for `parseFeedDate` instead.
 * - `<rss>` without a `version` is read as RSS 2.0 (`defaultRSS`), not rejected.
 * - Atom `type="xhtml"` text is turned into escaped `type="html"` text, because xml2js keeps
 *   an element's text apart from its children and would scramble the word order.
 * - A bare `&` (`AT&T`) or an entity XML does not define (`&eacute;` without a DTD, a typo) is
 *   a fatal XML error; they are escaped or replaced by numeric references first.
 * What is not a feed (empty, HTML, another XML root, binary) and what is a broken feed
 * (truncated, unreadable XML) come back as errors, never as exceptions.
 */

export type ParseOutcome =
  /** `skipped`: entries left out, the oldest, because the document had more than `maxItems`. */
  | { status: 'ok'; feed: ParsedFeed; skipped: number }
  | { status: 'error'; kind: 'not-a-feed' | 'malformed'; message: string };

type Format = ParsedFeed['format'];
type Fields = Record<string, unknown>;

const ROOTS: Readonly<Record<string, Format>> = { rss: 'rss', feed: 'atom', 'rdf:RDF': 'rdf' };

/**
 * Renamed so rss-parser's own mapping never sees them: the dates (see above), and the text it would
 * pass to its `contentSnippet` regex, which takes quadratic time on unclosed tags and whose result
 * we never use. Renamed, they come through as plain custom fields.
 */
const RENAMED_TAGS: ReadonlyMap<string, string> = new Map([
  ['published', 'raw-published'],
  ['updated', 'raw-updated'],
  // RSS dates too: rss-parser reads them with `new Date` for a field we never use.
  ['pubDate', 'raw-pubDate'],
  ['dc:date', 'raw-dc-date'],
  ['description', 'raw-description'],
  ['content', 'raw-content'],
  ['content:encoded', 'raw-content-encoded'],
]);
/** Called by xml2js for every element name. */
const renamed = (name: string) => RENAMED_TAGS.get(name) ?? name;

const PROLOG_PART = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE\s(?:[^[>]|\[[^\]]*\])*>)/i;
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
// `[^<>]*` and the unclosed `$` alternatives keep each scan from re-reading the rest of the document: linear time.
const XHTML_START = /<(title|subtitle|summary|content|rights)(\s[^<>]*?\btype\s*=\s*["']xhtml["'][^<>]*?)(?<!\/)>/g;
const AMPERSANDS = /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|&(?:#(\d{1,7});|#[xX]([0-9a-fA-F]{1,6});|([A-Za-z][A-Za-z0-9]{0,31});)?/g;

export interface ParseOptions {
  /** Entries taken from one document, the newest by date (document order among undated ones); default all. */
  maxItems?: number;
}

export async function parseFeed(xml: string, options: ParseOptions = {}): Promise<ParseOutcome> {
  const document = xml.replace(/^\uFEFF/, '').trim();
  if (document === '') return notAFeed('the document is empty');
  const root = findRoot(document);
  if (root.kind === 'html') return notAFeed('the document is an HTML page, not a feed');
  if (root.kind === 'none') return notAFeed('the document is not XML (no root element found)');
  const format = ROOTS[root.name];
  if (format === undefined) return notAFeed(`the root element <${root.name}> is not <rss>, <feed> or <rdf:RDF>`);

  let output: Fields & { items: Fields[] };
  let selection: EntrySelection;
  try {
    // Entries are chosen first, so the passes below and rss-parser's tree cover the kept ones only.
    selection = selectEntries(document, options.maxItems ?? Infinity);
    const kept = selection.document;
    output = await newParser().parseString(escapeAmpersands(format === 'atom' ? xhtmlAsHtml(kept) : kept));
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\s*\n\s*/g, '; ').replace(/; Char: $/, '') : String(error);
    // rss-parser's only unguarded step is reading `<channel>` in RSS and RDF documents.
    const what = error instanceof TypeError ? `the <${root.name}> element has no <channel>` : 'the XML is malformed';
    return { status: 'error', kind: 'malformed', message: `${what} (${reason})` };
  }
  // Bases are matched to entries by position: only when both readings found the same entries.
  const bases = selection.bases?.length === output.items.length ? selection.bases : undefined;
  return { status: 'ok', feed: toParsedFeed(output, format, root.language, bases), skipped: selection.skipped };
}

interface EntrySelection {
  /** The document, or a copy holding only the entries kept. */
  document: string;
  /** Per kept entry, the `xml:base` values in scope; undefined when the document has none. */
  bases: string[][] | undefined;
  skipped: number;
}

/**
 * Keeps the newest `maxItems` entries, cutting the others out of the text before rss-parser builds
 * its tree, so a 50 000-entry document costs memory for the kept ones only. The scan runs only
 * when the document may hold too many entries or uses `xml:base`.
 */
function selectEntries(document: string, maxItems: number): EntrySelection {
  if (!mentions(document, 'xml:base') && countEntryTags(document) <= maxItems) return { document, bases: undefined, skipped: 0 };
  const entries = scanEntries(document);
  if (entries.length <= maxItems) return { document, bases: entries.map((entry) => entry.bases), skipped: 0 };

  const newestFirst = entries
    .map((entry, index) => ({ index, at: entry.date === undefined ? null : parseFeedDate(entry.date) }))
    .sort((a, b) => (b.at ?? -Infinity) - (a.at ?? -Infinity) || a.index - b.index);
  const kept = new Set(newestFirst.slice(0, maxItems).map((entry) => entry.index));
  const parts: string[] = [];
  let copied = 0;
  entries.forEach((entry, index) => {
    if (kept.has(index)) return;
    parts.push(document.slice(copied, entry.start));
    copied = entry.end;
  });
  parts.push(document.slice(copied));
  return {
    document: parts.join(''),
    bases: entries.filter((_entry, index) => kept.has(index)).map((entry) => entry.bases),
    skipped: entries.length - kept.size,
  };
}

/** An upper bound on the entries: every one starts with one of these tags. */
function countEntryTags(document: string): number {
  let count = 0;
  for (const tag of ['<item', '<entry']) {
    for (let at = document.indexOf(tag); at !== -1; at = document.indexOf(tag, at + tag.length)) count++;
  }
  return count;
}

/**
 * `document.includes(word)`, found through the word's first five characters: V8 searches a long
 * pattern with a table it builds per call, ten times slower over a feed than a short one.
 */
function mentions(document: string, word: string): boolean {
  const head = word.slice(0, 5);
  for (let at = document.indexOf(head); at !== -1; at = document.indexOf(head, at + 1)) {
    if (document.startsWith(word, at)) return true;
  }
  return false;
}

/**
 * Whether some `&` is not one of XML's five entities nor a numeric reference surely in range (≤ 6
 * decimal or 5 hex digits): `/&(?!(?:amp|lt|gt|quot|apos|#\d{1,6}|#[xX][0-9a-fA-F]{1,5});)/`, read
 * by a loop from one `&` to the next, three times faster than that regex over a feed full of references.
 */
function needsEscaping(document: string): boolean {
  for (let at = document.indexOf('&'); at !== -1; at = document.indexOf('&', at + 1)) {
    if (!isXmlReference(document, at + 1)) return true;
  }
  return false;
}

function isXmlReference(text: string, start: number): boolean {
  if (text.charCodeAt(start) !== 0x23 /* # */) return XML_ENTITY_REFERENCES.some((name) => text.startsWith(name, start));
  const hex = text.charCodeAt(start + 1) === 0x78 /* x */ || text.charCodeAt(start + 1) === 0x58; /* X */
  const first = start + (hex ? 2 : 1);
  let end = first;
  while (end - first <= 6 && (hex ? isHexDigit(text.charCodeAt(end)) : isDecimalDigit(text.charCodeAt(end)))) end++;
  const digits = end - first;
  return digits >= 1 && digits <= (hex ? 5 : 6) && text.charCodeAt(end) === 0x3b; /* ; */
}

const XML_ENTITY_REFERENCES = ['amp;', 'lt;', 'gt;', 'quot;', 'apos;'];

function isDecimalDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDecimalDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function notAFeed(message: string): ParseOutcome {
  return { status: 'error', kind: 'not-a-feed', message };
}

type Root = { kind: 'element'; name: string; language: string | undefined } | { kind: 'html' } | { kind: 'none' };

/** The document element after the prolog (declaration, comments, doctype). */
function findRoot(document: string): Root {
  let rest = document;
  for (let part = PROLOG_PART.exec(rest); part; part = PROLOG_PART.exec(rest)) {
    if (/^<!DOCTYPE\s+html\b/i.test(part[0])) return { kind: 'html' };
    rest = rest.slice(part[0].length);
  }
  const tag = /^<([A-Za-z_][\w.:-]*)([^>]*)>/.exec(rest);
  if (!tag) return { kind: 'none' };
  const name = tag[1]!;
  if (name.toLowerCase() === 'html') return { kind: 'html' };
  // Atom puts the feed's language on the root element, where rss-parser does not look.
  const language = /\sxml:lang\s*=\s*["']([^"']+)["']/.exec(tag[2]!)?.[1];
  return { kind: 'element', name, language };
}

function xhtmlAsHtml(document: string): string {
  // Every match of XHTML_START holds the word: most documents have no XHTML text, and one search proves it.
  if (!document.includes('xhtml')) return document;
  const parts: string[] = [];
  let copied = 0;
  // Elements found without a closing tag: a later opening of the same name has none either.
  const unclosed = new Set<string>();
  for (const start of document.matchAll(XHTML_START)) {
    const [tag, name, attributes] = start as unknown as [string, string, string];
    if (start.index < copied || unclosed.has(name)) continue;
    const contentStart = start.index + tag.length;
    const close = document.indexOf(`</${name}`, contentStart);
    if (close === -1) {
      unclosed.add(name);
      continue;
    }
    const markup = document.slice(contentStart, close);
    const escaped = markup.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    parts.push(document.slice(copied, start.index), `<${name}${attributes.replace(/\btype\s*=\s*["']xhtml["']/, 'type="html"')}>`, escaped);
    copied = close;
  }
  parts.push(document.slice(copied));
  return parts.join('');
}

/** Escapes bare `&` and turns entities XML lacks into numeric references; CDATA and comments stay. */
function escapeAmpersands(document: string): string {
  // Most documents hold only references XML defines: one search proves it, where the pass calls back per reference.
  if (!needsEscaping(document)) return document;
  return document.replace(AMPERSANDS, (match, decimal?: string, hex?: string, name?: string) => {
    if (!match.startsWith('&')) return match;
    if (decimal !== undefined || hex !== undefined) {
      return Number.parseInt(decimal ?? hex!, decimal !== undefined ? 10 : 16) <= 0x10ffff ? match : `&amp;${match.slice(1)}`;
    }
    if (name === undefined) return '&amp;';
    if (XML_ENTITIES.has(name)) return match;
    const decoded = decodeHTMLStrict(match);
    if (decoded === match) return `&amp;${match.slice(1)}`;
    return [...decoded].map((char) => `&#x${char.codePointAt(0)!.toString(16)};`).join('');
  });
}

function newParser(): Parser<Fields, Fields> {
  // A parser per call: xml2js keeps state between parses.
  return new Parser<Fields, Fields>({
    defaultRSS: 2,
    xml2js: { tagNameProcessors: [renamed] },
    customFields: {
      feed: ['dc:language'],
      item: [
        'raw-published',
        'raw-updated',
        'raw-pubDate',
        'raw-dc-date',
        'raw-description',
        'raw-content',
        'raw-content-encoded',
        'source',
        ['guid', 'rawGuid', { keepArray: true }],
        ['link', 'rawLinks', { keepArray: true }],
      ],
    },
  });
}

function toParsedFeed(
  output: Fields & { items: Fields[] },
  format: Format,
  rootLanguage: string | undefined,
  bases: string[][] | undefined,
): ParsedFeed {
  const ttl = Number.parseInt(text(output.ttl) ?? '', 10);
  return {
    format,
    title: text(output.title)?.trim(),
    link: text(output.link)?.trim(),
    language: (text(output.language) ?? text(output['dc:language']) ?? rootLanguage)?.trim(),
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : undefined,
    items: output.items.map((item, index) => toRawItem(item, format, bases?.[index] ?? [])),
  };
}

function toRawItem(item: Fields, format: Format, bases: string[]): RawItem {
  const atom = format === 'atom';
  const guid = atom ? text(item.id) : text(item.guid);
  const link = atom ? atomLink(item.rawLinks) : { href: text(item.link) ?? permalinkGuid(item.rawGuid, guid), base: undefined };
  const linkBases = link?.base === undefined ? bases : [...bases, link.base];
  return {
    guid,
    link: link?.href,
    bases: linkBases.length > 0 ? linkBases : undefined,
    title: text(item.title),
    summary: atom
      ? text(item.summary) ?? text(item['raw-content'])
      : text(item['raw-description']) ?? text(item.summary) ?? text(item['raw-content-encoded']),
    // rss-parser read `<pubDate>` in RSS only, never in Atom.
    dates: [atom ? undefined : item['raw-pubDate'], item['raw-published'], item['raw-dc-date'], item['raw-updated']]
      .map(text)
      .filter((date): date is string => date !== undefined),
    source: sourceName(item.source),
  };
}

/** Atom: the `alternate` link (a link without `rel` is one), else the first; with its own `xml:base`. */
function atomLink(links: unknown): { href: string | undefined; base: string | undefined } | undefined {
  if (!Array.isArray(links)) return undefined;
  const hrefs = links.map((link) => ({ rel: attribute(link, 'rel') ?? 'alternate', href: attribute(link, 'href'), base: attribute(link, 'xml:base') }));
  const chosen = hrefs.find((link) => link.rel === 'alternate') ?? hrefs[0];
  return chosen && { href: chosen.href, base: chosen.base };
}

/** RSS items without `<link>` often carry the URL as a guid that is a permalink. */
function permalinkGuid(rawGuid: unknown, guid: string | undefined): string | undefined {
  const element: unknown = Array.isArray(rawGuid) ? rawGuid[0] : undefined;
  if (guid === undefined || attribute(element, 'isPermaLink') === 'false') return undefined;
  return /^https?:\/\//i.test(guid) ? guid : undefined;
}

/** RSS `<source url="…">Outlet</source>` or Atom `<source><title>Outlet</title></source>`. */
function sourceName(source: unknown): string | undefined {
  if (isObject(source) && Array.isArray(source.title)) return text(source.title[0]);
  return text(source);
}

/** The text of an xml2js value: a string, an element's `_`, or the text of its children. */
function text(value: unknown): string | undefined {
  const raw = collectText(value);
  return raw !== undefined && raw.trim() !== '' ? raw : undefined;
}

function collectText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(collectText).join(' ');
  if (!isObject(value)) return undefined;
  if (typeof value._ === 'string') return value._;
  return Object.entries(value)
    .filter(([key]) => key !== '$')
    .map(([, child]) => collectText(child) ?? '')
    .join(' ');
}

function attribute(element: unknown, name: string): string | undefined {
  if (!isObject(element) || !isObject(element.$)) return undefined;
  const value = element.$[name];
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
