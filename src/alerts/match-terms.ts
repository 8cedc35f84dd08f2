import { stem, tokenize } from '../classify/fold-text.js';
import { titleFeatures } from '../digest/title-features.js';

/**
 * Finds an alert rule's words and phrases in a story's text the way the offline classifier does:
 * accent- and case-insensitive (`suspension` finds "suspensión"), whole words only (`paro` never
 * fires inside "comparo"), plurals and genders meeting (`ataque` finds "ataques"), in Spanish,
 * Portuguese and English alike. A phrase matches its words in a row.
 */
export interface TermMatcher {
  /** The first of the terms, as written in the config, that the text contains; null when none. */
  find(text: string): string | null;
}

interface CompiledTerm {
  written: string;
  stems: string[];
}

export function compileTerms(terms: readonly string[]): TermMatcher {
  const compiled: CompiledTerm[] = terms
    .map((written) => ({ written, stems: tokenize(written.normalize('NFC')).words.map(stem) }))
    .filter((term) => term.stems.length > 0);
  return {
    find(text) {
      const stems = tokenize(text.normalize('NFC')).words.map(stem);
      for (const term of compiled) if (containsRun(stems, term.stems)) return term.written;
      return null;
    },
  };
}

/**
 * Entities match as terms do, and also by the name clustering folds them to, so `EE. UU.` finds
 * "Estados Unidos", "EUA" and "U.S." and `Xi Jinping` finds "China".
 */
export function compileEntities(entities: readonly string[]): TermMatcher {
  const asTerms = compileTerms(entities);
  const ids = entities.map((written) => ({ written, ids: [...titleFeatures(written).entities] })).filter((entity) => entity.ids.length > 0);
  return {
    find(text) {
      const term = asTerms.find(text);
      if (term !== null || ids.length === 0) return term;
      const found = titleFeatures(text).entities;
      return ids.find((entity) => entity.ids.every((id) => found.has(id)))?.written ?? null;
    },
  };
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  outer: for (let start = 0; start + run.length <= words.length; start++) {
    for (let offset = 0; offset < run.length; offset++) if (words[start + offset] !== run[offset]) continue outer;
    return true;
  }
  return false;
}
