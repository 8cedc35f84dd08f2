import type { ThemeId } from '../core/themes.js';
import type { LabelClaim } from './llm-answer.js';
import { foldText } from './fold-text.js';

/**
 * What keeps text inside an item from changing labels, pure. A label stands only when the model
 * quotes words of that item's own title or summary for it; an answer where most items carry most
 * themes is not believed; and text that reads like instructions to a model is sent on its own, so
 * whatever it achieves, it achieves for itself only.
 */

/** Longer quotes are not "the words that show it": an obedient model would quote the whole item. */
export const MAX_QUOTE_CHARS = 160;
/** No item of the labelled dev sets carries more than three themes. */
export const MAX_THEMES_PER_ITEM = 4;

export interface GroundedLabels {
  themes: ThemeId[];
  /** The quote that grounds each kept theme. */
  quotes: Partial<Record<ThemeId, string>>;
  /** Themes dropped because their quote is missing, too long, or not in the item. */
  dropped: { theme: ThemeId; quote: string | null }[];
}

/**
 * Keeps the claims whose quote, case- and accent-folded, is a run of whole words of the item's
 * title or summary; one theme once, in the order given by `themeIds`.
 */
export function groundLabels(claims: LabelClaim[], item: { title: string; summary: string }, themeIds: readonly ThemeId[]): GroundedLabels {
  const quotes: Partial<Record<ThemeId, string>> = {};
  const dropped: GroundedLabels['dropped'] = [];
  for (const claim of claims) {
    if (quotes[claim.theme] !== undefined) continue;
    const quote = groundedQuote(claim.quote, item);
    if (quote !== null) quotes[claim.theme] = quote;
    else dropped.push(claim);
  }
  const kept = new Set(Object.keys(quotes));
  return { themes: themeIds.filter((id) => kept.has(id)), quotes, dropped: dropped.filter((claim) => !kept.has(claim.theme)) };
}

/** The quote, trimmed, when it is (case- and accent-folded) a run of whole words of the item's title or summary; else null. */
export function groundedQuote(quote: string | null, item: { title: string; summary: string }): string | null {
  if (quote === null || quote.length > MAX_QUOTE_CHARS) return null;
  const folded = foldText(quote);
  if (folded.replaceAll(' ', '').length < 3) return null;
  return ` ${foldText(item.title)} ${foldText(item.summary)} `.includes(` ${folded} `) ? quote.trim() : null;
}

/** A fact is a sentence, not the item: longer ones are not believed. */
export const MAX_FACT_CHARS = 200;
/** Share of a fact's key words that must be words of the item. */
const FACT_KEY_WORDS_FOUND = 0.75;
// Function words of the three languages: they say nothing about whether a fact is the item's.
const FUNCTION_WORDS = new Set(
  'a al algo ante as ao aos com como con contra da das de del desde do dos e el em en entre es esta este for from has have in into is its la las le lo los mas na nas no nos o of on os para pela pelo por que se sem sin sobre su sus that the their this to um uma un una uno was were will with y'.split(' '),
);

/**
 * The fact, trimmed, when it is grounded in the item: at least two key words (words other than
 * function words), and either a quote of the item or three in four of its key words the item's own.
 */
export function groundedFact(fact: string, item: { title: string; summary: string }): string | null {
  if (fact.length > MAX_FACT_CHARS) return null;
  const keys = [...new Set(foldText(fact).split(' '))].filter((word) => word.length >= 2 && !FUNCTION_WORDS.has(word));
  if (keys.length < 2) return null;
  const quoted = groundedQuote(fact, item);
  if (quoted !== null) return quoted;
  const words = new Set(`${foldText(item.title)} ${foldText(item.summary)}`.split(' '));
  const found = keys.filter((word) => words.has(word)).length;
  return found >= 2 && found >= keys.length * FACT_KEY_WORDS_FOUND ? fact.trim() : null;
}

/** An item with more themes than any real news item carries. */
export const overloaded = (themes: readonly ThemeId[]): boolean => themes.length > MAX_THEMES_PER_ITEM;

/**
 * An answer is implausible as a whole when at least two of its items, and at least half of them,
 * are overloaded: the signature of a model following an instruction to label everything.
 */
export function implausibleAnswer(themesPerItem: readonly (readonly ThemeId[])[]): boolean {
  const heavy = themesPerItem.filter(overloaded).length;
  return heavy >= 2 && heavy * 2 >= themesPerItem.length;
}

// Matched on folded text (lower case, no accents, words separated by single spaces), in the three
// languages of the feeds. News quotes people, so only phrasings addressed to a model count.
const INSTRUCTION_LIKE: RegExp[] = [
  /\b(ignore|disregard|forget|override)\b( \w+){0,4} (instructions?|prompt|rules|guidelines)\b/,
  /\b(ignora|ignore|olvida|esquece|esqueca|descarta|desconsidere)\b( \w+){0,4} (instrucciones|instrucoes|reglas|regras|indicaciones)\b/,
  /\b(new|nuevas|novas) (instructions|instrucciones|instrucoes)\b/,
  /\b(system|assistant|sistema) (prompt|message|mensaje|mensagem)\b/,
  /\b(label|classify|tag|etiqueta|clasifica|classifique|rotule|marca)\b( \w+){0,4} (every|all|each|todos|todas|cada) (themes?|labels?|temas?|categories|categorias|etiquetas)\b/,
  /\b(you are now|a partir de ahora eres|agora voce e)\b/,
  /\b(answer|respond|responde|responda) (with|only|con|solo|com|apenas)\b( \w+){0,3} (json|items)\b/,
];

/** Whether an item's text contains phrases that address a model rather than report news. */
export function looksLikeInstructions(item: { title: string; summary: string }): boolean {
  const text = `${foldText(item.title)} ${foldText(item.summary)}`;
  return INSTRUCTION_LIKE.some((pattern) => pattern.test(text));
}
