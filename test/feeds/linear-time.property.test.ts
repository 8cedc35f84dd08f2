import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeUrl } from '../../src/feeds/canonical-url.js';
import { decodeBody } from '../../src/feeds/decode-body.js';
import { detectLanguage } from '../../src/feeds/detect-language.js';
import { cleanText, htmlToText, truncateAtWord } from '../../src/feeds/html-to-text.js';
import { normalizeItem, titleKey } from '../../src/feeds/normalize-item.js';
import { parseFeedDate } from '../../src/feeds/parse-date.js';
import { parseFeed } from '../../src/feeds/parse-feed.js';
import { repairMojibake } from '../../src/feeds/repair-mojibake.js';

/**
 * No text function on the ingest path may take superlinear time: doubling a hostile input at most
 * about doubles the time. Measured over two doublings (×4 input), a linear function takes about 4×
 * as long and a quadratic one 16×; the bound (8× plus 20 ms, best of several interleaved runs)
 * leaves room for a loaded machine and for the collector.
 */

/** Pieces that break naive scanners: unclosed tags, comments and CDATA, entity runs, whitespace, combining marks. */
const piece = fc.constantFrom(
  '<a ', '<', '<p', '<!--', '<![CDATA[', '<script>', '<title type="xhtml">', '<?', '&', '&amp;', '&amp;amp;',
  '&#', '&#x', '&lt;a ', '&lt;', '&eacute', '"', "'", '(', '[', ' ', '\t\n ', '\u00A0', '\u0301', 'e\u0301\u0302',
  'Ã', 'â€', 'a', '1-', '%', '?a=', '/',
);
const pattern = fc.array(piece, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(''));

const RUNS = 8;
const REPEATS = 5;
const GROWTH = 4;
const RATIO = 8;
const SLACK_MS = 20;

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** CPU milliseconds rather than wall time: time lost to other processes on a busy machine is not ours. */
async function time(work: () => unknown): Promise<number> {
  const started = process.cpuUsage();
  await work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** Asserts that `f` on an input four times as long takes at most about four times as long, for every generated pattern. */
async function expectLinear(f: (input: string) => unknown, size: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(pattern, async (unit) => {
      const small = repeatTo(unit, size);
      const large = repeatTo(unit, GROWTH * size);
      await f(small); // warm up
      // Interleaved, best of several: a pause from the collector or a busy neighbour hits one run, not the minimum.
      let smallMs = Infinity;
      let largeMs = Infinity;
      for (let i = 0; i < REPEATS; i++) {
        smallMs = Math.min(smallMs, await time(() => f(small)));
        largeMs = Math.min(largeMs, await time(() => f(large)));
      }
      expect(largeMs, `${JSON.stringify(unit)}: ${smallMs.toFixed(1)} ms → ${largeMs.toFixed(1)} ms`).toBeLessThanOrEqual(RATIO * smallMs + SLACK_MS);
    }),
    // No shrinking: each failing run of a slow function costs seconds.
    { numRuns: RUNS, endOnFailure: true },
  );
}

const rss = (slot: (text: string) => string) => (text: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://e.org/a</link>${slot(text)}</item></channel></rss>`;
const xmlEscaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('every text function on the ingest path takes linear time', () => {
  it.each([
    ['htmlToText', htmlToText],
    ['cleanText', cleanText],
    ['repairMojibake', repairMojibake],
    ['decodeBody', (text: string) => decodeBody(Buffer.from(text), 'text/xml')],
  ])('%s', async (_name, f) => {
    await expectLinear(f, 32 * 1024);
  });

  // These only ever see fields already capped (normalizeItem cuts raw fields first), so sizes stay at that cap.
  it.each([
    ['titleKey', titleKey],
    ['detectLanguage', detectLanguage],
    ['parseFeedDate', parseFeedDate],
    ['canonicalizeUrl', (text: string) => canonicalizeUrl(`https://e.org/${text}`)],
    ['truncateAtWord', (text: string) => truncateAtWord(text, 300)],
  ])('%s', async (_name, f) => {
    await expectLinear(f, 1024);
  });

  it('normalizeItem, every raw field', async () => {
    const ctx = { fetchedAt: 0, baseUrl: 'https://e.org/feed' };
    await expectLinear((text) => normalizeItem({ title: text, summary: text, link: text, guid: text, source: text, dates: [text] }, ctx), 32 * 1024);
  });

  // rss-parser (xml2js, sax) included: the text sits escaped, in CDATA or raw in each place a publisher controls.
  it.each([
    ['an RSS description, escaped', rss((text) => `<description>${xmlEscaped(text)}</description>`)],
    ['an RSS description in CDATA', rss((text) => `<description><![CDATA[${text}]]></description>`)],
    ['content:encoded, escaped', rss((text) => `<content:encoded>${xmlEscaped(text)}</content:encoded>`)],
    ['a title, escaped', rss((text) => `<title>${xmlEscaped(text)}</title>`)],
    ['raw inside an item', rss((text) => text)],
    ['an Atom xhtml summary', (text: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title><summary type="xhtml">${text}</summary></entry></feed>`],
    ['the prolog', (text: string) => `<?xml version="1.0"?><!DOCTYPE rss [${text}]>${rss(() => '')('')}`],
    // xml:base makes parseFeed scan the entries (as a document over maxItemsPerFeed does).
    ['an Atom entry under xml:base', (text: string) => `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/"><entry><title>x</title><summary>${text}</summary></entry></feed>`],
  ])('parseFeed: %s', async (_name, document) => {
    await expectLinear((text) => parseFeed(document(text)), 16 * 1024);
  });
});
