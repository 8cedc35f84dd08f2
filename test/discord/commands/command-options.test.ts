import { describe, expect, it } from 'vitest';
import {
  decodeSearchPage,
  encodeSearchPage,
  feedAddOptions,
  latestOptions,
  parseOptions,
  searchOptions,
  subscribeOptions,
  unsubscribeOptions,
  type SearchPageState,
} from '../../../src/discord/command-options.js';
import { rawOptions } from '../../../src/discord/interaction-handler.js';

describe('command options, validated once at the edge', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['words', { query: '  Mercosur   y  UE ' }, { ok: true, value: { query: 'Mercosur y UE' } }],
    ['every filter', { query: 'celac', theme: 'regional-integration', days: 7, language: 'pt' }, { ok: true, value: { query: 'celac', theme: 'regional-integration', days: 7, language: 'pt' } }],
    ['a heading for a theme', { query: 'celac', theme: 'Integração Regional' }, { ok: true, value: { query: 'celac', theme: 'regional-integration' } }],
    ['no query', {}, { ok: false, message: 'Type something to search for.' }],
    ['a number for a query', { query: 42 }, { ok: false, message: 'Type something to search for.' }],
    ['days as text', { query: 'celac', days: '7' }, { ok: false, message: 'Give days as a whole number from 1 to 365.' }],
    ['days too many', { query: 'celac', days: 366 }, { ok: false, message: 'Give days as a whole number from 1 to 365.' }],
  ])('search: %s', (_case, raw, expected) => {
    expect(parseOptions(searchOptions, raw)).toEqual(expected);
  });

  it('latest: count defaults to 10, at most 20; on-topic items unless asked for all', () => {
    expect(parseOptions(latestOptions, {})).toEqual({ ok: true, value: { count: 10, include: 'on-topic' } });
    expect(parseOptions(latestOptions, { count: 21 })).toEqual({ ok: false, message: 'Give count as a whole number from 1 to 20.' });
  });

  it('feeds add: http(s) only; a name is tidied', () => {
    expect(parseOptions(feedAddOptions, { url: ' https://a.example/rss ', name: ' Diario\n A ', language: 'es' })).toEqual({
      ok: true,
      value: { url: 'https://a.example/rss', name: 'Diario A', language: 'es' },
    });
    for (const url of ['javascript:alert(1)', 'gopher://a.example/', 'a.example/rss', `https://a.example/${'x'.repeat(2000)}`]) {
      expect(parseOptions(feedAddOptions, { url }).ok).toBe(false);
    }
    expect(parseOptions(feedAddOptions, { url: 'https://a.example', name: '   ' })).toEqual({ ok: false, message: 'The name must not be empty.' });
  });

  it('subscribe: a text or announcement channel, given as Discord resolves it', () => {
    expect(parseOptions(subscribeOptions, { theme: 'china-latam', channel: { id: '888888888888888881', type: 0 } })).toEqual({
      ok: true,
      value: { theme: 'china-latam', channel: '888888888888888881' },
    });
    expect(parseOptions(subscribeOptions, { theme: 'china-latam', channel: { id: '888888888888888881', type: 5 } }).ok).toBe(true);
    expect(parseOptions(subscribeOptions, { theme: 'china-latam', channel: { id: '888888888888888881', type: 2 } })).toEqual({
      ok: false,
      message: 'Pick a text or announcement channel: Sancocho posts digests there as messages.',
    });
    expect(parseOptions(subscribeOptions, { theme: 'china-latam', channel: { id: 'nope', type: 0 } }).ok).toBe(false);
    expect(parseOptions(unsubscribeOptions, { theme: 'china-latam' })).toEqual({ ok: true, value: { theme: 'china-latam' } });
  });

  it('reads the leaves of a subcommand and resolved channels', () => {
    expect(
      rawOptions([
        {
          name: 'search',
          type: 1,
          options: [
            { name: 'query', type: 3, value: 'celac' },
            { name: 'days', type: 4, value: 3 },
          ],
        },
      ]),
    ).toEqual({ query: 'celac', days: 3 });
    expect(rawOptions([{ name: 'channel', type: 7, value: '888888888888888881', channel: { id: '888888888888888881', type: 5 } as never }])).toEqual({
      channel: { id: '888888888888888881', type: 5 },
    });
  });

  describe('search page state in a button custom id', () => {
    const states: SearchPageState[] = [
      { query: 'mercosur', page: 1 },
      { query: 'a: b :: c', page: 49, theme: 'resources-autonomy', days: 365, language: 'pt' },
      { query: 'ñ'.repeat(80), page: 0, theme: 'regional-integration' },
      { query: '🇻🇪 caracas '.repeat(6).trim(), page: 3, days: 1 },
    ];

    it.each(states)('round-trips %j within 100 characters', (state) => {
      const id = encodeSearchPage(state);
      expect(id.length).toBeLessThanOrEqual(100);
      expect(decodeSearchPage(id)).toEqual({ ok: true, value: state });
    });

    it.each([
      'news:p:1',
      'news:x:1::::mercosur',
      'news:p:50::::mercosur', // beyond the last page offered
      'news:p:-1::::mercosur',
      'news:p:1:9:::mercosur', // no tenth theme
      'news:p:1::0::mercosur', // zero days
      'news:p:1:::fr:mercosur',
      'news:p:1::::x',
      `news:p:1::::${'a'.repeat(90)}`,
      'themes:p:1::::mercosur',
    ])('refuses the tampered id %s', (id) => {
      expect(decodeSearchPage(id)).toEqual({ ok: false, message: 'This button no longer works. Run /news search again.' });
    });
  });
});
