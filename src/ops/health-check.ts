import type { DiscordState } from './discord-state.js';
import type { RefusedDestination } from './status-report.js';

/**
 * The rules of `/healthz`, pure. Healthy means all three hold:
 * - database: the feed list could be read;
 * - polling: some enabled feed was polled successfully (a 200 or a 304) within the threshold,
 *   max(3 × the shortest feed interval, 1 h): a stuck scheduler or a dead network shows up within
 *   a few missed polls, while one slow cycle does not. For the first threshold after start-up the
 *   check passes (grace), so a restart does not report a fault before the bot had a chance to poll.
 *   With no enabled feed there is nothing to poll, and that is healthy;
 * - discord: the gateway is ready, or no gateway is used (preview and webhook modes: `disabled`);
 * - destinations: Discord refuses none of the channels and webhooks digests go to (a 403 or 404 is
 *   recorded when a send is refused and cleared by the next accepted one); each refusal is listed
 *   with its reason, so the operator knows what to fix.
 * With an LLM configured, its state is shown as a detail: a paused LLM or a spent budget means
 * offline labels, not an unhealthy bot.
 */

export interface FeedPollState {
  intervalMinutes: number | null;
  lastSuccessAt: number | null;
}

export interface HealthInput {
  now: number;
  startedAt: number;
  /** The enabled feeds, or the error that kept them from being read. */
  feeds: FeedPollState[] | { error: string };
  defaultIntervalMinutes: number;
  discord: DiscordState;
  /** The destinations in use that Discord refused, or the error that kept them from being read. */
  refused: RefusedDestination[] | { error: string };
  /** The LLM client's state, when one is configured. */
  llm?: LlmHealth | undefined;
  /** Who answers: the worker's role and id, the store engine, the feed leases it holds. */
  worker?: WorkerHealth | undefined;
}

export interface WorkerHealth {
  role: string;
  id: string;
  engine: 'sqlite' | 'postgres';
  leasesHeld: number;
}

export interface LlmHealth {
  state: 'ready' | 'paused' | 'budget-exhausted';
  reason: string | null;
  until: number | null;
  tokensToday: number;
  dailyTokenBudget: number;
}

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  worker?: WorkerHealth;
  checks: {
    database: { ok: boolean; error?: string };
    polling: { ok: boolean; lastSuccessAgeSeconds: number | null; thresholdSeconds: number | null };
    discord: { ok: boolean; state: DiscordState };
    destinations: { ok: boolean; refused: { destination: string; reason: string; since: string }[] };
    llm?: { ok: true; state: LlmHealth['state']; reason: string | null; until: string | null; tokensToday: number; dailyTokenBudget: number };
  };
}

const MINUTE = 60_000;
const MIN_THRESHOLD_MS = 60 * MINUTE;

export function pollingThresholdMs(feeds: FeedPollState[], defaultIntervalMinutes: number): number {
  const shortest = Math.min(...feeds.map((feed) => feed.intervalMinutes ?? defaultIntervalMinutes));
  return Math.max(3 * shortest * MINUTE, MIN_THRESHOLD_MS);
}

export function evaluateHealth(input: HealthInput): HealthReport {
  const discord = { ok: input.discord === 'ready' || input.discord === 'disabled', state: input.discord };
  if ('error' in input.feeds || 'error' in input.refused) {
    const checks = {
      database: { ok: false, error: 'error' in input.feeds ? input.feeds.error : (input.refused as { error: string }).error },
      polling: { ok: false, lastSuccessAgeSeconds: null, thresholdSeconds: null },
      discord,
      destinations: { ok: false, refused: [] },
    };
    return { status: 'unhealthy', ...workerOf(input), checks };
  }
  const destinations = {
    ok: input.refused.length === 0,
    refused: input.refused.map((line) => ({ destination: line.label, reason: line.reason, since: new Date(line.since).toISOString() })),
  };
  const polling = pollingCheck(input.feeds, input);
  const ok = polling.ok && discord.ok && destinations.ok;
  const llm = input.llm ? { llm: { ok: true as const, ...input.llm, until: input.llm.until === null ? null : new Date(input.llm.until).toISOString() } } : {};
  return { status: ok ? 'ok' : 'unhealthy', ...workerOf(input), checks: { database: { ok: true }, polling, discord, destinations, ...llm } };
}

const workerOf = (input: HealthInput): { worker?: WorkerHealth } => (input.worker ? { worker: input.worker } : {});

function pollingCheck(feeds: FeedPollState[], input: HealthInput): HealthReport['checks']['polling'] {
  if (feeds.length === 0) return { ok: true, lastSuccessAgeSeconds: null, thresholdSeconds: null };
  const threshold = pollingThresholdMs(feeds, input.defaultIntervalMinutes);
  const successes = feeds.map((feed) => feed.lastSuccessAt).filter((at): at is number => at !== null);
  const age = successes.length === 0 ? null : Math.max(0, input.now - Math.max(...successes));
  const inGrace = input.now - input.startedAt < threshold;
  return {
    ok: inGrace || (age !== null && age <= threshold),
    lastSuccessAgeSeconds: age === null ? null : Math.round(age / 1000),
    thresholdSeconds: threshold / 1000,
  };
}
