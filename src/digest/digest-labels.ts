import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';

/** Theme headings in the three heading languages a digest schedule may choose. */
export const THEME_HEADINGS: Record<ThemeId, Record<Language, string>> = {
  'regional-integration': {
    es: 'Integración regional',
    pt: 'Integração regional',
    en: 'Regional integration',
  },
  'trade-tariffs': {
    es: 'Comercio y aranceles',
    pt: 'Comércio e tarifas',
    en: 'Trade and tariffs',
  },
  'us-venezuela': {
    es: 'EE. UU. y Venezuela',
    pt: 'EUA e Venezuela',
    en: 'The U.S. and Venezuela',
  },
  'venezuela-crisis': {
    es: 'Crisis en Venezuela',
    pt: 'Crise na Venezuela',
    en: "Venezuela's crisis",
  },
  'security-crime': {
    es: 'Seguridad y crimen organizado',
    pt: 'Segurança e crime organizado',
    en: 'Security and organized crime',
  },
  'us-policy': {
    es: 'La política de EE. UU. en la región',
    pt: 'A política dos EUA na região',
    en: 'U.S. policy in the region',
  },
  'china-latam': {
    es: 'China en América Latina',
    pt: 'China na América Latina',
    en: 'China in Latin America',
  },
  'ideological-divide': {
    es: 'División ideológica',
    pt: 'Divisão ideológica',
    en: 'Ideological divide',
  },
  'resources-autonomy': {
    es: 'Recursos, energía y autonomía',
    pt: 'Recursos, energia e autonomia',
    en: 'Resources, energy and autonomy',
  },
};

/** Embed colours per theme, so a reader finds a theme at a glance across days. */
export const THEME_COLORS: Record<ThemeId, number> = {
  'regional-integration': 0x2e86de,
  'trade-tariffs': 0x10ac84,
  'us-venezuela': 0xee5253,
  'venezuela-crisis': 0xff9f43,
  'security-crime': 0x576574,
  'us-policy': 0x5f27cd,
  'china-latam': 0xc0392b,
  'ideological-divide': 0xf368e0,
  'resources-autonomy': 0x01a3a4,
};

/** A digest window as people say it: "last hour", "last 90 minutes", "last 24 h", "last 7 days". */
export interface WindowSpan {
  unit: 'minute' | 'hour' | 'day';
  count: number;
}

export interface DigestWords {
  title: string;
  /** "+2 outlets", "+1 medio"… */
  moreOutlets: (count: number) => string;
  /** "and 3 more" at the end of a capped outlet list. */
  andMore: (count: number) => string;
  continued: string;
  /** Footer of a theme: "4 of 9 stories · 11 outlets". */
  sectionFooter: (shown: number, total: number, outlets: number) => string;
  /** "últimas 24 h", and the singular for one unit: "última hora", never "últimas 1 h". */
  window: (span: WindowSpan) => string;
  part: (index: number, total: number) => string;
  empty: string;
  overviewLabel: string;
}

export const DIGEST_WORDS: Record<Language, DigestWords> = {
  es: {
    title: 'Resumen de noticias',
    moreOutlets: (n) => `+${n} ${n === 1 ? 'medio' : 'medios'}`,
    andMore: (n) => `y ${n} más`,
    continued: '(cont.)',
    sectionFooter: (shown, total, outlets) =>
      `${shown === total ? `${shown}` : `${shown} de ${total}`} ${total === 1 ? 'historia' : 'historias'} · ${outlets} ${outlets === 1 ? 'medio' : 'medios'}`,
    window: ({ unit, count }) =>
      ({
        minute: count === 1 ? 'último minuto' : `últimos ${count} minutos`,
        hour: count === 1 ? 'última hora' : `últimas ${count} h`,
        day: count === 1 ? 'último día' : `últimos ${count} días`,
      })[unit],
    part: (i, n) => `parte ${i} de ${n}`,
    empty: 'Sin noticias de estos temas en el período.',
    overviewLabel: 'Panorama',
  },
  pt: {
    title: 'Resumo de notícias',
    moreOutlets: (n) => `+${n} ${n === 1 ? 'veículo' : 'veículos'}`,
    andMore: (n) => `e mais ${n}`,
    continued: '(cont.)',
    sectionFooter: (shown, total, outlets) =>
      `${shown === total ? `${shown}` : `${shown} de ${total}`} ${total === 1 ? 'notícia' : 'notícias'} · ${outlets} ${outlets === 1 ? 'veículo' : 'veículos'}`,
    window: ({ unit, count }) =>
      ({
        minute: count === 1 ? 'último minuto' : `últimos ${count} minutos`,
        hour: count === 1 ? 'última hora' : `últimas ${count} h`,
        day: count === 1 ? 'último dia' : `últimos ${count} dias`,
      })[unit],
    part: (i, n) => `parte ${i} de ${n}`,
    empty: 'Nenhuma notícia destes temas no período.',
    overviewLabel: 'Panorama',
  },
  en: {
    title: 'News digest',
    moreOutlets: (n) => `+${n} ${n === 1 ? 'outlet' : 'outlets'}`,
    andMore: (n) => `and ${n} more`,
    continued: '(cont.)',
    sectionFooter: (shown, total, outlets) =>
      `${shown === total ? `${shown}` : `${shown} of ${total}`} ${total === 1 ? 'story' : 'stories'} · ${outlets} ${outlets === 1 ? 'outlet' : 'outlets'}`,
    window: ({ unit, count }) =>
      ({
        minute: count === 1 ? 'last minute' : `last ${count} minutes`,
        hour: count === 1 ? 'last hour' : `last ${count} h`,
        day: count === 1 ? 'last day' : `last ${count} days`,
      })[unit],
    part: (i, n) => `part ${i} of ${n}`,
    empty: 'No news on these themes in this period.',
    overviewLabel: 'Overview',
  },
};

const LOCALES: Record<Language, string> = { es: 'es', pt: 'pt-BR', en: 'en-GB' };

/** "3 may 2026" / "3 de mai. de 2026" / "3 May 2026", in the schedule's time zone. */
export function formatDigestDate(at: number, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(at);
}

/** The digest's heading line, the same in Discord and in Markdown. */
export function digestHeading(input: { language: Language; timezone: string; from: number; to: number }): string {
  const words = DIGEST_WORDS[input.language];
  return `${words.title} · ${formatDigestDate(input.to - 1, input.language, input.timezone)} · ${words.window(windowSpan(input.to - input.from))}`;
}

/**
 * The unit a window reads best in: minutes under an hour (and for an odd 90 minutes), hours up to
 * two days, days beyond (a 7d window is "7 days", not "168 h").
 */
export function windowSpan(ms: number): WindowSpan {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60 || (minutes < 180 && minutes % 60 !== 0)) return { unit: 'minute', count: minutes };
  const hours = Math.round(minutes / 60);
  if (hours <= 48) return { unit: 'hour', count: hours };
  return { unit: 'day', count: Math.round(hours / 24) };
}
