import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { loadLens } from '../../classify/lens-config.js';
import { createLensReader, type LensReader } from '../../classify/lens-reader.js';
import { BODY_IDS } from '../../core/lens.js';
import { barometerChartData } from '../../digest/barometer.js';
import { renderBarometerChartSvg } from '../../digest/barometer-chart.js';
import { BLOC_CHART_TITLE, blocName } from '../../digest/barometer-labels.js';
import { hasReadings, renderBarometerReading } from '../../digest/barometer-reading.js';
import { readBarometer } from '../../digest/load-barometer-items.js';
import { svgToPng } from '../../digest/svg-to-png.js';
import { BAROMETER_DEFAULT_WEEKS, BAROMETER_MAX_WEEKS, barometerOptions, parseOptions, type BarometerCommandOptions } from '../command-options.js';
import { notice } from '../render-results.js';
import type { SlashCommand } from './command.js';
import { schedulesFor } from './digest.js';

// Read once, with the first /barometer: the lens rules of config/lens.yaml, for items stored without a reading.
let lensReader: LensReader | undefined;
const lens = () => (lensReader ??= createLensReader(loadLens()));

/**
 * `/barometer [weeks] [bloc]` (everyone, public): the weekly integration barometer of the last
 * weeks as the chart (PNG, attached), this week's reading and its change from last week, and the
 * three stories that moved it most. Language and week boundaries are those of the first digest
 * schedule this server sees (Spanish and UTC without one), as `/digest` names them.
 */
export const barometer: SlashCommand<BarometerCommandOptions> = {
  data: new SlashCommandBuilder()
    .setName('barometer')
    .setDescription('Which way the news moved Latin American integration, week by week, with a chart')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) =>
      option
        .setName('weeks')
        .setDescription(`How many weeks, this one last (1–${BAROMETER_MAX_WEEKS}, default ${BAROMETER_DEFAULT_WEEKS})`)
        .setMinValue(1)
        .setMaxValue(BAROMETER_MAX_WEEKS),
    )
    .addStringOption((option) =>
      option
        .setName('bloc')
        .setDescription('One regional body: its stories and index only')
        .addChoices(...BODY_IDS.map((id) => ({ name: blocName(id, 'en'), value: id }))),
    ),
  access: () => 'everyone',
  ephemeral: () => false,
  parse: (_sub, raw) => parseOptions(barometerOptions, raw),
  async execute(input, ctx) {
    const schedule = schedulesFor(ctx)[0];
    const language = schedule?.language ?? 'es';
    const timezone = schedule?.timezone ?? 'UTC';
    const { bloc } = input;
    const { barometer: reading } = await readBarometer(ctx.app.store, lens(), { weeks: input.weeks, timezone, now: ctx.now, ...(bloc ? { bloc } : {}) });
    const text = renderBarometerReading(reading, language, bloc);
    if (!hasReadings(reading, bloc)) return notice(text);
    const data = barometerChartData(reading, bloc, bloc ? BLOC_CHART_TITLE[language](blocName(bloc, language)) : undefined);
    const png = svgToPng(renderBarometerChartSvg(data, language));
    ctx.log.info({ weeks: input.weeks, bloc: bloc ?? null, movers: reading.movers.length, pngBytes: png.length }, 'barometer: answered');
    return { ...notice(text), files: [{ attachment: png, name: `barometer${bloc ? `-${bloc}` : ''}.png` }] };
  },
};
