import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';
import type { DigestItem, Story } from './digest-types.js';
import { COMMON_ENTITIES, titleFeatures, type TitleFeatures } from './title-features.js';

/**
 * Groups the same story told by several outlets, in any language, into one entry. Pure and
 * deterministic: the result depends on the items, not on their order.
 *
 * Two headlines report the same event when they were published within `maxGapMs` of each other
 * and their translation-surviving features (see title-features.ts: entities, actions, numbers,
 * content words) agree: a weighted Dice overlap of at least `threshold`, with at least one shared
 * name or number (the same actors) and one shared action or further name (the same thing done),
 * and no sign of two events of one kind: names on each side that the other lacks outweighing the
 * names they share.
 * Each pair is judged on its own two headlines, so a pair is merged or not whatever else the window holds.
 *
 * Items join a story when they match at least half of its items (not just one), so a chain of
 * loosely related headlines never snowballs into one story.
 */

export interface ClusterOptions {
  /** Items further apart than this are never one story. Default 36 h. */
  maxGapMs?: number;
  /** Weighted Dice overlap of two headlines' features at which they are one story. Default 0.4. */
  threshold?: number;
  /** The lead item is taken in this language when the story has one. */
  preferredLanguage?: Language;
}

const DEFAULTS = { maxGapMs: 36 * 3_600_000, threshold: 0.4 };
const UNNAMED_THRESHOLD = 0.6;
const NEAR_IDENTICAL = 0.9;

/** How much a shared feature says about two headlines being one event. */
const WEIGHTS = { entity: 2, commonEntity: 1, action: 1.5, number: 1.5, token: 1 };

interface Node {
  item: DigestItem;
  features: TitleFeatures;
  /** Sum of the weights of its features. */
  mass: number;
}

export interface PairScore {
  /** Weighted Dice overlap in [0, 1]. */
  similarity: number;
  sameStory: boolean;
}

/**
 * Below this share of the threshold, two headlines are plainly different stories; between it and a
 * merge, the pair is uncertain, and an LLM may be asked (see `uncertainPairs`).
 */
const UNCERTAIN_FLOOR = 0.5;

export function clusterStories(items: DigestItem[], options: ClusterOptions = {}): Story[] {
  const settings = { ...DEFAULTS, ...options };
  const nodes = items.map(toNode);
  const ordered = [...nodes].sort((a, b) => byTime(a.item, b.item) || a.item.id - b.item.id);
  const clusters: Node[][] = [];
  for (const node of ordered) {
    let best: { cluster: Node[]; share: number } | undefined;
    for (const cluster of clusters) {
      const matches = cluster.filter((other) => scorePair(node, other, settings).sameStory).length;
      const share = matches / cluster.length;
      if (matches > 0 && share >= 0.5 && (!best || share > best.share)) best = { cluster, share };
    }
    if (best) best.cluster.push(node);
    else clusters.push([node]);
  }
  return clusters
    .map((cluster) => toStory(cluster.map((node) => node.item), options.preferredLanguage))
    .sort((a, b) => a.lead.id - b.lead.id);
}

/** Whether two items are one story, and how close they came: evaluation ranks its worst merges and splits by this. */
export function compareItems(a: DigestItem, b: DigestItem, options: ClusterOptions = {}): PairScore {
  return scorePair(toNode(a), toNode(b), { ...DEFAULTS, ...options });
}

/**
 * Index pairs of `items` that are not one story but came close: within the time gap, with a
 * similarity of at least half the threshold (pairs over it that a veto held back included). An
 * LLM reading both headlines may settle them (`DigestItem.confirmedSame`).
 */
export function uncertainPairs(items: readonly DigestItem[], options: ClusterOptions = {}): [number, number][] {
  const settings = { ...DEFAULTS, ...options };
  const nodes = items.map(toNode);
  const pairs: [number, number][] = [];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i] as Node;
      const b = nodes[j] as Node;
      if (a.item.contentHash === b.item.contentHash) continue;
      const score = scorePair(a, b, settings);
      if (!score.sameStory && score.similarity >= settings.threshold * UNCERTAIN_FLOOR) pairs.push([i, j]);
    }
  }
  return pairs;
}

function toNode(item: DigestItem): Node {
  const features = titleFeatures(item.title);
  let mass = features.actions.size * WEIGHTS.action + features.numbers.size * WEIGHTS.number + features.tokens.size * WEIGHTS.token;
  for (const entity of features.entities) mass += entityWeight(entity);
  return { item, features, mass };
}

function entityWeight(entity: string): number {
  return COMMON_ENTITIES.has(entity) ? WEIGHTS.commonEntity : WEIGHTS.entity;
}

/** Undated items (publishedAt NaN) sort last; their time gap is unknown, not large. */
function byTime(a: DigestItem, b: DigestItem): number {
  const at = Number.isNaN(a.publishedAt) ? Infinity : a.publishedAt;
  const bt = Number.isNaN(b.publishedAt) ? Infinity : b.publishedAt;
  return at === bt ? 0 : at < bt ? -1 : 1;
}

function scorePair(a: Node, b: Node, settings: typeof DEFAULTS): PairScore {
  if (a.item.id === b.item.id || (a.item.url && a.item.url === b.item.url)) return { similarity: 1, sameStory: true };
  if (Math.abs(a.item.publishedAt - b.item.publishedAt) > settings.maxGapMs) return { similarity: 0, sameStory: false };
  let shared = 0;
  let actors = 0;
  let sharedNumbers = 0;
  let distinctive = 0;
  for (const entity of a.features.entities) {
    if (!b.features.entities.has(entity)) continue;
    shared += entityWeight(entity);
    actors++;
    if (!COMMON_ENTITIES.has(entity)) distinctive++;
  }
  const sharedActors = shared;
  const onlyA = unsharedWeight(a.features.entities, b.features.entities);
  const onlyB = unsharedWeight(b.features.entities, a.features.entities);
  for (const number of a.features.numbers) {
    if (!b.features.numbers.has(number)) continue;
    shared += WEIGHTS.number;
    actors++;
    sharedNumbers++;
  }
  let actions = 0;
  for (const action of a.features.actions) {
    if (!b.features.actions.has(action)) continue;
    shared += WEIGHTS.action;
    actions++;
  }
  for (const token of a.features.tokens) if (b.features.tokens.has(token)) shared += WEIGHTS.token;
  const total = a.mass + b.mass;
  const similarity = total === 0 ? 0 : (2 * shared) / total;
  // Near-identical wording needs no action word: one report copied by several outlets, whatever its verb.
  const sameThing = actions > 0 || distinctive > 1 || similarity >= NEAR_IDENTICAL;
  // "Another derailment", "a new strike": one of a series, the same event only if a count ties them.
  const anotherOne = (a.features.novel || b.features.novel) && sharedNumbers === 0;
  // Each naming someone the other does not (Lula–Macron / Lula–Xi, tariffs on Brazil / on Colombia),
  // outweighing who they share: two events of one kind. Differing counts alone are not: tolls get updated.
  const otherActors = onlyA > 0 && onlyB > 0 && sharedActors <= Math.max(onlyA, onlyB);
  // Without a shared name or number ("Gobierno anuncia…" / "Jorge Rodríguez anunció…"), only near-identical wording will do.
  const enough = actors > 0 ? similarity >= settings.threshold : actions > 1 && similarity >= UNNAMED_THRESHOLD;
  // An LLM that read both headlines said they are one event: it weighs more than the features.
  const confirmed = confirmedPair(a.item, b.item);
  return { similarity, sameStory: confirmed || (sameThing && !anotherOne && !otherActors && enough) };
}

function confirmedPair(a: DigestItem, b: DigestItem): boolean {
  return (a.confirmedSame?.includes(b.contentHash) ?? false) || (b.confirmedSame?.includes(a.contentHash) ?? false);
}

/** Names one headline has and the other lacks; the ubiquitous ones are left out, as most reports could add them. */
function unsharedWeight(entities: ReadonlySet<string>, other: ReadonlySet<string>): number {
  let weight = 0;
  for (const entity of entities) if (!other.has(entity) && !COMMON_ENTITIES.has(entity)) weight += entityWeight(entity);
  return weight;
}

function toStory(items: DigestItem[], preferredLanguage: Language | undefined): Story {
  const best = (item: DigestItem) => Math.max(0, ...Object.values(item.themes).map((score) => score ?? 0));
  const sorted = [...items].sort(
    (a, b) =>
      Number(b.language === preferredLanguage) - Number(a.language === preferredLanguage) ||
      best(b) - best(a) ||
      byTime(a, b) ||
      a.id - b.id,
  );
  const lead = sorted[0] as DigestItem;
  const themes: Partial<Record<ThemeId, number>> = {};
  for (const item of sorted) {
    for (const [theme, score] of Object.entries(item.themes) as [ThemeId, number][]) {
      themes[theme] = Math.max(themes[theme] ?? 0, score);
    }
  }
  return {
    id: `s${lead.id}`,
    lead,
    items: sorted,
    outlets: distinct(sorted.map((item) => item.outlet)),
    languages: distinct(sorted.map((item) => item.language)),
    themes,
    latestAt: Math.max(...sorted.map((item) => item.publishedAt)),
  };
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}
