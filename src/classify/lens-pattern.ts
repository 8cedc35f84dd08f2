import { hasCapitalWord, stem, tokenize } from './fold-text.js';

/** Words a ` .. ` gap may skip: enough for "firman en Asunción el acuerdo", not for a clause away. */
const MAX_GAP = 4;

/** One word of a pattern: a stem to meet, or a prefix (written `firm*`); `capitals` when written in capitals ("US"). */
interface PatternWord {
  stem: string;
  prefix: boolean;
  capitals: boolean;
  /** How MatchText.present holds it: the stem, or the prefix followed by `*`. */
  key: string;
}

/** Parts in order, each of one or more consecutive words; a gap of up to MAX_GAP words may separate parts. */
export type Pattern = PatternWord[][];

export type ParsedPattern = { kind: 'pattern'; parts: Pattern } | { kind: 'invalid' };

/**
 * Parses a lens pattern: words in order, each stemmed like the theme vocabulary, `word*` for any word
 * beginning so, ` .. ` for a gap of up to MAX_GAP words.
 */
export function parsePattern(text: string): ParsedPattern {
  const parts: PatternWord[][] = [];
  for (const part of text.split(' .. ')) {
    const words: PatternWord[] = [];
    for (const raw of part.trim().split(/\s+/)) {
      const prefix = raw.endsWith('*');
      const tokens = tokenize(prefix ? raw.slice(0, -1) : raw);
      tokens.words.forEach((word, at) => {
        const last = at === tokens.words.length - 1;
        const isPrefix = prefix && last;
        const stemmed = isPrefix ? word : stem(word);
        const capitals = tokens.allCaps[at]! && word.length <= 5 && !/^\d+$/.test(word);
        words.push({ stem: stemmed, prefix: isPrefix, capitals, key: isPrefix ? `${stemmed}*` : stemmed });
      });
    }
    if (words.length === 0) return { kind: 'invalid' };
    parts.push(words);
  }
  return { kind: 'pattern', parts };
}

/**
 * A text split once for matching: folded words, their stems, the text itself for capitals, and every
 * stem and word beginning it holds, so a pattern with a word the text lacks is passed over at once
 * (most of the lens's few hundred patterns, for a headline).
 */
export interface MatchText {
  text: string;
  words: string[];
  stems: string[];
  present: Set<string>;
}

export function matchText(text: string): MatchText {
  const { words } = tokenize(text);
  const stems = words.map(stem);
  const present = new Set<string>();
  for (const word of words) for (let length = 1; length <= word.length; length++) present.add(`${word.slice(0, length)}*`);
  for (const stemmed of stems) present.add(stemmed);
  return { text, words, stems, present };
}

function wordMatches(target: MatchText, at: number, word: PatternWord): boolean {
  const found = word.prefix ? target.words[at]!.startsWith(word.stem) : target.stems[at] === word.stem;
  return found && (!word.capitals || hasCapitalWord(target.text, target.words[at]!));
}

function partAt(target: MatchText, at: number, part: PatternWord[]): boolean {
  if (at + part.length > target.words.length) return false;
  return part.every((word, k) => wordMatches(target, at + k, word));
}

/** The first place the pattern occurs, as the folded words it spans ("firman en asuncion el acuerdo"), or null. */
export function findPattern(target: MatchText, pattern: Pattern): string | null {
  if (!pattern.every((part) => part.every((word) => target.present.has(word.key)))) return null;
  const from = (part: number, start: number, latest: number): number => {
    for (let at = start; at <= latest && at < target.words.length; at++) {
      if (!partAt(target, at, pattern[part]!)) continue;
      const end = at + pattern[part]!.length;
      if (part === pattern.length - 1) return end;
      const last = from(part + 1, end, end + MAX_GAP);
      if (last >= 0) return last;
    }
    return -1;
  };
  for (let start = 0; start < target.words.length; start++) {
    if (!partAt(target, start, pattern[0]!)) continue;
    const end = pattern.length === 1 ? start + pattern[0]!.length : from(1, start + pattern[0]!.length, start + pattern[0]!.length + MAX_GAP);
    if (end >= 0) return target.words.slice(start, end).join(' ');
  }
  return null;
}
