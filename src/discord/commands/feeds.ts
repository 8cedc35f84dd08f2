import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { foldTyped } from '../../classify/fold-text.js';
import { collapse, cut, escapeMarkdown } from '../../digest/format-story.js';
import { canonicalizeUrl } from '../../feeds/canonical-url.js';
import { redactCredentials } from '../../core/redact-credentials.js';
import { addUserFeed, type AddFeedOutcome } from '../../pipeline/add-user-feed.js';
import type { FeedRow } from '../../core/feed.js';
import {
  feedAddOptions,
  feedRemoveOptions,
  noOptions,
  parseOptions,
  type FeedAddOptions,
  type FeedRemoveOptions,
  type Parsed,
} from '../command-options.js';
import { notice, renderFeedList, renderFeedStatus } from '../render-results.js';
import { MAX_CHOICES, choice, type CommandContext, type SlashCommand } from './command.js';

/**
 * `/feeds list`, `/feeds status` (everyone), `/feeds add` and `/feeds remove` (Manage Server). Feeds
 * added here are stored in SQLite next to the config file's and belong to the server that added
 * them: another server neither sees nor removes them. The config file's feeds are the operator's,
 * shown everywhere and read-only from Discord. Every fetch of a user feed goes through the guarded
 * pool that refuses private addresses.
 */

type FeedsInput =
  | { sub: 'list' }
  | { sub: 'status' }
  | { sub: 'add'; options: FeedAddOptions }
  | { sub: 'remove'; options: FeedRemoveOptions };

const data = new SlashCommandBuilder()
  .setName('feeds')
  .setDescription('The feeds Sancocho follows')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) => sub.setName('list').setDescription('List the feeds'))
  .addSubcommand((sub) => sub.setName('status').setDescription('Feed health: last success, errors, failing and disabled feeds'))
  .addSubcommand((sub) =>
    sub
      .setName('add')
      .setDescription('Add an RSS or Atom feed (Manage Server)')
      .addStringOption((option) => option.setName('url').setDescription('The feed’s address (http or https)').setRequired(true).setMaxLength(2000))
      .addStringOption((option) => option.setName('name').setDescription('A name for it (default: the feed’s own title)').setMaxLength(100))
      .addStringOption((option) =>
        option
          .setName('language')
          .setDescription('Its language (default: detected per item)')
          .addChoices({ name: 'Español', value: 'es' }, { name: 'Português', value: 'pt' }, { name: 'English', value: 'en' }),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('remove')
      .setDescription('Remove a feed (Manage Server)')
      .addStringOption((option) => option.setName('feed').setDescription('The feed to remove').setRequired(true).setAutocomplete(true)),
  );

const shownName = (feed: Pick<FeedRow, 'name'>) => `**${escapeMarkdown(cut(collapse(feed.name), 80))}**`;

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function describeAddOutcome(outcome: AddFeedOutcome, pollMinutes: number): string {
  const detail = (message: string) => escapeMarkdown(cut(collapse(redactCredentials(message)), 200));
  switch (outcome.status) {
    case 'added':
      return (
        `Added ${shownName(outcome.feed)} (${escapeMarkdown(host(outcome.feed.url))}). Its ${outcome.items} current ` +
        `${outcome.items === 1 ? 'item was' : 'items were'} stored as backlog, so they will not flood the digests; ` +
        `from now on it is polled about every ${pollMinutes} minutes and its new items go into the digests.`
      );
    case 'exists':
      return `That feed is already there: ${shownName(outcome.feed)} (${outcome.feed.status}).`;
    case 'owned-elsewhere':
      return 'Another server already added that feed, so Sancocho already polls it; it stays in that server’s list, and only its admins can remove it.';
    case 'invalid-url':
      return `That is not a feed address Sancocho can use: ${detail(outcome.message)}`;
    case 'refused':
      return 'That address is not allowed: feeds must be on the public internet (not on this machine, a private network or a cloud metadata address).';
    case 'unreachable':
      return `Could not fetch that address: ${detail(outcome.message)} Check the URL and try again.`;
    case 'not-a-feed':
      return `That address did not return an RSS or Atom feed (${detail(outcome.message)}). Use the feed’s own address, which often ends in /feed, /rss or .xml.`;
  }
}

/**
 * The feed an admin picked among those this server sees: the id autocomplete gave, or a URL or
 * exact name typed by hand. Another server's feed is not found, as if it did not exist.
 */
async function findFeed(ctx: CommandContext, value: string): Promise<FeedRow | undefined> {
  const visible = await ctx.app.store.feeds.visibleTo(ctx.guildId);
  if (/^\d{1,12}$/.test(value)) {
    const byId = visible.find((feed) => feed.id === Number(value));
    if (byId) return byId;
  }
  const url = canonicalizeUrl(value);
  // A feed that moved (a permanent redirect) is still found by the address it was added with.
  const byUrl = visible.find((feed) => [feed.url, feed.originalUrl].some((known) => known !== null && (known === url || known === value)));
  if (byUrl) return byUrl;
  const wanted = foldTyped(value);
  const named = visible.filter((feed) => foldTyped(feed.name) === wanted);
  return named.length === 1 ? named[0] : undefined;
}

/** Of the feeds a server sees, those added from Discord (its own, or shared ones from before owners were kept). */
const removable = (feed: FeedRow) => feed.origin === 'user';

export const feeds: SlashCommand<FeedsInput> = {
  data,
  access: (sub) => (sub === 'add' || sub === 'remove' ? 'manage-guild' : 'everyone'),
  ephemeral: () => true,
  parse(sub, raw): Parsed<FeedsInput> {
    switch (sub) {
      case 'list':
      case 'status': {
        const parsed = parseOptions(noOptions, raw);
        return parsed.ok ? { ok: true, value: { sub } } : parsed;
      }
      case 'add': {
        const parsed = parseOptions(feedAddOptions, raw);
        return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
      }
      case 'remove': {
        const parsed = parseOptions(feedRemoveOptions, raw);
        return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
      }
      default:
        return { ok: false, message: 'Use /feeds list, status, add or remove.' };
    }
  },
  async execute(input, ctx) {
    switch (input.sub) {
      case 'list': {
        const { feeds, items } = ctx.app.store;
        const visible = await feeds.visibleTo(ctx.guildId);
        return renderFeedList(await Promise.all(visible.map(async (feed) => ({ ...feed, items: await items.countForFeed(feed.id) }))));
      }
      case 'status':
        return renderFeedStatus(await ctx.app.store.feeds.visibleTo(ctx.guildId));
      case 'add': {
        // Adding fetches once; it is not a poll, so it is not counted as one.
        const outcome = await addUserFeed({ ...ctx.app, metrics: undefined }, { ...input.options, guildId: ctx.guildId }, ctx.now);
        ctx.log.info(
          { user: ctx.userId, guild: ctx.guildId, outcome: outcome.status, feed: 'feed' in outcome ? outcome.feed.id : undefined },
          `feeds: /feeds add by ${ctx.userId}: ${outcome.status}`,
        );
        return notice(describeAddOutcome(outcome, ctx.app.polling.defaultInterval));
      }
      case 'remove': {
        const feed = await findFeed(ctx, input.options.feed);
        if (!feed) return notice('No feed matches that. Pick the feed from the list as you type.');
        const result = await ctx.app.store.feeds.remove(feed.id);
        ctx.log.info({ user: ctx.userId, guild: ctx.guildId, feed: feed.id, result }, `feeds: /feeds remove by ${ctx.userId}: ${result}`);
        switch (result) {
          case 'deleted':
            return notice(`Removed ${shownName(feed)} and its stored items.`);
          case 'config':
            return notice(
              `${shownName(feed)} comes from the config file, so it is read-only here: whoever runs Sancocho can remove it from that file.`,
            );
          case 'unknown':
            return notice('That feed is no longer there.');
        }
      }
    }
  },
  async autocomplete(focused, sub, ctx) {
    if (sub !== 'remove' || focused.name !== 'feed') return [];
    const typed = foldTyped(focused.value);
    return (await ctx.app.store.feeds.visibleTo(ctx.guildId))
      .filter(removable)
      .filter((feed) => typed === '' || foldTyped(feed.name).includes(typed) || foldTyped(redactCredentials(feed.url)).includes(typed))
      .sort((a, b) => Number(a.status === 'disabled') - Number(b.status === 'disabled'))
      .slice(0, MAX_CHOICES)
      .map((feed) => choice(`${collapse(feed.name)} — ${host(feed.url)}${feed.status === 'active' ? '' : ` (${feed.status})`}`, String(feed.id)));
  },
};
