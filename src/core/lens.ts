/** The essay's lens on an item: which way it moves integration, what holds it back, who is involved (config/lens.yaml). */

export const DIRECTIONS = ['advancing', 'stalling', 'reversing', 'none'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const OBSTACLE_IDS = ['shallow-institutions', 'weak-delegation', 'ideological-instrumentalization'] as const;
export type ObstacleId = (typeof OBSTACLE_IDS)[number];

/** The regional bodies an item can be about; countries are ISO 3166-1 alpha-2 codes. */
export const BODY_IDS = ['mercosur', 'celac', 'can', 'alba', 'unasur', 'sica', 'caricom', 'oas', 'pacific-alliance', 'prosur', 'brics'] as const;
export type BodyId = (typeof BODY_IDS)[number];

export interface LensReading {
  direction: Direction;
  obstacles: ObstacleId[];
  /** Bodies first, then countries, each group in alphabetical order. */
  actors: string[];
  /** The phrases that fired, as found in the text: `advancing: "firman en asuncion el acuerdo" (title)`. */
  evidence: string[];
}

/** How important an on-topic item is, from the LLM: a score, and the fact in the item that makes it so. */
export interface ItemImportance {
  /** In [0, 1]. */
  score: number;
  /** Grounded in the item: a quote of it, or a sentence whose key words are in it. */
  fact: string;
}

/** An item's lens reading as stored with its classification: who read it, and on what. */
export interface ItemLensReading extends LensReading {
  source: 'offline' | 'llm';
  /** The LLM's words of the item that ground `direction`; null for an offline reading or `none`. */
  quote: string | null;
  /** The LLM's importance; null for an offline reading or when the model gave none that holds. */
  importance: ItemImportance | null;
}

/** A stored reading, with when it was made. */
export interface StoredLensReading extends ItemLensReading {
  itemId: number;
  readAt: number;
}

// ICU names some codes that are not countries (the EU, the UN, the "unknown region"): not actors.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);
const REGION_NAMES = new Intl.DisplayNames('en', { type: 'region', fallback: 'none' });

/** Whether `code` is an ISO 3166-1 alpha-2 country code (upper case), as the runtime's ICU data knows them. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.has(code) && REGION_NAMES.of(code) !== undefined;
}

const BODIES: ReadonlySet<string> = new Set(BODY_IDS);

/** A body id or a country code as an actor, from loose spellings ("Mercosur", "Pacific Alliance", "ar"); null when it is neither. */
export function normalizeActor(value: string): string | null {
  const trimmed = value.trim();
  const slug = trimmed.toLowerCase().replace(/[\s_]+/g, '-');
  if (BODIES.has(slug)) return slug;
  const code = trimmed.toUpperCase();
  return isCountryCode(code) ? code : null;
}

/** Bodies first, then countries, each group in alphabetical order, each once (as the offline reader lists them). */
export function sortActors(actors: readonly string[]): string[] {
  const unique = [...new Set(actors)];
  return [...unique.filter((actor) => BODIES.has(actor)).sort(), ...unique.filter((actor) => !BODIES.has(actor)).sort()];
}
