import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/core/themes.js';
import { LANGUAGES } from '../../src/core/types.js';
import { themeChoices } from '../../src/discord/commands/command.js';
import { THEME_HEADINGS } from '../../src/digest/digest-labels.js';
import { themeNames } from '../../src/discord/theme-names.js';

describe('one theme-name resolver: every name Sancocho shows is accepted back', () => {
  const names = themeNames();

  it('resolves every id, every /themes name and every digest heading in es, pt and en to its theme', () => {
    for (const theme of names.themes) {
      const shown = [theme.id, theme.name, ...LANGUAGES.map((language) => THEME_HEADINGS[theme.id][language])];
      for (const name of shown) expect([name, names.resolve(name)]).toEqual([name, theme.id]);
    }
    expect(names.themes.map((theme) => theme.id)).toEqual([...THEME_IDS]);
  });

  it.each([
    ['  CHINA-LATAM ', 'china-latam'],
    ['trade agreements, tariffs and market access', 'trade-tariffs'],
    ['comercio y aranceles', 'trade-tariffs'],
    ['COMÉRCIO E TARIFAS', 'trade-tariffs'],
    ['Integrac\u0327a\u0303o regional', 'regional-integration'], // accents typed as combining characters
    ['integracao regional', 'regional-integration'],
    ['EE.UU. y Venezuela', 'us-venezuela'],
    ['The U.S.-Venezuela confrontation', 'us-venezuela'], // a hyphen for the en dash
    ['Seguridad y crimen organizado (cont.)', 'security-crime'], // the title of a continued digest embed
    ['fútbol', null],
    ['trade', null], // a part of a name is for autocomplete, not a name
    ['', null],
    ['   ', null],
  ])('resolves %j', (typed, expected) => {
    expect(names.resolve(typed)).toBe(expected);
  });

  it.each([
    ['comercio', [['Comercio y aranceles · Trade agreements, tariffs and market access', 'trade-tariffs']]],
    ['integração', [['Integração regional · Regional integration and its institutions', 'regional-integration']]],
    ['integrac\u0327a\u0303o', [['Integração regional · Regional integration and its institutions', 'regional-integration']]],
    ['trade', [['Trade agreements, tariffs and market access', 'trade-tariffs']]],
    ['TRADE-TAR', [['Trade agreements, tariffs and market access', 'trade-tariffs']]],
    ['energía', [['Recursos, energía y autonomía · Natural resources, energy and strategic autonomy', 'resources-autonomy']]],
    ['crimen', [['Seguridad y crimen organizado · Security cooperation and organized crime', 'security-crime']]],
  ])('autocompletes %j from any name, accents ignored', (typed, expected) => {
    expect(themeChoices(typed).map((choice) => [choice.name, choice.value])).toEqual(expected);
  });

  it('offers every theme by its /themes name before anything is typed, and nothing for a stranger', () => {
    expect(themeChoices('').map((choice) => choice.name)).toEqual(names.themes.map((theme) => theme.name));
    expect(themeChoices('fútbol')).toEqual([]);
  });
});
