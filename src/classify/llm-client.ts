import { setTimeout as delay } from 'node:timers/promises';
import type OpenAI from 'openai';
import type { ResponseFormatJSONObject, ResponseFormatJSONSchema } from 'openai/resources/shared';
import type { LlmConfig } from '../config/config-schema.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { UsageLedger } from './ports.js';
import { completeWithRetries, type RetryPolicy, type TokenUsage } from './llm-request.js';

/**
 * The one OpenAI client of the process, shared by classification and digest overviews: the same
 * retry cap (`maxRetryAfterSeconds`), the same deadline per attempt (body included), the same token
 * ledger, daily budget, pause after a failure and token metrics, whoever asks.
 */

export type LlmPurpose = 'classify' | 'overview';

export interface ChatCall {
  purpose: LlmPurpose;
  system?: string;
  user: string;
  temperature: number;
  responseFormat?: ResponseFormatJSONSchema | ResponseFormatJSONObject | undefined;
  /** Recorded with the usage: the response mode, or `text` for prose. */
  mode: string;
  /** Items (or digest sections) the call is about, recorded with the usage. */
  items: number;
  /** The response format has not worked with this server yet (see completeWithRetries). */
  probing?: boolean;
}

export type ChatOutcome =
  | { kind: 'ok'; content: string; finishReason: string }
  | { kind: 'format-rejected'; detail: string; serverError?: boolean }
  /** Sancocho is stopping: the call was abandoned (the caller leaves its work for the next start). */
  | { kind: 'stopped' }
  /** Nothing was sent: the day's budget is spent or the LLM is paused after a failure. */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'failed'; reason: string };

/** What the running process knows about its LLM, for /healthz and `sancocho status`. */
export interface LlmRuntimeState {
  state: 'ready' | 'paused' | 'budget-exhausted';
  /** Why not ready. */
  reason: string | null;
  /** Until when a pause lasts (ms), or the next UTC midnight for the budget. */
  until: number | null;
  tokensToday: number;
  dailyTokenBudget: number;
}

export interface LlmClient {
  readonly model: string;
  /** Host and path of the server without credentials: the key under which its response mode is remembered. */
  readonly server: string;
  /** Why no request may be made now, if so. */
  blocked(): Promise<string | undefined>;
  chat(call: ChatCall): Promise<ChatOutcome>;
  state(): Promise<LlmRuntimeState>;
}

export interface LlmClientOptions {
  config: LlmConfig;
  /** From OPENAI_API_KEY; local servers accept any placeholder. Never logged. */
  apiKey: string;
  ledger: UsageLedger;
  logger: Logger;
  metrics?: Pick<Metrics, 'llmTokens'> | undefined;
  /** After a call fails for want of a server (retries exhausted, 401…), later calls wait this long. */
  pauseAfterFailureMs?: number;
  backoff?: RetryPolicy['backoff'];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Aborted when Sancocho stops: a request in flight, or the wait before a retry, ends at once. */
  signal?: AbortSignal | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const BUDGET_EXHAUSTED = 'daily token budget exhausted';

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const { config, ledger, metrics } = options;
  const log = options.logger.child({ module: 'llm-client', model: config.model });
  const now = options.now ?? Date.now;
  // The SDK is loaded with the first request: a process without an `llm` section never loads it.
  let sdk: Promise<OpenAI> | undefined;
  const openai = () =>
    (sdk ??= import('openai').then(({ default: OpenAI }) => new OpenAI({ apiKey: options.apiKey, baseURL: config.baseURL, maxRetries: 0, logLevel: 'off' })));
  const policy: RetryPolicy = {
    maxRetries: config.maxRetries,
    maxRetryAfterMs: config.maxRetryAfterSeconds * 1000,
    backoff: options.backoff ?? { baseMs: 1000, maxMs: 30_000 },
    timeoutMs: config.timeoutSeconds * 1000,
    sleep: options.sleep ?? ((ms) => delay(ms, undefined, { signal: options.signal }).catch(() => undefined)),
    now,
    stop: options.signal,
  };
  const pauseAfterFailureMs = options.pauseAfterFailureMs ?? 5 * 60 * 1000;
  let pausedUntil = 0;
  let pauseReason = '';
  let budgetWarnedDay = -1;

  const dayStart = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;
  const tokensToday = () => ledger.tokensUsedSince(dayStart(now()));

  async function blocked(): Promise<string | undefined> {
    const at = now();
    if (at < pausedUntil) return `llm paused: ${pauseReason}`;
    const used = await tokensToday();
    if (used >= config.dailyTokenBudget) {
      const day = dayStart(at);
      if (budgetWarnedDay !== day) {
        budgetWarnedDay = day;
        log.warn(
          { tokensToday: used, dailyTokenBudget: config.dailyTokenBudget },
          'llm-client: daily token budget spent; offline labels and no overviews until midnight UTC',
        );
      }
      return BUDGET_EXHAUSTED;
    }
    return undefined;
  }

  async function record(call: ChatCall, usage: TokenUsage): Promise<void> {
    await ledger.recordUsage({ at: now(), model: config.model, ...usage, items: call.items, mode: call.mode, purpose: call.purpose });
    metrics?.llmTokens({ model: config.model, ...usage });
  }

  async function chat(call: ChatCall): Promise<ChatOutcome> {
    const stop = await blocked();
    if (stop) return { kind: 'unavailable', reason: stop };
    const messages = [
      ...(call.system === undefined ? [] : [{ role: 'system' as const, content: call.system }]),
      { role: 'user' as const, content: call.user },
    ];
    const outcome = await completeWithRetries(
      async (signal) =>
        (await openai()).chat.completions.create(
          {
            model: config.model,
            temperature: call.temperature,
            messages,
            ...(call.responseFormat ? { response_format: call.responseFormat } : {}),
          },
          { signal },
        ),
      policy,
      log,
      call.probing ?? false,
    );
    if (outcome.kind === 'failed') {
      pausedUntil = now() + Math.max(pauseAfterFailureMs, outcome.retryAfterMs ?? 0);
      pauseReason = outcome.reason;
      return { kind: 'failed', reason: outcome.reason };
    }
    if (outcome.kind === 'format-rejected' || outcome.kind === 'stopped') return outcome;
    await record(call, outcome.usage ?? estimateUsage(`${call.system ?? ''}${call.user}`, outcome.content));
    return { kind: 'ok', content: outcome.content, finishReason: outcome.finishReason };
  }

  return {
    model: config.model,
    server: serverKey(config.baseURL),
    blocked,
    chat,
    async state() {
      const at = now();
      const used = await tokensToday();
      const base = { tokensToday: used, dailyTokenBudget: config.dailyTokenBudget };
      if (at < pausedUntil) return { state: 'paused', reason: pauseReason, until: pausedUntil, ...base };
      if (used >= config.dailyTokenBudget) return { state: 'budget-exhausted', reason: BUDGET_EXHAUSTED, until: dayStart(at) + DAY_MS, ...base };
      return { state: 'ready', reason: null, until: null, ...base };
    },
  };
}

/** Host and path only: a URL may carry credentials. */
export function serverKey(baseURL: string | undefined): string {
  if (!baseURL) return 'api.openai.com/v1';
  const url = new URL(baseURL);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** The key for an `llm` section: OPENAI_API_KEY, or a placeholder for a local server, which ignores it. */
export function llmApiKey(llm: LlmConfig, key: string | undefined): string {
  if (!key && !llm.baseURL) {
    throw new ConfigError('llm: OPENAI_API_KEY is not set (it is needed for OpenAI itself; a local server takes any key via llm.baseURL)');
  }
  return key || 'sk-local';
}

/** Servers that report no usage still count against the budget: about four characters per token. */
function estimateUsage(prompt: string, completion: string): TokenUsage {
  const promptTokens = Math.ceil(prompt.length / 4);
  const completionTokens = Math.ceil(completion.length / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
