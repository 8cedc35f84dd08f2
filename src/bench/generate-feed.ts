import { createTextGenerator } from './sample-text.js';

export type FeedFormat = 'rss' | 'atom';

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An RSS 2.0 or Atom document of `items` news-like entries, shaped like real outlets' feeds:
 * guids, links with tracking parameters, HTML summaries with entities, dates, categories.
 * Deterministic for a seed; `id` keeps links and guids unique across generated feeds.
 */
export function generateFeed(format: FeedFormat, items: number, options: { seed?: number; id?: string } = {}): string {
  const text = createTextGenerator(options.seed ?? 1);
  const id = options.id ?? 'bench';
  const start = Date.UTC(2026, 10, 1);
  const entries: string[] = [];
  for (let index = 0; index < items; index++) {
    const item = text.item();
    const link = `https://news.example/${id}/${index}?utm_source=rss&amp;utm_medium=feed`;
    const date = new Date(start - index * 600_000);
    const summary = escapeXml(`<p>${item.summary.replace(/ de /, ' de&nbsp;')}</p><p><a href="https://news.example/${id}/${index}">Leer más</a></p>`);
    const title = escapeXml(item.title);
    entries.push(
      format === 'rss'
        ? `<item><title>${title}</title><link>${link}</link><guid isPermaLink="false">${id}-${index}</guid>` +
            `<pubDate>${date.toUTCString()}</pubDate><category>${item.themes[0] ?? 'general'}</category>` +
            `<description>${summary}</description></item>`
        : `<entry><title>${title}</title><link rel="alternate" href="${link}"/><id>urn:${id}:${index}</id>` +
            `<published>${date.toISOString()}</published><updated>${date.toISOString()}</updated>` +
            `<category term="${item.themes[0] ?? 'general'}"/><summary type="html">${summary}</summary></entry>`,
    );
  }
  const body = entries.join('\n');
  return format === 'rss'
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Feed ${id}</title><link>https://news.example/${id}</link>` +
        `<description>Generated for the benchmark</description><language>es</language>\n${body}\n</channel></rss>\n`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es"><title>Feed ${id}</title>` +
        `<id>urn:${id}</id><updated>${new Date(start).toISOString()}</updated><link href="https://news.example/${id}"/>\n${body}\n</feed>\n`;
}
