import { describe, expect, it } from 'vitest';
import { buildDigest, type DigestPlan } from '../../src/digest/build-digest.js';
import { HOUR, NOW, item } from './fixtures.js';

const plan: DigestPlan = {
  schedule: 'daily',
  themes: ['us-venezuela', 'regional-integration', 'china-latam'],
  maxPerTheme: 2,
  language: 'es',
  timezone: 'America/Caracas',
  from: NOW - 24 * HOUR,
  to: NOW,
};

describe('building a digest', () => {
  it('keeps only items of the window that carry a wanted theme', () => {
    const digest = buildDigest(plan, [
      item('Dentro de la ventana', { themes: { 'china-latam': 0.7 } }),
      item('Otro tema', { themes: { 'security-crime': 0.9 } }),
    ]);
    expect(digest.sections.map((s) => s.theme)).toEqual(['china-latam']);
    expect(digest.sections[0]?.stories.map((s) => s.lead.title)).toEqual(['Dentro de la ventana']);
  });

  describe('the window goes by when a story reached Sancocho, not when it was published', () => {
    const china = { 'china-latam': 0.7 };
    const titles = (digest: ReturnType<typeof buildDigest>) => digest.sections.flatMap((s) => s.stories.map((story) => story.lead.title));
    const next = { ...plan, from: NOW, to: NOW + 24 * HOUR };

    it.each([
      ['published before the window, fetched inside it', NOW - 24 * HOUR - 2 * 60_000, NOW - 24 * HOUR + 3 * 60_000, true],
      ['published and fetched inside', NOW - 2 * HOUR, NOW - HOUR, true],
      ['published a whole window before the window starts, fetched inside', NOW - 48 * HOUR, NOW - HOUR, true],
      ['published more than a window before the window starts: old news', NOW - 48 * HOUR - 1, NOW - HOUR, false],
      ['published inside, fetched after the digest ran', NOW - 2 * 60_000, NOW + 3 * 60_000, false],
      ['fetched before the window (an earlier digest had it)', NOW - 30 * HOUR, NOW - 25 * HOUR, false],
    ])('%s', (_, publishedAt, reachedAt, included) => {
      const digest = buildDigest(plan, [item('La noticia', { themes: china, publishedAt, reachedAt })]);
      expect(titles(digest)).toEqual(included ? ['La noticia'] : []);
    });

    it('a story published at 07:58 and fetched at 08:03 is in the next digest, so in exactly one', () => {
      const story = item('Publicada 07:58, leída 08:03', { themes: china, publishedAt: NOW - 2 * 60_000, reachedAt: NOW + 3 * 60_000 });
      expect(titles(buildDigest(plan, [story]))).toEqual([]);
      expect(titles(buildDigest(next, [story]))).toEqual(['Publicada 07:58, leída 08:03']);
    });

    it('--since 1h takes a story published 90 minutes ago that arrived 30 minutes ago', () => {
      const lastHour = { ...plan, from: NOW - HOUR, to: NOW };
      const story = item('Publicada hace 90 minutos', { themes: china, publishedAt: NOW - 90 * 60_000, reachedAt: NOW - 30 * 60_000 });
      expect(titles(buildDigest(lastHour, [story]))).toEqual(['Publicada hace 90 minutos']);
    });
  });

  it('follows the order of the plan’s themes and leaves out empty themes', () => {
    const digest = buildDigest(plan, [
      item('China compra soja', { themes: { 'china-latam': 0.7 } }),
      item('Trump amenaza a Maduro', { themes: { 'us-venezuela': 0.7 } }),
    ]);
    expect(digest.sections.map((s) => s.theme)).toEqual(['us-venezuela', 'china-latam']);
  });

  it('shows a story once, under the theme it is most about', () => {
    const digest = buildDigest(plan, [
      item('Maduro y la CELAC', { themes: { 'us-venezuela': 0.4, 'regional-integration': 0.9 } }),
    ]);
    expect(digest.sections.map((s) => s.theme)).toEqual(['regional-integration']);
  });

  it('files a story whose themes tie (LLM labels all score 1) under the theme more of its outlets carry', () => {
    const digest = buildDigest(plan, [
      item('Maduro y la CELAC discuten la crisis', { outlet: 'A', themes: { 'us-venezuela': 1, 'regional-integration': 1 } }),
      item('Maduro y la CELAC discuten la crisis', { outlet: 'B', themes: { 'regional-integration': 1 } }),
    ]);
    expect(digest.sections.map((s) => [s.theme, s.stories.length])).toEqual([['regional-integration', 1]]);
  });

  it('never shows an item twice, however many of the plan’s themes its story carries', () => {
    const every = { 'us-venezuela': 0.6, 'regional-integration': 0.6, 'china-latam': 0.6 };
    const digest = buildDigest({ ...plan, maxPerTheme: 10 }, [
      item('China y Venezuela firman en la CELAC', { outlet: 'A', themes: every }),
      item('China y Venezuela firman en la CELAC un acuerdo', { outlet: 'B', themes: { 'china-latam': 0.9 } }),
      item('Trump sanciona a Maduro', { outlet: 'C', themes: every }),
      item('La CELAC sin declaración conjunta', { outlet: 'D', themes: { ...every, 'regional-integration': 0.7 } }),
    ]);
    const ids = digest.sections.flatMap((s) => s.stories.flatMap((story) => story.items.map((i) => i.id)));
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it('clusters outlets into one story and cuts each theme at maxPerTheme, counting candidates', () => {
    const digest = buildDigest(plan, [
      item('Mercosur y la UE firman el acuerdo comercial', { outlet: 'A' }),
      item('El Mercosur y la UE firman el acuerdo comercial', { outlet: 'B' }),
      item('Uruguay pide flexibilizar el Mercosur', { outlet: 'C' }),
      item('Paraguay asume la presidencia pro tempore del bloque', { outlet: 'D' }),
    ]);
    const [section] = digest.sections;
    expect(section?.stories).toHaveLength(2);
    expect(section?.candidates).toBe(3);
    expect(section?.stories[0]?.outlets).toEqual(['A', 'B']);
  });
});

describe('leaving out what the destination already received', () => {
  const a = item('Mercosur y la UE firman el acuerdo comercial', { outlet: 'A' });
  const b = item('El Mercosur y la UE firman el acuerdo comercial', { outlet: 'B' });
  const c = item('Paraguay asume la presidencia pro tempore del bloque', { outlet: 'C' });
  const build = (received: [number, string][]) => buildDigest(plan, [a, b, c], { received: new Map(received) });
  const leads = (digest: ReturnType<typeof buildDigest>) => digest.sections.flatMap((s) => s.stories.map((story) => story.lead.title));

  it.each<[string, [number, string][], string[], number | undefined]>([
    ['nothing received: every story', [], [a.title, c.title], undefined],
    ['one outlet of a story received: the story is left out', [[b.id, b.title]], [c.title], 1],
    ['every story received', [[a.id, a.title], [c.id, c.title]], [], 2],
    ['received under another title: the story changed, so it goes out again', [[a.id, 'Mercosur y la UE negocian']], [a.title, c.title], undefined],
  ])('%s', (_, received, expected, left) => {
    const digest = build(received);
    expect(leads(digest).sort()).toEqual([...expected].sort());
    expect(digest.alreadyReceived).toBe(left);
  });
});
