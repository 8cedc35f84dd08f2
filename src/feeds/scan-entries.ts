import { Parser } from 'htmlparser2';

/**
 * One linear pass over a feed document with htmlparser2's XML tokenizer, finding what rss-parser
 * does not keep: where each entry starts and ends, its date, and the `xml:base` values in scope at
 * it. Entries are the ones rss-parser reads, in the same order: `<entry>` in an Atom `<feed>`,
 * `<item>` in the first `<channel>` of `<rss>`, `<item>` in `<rdf:RDF>`.
 */

export interface EntrySpan {
  start: number;
  end: number;
  /** The text of its first date element (pubDate, published, dc:date, updated). */
  date: string | undefined;
  /** `xml:base` values from the root down to the entry itself, outermost first. */
  bases: string[];
}

const ENTRY_PARENTS: Readonly<Record<string, string>> = { feed: 'entry', channel: 'item', 'rdf:RDF': 'item' };
const DATE_ELEMENTS = new Set(['pubDate', 'published', 'dc:date', 'updated']);
/** Long enough for any date format; a longer text is not a date anyway. */
const MAX_DATE_CHARS = 200;

export function scanEntries(document: string): EntrySpan[] {
  const entries: EntrySpan[] = [];
  const stack: { name: string; base: string | undefined }[] = [];
  let channels = 0;
  let entryDepth = -1;
  let current: EntrySpan | null = null;
  let dateDepth = -1;
  let dateText = '';

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const depth = stack.length;
        stack.push({ name, base: attributes['xml:base'] });
        if (name === 'channel' && depth === 1 && stack[0]!.name === 'rss') channels++;
        const parent = stack[depth - 1];
        if (current === null && parent !== undefined && isEntryParent(parent.name, depth - 1, stack[0]!.name, channels) && ENTRY_PARENTS[parent.name] === name) {
          current = { start: parser.startIndex, end: document.length, date: undefined, bases: basesInScope(stack) };
          entryDepth = depth;
        } else if (current !== null && depth === entryDepth + 1 && current.date === undefined && DATE_ELEMENTS.has(name)) {
          dateDepth = depth;
          dateText = '';
        }
      },
      ontext(text) {
        if (dateDepth !== -1 && dateText.length < MAX_DATE_CHARS) dateText += text.slice(0, MAX_DATE_CHARS);
      },
      onclosetag(_name, implied) {
        const depth = stack.length - 1;
        stack.pop();
        if (depth === dateDepth && current !== null) {
          current.date = dateText.trim();
          dateDepth = -1;
        }
        if (depth === entryDepth && current !== null) {
          // An entry the document never closed runs to its end.
          current.end = implied ? document.length : parser.endIndex + 1;
          entries.push(current);
          current = null;
          entryDepth = -1;
        }
      },
    },
    { xmlMode: true },
  );
  parser.end(document);
  return entries;
}

/** Only the first channel counts in RSS 0.9x/2.0: rss-parser reads no other. */
function isEntryParent(name: string, depth: number, root: string, channels: number): boolean {
  if (name === 'feed' || name === 'rdf:RDF') return depth === 0;
  return name === 'channel' && depth === 1 && root === 'rss' && channels === 1;
}

function basesInScope(stack: readonly { base: string | undefined }[]): string[] {
  return stack.map((element) => element.base).filter((base): base is string => base !== undefined);
}
