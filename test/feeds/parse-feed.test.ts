import { describe, expect, it } from 'vitest';
import type { ParsedFeed } from '../../src/core/types.js';
import { decodeBody } from '../../src/feeds/decode-body.js';
import { parseFeed } from '../../src/feeds/parse-feed.js';
import { fixtureBytes } from './fixtures.js';

async function parseFixture(name: string): Promise<ParsedFeed> {
  const outcome = await parseFeed(decodeBody(fixtureBytes(name), null).text);
  if (outcome.status !== 'ok') throw new Error(`${name}: ${outcome.message}`);
  return outcome.feed;
}

describe('parseFeed', () => {
  describe('reads every feed format', () => {
    it('RSS 2.0: channel metadata, ttl, raw dates, description preferred over content:encoded', async () => {
      const feed = await parseFixture('rss2-basic.xml');
      expect(feed).toMatchObject({
        format: 'rss',
        title: 'Integración Hoy',
        link: 'https://integracion.example.org/',
        language: 'es-AR',
        ttlMinutes: 45,
      });
      expect(feed.items).toHaveLength(3);
      expect(feed.items[0]).toEqual({
        guid: 'integracion-12345',
        link: 'https://integracion.example.org/2025/10/03/mercosur-ue/?utm_source=rss&utm_medium=feed&id=7#comentarios',
        title: 'Mercosur y la UE & el acuerdo: “un paso histórico”',
        summary:
          '<p>Los cancilleres del <b>Mercosur</b> se reunieron en Montevideo.</p><p>La firma sería en diciembre.</p><script>track()</script>',
        dates: ['Fri, 03 Oct 2025 10:00:00 -0300'],
        source: undefined,
      });
    });

    it('RSS 2.0: keeps a relative link as published and takes a permalink guid as the link', async () => {
      const [, relative, guidOnly] = (await parseFixture('rss2-basic.xml')).items;
      expect(relative?.link).toBe('/2025/10/02/can-arancel/');
      expect(guidOnly?.link).toBe('https://integracion.example.org/2025/10/01/guid-permalink/');
    });

    it('Atom: the alternate link, published before updated, summary before content, xml:lang', async () => {
      const feed = await parseFixture('atom-basic.xml');
      expect(feed).toMatchObject({ format: 'atom', title: 'Integração Regional', link: 'https://integracao.example.com.br/', language: 'pt-BR' });
      expect(feed.items[0]).toEqual({
        guid: 'tag:integracao.example.com.br,2025:1',
        link: 'https://integracao.example.com.br/2025/10/brasil-argentina',
        title: 'Brasil e Argentina <em>retomam</em> negociações do Mercosul',
        summary: '<p>Os chanceleres se reuniram em Brasília.</p>',
        dates: ['2025-10-03T09:30:00-03:00', '2025-10-03T11:00:00-03:00'],
        source: undefined,
      });
    });

    it('Atom: xhtml content keeps its word order', async () => {
      const [, xhtml] = (await parseFixture('atom-basic.xml')).items;
      expect(xhtml?.summary).toContain('<p>A cúpula <strong>discute</strong> o comércio.</p>');
      expect(xhtml?.link).toBe('https://integracao.example.com.br/2025/10/brics');
    });

    it('RSS 1.0 (RDF): items beside the channel, dc:date and dc:language', async () => {
      const feed = await parseFixture('rdf-rss1.xml');
      expect(feed).toMatchObject({ format: 'rdf', title: 'Boletín ALADI', language: 'es' });
      expect(feed.items.map((item) => [item.link, item.dates])).toEqual([
        ['https://boletin.example.org/n/101', ['2025-10-01T14:00:00-03:00']],
        ['https://boletin.example.org/n/102', ['2025-09-30']],
      ]);
    });

    it('RSS 0.91 with HTML entities that only its DTD declares', async () => {
      const feed = await parseFixture('rss091.xml');
      expect(feed.format).toBe('rss');
      expect(feed.items.map((item) => item.title)).toEqual([
        'La integración energética avanza en el Cono Sur',
        'Opinión: el futuro del Mercosur',
      ]);
      expect(feed.items[0]?.summary).toBe('Argentina y Chile firman un acuerdo — el gasoducto «del Pacífico» vuelve.');
    });

    it('an aggregator item names its outlet in source', async () => {
      const feed = await parseFixture('google-news-es.xml');
      expect(feed.items.map((item) => item.source)).toEqual(['El País', 'Infobae']);
      expect(feed.language).toBe('es-419');
    });

    it('an Atom source element names the outlet by its title', async () => {
      const outcome = await parseFeed(
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title><source><id>x</id><title>Página/12</title></source></entry></feed>',
      );
      expect(outcome.status === 'ok' && outcome.feed.items[0]?.source).toBe('Página/12');
    });
  });

  describe('keeps a flawed feed rather than losing it', () => {
    it('one unparseable Atom date does not lose the feed: raw strings are kept for later', async () => {
      const feed = await parseFixture('atom-bad-date.xml');
      expect(feed.items.map((item) => item.dates)).toEqual([
        ['2025-10-03T10:00:00Z'],
        ['ayer por la tarde', '2025-10-02T08:00:00Z'],
        ['pronto'],
      ]);
    });

    it('<rss> without a version attribute is read as RSS 2.0', async () => {
      const feed = await parseFixture('rss-no-version.xml');
      expect(feed.format).toBe('rss');
      expect(feed.items[0]?.title).toBe('El Parlasur sesiona en Montevideo');
    });

    it('bare ampersands and undeclared entities are not fatal', async () => {
      const feed = await parseFixture('rss-bare-ampersand.xml');
      expect(feed.title).toBe('S&P y AT&T');
      expect(feed.link).toBe('https://amp.example.org/?a=1&b=2');
      expect(feed.items[0]).toMatchObject({
        title: 'Fitch y S&P revisan la deuda – sin DTD ¿problema?',
        link: 'https://amp.example.org/nota?id=1&utm_source=rss',
        summary: 'Una entidad inventada &foo; no rompe el feed',
      });
    });

    it('ampersands inside CDATA are left alone', async () => {
      const outcome = await parseFeed('<rss version="2.0"><channel><item><description><![CDATA[AT&T &amp; co]]></description></item></channel></rss>');
      expect(outcome.status === 'ok' && outcome.feed.items[0]?.summary).toBe('AT&T &amp; co');
    });

    it('items without guid, title or link are still returned raw', async () => {
      const feed = await parseFixture('items-without-guid.xml');
      expect(feed.items.map(({ guid, title, link }) => ({ guid, title, link }))).toEqual([
        { guid: undefined, title: 'Con título y enlace', link: 'https://singuid.example.org/a' },
        { guid: undefined, title: 'Solo título', link: undefined },
        { guid: undefined, title: undefined, link: 'https://singuid.example.org/c' },
        { guid: undefined, title: undefined, link: undefined },
      ]);
    });

    it.each(['windows-1252-accents.xml', 'utf8-bom.xml', 'utf16le-bom.xml', 'spanish-dates.xml'])('%s parses', async (name) => {
      const feed = await parseFixture(name);
      expect(feed.items.length).toBeGreaterThan(0);
      expect(feed.items.every((item) => item.title !== undefined && item.dates.length === 1)).toBe(true);
    });

    it('an empty channel is a feed with no items', async () => {
      const outcome = await parseFeed('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Vacío</title></channel></rss>');
      expect(outcome).toEqual({ status: 'ok', feed: expect.objectContaining({ format: 'rss', title: 'Vacío', items: [] }), skipped: 0 });
    });
  });

  describe('tells what is not a feed from a broken feed, without throwing', () => {
    it.each([
      ['an empty body', '', /empty/],
      ['whitespace only', ' \n\t ', /empty/],
      ['an HTML page', fixtureBytes('html-page.html').toString('utf8'), /HTML page/],
      ['XHTML', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', /HTML page/],
      ['binary garbage', decodeBody(fixtureBytes('garbage.bin'), null).text, /not XML/],
      ['plain text', 'Service Unavailable', /not XML/],
      ['JSON', '{"items": []}', /not XML/],
      ['another XML document', '<?xml version="1.0"?><sitemap><url/></sitemap>', /<sitemap> is not/],
    ])('%s → not-a-feed', async (_case, body, message) => {
      const outcome = await parseFeed(body);
      expect(outcome).toMatchObject({ status: 'error', kind: 'not-a-feed' });
      expect(outcome.status === 'error' && outcome.message).toMatch(message);
    });

    it.each([
      ['a truncated document', fixtureBytes('truncated.xml').toString('utf8'), /malformed \(Unclosed root tag/],
      ['mismatched tags', '<rss version="2.0"><channel><title>x</channel></rss>', /malformed/],
      ['RSS without a channel', '<rss version="2.0"/>', /no <channel>/],
      ['RDF without a channel', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', /no <channel>/],
    ])('%s → malformed', async (_case, body, message) => {
      const outcome = await parseFeed(body);
      expect(outcome).toMatchObject({ status: 'error', kind: 'malformed' });
      expect(outcome.status === 'error' && outcome.message).toMatch(message);
    });
  });
});
