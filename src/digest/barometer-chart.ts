import * as echarts from 'echarts';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';
import { THEME_HEADINGS } from './digest-labels.js';

/** One week of the chart: stories per theme (each story once, under its theme) and the barometer's index. */
export interface BarometerWeek {
  /** The week's first day, `YYYY-MM-DD`. */
  start: string;
  counts: Partial<Record<ThemeId, number>>;
  /** (advancing − reversing) / (advancing + stalling + reversing), in [−1, 1]; null when no story had a direction. */
  index: number | null;
}

export interface BarometerChartData {
  /** Oldest first; the chart shows the last CHART_WEEKS. */
  weeks: BarometerWeek[];
  /** Replaces the title, e.g. to name a bloc; the default says "Integration barometer" in the language. */
  title?: string;
}

export const CHART_WEEKS = 12;
/** Twice Discord's preview width (about 550 px), so the image stays sharp on dense screens and legible when shrunk. */
export const CHART_WIDTH = 1100;
export const CHART_HEIGHT = 720;
/**
 * The font family resvg is given (see svg-to-png.ts); the SVG names no other. The condensed cut,
 * because ECharts lays text out with Arial-like widths when there is no canvas to measure with, and
 * regular DejaVu Sans is wider than that: labels would run into each other.
 */
export const CHART_FONT = 'DejaVu Sans Condensed';

/**
 * Okabe–Ito, the palette that stays distinct under the common colour-vision deficiencies. Black is
 * kept for the index line, so bars get the other seven and "other themes" a neutral grey.
 */
const BAR_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];
const OTHER_COLOUR = '#B0B0B0';
const INDEX_COLOUR = '#000000';
/** Named themes in the legend; the rest are summed as "other themes", so the legend fits in two lines at preview size. */
const NAMED_THEMES = 6;

interface ChartWords {
  title: string;
  subtitle: (from: string, to: string) => string;
  stories: string;
  index: string;
  other: string;
}

const WORDS: Record<Language, ChartWords> = {
  es: {
    title: 'Barómetro de la integración',
    subtitle: (from, to) => `Noticias por semana y tema, del ${from} al ${to}`,
    stories: 'noticias',
    index: 'índice del barómetro',
    other: 'otros temas',
  },
  pt: {
    title: 'Barômetro da integração',
    subtitle: (from, to) => `Notícias por semana e tema, de ${from} a ${to}`,
    stories: 'notícias',
    index: 'índice do barômetro',
    other: 'outros temas',
  },
  en: {
    title: 'Integration barometer',
    subtitle: (from, to) => `Stories per week and theme, ${from} to ${to}`,
    stories: 'stories',
    index: 'barometer index',
    other: 'other themes',
  },
};

/** "6 oct", "6 out", "Oct 6", "7 sep": short enough for twelve labels side by side. */
export function weekLabel(start: string, language: Language): string {
  const date = new Date(`${start}T00:00:00Z`);
  const format = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const parts = format.formatToParts(date);
  const day = parts.find((part) => part.type === 'day')?.value ?? '';
  // Three letters at most ("sept" → "sep"): twelve labels then keep a gap between them at Discord's preview size.
  const month = (parts.find((part) => part.type === 'month')?.value ?? '').replace(/\.$/, '').slice(0, 3);
  return language === 'en' ? `${month} ${day}` : `${day} ${month}`;
}

/** The themes drawn by name: the most stories over the weeks shown first, ties in THEMES.md order. */
function namedThemes(weeks: BarometerWeek[]): ThemeId[] {
  const total = (theme: ThemeId) => weeks.reduce((sum, week) => sum + (week.counts[theme] ?? 0), 0);
  return THEME_IDS.filter((theme) => total(theme) > 0)
    .sort((a, b) => total(b) - total(a) || THEME_IDS.indexOf(a) - THEME_IDS.indexOf(b))
    .slice(0, NAMED_THEMES);
}

/**
 * The weekly chart as an SVG string: stacked bars of stories per theme and the barometer index as a
 * line on a second axis (−1..1), titled and labelled in `language`. Pure: no DOM, no files, no clock.
 */
export function renderBarometerChartSvg(data: BarometerChartData, language: Language): string {
  const words = WORDS[language];
  const weeks = data.weeks.slice(-CHART_WEEKS);
  const labels = weeks.map((week) => weekLabel(week.start, language));
  const named = namedThemes(weeks);
  const otherCounts = weeks.map((week) =>
    THEME_IDS.filter((theme) => !named.includes(theme)).reduce((sum, theme) => sum + (week.counts[theme] ?? 0), 0),
  );
  const bar = (name: string, color: string, values: number[]) => ({
    type: 'bar' as const,
    name,
    stack: 'stories',
    barCategoryGap: '28%',
    itemStyle: { color, borderColor: '#FFFFFF', borderWidth: 1 },
    data: values,
  });
  const series = [
    ...named.map((theme, at) => bar(THEME_HEADINGS[theme][language], BAR_COLOURS[at]!, weeks.map((week) => week.counts[theme] ?? 0))),
    ...(otherCounts.some((count) => count > 0) ? [bar(words.other, OTHER_COLOUR, otherCounts)] : []),
    {
      type: 'line' as const,
      name: words.index,
      yAxisIndex: 1,
      connectNulls: false,
      symbol: 'circle',
      symbolSize: 11,
      lineStyle: { color: INDEX_COLOUR, width: 4 },
      itemStyle: { color: INDEX_COLOUR, borderColor: '#FFFFFF', borderWidth: 2 },
      z: 10,
      data: weeks.map((week) => (week.index === null ? null : Math.round(week.index * 100) / 100)),
      // Zero on the index axis: above it integration advanced that week, below it reversed.
      markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#555555', type: 'dashed', width: 2 }, data: [{ yAxis: 0 }] },
    },
  ];
  const text = { fontFamily: CHART_FONT, color: '#222222' };
  const axisText = { ...text, fontSize: 20, color: '#333333' };
  const title = data.title ?? words.title;
  const subtitle = labels.length > 0 ? words.subtitle(labels[0]!, labels[labels.length - 1]!) : '';

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#FFFFFF',
      textStyle: text,
      title: {
        text: title,
        subtext: subtitle,
        left: 36,
        top: 22,
        textStyle: { ...text, fontSize: 34, fontWeight: 'bold' },
        subtextStyle: { ...text, fontSize: 21, color: '#555555' },
        itemGap: 10,
      },
      legend: {
        bottom: 14,
        left: 36,
        right: 36,
        itemWidth: 24,
        itemHeight: 18,
        itemGap: 22,
        textStyle: { ...text, fontSize: 20 },
        data: series.map((entry) => entry.name),
      },
      grid: { left: 84, right: 92, top: 136, bottom: 196 },
      xAxis: {
        type: 'category',
        data: labels,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#888888' } },
        axisLabel: { ...axisText, interval: 0, margin: 12 },
      },
      yAxis: [
        {
          type: 'value',
          name: words.stories,
          nameLocation: 'end',
          nameGap: 18,
          nameTextStyle: { ...axisText, align: 'left', padding: [0, 0, 0, -48] },
          minInterval: 1,
          splitNumber: 4,
          axisLabel: axisText,
          splitLine: { lineStyle: { color: '#E4E4E4' } },
        },
        {
          type: 'value',
          name: words.index,
          nameLocation: 'end',
          nameGap: 18,
          nameTextStyle: { ...axisText, align: 'right', padding: [0, -56, 0, 0] },
          min: -1,
          max: 1,
          interval: 0.5,
          axisLabel: { ...axisText, formatter: (value: number) => (value > 0 ? `+${value}` : `${value}`).replace('-', '−') },
          splitLine: { show: false },
        },
      ],
      series,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
