import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import type { LlmConfig } from '../config/config-schema.js';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';
import { THEME_HEADINGS } from './digest-labels.js';
import type { Digest, DigestSection } from './digest-types.js';
import { collapse, cut } from './format-story.js';
import { MAX_OVERVIEW_CHARS } from './render-discord.js';

/**
 * The LLM overview of each theme: 2–3 sentences written from the selected stories, in the
 * schedule's language, from `prompts/digest.md`. Cached by prompt version, model, language, theme
 * and stories, so the same digest never asks twice. Any failure means no overview, never no digest.
 */

export const DEFAULT_DIGEST_PROMPT_PATH = path.join(PACKAGE_ROOT, 'prompts', 'digest.md');

const LANGUAGE_NAMES: Record<Language, string> = { es: 'Spanish', pt: 'Portuguese (Brazil)', en: 'English' };
const PLACEHOLDERS = ['theme', 'language', 'stories'];

export interface DigestPrompt {
  template: string;
  /** Short sha256 of the template: part of every cache key. */
  version: string;
}

export function loadDigestPrompt(file = DEFAULT_DIGEST_PROMPT_PATH): DigestPrompt {
  let template: string;
  try {
    template = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the digest prompt`, { cause: error });
  }
  const used = new Set([...template.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)].map((match) => match[1]));
  const missing = PLACEHOLDERS.filter((name) => !used.has(name));
  const unknown = [...used].filter((name) => name && !PLACEHOLDERS.includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [
      ...missing.map((name) => `missing {{${name}}}`),
      ...unknown.map((name) => `unknown placeholder {{${name}}}`),
    ];
    throw new ConfigError(`${file}: ${problems.join(', ')}`);
  }
  return { template, version: createHash('sha256').update(template).digest('hex').slice(0, 12) };
}

/** The prompt for one theme, pure. Headlines are escaped so they cannot close their tag. */
export function overviewPrompt(prompt: DigestPrompt, section: DigestSection, language: Language): string {
  const stories = section.stories
    .map((story) => {
      const outlets = story.outlets.map((outlet) => cut(collapse(outlet), 80)).join(', ');
      const text = `${cut(collapse(story.lead.title), 300)} (${outlets})`.replace(/</g, '‹').replace(/>/g, '›');
      return `<story>${text}</story>`;
    })
    .join('\n');
  const values: Record<string, string> = {
    theme: THEME_HEADINGS[section.theme].en,
    language: LANGUAGE_NAMES[language],
    stories,
  };
  return prompt.template.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}

export function overviewCacheKey(prompt: DigestPrompt, model: string, section: DigestSection, language: Language): string {
  const hash = createHash('sha256');
  hash.update(`${prompt.version}\n${model}\n${language}\n${section.theme}\n`);
  for (const story of section.stories) hash.update(`${story.lead.contentHash}\n${story.outlets.join('|')}\n`);
  return hash.digest('hex');
}

/** What the model answered, made safe to show: one paragraph, no fences or labels, capped. Null if empty. */
export function cleanOverview(answer: string): string | null {
  const text = collapse(
    answer
      .replace(/^```[\w-]*\s*/m, '')
      .replace(/```\s*$/m, '')
      .replace(/^\s*(overview|panorama|resumen|resumo)\s*:\s*/i, ''),
  ).replace(/^["“]|["”]$/g, '');
  return text === '' ? null : cut(text, MAX_OVERVIEW_CHARS);
}

export interface OverviewCache {
  cachedOverview(key: string): string | undefined;
  cacheOverview(key: string, text: string, now: number): void;
}

export interface OverviewWriter {
  /** Overviews for the digest's sections; themes whose overview failed are absent. */
  write(digest: Digest): Promise<Map<ThemeId, string>>;
}

export interface OverviewWriterOptions {
  llm: LlmConfig;
  apiKey: string;
  cache: OverviewCache;
  logger: Logger;
  prompt?: DigestPrompt;
  now?: () => number;
  /** Aborted when Sancocho stops: the request in flight ends, and the remaining themes go without an overview. */
  signal?: AbortSignal | undefined;
}

export function createOverviewWriter(options: OverviewWriterOptions): OverviewWriter {
  const log = options.logger.child({ module: 'digest-overview' });
  const prompt = options.prompt ?? loadDigestPrompt();
  const now = options.now ?? Date.now;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.llm.baseURL,
    timeout: options.llm.timeoutSeconds * 1000,
    maxRetries: Math.min(options.llm.maxRetries, 2),
  });
  return {
    async write(digest) {
      const overviews = new Map<ThemeId, string>();
      for (const section of digest.sections) {
        if (options.signal?.aborted) {
          log.info({ theme: section.theme }, 'digest-overview: stopping; the remaining themes go without an overview');
          break;
        }
        const key = overviewCacheKey(prompt, options.llm.model, section, digest.language);
        const cached = options.cache.cachedOverview(key);
        if (cached !== undefined) {
          overviews.set(section.theme, cached);
          continue;
        }
        try {
          const completion = await client.chat.completions.create({
            model: options.llm.model,
            temperature: 0.2,
            messages: [{ role: 'user', content: overviewPrompt(prompt, section, digest.language) }],
          }, { signal: options.signal });
          const text = cleanOverview(completion.choices[0]?.message?.content ?? '');
          if (text === null) {
            log.warn({ theme: section.theme }, 'digest-overview: the model answered nothing; no overview for this theme');
            continue;
          }
          options.cache.cacheOverview(key, text, now());
          overviews.set(section.theme, text);
        } catch (error) {
          if (options.signal?.aborted) continue;
          log.warn(
            { theme: section.theme, err: error instanceof Error ? error.message : String(error) },
            'digest-overview: the LLM request failed; the digest goes out without this overview',
          );
        }
      }
      return overviews;
    },
  };
}

/**
 * The overview writer the configuration asks for: one when `llm` is set (the key from
 * OPENAI_API_KEY; a local server via `llm.baseURL` takes any key), else none.
 */
export function overviewWriterFromConfig(options: {
  llm: LlmConfig | undefined;
  env: NodeJS.ProcessEnv;
  cache: OverviewCache;
  logger: Logger;
  signal?: AbortSignal | undefined;
}): OverviewWriter | undefined {
  if (!options.llm) return undefined;
  const key = options.env.OPENAI_API_KEY?.trim();
  if (!key && !options.llm.baseURL) {
    options.logger.warn({ module: 'digest-overview' }, 'digest-overview: OPENAI_API_KEY is not set; digests go out without overviews');
    return undefined;
  }
  return createOverviewWriter({ llm: options.llm, apiKey: key || 'sk-local', cache: options.cache, logger: options.logger, signal: options.signal });
}
