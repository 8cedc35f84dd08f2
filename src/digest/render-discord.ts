import { DIGEST_WORDS, THEME_COLORS, THEME_HEADINGS, digestHeading } from './digest-labels.js';
import type { Digest, DigestSection } from './digest-types.js';
import { cut, escapeMarkdown, storyLine } from './format-story.js';
import {
  DISCORD_LIMITS,
  chunkLines,
  packEmbeds,
  type DiscordEmbed,
  type DiscordMessageBody,
  type EmbedBlock,
} from './split-messages.js';

/** One message of a digest, and the stories it carries (for tests and the outbox). */
export interface DiscordPart {
  body: DiscordMessageBody;
  storyIds: string[];
}

/** Overviews are 2–3 sentences; anything longer is cut so the stories keep their room. */
export const MAX_OVERVIEW_CHARS = 1200;

/**
 * The digest as Discord messages, pure: one embed per theme (more when a theme's stories overflow
 * an embed description), packed into as many messages as Discord's limits require. Every story
 * appears in exactly one message; an empty digest gives no message at all.
 */
export function renderDiscordDigest(digest: Digest): DiscordPart[] {
  const blocks = digest.sections.flatMap((section) => sectionEmbeds(section, digest.language));
  const messages = packEmbeds(blocks);
  const heading = cut(digestHeading(digest), 1800);
  const words = DIGEST_WORDS[digest.language];
  return messages.map((blocksOfMessage, index) => ({
    body: {
      content: messages.length > 1 ? `**${heading}** (${words.part(index + 1, messages.length)})` : `**${heading}**`,
      embeds: blocksOfMessage.map((block) => block.embed),
      allowed_mentions: { parse: [] },
    },
    storyIds: blocksOfMessage.flatMap((block) => block.storyIds),
  }));
}

/** A theme's embeds: the first titled with the theme, continuations marked "(cont.)". */
export function sectionEmbeds(section: DigestSection, language: Digest['language']): EmbedBlock[] {
  const words = DIGEST_WORDS[language];
  const heading = THEME_HEADINGS[section.theme][language];
  const lines = section.stories.map((story, index) => ({
    text: `**${index + 1}.** ${storyLine(story, language)}`,
    storyId: story.id,
  }));
  const overview = section.overview ? `*${escapeMarkdown(cut(section.overview, MAX_OVERVIEW_CHARS))}*\n` : '';
  const chunks = chunkLines(lines, DISCORD_LIMITS.description, overview);
  const outlets = new Set(section.stories.flatMap((story) => story.outlets)).size;
  const footer = words.sectionFooter(section.stories.length, section.candidates, outlets);
  return chunks.map((chunk, index) => {
    const embed: DiscordEmbed = {
      title: cut(index === 0 ? heading : `${heading} ${words.continued}`, DISCORD_LIMITS.title),
      description: chunk.text,
      color: THEME_COLORS[section.theme],
    };
    if (index === chunks.length - 1) embed.footer = { text: cut(footer, DISCORD_LIMITS.footer) };
    return { embed, storyIds: chunk.lines.map((line) => line.storyId) };
  });
}
