import { describe, expect, it } from 'vitest';
import type { RawItem } from '../../src/core/types.js';
import { decodeBody } from '../../src/feeds/decode-body.js';
import { normalizeItem, titleKey, type NormalizeContext } from '../../src/feeds/normalize-item.js';
import { parseFeed } from '../../src/feeds/parse-feed.js';
import { fixtureBytes } from './fixtures.js';

const fetchedAt = Date.parse('2025-10-03T15:00:00Z');
const ctx: NormalizeContext = { fetchedAt, baseUrl: 'https://diario.example/feed/' };
const raw = (fields: Partial<RawItem>): RawItem => ({ dates: [], ...fields });
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

async function normalizedFixture(name: string, context: Partial<NormalizeContext> = {}) {
  const outcome = await parseFeed(decodeBody(fixtureBytes(name), null).text);
  if (outcome.status !== 'ok') throw new Error(`${name}: ${outcome.message}`);
  return outcome.feed.items.map((item) => normalizeItem(item, { ...ctx, ...context }));
}

describe('normalizeItem', () => {
  describe('title and summary become plain text', () => {
    it('strips markup, decodes entities and collapses whitespace', () => {
      const item = normalizeItem(
        raw({
          title: ' Brasil e Argentina <em>retomam</em>\n negocia&ccedil;&otilde;es&nbsp;do Mercosul ',
          summary: '<p>Os chanceleres<br>se reuniram.</p><script>track()</script>',
          link: 'https://diario.example/a',
        }),
        ctx,
      );
      expect(item).toMatchObject({
        title: 'Brasil e Argentina retomam negociações do Mercosul',
        summary: 'Os chanceleres se reuniram.',
      });
    });

    it('repairs double-encoded UTF-8 before dropping invisible characters (Ã­ hides a soft hyphen)', () => {
      const item = normalizeItem(raw({ title: 'Â¿QuÃ© es el FIR MaiquetÃ­a?', link: 'https://diario.example/a' }), ctx);
      expect(item?.title).toBe('¿Qué es el FIR Maiquetía?');
    });

    it('caps the title at 300 and the summary at 1000 characters, at a word boundary', () => {
      const long = Array.from({ length: 400 }, (_, i) => `palabra${i}`).join(' ');
      const item = normalizeItem(raw({ title: long, summary: long, link: 'https://diario.example/a' }), ctx)!;
      expect(item.title.length).toBeLessThanOrEqual(300);
      expect(item.summary.length).toBeLessThanOrEqual(1000);
      expect(item.title).toMatch(/ palabra\d+…$/);
      expect(item.summary).toMatch(/ palabra\d+…$/);
      expect(long.startsWith(item.title.slice(0, -1))).toBe(true);
    });

    it('an item without summary has an empty summary', () => {
      expect(normalizeItem(raw({ title: 'Solo título' }), ctx)?.summary).toBe('');
    });
  });

  describe('needs a title or a link', () => {
    it.each([
      ['no title, no link', raw({ summary: 'Ni título ni enlace' })],
      ['a title of markup and spaces only, no link', raw({ title: ' <b> </b>&nbsp;' })],
      ['no title and a link that is not http(s)', raw({ link: 'javascript:void(0)' })],
    ])('null for %s', (_case, item) => {
      expect(normalizeItem(item, ctx)).toBeNull();
    });

    it('a title without a link is kept, with null URLs', () => {
      expect(normalizeItem(raw({ title: 'Solo título' }), ctx)).toMatchObject({ title: 'Solo título', url: null, canonicalUrl: null });
    });

    it('a link without a title borrows the start of the summary as title', () => {
      const item = normalizeItem(raw({ link: '/c', summary: '<p>Sin título: el resumen hace de título.</p>' }), ctx);
      expect(item).toMatchObject({ title: 'Sin título: el resumen hace de título.', url: 'https://diario.example/c' });
    });

    it('a bare link becomes its own title', () => {
      expect(normalizeItem(raw({ link: 'https://diario.example/c' }), ctx)?.title).toBe('https://diario.example/c');
    });
  });

  describe('URLs', () => {
    it('resolves the link against the feed URL and canonicalizes it', () => {
      const item = normalizeItem(raw({ title: 't', link: ' ../2025/nota?utm_source=rss&id=7#top ' }), ctx);
      expect(item).toMatchObject({
        url: 'https://diario.example/2025/nota?utm_source=rss&id=7#top',
        canonicalUrl: 'https://diario.example/2025/nota?id=7',
      });
    });

    it('a non-http(s) link gives null URLs', () => {
      expect(normalizeItem(raw({ title: 't', link: 'mailto:a@b.example' }), ctx)).toMatchObject({ url: null, canonicalUrl: null });
    });
  });

  describe('publishedAt', () => {
    it.each([
      ['the first date that parses', ['ayer', 'Fri, 03 Oct 2025 10:00:00 -0300', '2025-10-01T00:00:00Z'], '2025-10-03T13:00:00.000Z', true],
      ['a Spanish date', ['mié, 01 oct 2025 10:00:00 -0400'], '2025-10-01T14:00:00.000Z', true],
      ['fetch time when there is no date', [], '2025-10-03T15:00:00.000Z', false],
      ['fetch time when no date parses', ['pronto', ''], '2025-10-03T15:00:00.000Z', false],
      ['a date up to ten minutes ahead as is (clock skew)', ['2025-10-03T15:10:00Z'], '2025-10-03T15:10:00.000Z', true],
      ['fetch time for a date further in the future', ['2025-10-03T15:10:01Z'], '2025-10-03T15:00:00.000Z', false],
    ])('%s', (_case, dates, expected, dated) => {
      const item = normalizeItem(raw({ title: 't', dates }), ctx)!;
      expect(iso(item.publishedAt)).toBe(expected);
      expect(item.dated).toBe(dated);
    });
  });

  describe('language', () => {
    it('is the feed’s configured language when there is one', () => {
      expect(normalizeItem(raw({ title: 'The summit ends with a deal' }), { ...ctx, feedLanguage: 'pt' })?.language).toBe('pt');
    });

    it.each([
      ['Governo não vai recuar nas negociações com a União Europeia', 'pt'],
      ['El gobierno y los gremios del sector firman un acuerdo', 'es'],
      ['The government and the unions sign a deal', 'en'],
      ['Mercosur 2025', 'es'],
    ] as const)('is detected from the text otherwise (Spanish without evidence): %s', (title, language) => {
      expect(normalizeItem(raw({ title }), ctx)?.language).toBe(language);
    });
  });

  describe('identity fields', () => {
    it('trims the guid and treats a blank one as missing', () => {
      expect(normalizeItem(raw({ title: 't', guid: '  abc-1 \n' }), ctx)?.guid).toBe('abc-1');
      expect(normalizeItem(raw({ title: 't', guid: '   ' }), ctx)?.guid).toBeNull();
      expect(normalizeItem(raw({ title: 't' }), ctx)?.guid).toBeNull();
    });

    it('keeps the aggregator’s outlet as source, as plain text', () => {
      expect(normalizeItem(raw({ title: 't', source: ' El Pa&iacute;s ' }), ctx)?.source).toBe('El País');
      expect(normalizeItem(raw({ title: 't', source: ' ' }), ctx)?.source).toBeNull();
    });

    it('hashes the plain title and summary with SHA-256: wording changes the hash, markup does not', () => {
      const a = normalizeItem(raw({ title: 'Cumbre', summary: 'Resumen' }), ctx)!;
      const b = normalizeItem(raw({ title: 'Cumbre', summary: 'Resumen corregido' }), ctx)!;
      const c = normalizeItem(raw({ title: '<b>Cumbre</b>', summary: ' Resumen ', link: 'https://otro.example/' }), ctx)!;
      expect(a.contentHash).toBe('ff87c6f1f035726cd5d0654ebb4fd63107dc184f2bb56d2033451b5e67c868f7'); // sha256('Cumbre\nResumen')
      expect(b.contentHash).not.toBe(a.contentHash);
      expect(c.contentHash).toBe(a.contentHash);
    });
  });
});

describe('titleKey', () => {
  it.each([
    ['¿Qué pasó en la Cumbre?', 'que paso en la cumbre'],
    ['  Negociações   do MERCOSUL  ', 'negociacoes do mercosul'],
    ['Mercosur–UE: «acuerdo» “histórico”!', 'mercosur ue acuerdo historico'],
    ['Año nuevo, señal; pingüino', 'ano nuevo senal pinguino'],
    ['US$1.400 millones (50%)', 'us 1 400 millones 50'],
  ])('%s → %s', (title, key) => {
    expect(titleKey(title)).toBe(key);
  });
});

describe('fixtures end to end', () => {
  it('rss2-basic.xml', async () => {
    const [first, second, third] = await normalizedFixture('rss2-basic.xml', { baseUrl: 'https://integracion.example.org/feed/' });
    expect(first).toMatchObject({
      guid: 'integracion-12345',
      title: 'Mercosur y la UE & el acuerdo: “un paso histórico”',
      summary: 'Los cancilleres del Mercosur se reunieron en Montevideo. La firma sería en diciembre.',
      canonicalUrl: 'https://integracion.example.org/2025/10/03/mercosur-ue/?id=7',
      language: 'es',
      dated: true,
    });
    expect(iso(first?.publishedAt)).toBe('2025-10-03T13:00:00.000Z');
    expect(second?.url).toBe('https://integracion.example.org/2025/10/02/can-arancel/');
    expect(third?.url).toBe('https://integracion.example.org/2025/10/01/guid-permalink/');
  });

  it('atom-basic.xml', async () => {
    const [first, second] = await normalizedFixture('atom-basic.xml');
    expect(first).toMatchObject({ title: 'Brasil e Argentina retomam negociações do Mercosul', summary: 'Os chanceleres se reuniram em Brasília.', language: 'pt' });
    expect(iso(first?.publishedAt)).toBe('2025-10-03T12:30:00.000Z');
    expect(second?.summary).toBe('A cúpula discute o comércio.');
    expect(iso(second?.publishedAt)).toBe('2025-10-02T20:00:00.000Z');
  });

  it('atom-bad-date.xml: each entry falls back on its own', async () => {
    const items = await normalizedFixture('atom-bad-date.xml');
    expect(items.map((item) => [iso(item?.publishedAt), item?.dated])).toEqual([
      ['2025-10-03T10:00:00.000Z', true],
      ['2025-10-02T08:00:00.000Z', true],
      ['2025-10-03T15:00:00.000Z', false],
    ]);
  });

  it('google-news-es.xml: the outlet moves from the headline to source', async () => {
    const [first] = await normalizedFixture('google-news-es.xml');
    expect(first).toMatchObject({
      title: 'Milei y Lula, frente a frente en la cumbre del Mercosur',
      summary: 'Milei y Lula, frente a frente en la cumbre del Mercosur El País',
      source: 'El País',
      url: 'https://news.google.com/rss/articles/CBMiWkFVX3lxTE1hbXBsZQ?oc=5',
    });
  });

  it('spanish-dates.xml: every date read', async () => {
    const items = await normalizedFixture('spanish-dates.xml', { fetchedAt: Date.parse('2026-01-01T00:00:00Z') });
    expect(items.map((item) => iso(item?.publishedAt))).toEqual([
      '2025-10-01T14:00:00.000Z',
      '2025-08-30T11:30:00.000Z',
      '2018-09-24T17:05:00.000Z',
      '2025-10-03T00:00:00.000Z',
      '2025-12-25T12:00:00.000Z',
      '2025-10-03T14:00:00.000Z',
    ]);
    expect(items.every((item) => item?.dated)).toBe(true);
  });

  it('items-without-guid.xml: the entry with neither title nor link is dropped', async () => {
    const items = await normalizedFixture('items-without-guid.xml');
    expect(items.map((item) => item?.title ?? null)).toEqual([
      'Con título y enlace',
      'Solo título',
      'Sin título: el resumen hace de título.',
      null,
    ]);
  });

  it('windows-1252-accents.xml: accents and curly quotes survive to the item', async () => {
    const [item] = await normalizedFixture('windows-1252-accents.xml');
    expect(item).toMatchObject({
      title: '“Integración” y compañía – São Paulo recibe la cumbre',
      summary: 'Inversión de 5 € millones en la região; açúcar y café.',
    });
  });
});

describe('aggregator headlines', () => {
  const ctx = { fetchedAt: Date.UTC(2026, 10, 29), baseUrl: 'https://news.google.com/rss' };
  it.each([
    ['Cumbre del Mercosur en Montevideo - El País', 'El País', 'Cumbre del Mercosur en Montevideo'],
    ['Lula recebe Milei – Folha de S.Paulo', 'Folha de S.Paulo', 'Lula recebe Milei'],
    ['Venezuela - El País', 'Reuters', 'Venezuela - El País'],
    ['El País', 'El País', 'El País'],
  ])('drops the outlet suffix that an aggregator appends: %s', (title, source, expected) => {
    const item = normalizeItem({ title, source, link: 'https://news.google.com/articles/x', dates: [] }, ctx);
    expect(item?.title).toBe(expected);
    expect(item?.source).toBe(source);
  });
});
