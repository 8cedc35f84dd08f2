import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { THEME_IDS } from '../core/themes.js';
import { LANGUAGES } from '../core/types.js';

export const classifyLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string(),
  summary: z.string().nullish().transform((value) => value ?? ''),
  lang: z.enum(LANGUAGES).optional(),
});

export const labelledLine = classifyLine.extend({ themes: z.array(z.enum(THEME_IDS)) });

/**
 * Reads a JSON Lines file, validating every line; a bad line stops the command with its file and
 * line number, so a typo in a dev set is found at once rather than skewing the figures.
 */
export function readJsonl<T extends z.ZodType>(file: string, schema: T): z.output<T>[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  const rows: z.output<T>[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${index + 1}: not valid JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${file}:${index + 1}: ${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`);
    }
    rows.push(parsed.data);
  });
  return rows;
}
