import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, htmlToText, truncateAtWord } from '../../src/feeds/html-to-text.js';

describe('htmlToText', () => {
  it.each([
    ['drops inline tags without adding spaces', '<b>Mer</b>cosur y <a href="/x">CAN</a>', 'Mercosur y CAN'],
    ['turns block elements into spaces', '<p>Uno</p><p>Dos</p>Tres<br>Cuatro<br/>Cinco<li>Seis</li>', 'Uno Dos Tres Cuatro Cinco Seis'],
    ['drops scripts and styles with their content', 'Antes<script>var x = "<p>";</script><style>p{}</style>Después', 'Antes Después'],
    ['drops comments', 'Uno<!-- <p>oculto</p> -->Dos', 'UnoDos'],
    ['keeps CDATA text', '<![CDATA[Hola]]> mundo', 'Hola mundo'],
    ['copes with ">" inside attribute values', '<a title="a > b">enlace</a>', 'enlace'],
    ['leaves a lone "<" that opens no tag', 'Inflación < 3 % y 2 <3', 'Inflación < 3 % y 2 <3'],
    ['decodes named entities', 'Integraci&oacute;n &amp; a&ntilde;o &mdash; it&rsquo;s &laquo;ya&raquo;', 'Integración & año — it’s «ya»'],
    ['decodes numeric and hex entities', '&#8220;S&#227;o Paulo&#x201D; &#xE9;', '“São Paulo” é'],
    ['reads C1 numeric references as windows-1252', '&#147;cita&#148;', '“cita”'],
    ['decodes legacy entities without a semicolon', 'caf&eacute y t&eacute', 'café y té'],
    ['decodes double-escaped entities once more', 'Integraci&amp;oacute;n', 'Integración'],
    ['strips double-escaped markup once more', '&lt;p&gt;Hola &lt;b&gt;mundo&lt;/b&gt;&lt;/p&gt;', 'Hola mundo'],
    ['turns NBSP and other spaces into one space', 'a&nbsp;&nbsp;b\u2003c\u202Fd\n\n\te', 'a b c d e'],
    ['removes soft hyphens, zero-width characters, BOM and bidi marks', 'sobe\u00ADranía\u200B del\u2060 \uFEFFpaís\u200E', 'soberanía del país'],
    ['keeps the zero-width joiner inside an emoji', 'médica 👩\u200D⚕️ ok\u200Dno', 'médica 👩\u200D⚕️ okno'],
    ['trims the result', '  <p> hola </p>  ', 'hola'],
  ])('%s', (_rule, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('htmlToText on fragments with and without special elements', () => {
  // A leading empty <title> changes no text but sends the fragment down the path that decodes
  // entities inside the tokenizer; without it, fragments free of special elements take the path
  // that decodes each text run afterwards. Both must read every fragment alike.
  const unit = fc.constantFrom(
    ...'<>/"= ap&;#!-é\u00a0',
    '<p>', '</p>', '<br>', '<b>', '</b>', '<a href="x&amp;y">', '</a>', '<li>', '<div>', '<DIV>', '<!--', '-->',
    '&amp;', '&lt;p&gt;', '&nbsp;', '&eacute', '&#147;', '&#x3c', '&amp', '&not', '&notin;',
    '<script>', '</script>', '<noscript>', '<template>', '<form>', '</form>', '<table><tr><td>', '<option>', '<select>', '<dd>', '<img src=x>',
  );
  it('gives the same text either way', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (units) => {
        const html = units.join('');
        expect(htmlToText(html)).toBe(htmlToText(`<title></title>${html}`));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('cleanText', () => {
  it('collapses whitespace and drops invisible characters without touching markup', () => {
    expect(cleanText(' a\u00AD<b>\u200B  c ')).toBe('a<b> c');
  });
});

describe('truncateAtWord', () => {
  it.each([
    ['leaves text that fits', 'corto', 10, 'corto'],
    ['leaves text of exactly the limit', 'diez letra', 10, 'diez letra'],
    ['cuts at the last word boundary and adds an ellipsis', 'Mercosur y la Unión Europea', 20, 'Mercosur y la Unión…'],
    ['keeps a whole last word that ends at the limit', 'uno dos tres cuatro', 13, 'uno dos tres…'],
    ['drops a dangling separator before the ellipsis', 'Lula, Milei, Boric y Petro', 13, 'Lula, Milei…'],
    ['cuts mid-word when no boundary is near', 'Supercalifragilístico espialidoso', 10, 'Supercali…'],
    ['never leaves half a surrogate pair', 'ab😀😀😀😀', 4, 'ab…'],
  ])('%s', (_rule, text, max, expected) => {
    const result = truncateAtWord(text, max);
    expect(result).toBe(expected);
    expect(result.length).toBeLessThanOrEqual(max);
  });
});
