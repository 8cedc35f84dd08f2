import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { THEME_IDS, type ThemeId } from '../../src/core/themes.js';
import { LANGUAGES } from '../../src/core/types.js';
import type { Digest, RankedStory } from '../../src/digest/digest-types.js';
import { linkedTitle } from '../../src/digest/format-story.js';
import { renderDiscordDigest } from '../../src/digest/render-discord.js';
import { renderMarkdown } from '../../src/digest/render-markdown.js';
import { DISCORD_LIMITS, embedLength, messageViolations } from '../../src/digest/split-messages.js';

/** Text that tends to break renderers: Markdown, mentions, newlines, emoji, very long runs. */
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('@everyone', '<@&123456789012345678>', '**[x](https://evil.example)**', '```', '\n# h\n> q', '😀'.repeat(300), '\\'.repeat(50)),
  fc.string({ maxLength: 3000 }),
);

const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constant(null), nasty, fc.constant(`https://x.example/${'a'.repeat(3000)}`));

const storyArb = (id: number) =>
  fc
    .record({
      title: nasty,
      url,
      outlets: fc.array(nasty, { minLength: 1, maxLength: 30 }),
      language: fc.constantFrom(...LANGUAGES),
    })
    .map(({ title, url: link, outlets, language }): RankedStory => {
      const lead = { id, title, url: link, outlet: outlets[0] as string, language, publishedAt: 0, reachedAt: 0, themes: {}, contentHash: `h${id}` };
      return { id: `s${id}`, lead, items: [lead], outlets, languages: [language], themes: {}, latestAt: 0, score: 0.5 };
    });

const digestArb: fc.Arbitrary<Digest> = fc
  .record({
    themes: fc.uniqueArray(fc.constantFrom(...THEME_IDS), { maxLength: THEME_IDS.length }),
    sizes: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: THEME_IDS.length, maxLength: THEME_IDS.length }),
    overviews: fc.array(fc.option(nasty, { nil: null }), { minLength: THEME_IDS.length, maxLength: THEME_IDS.length }),
    language: fc.constantFrom(...LANGUAGES),
    seed: fc.integer(),
  })
  .chain(({ themes, sizes, overviews, language }) => {
    let next = 1;
    const sections = themes.map((theme, index) =>
      fc.tuple(...Array.from({ length: sizes[index] ?? 0 }, () => storyArb(next++))).map((stories) => ({
        theme: theme as ThemeId,
        stories: stories as RankedStory[],
        candidates: stories.length + 3,
        overview: overviews[index] ?? null,
      })),
    );
    return fc.tuple(...sections).map((built) => ({
      schedule: 'daily',
      language,
      timezone: 'UTC',
      from: Date.UTC(2026, 0, 1),
      to: Date.UTC(2026, 0, 2),
      sections: built.filter((section) => section.stories.length > 0),
    }));
  });

describe('splitting a digest into Discord messages (property)', () => {
  it('respects every limit and carries every story exactly once, in order', () => {
    fc.assert(
      fc.property(digestArb, (digest) => {
        const parts = renderDiscordDigest(digest);
        const expected = digest.sections.flatMap((section) => section.stories.map((s) => s.id));
        for (const part of parts) {
          expect(messageViolations(part.body)).toEqual([]);
          expect(part.body.allowed_mentions).toEqual({ parse: [] });
          expect(part.body.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
          expect(part.body.embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
        }
        expect(parts.flatMap((part) => part.storyIds)).toEqual(expected);
        // The story is really in the message that claims it.
        const stories = new Map(digest.sections.flatMap((s) => s.stories).map((s) => [s.id, s]));
        for (const part of parts) {
          const text = part.body.embeds.map((e) => e.description ?? '').join('\n');
          for (const id of part.storyIds) expect(text).toContain(linkedTitle(stories.get(id) as RankedStory));
        }
        if (expected.length === 0) expect(parts).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('renders the same digest as Markdown with every story', () => {
    fc.assert(
      fc.property(digestArb, (digest) => {
        const markdown = renderMarkdown(digest);
        for (const section of digest.sections) for (const story of section.stories) expect(markdown).toContain(linkedTitle(story));
      }),
      { numRuns: 50 },
    );
  });
});
