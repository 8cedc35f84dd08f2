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
 * first), in the same pass over the lower-cased text as the words: ten regex scans per item were
 * most of the cost of normalizing an entry.
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
export function detectLanguage(text: string): Language | null {
  const lower = text.toLowerCase();
  // Scores as locals, not fields of a record: a fractional weight added to a field allocates a number.
  let es = 0;
  let pt = 0;
  let en = 0;
  // `th|ing\b|\w['’]s\b` is the one pattern whose matches could overlap each other's starts: it is scanned as the regex would.
  let englishFrom = 0;
  // The listed word the current run of letters still spells (DEAD when none), one transition per code unit: no slice, no lookup per word.
  let word = DEAD;
  let inWord = false;
  const length = lower.length;
  let next = length > 0 ? lower.charCodeAt(0) : -1;
  // One step past the end (code -1, not a letter) closes the last word.
  for (let index = 0; index <= length; index++) {
    const code = next;
    next = index + 1 < length ? lower.charCodeAt(index + 1) : -1;

    // Words: runs of letters (what `/\p{L}+/gu` would match).
    const astral = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    if (astral ? isAstralLetter(code, next) : isLetter(code)) {
      if (astral) word = DEAD;
      else if (!inWord) word = nextState(ROOT, code);
      else if (word !== DEAD) word = nextState(word, code);
      inWord = true;
    } else if (inWord) {
      const hit = HITS[word];
      if (hit?.language === 'es') es += hit.weight;
      else if (hit?.language === 'pt') pt += hit.weight;
      else if (hit?.language === 'en') en += hit.weight;
      inWord = false;
    }

    // Letters and spellings. A low surrogate (skipped below) matches none of them.
    if (code >= 0 && code <= 0xff && HINTED[code] === 1) switch (code) {
      case 0xe3: // ã
      case 0xf5: // õ
        pt += 2;
        break;
      case 0xe7: // ç
        pt += 1.5;
        break;
      case 0xea: // ê
      case 0xf4: // ô
      case 0xe2: // â
        pt += 1;
        break;
      case 0xf1: // ñ
      case 0xbf: // ¿
      case 0xa1: // ¡
        es += 2;
        break;
      case 0x63: // c
        if (next === 0x69 /* i */ && isCionAt(lower, index)) es += 1.5;
        if (next === 0x6b /* k */) en += 0.5;
        break;
      case 0x6e: // n
      case 0x6c: // l
        if (next === 0x68 /* h */) pt += 1;
        break;
      case 0x75: // u
        if (next === 0x65 /* e */ && (index === 0 || lower.charCodeAt(index - 1) !== 0x71 /* q */)) es += 0.5;
        break;
      case 0x69: // i
        if (next === 0x65 /* e */) es += 0.5;
        break;
      case 0x77: // w
        en += 0.5;
        break;
      case 0x73: // s
        if (next === 0x68 /* h */) en += 0.5;
        break;
    }
    if (index >= englishFrom && (code === 0x74 /* t */ || code === 0x69 /* i */ || next === 0x27 /* ' */ || next === 0x2019 /* ’ */)) {
      const matched = englishHintAt(lower, index, code, next);
      if (matched > 0) {
        en += 1;
        englishFrom = index + matched;
      }
    }
    if (astral) {
      index++;
      next = index + 1 < length ? lower.charCodeAt(index + 1) : -1;
    }
  }

  // The one highest score above zero; a tie is no answer.
  const best = Math.max(es, pt, en);
  if (best <= 0 || [es, pt, en].filter((score) => score === best).length > 1) return null;
  return es === best ? 'es' : pt === best ? 'pt' : 'en';
}


/** `\w` as a regex without the `u` flag reads it (and `\b` next to it): ASCII letters, digits and `_`; false past the end. */
function isWordCodeAt(text: string, index: number): boolean {
  if (index >= text.length) return false;
  const code = text.charCodeAt(index);
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

/** `ci[óo]n(?:es)?\b` at `index`, where `ci` already stands. */
function isCionAt(lower: string, index: number): boolean {
  const vowel = lower.charCodeAt(index + 2);
  if ((vowel !== 0xf3 && vowel !== 0x6f) || lower.charCodeAt(index + 3) !== 0x6e /* n */) return false;
  if (lower.charCodeAt(index + 4) === 0x65 /* e */ && lower.charCodeAt(index + 5) === 0x73 /* s */ && !isWordCodeAt(lower, index + 6)) return true;
  return !isWordCodeAt(lower, index + 4);
}

/** The length of a `th|ing\b|\w['’]s\b` match at `index`, 0 when none starts there. */
function englishHintAt(lower: string, index: number, code: number, next: number): number {
  if (code === 0x74 /* t */ && next === 0x68 /* h */) return 2;
  if (code === 0x69 /* i */ && next === 0x6e /* n */ && lower.charCodeAt(index + 2) === 0x67 /* g */ && !isWordCodeAt(lower, index + 3)) return 3;
  if ((next === 0x27 /* ' */ || next === 0x2019 /* ’ */) && isWordCodeAt(lower, index) && lower.charCodeAt(index + 2) === 0x73 /* s */ && !isWordCodeAt(lower, index + 3)) return 3;
  return 0;
}

/**
 * The listed words as a table of transitions, built once per process: state × letter → state. State
 * DEAD means no listed word starts with the letters read; ROOT is the start of a word. Every listed
 * word is written in Latin-1, so other code units lead to DEAD.
 */
const DEAD = 0;
const ROOT = 1;
/** Code unit → its column in the table (0: a letter no listed word has). */
const COLUMNS = new Uint8Array(0x100);
const { transitions: TRANSITIONS, hits: HITS, width: WIDTH } = buildWordTable();

function buildWordTable(): { transitions: Int32Array; hits: Array<{ language: Language; weight: number } | undefined>; width: number } {
  const entries = (Object.entries(WORD_WEIGHTS) as Array<[Language, Record<string, number>]>).flatMap(([language, words]) =>
    Object.entries(words).map(([listed, weight]) => ({ listed, language, weight })),
  );
  for (const { listed } of entries) {
    for (const char of listed) {
      const code = char.charCodeAt(0);
      if (code > 0xff) throw new Error(`detect-language: "${listed}" is not Latin-1`);
      if (COLUMNS[code] === 0) COLUMNS[code] = Math.max(...COLUMNS) + 1;
    }
  }
  const width = Math.max(...COLUMNS) + 1;
  const rows: number[][] = [new Array<number>(width).fill(DEAD), new Array<number>(width).fill(DEAD)];
  const hits: Array<{ language: Language; weight: number } | undefined> = [undefined, undefined];
  for (const { listed, language, weight } of entries) {
    let state = ROOT;
    for (const char of listed) {
      const column = COLUMNS[char.charCodeAt(0)]!;
      if (rows[state]![column] === DEAD) {
        rows[state]![column] = rows.length;
        rows.push(new Array<number>(width).fill(DEAD));
        hits.push(undefined);
      }
      state = rows[state]![column]!;
    }
    hits[state] = { language, weight };
  }
  return { transitions: Int32Array.from(rows.flat()), hits, width };
}

function nextState(state: number, code: number): number {
  return code > 0xff ? DEAD : TRANSITIONS[state * WIDTH + COLUMNS[code]!]!;
}

/** The code units the switch over letters and spellings has a case for. */
const HINTED = new Uint8Array(0x100);
for (const char of 'ãõçêôâñ¿¡cnluiws') HINTED[char.charCodeAt(0)] = 1;

const LETTER = /^\p{L}$/u;
/** Per UTF-16 code unit of the BMP: 0 not known yet, 1 a letter, 2 not one; filled as characters are met. */
const BMP_LETTERS = new Uint8Array(0x10000);

/** `\p{L}` for a code unit read on its own (a lone surrogate is not a letter). */
function isLetter(code: number): boolean {
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  if (BMP_LETTERS[code] === 0) BMP_LETTERS[code] = LETTER.test(String.fromCharCode(code)) ? 1 : 2;
  return BMP_LETTERS[code] === 1;
}

function isAstralLetter(high: number, low: number): boolean {
  return LETTER.test(String.fromCharCode(high, low));
}
