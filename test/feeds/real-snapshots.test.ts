import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/core/types.js';
import { decodeBody } from '../../src/feeds/decode-body.js';
import { normalizeItem } from '../../src/feeds/normalize-item.js';
import { parseFeed } from '../../src/feeds/parse-feed.js';
import { repoRoot } from './fixtures.js';

/** Real RSS snapshots (provenance in test/fixtures/snapshots/README.md). */
const snapshotDir = path.resolve(repoRoot, 'test/fixtures/snapshots');
const fetchedAt = Date.parse('2025-10-23T00:00:00Z');

interface Expectation {
  count: number;
  first: Pick<NormalizedItem, 'title' | 'url' | 'source'> & { publishedAt: string };
  last: Pick<NormalizedItem, 'title' | 'url' | 'source'> & { publishedAt: string };
}

const EXPECTED: Record<string, Expectation> = {
  'angyeligena_news-feeds_venezuela_2025-09-28_20fe3824.xml': {
    count: 16,
    first: {
      title: 'Gobierno colombiano pide reubicar sede de la ONU luego de que EE UU le revocó la visa a Petro',
      url: 'https://www.elnacional.com/2025/09/gobierno-colombiano-pide-reubicar-sede-de-la-onu-luego-de-que-ee-uu-le-revoco-la-visa-a-petro/',
      publishedAt: '2025-09-28T12:50:54.000Z',
      source: null,
    },
    last: {
      title: 'Millonarios de Latinoamérica mueven US$1.400 millones hacia proyectos sociales y ambientales',
      url: 'https://www.bloomberglinea.com/latinoamerica/millonarios-de-latinoamerica-mueven-us1400-millones-hacia-proyectos-sociales-y-ambientales/',
      publishedAt: '2025-09-28T12:51:02.000Z',
      source: null,
    },
  },
  'angyeligena_news-feeds_venezuela_2025-10-03_1681394c.xml': {
    count: 12,
    first: {
      title: 'OIT advierte que la productividad de América Latina y el Caribe «se ha estancado»',
      url: 'https://talcualdigital.com/oit-advierte-que-la-productividad-de-america-latina-y-el-caribe-se-ha-estancado/',
      publishedAt: '2025-10-03T10:13:15.000Z',
      source: 'talcualdigital.com',
    },
    last: {
      title: 'La Conversa | Louza: El decreto se dicta cuando ocurre una conmoción, no para prepararse',
      url: 'https://talcualdigital.com/la-conversa-louza-el-decreto-se-dicta-cuando-ocurre-una-conmocion-no-para-prepararse/',
      publishedAt: '2025-10-03T10:13:15.000Z',
      source: 'talcualdigital.com',
    },
  },
  'angyeligena_news-feeds_panama_2025-10-22_6a607d37.xml': {
    count: 64,
    first: {
      title: 'Advierten que el proyecto que permite el perdón de la víctima incluye delitos que no pueden ser perdonados por ley',
      url: 'https://www.prensa.com/politica/advierten-que-el-proyecto-que-permite-el-perdon-de-la-victima-incluye-delitos-que-no-pueden-ser-perdonados-por-ley/',
      publishedAt: '2025-10-22T10:14:56.000Z',
      source: 'www.prensa.com',
    },
    last: {
      title: 'Términos y condiciones',
      url: 'https://www.laestrella.com.pa/terminos-y-condiciones',
      publishedAt: '2025-10-22T10:14:57.000Z',
      source: 'www.laestrella.com.pa',
    },
  },
  'angyeligena_news-feeds_dominicana_2025-10-22_6a607d37.xml': {
    count: 57,
    first: {
      // The double space of the original title is collapsed.
      title: 'La UASD suspende docencia y labores por paso de la tormenta tropical Melissa',
      url: 'https://www.diariolibre.com/actualidad/nacional/2025/10/22/uasd-suspende-clases-y-labores-por-la-tormenta-tropical-melissa/3285737',
      publishedAt: '2025-10-22T10:14:57.000Z',
      source: 'www.diariolibre.com',
    },
    last: {
      title: 'República Dominicana incorpora nueve nuevos parques solares en 2025',
      url: 'https://eldinero.com.do/339959/republica-dominicana-incorpora-nueve-nuevos-parques-solares-en-2025/',
      publishedAt: '2025-10-22T10:15:01.000Z',
      source: 'eldinero.com.do',
    },
  },
};

async function ingest(name: string): Promise<NormalizedItem[]> {
  const { text } = decodeBody(readFileSync(path.join(snapshotDir, name)), 'application/rss+xml; charset=utf-8');
  const outcome = await parseFeed(text);
  if (outcome.status !== 'ok') throw new Error(`${name}: ${outcome.kind}: ${outcome.message}`);
  return outcome.feed.items.map((raw) => {
    const item = normalizeItem(raw, { fetchedAt, baseUrl: 'https://github.com/' });
    if (item === null) throw new Error(`${name}: an item was dropped: ${JSON.stringify(raw)}`);
    return item;
  });
}

const summary = (item: NormalizedItem | undefined) =>
  item && { title: item.title, url: item.url, publishedAt: new Date(item.publishedAt).toISOString(), source: item.source };

describe('real feed snapshots in test/fixtures/snapshots', () => {
  it('are all covered by an expectation here', () => {
    const files = readdirSync(snapshotDir).filter((name) => name.endsWith('.xml'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    it(`yields ${expected.count} items, all dated from the feed`, async () => {
      const items = await ingest(name);
      expect(items).toHaveLength(expected.count);
      expect(items.every((item) => item.dated && item.url !== null && item.canonicalUrl !== null)).toBe(true);
    });

    it('reads the first and the last item exactly', async () => {
      const items = await ingest(name);
      expect(summary(items[0])).toEqual(expected.first);
      expect(summary(items.at(-1))).toEqual(expected.last);
    });

    it('leaves no mojibake in any title and reads them as Spanish', async () => {
      const items = await ingest(name);
      expect(items.filter((item) => /[ÃÂ]|â€/.test(item.title)).map((item) => item.title)).toEqual([]);
      expect(items.every((item) => item.language === 'es')).toBe(true);
    });
  });

  it('repairs every double-encoded title of the October Venezuela snapshot', async () => {
    const titles = (await ingest('angyeligena_news-feeds_venezuela_2025-10-03_1681394c.xml')).map((item) => item.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        '¿Qué es el FIR Maiquetía? Diferencias entre responsabilidad aérea y soberanía venezolana',
        'Trump decidió que EEUU está en un «conflicto armado» formal con los cárteles de la droga',
        'Falleció Mercedes Girona de Negrón, una filósofa de sólida formación humanística',
        'JEP exige libertad de Javier Tarazona: continúa sin un juicio justo y sin atención médica',
        'Padrino López a EEUU: No cometan un error de cálculo cuando decidan agredir a Venezuela',
        'Fiscalía chilena: Hay antecedentes claros que apuntan a Cabello en crimen de Ronald Ojeda',
        'Miles de vidas están riesgo por débil atención primaria de salud en América Latina',
        'Políticos condenan encendido de la Navidad en El Helicoide: Es sadismo y maldad',
        'Correos filtrados revelan puente aéreo de narcotráfico entre Venezuela y Belice',
        'González denuncia falta de información veraz y contradicciones en el caso de su esposo',
      ]),
    );
  });

  it('repairs the one double-encoded title of the September snapshot and decodes escaped ones', async () => {
    const titles = (await ingest('angyeligena_news-feeds_venezuela_2025-09-28_20fe3824.xml')).map((item) => item.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'EEUU promete desmantelar bandas de narcotráfico y adjunta imagen de Maduro',
        'Netanyahu ofrece discurso en la ONU ante una sala casi vacía: "No habrá un Estado palestino"',
        '¿Por qué S&P Global y Fitch dudan que México estabilice su deuda en 2026?',
      ]),
    );
  });
});
