import type { LlmConfig } from '../config/config-schema.js';
import { RESPONSE_MODES, type ResponseMode } from './llm-answer.js';
import { serverKey } from './llm-client.js';
import type { LlmStatusReader } from './ports.js';

/**
 * The LLM's state as the database records it, for `sancocho status` (another process than the
 * bot's, so it reads what the bot wrote: the day's tokens, the remembered response mode, the items
 * waiting for the LLM). A pause after a failure lives only in the bot's memory; /healthz shows it.
 */
export type LlmStatus =
  | { kind: 'offline-only' }
  | {
      kind: 'llm';
      model: string;
      /** Host and path, no credentials. */
      server: string;
      /** The response format that worked with this server and model; null until one has. */
      mode: ResponseMode | null;
      tokensToday: number;
      dailyTokenBudget: number;
      budgetExhausted: boolean;
      /** Items labelled offline for want of budget or server, to be asked again. */
      awaitingLlm: number;
    };

const DAY_MS = 24 * 60 * 60 * 1000;

export async function readLlmStatus(store: LlmStatusReader, llm: LlmConfig | undefined, now = Date.now()): Promise<LlmStatus> {
  if (!llm) return { kind: 'offline-only' };
  const server = serverKey(llm.baseURL);
  const saved = await store.savedMode(server, llm.model);
  const tokensToday = await store.tokensUsedSince(Math.floor(now / DAY_MS) * DAY_MS);
  return {
    kind: 'llm',
    model: llm.model,
    server,
    mode: RESPONSE_MODES.find((mode) => mode === saved) ?? null,
    tokensToday,
    dailyTokenBudget: llm.dailyTokenBudget,
    budgetExhausted: tokensToday >= llm.dailyTokenBudget,
    awaitingLlm: await store.countAwaitingLlm(),
  };
}

/** The status in one plain sentence. */
export function describeLlmStatus(status: LlmStatus): string {
  if (status.kind === 'offline-only') return 'LLM: not configured; the offline classifier labels every item.';
  const budget = `${status.tokensToday} of ${status.dailyTokenBudget} tokens used today`;
  const state = status.budgetExhausted ? `budget spent (${budget}); offline labels until midnight UTC` : budget;
  const mode = status.mode ? `answers in ${status.mode}` : 'response format not yet established';
  const waiting = status.awaitingLlm > 0 ? `; ${status.awaitingLlm} items labelled offline wait for it` : '';
  return `LLM: ${status.model} at ${status.server}, ${mode}, ${state}${waiting}.`;
}
