import { describe, expect, it } from 'vitest';
import { toMatchExpression } from '../../src/store/sqlite/search-store.js';

/** What the SQLite engine adds to the search contract (test/store/contract/search.test.ts): the FTS5 query it builds. */
describe('the FTS5 match expression (sqlite)', () => {
  it('turns free text into quoted terms, the last one a prefix', () => {
    expect(toMatchExpression('Lula "y" Milei')).toBe('"Lula" "y" "Milei"*');
    expect(toMatchExpression('  ¿?  ')).toBeNull();
    // Combining accents stay in their word, composed where a composed letter exists.
    expect(toMatchExpression('poli\u0301tica pai\u0301s')).toBe('"política" "país"*');
    expect(toMatchExpression('x\u0301yz')).toBe('"x\u0301yz"*');
  });
});
