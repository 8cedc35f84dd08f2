import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { ConfigError } from '../core/errors.js';
import type { ThemeId } from '../core/themes.js';

export const DEFAULT_CLASSIFY_PROMPT_PATH = path.join(PACKAGE_ROOT, 'prompts', 'classify.md');
/** Appended to a batch only when it asks about story pairs, so other batches do not pay for it. */
export const DEFAULT_SAME_EVENT_PROMPT_PATH = path.join(PACKAGE_ROOT, 'prompts', 'same-event.md');

/** What the prompt says about a theme (from themes.yaml). */
export interface PromptTheme {
  id: ThemeId;
  name: string;
  description: string;
}

export interface ClassifyPrompt {
  /** The template with `{{themes}}` and `{{theme_ids}}` filled; `{{tag}}` is filled per call. */
  text: string;
  /** Short sha256 of the template and the themes section: stored with every LLM result. */
  version: string;
  themeIds: ThemeId[];
  /** The question on story pairs, with `{{pairs}}` filled per call. */
  sameEvent: string;
}

/** Items as the prompt shows them: a per-batch ref instead of the database id. The language is
 *  not given: models read it from the text, and the attribute cost tokens on every item. */
export interface PromptItem {
  ref: string;
  title: string;
  summary: string;
}

const PLACEHOLDERS = ['themes', 'theme_ids', 'tag'];

/**
 * Reads a prompt file (`prompts/*.md`) and checks its `{{placeholders}}` against the ones the caller
 * fills: one missing, or one unknown, is a config error naming the file. Every prompt of the LLM
 * (classification, digest overviews) is loaded here.
 */
export function loadPromptTemplate(file: string, placeholders: readonly string[], what: string): string {
  let template: string;
  try {
    template = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the ${what}`, { cause: error });
  }
  checkPlaceholders(template, placeholders, file);
  return template;
}

export function checkPlaceholders(template: string, placeholders: readonly string[], source: string): void {
  const used = new Set([...template.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)].map((match) => match[1]));
  const unknown = [...used].filter((name) => name && !placeholders.includes(name));
  const missing = placeholders.filter((name) => !used.has(name));
  if (unknown.length > 0 || missing.length > 0) {
    const problems = [
      ...missing.map((name) => `missing {{${name}}}`),
      ...unknown.map((name) => `unknown placeholder {{${name}}}`),
    ];
    throw new ConfigError(`${source}: ${problems.join(', ')}`);
  }
}

/** A short sha256 of what makes a prompt: stored with every result it produced, part of every cache key. */
export function promptVersion(...parts: string[]): string {
  const hash = createHash('sha256');
  parts.forEach((part, index) => hash.update(index === 0 ? part : `\0${part}`));
  return hash.digest('hex').slice(0, 12);
}

export function loadClassifyPrompt(themes: PromptTheme[], file = DEFAULT_CLASSIFY_PROMPT_PATH): ClassifyPrompt {
  return buildClassifyPrompt(loadPromptTemplate(file, PLACEHOLDERS, 'classification prompt'), themes, file);
}

export function loadSameEventPrompt(file = DEFAULT_SAME_EVENT_PROMPT_PATH): string {
  return loadPromptTemplate(file, ['pairs'], 'same-event prompt');
}

/** Fills the themes into a template; a template missing a placeholder, or naming an unknown one, is a config error. */
export function buildClassifyPrompt(template: string, themes: PromptTheme[], source = 'classify prompt', sameEvent = loadSameEventPrompt()): ClassifyPrompt {
  checkPlaceholders(template, PLACEHOLDERS, source);
  const themesSection = themes
    .map((theme) => `- \`${theme.id}\`: ${oneLine(theme.name)}. ${oneLine(theme.description)}`)
    .join('\n');
  const themeIds = themes.map((theme) => theme.id);
  const text = template
    .replaceAll(/\{\{\s*themes\s*\}\}/g, themesSection)
    .replaceAll(/\{\{\s*theme_ids\s*\}\}/g, themeIds.map((id) => `"${id}"`).join(', '));
  const version = promptVersion(template, themesSection);
  return { text, version, themeIds, sameEvent };
}

export interface ChatMessages {
  /** The random tag that fences this call's items. */
  tag: string;
  system: string;
  user: string;
}

/**
 * The system prompt and the fenced items for one call. Each item is sanitised (see
 * `sanitizeItemText`) and sits between `<tag ref="N">` and `</tag>`, where the tag is random per
 * call and chosen so that no item contains it. `pairs` (`pairLabel`s) are asked after the items
 * (prompts/same-event.md): whether those two items report the same event.
 */
export function buildMessages(
  prompt: ClassifyPrompt,
  items: PromptItem[],
  maxItemChars: number,
  newTag: () => string = () => `item_${randomBytes(5).toString('hex')}`,
  pairs: readonly string[] = [],
): ChatMessages {
  const bodies = items.map((item) => itemBody(item, maxItemChars));
  let tag = newTag();
  while (bodies.some((body) => body.toLowerCase().includes(tag.toLowerCase()))) tag = newTag();
  const fenced = items.map((item, index) => `<${tag} ref="${item.ref}">\n${bodies[index]}\n</${tag}>`);
  return {
    tag,
    system: prompt.text.replaceAll(/\{\{\s*tag\s*\}\}/g, tag),
    user: `Label these ${items.length} news items.\n\n${fenced.join('\n')}${pairs.length > 0 ? `\n\n${prompt.sameEvent.replaceAll(/\{\{\s*pairs\s*\}\}/g, pairs.join(', ')).trim()}` : ''}`,
  };
}

/** Title on one line, summary on the next, together at most `maxChars` characters. */
function itemBody(item: PromptItem, maxChars: number): string {
  const title = sanitizeItemText(item.title, maxChars);
  const summary = sanitizeItemText(item.summary, maxChars - [...title].length);
  return summary ? `${title}\n${summary}` : title;
}

// Format characters (zero-width, bidi controls, Unicode tag characters) and variation selectors
// render as nothing, so they can hide text from a reader of the logs while the model still sees it.
const INVISIBLE = /[\p{Cf}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/gu;

/**
 * Feed text as untrusted data: compatibility-normalised (fullwidth `＜` becomes `<`), invisible
 * characters dropped, HTML tags removed, any `<` `>` left replaced so no tag (our fence included)
 * can appear, whitespace and line breaks collapsed to single spaces, cut to `maxChars` code points.
 */
export function sanitizeItemText(text: string, maxChars: number): string {
  const clean = text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/<[^>]*>/g, ' ')
    .replaceAll('<', '‹')
    .replaceAll('>', '›')
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim();
  const chars = [...clean];
  if (chars.length <= maxChars) return clean;
  return maxChars <= 0 ? '' : `${chars.slice(0, maxChars - 1).join('').trimEnd()}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}
