/**
 * Accent folding, tokenization and light stemming, shared by the offline classifier's vocabulary and
 * its input so both sides are folded the same way. Built for the hot path: a character table made
 * once at import (no `normalize()` per call), and `spanWords`, which leaves lowercasing to the engine
 * and makes strings only of the words a matcher asks for.
 */

import { foldAccents } from '../core/fold-accents.js';

const SPACE = 0x20;
/** Latin-1 Supplement and Latin Extended-A/B: every accented letter of Spanish and Portuguese. */
const TABLE_SIZE = 0x250;
const UPPERCASE = 1;
const LOWERCASE = 2;

/** For each unit below TABLE_SIZE: its folded form (a–z, 0–9) or SPACE for anything that separates words. */
const FOLD = new Uint16Array(TABLE_SIZE).fill(SPACE);
/** For each unit below TABLE_SIZE: UPPERCASE, LOWERCASE or 0 (digits, separators). */
const LETTER_CASE = new Uint8Array(TABLE_SIZE);

for (let code = 0; code < TABLE_SIZE; code++) {
  const char = String.fromCharCode(code);
  // The table is the project's one accent folding, applied once per character at import.
  const base = foldAccents(char);
  if (/^[a-z0-9]$/.test(base)) {
    FOLD[code] = base.charCodeAt(0);
    if (char !== char.toLowerCase()) LETTER_CASE[code] = UPPERCASE;
    else if (char !== char.toUpperCase() || char !== base) LETTER_CASE[code] = LOWERCASE;
  }
}

export interface Tokens {
  /** Folded words: lowercase a–z and 0–9 only, in text order. */
  readonly words: string[];
  /** Per word: written in capitals ("US", "EE.UU." → "ee", "uu"), so acronyms can be told from words ("us"). */
  readonly allCaps: boolean[];
}

/** Digits and letters as 1–36, so four of them pack into 24 bits. */
const PREFIX_DIGIT = new Uint8Array(128);
for (let code = 0x30; code <= 0x39; code++) PREFIX_DIGIT[code] = code - 0x30 + 1;
for (let code = 0x61; code <= 0x7a; code++) PREFIX_DIGIT[code] = code - 0x61 + 11;

/** `stem` never changes a word's first STEM_KEEPS characters. */
const STEM_KEEPS = 4;
const PREFIX_KEY_BITS = 20;
/** Prefix keys are below this. */
export const PREFIX_KEY_SPACE = 1 << PREFIX_KEY_BITS;

/**
 * A number for a folded word's first four characters (or the whole word if shorter), hashed into
 * PREFIX_KEY_SPACE. A word and its stem have the same key, so a matcher can mark the keys of its
 * vocabulary and look up only the words whose key is marked (different prefixes may share a key:
 * that only costs a lookup).
 */
export function prefixKey(folded: string): number {
  let key = 0;
  for (let i = 0; i < STEM_KEEPS && i < folded.length; i++) key = (key << 6) | PREFIX_DIGIT[folded.charCodeAt(i)]!;
  return hashPrefix(key);
}

function hashPrefix(packed: number): number {
  return Math.imul(packed, 0x9e3779b1) >>> (32 - PREFIX_KEY_BITS);
}

/**
 * Splits text into folded words: lowercase, accents removed (á → a, ç → c, ñ → n), every run of other
 * characters (spaces, punctuation, hyphens, apostrophes, symbols, non-Latin scripts) is a word break.
 */
export function tokenize(text: string): Tokens {
  const words: string[] = [];
  const allCaps: boolean[] = [];
  let word = '';
  let caseSeen = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : SPACE;
    const folded = code < TABLE_SIZE ? FOLD[code]! : SPACE;
    if (folded !== SPACE) {
      word += String.fromCharCode(folded);
      caseSeen |= LETTER_CASE[code]!;
    } else if (word !== '') {
      words.push(word);
      allCaps.push(caseSeen === UPPERCASE);
      word = '';
      caseSeen = 0;
    }
  }
  return { words, allCaps };
}

/** The folded form of every unit from U+0080 below TABLE_SIZE, as a one-character string. */
const FOLD_STRING: Record<string, string> = {};
for (let code = 0x80; code < TABLE_SIZE; code++) FOLD_STRING[String.fromCharCode(code)] = String.fromCharCode(FOLD[code]!);
const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /[^\x00-\x7f]/g;
const foldChar = (char: string): string => FOLD_STRING[char] ?? ' ';

/**
 * The words of a text for the hot path, where most words are never needed as strings: the folded
 * text (lowercase a–z, 0–9; anything else separates words) and, per word, where it starts and ends
 * and its prefixKey. `word(i)` makes the string when asked.
 */
export interface WordSpans {
  readonly folded: string;
  readonly count: number;
  readonly starts: number[];
  readonly ends: number[];
  readonly prefixKeys: number[];
  /** Per word: a 32-bit FNV-1a hash of it, so a matcher can find a word in its own table without making the string. */
  readonly hashes: number[];
  word(index: number): string;
}

/** FNV-1a, 32 bits. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Same words as tokenize, faster: the engine lowercases and only non-ASCII characters use the table. */
export function spanWords(text: string): WordSpans {
  let folded = text.toLowerCase();
  // Lowercasing changed the length (e.g. "İ"): fold with the table instead.
  if (folded.length !== text.length) folded = tokenize(text).words.join(' ');
  else if (NON_ASCII.test(folded)) folded = folded.replace(NON_ASCII_ALL, foldChar);
  const starts: number[] = [];
  const ends: number[] = [];
  const prefixKeys: number[] = [];
  const hashes: number[] = [];
  const length = folded.length;
  let start = -1;
  let packed = 0;
  let hash = 0;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? folded.charCodeAt(i) : SPACE;
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) {
      if (start < 0) {
        start = i;
        packed = 0;
        hash = FNV_OFFSET;
      }
      if (i - start < STEM_KEEPS) packed = (packed << 6) | PREFIX_DIGIT[code]!;
      hash = Math.imul(hash ^ code, FNV_PRIME);
    } else if (start >= 0) {
      starts.push(start);
      ends.push(i);
      prefixKeys.push(hashPrefix(packed));
      hashes.push(hash);
      start = -1;
    }
  }
  return { folded, count: starts.length, starts, ends, prefixKeys, hashes, word: (index) => folded.slice(starts[index], ends[index]) };
}

/**
 * Whether the text contains `word` (folded, ASCII: an acronym such as "us" or "can") written in
 * capitals as a word of its own: "US", "EE.UU." for "uu", but not "us", "Us" or "USA".
 */
export function hasCapitalWord(text: string, word: string): boolean {
  const capitals = word.toUpperCase();
  for (let at = text.indexOf(capitals); at >= 0; at = text.indexOf(capitals, at + 1)) {
    const end = at + capitals.length;
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(end))) return true;
  }
  return false;
}

/** NaN (outside the text) is not a word character. */
function isWordChar(code: number): boolean {
  return code < TABLE_SIZE && FOLD[code] !== SPACE;
}

/** The folded text as one string: words separated by single spaces ("¡Sanción a PDVSA!" → "sancion a pdvsa"). */
export function foldText(text: string): string {
  return tokenize(text).words.join(' ');
}

/**
 * foldText for what people type: a keyboard or phone may send an accent as its own combining character
 * ("i" + U+0301), which the table would read as a word break, so the text is composed (NFC) first.
 */
export function foldTyped(text: string): string {
  return foldText(text.normalize('NFC'));
}

/** Consonants after which Spanish adds "-es" for the plural: aranceles, sanciones, países, ciudades. */
const ES_PLURAL_AFTER = new Set(['l', 'n', 'r', 'd', 'z', 's', 'j', 'y', 'x']);

/**
 * Words whose ending carries the meaning, so gender must not be folded away: derecha (the political
 * right) is not derecho (law, a right), direita is not direito, izquierda has no such twin. Plurals
 * still meet their singular.
 */
const MEANINGFUL_ENDINGS = new Map<string, string>(
  ['derecha', 'derecho', 'direita', 'direito', 'partida', 'partido'].flatMap((word) => [
    [word, word],
    [`${word}s`, word],
  ]),
);

/**
 * A light stemmer for folded Spanish, Portuguese and English words: it removes plural and gender
 * endings only, so inflections of one word meet (arancel/aranceles, tarifa/tarifas → "tarif",
 * eleição/eleições → "eleica", preso/presos/presas → "pres", sanción/sanciones/sancionado → "sancion")
 * while different words stay apart. Vocabulary and text go through the same function, so a stem only
 * has to be consistent, not a real word. Words of four letters or fewer are left alone, and every rule
 * keeps a word's first four letters (see prefixKey), so short plurals (leyes, gases) are not reduced.
 */
export function stem(word: string): string {
  const n = word.length;
  if (n <= STEM_KEEPS) return word;
  const kept = MEANINGFUL_ENDINGS.get(word);
  if (kept !== undefined) return kept;
  // Participles of -ión verbs carry the noun's meaning: sancionado, presionada, sanctioned.
  if (n > 6 && (word.endsWith('ionado') || word.endsWith('ionada'))) return word.slice(0, -3);
  if (n > 7 && (word.endsWith('ionados') || word.endsWith('ionadas'))) return word.slice(0, -4);
  if (n > 6 && word.endsWith('ioned')) return word.slice(0, -2);

  let w = word;
  if (n > 6 && (w.endsWith('oes') || w.endsWith('aes'))) w = `${w.slice(0, -3)}ao`; // eleições, alemães
  else if (w.endsWith('aos')) w = w.slice(0, -1); // cidadãos
  else if (n > 5 && w.endsWith('ais')) w = `${w.slice(0, -2)}l`; // comerciais → comercial
  else if (n > 5 && w.endsWith('eis')) w = `${w.slice(0, -2)}l`; // papéis → papel
  else if (n > 6 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`; // policies → policy
  else if (n > 5 && w.endsWith('es') && ES_PLURAL_AFTER.has(w.charAt(n - 3))) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);

  // Gender and final vowel: presa/preso, presidenta/presidente/president.
  const last = w.charAt(w.length - 1);
  if (w.length > STEM_KEEPS && (last === 'a' || last === 'o' || last === 'e')) w = w.slice(0, -1);
  return w;
}
