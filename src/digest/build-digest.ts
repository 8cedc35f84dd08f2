import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';
import { clusterStories, type ClusterOptions } from './cluster-stories.js';
import type { Digest, DigestItem, DigestSection, Story } from './digest-types.js';
import { rankStories, type RankWeights } from './rank-stories.js';
import { alreadyReceived } from './received-stories.js';

export interface DigestPlan {
  schedule: string;
  /** The themes to cover, in the order their sections appear. */
  themes: readonly ThemeId[];
  maxPerTheme: number;
  language: Language;
  timezone: string;
  /** The window [from, to): of the times items reached Sancocho (see `inWindow`). */
  from: number;
  to: number;
}

/**
 * Items → digest, pure: keep the items of the window that carry one of the plan's themes, cluster
 * them into stories across outlets and languages, give each story to the theme it is most about
 * (so a story appears once in the whole digest), leave out the stories the destination already
 * received (`received`: item id → the title it went out with), rank each theme's stories and keep
 * the top N. Themes with no story are left out; overviews are added later (`addOverviews`).
 */
export function buildDigest(
  plan: DigestPlan,
  items: DigestItem[],
  options: { cluster?: ClusterOptions; weights?: RankWeights; received?: ReadonlyMap<number, string> } = {},
): Digest {
  const wanted = new Set(plan.themes);
  const kept = items.filter(
    (item) => inWindow(item, plan) && (Object.keys(item.themes) as ThemeId[]).some((theme) => wanted.has(theme)),
  );
  const clustered = clusterStories(dedupeById(kept), { preferredLanguage: plan.language, ...options.cluster });
  const received = options.received ?? new Map<number, string>();
  const stories = clustered.filter((story) => !alreadyReceived(story, received));
  const byTheme = new Map<ThemeId, Story[]>(plan.themes.map((theme) => [theme, []]));
  for (const story of stories) byTheme.get(primaryTheme(story, plan.themes))?.push(story);

  const sections: DigestSection[] = [];
  for (const theme of plan.themes) {
    const candidates = byTheme.get(theme) ?? [];
    if (candidates.length === 0) continue;
    const ranked = rankStories(candidates, theme, plan, plan.maxPerTheme, options.weights);
    sections.push({ theme, stories: ranked, candidates: candidates.length, overview: null });
  }
  const digest: Digest = { schedule: plan.schedule, language: plan.language, timezone: plan.timezone, from: plan.from, to: plan.to, sections };
  const repeats = clustered.length - stories.length;
  return repeats > 0 ? { ...digest, alreadyReceived: repeats } : digest;
}

/**
 * A story belongs to the first digest whose window it reached Sancocho in (stored and classified),
 * whenever it was published: one published at 07:58 and fetched at 08:03 is in the 08:00–next
 * digest, not in none. Only news older than one window before the window's start is left out.
 */
export function inWindow(item: Pick<DigestItem, 'publishedAt' | 'reachedAt'>, window: { from: number; to: number }): boolean {
  return item.reachedAt >= window.from && item.reachedAt < window.to && item.publishedAt >= window.from - (window.to - window.from);
}

/**
 * The plan's theme the story is most about: its best score; on a tie (LLM labels all score 1), the
 * theme more of its items carry, by total score; then the theme listed first.
 */
export function primaryTheme(story: Story, themes: readonly ThemeId[]): ThemeId {
  let best = themes[0] as ThemeId;
  let bestScore = -1;
  let bestTotal = -1;
  for (const theme of themes) {
    const score = story.themes[theme];
    if (score === undefined) continue;
    const total = story.items.reduce((sum, item) => sum + (item.themes[theme] ?? 0), 0);
    if (score > bestScore || (score === bestScore && total > bestTotal)) {
      best = theme;
      bestScore = score;
      bestTotal = total;
    }
  }
  return best;
}

export function addOverviews(digest: Digest, overviews: ReadonlyMap<ThemeId, string>): Digest {
  return {
    ...digest,
    sections: digest.sections.map((section) => ({ ...section, overview: overviews.get(section.theme) ?? section.overview })),
  };
}

function dedupeById(items: DigestItem[]): DigestItem[] {
  const seen = new Map<number, DigestItem>();
  for (const item of items) if (!seen.has(item.id)) seen.set(item.id, item);
  return [...seen.values()];
}
