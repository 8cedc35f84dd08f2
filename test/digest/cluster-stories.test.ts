import { describe, expect, it } from 'vitest';
import { clusterStories } from '../../src/digest/cluster-stories.js';
import { titleFeatures } from '../../src/digest/title-features.js';
import { HOUR, NOW, item } from './fixtures.js';

const es = (title: string, extra = {}) => item(title, { language: 'es', ...extra });
const pt = (title: string, extra = {}) => item(title, { language: 'pt', ...extra });
const en = (title: string, extra = {}) => item(title, { language: 'en', ...extra });

function groups(titles: ReturnType<typeof item>[]): string[][] {
  return clusterStories(titles)
    .map((story) => story.items.map((i) => i.title).sort())
    .sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

describe('headline features', () => {
  it.each([
    ['EE.UU. despliega buques frente a Venezuela', ['us', 'venezuela']],
    ['EUA enviam navios para a costa da Venezuela', ['us', 'venezuela']],
    ['U.S. Sends Warships Toward Venezuela', ['us', 'venezuela']],
    ['La Unión Europea y el Mercosur firman el acuerdo', ['eu', 'mercosur']],
    ['União Europeia e Mercosul assinam acordo', ['eu', 'mercosur']],
    ['Nicolás Maduro recibe a Lula en Miraflores', ['maduro', 'lula', 'miraflores']],
    ['Cumbre de la CELAC en Bogotá', ['celac', 'bogota']],
  ])('finds the entities of "%s"', (title, entities) => {
    expect([...titleFeatures(title).entities].sort()).toEqual([...entities].sort());
  });

  it('keeps "us" and "can" as words unless written in capitals', () => {
    expect(titleFeatures('Trade can help us grow').entities.has('us')).toBe(false);
    expect(titleFeatures('Trump says US will act').entities.has('us')).toBe(true);
  });

  it('does not take the capitalised first word or Title Case words for names without evidence', () => {
    expect(titleFeatures('Tensión en la frontera').entities.size).toBe(0);
    expect(titleFeatures('Leaders Meet To Discuss Border').entities.size).toBe(0);
    expect(titleFeatures('Tensión en la frontera', new Set(['tension'])).entities.has('tension')).toBe(true);
  });
});

describe('story clustering', () => {
  it.each([
    {
      name: 'the same headline from three outlets, lightly reworded',
      items: [
        es('Mercosur y la UE firman el acuerdo comercial en Asunción', { outlet: 'Infobae' }),
        es('El Mercosur y la UE firman acuerdo comercial en Asunción', { outlet: 'El País' }),
        es('Mercosur y UE firman en Asunción el acuerdo comercial', { outlet: 'BBC Mundo' }),
      ],
      expected: 1,
    },
    {
      name: 'one story in Spanish, Portuguese and English where the names agree',
      items: [
        es('Lula y Maduro se reúnen en Caracas', { outlet: 'Efecto Cocuyo' }),
        pt('Lula e Maduro se reúnem em Caracas', { outlet: 'Agência Brasil' }),
        en('Lula and Maduro Meet in Caracas', { outlet: 'MercoPress' }),
      ],
      expected: 1,
    },
    {
      name: 'two different Venezuela stories on the same day',
      items: [
        es('Venezuela libera a 20 presos políticos', { outlet: 'Efecto Cocuyo' }),
        es('Venezuela y Colombia reabren la frontera en Cúcuta', { outlet: 'El País' }),
      ],
      expected: 2,
    },
    {
      name: 'cross-language headlines that share one name only',
      items: [
        es('China invierte en litio en Bolivia', { outlet: 'Infobae' }),
        en('China and Brazil sign satellite deal', { outlet: 'MercoPress' }),
      ],
      expected: 2,
    },
    {
      name: 'the same words a week apart (a new development, not the same story)',
      items: [
        es('Mercosur y la UE firman el acuerdo comercial', { publishedAt: NOW - 7 * 24 * HOUR }),
        es('Mercosur y la UE firman el acuerdo comercial', { publishedAt: NOW }),
      ],
      expected: 2,
    },
  ])('$name → $expected stories', ({ items, expected }) => {
    expect(clusterStories(items)).toHaveLength(expected);
  });

  it('puts every item in exactly one story, whatever the input order', () => {
    const items = [
      es('Lula y Maduro se reúnen en Caracas', { outlet: 'A' }),
      pt('Lula e Maduro se reúnem em Caracas', { outlet: 'B' }),
      es('Milei viaja a Washington para reunirse con Trump', { outlet: 'C' }),
      en('Milei Travels to Washington to Meet Trump', { outlet: 'D' }),
      es('Petro critica los ataques de EE.UU. en el Caribe', { outlet: 'E' }),
    ];
    const forward = groups(items);
    const backward = groups([...items].reverse());
    expect(forward).toEqual(backward);
    expect(forward.flat().sort()).toEqual(items.map((i) => i.title).sort());
    expect(forward).toHaveLength(3);
  });

  it('does not chain loosely related headlines into one story', () => {
    const items = [
      es('Trump ordena ataques contra lanchas en el Caribe', { outlet: 'A' }),
      es('Trump ordena ataques contra lanchas frente a Venezuela', { outlet: 'B' }),
      es('Maduro responde a Trump y moviliza tropas frente a Venezuela', { outlet: 'C' }),
      es('Maduro moviliza milicias y pide calma en Venezuela', { outlet: 'D' }),
    ];
    const stories = clusterStories(items);
    expect(stories.length).toBeGreaterThanOrEqual(2);
  });

  it('makes the lead the item in the preferred language, and lists each outlet once', () => {
    const items = [
      en('Lula and Maduro Meet in Caracas', { outlet: 'MercoPress', themes: { 'regional-integration': 0.9 } }),
      es('Lula y Maduro se reúnen en Caracas', { outlet: 'Efecto Cocuyo', themes: { 'regional-integration': 0.5 } }),
      es('Lula y Maduro se reúnen hoy en Caracas', { outlet: 'Efecto Cocuyo', themes: { 'venezuela-crisis': 0.7 } }),
    ];
    const [story] = clusterStories(items, { preferredLanguage: 'es' });
    expect(story?.lead.language).toBe('es');
    expect(story?.outlets.sort()).toEqual(['Efecto Cocuyo', 'MercoPress']);
    expect(story?.languages.sort()).toEqual(['en', 'es']);
    expect(story?.themes).toEqual({ 'regional-integration': 0.9, 'venezuela-crisis': 0.7 });
  });

  it('treats the same URL as the same story', () => {
    const a = es('Titular uno', { url: 'https://x.example/a' });
    const b = en('A completely different headline', { url: 'https://x.example/a' });
    expect(clusterStories([a, b])).toHaveLength(1);
  });
});
