import type { BodyId } from '../core/lens.js';
import type { Language } from '../core/types.js';
import type { Barometer, BarometerTally, MovingDirection } from './barometer.js';
import { weekLabel } from './barometer-chart.js';
import { blocName } from './barometer-labels.js';
import { collapse, cut, escapeMarkdown, linkTarget } from './format-story.js';

/**
 * The barometer's reading as Discord Markdown, in es/pt/en: this week's index with the stories
 * behind it and its change from last week, then the stories that moved it most (barometer.ts's
 * movers: leave-one-out impact on this week's index, ties to the story more outlets told). Pure.
 */

interface Words {
  title: (bloc: string | null) => string;
  week: (label: string) => string;
  index: string;
  stories: (tally: BarometerTally) => string;
  change: (previous: string, delta: string) => string;
  noPrevious: string;
  noStories: string;
  movers: string;
  noMovers: string;
  direction: Record<MovingDirection, string>;
  outlets: (count: number) => string;
  nothing: (weeks: number) => string;
}

const WORDS: Record<Language, Words> = {
  es: {
    title: (bloc) => `Barómetro de la integración${bloc ? `: ${bloc}` : ''}`,
    week: (label) => `semana del ${label}`,
    index: 'Índice de esta semana',
    stories: (t) => `${t.stories} ${t.stories === 1 ? 'historia' : 'historias'}: ${t.advancing} ${t.advancing === 1 ? 'avanza' : 'avanzan'}, ${t.stalling} ${t.stalling === 1 ? 'se estanca' : 'se estancan'}, ${t.reversing} ${t.reversing === 1 ? 'retrocede' : 'retroceden'}`,
    change: (previous, delta) => `semana anterior ${previous}, cambio ${delta}`,
    noPrevious: 'sin historias la semana anterior',
    noStories: 'sin historias con dirección esta semana',
    movers: 'Lo que más lo movió esta semana',
    noMovers: 'Ninguna historia lo movió esta semana.',
    direction: { advancing: 'avanza', stalling: 'se estanca', reversing: 'retrocede' },
    outlets: (count) => `${count} ${count === 1 ? 'medio' : 'medios'}`,
    nothing: (weeks) =>
      `El barómetro aún no tiene nada que mostrar: ninguna historia de las últimas ${weeks} semanas avanza, estanca o revierte la integración. Se llena a medida que se leen los feeds.`,
  },
  pt: {
    title: (bloc) => `Barômetro da integração${bloc ? `: ${bloc}` : ''}`,
    week: (label) => `semana de ${label}`,
    index: 'Índice desta semana',
    stories: (t) => `${t.stories} ${t.stories === 1 ? 'notícia' : 'notícias'}: ${t.advancing} ${t.advancing === 1 ? 'avança' : 'avançam'}, ${t.stalling} ${t.stalling === 1 ? 'estagna' : 'estagnam'}, ${t.reversing} ${t.reversing === 1 ? 'recua' : 'recuam'}`,
    change: (previous, delta) => `semana anterior ${previous}, variação ${delta}`,
    noPrevious: 'sem notícias na semana anterior',
    noStories: 'sem notícias com direção nesta semana',
    movers: 'O que mais o moveu nesta semana',
    noMovers: 'Nenhuma notícia o moveu nesta semana.',
    direction: { advancing: 'avança', stalling: 'estagna', reversing: 'recua' },
    outlets: (count) => `${count} ${count === 1 ? 'veículo' : 'veículos'}`,
    nothing: (weeks) =>
      `O barômetro ainda não tem nada a mostrar: nenhuma notícia das últimas ${weeks} semanas avança, estagna ou reverte a integração. Ele se enche à medida que os feeds são lidos.`,
  },
  en: {
    title: (bloc) => `Integration barometer${bloc ? `: ${bloc}` : ''}`,
    week: (label) => `week of ${label}`,
    index: "This week's index",
    stories: (t) => `${t.stories} ${t.stories === 1 ? 'story' : 'stories'}: ${t.advancing} advancing, ${t.stalling} stalling, ${t.reversing} reversing`,
    change: (previous, delta) => `last week ${previous}, change ${delta}`,
    noPrevious: 'no stories last week',
    noStories: 'no story with a direction this week',
    movers: 'What moved it most this week',
    noMovers: 'No story moved it this week.',
    direction: { advancing: 'advancing', stalling: 'stalling', reversing: 'reversing' },
    outlets: (count) => `${count} ${count === 1 ? 'outlet' : 'outlets'}`,
    nothing: (weeks) =>
      `The barometer has nothing to show yet: no story of the last ${weeks} weeks advances, stalls or reverses integration. It fills as feeds are read.`,
  },
};

const ARROWS: Record<MovingDirection, string> = { advancing: '↗', stalling: '→', reversing: '↘' };
const MAX_TITLE = 150;

/** +0.25 / −0.40 / 0.00, with the decimal separator of the language. */
export function formatIndexValue(value: number, language: Language): string {
  const text = Math.abs(value).toFixed(2);
  const local = language === 'en' ? text : text.replace('.', ',');
  return text === '0.00' ? local : `${value > 0 ? '+' : '−'}${local}`;
}

/** Whether any week shown has a story that moved integration: without one, there is nothing to read. */
export function hasReadings(barometer: Barometer, bloc?: BodyId): boolean {
  return barometer.weeks.some((week) => (bloc ? week.blocs[bloc] : week.overall).stories > 0);
}

export function renderBarometerReading(barometer: Barometer, language: Language, bloc?: BodyId): string {
  const words = WORDS[language];
  if (!hasReadings(barometer, bloc)) return words.nothing(barometer.weeks.length);
  const tallyOf = (index: number) => {
    const week = barometer.weeks.at(index);
    return week && (bloc ? week.blocs[bloc] : week.overall);
  };
  const latest = barometer.weeks.at(-1);
  const current = tallyOf(-1);
  const previous = barometer.weeks.length > 1 ? tallyOf(-2) : undefined;
  const lines = [`**${escapeMarkdown(words.title(bloc ? blocName(bloc, language) : null))}** · ${words.week(latest ? weekLabel(latest.start, language) : '')}`];
  if (!current || current.index === null) {
    lines.push(`${words.index}: — (${words.noStories})`);
  } else {
    const change =
      previous?.index === null || previous === undefined
        ? words.noPrevious
        : words.change(formatIndexValue(previous.index, language), formatIndexValue(current.index - previous.index, language));
    lines.push(`${words.index}: **${formatIndexValue(current.index, language)}** (${words.stories(current)}) · ${change}`);
  }
  lines.push('', `**${words.movers}**`);
  if (barometer.movers.length === 0) lines.push(words.noMovers);
  barometer.movers.forEach((mover, position) => {
    const title = escapeMarkdown(cut(collapse(mover.title) || '(untitled)', MAX_TITLE));
    const href = linkTarget(mover.url);
    const linked = href ? `[${title}](<${href}>)` : title;
    lines.push(`${position + 1}. ${ARROWS[mover.direction]} ${words.direction[mover.direction]} (${formatIndexValue(mover.impact, language)}) · ${linked} · ${words.outlets(mover.outlets)}`);
  });
  return lines.join('\n');
}
