import { describe, expect, it } from 'vitest';
import { answerJsonSchema, parseAnswer, type LensClaim } from '../../src/classify/llm-answer.js';
import { groundedFact, groundedQuote } from '../../src/classify/llm-grounding.js';
import { isCountryCode, normalizeActor } from '../../src/core/lens.js';
import { THEME_IDS } from '../../src/core/themes.js';

const item = { title: 'Argentina amenaza con salir del Mercosur', summary: 'Milei dice que el bloque es una cárcel y busca un acuerdo con Estados Unidos.' };

/** The lens fields of one answered entry, as parsed. */
function lensOf(entry: Record<string, unknown>): LensClaim | undefined {
  const answer = parseAnswer(JSON.stringify({ items: [{ id: '1', themes: [], ...entry }] }), ['1'], THEME_IDS);
  if (answer.kind !== 'ok') throw new Error(answer.kind);
  return answer.lens.get('1');
}

describe('the lens fields of an answer', () => {
  it('ask for direction, its quote, obstacles, actors and importance in the strict schema of the same call', () => {
    const entry = answerJsonSchema(THEME_IDS).properties.items.items;
    expect(entry.required).toEqual(['id', 'themes', 'direction', 'direction_quote', 'obstacles', 'actors', 'importance']);
    expect(entry.properties.direction).toEqual({ type: 'string', enum: ['advancing', 'stalling', 'reversing', 'none'] });
    expect(entry.properties.importance.type).toEqual(['object', 'null']);
  });

  it.each<[string, Record<string, unknown>, Partial<LensClaim>]>([
    ['a full reading', { direction: 'reversing', direction_quote: 'salir del Mercosur', obstacles: ['ideological-instrumentalization'], actors: ['mercosur', 'AR', 'US'], importance: { score: 0.9, fact: 'Argentina amenaza con salir' } }, { direction: 'reversing', quote: 'salir del Mercosur', obstacles: ['ideological-instrumentalization'], actors: ['mercosur', 'AR', 'US'], importance: { score: 0.9, fact: 'Argentina amenaza con salir' } }],
    ['loose spellings of directions and actors', { direction: ' Advancing ', actors: ['Pacific Alliance', 'ar', 'Mercosur', 'mercosur'] }, { direction: 'advancing', actors: ['mercosur', 'pacific-alliance', 'AR'] }],
    ['an unknown direction', { direction: 'sideways', direction_quote: 'x' }, { direction: null }],
    ['no lens fields (a server that ignored them)', {}, { direction: null, quote: null, obstacles: [], actors: [], importance: null }],
    ['unknown obstacles and actors, dropped one by one', { obstacles: ['corruption', 'weak-delegation'], actors: ['Atlantis', 'EU', 'XX', 'BR', 7] }, { obstacles: ['weak-delegation'], actors: ['BR'] }],
    ['an importance out of range', { importance: { score: 3, fact: 'f' } }, { importance: null }],
    ['an importance without a fact', { importance: { score: 0.5, fact: ' ' } }, { importance: null }],
    ['fields of the wrong type', { direction: 4, obstacles: 'weak-delegation', actors: 'AR', importance: 'high' }, { direction: null, obstacles: [], actors: [], importance: null }],
  ])('read %s', (_, entry, expected) => {
    expect(lensOf(entry)).toMatchObject(expected);
  });

  it('leave the item’s themes standing whatever is wrong with them', () => {
    const answer = parseAnswer(JSON.stringify({ items: [{ id: '1', themes: [{ theme: 'regional-integration', quote: 'q' }], direction: 'sideways', actors: 5 }] }), ['1'], THEME_IDS);
    expect(answer.kind === 'ok' && answer.labels.get('1')).toEqual([{ theme: 'regional-integration', quote: 'q' }]);
  });
});

describe('grounding the lens', () => {
  it.each<[string, string | null, boolean]>([
    ['words of the title', 'amenaza con salir del Mercosur', true],
    ['words of the summary, no accents', 'el bloque es una carcel', true],
    ['words not in the item', 'firman un tratado', false],
    ['no quote', null, false],
  ])('a direction quoting %s is grounded: %s', (_, quote, grounded) => {
    expect(groundedQuote(quote, item) !== null).toBe(grounded);
  });

  it.each<[string, string, boolean]>([
    ['a quote of the item', 'Argentina amenaza con salir del Mercosur', true],
    ['its key words in another order and language', 'Milei: Argentina could leave Mercosur', false],
    ['its key words, function words aside', 'Argentina amenaza salir del Mercosur por Milei', true],
    ['mostly words of its own', 'Brasil celebra el fin del arancel externo común', false],
    ['a single key word', 'Mercosur', false],
    ['a sentence far too long to be a fact', `${item.summary} `.repeat(4), false],
  ])('an importance fact that is %s is grounded: %s', (_, fact, grounded) => {
    expect(groundedFact(fact, item) !== null).toBe(grounded);
  });
});

describe('actors', () => {
  it.each<[string, string | null]>([
    ['AR', 'AR'],
    ['br', 'BR'],
    ['Mercosur', 'mercosur'],
    ['pacific alliance', 'pacific-alliance'],
    ['EU', null],
    ['ZZ', null],
    ['USA', null],
    ['Atlantis', null],
  ])('%s is read as %s', (value, actor) => {
    expect(normalizeActor(value)).toBe(actor);
  });

  it('are ISO 3166-1 alpha-2 codes for every country of the region', () => {
    for (const code of ['AR', 'BO', 'BR', 'CL', 'CO', 'CR', 'CU', 'DO', 'EC', 'GT', 'HN', 'HT', 'MX', 'NI', 'PA', 'PE', 'PY', 'SV', 'UY', 'VE', 'US', 'CN']) expect(isCountryCode(code)).toBe(true);
  });
});
