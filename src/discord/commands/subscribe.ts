import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { ThemeId } from '../../core/themes.js';
import { escapeMarkdown } from '../../digest/format-story.js';
import { parseOptions, subscribeOptions, type Parsed, type SubscribeOptions } from '../command-options.js';
import { describeRoutes, notice } from '../render-results.js';
import { themeChoices, type CommandContext, type SlashCommand } from './command.js';

/**
 * `/subscribe theme channel`: every digest that covers the theme also posts that theme's section to
 * the channel (the digest job reads the routes when it builds a digest). Routes persist per server.
 */

export function themeName(ctx: Pick<CommandContext, 'themes'>, theme: ThemeId): string {
  return escapeMarkdown(ctx.themes.find((info) => info.id === theme)?.name ?? theme);
}

/** Which digest schedules will carry the theme to a routed channel, in a sentence. */
export function coverage(ctx: CommandContext, theme: ThemeId): string {
  const schedules = ctx.app.config.digests.filter((schedule) => schedule.themes.includes(theme)).map((schedule) => escapeMarkdown(schedule.name));
  if (schedules.length === 0) return 'No digest schedule covers this theme yet, so nothing will be posted there until one does.';
  const names = schedules.length === 1 ? schedules[0] : `${schedules.slice(0, -1).join(', ')} and ${schedules.at(-1)}`;
  return `Each ${names} digest will also post its “${themeName(ctx, theme)}” section there.`;
}

export const subscribe: SlashCommand<SubscribeOptions> = {
  data: new SlashCommandBuilder()
    .setName('subscribe')
    .setDescription('Send a theme’s part of every digest to a channel of this server')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addStringOption((option) => option.setName('theme').setDescription('The theme').setRequired(true).setAutocomplete(true))
    .addChannelOption((option) =>
      option
        .setName('channel')
        .setDescription('Where to post it')
        .setRequired(true)
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    ),
  access: () => 'manage-guild',
  ephemeral: () => true,
  parse: (_sub, raw): Parsed<SubscribeOptions> => parseOptions(subscribeOptions, raw),
  async execute({ theme, channel }, ctx) {
    const added = await ctx.routes.add({ guildId: ctx.guildId, theme, channelId: channel }, ctx.userId, ctx.now);
    ctx.log.info({ user: ctx.userId, guild: ctx.guildId, theme, channel, added }, `subscribe: ${theme} → channel ${channel} by ${ctx.userId}`);
    const head = added
      ? `Done: “${themeName(ctx, theme)}” now goes to <#${channel}>.`
      : `“${themeName(ctx, theme)}” already goes to <#${channel}>.`;
    return notice(`${head} ${coverage(ctx, theme)}\n\n${describeRoutes(await ctx.routes.forGuild(ctx.guildId), ctx.themes)}`);
  },
  autocomplete: (focused, _sub, ctx) => (focused.name === 'theme' ? themeChoices(focused.value) : []),
};
