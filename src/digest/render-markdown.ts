import { DIGEST_WORDS, THEME_HEADINGS, digestHeading } from './digest-labels.js';
import type { Digest } from './digest-types.js';
import { escapeMarkdown, storyLine } from './format-story.js';

/** The digest as Markdown, for the terminal and for files in `data/digests/`. Pure. */
export function renderMarkdown(digest: Digest): string {
  return `${[`# ${digestHeading(digest)}`, '', ...markdownSections(digest)].join('\n').trimEnd()}\n`;
}

/** The digest's theme sections (or its "no news" line) as Markdown lines, for the digest and the weekly briefing. */
export function markdownSections(digest: Digest): string[] {
  const words = DIGEST_WORDS[digest.language];
  const lines: string[] = [];
  if (digest.sections.length === 0) lines.push(words.empty, '');
  for (const section of digest.sections) {
    lines.push(`## ${THEME_HEADINGS[section.theme][digest.language]}`, '');
    if (section.overview) lines.push(`> **${words.overviewLabel}:** ${escapeMarkdown(section.overview)}`, '');
    section.stories.forEach((story, index) => {
      lines.push(`${index + 1}. ${storyLine(story, digest.language)}`);
    });
    const outlets = new Set(section.stories.flatMap((story) => story.outlets)).size;
    lines.push('', `_${words.sectionFooter(section.stories.length, section.candidates, outlets)}_`, '');
  }
  return lines;
}
