import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/core/types.js';
import { detectLanguage } from '../../src/feeds/detect-language.js';
import { repoRoot } from './fixtures.js';

const devSet = path.resolve(repoRoot, 'test/fixtures/eval/dev.jsonl');

interface DevItem {
  title: string;
  summary: string;
  lang: Language;
}

describe('detectLanguage', () => {
  it.each([
    ['Lula e Milei discutem acordo do Mercosul com a União Europeia', 'pt'],
    ['Governo não vai recuar nas negociações', 'pt'],
    ['Exportações brasileiras crescem para o maior nível em dez anos', 'pt'],
    ['El Mercosur y la Unión Europea firman el acuerdo comercial', 'es'],
    ['¿Qué es el FIR Maiquetía?', 'es'],
    ['Los presidentes del bloque se reúnen en Montevideo', 'es'],
    ['Año nuevo, aranceles nuevos', 'es'],
    ['Mercosur and the EU sign a trade deal after 25 years of talks', 'en'],
    ['Brazil says it will not accept the terms', 'en'],
  ] as const)('%s → %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it('gives no answer without evidence', () => {
    expect(detectLanguage('')).toBeNull();
    expect(detectLanguage('Mercosur 2025')).toBeNull();
    expect(detectLanguage('constructor proto')).toBeNull();
  });

  it('recognises at least 95% of the labelled dev set from title and summary', () => {
    const items = readFileSync(devSet, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as DevItem);
    const misses = items.filter((item) => detectLanguage(`${item.title} ${item.summary}`) !== item.lang);
    const titleOnlyMisses = items.filter((item) => detectLanguage(item.title) !== item.lang);
    console.info(
      `detect-language on dev.jsonl: ${items.length - misses.length}/${items.length} with summary, ` +
        `${items.length - titleOnlyMisses.length}/${items.length} from titles alone`,
    );
    expect(misses.length / items.length).toBeLessThanOrEqual(0.05);
  });
});
