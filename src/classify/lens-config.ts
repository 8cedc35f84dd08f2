import path from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { parseYamlWith, readYamlText } from '../config/read-yaml-file.js';
import { BODY_IDS, OBSTACLE_IDS } from '../core/lens.js';
import { THEME_IDS } from '../core/themes.js';
import { parsePattern } from './lens-pattern.js';

export const DEFAULT_LENS_PATH = path.join(PACKAGE_ROOT, 'config', 'lens.yaml');

const weight = z.number({ error: 'weight must be a number' }).gt(0, { error: 'weight must be greater than 0' }).lte(10, { error: 'weight must be at most 10' });
const pattern = z.string().superRefine((text, ctx) => {
  const problem = parsePattern(text).kind === 'invalid' ? 'has a part with no letters or digits' : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: `pattern "${text}" ${problem}` });
});
const patterns = z.record(pattern, weight);
const perLanguage = { description: z.string().min(1), es: patterns.optional(), pt: patterns.optional(), en: patterns.optional() };
const reading = z.strictObject(perLanguage);
const isoCode = z.string().regex(/^[A-Z]{2}$/, { error: 'a country is its ISO 3166-1 alpha-2 code (two capitals)' });
const names = z.array(pattern).min(1, { error: 'an actor needs at least one name' });

const lensFile = z.strictObject({
  scoring: z.strictObject({
    titleWeight: weight,
    summaryWeight: weight,
    /** Raw score a direction needs to be read. */
    threshold: weight,
    /** Raw score an obstacle needs to be read. */
    obstacleThreshold: weight,
  }),
  context: z.strictObject({
    themes: z.array(z.enum(THEME_IDS)),
    minRegionalCountries: z.number().int().min(1),
  }),
  direction: z.strictObject({ advancing: reading, stalling: reading, reversing: reading }),
  obstacles: z.strictObject(Object.fromEntries(OBSTACLE_IDS.map((id) => [id, reading])) as Record<(typeof OBSTACLE_IDS)[number], typeof reading>),
  actors: z
    .strictObject({
      region: z.record(isoCode, names),
      outside: z.record(isoCode, names),
      bodies: z.strictObject(Object.fromEntries(BODY_IDS.map((id) => [id, names])) as Record<(typeof BODY_IDS)[number], typeof names>),
    })
    .superRefine((actors, ctx) => {
      for (const code of Object.keys(actors.outside)) {
        if (code in actors.region) ctx.addIssue({ code: 'custom', path: ['outside', code], message: `${code} is listed under region too` });
      }
    }),
});

export type LensConfig = z.output<typeof lensFile>;

/** Reads and validates lens.yaml (by default the package's own, wherever the process runs from). */
export function loadLens(file: string = DEFAULT_LENS_PATH): LensConfig {
  return parseLens(readYamlText(file, 'the lens file'), file);
}

/** Validates the text of a lens file; `source` names it in messages. Every problem is a ConfigError. */
export function parseLens(text: string, source: string): LensConfig {
  return parseYamlWith(lensFile, text, source);
}
