import { z } from 'zod';
import { DIRECTIONS, OBSTACLE_IDS, normalizeActor, sortActors, type Direction, type ObstacleId } from '../core/lens.js';
import type { ThemeId } from '../core/themes.js';

/** How the answer format is requested, from the strictest to a plain instruction in the prompt. */
export const RESPONSE_MODES = ['json_schema', 'json_object', 'plain'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/**
 * The strict JSON schema for structured outputs. Theme ids are an enum, so a server that enforces
 * the schema cannot produce anything else; each theme comes with the words of the item that show
 * it (see llm-grounding). Refs are not an enum: the schema is sent with every request and billed.
 * `pairs` (whether two items report the same event) is in it only when the batch asks about pairs.
 * The lens fields (direction with its quote, obstacles, actors, importance) ride in the same entry.
 */
export function answerJsonSchema(themeIds: readonly ThemeId[], withPairs = false) {
  return {
    type: 'object',
    additionalProperties: false,
    required: withPairs ? ['items', 'pairs'] : ['items'],
    properties: {
      ...(withPairs ? { pairs: pairsJsonSchema } : {}),
      items: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'themes', ...LENS_FIELDS],
          properties: {
            id: { type: 'string' },
            themes: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['theme', 'quote'],
                properties: { theme: { type: 'string', enum: [...themeIds] }, quote: { type: 'string' } },
              },
            },
            ...lensJsonSchema,
          },
        },
      },
    },
  };
}

const LENS_FIELDS = ['direction', 'direction_quote', 'obstacles', 'actors', 'importance'] as const;

/** Actors are not an enum: ISO 3166 has some 250 codes, and the schema is billed with every request. */
const lensJsonSchema = {
  direction: { type: 'string', enum: [...DIRECTIONS] },
  direction_quote: { type: 'string' },
  obstacles: { type: 'array', items: { type: 'string', enum: [...OBSTACLE_IDS] } },
  actors: { type: 'array', items: { type: 'string' } },
  importance: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['score', 'fact'],
    properties: { score: { type: 'number' }, fact: { type: 'string' } },
  },
};

const pairsJsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['pair', 'same'],
    properties: { pair: { type: 'string' }, same: { type: 'boolean' } },
  },
};

export function responseFormat(mode: ResponseMode, themeIds: readonly ThemeId[], withPairs = false) {
  switch (mode) {
    case 'json_schema':
      return {
        type: 'json_schema' as const,
        json_schema: { name: 'theme_labels', strict: true, schema: answerJsonSchema(themeIds, withPairs) },
      };
    case 'json_object':
      return { type: 'json_object' as const };
    case 'plain':
      return undefined;
  }
}

/** One theme the model gave an item, with the words it quoted for it (null when it quoted none). */
export interface LabelClaim {
  theme: ThemeId;
  quote: string | null;
}

/**
 * What the model read of an item with the essay's lens, validated but not yet grounded (llm-grounding
 * checks the quote and the fact against the item). `direction` is null when missing or not a known one.
 */
export interface LensClaim {
  direction: Direction | null;
  quote: string | null;
  obstacles: ObstacleId[];
  /** Body ids and ISO 3166-1 alpha-2 codes; anything else the model named is dropped. */
  actors: string[];
  importance: { score: number; fact: string } | null;
}

// Each lens field is read on its own: one the model got wrong costs that field, not the item's themes.
const lensSchema = z.object({
  direction: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(DIRECTIONS))
    .nullish()
    .catch(null),
  direction_quote: z.string().nullish().catch(null),
  obstacles: z
    .array(z.unknown())
    .nullish()
    .catch(null)
    .transform((values) => [...new Set((values ?? []).flatMap((value) => (typeof value === 'string' && (OBSTACLE_IDS as readonly string[]).includes(value.trim().toLowerCase()) ? [value.trim().toLowerCase() as ObstacleId] : [])))]),
  actors: z
    .array(z.unknown())
    .nullish()
    .catch(null)
    .transform((values) => sortActors((values ?? []).flatMap((value) => (typeof value === 'string' ? [normalizeActor(value)].filter((actor): actor is string => actor !== null) : [])))),
  importance: z
    .object({ score: z.number().min(0).max(1), fact: z.string().trim().min(1) })
    .nullish()
    .catch(null),
});

function readLens(raw: unknown): LensClaim {
  const parsed = lensSchema.parse(typeof raw === 'object' && raw !== null ? raw : {});
  return {
    direction: parsed.direction ?? null,
    quote: parsed.direction_quote?.trim() || null,
    obstacles: parsed.obstacles,
    actors: parsed.actors,
    importance: parsed.importance ?? null,
  };
}

// Lenient where models commonly stray (numeric ids, a bare array, a theme without its quote); each
// entry is checked on its own, so one bad entry costs one item.
const rootSchema = z.preprocess(
  (value) => (Array.isArray(value) ? { items: value } : value),
  z.object({ items: z.array(z.unknown()), pairs: z.array(z.unknown()).nullish() }),
);
// "1-4", "4-1", "1–4", "1,4": the same pair.
const pairSchema = z.object({
  pair: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).transform((pair) =>
    (Array.isArray(pair) ? pair.map(String) : pair.split(/\s*[-–,/]\s*|\s+/)).map((ref) => ref.trim()).filter(Boolean),
  ),
  same: z.boolean(),
});
const entrySchema = z.object({
  id: z.union([z.string(), z.number()]).transform((id) => String(id).trim()),
  themes: z.array(z.union([z.string(), z.object({ theme: z.string(), quote: z.string().nullish() })])),
});

export type ParsedAnswer =
  | {
      kind: 'ok';
      /** Claims by ref, for the refs the answer covered with a valid entry. */
      labels: Map<string, LabelClaim[]>;
      /** The lens fields of the same entries, by ref. */
      lens: Map<string, LensClaim>;
      /** Refs of the batch whose entry was invalid or given more than once, with why. */
      bad: Map<string, string>;
      /** Refs that were not in the batch, dropped. */
      unknownRefs: string[];
      /** For the pairs asked (`pairLabel`) that the answer settled once and validly: the same event or not. */
      same: Map<string, boolean>;
    }
  | { kind: 'not-json'; detail: string }
  | { kind: 'invalid'; detail: string };

/** How a pair of refs is shown to the model and found in its answer: "1-4". */
export function pairLabel(a: string, b: string): string {
  return `${a}-${b}`;
}

/**
 * Validates a model's answer against the batch's refs and the theme enum, entry by entry, and its
 * pair verdicts against the pairs asked (`pairLabel`s): an unasked, repeated or malformed one is dropped.
 */
export function parseAnswer(content: string, refs: string[], themeIds: readonly ThemeId[], pairs: readonly string[] = []): ParsedAnswer {
  const json = extractJson(content);
  if (json === undefined) return { kind: 'not-json', detail: excerpt(content) };
  const root = rootSchema.safeParse(json);
  if (!root.success) {
    const issue = root.error.issues[0];
    return { kind: 'invalid', detail: issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid' };
  }
  const known = new Set<string>(themeIds);
  const batch = new Set(refs);
  const labels = new Map<string, LabelClaim[]>();
  const lens = new Map<string, LensClaim>();
  const bad = new Map<string, string>();
  const unknownRefs: string[] = [];
  const seen = new Set<string>();
  for (const raw of root.data.items) {
    const entry = entrySchema.safeParse(raw);
    const ref = entry.success ? entry.data.id : readRef(raw);
    if (ref === undefined) continue;
    if (!batch.has(ref)) {
      unknownRefs.push(ref);
      continue;
    }
    if (seen.has(ref)) {
      // Two answers for one item: neither can be trusted.
      labels.delete(ref);
      lens.delete(ref);
      bad.set(ref, 'duplicate id in llm answer');
      continue;
    }
    seen.add(ref);
    if (!entry.success) {
      bad.set(ref, 'invalid entry in llm answer');
      continue;
    }
    const claims: LabelClaim[] = entry.data.themes.map((claim) =>
      typeof claim === 'string' ? { theme: claim.trim().toLowerCase() as ThemeId, quote: null } : { theme: claim.theme.trim().toLowerCase() as ThemeId, quote: claim.quote ?? null },
    );
    const unknown = claims.find((claim) => !known.has(claim.theme));
    if (unknown) {
      bad.set(ref, `unknown theme "${excerpt(unknown.theme)}" in llm answer`);
      continue;
    }
    labels.set(ref, claims);
    lens.set(ref, readLens(raw));
  }
  return { kind: 'ok', labels, lens, bad, unknownRefs, same: pairVerdicts(root.data.pairs ?? [], pairs) };
}

function pairVerdicts(raw: unknown[], asked: readonly string[]): Map<string, boolean> {
  const wanted = new Set(asked);
  const same = new Map<string, boolean>();
  const repeated = new Set<string>();
  for (const entry of raw) {
    const parsed = pairSchema.safeParse(entry);
    if (!parsed.success || parsed.data.pair.length !== 2) continue;
    const [a, b] = parsed.data.pair as [string, string];
    const label = [pairLabel(a, b), pairLabel(b, a)].find((candidate) => wanted.has(candidate));
    if (label === undefined) continue;
    // Two verdicts on one pair: neither can be trusted.
    if (same.has(label) || repeated.has(label)) {
      same.delete(label);
      repeated.add(label);
      continue;
    }
    same.set(label, parsed.data.same);
  }
  return same;
}

function readRef(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return undefined;
  const id = (raw as { id: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id).trim() : undefined;
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
