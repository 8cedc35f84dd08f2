/**
 * What clustering compares in a headline, in forms that survive translation between Spanish,
 * Portuguese and English:
 * - named entities, folded to one id ("EE.UU.", "EUA" and "U.S." are all `us`; "União Europeia" is `eu`);
 * - the action the headline reports, from a small es/pt/en dictionary (firmar/assinar/sign → `sign`);
 * - numbers, written in digits or words (tres/três/three → 3);
 * - the remaining content words, lightly stemmed (cognates meet across Spanish and Portuguese).
 * Decided from the headline alone, never from the other headlines of a batch, so the same two items
 * compare the same way whatever window they are in.
 */

import { foldAccents } from '../core/fold-accents.js';

export interface TitleFeatures {
  /** Stemmed content words that are not an entity, an action or a number. */
  tokens: Set<string>;
  /** Canonical entity ids. */
  entities: Set<string>;
  /** Canonical action ids. */
  actions: Set<string>;
  /** Numbers as digits. */
  numbers: Set<string>;
  /** The headline announces a new or another occurrence ("nuevo ataque", "another strike"). */
  novel: boolean;
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
  will with after over amid new not but than who what why how about up out off his her they them we you our
  video urgente ultima hora breaking live quien quem`.split(/\s+/),
);

/** Words by which a headline says its event is a new one of a series. */
const NOVELTY = new Set(['nuevo', 'nueva', 'novo', 'nova', 'otro', 'otra', 'otros', 'otras', 'outro', 'outra', 'another', 'new']);

/** Multi-word and single-word names that mean the same entity in es/pt/en, folded. */
const ALIASES: [string, string][] = [
  ['estados unidos', 'us'], ['ee uu', 'us'], ['eeuu', 'us'], ['eua', 'us'], ['united states', 'us'], ['usa', 'us'],
  ['washington', 'us'], ['estadounidense', 'us'], ['norte americano', 'us'],
  ['casa blanca', 'white-house'], ['casa branca', 'white-house'], ['white house', 'white-house'],
  ['union europea', 'eu'], ['uniao europeia', 'eu'], ['european union', 'eu'], ['europe', 'eu'], ['europa', 'eu'],
  ['naciones unidas', 'un'], ['nacoes unidas', 'un'], ['united nations', 'un'], ['onu', 'un'],
  ['oea', 'oas'], ['otan', 'nato'], ['fmi', 'imf'],
  ['mercosul', 'mercosur'], ['brasil', 'brazil'], ['brasileno', 'brazil'], ['brasileiro', 'brazil'], ['brazilian', 'brazil'],
  ['paraguai', 'paraguay'], ['uruguai', 'uruguay'], ['caribe', 'caribbean'], ['espana', 'spain'], ['espanha', 'spain'],
  ['pekin', 'china'], ['pequim', 'china'], ['beijing', 'china'], ['chino', 'china'], ['china', 'china'], ['chines', 'china'],
  ['chinese', 'china'], ['venezolano', 'venezuela'], ['venezuelano', 'venezuela'], ['venezuelan', 'venezuela'],
  ['venezolanos', 'venezuela'], ['venezuelanos', 'venezuela'], ['venezuelans', 'venezuela'],
  ['colombiano', 'colombia'], ['colombian', 'colombia'], ['argentino', 'argentina'], ['argentine', 'argentina'],
  ['mexicano', 'mexico'], ['mexican', 'mexico'], ['cubano', 'cuba'], ['cuban', 'cuba'], ['pacifico', 'pacific'],
  ['alianza del pacifico', 'pacific-alliance'], ['alianca do pacifico', 'pacific-alliance'], ['pacific alliance', 'pacific-alliance'],
  ['comunidad andina', 'andean-community'], ['comunidade andina', 'andean-community'], ['andean community', 'andean-community'],
  ['tren de aragua', 'tren-de-aragua'], ['cartel de los soles', 'cartel-de-los-soles'],
  ['asuncion', 'asuncion'], ['assuncao', 'asuncion'], ['ciudad de mexico', 'mexico-city'], ['cidade do mexico', 'mexico-city'],
  ['mexico city', 'mexico-city'], ['la habana', 'havana'], ['havana', 'havana'], ['nueva york', 'new-york'], ['nova york', 'new-york'],
  ['new york', 'new-york'], ['guayana esequiba', 'essequibo'], ['esequibo', 'essequibo'], ['essequibo', 'essequibo'],
  ['donald trump', 'trump'], ['nicolas maduro', 'maduro'], ['luiz inacio lula da silva', 'lula'], ['lula da silva', 'lula'],
  ['javier milei', 'milei'], ['gustavo petro', 'petro'], ['nayib bukele', 'bukele'], ['marco rubio', 'rubio'],
  ['maria corina machado', 'machado'], ['maria corina', 'machado'], ['claudia sheinbaum', 'sheinbaum'],
  // Reports name China's leader and China interchangeably ("Xi's envoy" / "a Chinese envoy").
  ['xi jinping', 'china'], ['xi', 'china'],
  ['delcy rodriguez', 'delcy-rodriguez'], ['jorge rodriguez', 'jorge-rodriguez'], ['edmundo gonzalez', 'gonzalez-urrutia'],
  ['gonzalez urrutia', 'gonzalez-urrutia'], ['diosdado cabello', 'cabello'], ['foro penal', 'foro-penal'],
  ['jose antonio kast', 'kast'], ['gabriel boric', 'boric'], ['daniel noboa', 'noboa'], ['lacalle pou', 'lacalle'],
  ['yamandu orsi', 'orsi'], ['santiago pena', 'pena'], ['luis arce', 'arce'], ['rodrigo paz', 'rodrigo-paz'],
  ['premio nobel', 'nobel'], ['nobel', 'nobel'],
  // Names that are entities wherever they stand, even as a headline's first word.
  ...`venezuela colombia argentina chile bolivia ecuador cuba nicaragua honduras guatemala panama paraguay uruguay
    mexico peru haiti caracas bogota brasilia lima quito celac mercosur unasur caricom aladi brics trump maduro lula
    milei petro bukele rubio machado sheinbaum boric noboa arevalo kast bolsonaro hegseth bessent chancay pdvsa
    petrobras chevron ypf guyana trinidad`
    .split(/\s+/)
    .map((name): [string, string] => [name, name]),
];

/** Short acronyms that are also ordinary words: entities only when written in capitals. */
const CAPS_ONLY: Record<string, string> = { us: 'us', eu: 'eu', ue: 'eu', un: 'un', can: 'andean-community', oas: 'oas' };

/**
 * Actors every other headline of this beat names: a match on them alone says little, so they
 * weigh less. A fixed list, not counted per batch, so a decision never depends on the window.
 */
export const COMMON_ENTITIES = new Set(['us', 'venezuela', 'trump', 'maduro', 'white-house']);

/**
 * Action words, by the first letters of their folded forms (`*`: any ending) or exact forms,
 * in Spanish, Portuguese and English. Only actions that tell one event from another.
 */
const ACTIONS: Record<string, string> = {
  sign: 'firma* firman* firmo firmó firmaron assina* assinou* assinatura sign signs signed signing',
  attack: 'ataca* ataque* atacam* attack* strike strikes struck bombard* bombarde* destru* derrib* airstrike*',
  kill: 'muerto* muertos mata matan mato morre* morte* mortos morto kill* dead death* fallec*',
  // A visit is a meeting: "X visita a Y" and "Y se reúne con X" report one event.
  meet: 'reune* reuni* reunio* encuentro encontro encontra encontram encontrou meet* met cumbre* cupula* summit* almuerzo lunch visita* visit*',
  travel: 'llega* chega* arrive* viaja* travel*',
  envoy: 'enviado* envoy* emissar* emisari* representante*',
  tariff: 'arancel* tarifa* tariff* sobretasa* sobretaxa* gravamen*',
  capture: 'captur*',
  release: 'libera* liberta* excarcel* solta* release* freed frees',
  prize: 'premio* prize* medalla* medalha* medal*',
  export: 'export*',
  import: 'import*',
  sanction: 'sancion* sancao sancoes sanction*',
  election: 'eleccion* elecciones eleicao eleicoes election* comicio* votacion* voto* vote* balotaje runoff',
  deport: 'deport*',
  arrest: 'arrest* detenid* detencion* detido* prisao preso presos',
  charge: 'acusa* acusad* imputa* indict* charged charges cargos',
  derail: 'descarril* derail*',
  train: 'tren trenes trem trens train trains',

  agree: 'acuerdo* acordo* deal deals agreement* pacto* pact*',
  minister: 'cancill* chancel* ministr* minister*',
  invest: 'invers* investi* invest*',
  oil: 'petrol* oil crudo crude',
  gas: 'gas gases gasoducto*',
  drug: 'droga* drug* narco* cocain*',
  boat: 'lancha* narcolancha* barco* vessel* boat* embarcac* buque* navio*',
  protest: 'protest* marcha* manifestac* rally rallies',
  talk: 'conversac* conversa* dialog* talk* negoci* llamada* ligacao telefon* call calls phone*',
  tension: 'tension* tensao* tensoes',
  win: 'gana ganan gano gano ganhou ganha venceu vence win wins won',
};

const ACTION_EXACT = new Map<string, string>();
/** Prefix forms by their first three letters (every prefix has at least three), longest first. */
const ACTION_PREFIXES = new Map<string, [string, string][]>();
for (const [action, forms] of Object.entries(ACTIONS)) {
  for (const form of forms.split(/\s+/)) {
    const folded = foldWord(form);
    if (!form.endsWith('*')) ACTION_EXACT.set(folded, action);
    else ACTION_PREFIXES.set(folded.slice(0, 3), [...(ACTION_PREFIXES.get(folded.slice(0, 3)) ?? []), [folded, action]]);
  }
}
for (const list of ACTION_PREFIXES.values()) list.sort((a, b) => b[0].length - a[0].length);

/** Number words up to twelve, es/pt/en (the casualty counts and tallies headlines spell out); not "once", an English word. */
const NUMBER_WORDS = new Map<string, string>(
  [
    'cero zero', 'un uno una um uma one', 'dos dois duas two', 'tres three', 'cuatro quatro four', 'cinco five',
    'seis six', 'siete sete seven', 'ocho oito eight', 'nueve nove nine', 'diez dez ten', 'onze eleven',
    'doce doze twelve',
  ].flatMap((words, value) => words.split(' ').map((word): [string, string] => [word, String(value)])),
);
/** "Un"/"uma"/"one" are far more often articles than counts: only read as 1 before a casualty word. */
const ARTICLE_NUMBERS = new Set(['un', 'uno', 'una', 'um', 'uma', 'one']);

const ALIAS_BY_WORDS = new Map<string, string>();
let longestAlias = 1;
for (const [phrase, id] of ALIASES) {
  ALIAS_BY_WORDS.set(phrase, id);
  longestAlias = Math.max(longestAlias, phrase.split(' ').length);
}

export function foldWord(word: string): string {
  return foldAccents(word).replace(/[^a-z0-9]/g, '');
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

function actionOf(folded: string): string | undefined {
  const exact = ACTION_EXACT.get(folded);
  if (exact) return exact;
  for (const [prefix, action] of ACTION_PREFIXES.get(folded.slice(0, 3)) ?? []) if (folded.startsWith(prefix)) return action;
  return undefined;
}

/** Features of one headline. */
export function titleFeatures(title: string): TitleFeatures {
  const words = splitWords(title);
  const tokens = new Set<string>();
  const entities = new Set<string>();
  const actions = new Set<string>();
  const numbers = new Set<string>();
  let novel = false;
  // A headline in capitals ("MADURO SOSTUVO ENCUENTRO…") says nothing about which words are names.
  const shouting = words.filter((word) => /[a-z]/.test(word.folded)).every((word) => word.allCaps);
  // Title Case ("Leaders Meet in Caracas"): capitals there do not mark names either.
  const long = words.filter((word) => /[a-z]/.test(word.folded) && word.folded.length >= 4 && !STOPWORDS.has(word.folded));
  const titleCase = shouting || (long.length >= 2 && long.every((word) => word.capitalized));

  for (let index = 0; index < words.length; ) {
    const alias = matchAlias(words, index);
    if (alias) {
      entities.add(alias.id);
      index += alias.length;
      continue;
    }
    const position = index++;
    const word = words[position] as Word;
    const next = words[position + 1]?.folded ?? '';
    const capsOnly = CAPS_ONLY[word.folded];
    if (capsOnly && word.allCaps && !shouting) {
      entities.add(capsOnly);
      continue;
    }
    if (/^\d+$/.test(word.folded)) {
      numbers.add(String(Number(word.folded)));
      continue;
    }
    const spelled = NUMBER_WORDS.get(word.folded);
    if (spelled !== undefined && (!ARTICLE_NUMBERS.has(word.folded) || actionOf(next) === 'kill')) {
      numbers.add(spelled);
      continue;
    }
    if (NOVELTY.has(word.folded)) {
      novel = true;
      continue;
    }
    if (STOPWORDS.has(word.folded)) continue;
    const action = actionOf(word.folded);
    if (action) {
      actions.add(action);
      continue;
    }
    // A capital mid-sentence marks a name; the first word's capital says nothing.
    const isName = word.capitalized && /[a-z]/.test(word.folded) && !titleCase && position > 0;
    if (isName || (word.allCaps && !shouting && word.folded.length >= 3)) {
      entities.add(word.folded);
      continue;
    }
    if (word.folded.length >= 3) tokens.add(stem(word.folded));
  }
  return { tokens, entities, actions, numbers, novel };
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
