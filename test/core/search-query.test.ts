import { describe, expect, it } from 'vitest';
import { queryWords } from '../../src/core/search-query.js';

describe('the words of a search', () => {
  it.each([
    ['Lula y Milei', [['Lula', false], ['y', false], ['Milei', true]]],
    ['mercos', [['mercos', true]]],
    // Too short to be a useful prefix.
    ['la ue', [['la', false], ['ue', false]]],
    ['"NEAR(" title:x OR', [['NEAR', false], ['title', false], ['x', false], ['OR', false]]],
    ['poli\u0301tica', [['política', true]]],
  ])('%s', (typed, words) => {
    expect(queryWords(typed)?.map(({ word, prefix }) => [word, prefix])).toEqual(words);
  });

  it('has nothing to search for without a letter or digit', () => {
    expect(queryWords('  ¿? -- * ')).toBeNull();
  });

  it('keeps the first twelve words', () => {
    expect(queryWords(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(12);
  });
});
