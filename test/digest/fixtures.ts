import type { ThemeId } from '../../src/core/themes.js';
import type { Language } from '../../src/core/types.js';
import type { Digest, DigestItem, RankedStory, Story } from '../../src/digest/digest-types.js';

export const HOUR = 3_600_000;
/** 2026-05-03 12:00 UTC: a fixed "now" for pure tests. */
export const NOW = Date.UTC(2026, 4, 3, 12);

let nextId = 1;

export function item(title: string, overrides: Partial<DigestItem> = {}): DigestItem {
  const id = overrides.id ?? nextId++;
  return {
    id,
    title,
    url: `https://news.example/${id}`,
    outlet: 'Outlet',
    language: 'es' as Language,
    publishedAt: NOW - HOUR,
    reachedAt: NOW - HOUR,
    themes: { 'regional-integration': 0.8 } as Partial<Record<ThemeId, number>>,
    contentHash: `hash-${id}`,
    ...overrides,
  };
}

export function story(lead: DigestItem, others: DigestItem[] = [], score = 0.5): RankedStory {
  const items = [lead, ...others];
  const themes: Partial<Record<ThemeId, number>> = {};
  for (const i of items) for (const [t, s] of Object.entries(i.themes) as [ThemeId, number][]) themes[t] = Math.max(themes[t] ?? 0, s);
  const base: Story = {
    id: `s${lead.id}`,
    lead,
    items,
    outlets: [...new Set(items.map((i) => i.outlet))],
    languages: [...new Set(items.map((i) => i.language))],
    themes,
    latestAt: Math.max(...items.map((i) => i.publishedAt)),
  };
  return { ...base, score };
}

export function digestOf(sections: { theme: ThemeId; stories: RankedStory[]; overview?: string | null; candidates?: number }[], language: Language = 'es'): Digest {
  return {
    schedule: 'daily',
    language,
    timezone: 'America/Caracas',
    from: NOW - 24 * HOUR,
    to: NOW,
    sections: sections.map((s) => ({ theme: s.theme, stories: s.stories, overview: s.overview ?? null, candidates: s.candidates ?? s.stories.length })),
  };
}
