import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeUrl } from '../../src/feeds/canonical-url.js';

describe('canonicalizeUrl', () => {
  it.each([
    ['lower-cases scheme and host', 'HTTPS://WWW.Example.COM/Path/Caso', 'https://www.example.com/Path/Caso'],
    ['drops the default http port', 'http://example.com:80/a', 'http://example.com/a'],
    ['drops the default https port', 'https://example.com:443/a', 'https://example.com/a'],
    ['keeps another port', 'https://example.com:8443/a', 'https://example.com:8443/a'],
    ['removes the fragment', 'https://example.com/a#comentarios', 'https://example.com/a'],
    ['removes utm_* parameters', 'https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x', 'https://example.com/a'],
    ['removes tracking parameters whatever their case', 'https://example.com/a?UTM_Source=x&FBCLID=y&GClid=z', 'https://example.com/a'],
    [
      'removes the known click ids',
      'https://example.com/a?fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5&mc_eid=6&igshid=7&_hsenc=8&_hsmi=9&ref_src=10&yclid=11&twclid=12',
      'https://example.com/a',
    ],
    ['keeps other parameters in their order', 'https://example.com/a?z=1&utm_source=rss&a=2&id=7', 'https://example.com/a?z=1&a=2&id=7'],
    ['keeps the encoding of kept parameters', 'https://example.com/buscar?q=integraci%C3%B3n+andina&utm_term=x', 'https://example.com/buscar?q=integraci%C3%B3n+andina'],
    ['keeps a parameter that only starts like a tracker name', 'https://example.com/a?utmost=1&ref=home', 'https://example.com/a?utmost=1&ref=home'],
    ['drops an empty query', 'https://example.com/a?', 'https://example.com/a'],
    ['drops empty pairs', 'https://example.com/a?&&id=1&', 'https://example.com/a?id=1'],
    ['resolves dot segments', 'https://example.com/a/../b/./c', 'https://example.com/b/c'],
    ['encodes an IDN host as punycode', 'https://señal.example/nota', 'https://xn--seal-hqa.example/nota'],
    ['trims surrounding whitespace', '  https://example.com/a  ', 'https://example.com/a'],
  ])('%s', (_rule, input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });

  it('gives what setting the kept query and an empty fragment on the parsed URL gives', () => {
    // The canonical URL is cut from the serialized href; the URL's own setters are the reference.
    const bySetters = (input: string) => {
      let url: URL;
      try {
        url = new URL(input.trim());
      } catch {
        return null;
      }
      url.hash = '';
      const kept = url.search
        .slice(1)
        .split('&')
        .filter((pair) => pair !== '' && canonicalizeUrl(`https://x.example/?${pair}`) !== 'https://x.example/');
      url.search = kept.length === 0 ? '' : `?${kept.join('&')}`;
      return url.href;
    };
    const part = fc.constantFrom(
      '/', '/a', '/../b', '/%7e', '/ü', '/a b', "/'", '/<>', ':8080', '?', '??', '?a=1', '&', '&utm_source=x', '&UTM_Medium=y',
      '&%75tm_x=1', '&fb+clid=2', '&fbclid', '&%zz=1', '&q=ü', "&q='", '&q="', '&q=<x>', '&q= x', '#', '#frag', '#a?b', '=', '+', '%',
    );
    fc.assert(
      fc.property(fc.constantFrom('https://a.example', 'HTTP://Señal.Example:80'), fc.array(part, { maxLength: 8 }), (origin, parts) => {
        const input = origin + parts.join('');
        expect(canonicalizeUrl(input)).toBe(bySetters(input));
      }),
      { numRuns: 2000 },
    );
  });

  describe('resolves relative links against the base', () => {
    it.each([
      ['/2025/10/nota', 'https://diario.example/feed/', 'https://diario.example/2025/10/nota'],
      ['nota?id=1#x', 'https://diario.example/feed/', 'https://diario.example/feed/nota?id=1'],
      ['//cdn.example/nota', 'https://diario.example/feed/', 'https://cdn.example/nota'],
      ['https://otro.example/a', 'https://diario.example/feed/', 'https://otro.example/a'],
    ])('%s against %s', (input, base, expected) => {
      expect(canonicalizeUrl(input, base)).toBe(expected);
    });
  });

  it.each([
    ['a relative URL without base', '/2025/10/nota'],
    ['mailto', 'mailto:redaccion@diario.example'],
    ['javascript', 'javascript:alert(1)'],
    ['ftp', 'ftp://diario.example/a'],
    ['data', 'data:text/html,hola'],
    ['an empty string', ''],
    ['not a URL', 'http://'],
  ])('returns null for %s', (_case, input) => {
    expect(canonicalizeUrl(input)).toBeNull();
  });
});
