import { THEME_IDS, type ThemeId } from '../core/themes.js';
import { LANGUAGES, type Language } from '../core/types.js';
import type { Classification, ClassifierInput } from './classifier.js';
import { hasCapitalWord, PREFIX_KEY_SPACE, prefixKey, spanWords, stem, tokenize, type WordSpans } from './fold-text.js';
import { REGION_CONCEPT, type ThemesConfig, type Vocabulary } from './themes-config.js';

/**
 * The default classifier: no network, no key. The vocabulary of themes.yaml is compiled once into
 * word → entry maps (stemmed words, exact names); classifying is one folding pass over title and
 * summary and a map lookup for the words whose first letters start some entry. A theme's raw score
 * adds up the weights of the distinct entries that fired, times the title or summary weight, and
 * saturates into [0, 1]. Deterministic: same input, same output, whatever was classified before.
 */
export interface OfflineClassifier {
  classify(input: ClassifierInput): Classification;
}

/** One configured term, phrase or name for one target (a theme, then the concepts). */
interface Entry {
  id: number;
  target: number;
  /** Signed: negative entries count against their theme. */
  weight: number;
  /** As written in themes.yaml, for evidence. */
  label: string;
  /** Bit per language in LANGUAGES; names match in every language. */
  languages: number;
  /** The phrase's words after the first: stems, or folded words for names. */
  rest: string[];
  /** Names only: which words (first included) must be written in capitals. */
  caps: boolean[] | null;
  /** Evidence line per combination of fields (index TITLE, SUMMARY, TITLE | SUMMARY), made once. */
  lines: (EvidenceLine | undefined)[];
}

/** The entries that start at one word: single words, and longer ones by their second word or stem. */
interface Starts {
  single: Entry[];
  bySecond: Map<string, Entry[]>;
}

interface WordInfo {
  word: string;
  stem: string;
  /** Names whose first word is this word. */
  exact: Starts | null;
  /** Terms and phrases whose first stem is this word's stem. */
  stemmed: Starts | null;
}

interface EvidenceLine {
  contribution: number;
  /** Order: strongest first, ties in configuration order (entry id). */
  strength: number;
  id: number;
  text: string;
}

/** Slots of the word cache; it is emptied at half full (a long-running bot meets endless new words). */
const WORD_CACHE_SLOTS = 1 << 17;
const TITLE = 1;
const SUMMARY = 2;
const ALL_LANGUAGES = (1 << LANGUAGES.length) - 1;

/** Filled, not `new Array(n)`: a large array with holes is kept as a slow dictionary. */
function emptySlots(): (WordInfo | undefined)[] {
  return Array.from({ length: WORD_CACHE_SLOTS }, () => undefined);
}

function languageBit(lang: Language): number {
  return 1 << LANGUAGES.indexOf(lang);
}

export function createOfflineClassifier(config: ThemesConfig): OfflineClassifier {
  const { titleWeight, summaryWeight, saturation } = config.scoring;
  const conceptNames = Object.keys(config.concepts);
  const themeCount = THEME_IDS.length;
  const targetCount = themeCount + conceptNames.length;
  const conceptTarget = (name: string): number => themeCount + conceptNames.indexOf(name);
  const regionTarget = conceptTarget(REGION_CONCEPT);
  const thresholds = new Array<number>(targetCount).fill(1);
  const requires: number[][] = THEME_IDS.map(() => [regionTarget]);

  const entries: Entry[] = [];
  const stemIndex = new Map<string, Starts>();
  const exactIndex = new Map<string, Starts>();
  /** Prefix keys of every entry's first word: most words of a text have none and skip the lookups. */
  const knownPrefix = new Uint8Array(PREFIX_KEY_SPACE);
  const merged = new Map<string, Entry>();

  // The same words listed twice for one target (two languages, two forms of one stem) count once.
  const add = (target: number, words: string[], caps: boolean[] | null, weight: number, label: string, languages: number): void => {
    if (words.length === 0) return;
    const spelled = caps ? words.map((word, i) => (caps[i] ? word.toUpperCase() : word)).join(' ') : `~${words.join(' ')}`;
    const key = `${target}|${weight > 0 ? '+' : '-'}|${spelled}`;
    const existing = merged.get(key);
    if (existing) {
      existing.languages |= languages;
      if (Math.abs(weight) > Math.abs(existing.weight)) existing.weight = weight;
      return;
    }
    const entry: Entry = { id: entries.length, target, weight, label, languages, rest: words.slice(1), caps, lines: [] };
    entries.push(entry);
    merged.set(key, entry);
    knownPrefix[prefixKey(words[0]!)] = 1;
    const index = caps ? exactIndex : stemIndex;
    let starts = index.get(words[0]!);
    if (!starts) index.set(words[0]!, (starts = { single: [], bySecond: new Map() }));
    if (words.length === 1) starts.single.push(entry);
    else {
      const list = starts.bySecond.get(words[1]!);
      if (list) list.push(entry);
      else starts.bySecond.set(words[1]!, [entry]);
    }
  };

  const addVocabulary = (target: number, vocabulary: Vocabulary | undefined, sign: 1 | -1): void => {
    if (!vocabulary) return;
    for (const lang of LANGUAGES) {
      const bit = languageBit(lang);
      for (const [term, weight] of [...Object.entries(vocabulary.terms?.[lang] ?? {}), ...Object.entries(vocabulary.phrases?.[lang] ?? {})]) {
        add(target, tokenize(term).words.map(stem), null, sign * weight, term, bit);
      }
    }
    for (const [name, weight] of Object.entries(vocabulary.entities ?? {})) {
      // A name written in capitals is an acronym: "US" must not match the word "us".
      const { words, allCaps } = tokenize(name);
      add(target, words, allCaps, sign * weight, name, ALL_LANGUAGES);
    }
  };

  for (const name of conceptNames) {
    const concept = config.concepts[name]!;
    thresholds[conceptTarget(name)] = concept.threshold;
    addVocabulary(conceptTarget(name), concept, 1);
  }
  for (const theme of config.themes) {
    const target = THEME_IDS.indexOf(theme.id);
    thresholds[target] = theme.threshold;
    for (const name of theme.requires ?? []) requires[target]!.push(conceptTarget(name));
    addVocabulary(target, theme, 1);
    addVocabulary(target, theme.negative, -1);
  }
  for (let target = 0; target < themeCount; target++) addVocabulary(target, config.negative, -1);

  // Per distinct word: its stem and the entries that can start at it. An open-addressing table keyed by
  // the hash spanWords computes anyway, so a word seen before is found without making its string.
  const cacheHashes = new Int32Array(WORD_CACHE_SLOTS);
  let cacheInfos = emptySlots();
  let cached = 0;
  const infoAt = (spans: WordSpans, at: number): WordInfo => {
    const hash = spans.hashes[at]!;
    const start = spans.starts[at]!;
    const length = spans.ends[at]! - start;
    let slot = hash & (WORD_CACHE_SLOTS - 1);
    for (let info = cacheInfos[slot]; info; info = cacheInfos[slot]) {
      if (cacheHashes[slot] === hash && info.word.length === length && spans.folded.startsWith(info.word, start)) return info;
      slot = (slot + 1) & (WORD_CACHE_SLOTS - 1);
    }
    if (cached >= WORD_CACHE_SLOTS / 2) {
      cacheInfos = emptySlots();
      cached = 0;
      slot = hash & (WORD_CACHE_SLOTS - 1);
    }
    const word = spans.word(at);
    const stemmed = stem(word);
    const info = { word, stem: stemmed, exact: exactIndex.get(word) ?? null, stemmed: stemIndex.get(stemmed) ?? null };
    cacheHashes[slot] = hash;
    cacheInfos[slot] = info;
    cached++;
    return info;
  };

  // Per call: the fields (TITLE | SUMMARY) each entry was found in, and which entries were touched.
  // Reset before classify returns, so calls stay independent.
  const fieldsOf = new Uint8Array(entries.length);
  const touched: number[] = [];
  const hit = (entry: Entry, field: number): void => {
    if (fieldsOf[entry.id] === 0) touched.push(entry.id);
    fieldsOf[entry.id]! |= field;
  };

  const scan = (text: string, field: number, languages: number): void => {
    const spans = spanWords(text);
    const { count, prefixKeys } = spans;
    const infos: WordInfo[] = [];
    const infoOf = (at: number): WordInfo => (infos[at] ??= infoAt(spans, at));
    /** The words after the second (already matched by the index) and, for names, capitals where written so. */
    const follows = (entry: Entry, at: number): boolean => {
      const { rest, caps } = entry;
      if (at + rest.length >= count) return false;
      for (let k = 1; k < rest.length; k++) {
        const info = infoOf(at + 1 + k);
        if ((caps ? info.word : info.stem) !== rest[k]) return false;
      }
      if (caps) for (let k = 0; k < caps.length; k++) if (caps[k] && !hasCapitalWord(text, infoOf(at + k).word)) return false;
      return true;
    };
    for (let i = 0; i < count; i++) {
      if (knownPrefix[prefixKeys[i]!] === 0) continue;
      const { exact, stemmed } = infoOf(i);
      if (exact) {
        for (const entry of exact.single) if (follows(entry, i)) hit(entry, field);
        const longer = exact.bySecond.size > 0 && i + 1 < count ? exact.bySecond.get(infoOf(i + 1).word) : undefined;
        if (longer) for (const entry of longer) if (follows(entry, i)) hit(entry, field);
      }
      if (stemmed) {
        for (const entry of stemmed.single) if (entry.languages & languages) hit(entry, field);
        const longer = stemmed.bySecond.size > 0 && i + 1 < count ? stemmed.bySecond.get(infoOf(i + 1).stem) : undefined;
        if (longer) for (const entry of longer) if (entry.languages & languages && follows(entry, i)) hit(entry, field);
      }
    }
  };

  const evidenceLine = (entry: Entry, fields: number): EvidenceLine => {
    const contribution = entry.weight * ((fields & TITLE ? titleWeight : 0) + (fields & SUMMARY ? summaryWeight : 0));
    const where = fields === TITLE ? 'title' : fields === SUMMARY ? 'summary' : 'title+summary';
    const shown = Math.round(contribution * 100) / 100;
    return { contribution, strength: Math.abs(contribution), id: entry.id, text: `${entry.label} (${where}, ${shown > 0 ? '+' : ''}${shown})` };
  };

  const toScore = (raw: number): number => (raw > 0 ? Math.round((raw / (raw + saturation)) * 1000) / 1000 : 0);

  const classify = (input: ClassifierInput): Classification => {
    const languages = input.lang ? languageBit(input.lang) : ALL_LANGUAGES;
    scan(input.title, TITLE, languages);
    scan(input.summary, SUMMARY, languages);

    const raw = new Array<number>(targetCount).fill(0);
    const lines: (EvidenceLine[] | undefined)[] = new Array(targetCount);
    for (const id of touched) {
      const entry = entries[id]!;
      const fields = fieldsOf[id]!;
      fieldsOf[id] = 0;
      const line = (entry.lines[fields] ??= evidenceLine(entry, fields));
      raw[entry.target]! += line.contribution;
      insertByRank((lines[entry.target] ??= []), line);
    }
    touched.length = 0;
    const evidenceOf = (target: number): string[] => lines[target]?.map((line) => line.text) ?? [];
    const present: boolean[] = [];
    for (let target = themeCount; target < targetCount; target++) present[target] = toScore(raw[target]!) >= thresholds[target]!;

    const scores = {} as Record<ThemeId, number>;
    const evidence: Classification['evidence'] = {};
    const assigned: number[] = [];
    for (let target = 0; target < themeCount; target++) {
      const id = THEME_IDS[target]!;
      const gated = requires[target]!.some((concept) => !present[concept]);
      const score = gated ? 0 : toScore(raw[target]!);
      scores[id] = score;
      if (score > 0 && score >= thresholds[target]!) assigned.push(target);
      if (!lines[target]) continue;
      const found = evidenceOf(target);
      if (gated) found.push(`needs: ${requires[target]!.filter((concept) => !present[concept]).map((concept) => conceptNames[concept - themeCount]).join(', ')}`);
      evidence[id] = found;
    }
    // Highest score first; ties in THEMES.md order.
    assigned.sort((a, b) => scores[THEME_IDS[b]!] - scores[THEME_IDS[a]!] || a - b);
    return {
      themes: assigned.map((target) => THEME_IDS[target]!),
      scores,
      evidence,
      regionalSignal: present[regionTarget]!,
      regionalScore: toScore(raw[regionTarget]!),
      regionalEvidence: evidenceOf(regionTarget),
    };
  };

  return { classify };
}

/**
 * Keeps evidence strongest first, ties in configuration order: never in the order words were met.
 * Insertion, because a theme has a handful of lines and Array#sort costs more than that.
 */
function insertByRank(lines: EvidenceLine[], line: EvidenceLine): void {
  let at = lines.length;
  lines.push(line);
  for (; at > 0; at--) {
    const before = lines[at - 1]!;
    if (before.strength > line.strength || (before.strength === line.strength && before.id < line.id)) break;
    lines[at] = before;
  }
  lines[at] = line;
}
