import type { Language } from '../core/types.js';

/**
 * Spanish, Portuguese or English from a headline and summary, for feeds whose language is not
 * configured. Scores function words that only one of the three languages uses, plus letters
 * and endings that give Portuguese (ã, õ, ç, -ção, nh, lh) and Spanish (ñ, ¿, ¡, -ción) away, and,
 * more weakly, spellings native to one language (English th, -ing, w; Spanish ue, ie). Words the
 * languages share (de, que, por, para, se, a, no, como, sobre) carry no weight; each listed word
 * belongs to one language.
 * Returns null when there is no evidence or a tie.
 */

const WORD_WEIGHTS: Record<Language, Readonly<Record<string, number>>> = {
  es: {
    el: 2, la: 2, los: 2, las: 1.5, del: 2, y: 2, en: 1.5, con: 2, un: 1.5, una: 2, es: 1, al: 1.5,
    lo: 1, su: 1.5, sus: 2, más: 2, pero: 2, fue: 1, ha: 1, han: 2, muy: 2, tras: 2, ya: 1, le: 1,
    les: 1, hay: 2, según: 2, años: 2, gobierno: 2, también: 2, elecciones: 2, nuevo: 1,
  },
  pt: {
    o: 1.5, os: 2, do: 2, da: 2, dos: 1, das: 2, na: 2, nos: 1, nas: 2, em: 2, um: 2, uma: 2,
    com: 2, não: 3, ao: 2, aos: 2, à: 2, às: 2, é: 2, e: 1.5, pelo: 2, pela: 2, mais: 2, seu: 1.5,
    sua: 1.5, foi: 2, são: 2, também: 2, isso: 2, ele: 1, ela: 1, governo: 2, já: 1, ainda: 2,
    anos: 2, eleições: 2, novo: 1,
  },
  en: {
    the: 2, and: 2, of: 2, to: 1.5, in: 1, is: 1.5, for: 1.5, on: 1.5, with: 2, by: 1.5, at: 1.5,
    from: 2, that: 2, this: 2, has: 2, have: 2, will: 2, are: 2, was: 2, were: 2, be: 1.5, its: 2,
    it: 1.5, an: 1, after: 2, over: 1.5, says: 2, said: 2, new: 1, not: 1.5, his: 1.5, their: 2,
    who: 1.5, which: 2, government: 2, years: 2, elections: 2,
  },
};

/**
 * Letters and spellings, each counted like the global regex beside it (non-overlapping, leftmost
 * first), in one pass over the lower-cased text: ten regex scans per item were most of the cost of
 * normalizing an entry.
 *
 * | pattern | language | weight |
 * | --- | --- | --- |
 * | `[ãõ]` | pt | 2 |
 * | `ç` | pt | 1.5 |
 * | `[êôâ]` | pt | 1 |
 * | `ñ` | es | 2 |
 * | `[¿¡]` | es | 2 |
 * | `ci[óo]n(?:es)?\b` | es | 1.5 |
 * | `nh\|lh` (weaker hints from here on: spellings native to one language) | pt | 1 |
 * | `(?<!q)ue\|ie` | es | 0.5 |
 * | `th\|ing\b\|\w['’]s\b` | en | 1 |
 * | `w\|sh\|ck` | en | 0.5 |
 */
function addLetterHints(lower: string, scores: Record<Language, number>): void {
  // `th|ing\b|\w['’]s\b` is the one pattern whose matches could overlap each other's starts: it is scanned as the regex would.
  let englishFrom = 0;
  const length = lower.length;
  for (let index = 0; index < length; index++) {
    const code = lower.charCodeAt(index);
    const next = index + 1 < length ? lower.charCodeAt(index + 1) : -1;
    switch (code) {
      case 0xe3: // ã
      case 0xf5: // õ
        scores.pt += 2;
        break;
      case 0xe7: // ç
        scores.pt += 1.5;
        break;
      case 0xea: // ê
      case 0xf4: // ô
      case 0xe2: // â
        scores.pt += 1;
        break;
      case 0xf1: // ñ
      case 0xbf: // ¿
      case 0xa1: // ¡
        scores.es += 2;
        break;
      case C:
        if (next === I && isCionAt(lower, index)) scores.es += 1.5;
        if (next === K) scores.en += 0.5;
        break;
      case N:
      case L:
        if (next === H) scores.pt += 1;
        break;
      case U:
        if (next === E && (index === 0 || lower.charCodeAt(index - 1) !== Q)) scores.es += 0.5;
        break;
      case I:
        if (next === E) scores.es += 0.5;
        break;
      case W:
        scores.en += 0.5;
        break;
      case S:
        if (next === H) scores.en += 0.5;
        break;
    }
    if (index >= englishFrom && (code === T || code === I || next === APOSTROPHE || next === RIGHT_QUOTE)) {
      const matched = englishHintAt(lower, index, code, next);
      if (matched > 0) {
        scores.en += 1;
        englishFrom = index + matched;
      }
    }
  }
}

const [C, E, G, H, I, K, L, N, Q, S, T, U, W] = [...'ceghiklnqstuw'].map((char) => char.charCodeAt(0));
const APOSTROPHE = 0x27;
const RIGHT_QUOTE = 0x2019;

/** `\w` as a regex without the `u` flag reads it (and `\b` next to it): ASCII letters, digits and `_`; false past the end. */
function isWordCodeAt(text: string, index: number): boolean {
  if (index >= text.length) return false;
  const code = text.charCodeAt(index);
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

/** `ci[óo]n(?:es)?\b` at `index`, where `ci` already stands. */
function isCionAt(lower: string, index: number): boolean {
  const vowel = lower.charCodeAt(index + 2);
  if ((vowel !== 0xf3 && vowel !== 0x6f) || lower.charCodeAt(index + 3) !== N) return false;
  if (lower.charCodeAt(index + 4) === E && lower.charCodeAt(index + 5) === S && !isWordCodeAt(lower, index + 6)) return true;
  return !isWordCodeAt(lower, index + 4);
}

/** The length of a `th|ing\b|\w['’]s\b` match at `index`, 0 when none starts there. */
function englishHintAt(lower: string, index: number, code: number, next: number): number {
  if (code === T && next === H) return 2;
  if (code === I && next === N && lower.charCodeAt(index + 2) === G && !isWordCodeAt(lower, index + 3)) return 3;
  if ((next === APOSTROPHE || next === RIGHT_QUOTE) && isWordCodeAt(lower, index) && lower.charCodeAt(index + 2) === S && !isWordCodeAt(lower, index + 3)) return 3;
  return 0;
}

const WORDS = new Map<string, { language: Language; weight: number }>(
  (Object.entries(WORD_WEIGHTS) as Array<[Language, Record<string, number>]>).flatMap(([language, words]) =>
    Object.entries(words).map(([word, weight]) => [word, { language, weight }] as const),
  ),
);

export function detectLanguage(text: string): Language | null {
  const lower = text.toLowerCase();
  const scores: Record<Language, number> = { es: 0, pt: 0, en: 0 };
  addWordWeights(lower, scores);
  addLetterHints(lower, scores);
  const [best, second] = (Object.entries(scores) as Array<[Language, number]>).sort((a, b) => b[1] - a[1]);
  return best![1] > 0 && best![1] > second![1] ? best![0] : null;
}

/** The longest listed word: longer runs of letters are not looked up. */
const LONGEST_WORD = Math.max(...[...WORDS.keys()].map((word) => word.length));
const LETTER = /^\p{L}$/u;
/** Per UTF-16 code unit of the BMP: 0 not known yet, 1 a letter, 2 not one; filled as characters are met. */
const BMP_LETTERS = new Uint8Array(0x10000);

function isLetter(codePoint: number): boolean {
  if (codePoint < 0x80) return (codePoint >= 0x61 && codePoint <= 0x7a) || (codePoint >= 0x41 && codePoint <= 0x5a);
  if (codePoint > 0xffff) return LETTER.test(String.fromCodePoint(codePoint));
  if (BMP_LETTERS[codePoint] === 0) BMP_LETTERS[codePoint] = LETTER.test(String.fromCharCode(codePoint)) ? 1 : 2;
  return BMP_LETTERS[codePoint] === 1;
}

/**
 * Adds the weight of every listed word that stands as a whole run of letters (what `/\p{L}+/gu`
 * would match), found by a loop over the code points: the Unicode regex cost more than the rest.
 */
function addWordWeights(lower: string, scores: Record<Language, number>): void {
  let start = -1;
  const score = (end: number) => {
    if (end - start > LONGEST_WORD) return;
    const hit = WORDS.get(lower.slice(start, end));
    if (hit) scores[hit.language] += hit.weight;
  };
  for (let index = 0; index < lower.length; ) {
    const codePoint = lower.codePointAt(index)!;
    if (isLetter(codePoint)) {
      if (start === -1) start = index;
    } else if (start !== -1) {
      score(index);
      start = -1;
    }
    index += codePoint > 0xffff ? 2 : 1;
  }
  if (start !== -1) score(lower.length);
}
