import { z } from 'zod';
import type { ThemeId } from '../core/themes.js';

/** How the answer format is requested, from the strictest to a plain instruction in the prompt. */
export const RESPONSE_MODES = ['json_schema', 'json_object', 'plain'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/**
 * The strict JSON schema for structured outputs: refs and theme ids are enums, so a server that
 * enforces the schema cannot produce anything else.
 */
export function answerJsonSchema(refs: string[], themeIds: readonly ThemeId[]) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'themes'],
          properties: {
            id: { type: 'string', enum: refs },
            themes: { type: 'array', items: { type: 'string', enum: [...themeIds] } },
          },
        },
      },
    },
  };
}

export function responseFormat(mode: ResponseMode, refs: string[], themeIds: readonly ThemeId[]) {
  switch (mode) {
    case 'json_schema':
      return {
        type: 'json_schema' as const,
        json_schema: { name: 'theme_labels', strict: true, schema: answerJsonSchema(refs, themeIds) },
      };
    case 'json_object':
      return { type: 'json_object' as const };
    case 'plain':
      return undefined;
  }
}

// Lenient where models commonly stray (numeric ids, a bare array, extra keys); what matters is checked after.
const entrySchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  themes: z.array(z.string()),
});
const answerSchema = z.preprocess(
  (value) => (Array.isArray(value) ? { items: value } : value),
  z.object({ items: z.array(entrySchema) }),
);

export type ParsedAnswer =
  | {
      kind: 'ok';
      /** Themes by ref, for the refs the answer covered. */
      labels: Map<string, ThemeId[]>;
      /** Theme ids outside the enum, dropped. */
      unknownThemes: string[];
      /** Refs that were not in the batch, dropped. */
      unknownRefs: string[];
    }
  | { kind: 'not-json'; detail: string }
  | { kind: 'invalid'; detail: string };

/** Validates a model's answer against the batch's refs and the theme enum. */
export function parseAnswer(content: string, refs: string[], themeIds: readonly ThemeId[]): ParsedAnswer {
  const json = extractJson(content);
  if (json === undefined) return { kind: 'not-json', detail: excerpt(content) };
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'invalid', detail: issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid' };
  }
  const known = new Set<string>(themeIds);
  const batch = new Set(refs);
  const labels = new Map<string, ThemeId[]>();
  const unknownThemes: string[] = [];
  const unknownRefs: string[] = [];
  for (const entry of parsed.data.items) {
    const ref = entry.id.trim();
    if (!batch.has(ref)) {
      unknownRefs.push(ref);
      continue;
    }
    const themes = new Set(labels.get(ref));
    for (const raw of entry.themes) {
      const id = raw.trim().toLowerCase();
      if (known.has(id)) themes.add(id as ThemeId);
      else unknownThemes.push(raw);
    }
    labels.set(
      ref,
      themeIds.filter((id) => themes.has(id)),
    );
  }
  return { kind: 'ok', labels, unknownThemes, unknownRefs };
}

/** The JSON value in a reply: the whole text, else inside a ``` fence, else from the first `{` to the last `}`. */
function extractJson(content: string): unknown {
  const candidates = [content, /```(?:json)?\s*([\s\S]*?)```/i.exec(content)?.[1]];
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start >= 0 && end > start) candidates.push(content.slice(start, end + 1));
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line || '(empty)';
}
