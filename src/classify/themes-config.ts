import path from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { parseYamlWith, readYamlText } from '../config/read-yaml-file.js';
import { THEME_IDS } from '../core/themes.js';
import { LANGUAGES } from '../core/types.js';
import { tokenize } from './fold-text.js';

export const DEFAULT_THEMES_PATH = path.join(PACKAGE_ROOT, 'config', 'themes.yaml');

/** The concept every theme needs: the item is about Latin America at all. */
export const REGION_CONCEPT = 'region';

const weight = z
  .number({ error: 'weight must be a number' })
  .gt(0, { error: 'weight must be greater than 0 (negative terms go under `negative`)' })
  .lte(10, { error: 'weight must be at most 10' });
const weights = z.record(z.string(), weight);
const perLanguage = z.strictObject({ es: weights.optional(), pt: weights.optional(), en: weights.optional() });
const threshold = z
  .number({ error: 'threshold must be a number' })
  .gt(0, { error: 'threshold must be greater than 0' })
  .lte(1, { error: 'threshold must be at most 1 (scores are in [0, 1])' });

/**
 * Words that count toward a theme or concept, each with a weight:
 * `terms` are single words per language, matched after light stemming (arancel ~ aranceles);
 * `phrases` are several words per language, each stemmed, in order;
 * `entities` are names in any language (organizations, people, places), matched word for word
 * without stemming; a word written in capitals ("US", "CAN") only matches capitals.
 */
const vocabularyShape = { terms: perLanguage.optional(), phrases: perLanguage.optional(), entities: weights.optional() };
const vocabulary = z.strictObject(vocabularyShape);

const concept = z.strictObject({
  description: z.string().optional(),
  /** The concept is present when its score reaches this. */
  threshold,
  ...vocabularyShape,
});

const theme = z.strictObject({
  id: z.enum(THEME_IDS, {
    error: (issue) => `unknown theme id ${JSON.stringify(issue.input)}; the ids are ${THEME_IDS.join(', ')}`,
  }),
  name: z.string().min(1, { error: 'name must not be empty' }),
  description: z.string().min(1, { error: 'description must not be empty' }),
  threshold,
  /** Concepts that must be present besides the regional signal (e.g. china-latam needs `china`). */
  requires: z.array(z.string()).optional(),
  ...vocabularyShape,
  /** Words that count against this theme. */
  negative: vocabulary.optional(),
});

const themesFile = z
  .strictObject({
    scoring: z.strictObject({
      /** Multiplies the weight of a word found in the title. */
      titleWeight: weight,
      /** Multiplies the weight of a word found in the summary. */
      summaryWeight: weight,
      /** Raw score at which a score is 0.5: score = raw / (raw + saturation). */
      saturation: weight,
    }),
    concepts: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'a concept name is lowercase letters, digits and hyphens' }), concept),
    /** Words that count against every theme: sport, weather, celebrity. */
    negative: vocabulary.optional(),
    themes: z.array(theme),
  })
  .superRefine((file, ctx) => {
    if (!(REGION_CONCEPT in file.concepts)) {
      ctx.addIssue({ code: 'custom', path: ['concepts'], message: `missing the "${REGION_CONCEPT}" concept (the regional signal every theme needs)` });
    }
    checkVocabulary(file.negative, ['negative'], ctx);
    for (const [name, value] of Object.entries(file.concepts)) checkVocabulary(value, ['concepts', name], ctx);
    const seen = new Set<string>();
    file.themes.forEach((entry, index) => {
      if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: ['themes', index, 'id'], message: `theme "${entry.id}" is listed twice` });
      seen.add(entry.id);
      entry.requires?.forEach((name, at) => {
        if (!(name in file.concepts)) {
          const known = Object.keys(file.concepts).join(', ');
          ctx.addIssue({ code: 'custom', path: ['themes', index, 'requires', at], message: `unknown concept "${name}"; the concepts are ${known}` });
        }
      });
      checkVocabulary(entry, ['themes', index], ctx);
      checkVocabulary(entry.negative, ['themes', index, 'negative'], ctx);
    });
    for (const id of THEME_IDS) {
      if (!seen.has(id)) ctx.addIssue({ code: 'custom', path: ['themes'], message: `missing theme "${id}" (every theme in THEMES.md needs an entry)` });
    }
  });

export type ThemesConfig = z.output<typeof themesFile>;
export type ThemeConfig = ThemesConfig['themes'][number];
export type Vocabulary = z.output<typeof vocabulary>;

/** Terms must be one word and phrases several once folded, or they would never match as intended. */
function checkVocabulary(value: Vocabulary | undefined, at: (string | number)[], ctx: z.RefinementCtx): void {
  if (!value) return;
  for (const lang of LANGUAGES) {
    for (const term of Object.keys(value.terms?.[lang] ?? {})) {
      const count = tokenize(term).words.length;
      if (count !== 1) {
        const problem = count === 0 ? 'has no letters or digits' : 'is several words: put it under phrases';
        ctx.addIssue({ code: 'custom', path: [...at, 'terms', lang, term], message: `term ${problem}` });
      }
    }
    for (const phrase of Object.keys(value.phrases?.[lang] ?? {})) {
      if (tokenize(phrase).words.length < 2) {
        ctx.addIssue({ code: 'custom', path: [...at, 'phrases', lang, phrase], message: 'a phrase needs at least two words: put one word under terms' });
      }
    }
  }
  for (const name of Object.keys(value.entities ?? {})) {
    if (tokenize(name).words.length === 0) ctx.addIssue({ code: 'custom', path: [...at, 'entities', name], message: 'entity has no letters or digits' });
  }
}

/** Reads and validates themes.yaml (by default the package's own, wherever the process runs from). */
export function loadThemes(file: string = DEFAULT_THEMES_PATH): ThemesConfig {
  return parseThemes(readYamlText(file, 'the themes file'), file);
}

/** Validates the text of a themes file; `source` names it in messages. Every problem is a ConfigError. */
export function parseThemes(text: string, source: string): ThemesConfig {
  return parseYamlWith(themesFile, text, source);
}
