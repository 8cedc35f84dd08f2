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

const LETTER_WEIGHTS: ReadonlyArray<{ pattern: RegExp; language: Language; weight: number }> = [
  { pattern: /[ãõ]/g, language: 'pt', weight: 2 },
  { pattern: /ç/g, language: 'pt', weight: 1.5 },
  { pattern: /[êôâ]/g, language: 'pt', weight: 1 },
  { pattern: /ñ/g, language: 'es', weight: 2 },
  { pattern: /[¿¡]/g, language: 'es', weight: 2 },
  { pattern: /ci[óo]n(?:es)?\b/g, language: 'es', weight: 1.5 },
  // Weaker hints for headlines with no function word: spellings native to only one language.
  { pattern: /nh|lh/g, language: 'pt', weight: 1 },
  { pattern: /(?<!q)ue|ie/g, language: 'es', weight: 0.5 },
  { pattern: /th|ing\b|\w['’]s\b/g, language: 'en', weight: 1 },
  { pattern: /w|sh|ck/g, language: 'en', weight: 0.5 },
];

const WORDS = new Map<string, { language: Language; weight: number }>(
  (Object.entries(WORD_WEIGHTS) as Array<[Language, Record<string, number>]>).flatMap(([language, words]) =>
    Object.entries(words).map(([word, weight]) => [word, { language, weight }] as const),
  ),
);

export function detectLanguage(text: string): Language | null {
  const lower = text.toLowerCase();
  const scores: Record<Language, number> = { es: 0, pt: 0, en: 0 };
  for (const word of lower.match(/\p{L}+/gu) ?? []) {
    const hit = WORDS.get(word);
    if (hit) scores[hit.language] += hit.weight;
  }
  for (const { pattern, language, weight } of LETTER_WEIGHTS) {
    scores[language] += (lower.match(pattern)?.length ?? 0) * weight;
  }
  const [best, second] = (Object.entries(scores) as Array<[Language, number]>).sort((a, b) => b[1] - a[1]);
  return best![1] > 0 && best![1] > second![1] ? best![0] : null;
}
