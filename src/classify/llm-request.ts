// The error classes alone: the SDK itself is loaded only where a request is made.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai/core/error';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { backoffDelay } from '../core/backoff.js';
import type { Logger } from '../core/logger.js';
import { parseRetryAfter } from '../core/retry-after.js';

/**
 * One chat completion with our own retries. The SDK's retries are off (`maxRetries: 0` on the
 * client): openai 6.x sleeps for any Retry-After the server names, however long, and its backoff
 * cannot be shortened in tests. Each attempt gets its own deadline as an AbortSignal, because the
 * SDK's own timeout stops when the headers arrive and a stalled or dripping body would hang.
 */

export interface RetryPolicy {
  /** Retries after the first attempt, for 408, 429, 5xx, timeouts and refused connections. */
  maxRetries: number;
  /** A Retry-After longer than this gives up the batch instead of waiting. */
  maxRetryAfterMs: number;
  /** Exponential backoff when the server names no delay: base · 2^attempt, capped, minus up to 25 % jitter. */
  backoff: { baseMs: number; maxMs: number };
  /** The whole of one attempt, body included. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Aborted when Sancocho stops: the attempt in flight ends at once and no retry follows. */
  stop?: AbortSignal | undefined;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type CompletionOutcome =
  | { kind: 'ok'; content: string; finishReason: string; usage: TokenUsage | null }
  /** The server refused the requested response_format (no structured outputs, no JSON mode); `serverError` when told by a repeating 5xx. */
  | { kind: 'format-rejected'; detail: string; serverError?: boolean }
  /** Retries exhausted or not retryable; `retryAfterMs` when the server asked for a longer pause than we wait. */
  | { kind: 'failed'; reason: string; retryAfterMs?: number }
  /** Sancocho is stopping: the request was abandoned, which says nothing about the server. */
  | { kind: 'stopped' };

/**
 * `probing`: the request names a response format that has not worked with this server yet. Servers
 * without structured outputs refuse it in many shapes (vLLM's `{"object":"error"}`, a FastAPI 422,
 * a 400 with no body, llama-cpp-python's 500), so then any 4xx but 401/403/404/408/429, and a 5xx
 * that repeats, count as a refusal of the format rather than a failure of the server.
 */
export async function completeWithRetries(
  send: (signal: AbortSignal) => Promise<ChatCompletion>,
  policy: RetryPolicy,
  log: Logger,
  probing = false,
): Promise<CompletionOutcome> {
  let serverErrors = 0;
  for (let attempt = 0; ; attempt++) {
    let failure: Failure;
    if (policy.stop?.aborted) return { kind: 'stopped' };
    const deadline = AbortSignal.timeout(policy.timeoutMs);
    try {
      return readCompletion(await send(policy.stop ? AbortSignal.any([deadline, policy.stop]) : deadline));
    } catch (error) {
      if (policy.stop?.aborted) return { kind: 'stopped' };
      failure = deadline.aborted ? { kind: 'retryable', reason: 'timeout' } : describeFailure(error, policy.now(), probing);
    }
    if (failure.kind === 'retryable' && failure.status !== undefined && failure.status >= 500) serverErrors++;
    if (probing && serverErrors >= 2 && failure.kind === 'retryable') return { kind: 'format-rejected', detail: `${failure.reason} twice`, serverError: true };
    if (failure.kind === 'format-rejected') return failure;
    if (failure.kind === 'fatal') return { kind: 'failed', reason: failure.reason };
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs) {
      return { kind: 'failed', reason: `${failure.reason}, retry-after ${Math.ceil(failure.retryAfterMs / 1000)}s`, retryAfterMs: failure.retryAfterMs };
    }
    // A probe's first 5xx is always asked again: only a repeat tells a refusal, whatever maxRetries says.
    const probeAgain = probing && serverErrors === 1 && failure.status !== undefined && failure.status >= 500;
    if (attempt >= policy.maxRetries && !probeAgain) {
      return { kind: 'failed', reason: `${failure.reason} after ${attempt + 1} attempts` };
    }
    const delay = failure.retryAfterMs ?? backoffDelay(attempt, { ...policy.backoff, jitter: 0.25 });
    log.warn({ reason: failure.reason, attempt: attempt + 1, delayMs: Math.round(delay) }, 'llm-request: retrying');
    await policy.sleep(delay);
    if (policy.stop?.aborted) return { kind: 'stopped' };
  }
}

type Failure =
  | { kind: 'retryable'; reason: string; status?: number; retryAfterMs?: number }
  | { kind: 'format-rejected'; detail: string }
  | { kind: 'fatal'; reason: string };

/** Statuses that say something about the key, the model or the quota, never about the response format. */
const NOT_A_REFUSAL = new Set([401, 403, 404, 408, 429]);
const FORMAT_WORDS = /response_format|json_schema|json_object|structured output|schema|grammar/i;

/** Sorts an SDK error into what we do next. Anything that is not an HTTP or network failure is a bug and is rethrown. */
function describeFailure(error: unknown, now: number, probing: boolean): Failure {
  if (error instanceof APIConnectionTimeoutError) return { kind: 'retryable', reason: 'timeout' };
  if (error instanceof APIConnectionError) return { kind: 'retryable', reason: 'connection failed' };
  if (!(error instanceof APIError) || error.status === undefined) throw error;
  const status = error.status;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfter = retryAfterMs(error.headers, now);
    return { kind: 'retryable', reason: `http ${status}`, status, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
  }
  if ((status === 400 || status === 422) && FORMAT_WORDS.test(error.message)) {
    return { kind: 'format-rejected', detail: error.message };
  }
  if (probing && status >= 400 && status < 500 && !NOT_A_REFUSAL.has(status)) {
    return { kind: 'format-rejected', detail: error.message };
  }
  return { kind: 'fatal', reason: `http ${status}` };
}

/** The first choice's text and the usage; a body without a message (a proxy's page, a broken server) is a failure. */
function readCompletion(response: ChatCompletion): CompletionOutcome {
  const choice = (response as Partial<ChatCompletion> | undefined)?.choices?.[0];
  if (!choice?.message) return { kind: 'failed', reason: 'malformed response' };
  const usage = response.usage;
  return {
    kind: 'ok',
    content: choice.message.content ?? '',
    finishReason: choice.finish_reason ?? 'unknown',
    usage: usage
      ? {
          promptTokens: usage.prompt_tokens ?? 0,
          completionTokens: usage.completion_tokens ?? 0,
          totalTokens: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0),
        }
      : null,
  };
}

/** `retry-after-ms` (OpenAI's), else Retry-After in seconds or as an HTTP date; never negative. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return Math.max(0, ms);
  return parseRetryAfter(headers?.get('retry-after'), now, { fractionalSeconds: true }) ?? undefined;
}
