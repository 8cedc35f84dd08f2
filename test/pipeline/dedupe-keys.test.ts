import { describe, expect, it } from 'vitest';
import { entryKeys, sourceKey, withDedupeKeys } from '../../src/pipeline/dedupe-keys.js';
import { normalizedItem as item } from '../support/normalized-item.js';

describe('the keys an item is recognised by', () => {
  it('keys entries by guid, by guid and URL when a feed repeats its guids, then by URL, then by title', () => {
    const keys = entryKeys([
      item({ guid: 'same', title: 'x', canonicalUrl: 'https://a.example/1' }),
      item({ guid: 'same', title: 'y', canonicalUrl: 'https://a.example/2' }),
      item({ guid: 'unique', title: 'z' }),
      item({ title: 'no guid', canonicalUrl: 'https://a.example/3' }),
      item({ title: 'bare headline' }),
    ]);
    expect(keys).toEqual([
      'guid:same|https://a.example/1',
      'guid:same|https://a.example/2',
      'guid:unique',
      'url:https://a.example/3',
      'title:bare headline',
    ]);
  });

  it('compares headlines within the outlet an aggregator names, else within the feed', () => {
    expect(sourceKey(7, { source: '  Clarín ' })).toBe('outlet:clarín');
    expect(sourceKey(7, { source: null })).toBe('feed:7');
  });

  it('hands each entry to the store with both keys, in input order', () => {
    const keyed = withDedupeKeys(3, [item({ guid: 'g1', title: 'Uno' }), item({ title: 'Dos', source: 'EFE' })]);
    expect(keyed.map(({ entryKey, sourceKey: source }) => [entryKey, source])).toEqual([
      ['guid:g1', 'feed:3'],
      ['title:dos', 'outlet:efe'],
    ]);
  });
});
