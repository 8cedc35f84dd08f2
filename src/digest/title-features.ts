/**
 * What clustering compares in a headline: its content words (folded, lightly stemmed, stopwords
 * out) and its named entities (capitalised names, acronyms and known aliases folded to one id
 * across Spanish, Portuguese and English: "EE.UU.", "EUA" and "U.S." are all `us`).
 */

export interface TitleFeatures {
  /** Stemmed content words that are not part of an entity. */
  tokens: Set<string>;
  /** Canonical entity ids. */
  entities: Set<string>;
  /** Capitalised words that may be entities, decided against the whole batch (see `clusterStories`). */
  candidates: Set<string>;
}

interface Word {
  /** Folded: lowercase, no accents, letters and digits only. */
  folded: string;
  capitalized: boolean;
  allCaps: boolean;
}

const STOPWORDS = new Set(
  `a al ante bajo con contra de del desde durante e el en entre es esta este esto hacia hasta la las le les lo los mas
  para pero por que se sin sobre su sus tras un una uno unos unas y ya como cuando donde muy sera son fue han ha hay
  no si ni o u otro otra otros otras ser estar tiene tienen dice dicen segun asi tambien todo todos toda todas
  ao aos as com da das do dos ela ele em na nas no nos num numa os ou pela pelas pelo pelos sobre sua suas seu seus
  um uma umas uns mais mas diz dizem apos ate entre foi sao tem tambem isso esse essa este esta
  an and are as at be by for from has have he in into is it its of on or says said that the their this to was were
  will with after over amid new not but than who what why how about up out off his her they them we you our`.split(/\s+/),
);

/** Multi-word and single-word names that mean the same entity in es/pt/en, folded. */
const ALIASES: [string, string][] = [
  ['estados unidos', 'us'], ['ee uu', 'us'], ['eeuu', 'us'], ['eua', 'us'], ['united states', 'us'], ['usa', 'us'],
  ['casa blanca', 'white-house'], ['casa branca', 'white-house'], ['white house', 'white-house'],
  ['union europea', 'eu'], ['uniao europeia', 'eu'], ['european union', 'eu'],
  ['naciones unidas', 'un'], ['nacoes unidas', 'un'], ['united nations', 'un'], ['onu', 'un'],
  ['oea', 'oas'], ['otan', 'nato'], ['fmi', 'imf'],
  ['mercosul', 'mercosur'], ['brasil', 'brazil'], ['mexico', 'mexico'], ['peru', 'peru'],
  ['paraguai', 'paraguay'], ['uruguai', 'uruguay'], ['haiti', 'haiti'], ['caribe', 'caribbean'],
  ['china', 'china'], ['pekin', 'china'], ['pequim', 'china'], ['beijing', 'china'],
  ['alianza del pacifico', 'pacific-alliance'], ['alianca do pacifico', 'pacific-alliance'], ['pacific alliance', 'pacific-alliance'],
  ['comunidad andina', 'andean-community'], ['comunidade andina', 'andean-community'], ['andean community', 'andean-community'],
  ['tren de aragua', 'tren-de-aragua'],
  ['asuncion', 'asuncion'], ['assuncao', 'asuncion'], ['ciudad de mexico', 'mexico-city'], ['cidade do mexico', 'mexico-city'],
  ['mexico city', 'mexico-city'], ['la habana', 'havana'], ['havana', 'havana'],
  ['guayana esequiba', 'essequibo'], ['esequibo', 'essequibo'], ['essequibo', 'essequibo'],
  ['donald trump', 'trump'], ['nicolas maduro', 'maduro'], ['luiz inacio lula da silva', 'lula'], ['lula da silva', 'lula'],
  ['javier milei', 'milei'], ['gustavo petro', 'petro'], ['nayib bukele', 'bukele'], ['marco rubio', 'rubio'],
  ['maria corina machado', 'machado'], ['claudia sheinbaum', 'sheinbaum'], ['xi jinping', 'xi'],
  // Names that are entities wherever they stand, even as a headline's first word.
  ...`venezuela colombia argentina chile bolivia ecuador cuba nicaragua honduras guatemala panama paraguay uruguay
    caracas bogota brasilia celac mercosur unasur caricom aladi trump maduro lula milei petro bukele rubio machado
    sheinbaum boric noboa arevalo`
    .split(/\s+/)
    .map((name): [string, string] => [name, name]),
];

/** Short acronyms that are also ordinary words: entities only when written in capitals. */
const CAPS_ONLY: Record<string, string> = { us: 'us', eu: 'eu', ue: 'eu', un: 'un', can: 'andean-community', oas: 'oas' };

const ALIAS_BY_WORDS = new Map<string, string>();
let longestAlias = 1;
for (const [phrase, id] of ALIASES) {
  ALIAS_BY_WORDS.set(phrase, id);
  longestAlias = Math.max(longestAlias, phrase.split(' ').length);
}

export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Splits a headline into words; "EE.UU." and "U.S." stay one word. */
export function splitWords(title: string): Word[] {
  const words: Word[] = [];
  for (const match of title.matchAll(/(?:\p{L}\.){2,}|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
    const raw = match[0];
    const folded = foldWord(raw);
    if (folded === '') continue;
    const letters = raw.replace(/[^\p{L}]/gu, '');
    words.push({
      folded,
      capitalized: /^\p{Lu}/u.test(raw),
      allCaps: letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase(),
    });
  }
  return words;
}

/** A light stem: long enough to tell words apart, short enough that plurals and genders meet. */
export function stem(folded: string): string {
  return folded.length > 6 ? folded.slice(0, 6) : folded.replace(/(es|s)$/, '') || folded;
}

/**
 * Features of one headline. `vocabulary` holds entity words seen capitalised in the middle of some
 * headline of the batch; it decides whether a capitalised first word ("Lula visita…") or a word of
 * a Title-Case headline ("Mercosur Leaders Meet…") is a name or just capitalised by position.
 */
export function titleFeatures(title: string, vocabulary?: ReadonlySet<string>): TitleFeatures {
  const words = splitWords(title);
  const tokens = new Set<string>();
  const entities = new Set<string>();
  const candidates = new Set<string>();
  // Aliases first ("Estados Unidos", "Lula"): what is left are plain words.
  const plain: { word: Word; index: number }[] = [];
  for (let index = 0; index < words.length; ) {
    const alias = matchAlias(words, index);
    if (alias) {
      entities.add(alias.id);
      index += alias.length;
    } else {
      plain.push({ word: words[index] as Word, index });
      index++;
    }
  }
  // Title Case ("Leaders Meet in Caracas"): no longer plain word is written in lower case.
  const long = plain.filter(({ word }) => /[a-z]/.test(word.folded) && word.folded.length >= 4 && !STOPWORDS.has(word.folded));
  const titleCase = long.length >= 2 && long.every(({ word }) => word.capitalized);

  for (const { word, index } of plain) {
    const capsOnly = CAPS_ONLY[word.folded];
    if (capsOnly && word.allCaps) {
      entities.add(capsOnly);
      continue;
    }
    if (STOPWORDS.has(word.folded)) continue;
    const isName = word.capitalized && /[a-z]/.test(word.folded);
    if (isName && word.allCaps && word.folded.length >= 3) {
      entities.add(word.folded);
      continue;
    }
    if (isName) {
      const positional = index === 0 || titleCase;
      if (!positional) candidates.add(word.folded);
      if (!positional || vocabulary?.has(word.folded)) {
        entities.add(word.folded);
        continue;
      }
    }
    if (word.folded.length >= 3 || /^\d+$/.test(word.folded)) tokens.add(stem(word.folded));
  }
  return { tokens, entities, candidates };
}

function matchAlias(words: Word[], start: number): { id: string; length: number } | undefined {
  for (let length = Math.min(longestAlias, words.length - start); length >= 1; length--) {
    const phrase = words
      .slice(start, start + length)
      .map((word) => word.folded)
      .join(' ');
    const id = ALIAS_BY_WORDS.get(phrase);
    if (id) return { id, length };
  }
  return undefined;
}
