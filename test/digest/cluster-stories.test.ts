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

  it('does not take the capitalised first word or Title Case words for names', () => {
    expect(titleFeatures('Tensión en la frontera').entities.size).toBe(0);
    expect(titleFeatures('Leaders Meet To Discuss Border').entities.size).toBe(0);
  });

  it.each([
    ['La UE y el Mercosur firman el acuerdo', ['sign', 'agree']],
    ['UE e Mercosul assinam o acordo', ['sign', 'agree']],
    ['EU and Mercosur sign the agreement', ['sign', 'agree']],
    ['EE. UU. ataca una narcolancha en el Caribe', ['attack', 'boat']],
    ['US strike on drug vessel', ['attack', 'drug', 'boat']],
    ['Cúpula do Mercosul em Foz', ['meet']],
  ])('reads the actions of "%s" in one vocabulary for es/pt/en', (title, actions) => {
    expect([...titleFeatures(title).actions].sort()).toEqual([...actions].sort());
  });

  it('reads numbers in digits or words, and "un" as one only before a casualty word', () => {
    expect([...titleFeatures('EE. UU. mata a tres hombres').numbers]).toEqual(['3']);
    expect([...titleFeatures('Trump says 11 killed in US strike').numbers]).toEqual(['11']);
    expect([...titleFeatures('Un acuerdo con un socio').numbers]).toEqual([]);
    expect([...titleFeatures('Reportan un muerto').numbers]).toEqual(['1']);
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
      name: 'CELAC foreign ministers meeting in Bogotá, in English and Spanish',
      items: [
        en('CELAC foreign ministers meet in Bogotá ahead of the summit', { outlet: 'MercoPress' }),
        es('Cancilleres de la CELAC se reúnen en Bogotá antes de la cumbre', { outlet: 'El Tiempo' }),
      ],
      expected: 1,
    },
    {
      name: 'a Uruguay–China tariff deal and a Milei common-tariff story on the same day',
      items: [
        es('Uruguay y China acuerdan rebajar aranceles a la carne', { outlet: 'El País' }),
        es('Milei pide al Mercosur bajar el arancel externo común', { outlet: 'Clarín' }),
      ],
      expected: 2,
    },
    {
      name: 'a new derailment the day after another (one of a series, no shared count)',
      items: [
        es('Suben a 39 los muertos tras descarrilamiento de trenes en España', { publishedAt: NOW - 20 * HOUR }),
        es('Nuevo descarrilamiento de tren en España: reportan un muerto', { publishedAt: NOW }),
      ],
      expected: 2,
    },
    {
      name: 'a "new strike" reported twice, tied by its count across languages',
      items: [
        es('EE. UU. mata a tres hombres en un nuevo ataque a una narcolancha en el Caribe', { outlet: 'A' }),
        en('US strike on drug boat in the Caribbean kills 3', { outlet: 'B' }),
      ],
      expected: 1,
    },
    {
      name: 'one tariff told in three languages, tied by its actors and its figure',
      items: [
        en('Trump imposes 50% tariff on Brazil', { outlet: 'Reuters' }),
        pt('Trump impõe tarifa de 50% ao Brasil', { outlet: 'Folha' }),
        es('Trump impone arancel del 50% a Brasil', { outlet: 'Infobae' }),
      ],
      expected: 1,
    },
    {
      name: 'tariffs on Brazil and tariffs on Colombia (same actor and action, other target)',
      items: [es('Trump impone arancel del 50% a Brasil'), es('Trump amenaza con aranceles a Colombia')],
      expected: 2,
    },
    {
      name: 'Lula meeting Xi and Lula meeting Macron on the same day',
      items: [en("Brazil's Lula meets Xi Jinping in Beijing"), pt('Lula se encontra com Xi Jinping em Pequim'), en('Lula meets Macron in Brasília')],
      expected: 2,
    },
    {
      name: 'two boat strikes in two seas',
      items: [es('EE.UU. ataca lancha en el Caribe: 3 muertos'), es('EE.UU. ataca lancha en el Pacífico: 4 muertos')],
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

  it('decides the same whatever else the window holds (no share-of-window threshold)', () => {
    const signing = [
      es('La Unión Europea y el Mercosur firman el acuerdo comercial en Asunción', { outlet: 'Infobae' }),
      pt('União Europeia e Mercosul assinam acordo comercial em Assunção', { outlet: 'Folha' }),
      en('EU and Mercosur sign trade agreement in Asunción', { outlet: 'Reuters' }),
    ];
    const crowd = Array.from({ length: 60 }, (_, index) =>
      es(`Mercosur y la Unión Europea: análisis ${index} sobre Venezuela`, { outlet: `Outlet ${index}`, publishedAt: NOW - (index % 30) * HOUR }),
    );
    const storyOfSigning = (items: ReturnType<typeof item>[]) =>
      clusterStories(items).filter((story) => story.items.some((i) => signing.includes(i)));
    expect(storyOfSigning(signing)).toHaveLength(1);
    const inCrowd = storyOfSigning([...crowd, ...signing]);
    expect(inCrowd).toHaveLength(1);
    expect(inCrowd[0]?.items.filter((i) => signing.includes(i))).toHaveLength(3);
  });

  it('treats one headline copied by several outlets as one story, whatever its verb', () => {
    const copies = ['A', 'B', 'C'].map((outlet) => es('Maduro y la CELAC discuten la crisis', { outlet }));
    expect(clusterStories(copies)).toHaveLength(1);
    expect(clusterStories([es('Maduro y la CELAC discuten la crisis'), es('Maduro y la CELAC discuten la migración')])).toHaveLength(2);
  });

  it('treats the same URL as the same story', () => {
    const a = es('Titular uno', { url: 'https://x.example/a' });
    const b = en('A completely different headline', { url: 'https://x.example/a' });
    expect(clusterStories([a, b])).toHaveLength(1);
  });
});
