import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { noOptions, parseOptions } from '../command-options.js';
import { renderThemes } from '../render-results.js';
import type { SlashCommand } from './command.js';

/** `/themes`: each theme with how many items carried it in the last 24 hours and 7 days. */
export const themes: SlashCommand<Record<string, never>> = {
  data: new SlashCommandBuilder()
    .setName('themes')
    .setDescription('Each theme with its item counts over the last 24 hours and 7 days')
    .setContexts(InteractionContextType.Guild),
  access: () => 'everyone',
  ephemeral: () => false,
  parse: (_sub, raw) => parseOptions(noOptions, raw),
  async execute(_input, ctx) {
    return renderThemes(ctx.themes, await ctx.search.themeCounts(ctx.now));
  },
};
