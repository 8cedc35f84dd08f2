import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { parseOptions, unsubscribeOptions, type Parsed, type UnsubscribeOptions } from '../command-options.js';
import { describeRoutes, notice } from '../render-results.js';
import { themeChoices, type SlashCommand } from './command.js';
import { themeName } from './subscribe.js';

/** `/unsubscribe theme [channel]`: stops routing a theme to one channel, or to every channel of this server. */
export const unsubscribe: SlashCommand<UnsubscribeOptions> = {
  data: new SlashCommandBuilder()
    .setName('unsubscribe')
    .setDescription('Stop sending a theme’s part of the digests to a channel')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addStringOption((option) => option.setName('theme').setDescription('The theme').setRequired(true).setAutocomplete(true))
    .addChannelOption((option) =>
      option
        .setName('channel')
        .setDescription('Which channel (default: every channel of this server)')
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    ),
  access: () => 'manage-guild',
  ephemeral: () => true,
  parse: (_sub, raw): Parsed<UnsubscribeOptions> => parseOptions(unsubscribeOptions, raw),
  async execute({ theme, channel }, ctx) {
    const targets = (await ctx.routes.forGuild(ctx.guildId)).filter(
      (route) => route.theme === theme && (channel === undefined || route.channelId === channel),
    );
    for (const route of targets) await ctx.routes.remove(route);
    ctx.log.info(
      { user: ctx.userId, guild: ctx.guildId, theme, channel, removed: targets.length },
      `unsubscribe: ${theme} removed from ${targets.length} channel(s) by ${ctx.userId}`,
    );
    const name = themeName(ctx, theme);
    const head =
      targets.length === 0
        ? channel === undefined
          ? `“${name}” was not routed to any channel of this server.`
          : `“${name}” was not routed to <#${channel}>.`
        : `Done: “${name}” no longer goes to ${targets.map((route) => `<#${route.channelId}>`).join(', ')}.`;
    return notice(`${head}\n\n${describeRoutes(await ctx.routes.forGuild(ctx.guildId), ctx.themes)}`);
  },
  autocomplete: (focused, _sub, ctx) => (focused.name === 'theme' ? themeChoices(focused.value) : []),
};
