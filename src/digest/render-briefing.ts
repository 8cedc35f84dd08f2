import { renderBarometerChartSvg } from './barometer-chart.js';
import { BRIEFING_WORDS, formatAverage, formatSigned } from './briefing-labels.js';
import type { Briefing } from './build-briefing.js';
import { DIGEST_WORDS, THEME_HEADINGS, formatDigestDate } from './digest-labels.js';
import { cut } from './format-story.js';
import { sectionEmbeds, type DiscordPart } from './render-discord.js';
import { markdownSections } from './render-markdown.js';
import { DISCORD_LIMITS, packEmbeds, type EmbedBlock } from './split-messages.js';
import { svgToPng } from './svg-to-png.js';

/** The barometer's embed colour: the chart's index line is black; a dark slate reads on both Discord themes. */
const BAROMETER_COLOR = 0x34495e;

/** "Informe semanal · 30 nov 2026": the date the briefing's window ends, in its time zone. */
export function briefingHeading(briefing: Briefing): string {
  const { digest } = briefing;
  return `${BRIEFING_WORDS[digest.language].title} · ${formatDigestDate(digest.to - 1, digest.language, digest.timezone)}`;
}

/** The barometer's reading in two lines: the index and its change, then the stories behind it. */
export function readingLines(briefing: Briefing): string[] {
  const { language } = briefing.digest;
  const words = BRIEFING_WORDS[language];
  const { tally, previous, change } = briefing.reading;
  if (tally.index === null) return [words.noReading];
  const signed = (value: number | null) => (value === null ? null : formatSigned(value, language));
  return [
    words.reading(formatSigned(tally.index, language), signed(previous), signed(change)),
    words.tally(tally.stories, tally.advancing, tally.stalling, tally.reversing),
  ];
}

/** One line per theme mover: "**Trade and tariffs**: 14 stories this week, 6.5 on average (+7.5)". */
export function moverLines(briefing: Briefing): string[] {
  const { language } = briefing.digest;
  const words = BRIEFING_WORDS[language];
  if (briefing.movers.length === 0) return [words.noMovers];
  return briefing.movers.map(
    (mover, index) =>
      `${index + 1}. **${THEME_HEADINGS[mover.theme][language]}**: ${words.mover(mover.thisWeek, formatAverage(mover.average, language), formatSigned(mover.change, language, 1))}`,
  );
}

/** The briefing as Markdown (preview files, the terminal), linking its chart `imageName` beside it. Pure. */
export function renderBriefingMarkdown(briefing: Briefing, imageName: string): string {
  const words = BRIEFING_WORDS[briefing.digest.language];
  const lines = [
    `# ${briefingHeading(briefing)}`,
    '',
    `![${words.chartAlt}](${encodeURI(imageName)})`,
    '',
    `## ${words.barometer}`,
    '',
    readingLines(briefing).join('  \n'),
    '',
    `## ${words.movers}`,
    '',
    ...moverLines(briefing),
    '',
    ...markdownSections(briefing.digest),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * The briefing as Discord messages, pure: the first carries the barometer (with the chart, the file
 * `imageName` attached to that message) and the theme movers, then the week's top stories per theme
 * as a digest's embeds, in as many messages as Discord's limits require.
 */
export function renderBriefingDiscord(briefing: Briefing, imageName: string): DiscordPart[] {
  const { language } = briefing.digest;
  const words = BRIEFING_WORDS[language];
  const head: EmbedBlock[] = [
    {
      embed: {
        title: words.barometer,
        description: cut(readingLines(briefing).join('\n'), DISCORD_LIMITS.description),
        color: BAROMETER_COLOR,
        image: { url: `attachment://${imageName}` },
      },
      storyIds: [],
    },
    { embed: { title: cut(words.movers, DISCORD_LIMITS.title), description: moverLines(briefing).join('\n'), color: BAROMETER_COLOR }, storyIds: [] },
  ];
  const blocks = [...head, ...briefing.digest.sections.flatMap((section) => sectionEmbeds(section, language))];
  const messages = packEmbeds(blocks);
  const heading = briefingHeading(briefing);
  const part = DIGEST_WORDS[language].part;
  return messages.map((blocksOfMessage, index) => ({
    body: {
      content: messages.length > 1 ? `**${heading}** (${part(index + 1, messages.length)})` : `**${heading}**`,
      embeds: blocksOfMessage.map((block) => block.embed),
      allowed_mentions: { parse: [] },
    },
    storyIds: blocksOfMessage.flatMap((block) => block.storyIds),
  }));
}

/** The chart as PNG bytes, titled in the briefing's language. */
export function renderBriefingChart(briefing: Briefing): Buffer {
  return svgToPng(renderBarometerChartSvg(briefing.chart, briefing.digest.language));
}
