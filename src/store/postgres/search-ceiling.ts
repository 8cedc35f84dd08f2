const WEEK = 7 * 86_400_000;

/** Item ids are grouped in blocks of 2^BLOCK_BITS for item_search_blocks (PostgreSQL migration 9). */
export const BLOCK_BITS = 10;

/**
 * The prefix lengths item_search_blocks keeps a spread for; a prefix of k characters uses the longest
 * start ≤ k. Fixed by PostgreSQL migration 9, which made the columns.
 */
export const SPREAD_STARTS = [3, 4, 5, 6, 8] as const;

/**
 * Margin over the ceiling for float rounding: ts_rank sums in float4, the recency divides in numeric.
 *
 * The ceiling, from PostgreSQL 15's tsrank.c (weights at most 1, normalization 1):
 * - calc_rank_or adds, per document lexeme a query operand matches, w_jm + Σ_{j≠jm} w_j/(j+1)² over its
 *   positions j (jm: the first of its heaviest), over π²/6, then divides by the number of distinct
 *   operands. Our search column puts a title's positions (weight A, 1) before its summary's (D), so a
 *   lexeme's first position is its heaviest (jm = 0), and with p positions the sum is below
 *   Σ_{i≤p} 1/i² < π²/6 − 1/(p + 1): one lexeme adds less than 1 − 1/(π²/6 × (p + 1)). An operand
 *   matches one lexeme for a whole word, and for a prefix those starting with it, which share its first
 *   k characters: the migration keeps, per document, these times the most lexemes sharing a start.
 * - calc_rank_and (two distinct lexemes or more) combines pairwise weights in [0, 1] as 1 − Π(1 − w): at most 1.
 * - Normalization 1 divides by log2(positions + 1), and a document has at least as many positions as lexemes.
 */
const ROUNDING = 1.0001;

/** What item_search_blocks holds for a block (see the migration): bounds on every item stored in it. */
export interface SearchBlock {
  block: number;
  newestAt: number;
  fewestLexemes: number;
  wordSpread: number;
  /** spreads[i]: the spread for prefixes of SPREAD_STARTS[i] characters or more. */
  spreads: number[];
}

/**
 * The query as the ceiling needs it: how many distinct lexemes its words fold to, and the length in
 * characters of the shortest lexeme its last word, when a prefix, folds to (at least 3; null for none).
 */
export interface QueryShape {
  lexemes: number;
  prefix: number | null;
}

/**
 * The most `ts_rank(weights, search, query, 1) / (1 + max(0, now − published_at) / week)` can be for an
 * item of this block (see ROUNDING for why).
 */
export function blockCeiling(block: SearchBlock, shape: QueryShape, now: number): number {
  const start = shape.prefix === null ? -1 : SPREAD_STARTS.findLastIndex((length) => length <= (shape.prefix as number));
  const ranked = shape.prefix === null ? block.wordSpread : (block.spreads[start] ?? Infinity);
  const paired = shape.lexemes >= 2 ? 1 / Math.log2(block.fewestLexemes + 1) : 0;
  return (ROUNDING * Math.max(ranked, paired)) / (1 + Math.max(0, now - block.newestAt) / WEEK);
}

/** For blocks ordered newest first: at i, the highest ceiling of block i and every older one. */
export function olderCeilings(ceilings: readonly number[]): number[] {
  const result = new Array<number>(ceilings.length);
  let highest = 0;
  for (let index = ceilings.length - 1; index >= 0; index--) {
    highest = Math.max(highest, ceilings[index] as number);
    result[index] = highest;
  }
  return result;
}
