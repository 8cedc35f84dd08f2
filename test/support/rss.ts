/** Builds small RSS 2.0 documents for tests that care about items, not about feed syntax. */
export interface TestEntry {
  title: string;
  link?: string;
  guid?: string;
  description?: string;
  pubDate?: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function rss(entries: TestEntry[], channel: { title?: string; ttl?: number } = {}): string {
  const items = entries
    .map((entry) =>
      [
        '<item>',
        `<title>${escape(entry.title)}</title>`,
        entry.link ? `<link>${escape(entry.link)}</link>` : '',
        entry.guid ? `<guid isPermaLink="false">${escape(entry.guid)}</guid>` : '',
        entry.description ? `<description>${escape(entry.description)}</description>` : '',
        `<pubDate>${entry.pubDate ?? 'Fri, 27 Nov 2026 12:00:00 GMT'}</pubDate>`,
        '</item>',
      ].join(''),
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${escape(channel.title ?? 'Test feed')}</title><link>https://example.org/</link>
${channel.ttl ? `<ttl>${channel.ttl}</ttl>` : ''}
${items}
</channel></rss>`;
}

/** A story as `outlet` publishes it `minutesAgo`, linked on the outlet's own site. */
export function outletEntry(outlet: string, title: string, description: string, minutesAgo: number): TestEntry {
  return {
    title,
    description,
    link: `https://${outlet.toLowerCase().replace(/\s+/g, '')}.example/${encodeURIComponent(title.slice(0, 30))}`,
    pubDate: new Date(Date.now() - minutesAgo * 60_000).toUTCString(),
  };
}
