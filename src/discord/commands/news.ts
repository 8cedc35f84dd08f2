import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import {
  LATEST_MAX,
  MAX_DAYS,
  SEARCH_PAGE_SIZE,
  SEARCH_QUERY_MAX,
  decodeSearchPage,
  latestOptions,
  parseOptions,
  searchOptions,
  type LatestOptions,
  type Parsed,
  type SearchOptions,
  type SearchPageState,
} from '../command-options.js';
import { renderLatest, renderSearchPage, type Reply } from '../render-results.js';
import { themeChoices, type CommandContext, type SlashCommand } from './command.js';

/** `/news search` (private, paged with buttons) and `/news latest`. */

type NewsInput = { sub: 'search'; options: SearchOptions } | { sub: 'latest'; options: LatestOptions };

const LANGUAGE_CHOICES = [
  { name: 'Español', value: 'es' },
  { name: 'Português', value: 'pt' },
  { name: 'English', value: 'en' },
];

const data = new SlashCommandBuilder()
  .setName('news')
  .setDescription('Search and read the news Sancocho has collected')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('search')
      .setDescription('Full-text search over stored items; only you see the results')
      .addStringOption((option) =>
        option
          .setName('query')
          .setDescription('Words to look for (accents do not matter)')
          .setRequired(true)
          .setMinLength(2)
          .setMaxLength(SEARCH_QUERY_MAX),
      )
      .addStringOption((option) => option.setName('theme').setDescription('Only items of this theme').setAutocomplete(true))
      .addIntegerOption((option) =>
        option.setName('days').setDescription('Only items published in the last N days').setMinValue(1).setMaxValue(MAX_DAYS),
      )
      .addStringOption((option) => option.setName('language').setDescription('Only items in this language').addChoices(...LANGUAGE_CHOICES)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('latest')
      .setDescription('The newest classified items')
      .addStringOption((option) => option.setName('theme').setDescription('Only items of this theme').setAutocomplete(true))
      .addIntegerOption((option) =>
        option.setName('count').setDescription(`How many items (1–${LATEST_MAX}, default 10)`).setMinValue(1).setMaxValue(LATEST_MAX),
      )
      .addStringOption((option) =>
        option
          .setName('include')
          .setDescription('Without a theme: only items on a theme (default), or all, off-topic ones included')
          .addChoices({ name: 'On-topic items (default)', value: 'on-topic' }, { name: 'All items, off-topic included', value: 'all' }),
      ),
  );

async function searchPage(state: SearchPageState, ctx: CommandContext): Promise<Reply> {
  const page = await ctx.search.search(
    state.query,
    { theme: state.theme, days: state.days, language: state.language },
    { offset: state.page * SEARCH_PAGE_SIZE, limit: SEARCH_PAGE_SIZE },
    ctx.now,
  );
  return renderSearchPage(state, page, ctx.themes);
}

export const news: SlashCommand<NewsInput> = {
  data,
  access: () => 'everyone',
  ephemeral: (sub) => sub === 'search',
  rateLimited: (sub) => sub === 'search',
  parse(sub, raw): Parsed<NewsInput> {
    if (sub === 'search') {
      const parsed = parseOptions(searchOptions, raw);
      return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
    }
    if (sub === 'latest') {
      const parsed = parseOptions(latestOptions, raw);
      return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
    }
    return { ok: false, message: 'Use /news search or /news latest.' };
  },
  async execute(input, ctx) {
    if (input.sub === 'search') return searchPage({ ...input.options, page: 0 }, ctx);
    const { theme, count, include } = input.options;
    return renderLatest(await ctx.search.latest(count, theme, include), { theme, include }, ctx.themes);
  },
  autocomplete(focused, _sub, ctx) {
    return focused.name === 'theme' ? themeChoices(focused.value) : [];
  },
  button(customId) {
    const state = decodeSearchPage(customId);
    if (!state.ok) return state;
    return { ok: true, value: { rateLimited: true, run: (ctx) => searchPage(state.value, ctx) } };
  },
};
