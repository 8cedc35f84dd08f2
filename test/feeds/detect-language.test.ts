import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/core/types.js';
import { detectLanguage } from '../../src/feeds/detect-language.js';
import { repoRoot } from './fixtures.js';

const devSet = path.resolve(repoRoot, 'test/fixtures/eval/dev.jsonl');

interface DevItem {
  title: string;
  summary: string;
  lang: Language;
}

describe('detectLanguage', () => {
  it.each([
    ['Lula e Milei discutem acordo do Mercosul com a União Europeia', 'pt'],
    ['Governo não vai recuar nas negociações', 'pt'],
    ['Exportações brasileiras crescem para o maior nível em dez anos', 'pt'],
    ['El Mercosur y la Unión Europea firman el acuerdo comercial', 'es'],
    ['¿Qué es el FIR Maiquetía?', 'es'],
    ['Los presidentes del bloque se reúnen en Montevideo', 'es'],
    ['Año nuevo, aranceles nuevos', 'es'],
    ['Mercosur and the EU sign a trade deal after 25 years of talks', 'en'],
    ['Brazil says it will not accept the terms', 'en'],
  ] as const)('%s → %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it('gives no answer without evidence', () => {
    expect(detectLanguage('')).toBeNull();
    expect(detectLanguage('Mercosur 2025')).toBeNull();
    expect(detectLanguage('constructor proto')).toBeNull();
  });

  it('recognises at least 95% of the labelled dev set from title and summary', () => {
    const items = readFileSync(devSet, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as DevItem);
    const misses = items.filter((item) => detectLanguage(`${item.title} ${item.summary}`) !== item.lang);
    const titleOnlyMisses = items.filter((item) => detectLanguage(item.title) !== item.lang);
    console.info(
      `detect-language on dev.jsonl: ${items.length - misses.length}/${items.length} with summary, ` +
        `${items.length - titleOnlyMisses.length}/${items.length} from titles alone`,
    );
    expect(misses.length / items.length).toBeLessThanOrEqual(0.05);
  });

  it('answers as the table of words and regexes it documents, counted by regex', () => {
    const text = fc.string({ unit: fc.constantFrom(...'qunehlitgswckoóãõçêôâñ¿¡ \'’_9.-xÁÜ', 'th', 'ing', 'ción', 'ciones', 'el', 'do', 'the', 'não', '𝐀', 'ǅ'), maxLength: 40 });
    fc.assert(
      fc.property(text, (sample) => {
        expect(detectLanguage(sample)).toBe(detectLanguageByRegex(sample));
      }),
      { numRuns: 5000 },
    );
  });
});

/** The reference the one-pass scanner must agree with: the module's table, read by regexes. */
const REFERENCE_WORDS: Record<Language, string> = {
  es: 'el:2 la:2 los:2 las:1.5 del:2 y:2 en:1.5 con:2 un:1.5 una:2 es:1 al:1.5 lo:1 su:1.5 sus:2 más:2 pero:2 fue:1 ha:1 han:2 muy:2 tras:2 ya:1 le:1 les:1 hay:2 según:2 años:2 gobierno:2 también:2 elecciones:2 nuevo:1',
  pt: 'o:1.5 os:2 do:2 da:2 dos:1 das:2 na:2 nos:1 nas:2 em:2 um:2 uma:2 com:2 não:3 ao:2 aos:2 à:2 às:2 é:2 e:1.5 pelo:2 pela:2 mais:2 seu:1.5 sua:1.5 foi:2 são:2 também:2 isso:2 ele:1 ela:1 governo:2 já:1 ainda:2 anos:2 eleições:2 novo:1',
  en: 'the:2 and:2 of:2 to:1.5 in:1 is:1.5 for:1.5 on:1.5 with:2 by:1.5 at:1.5 from:2 that:2 this:2 has:2 have:2 will:2 are:2 was:2 were:2 be:1.5 its:2 it:1.5 an:1 after:2 over:1.5 says:2 said:2 new:1 not:1.5 his:1.5 their:2 who:1.5 which:2 government:2 years:2 elections:2',
};
const REFERENCE_PATTERNS: Array<[RegExp, Language, number]> = [
  [/[ãõ]/g, 'pt', 2],
  [/ç/g, 'pt', 1.5],
  [/[êôâ]/g, 'pt', 1],
  [/ñ/g, 'es', 2],
  [/[¿¡]/g, 'es', 2],
  [/ci[óo]n(?:es)?\b/g, 'es', 1.5],
  [/nh|lh/g, 'pt', 1],
  [/(?<!q)ue|ie/g, 'es', 0.5],
  [/th|ing\b|\w['’]s\b/g, 'en', 1],
  [/w|sh|ck/g, 'en', 0.5],
];

function detectLanguageByRegex(text: string): Language | null {
  const lower = text.toLowerCase();
  const scores: Record<Language, number> = { es: 0, pt: 0, en: 0 };
  const words = new Map<string, [Language, number]>();
  for (const [language, list] of Object.entries(REFERENCE_WORDS) as Array<[Language, string]>) {
    for (const entry of list.split(' ')) {
      const [word, weight] = entry.split(':') as [string, string];
      words.set(word, [language, Number(weight)]);
    }
  }
  for (const word of lower.match(/\p{L}+/gu) ?? []) {
    const hit = words.get(word);
    if (hit) scores[hit[0]] += hit[1];
  }
  for (const [pattern, language, weight] of REFERENCE_PATTERNS) scores[language] += (lower.match(pattern)?.length ?? 0) * weight;
  const [best, second] = (Object.entries(scores) as Array<[Language, number]>).sort((a, b) => b[1] - a[1]);
  return best![1] > 0 && best![1] > second![1] ? best![0] : null;
}
