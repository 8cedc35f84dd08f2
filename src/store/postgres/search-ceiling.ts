const WEEK = 7 * 86_400_000;

/** Item ids are grouped in blocks of 2^BLOCK_BITS for item_search_blocks (PostgreSQL migration 9). */
export const BLOCK_BITS = 10;

/**
 * What ts_rank (PostgreSQL 15's tsrank.c, weights at most 1) can give one document before normalization.
 * calc_rank_or adds, per lexeme of the document a query operand matches, wjm + Σ_{j≠jm} w_j/(j+1)² over its
 * positions, divided by 1.64493406685; that is below (1 + π²/6) / 1.64493406685 = 1.60792…, then divides
 * by the number of distinct operands, so it stays below 1.60792… × the most lexemes one operand matches (one
 * for a whole word; for a prefix, the lexemes starting with it). calc_rank_and combines pairwise weights
 * in [0, 1] as 1 − Π(1 − w): at most 1. Rounded up, which also covers float rounding in both.
 */
export const RANK_PER_LEXEME = 1.61;

/** What item_search_blocks holds for a block (see the migration): bounds on every item stored in it. */
export interface SearchBlock {
  block: number;
  newestAt: number;
  fewestLexemes: number;
  /** spreads[k - 3]: the most lexemes sharing their first k characters in one document, over log2(its lexemes + 1), k = 3…6. */
  spreads: number[];
}

/**
 * The words of a query as the ceiling needs them: whole words only, or a prefix among them whose
 * folded tokens are at least `shortest` characters long (at least 3, so that its lexemes share their
 * first three characters at least).
 */
export type QueryShape = { kind: 'words' } | { kind: 'prefix'; shortest: number };

/**
 * The most `ts_rank(weights, search, query, 1) / (1 + max(0, now − published_at) / week)` can be for an
 * item of this block: normalization 1 divides by log2(positions + 1), and positions ≥ lexemes; a whole
 * word matches one lexeme, a prefix of k ≥ 3 characters at most as many as share their first min(k, 6)
 * characters. Zero when no item of the block can pass a date filter from `since`.
 */
export function blockCeiling(block: SearchBlock, shape: QueryShape, now: number, since: number | undefined): number {
  if (since !== undefined && block.newestAt < since) return 0;
  const perLength =
    shape.kind === 'words' ? 1 / Math.log2(block.fewestLexemes + 1) : (block.spreads[Math.min(shape.shortest, 6) - 3] ?? Infinity);
  return (RANK_PER_LEXEME * perLength) / (1 + Math.max(0, now - block.newestAt) / WEEK);
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
