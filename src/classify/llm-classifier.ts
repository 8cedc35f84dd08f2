import { setTimeout as delay } from 'node:timers/promises';
import OpenAI from 'openai';
import type { LlmConfig } from '../config/config-schema.js';
import type { Logger } from '../core/logger.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import type { ClassificationStore } from '../store/classification-store.js';
import type { Classification } from './classifier.js';
import { offlineLabel, toClassifierInput, type ClassifiableItem, type ItemClassifier, type ItemLabel } from './item-classifier.js';
import type { OfflineClassifier } from './offline-classifier.js';
import { parseAnswer, RESPONSE_MODES, responseFormat, type ResponseMode } from './llm-answer.js';
import { buildMessages, type ClassifyPrompt } from './llm-prompt.js';
import { completeWithRetries, type RetryPolicy } from './llm-request.js';

/** What the LLM classifier keeps in the database: its answer cache and the token ledger. */
export type LlmLedger = Pick<ClassificationStore, 'cachedThemes' | 'cacheThemes' | 'recordUsage' | 'tokensUsedSince'>;

export interface LlmClassifierOptions {
  config: LlmConfig;
  /** From OPENAI_API_KEY; local servers accept any placeholder. Never logged. */
  apiKey: string;
  prompt: ClassifyPrompt;
  offline: OfflineClassifier;
  ledger: LlmLedger;
  logger: Logger;
  /** After a batch fails for want of a server (retries exhausted, 401…), later batches go offline for this long. */
  pauseAfterFailureMs?: number;
  backoff?: RetryPolicy['backoff'];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /**
   * Aborted when Sancocho stops: the request in flight (or the wait before a retry) ends at once
   * and classifyItems throws, so the page stays unclassified instead of getting fallback labels.
   */
  signal?: AbortSignal | undefined;
}

export interface LlmClassifier extends ItemClassifier {
  /** The response format that last worked (or the next to try after a refusal). */
  readonly mode: ResponseMode;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Labels items with an OpenAI-compatible chat model, spending as little as possible: the offline
 * classifier runs first and items without a regional signal stay offline (when configured); the
 * cache answers text it has seen under this model and prompt; the rest goes out in batches while
 * the UTC day's token budget lasts. Whatever the model cannot label gets offline labels with a reason.
 */
export function createLlmClassifier(options: LlmClassifierOptions): LlmClassifier {
  const { config, prompt, offline, ledger } = options;
  const log = options.logger.child({ module: 'llm-classifier', model: config.model });
  const now = options.now ?? Date.now;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutSeconds * 1000,
    maxRetries: 0,
    logLevel: 'off',
  });
  const policy: RetryPolicy = {
    maxRetries: config.maxRetries,
    maxRetryAfterMs: config.maxRetryAfterSeconds * 1000,
    backoff: options.backoff ?? { baseMs: 1000, maxMs: 30_000 },
    sleep: options.sleep ?? ((ms) => delay(ms, undefined, { signal: options.signal }).catch(() => undefined)),
    now,
  };
  const pauseAfterFailureMs = options.pauseAfterFailureMs ?? 5 * 60 * 1000;
  let mode: ResponseMode = 'json_schema';
  let pausedUntil = 0;
  let pauseReason = '';

  type BatchOutcome = { kind: 'ok'; labels: Map<string, ThemeId[]> } | { kind: 'failed'; reason: string };

  /** Asks for one batch of distinct texts, stepping down the response modes as the server requires. */
  async function requestBatch(batch: ClassifiableItem[]): Promise<BatchOutcome> {
    const refs = batch.map((_, index) => String(index + 1));
    const messages = buildMessages(
      prompt,
      batch.map((item, index) => ({ ref: refs[index] as string, title: item.title, summary: item.summary, language: item.language })),
      config.maxItemChars,
    );
    let failure = 'llm answer not JSON in any response format';
    for (let index = RESPONSE_MODES.indexOf(mode); index < RESPONSE_MODES.length; index++) {
      const attempt = RESPONSE_MODES[index] as ResponseMode;
      const format = responseFormat(attempt, refs, prompt.themeIds);
      const outcome = await completeWithRetries(
        () =>
          client.chat.completions.create({
            model: config.model,
            temperature: 0,
            messages: [
              { role: 'system', content: messages.system },
              { role: 'user', content: messages.user },
            ],
            ...(format ? { response_format: format } : {}),
          }, { signal: options.signal }),
        policy,
        log,
      );
      if (outcome.kind === 'format-rejected') {
        // A refusal is a property of the server: never ask for this mode again.
        mode = RESPONSE_MODES[index + 1] ?? attempt;
        log.warn({ refused: attempt, next: mode, detail: outcome.detail }, 'llm-classifier: response format refused');
        failure = 'llm refused the response format';
        continue;
      }
      if (outcome.kind === 'failed') {
        pausedUntil = now() + Math.max(pauseAfterFailureMs, outcome.retryAfterMs ?? 0);
        pauseReason = outcome.reason;
        return { kind: 'failed', reason: `llm unavailable: ${outcome.reason}` };
      }
      const usage = outcome.usage ?? estimateUsage(messages.system + messages.user, outcome.content);
      ledger.recordUsage({ at: now(), model: config.model, ...usage, items: batch.length, mode: attempt });
      if (outcome.finishReason === 'length') return { kind: 'failed', reason: 'llm answer truncated' };
      const answer = parseAnswer(outcome.content, refs, prompt.themeIds);
      if (answer.kind === 'not-json') {
        // The server ignored the requested format; the next mode may still get JSON out of it.
        log.warn({ mode: attempt, content: answer.detail }, 'llm-classifier: answer is not JSON');
        failure = 'llm answer not JSON in any response format';
        continue;
      }
      if (answer.kind === 'invalid') {
        log.warn({ mode: attempt, detail: answer.detail }, 'llm-classifier: answer breaks the schema');
        return { kind: 'failed', reason: `llm answer invalid: ${answer.detail}` };
      }
      mode = attempt;
      if (answer.unknownThemes.length > 0 || answer.unknownRefs.length > 0) {
        log.warn(
          { unknownThemes: answer.unknownThemes.slice(0, 20), unknownRefs: answer.unknownRefs.slice(0, 20) },
          'llm-classifier: dropped unknown ids from the answer',
        );
      }
      const labels = new Map<string, ThemeId[]>();
      batch.forEach((item, index) => {
        const themes = answer.labels.get(refs[index] as string);
        if (themes) labels.set(item.contentHash, themes);
      });
      return { kind: 'ok', labels };
    }
    return { kind: 'failed', reason: failure };
  }

  /** Why no call may be made now, if so. */
  function blocked(): string | undefined {
    const at = now();
    if (at < pausedUntil) return `llm paused: ${pauseReason}`;
    const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
    if (ledger.tokensUsedSince(dayStart) >= config.dailyTokenBudget) return 'daily token budget exhausted';
    return undefined;
  }

  async function classifyItems(items: ClassifiableItem[]): Promise<ItemLabel[]> {
    const offlineResults = items.map((item) => offline.classify(toClassifierInput(item)));
    const results: (ItemLabel | undefined)[] = items.map((item, index) => {
      const offlineResult = offlineResults[index] as Classification;
      if (item.backlog) return offlineLabel(item, offlineResult, 'backlog');
      if (config.skipWithoutRegionalSignal && !offlineResult.regionalSignal) return offlineLabel(item, offlineResult, 'no regional signal');
      return undefined;
    });
    const llmLabel = (index: number, themes: ThemeId[]): ItemLabel => {
      const item = items[index] as ClassifiableItem;
      return {
        itemId: item.id,
        contentHash: item.contentHash,
        source: 'llm',
        model: config.model,
        promptVersion: prompt.version,
        reason: null,
        classification: fromLlm(offlineResults[index] as Classification, themes),
      };
    };
    const fallBack = (indexes: number[], reason: string) => {
      for (const index of indexes) results[index] = offlineLabel(items[index] as ClassifiableItem, offlineResults[index] as Classification, reason);
    };

    // Items waiting for the model, grouped by text so the same text is never sent twice.
    const waiting = new Map<string, number[]>();
    items.forEach((item, index) => {
      if (!results[index]) waiting.set(item.contentHash, [...(waiting.get(item.contentHash) ?? []), index]);
    });
    const cached = ledger.cachedThemes([...waiting.keys()], config.model, prompt.version);
    for (const [hash, themes] of cached) {
      for (const index of waiting.get(hash) ?? []) results[index] = llmLabel(index, themes);
      waiting.delete(hash);
    }

    const hashes = [...waiting.keys()];
    let sent = 0;
    let held: { items: number; reason: string } | undefined;
    for (let start = 0; start < hashes.length; start += config.batchSize) {
      const batchHashes = hashes.slice(start, start + config.batchSize);
      const indexesOf = (hash: string) => waiting.get(hash) ?? [];
      const stop = blocked();
      if (stop) {
        fallBack(batchHashes.flatMap(indexesOf), stop);
        held = { items: (held?.items ?? 0) + batchHashes.length, reason: stop };
        continue;
      }
      const batch = batchHashes.map((hash) => items[indexesOf(hash)[0] as number] as ClassifiableItem);
      const outcome = await requestBatch(batch);
      sent += batch.length;
      if (outcome.kind === 'failed') {
        log.warn({ items: batch.length, reason: outcome.reason }, 'llm-classifier: batch labelled offline');
        fallBack(batchHashes.flatMap(indexesOf), outcome.reason);
        continue;
      }
      ledger.cacheThemes(
        [...outcome.labels].map(([contentHash, themes]) => ({ contentHash, themes })),
        config.model,
        prompt.version,
        now(),
      );
      for (const hash of batchHashes) {
        const themes = outcome.labels.get(hash);
        if (themes) for (const index of indexesOf(hash)) results[index] = llmLabel(index, themes);
        else fallBack(indexesOf(hash), 'missing from llm answer');
      }
    }
    if (held) log.info(held, 'llm-classifier: texts labelled offline without asking the model');
    log.debug({ items: items.length, cached: cached.size, sent }, 'llm-classifier: page classified');
    return results as ItemLabel[];
  }

  return {
    classifyItems,
    get mode() {
      return mode;
    },
  };
}

/**
 * The model decides the labels, with full confidence; the offline evidence for those labels is
 * kept so a reader can see what in the text supports them.
 */
function fromLlm(offline: Classification, themes: ThemeId[]): Classification {
  const scores = Object.fromEntries(THEME_IDS.map((id) => [id, themes.includes(id) ? 1 : 0])) as Record<ThemeId, number>;
  const evidence: Classification['evidence'] = {};
  for (const theme of themes) {
    const found = offline.evidence[theme];
    if (found) evidence[theme] = found;
  }
  return { ...offline, themes, scores, evidence };
}

/** Servers that report no usage still count against the budget: about four characters per token. */
function estimateUsage(prompt: string, completion: string) {
  const promptTokens = Math.ceil(prompt.length / 4);
  const completionTokens = Math.ceil(completion.length / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
