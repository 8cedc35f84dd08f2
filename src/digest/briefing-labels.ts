import type { Language } from '../core/types.js';

/** The weekly briefing's words in the three languages a schedule may choose. */
export interface BriefingWords {
  title: string;
  barometer: string;
  /** "Índice +0,25 (semana anterior −0,10; cambio +0,35)". */
  reading: (index: string, previous: string | null, change: string | null) => string;
  /** "12 historias: 5 avanzan, 4 se estancan, 3 retroceden". */
  tally: (stories: number, advancing: number, stalling: number, reversing: number) => string;
  noReading: string;
  movers: string;
  /** "14 historias esta semana, media de 6,5 (+7,5)". */
  mover: (thisWeek: number, average: string, change: string) => string;
  noMovers: string;
  stories: string;
  chartAlt: string;
}

export const BRIEFING_WORDS: Record<Language, BriefingWords> = {
  es: {
    title: 'Informe semanal',
    barometer: 'Barómetro de la integración',
    reading: (index, previous, change) =>
      `Índice **${index}**${previous === null ? ' (sin lectura la semana anterior)' : ` (semana anterior ${previous}; cambio ${change})`}`,
    tally: (n, a, s, r) => `${n} ${n === 1 ? 'historia' : 'historias'}: ${a} ${a === 1 ? 'avanza' : 'avanzan'}, ${s} ${s === 1 ? 'se estanca' : 'se estancan'}, ${r} ${r === 1 ? 'retrocede' : 'retroceden'}`,
    noReading: 'Ninguna historia de la semana movió la integración en un sentido claro.',
    movers: 'Los temas que más se movieron (frente a la media de 4 semanas)',
    mover: (n, average, change) => `${n} ${n === 1 ? 'historia' : 'historias'} esta semana, media de ${average} (${change})`,
    noMovers: 'Ningún tema cambió de volumen.',
    stories: 'Las historias de la semana',
    chartAlt: 'Noticias por semana y tema, con el índice del barómetro',
  },
  pt: {
    title: 'Boletim semanal',
    barometer: 'Barômetro da integração',
    reading: (index, previous, change) =>
      `Índice **${index}**${previous === null ? ' (sem leitura na semana anterior)' : ` (semana anterior ${previous}; variação ${change})`}`,
    tally: (n, a, s, r) => `${n} ${n === 1 ? 'notícia' : 'notícias'}: ${a} ${a === 1 ? 'avança' : 'avançam'}, ${s} ${s === 1 ? 'estagna' : 'estagnam'}, ${r} ${r === 1 ? 'retrocede' : 'retrocedem'}`,
    noReading: 'Nenhuma notícia da semana moveu a integração num sentido claro.',
    movers: 'Os temas que mais se moveram (frente à média de 4 semanas)',
    mover: (n, average, change) => `${n} ${n === 1 ? 'notícia' : 'notícias'} nesta semana, média de ${average} (${change})`,
    noMovers: 'Nenhum tema mudou de volume.',
    stories: 'As notícias da semana',
    chartAlt: 'Notícias por semana e tema, com o índice do barômetro',
  },
  en: {
    title: 'Weekly briefing',
    barometer: 'Integration barometer',
    reading: (index, previous, change) => `Index **${index}**${previous === null ? ' (no reading the week before)' : ` (week before ${previous}; change ${change})`}`,
    tally: (n, a, s, r) => `${n} ${n === 1 ? 'story' : 'stories'}: ${a} advancing, ${s} stalling, ${r} reversing`,
    noReading: 'No story of the week moved integration one way or the other.',
    movers: 'Themes that moved most (against their 4-week average)',
    mover: (n, average, change) => `${n} ${n === 1 ? 'story' : 'stories'} this week, ${average} on average (${change})`,
    noMovers: 'No theme changed in volume.',
    stories: "The week's stories",
    chartAlt: 'Stories per week and theme, with the barometer index',
  },
};

const LOCALES: Record<Language, string> = { es: 'es', pt: 'pt-BR', en: 'en-GB' };

/** "+0,25", "−0,10", "0,00": signed, two decimals, a true minus sign. */
export function formatSigned(value: number, language: Language, digits = 2): string {
  const text = new Intl.NumberFormat(LOCALES[language], { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(value);
  return text.replace('-', '−');
}

/** "6,5", "6.5", "7": at most one decimal. */
export function formatAverage(value: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 1 }).format(value);
}
