import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord.js';
import { redactCredentials } from '../core/redact-credentials.js';
import type { ThemeId } from '../core/themes.js';
import { THEME_COLORS } from '../digest/digest-labels.js';
import { collapse, cut, escapeMarkdown, linkTarget, outletName } from '../digest/format-story.js';
import { DISCORD_LIMITS } from '../digest/split-messages.js';
import type { FeedRow } from '../core/feed.js';
import type { ThemeRoute } from '../core/theme-route.js';
import type { SearchHit } from '../core/search.js';
import { SEARCH_PAGE_SIZE, encodeSearchPage, quoted, type SearchPageState } from './command-options.js';
import type { ThemeInfo } from './theme-names.js';

export type { ThemeInfo } from './theme-names.js';

/**
 * Replies to slash commands, pure: search hits, latest items, theme counts, feeds and routes become
 * content, embeds and buttons within Discord's limits. Everything that came from outside (titles,
 * feed names, what a person typed) is escaped, and every reply parses no mentions, so a headline
 * saying @everyone pings no one.
 */

export interface Reply {
  /** May be empty when embeds carry the answer. */
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowedMentions: { parse: [] };
  /** Attachments (a chart), uploaded with the reply. */
  files?: { attachment: Buffer; name: string }[];
}

export const NO_MENTIONS: { parse: [] } = { parse: [] };

/** A one-sentence answer. */
export function notice(text: string): Reply {
  return { content: cut(text, DISCORD_LIMITS.content), embeds: [], components: [], allowedMentions: NO_MENTIONS };
}

/** The answer to an unexpected error: short, no details, and the reference that is in the log line. */
export function apology(reference: string): Reply {
  return notice(
    `Sorry, something went wrong on our side and this did not work. If it keeps happening, give the server admins this reference: \`${reference}\`.`,
  );
}

/** Each result line gets an equal share of an embed description, so ten always fit. */
const LINE_BUDGET = Math.floor((DISCORD_LIMITS.description - 300) / SEARCH_PAGE_SIZE) - 1;
const MAX_HIT_TITLE = 160;

/**
 * `**3.** [Title](url) — Outlet · es · <t:…:R>`, linked only when the link fits the line budget; a
 * long title is shortened (before escaping, so no escape or timestamp is ever cut in half).
 */
export function hitLine(position: number, hit: SearchHit): string {
  const details = `${outletName(hit.source ?? hit.feedName)} · ${hit.language} · <t:${Math.floor(hit.publishedAt / 1000)}:R>`;
  const plain = collapse(hit.title) || '(untitled)';
  const line = (max: number, href: string | null) => {
    const title = escapeMarkdown(cut(plain, max));
    return href === null ? `**${position}.** ${title} — ${details}` : `**${position}.** [${title}](${href}) — ${details}`;
  };
  const href = linkTarget(hit.url);
  // A link is worth shortening a long title a little, not more.
  for (const max of href === null ? [] : [MAX_HIT_TITLE, 120, 80]) {
    const linked = line(max, href);
    if (linked.length <= LINE_BUDGET) return linked;
  }
  for (const max of [MAX_HIT_TITLE, 120, 80, 40, 20]) {
    const plainLine = line(max, null);
    if (plainLine.length <= LINE_BUDGET) return plainLine;
  }
  return cut(line(20, null), LINE_BUDGET);
}

function themeName(themes: readonly ThemeInfo[], id: ThemeId): string {
  return themes.find((theme) => theme.id === id)?.name ?? id;
}

/** "theme: Trade… · last 7 days · language: pt" */
function describeFilters(state: Omit<SearchPageState, 'page' | 'query'>, themes: readonly ThemeInfo[]): string {
  const parts: string[] = [];
  if (state.theme) parts.push(`theme: ${escapeMarkdown(themeName(themes, state.theme))}`);
  if (state.days !== undefined) parts.push(state.days === 1 ? 'last 24 hours' : `last ${state.days} days`);
  if (state.language) parts.push(`language: ${state.language}`);
  return parts.join(' · ');
}

export function renderSearchPage(state: SearchPageState, page: { hits: SearchHit[]; more: boolean }, themes: readonly ThemeInfo[]): Reply {
  const filters = describeFilters(state, themes);
  const asked = `“${quoted(state.query)}”${filters ? ` · ${filters}` : ''}`;
  const buttons = pageButtons(state, page.more);
  if (page.hits.length === 0) {
    const text =
      state.page === 0
        ? `Nothing stored matches ${asked}. Try fewer or other words${filters ? ', or drop a filter' : ''}; accents do not matter.`
        : `No more results for ${asked}.`;
    return { ...notice(text), components: buttons };
  }
  const first = state.page * SEARCH_PAGE_SIZE + 1;
  const lines = page.hits.map((hit, index) => hitLine(first + index, hit));
  const embed: APIEmbed = {
    title: 'Search results',
    description: cut(`${asked}\n\n${lines.join('\n')}`, DISCORD_LIMITS.description),
    color: state.theme ? THEME_COLORS[state.theme] : 0x2e86de,
    footer: { text: `Page ${state.page + 1} · results ${first}–${first + page.hits.length - 1}${page.more ? ' · more on the next page' : ''}` },
  };
  return { content: '', embeds: [embed], components: buttons, allowedMentions: NO_MENTIONS };
}

/** Previous/Next, each carrying the state of the page it leads to; none when everything fits one page. */
function pageButtons(state: SearchPageState, more: boolean): Reply['components'] {
  if (state.page === 0 && !more) return [];
  const button = (label: string, page: number, disabled: boolean): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: encodeSearchPage({ ...state, page }),
    disabled,
  });
  return [
    {
      type: ComponentType.ActionRow,
      components: [button('◀ Previous', Math.max(0, state.page - 1), state.page === 0), button('Next ▶', state.page + 1, !more)],
    },
  ];
}

export function renderLatest(
  hits: SearchHit[],
  asked: { theme?: ThemeId | undefined; include: 'on-topic' | 'all' },
  themes: readonly ThemeInfo[],
): Reply {
  const { theme } = asked;
  const onTopicOnly = theme === undefined && asked.include === 'on-topic';
  const items = (count: number) => (onTopicOnly ? `${count === 1 ? 'item' : 'items'} on a theme` : `classified ${count === 1 ? 'item' : 'items'}`);
  const about = theme ? ` about ${escapeMarkdown(themeName(themes, theme))}` : '';
  if (hits.length === 0) {
    return notice(`No ${items(2)}${about} yet. Feeds are polled every few minutes; try again later.`);
  }
  const scope = theme ? ' of this theme' : onTopicOnly ? ' (include: all shows off-topic ones too)' : ', off-topic ones included';
  const embed: APIEmbed = {
    title: cut(theme ? `Latest: ${themeName(themes, theme)}` : 'Latest news', DISCORD_LIMITS.title),
    description: cut(hits.map((hit, index) => hitLine(index + 1, hit)).join('\n'), DISCORD_LIMITS.description),
    color: theme ? THEME_COLORS[theme] : 0x2e86de,
    footer: { text: `The ${hits.length} newest ${items(hits.length)}${scope}` },
  };
  return { content: '', embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

export function renderThemes(themes: readonly ThemeInfo[], counts: ReadonlyMap<ThemeId, { day: number; week: number }>): Reply {
  const lines = themes.map((theme) => {
    const count = counts.get(theme.id) ?? { day: 0, week: 0 };
    return `**${escapeMarkdown(cut(theme.name, 100))}** · \`${theme.id}\`\n24 h: **${count.day}** · 7 days: **${count.week}**`;
  });
  const embed: APIEmbed = {
    title: 'Themes',
    description: cut(lines.join('\n\n'), DISCORD_LIMITS.description),
    color: 0x2e86de,
    footer: { text: 'Items published in the last 24 hours and 7 days; one item can carry several themes.' },
  };
  return { content: '', embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

export type FeedWithItems = FeedRow & { items: number };

function feedHost(url: string): string {
  try {
    return escapeMarkdown(new URL(url).host);
  } catch {
    return '?';
  }
}

/** Lines into one embed description, with "…and N more" when they do not all fit. */
function fitLines(lines: string[], more: (count: number) => string, max: number = DISCORD_LIMITS.description): string {
  let text = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const tail = index + 1 < lines.length ? `\n${more(lines.length - index - 1)}` : '';
    const next = text === '' ? line : `${text}\n${line}`;
    if (next.length + tail.length > max) return `${text}\n${more(lines.length - index)}`.trim();
    text = next;
  }
  return text;
}

const MAX_FEED_NAME = 80;
const seeCli = (count: number) => `…and ${count} more (\`npx sancocho feeds\` on the server lists them all).`;

export function renderFeedList(feeds: FeedWithItems[]): Reply {
  if (feeds.length === 0) return notice('No feeds yet. An admin can add one with /feeds add.');
  const lines = feeds.map((feed) => {
    const name = escapeMarkdown(cut(collapse(feed.name), MAX_FEED_NAME));
    const origin = feed.origin === 'user' ? 'added from Discord' : 'config file';
    return `**${name}** · ${feedHost(feed.url)} · ${feed.language ?? 'auto'} · ${origin} · ${feed.status} · ${feed.items} ${feed.items === 1 ? 'item' : 'items'}`;
  });
  const embed: APIEmbed = {
    title: `Feeds (${feeds.length})`,
    description: fitLines(lines, seeCli),
    color: 0x2e86de,
  };
  return { content: '', embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

const STATUS_ORDER: Record<FeedRow['status'], number> = { disabled: 0, failing: 1, active: 2 };
const STATUS_MARK: Record<FeedRow['status'], string> = { disabled: '⚫', failing: '🔴', active: '🟢' };

/** Health: trouble first (disabled, failing, then feeds with recent errors), each with its last success and error. */
export function renderFeedStatus(feeds: FeedRow[]): Reply {
  if (feeds.length === 0) return notice('No feeds yet. An admin can add one with /feeds add.');
  const count = (status: FeedRow['status']) => feeds.filter((feed) => feed.status === status).length;
  const erring = feeds.filter((feed) => feed.status === 'active' && feed.consecutiveErrors > 0).length;
  const summary = `${feeds.length} feeds: ${count('active')} active (${erring} with recent errors), ${count('failing')} failing, ${count('disabled')} disabled.`;
  const sorted = [...feeds].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.consecutiveErrors - a.consecutiveErrors || a.name.localeCompare(b.name),
  );
  const lines = sorted.map((feed) => {
    const name = escapeMarkdown(cut(collapse(feed.name), MAX_FEED_NAME));
    const success = feed.lastSuccessAt === null ? 'never succeeded' : `last success <t:${Math.floor(feed.lastSuccessAt / 1000)}:R>`;
    const errors = feed.consecutiveErrors > 0 ? ` · ${feed.consecutiveErrors} ${feed.consecutiveErrors === 1 ? 'error' : 'errors'} in a row` : '';
    const last =
      feed.status !== 'active' || feed.consecutiveErrors > 0
        ? feed.lastErrorKind
          ? ` · ${escapeMarkdown(feed.lastErrorKind)}: ${escapeMarkdown(cut(collapse(redactCredentials(feed.lastErrorMessage ?? '')), 100))}`
          : ''
        : '';
    return `${STATUS_MARK[feed.status]} **${name}** (${feed.status}) · ${success}${errors}${last}`;
  });
  const embed: APIEmbed = {
    title: 'Feed health',
    description: fitLines([summary, '', ...lines], seeCli),
    color: count('failing') + count('disabled') > 0 ? 0xee5253 : 0x10ac84,
  };
  return { content: '', embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

/** "Routes on this server:" and one line per theme → channel. */
export function describeRoutes(routes: ThemeRoute[], themes: readonly ThemeInfo[]): string {
  if (routes.length === 0) return 'No themes are routed to channels on this server.';
  const lines = routes.map((route) => `• ${escapeMarkdown(cut(themeName(themes, route.theme), 100))} → <#${route.channelId}>`);
  return fitLines(['Routes on this server:', ...lines], (count) => `…and ${count} more.`, 1500);
}
