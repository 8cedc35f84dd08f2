import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';

/**
 * Deterministic, news-like text for the benchmarks: headlines and summaries in Spanish, Portuguese
 * and English built from the region's real vocabulary (so the classifier and the FTS index do real
 * work), plus a long Zipf-distributed tail of made-up words, as real text has, so search terms are
 * as selective as in a real archive and not all of them match half the store.
 */

export interface SampleItem {
  language: Language;
  title: string;
  summary: string;
  /** The themes of the topic the text was built around (what a classifier would find). */
  themes: ThemeId[];
}

interface Topic {
  themes: ThemeId[];
  /** One phrase per language. */
  words: Record<Language, string>;
}

const TOPICS: Topic[] = [
  { themes: ['regional-integration'], words: { es: 'la cumbre del Mercosur', pt: 'a cúpula do Mercosul', en: 'the Mercosur summit' } },
  { themes: ['regional-integration'], words: { es: 'los cancilleres de la CELAC', pt: 'os chanceleres da Celac', en: 'CELAC foreign ministers' } },
  { themes: ['regional-integration'], words: { es: 'la Comunidad Andina', pt: 'a Comunidade Andina', en: 'the Andean Community' } },
  { themes: ['trade-tariffs', 'regional-integration'], words: { es: 'el acuerdo Mercosur-Unión Europea', pt: 'o acordo Mercosul-União Europeia', en: 'the EU-Mercosur trade deal' } },
  { themes: ['trade-tariffs'], words: { es: 'los aranceles de Estados Unidos', pt: 'as tarifas dos Estados Unidos', en: 'US tariffs on Brazil' } },
  { themes: ['trade-tariffs'], words: { es: 'las exportaciones de soja', pt: 'as exportações de soja', en: 'soybean exports' } },
  { themes: ['us-venezuela'], words: { es: 'el ataque a una narcolancha en el Caribe', pt: 'o ataque a uma lancha no Caribe', en: 'a strike on a drug boat in the Caribbean' } },
  { themes: ['us-venezuela', 'resources-autonomy'], words: { es: 'la licencia de Chevron en Venezuela', pt: 'a licença da Chevron na Venezuela', en: "Chevron's licence in Venezuela" } },
  { themes: ['venezuela-crisis'], words: { es: 'los presos políticos en Venezuela', pt: 'os presos políticos na Venezuela', en: 'political prisoners in Venezuela' } },
  { themes: ['venezuela-crisis'], words: { es: 'la oposición venezolana de María Corina Machado', pt: 'a oposição venezuelana', en: 'the Venezuelan opposition' } },
  { themes: ['security-crime'], words: { es: 'el Tren de Aragua', pt: 'o Tren de Aragua', en: 'the Tren de Aragua gang' } },
  { themes: ['security-crime'], words: { es: 'el narcotráfico en la frontera', pt: 'o narcotráfico na fronteira', en: 'drug trafficking at the border' } },
  { themes: ['us-policy'], words: { es: 'las deportaciones desde Washington', pt: 'as deportações dos Estados Unidos', en: 'deportation flights from Washington' } },
  { themes: ['us-policy'], words: { es: 'el apoyo del Tesoro a Argentina', pt: 'o apoio do Tesouro à Argentina', en: 'US Treasury support for Argentina' } },
  { themes: ['china-latam'], words: { es: 'las inversiones chinas en el puerto de Chancay', pt: 'os investimentos chineses no porto de Chancay', en: 'Chinese investment in the port of Chancay' } },
  { themes: ['china-latam'], words: { es: 'los autos eléctricos chinos', pt: 'os carros elétricos chineses', en: 'Chinese electric cars' } },
  { themes: ['ideological-divide'], words: { es: 'la disputa entre Petro y Bukele', pt: 'a disputa entre Lula e Milei', en: 'the feud between Petro and Bukele' } },
  { themes: ['resources-autonomy'], words: { es: 'la explotación del litio en Bolivia', pt: 'a exploração de lítio no Brasil', en: 'lithium mining in Argentina' } },
  { themes: ['resources-autonomy'], words: { es: 'el petróleo de Vaca Muerta', pt: 'o petróleo do pré-sal da Petrobras', en: 'Guyana offshore oil' } },
  { themes: [], words: { es: 'el superclásico de fútbol', pt: 'a final do campeonato de futebol', en: 'the baseball playoffs' } },
  { themes: [], words: { es: 'la ola de calor', pt: 'a frente fria', en: 'the hurricane forecast' } },
  { themes: [], words: { es: 'el festival de cine', pt: 'a bienal de arte', en: 'the film festival' } },
];

const VERBS: Record<Language, string[]> = {
  es: ['debate', 'anuncia', 'rechaza', 'impulsa', 'frena', 'acelera', 'condiciona', 'critica', 'respalda', 'analiza'],
  pt: ['debate', 'anuncia', 'rejeita', 'impulsiona', 'trava', 'acelera', 'condiciona', 'critica', 'apoia', 'analisa'],
  en: ['debates', 'announces', 'rejects', 'pushes', 'stalls', 'speeds up', 'conditions', 'criticizes', 'backs', 'weighs'],
};

const SUBJECTS: Record<Language, string[]> = {
  es: ['El gobierno de Lula', 'Milei', 'El Congreso', 'Petro', 'La cancillería', 'Sheinbaum', 'Boric', 'El Banco Central', 'Noboa', 'La oposición'],
  pt: ['O governo Lula', 'O Itamaraty', 'O Congresso', 'Haddad', 'O Planalto', 'Alckmin', 'O Banco Central', 'O STF', 'A oposição', 'A Petrobras'],
  en: ['Brazil', 'Argentina', 'Mexico', 'Washington', 'Colombia', 'Chile', 'Peru', 'The White House', 'Venezuela', 'Ecuador'],
};

const GLUE: Record<Language, string[]> = {
  es: ['de', 'la', 'el', 'en', 'que', 'por', 'con', 'para', 'una', 'los', 'según', 'tras'],
  pt: ['de', 'a', 'o', 'em', 'que', 'por', 'com', 'para', 'uma', 'os', 'segundo', 'após'],
  en: ['the', 'of', 'and', 'in', 'to', 'a', 'for', 'with', 'on', 'after', 'as', 'by'],
};

const SYLLABLES = 'ba ca da fe ga la ma na pa ra sa ta va bro cri dra gua lle mar nor pro que ser tor ven zu al en in on ul an es'.split(' ');
const TAIL_WORDS = 20_000;
const ZIPF_EXPONENT = 1.07;

/** mulberry32: a tiny seeded PRNG, so every run and every machine generates the same text. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface TextGenerator {
  item(): SampleItem;
}

/** The made-up tail is the same for every generator (only the choices depend on the seed): built once. */
let vocabulary: { tail: string[]; cumulative: Float64Array } | undefined;

export function createTextGenerator(seed = 1): TextGenerator {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const { tail, cumulative } = (vocabulary ??= { tail: tailVocabulary(seededRandom(0x5eed)), cumulative: zipfCumulative(TAIL_WORDS) });
  const tailWord = (): string => tail[lowerBound(cumulative, random())] as string;
  const filler = (language: Language, count: number): string =>
    Array.from({ length: count }, () => (random() < 0.4 ? pick(GLUE[language]) : tailWord())).join(' ');

  return {
    item() {
      const language = pick(['es', 'es', 'pt', 'en'] as const);
      const topic = pick(TOPICS);
      const second = random() < 0.3 ? pick(TOPICS) : undefined;
      const title = `${pick(SUBJECTS[language])} ${pick(VERBS[language])} ${topic.words[language]} ${filler(language, 3 + Math.floor(random() * 4))}`;
      const summary = [
        `${capitalize(filler(language, 6))} ${topic.words[language]} ${filler(language, 10)}.`,
        second ? `${capitalize(filler(language, 4))} ${second.words[language]} ${filler(language, 8)}.` : `${capitalize(filler(language, 14))}.`,
        `${capitalize(filler(language, 12))}.`,
      ].join(' ');
      const themes = [...new Set([...topic.themes, ...(second?.themes ?? [])])];
      return { language, title, summary, themes };
    },
  };
}

function tailVocabulary(random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < TAIL_WORDS) {
    const length = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

/** P(rank ≤ k) for a Zipf law over `size` ranks. */
function zipfCumulative(size: number): Float64Array {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) cumulative[rank] = total += 1 / (rank + 1) ** ZIPF_EXPONENT;
  for (let rank = 0; rank < size; rank++) cumulative[rank] = (cumulative[rank] as number) / total;
  return cumulative;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
