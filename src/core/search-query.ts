/** A word of the query; the last one, once it is long enough, also matches as a prefix. */
export interface QueryWord {
  word: string;
  prefix: boolean;
}

/** Words beyond this many are ignored: a search is a few words, not a paragraph. */
const MAX_WORDS = 12;

/**
 * The words of what a person typed, every one of which must match; the last also matches as a
 * prefix while they are typing. Null when there is no letter or digit to search for. Accents are
 * kept: each engine folds the query as it folds its index.
 */
export function queryWords(query: string): QueryWord[] | null {
  // A combining accent belongs to its word ("i" + U+0301 in "política"); the tokenizer folds it away.
  const words = query.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu);
  if (!words) return null;
  return words.slice(0, MAX_WORDS).map((word, index, all) => ({ word, prefix: index === all.length - 1 && word.length >= 3 }));
}
