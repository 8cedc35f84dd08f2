import { DIGEST_WORDS, THEME_HEADINGS, digestHeading } from './digest-labels.js';
import type { Digest } from './digest-types.js';
import { escapeMarkdown, storyLine } from './format-story.js';

/** The digest as Markdown, for the terminal and for files in `data/digests/`. Pure. */
export function renderMarkdown(digest: Digest): string {
  const words = DIGEST_WORDS[digest.language];
  const lines = [`# ${digestHeading(digest)}`, ''];
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
  return `${lines.join('\n').trimEnd()}\n`;
}
