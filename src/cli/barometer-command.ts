import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadLens } from '../classify/lens-config.js';
import { createLensReader } from '../classify/lens-reader.js';
import { loadConfig } from '../config/load-config.js';
import { UsageError } from '../core/errors.js';
import { BODY_IDS, type BodyId } from '../core/lens.js';
import { isTimeZone } from '../core/time-zone.js';
import { LANGUAGES, type Language } from '../core/types.js';
import { barometerChartData, isBodyId, type Barometer, type BarometerTally } from '../digest/barometer.js';
import { renderBarometerChartSvg } from '../digest/barometer-chart.js';
import { BLOC_CHART_TITLE, blocName } from '../digest/barometer-labels.js';
import { readBarometer } from '../digest/load-barometer-items.js';
import { svgToPng } from '../digest/svg-to-png.js';
import { openStoreContext } from '../store-context.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { formatTable } from './format-table.js';

interface BarometerOptions {
  weeks: string;
  bloc?: string;
  json?: boolean;
  chart?: string;
  lang: string;
  timezone?: string;
}

const MAX_WEEKS = 104;

export function registerBarometerCommand(program: Command, io: CliIO): void {
  program
    .command('barometer')
    .description('which way the news moved integration, week by week: stories advancing, stalling and reversing, and the index')
    .option('--weeks <n>', 'how many weeks, the current one last', '12')
    .option('--bloc <id>', `one regional body: ${BODY_IDS.join(', ')}`)
    .option('--json', 'print one JSON object instead of the table')
    .option('--chart <file.png>', 'also write the weekly chart as a PNG')
    .option('--lang <lang>', 'language of the chart: es, pt or en', 'es')
    .option('--timezone <zone>', "where weeks start on Monday (default: the first digest schedule's timezone)")
    .action(async (options: BarometerOptions) => {
      const weeks = Number(options.weeks);
      if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS) throw new UsageError(`barometer: --weeks must be a whole number from 1 to ${MAX_WEEKS}, not "${options.weeks}"`);
      if (options.bloc !== undefined && !isBodyId(options.bloc)) throw new UsageError(`barometer: unknown bloc "${options.bloc}" (known: ${BODY_IDS.join(', ')})`);
      if (!(LANGUAGES as readonly string[]).includes(options.lang)) throw new UsageError(`barometer: --lang must be one of ${LANGUAGES.join(', ')}, not "${options.lang}"`);
      const bloc = options.bloc as BodyId | undefined;
      const language = options.lang as Language;
      const config = loadConfig(io.env);
      const timezone = options.timezone ?? config.digests[0]?.timezone ?? 'UTC';
      if (!isTimeZone(timezone)) throw new UsageError(`barometer: unknown timezone "${timezone}"`);
      const lens = createLensReader(loadLens());
      const ctx = await openStoreContext(config, cliLogger(io, 'warn'));
      try {
        const now = Date.now();
        const { barometer } = await readBarometer(ctx.store, lens, { weeks, timezone, now, ...(bloc ? { bloc } : {}) });
        if (options.chart !== undefined) {
          const data = barometerChartData(barometer, bloc, bloc ? BLOC_CHART_TITLE[language](blocName(bloc, language)) : undefined);
          writeFileSync(options.chart, svgToPng(renderBarometerChartSvg(data, language)));
        }
        writeLine(io.stdout, options.json ? JSON.stringify(bloc ? { bloc, ...barometer } : barometer) : barometerTable(barometer, bloc));
      } finally {
        await ctx.close();
      }
    });
}

/** The weekly table (overall, or the bloc's), then the stories that moved the latest week most. */
export function barometerTable(barometer: Barometer, bloc?: BodyId): string {
  const rows = barometer.weeks.map((week) => ({ start: week.start, ...(bloc ? week.blocs[bloc] : week.overall) }));
  const table = formatTable<{ start: string } & BarometerTally>(rows, [
    { header: 'week', value: (row) => row.start },
    { header: 'advancing', value: (row) => row.advancing, align: 'right' },
    { header: 'stalling', value: (row) => row.stalling, align: 'right' },
    { header: 'reversing', value: (row) => row.reversing, align: 'right' },
    { header: 'index', value: (row) => (row.index === null ? '-' : formatIndex(row.index)), align: 'right' },
    { header: 'stories', value: (row) => row.stories, align: 'right' },
  ]);
  const heading = `barometer${bloc ? ` ${bloc}` : ''}: weeks from Monday, ${barometer.timezone}`;
  const movers =
    barometer.movers.length === 0
      ? 'No story moved the index this week.'
      : ['Moved the index most this week:', ...barometer.movers.map((mover) => `  ${formatIndex(mover.impact)}  ${mover.direction}  ${mover.title}`)].join('\n');
  return `${heading}\n${table}\n\n${movers}`;
}

function formatIndex(value: number): string {
  const text = value.toFixed(2);
  return value > 0 ? `+${text}` : text === '-0.00' ? '0.00' : text;
}

