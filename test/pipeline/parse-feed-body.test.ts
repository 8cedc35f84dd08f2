import { describe, expect, it } from 'vitest';
import { parseFeedBody } from '../../src/pipeline/parse-feed-body.js';
import { fixtureBytes } from '../feeds/fixtures.js';
import { rss } from '../support/rss.js';

const context = (baseUrl: string) => ({ fetchedAt: Date.UTC(2026, 10, 29), baseUrl });

async function urls(body: Buffer | string, baseUrl: string, maxItems?: number): Promise<(string | null)[]> {
  const parsed = await parseFeedBody(Buffer.from(body), null, context(baseUrl), maxItems);
  if (parsed.status !== 'ok') throw new Error(parsed.message);
  return parsed.items.map((item) => item.url);
}

describe('links resolve as the publisher meant them', () => {
  it('Atom: by xml:base on the feed, the entry and the link, each against the one above, then the document URL', async () => {
    expect(await urls(fixtureBytes('atom-xml-base.xml'), 'https://cdn.example.com/feeds/atom.xml')).toEqual([
      'https://noticias.example.org/es/2025/10/cumbre-mercosur',
      'https://noticias.example.org/archivo/can-arancel?id=2',
      'https://otro.example.net/blog/2025/celac-bogota',
      'https://elsewhere.example.com/nota',
    ]);
  });

  it('Atom: a relative xml:base on the feed resolves against the document URL', async () => {
    expect(await urls(fixtureBytes('atom-relative-base.xml'), 'https://sitio.example.org/feeds/atom.xml')).toEqual([
      'https://sitio.example.org/feeds/notas/uno.html',
    ]);
  });

  it('RSS: a relative item link resolves against the document URL', async () => {
    const body = rss([{ title: 'Relativa', link: '/2025/10/nota' }, { title: 'Sin barra', link: 'otra-nota' }]);
    expect(await urls(body, 'https://diario.example.org/rss/feed.xml')).toEqual([
      'https://diario.example.org/2025/10/nota',
      'https://diario.example.org/rss/otra-nota',
    ]);
  });
});

describe('a document with more entries than maxItems', () => {
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toUTCString();

  it('keeps the newest by date, whatever their order in the document, and counts the rest as skipped', async () => {
    const entries = [3, 9, 1, 7, 5].map((n) => ({ title: `Día ${n}`, link: `https://n.example/${n}`, pubDate: day(n) }));
    const parsed = await parseFeedBody(Buffer.from(rss(entries)), null, context('https://n.example/feed'), 3);
    expect(parsed).toMatchObject({ status: 'ok', skipped: 2 });
    expect(parsed.status === 'ok' && parsed.items.map((item) => item.title)).toEqual(['Día 9', 'Día 7', 'Día 5']);
  });

  it('keeps the first ones in the document when entries carry no date, and applies xml:base to the kept ones', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/x/">${[1, 2, 3, 4]
      .map((n) => `<entry xml:base="e${n}/"><title>E${n}</title><id>e${n}</id><link href="nota"/></entry>`)
      .join('')}</feed>`;
    const parsed = await parseFeedBody(Buffer.from(atom), null, context('https://a.example/feed'), 2);
    expect(parsed).toMatchObject({ status: 'ok', skipped: 2 });
    expect(parsed.status === 'ok' && parsed.items.map((item) => item.url)).toEqual(['https://a.example/x/e1/nota', 'https://a.example/x/e2/nota']);
  });
});
