import { createHash } from 'node:crypto';
import path from 'node:path';
import type { LlmClient } from '../classify/llm-client.js';
import { loadPromptTemplate, promptVersion } from '../classify/llm-prompt.js';
import { PACKAGE_ROOT } from '../config/load-config.js';
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
 * The requests go through the classifier's own LLM client: same retry cap, deadline, ledger and budget.
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
  const template = loadPromptTemplate(file, PLACEHOLDERS, 'digest prompt');
  return { template, version: promptVersion(template) };
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
  cachedOverview(key: string): Promise<string | undefined>;
  cacheOverview(key: string, text: string, now: number): Promise<void>;
}

export interface OverviewWriter {
  /** Overviews for the digest's sections; themes whose overview failed are absent. */
  write(digest: Digest): Promise<Map<ThemeId, string>>;
}

export interface OverviewWriterOptions {
  client: LlmClient;
  cache: OverviewCache;
  logger: Logger;
  prompt?: DigestPrompt;
  now?: () => number;
}

export function createOverviewWriter(options: OverviewWriterOptions): OverviewWriter {
  const log = options.logger.child({ module: 'digest-overview' });
  const prompt = options.prompt ?? loadDigestPrompt();
  const now = options.now ?? Date.now;
  const { client } = options;
  return {
    async write(digest) {
      const overviews = new Map<ThemeId, string>();
      // After a failure the client is paused or out of budget: the other themes use the cache only.
      let unavailable = false;
      for (const section of digest.sections) {
        const key = overviewCacheKey(prompt, client.model, section, digest.language);
        const cached = await options.cache.cachedOverview(key);
        if (cached !== undefined) {
          overviews.set(section.theme, cached);
          continue;
        }
        if (unavailable) continue;
        const outcome = await client.chat({
          purpose: 'overview',
          user: overviewPrompt(prompt, section, digest.language),
          temperature: 0.2,
          mode: 'text',
          items: section.stories.length,
        });
        if (outcome.kind === 'stopped') {
          log.info({ theme: section.theme }, 'digest-overview: stopping; the remaining themes go without an overview');
          break;
        }
        if (outcome.kind !== 'ok') {
          unavailable = outcome.kind !== 'format-rejected';
          log.warn(
            { theme: section.theme, reason: outcome.kind === 'format-rejected' ? outcome.detail : outcome.reason },
            'digest-overview: no overview from the LLM; the digest goes out without it',
          );
          continue;
        }
        const text = cleanOverview(outcome.content);
        if (text === null) {
          log.warn({ theme: section.theme }, 'digest-overview: the model answered nothing; no overview for this theme');
          continue;
        }
        await options.cache.cacheOverview(key, text, now());
        overviews.set(section.theme, text);
      }
      return overviews;
    },
  };
}

/** The overview writer when an LLM client is configured, else none. */
export function overviewWriterFor(client: LlmClient | undefined, cache: OverviewCache, logger: Logger): OverviewWriter | undefined {
  return client ? createOverviewWriter({ client, cache, logger }) : undefined;
}
