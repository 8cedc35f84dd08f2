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
      item('Demasiado viejo', { themes: { 'china-latam': 0.9 }, publishedAt: NOW - 25 * HOUR }),
      item('Del futuro', { themes: { 'china-latam': 0.9 }, publishedAt: NOW + HOUR }),
      item('Otro tema', { themes: { 'security-crime': 0.9 } }),
    ]);
    expect(digest.sections.map((s) => s.theme)).toEqual(['china-latam']);
    expect(digest.sections[0]?.stories.map((s) => s.lead.title)).toEqual(['Dentro de la ventana']);
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
