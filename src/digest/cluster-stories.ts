import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';
import type { DigestItem, Story } from './digest-types.js';
import { titleFeatures, type TitleFeatures } from './title-features.js';

/**
 * Groups the same story told by several outlets into one entry. Pure and deterministic: the
 * result depends on the items, not on their order.
 *
 * Two headlines tell the same story when, within `maxGapMs` of each other,
 * - in the same language, their words and names overlap enough (`sameLanguageThreshold`), or
 * - in any language, their named entities agree: at least two shared, and the sets mostly equal
 *   (a little less when a word is shared too, as cognates are across Spanish and Portuguese).
 * Entities that appear in a large share of a big batch ("Venezuela" on a Venezuela day) do not
 * count toward agreement, so two different Venezuela stories are not merged on that name alone.
 *
 * Items join a story when they match at least half of its items (not just one), so a chain of
 * loosely related headlines never snowballs into one story.
 */

export interface ClusterOptions {
  /** Items further apart than this are never one story. Default 48 h. */
  maxGapMs?: number;
  /** Jaccard similarity of words + entities for same-language headlines. Default 0.4. */
  sameLanguageThreshold?: number;
  /** Jaccard similarity of entity sets for the cross-language rule. Default 0.6. */
  entityThreshold?: number;
  /** The lead item is taken in this language when the story has one. */
  preferredLanguage?: Language;
}

const DEFAULTS = { maxGapMs: 48 * 3_600_000, sameLanguageThreshold: 0.4, entityThreshold: 0.6 };

interface Node {
  item: DigestItem;
  features: TitleFeatures;
}

export function clusterStories(items: DigestItem[], options: ClusterOptions = {}): Story[] {
  const settings = { ...DEFAULTS, ...options };
  const nodes = featuresOf(items);
  const ubiquitous = ubiquitousEntities(nodes);
  const ordered = [...nodes].sort((a, b) => a.item.publishedAt - b.item.publishedAt || a.item.id - b.item.id);
  const clusters: Node[][] = [];
  for (const node of ordered) {
    let best: { cluster: Node[]; share: number } | undefined;
    for (const cluster of clusters) {
      const matches = cluster.filter((other) => sameStory(node, other, ubiquitous, settings)).length;
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

function sameStory(
  a: Node,
  b: Node,
  ubiquitous: ReadonlySet<string>,
  settings: Required<Omit<ClusterOptions, 'preferredLanguage'>>,
): boolean {
  if (a.item.id === b.item.id) return true;
  if (Math.abs(a.item.publishedAt - b.item.publishedAt) > settings.maxGapMs) return false;
  if (a.item.url && a.item.url === b.item.url) return true;
  const shared = [...a.features.entities].filter((entity) => b.features.entities.has(entity));
  const distinctive = shared.filter((entity) => !ubiquitous.has(entity));
  const entityAgreement = jaccard(a.features.entities, b.features.entities);
  if (a.item.language === b.item.language) {
    const words = jaccard(a.features.tokens, b.features.tokens);
    const all = jaccard(union(a.features.tokens, prefixed(a.features.entities)), union(b.features.tokens, prefixed(b.features.entities)));
    if (words >= 0.5 || all >= settings.sameLanguageThreshold) return distinctive.length > 0 || words >= 0.5;
    return distinctive.length >= 2 && entityAgreement >= settings.entityThreshold && words >= 0.15;
  }
  // Across languages the words rarely match, but cognates do ("comercial", "litio"/"lítio"):
  // one shared word lets slightly less agreeing names through (Asunción / Assunção).
  const cognates = [...a.features.tokens].some((token) => b.features.tokens.has(token));
  const agreement = cognates ? settings.entityThreshold - 0.1 : settings.entityThreshold;
  return (
    entityAgreement >= agreement &&
    (distinctive.length >= 3 || (distinctive.length >= 2 && shared.length === distinctive.length))
  );
}

function featuresOf(items: DigestItem[]): Node[] {
  // First pass: names written capitalised mid-headline anywhere in the batch.
  const vocabulary = new Set<string>();
  for (const item of items) for (const word of titleFeatures(item.title).candidates) vocabulary.add(word);
  return items.map((item) => ({ item, features: titleFeatures(item.title, vocabulary) }));
}

/** In a batch of 20 or more, names found in over a tenth of the headlines tell stories apart poorly. */
function ubiquitousEntities(nodes: Node[]): Set<string> {
  const result = new Set<string>();
  if (nodes.length < 20) return result;
  const counts = new Map<string, number>();
  for (const node of nodes) for (const entity of node.features.entities) counts.set(entity, (counts.get(entity) ?? 0) + 1);
  for (const [entity, count] of counts) if (count > Math.max(3, nodes.length / 10)) result.add(entity);
  return result;
}

function toStory(items: DigestItem[], preferredLanguage: Language | undefined): Story {
  const best = (item: DigestItem) => Math.max(0, ...Object.values(item.themes).map((score) => score ?? 0));
  const sorted = [...items].sort(
    (a, b) =>
      Number(b.language === preferredLanguage) - Number(a.language === preferredLanguage) ||
      best(b) - best(a) ||
      a.publishedAt - b.publishedAt ||
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

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const value of a) if (b.has(value)) shared++;
  return shared / (a.size + b.size - shared);
}

function union(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  return new Set([...a, ...b]);
}

function prefixed(entities: ReadonlySet<string>): Set<string> {
  return new Set([...entities].map((entity) => `@${entity}`));
}
