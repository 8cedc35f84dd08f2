import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/feeds/decode-body.js';
import { fixtureBytes } from './fixtures.js';

const utf16le = (text: string): Buffer => Buffer.from(text, 'utf16le');
const utf16be = (text: string): Buffer => utf16le(text).swap16();
const cp1252 = (text: string): Buffer => Buffer.from(text, 'latin1');
const xml = (encoding: string, body: string): string => `<?xml version="1.0" encoding="${encoding}"?><rss>${body}</rss>`;

describe('decodeBody', () => {
  describe('picks the charset', () => {
    it.each([
      ['the Content-Type charset', cp1252(xml('utf-8', 'canci\u00f3n')), 'text/xml; charset=ISO-8859-1', 'windows-1252'],
      ['a quoted Content-Type charset', cp1252(xml('utf-8', 'canci\u00f3n')), 'text/xml; charset="windows-1252"', 'windows-1252'],
      ['the prolog when the header has none', cp1252(xml('ISO-8859-1', 'canci\u00f3n')), 'application/rss+xml', 'windows-1252'],
      ['the prolog when there is no header', cp1252(xml('windows-1252', 'canci\u00f3n')), null, 'windows-1252'],
      ['the prolog when the header label is unknown', cp1252(xml('iso-8859-1', 'canci\u00f3n')), 'text/xml; charset=klingon', 'windows-1252'],
      ['UTF-8 when nothing is declared', Buffer.from('<rss>canción</rss>'), null, 'utf-8'],
      ['UTF-8 when every label is unknown', Buffer.from(xml('x-unknown', 'canción')), 'text/xml; charset=nope', 'utf-8'],
      ['a UTF-8 BOM over a header that says otherwise', Buffer.from('\uFEFF<rss>canción</rss>'), 'text/xml; charset=iso-8859-1', 'utf-8'],
      ['a UTF-16LE BOM over a prolog that says UTF-8', utf16le(`\uFEFF${xml('utf-8', 'canción')}`), null, 'utf-16le'],
      ['a UTF-16BE BOM', utf16be(`\uFEFF${xml('utf-16', 'canción')}`), 'text/xml; charset=utf-8', 'utf-16be'],
      ['BOM-less UTF-16LE from its NUL bytes', utf16le(xml('utf-16', 'canción')), null, 'utf-16le'],
      ['BOM-less UTF-16BE from its NUL bytes', utf16be(xml('utf-16', 'canción')), null, 'utf-16be'],
      ['not UTF-16 when a UTF-16 label sits on ASCII bytes', Buffer.from(xml('UTF-16', 'canción')), null, 'utf-8'],
    ])('%s', (_case, body, contentType, charset) => {
      const decoded = decodeBody(body, contentType);
      expect(decoded.charset).toBe(charset);
      expect(decoded.text).toContain('canción');
      expect(decoded.text.startsWith('<')).toBe(true);
    });
  });

  it('keeps curly quotes and the euro sign that ISO-8859-1 labels carry in 0x80–0x9F', () => {
    const body = Buffer.from([0x93, 0x61, 0x94, 0x20, 0x80, 0x20, 0x96]);
    expect(decodeBody(body, 'text/xml; charset=iso-8859-1').text).toBe('“a” € –');
  });

  it('decodes "UTF-8" that is really windows-1252 as windows-1252', () => {
    const decoded = decodeBody(cp1252(xml('UTF-8', 'Peñalolén \u0093sí\u0094')), 'text/xml; charset=utf-8');
    expect(decoded).toEqual({ charset: 'windows-1252', text: xml('UTF-8', 'Peñalolén “sí”') });
  });

  it('keeps UTF-8 with a few stray bytes as UTF-8, replacing only the stray bytes', () => {
    const body = Buffer.concat([Buffer.from('<rss>Integración económica, año '), Buffer.from([0xff]), Buffer.from('</rss>')]);
    expect(decodeBody(body, null)).toEqual({ charset: 'utf-8', text: '<rss>Integración económica, año \uFFFD</rss>' });
  });

  it('keeps a body with a UTF-8 BOM as UTF-8 however many stray bytes it has', () => {
    const body = Buffer.concat([Buffer.from('\uFEFF<rss>'), Buffer.from([0xe9, 0xf1]), Buffer.from('</rss>')]);
    expect(decodeBody(body, null)).toEqual({ charset: 'utf-8', text: '<rss>\uFFFD\uFFFD</rss>' });
  });

  it('decodes "ISO-8859-1" that is really UTF-8 as UTF-8', () => {
    const decoded = decodeBody(Buffer.from(xml('utf-8', 'São Paulo')), 'text/xml; charset=ISO-8859-1');
    expect(decoded).toEqual({ charset: 'utf-8', text: xml('utf-8', 'São Paulo') });
  });

  it('trusts a windows-1252 label on pure ASCII', () => {
    expect(decodeBody(Buffer.from('<rss/>'), 'text/xml; charset=windows-1252')).toEqual({ charset: 'windows-1252', text: '<rss/>' });
  });

  it('honours other encodings the decoder knows', () => {
    const body = Buffer.from([0x3c, 0x72, 0x3e, 0xa4, 0x3c, 0x2f, 0x72, 0x3e]);
    expect(decodeBody(body, 'text/xml; charset=iso-8859-15')).toEqual({ charset: 'iso-8859-15', text: '<r>€</r>' });
  });

  it('returns an empty text for an empty body', () => {
    expect(decodeBody(Buffer.alloc(0), null)).toEqual({ charset: 'utf-8', text: '' });
  });

  describe('fixtures', () => {
    it('windows-1252-accents.xml: accents and curly quotes from the prolog charset', () => {
      const { text, charset } = decodeBody(fixtureBytes('windows-1252-accents.xml'), null);
      expect(charset).toBe('windows-1252');
      expect(text).toContain('<title>“Integración” y compañía – São Paulo recibe la cumbre</title>');
      expect(text).toContain('5 € millones en la região; açúcar y café');
    });

    it('utf8-bom.xml: BOM stripped', () => {
      const { text, charset } = decodeBody(fixtureBytes('utf8-bom.xml'), 'text/xml');
      expect(charset).toBe('utf-8');
      expect(text.startsWith('<?xml')).toBe(true);
      expect(text).toContain('Integración andina: Perú y Bolivia');
    });

    it('utf16le-bom.xml: UTF-16LE with its BOM stripped, whatever the header says', () => {
      const { text, charset } = decodeBody(fixtureBytes('utf16le-bom.xml'), 'application/xml; charset=utf-8');
      expect(charset).toBe('utf-16le');
      expect(text.startsWith('<?xml version="1.0" encoding="UTF-16"?>')).toBe(true);
      expect(text).toContain('Integração sul-americana: “avanços” em Brasília');
    });
  });
});
