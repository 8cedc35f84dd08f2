import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { formatZodError } from './format-zod-error.js';

/** Reads a YAML file's text; `what` names it in the message ("the themes file"). */
export function readYamlText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read ${what} (${(error as { code?: string }).code ?? String(error)})`, { cause: error });
  }
}

/** Parses YAML text; a syntax error is a ConfigError naming `source` and the first line of the parser's message. */
export function parseYamlText(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`${source}: not valid YAML: ${detail}`, { cause: error });
  }
}

/** Parses and validates YAML text against `schema` (an empty document as `{}`); every problem is one ConfigError. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, source: string): z.output<S> {
  const parsed = schema.safeParse(parseYamlText(text, source) ?? {});
  if (!parsed.success) throw new ConfigError(formatZodError(source, parsed.error), { cause: parsed.error });
  return parsed.data;
}
