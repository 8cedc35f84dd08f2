import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { THEME_IDS } from '../../src/core/themes.js';
import { loadThemes, parseThemes } from '../../src/classify/themes-config.js';

/** A minimal valid themes file, as data, for each test to break in one place. */
function validFile() {
  return {
    scoring: { titleWeight: 2, summaryWeight: 1, saturation: 4 },
    concepts: { region: { threshold: 0.3, entities: { Brasil: 2 } }, us: { threshold: 0.2, entities: { Trump: 1 } } },
    themes: THEME_IDS.map((id) => ({ id, name: id, description: `About ${id}.`, threshold: 0.5, terms: { es: { palabra: 1 } } })),
  };
}

/** The ConfigError parseThemes throws for a file, or a failure if it accepts it. */
function errorFor(file: unknown): ConfigError {
  try {
    parseThemes(typeof file === 'string' ? file : stringify(file), 'config/themes.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('themes config', () => {
  it('loads the project file by default, wherever the process runs from, with the nine THEMES.md ids', () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      const config = loadThemes();
      expect(config.themes.map((theme) => theme.id)).toEqual([...THEME_IDS]);
      for (const theme of config.themes) expect(theme.name.length * theme.description.length).toBeGreaterThan(0);
      expect(Object.keys(config.concepts)).toContain('region');
    } finally {
      process.chdir(cwd);
    }
  });

  it('accepts a minimal valid file', () => {
    expect(parseThemes(stringify(validFile()), 'themes.yaml').themes).toHaveLength(9);
  });

  it.each<[string, (file: ReturnType<typeof validFile>) => unknown, RegExp]>([
    ['an unknown theme id', (file) => ((file.themes[3]!.id = 'us-politics' as never), file), /themes\.3\.id: unknown theme id "us-politics"; the ids are regional-integration, /],
    ['a missing theme', (file) => ((file.themes = file.themes.filter((theme) => theme.id !== 'china-latam')), file), /themes: missing theme "china-latam"/],
    ['a theme listed twice', (file) => ((file.themes[8] = { ...file.themes[0]! }), file), /themes\.8\.id: theme "regional-integration" is listed twice/],
    ['a weight that is not a number', (file) => ((file.themes[1]!.terms.es.palabra = 'high' as never), file), /themes\.1\.terms\.es\.palabra: weight must be a number/],
    ['a zero weight', (file) => ((file.themes[1]!.terms.es.palabra = 0), file), /themes\.1\.terms\.es\.palabra: weight must be greater than 0/],
    ['a negative weight', (file) => ((file.concepts.us.entities.Trump = -1), file), /concepts\.us\.entities\.Trump: weight must be greater than 0 \(negative terms go under `negative`\)/],
    ['a weight above 10', (file) => ((file.themes[2]!.terms.es.palabra = 50), file), /themes\.2\.terms\.es\.palabra: weight must be at most 10/],
    ['a threshold above 1', (file) => ((file.themes[0]!.threshold = 5), file), /themes\.0\.threshold: threshold must be at most 1/],
    ['a misspelt key', (file) => ({ ...file, themes: file.themes.map((theme, i) => (i === 4 ? { ...theme, treshold: 0.5 } : theme)) }), /themes\.4: Unrecognized key: "treshold"/],
    ['an unknown language', (file) => ((file.themes[0]!.terms = { fr: { mot: 1 } } as never), file), /themes\.0\.terms: Unrecognized key: "fr"/],
    ['several words as a term', (file) => ((file.themes[0]!.terms.es = { 'libre comercio': 2 } as never), file), /themes\.0\.terms\.es\.libre comercio: term is several words: put it under phrases/],
    ['one word as a phrase', (file) => (Object.assign(file.themes[0]!, { phrases: { en: { tariff: 2 } } }), file), /themes\.0\.phrases\.en\.tariff: a phrase needs at least two words/],
    ['an unknown required concept', (file) => (Object.assign(file.themes[2]!, { requires: ['usa'] }), file), /themes\.2\.requires\.0: unknown concept "usa"; the concepts are region, us/],
    ['no region concept', (file) => ({ ...file, concepts: { us: file.concepts.us } }), /concepts: missing the "region" concept/],
  ])('rejects %s with a message naming the file, the key path and the problem', (_, breakIt, message) => {
    const error = errorFor(breakIt(validFile()));
    expect(error.message).toMatch(/^config\/themes\.yaml: /);
    expect(error.message).toMatch(message);
    expect(error.name).toBe('ConfigError');
    expect(error.cause).toBeDefined();
  });

  it('rejects YAML that does not parse, and a key listed twice', () => {
    expect(errorFor('themes: [').message).toMatch(/^config\/themes\.yaml: not valid YAML: /);
    expect(errorFor('scoring: {titleWeight: 2}\nscoring: {titleWeight: 3}\n').message).toMatch(/Map keys must be unique/);
  });

  it('says which file it could not read', () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'themes-')), 'themes.yaml');
    expect(() => loadThemes(missing)).toThrow(new RegExp(`^${missing.replaceAll('\\', '\\\\')}: cannot read the themes file`));
    writeFileSync(missing, stringify(validFile()));
    expect(loadThemes(missing).themes).toHaveLength(9);
  });
});
