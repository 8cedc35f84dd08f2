import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/core/types.js';
import { DIGEST_WORDS, digestHeading, windowSpan } from '../../src/digest/digest-labels.js';
import { HOUR, NOW } from './fixtures.js';

const MINUTE = 60_000;
const DAY = 24 * HOUR;

/** Every count a digest prints, in the three heading languages: one is singular, more is plural. */
describe('digest words', () => {
  it.each<[string, number, Record<Language, string>]>([
    ['one minute', MINUTE, { es: 'último minuto', pt: 'último minuto', en: 'last minute' }],
    ['30 minutes', 30 * MINUTE, { es: 'últimos 30 minutos', pt: 'últimos 30 minutos', en: 'last 30 minutes' }],
    ['one hour', HOUR, { es: 'última hora', pt: 'última hora', en: 'last hour' }],
    ['90 minutes', 90 * MINUTE, { es: 'últimos 90 minutos', pt: 'últimos 90 minutos', en: 'last 90 minutes' }],
    ['two hours', 2 * HOUR, { es: 'últimas 2 h', pt: 'últimas 2 h', en: 'last 2 h' }],
    ['a day', DAY, { es: 'últimas 24 h', pt: 'últimas 24 h', en: 'last 24 h' }],
    ['two days', 2 * DAY, { es: 'últimas 48 h', pt: 'últimas 48 h', en: 'last 48 h' }],
    ['a week', 7 * DAY, { es: 'últimos 7 días', pt: 'últimos 7 dias', en: 'last 7 days' }],
  ])('the heading of a %s window', (_, span, expected) => {
    for (const language of ['es', 'pt', 'en'] as const) {
      const heading = digestHeading({ language, timezone: 'UTC', from: NOW - span, to: NOW });
      expect(heading.split(' · ').at(-1), language).toBe(expected[language]);
    }
  });

  it('reads one day as "último día" when a window is given in days', () => {
    expect(windowSpan(DAY + HOUR)).toEqual({ unit: 'hour', count: 25 });
    expect(DIGEST_WORDS.es.window({ unit: 'day', count: 1 })).toBe('último día');
    expect(DIGEST_WORDS.pt.window({ unit: 'day', count: 1 })).toBe('último dia');
    expect(DIGEST_WORDS.en.window({ unit: 'day', count: 1 })).toBe('last day');
  });

  it.each<[Language, string, string, string, string]>([
    ['es', '+1 medio', '+2 medios', '1 historia · 1 medio', '2 de 3 historias · 2 medios'],
    ['pt', '+1 veículo', '+2 veículos', '1 notícia · 1 veículo', '2 de 3 notícias · 2 veículos'],
    ['en', '+1 outlet', '+2 outlets', '1 story · 1 outlet', '2 of 3 stories · 2 outlets'],
  ])('outlets and stories in %s', (language, oneMore, twoMore, oneStory, someStories) => {
    const words = DIGEST_WORDS[language];
    expect(words.moreOutlets(1)).toBe(oneMore);
    expect(words.moreOutlets(2)).toBe(twoMore);
    expect(words.sectionFooter(1, 1, 1)).toBe(oneStory);
    expect(words.sectionFooter(2, 3, 2)).toBe(someStories);
  });
});
