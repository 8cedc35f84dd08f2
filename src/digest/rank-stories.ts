import type { ThemeId } from '../core/themes.js';
import type { RankedStory, Story } from './digest-types.js';

/**
 * Orders a theme's stories and keeps the top N. Pure.
 *
 * score = 0.45 · theme score (how squarely the story is about the theme)
 *       + 0.25 · outlets (1 outlet → 0, 8 or more → 1, logarithmic)
 *       + 0.20 · recency (window start → 0, window end → 1)
 *       + 0.10 · languages (one → 0, three → 1)
 * Then source diversity: stories are picked greedily, and each story already picked from the same
 * lead outlet lowers the next one's score by `sameOutletPenalty`, so one prolific outlet cannot
 * fill a theme alone. Ties go to the newer story, then the lower id.
 */

export interface RankWeights {
  theme: number;
  outlets: number;
  recency: number;
  languages: number;
  sameOutletPenalty: number;
}

export const DEFAULT_WEIGHTS: RankWeights = { theme: 0.45, outlets: 0.25, recency: 0.2, languages: 0.1, sameOutletPenalty: 0.08 };

export interface RankWindow {
  from: number;
  to: number;
}

export function storyScore(story: Story, theme: ThemeId, window: RankWindow, weights: RankWeights = DEFAULT_WEIGHTS): number {
  const themeScore = clamp(story.themes[theme] ?? 0);
  const outlets = clamp(Math.log2(story.outlets.length) / 3);
  const span = window.to - window.from;
  const recency = span > 0 ? clamp((story.latestAt - window.from) / span) : 1;
  const languages = clamp((story.languages.length - 1) / 2);
  return weights.theme * themeScore + weights.outlets * outlets + weights.recency * recency + weights.languages * languages;
}

export function rankStories(
  stories: Story[],
  theme: ThemeId,
  window: RankWindow,
  limit: number,
  weights: RankWeights = DEFAULT_WEIGHTS,
): RankedStory[] {
  const scored = stories.map((story) => ({ ...story, score: storyScore(story, theme, window, weights) }));
  const picked: RankedStory[] = [];
  const perOutlet = new Map<string, number>();
  const remaining = [...scored];
  while (picked.length < limit && remaining.length > 0) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    remaining.forEach((story, index) => {
      const value = story.score - weights.sameOutletPenalty * (perOutlet.get(story.lead.outlet) ?? 0);
      const best = remaining[bestIndex] as RankedStory;
      if (value > bestValue + 1e-12 || (Math.abs(value - bestValue) <= 1e-12 && before(story, best))) {
        bestIndex = index;
        bestValue = value;
      }
    });
    const [story] = remaining.splice(bestIndex, 1) as [RankedStory];
    picked.push(story);
    perOutlet.set(story.lead.outlet, (perOutlet.get(story.lead.outlet) ?? 0) + 1);
  }
  return picked;
}

function before(a: Story, b: Story): boolean {
  return a.latestAt !== b.latestAt ? a.latestAt > b.latestAt : a.lead.id < b.lead.id;
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
