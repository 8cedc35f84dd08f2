import { describeDestination } from '../config/destination.js';
import { backoffDelay } from '../core/backoff.js';
import type { Logger } from '../core/logger.js';
import type { OutboxPart } from '../core/outbox.js';
import type { Metrics } from '../ops/metrics.js';
import type { Deliverer, OutboxPayload } from './deliverer.js';
import type { Destinations } from './destinations.js';
import type { OutboxRepository } from './ports.js';

export interface RetryPolicy {
  /** Wait after the first failed attempt; doubles each time. */
  baseMs: number;
  maxMs: number;
  /** Attempts before a part (and the rest of its digest) is given up. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 10 };

export interface OutboxSender {
  /** Sends the unsent parts: of one digest, or of every pending digest (oldest first). */
  flush(digestId?: number): Promise<void>;
  /** True once stop() was called: callers start nothing new. */
  readonly stopping: boolean;
  /** Sends nothing more and waits for the send in flight. */
  stop(): Promise<void>;
}

export interface OutboxSenderDeps {
  outbox: OutboxRepository;
  destinations: Pick<Destinations, 'byKey'>;
  deliverer: Deliverer;
  logger: Logger;
  now: () => number;
  retry: RetryPolicy;
  metrics?: Pick<Metrics, 'digestPartSent' | 'digestPartFailed'> | undefined;
  /** Aborted when Sancocho stops and stops waiting: a send in flight gives up (`interrupted`). */
  signal?: AbortSignal | undefined;
}

/**
 * Sends the outbox's parts in order, each marked sent only after Discord accepted it; a part that
 * failed waits with backoff and is given up after `retry.maxAttempts`.
 */
export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const { outbox, logger: log, now, retry } = deps;
  let stopping = false;
  let chain: Promise<unknown> = Promise.resolve();
  const warnedWaiting = new Set<string>();

  /** Sends are serialized: one part at a time, so order holds and stop() waits for one write only. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = chain.then(work, work);
    chain = run.catch(() => undefined);
    return run;
  }

  async function flushDigest(id: number): Promise<void> {
    const digest = await outbox.get(id);
    if (!digest || digest.status !== 'pending') return;
    const destination = deps.destinations.byKey(digest.destination);
    const label = describeDestination({ key: digest.destination });
    if (!destination) {
      const error = `${label} is no longer in the configuration; its unsent parts are dropped`;
      await outbox.markFailed(id, error, now());
      log.error({ digest: id, schedule: digest.schedule }, `digest-job: ${error}`);
      return;
    }
    if (!deps.deliverer.canDeliver(destination)) {
      if (!warnedWaiting.has(digest.destination)) {
        warnedWaiting.add(digest.destination);
        log.warn({ digest: id, destination: label }, `digest-job: digest ${id} waits for DISCORD_TOKEN to post to ${label}`);
      }
      return;
    }
    for (const part of await outbox.parts(id)) {
      if (part.status === 'sent') continue;
      if (part.status === 'failed' || part.nextAttemptAt > now() || stopping) return;
      const payload = await withFile(id, part, JSON.parse(part.payload) as OutboxPayload);
      if (payload === null) {
        const error = `part ${part.part} names the file ${part.fileName} but the outbox has no bytes for it; not sending it without its file`;
        await outbox.markFailed(id, error, now());
        log.error({ digest: id, part: part.part }, `digest-job: digest ${id} ${error}`);
        return;
      }
      // Recorded before the request leaves: if this process dies mid-send, the next one knows to look.
      await outbox.markAttempt(id, part.part, now());
      const outcome = await deps.deliverer.send(destination, payload, { nonce: part.nonce, earlierAttemptAt: part.attemptedAt, signal: deps.signal });
      if (outcome.kind === 'sent') deps.metrics?.digestPartSent(destination.kind);
      else if (outcome.kind !== 'interrupted') deps.metrics?.digestPartFailed(destination.kind, outcome.kind);
      const at = now();
      switch (outcome.kind) {
        case 'sent':
          await outbox.markSent(id, part.part, outcome.messageId, at);
          await outbox.clearDestinationError(digest.destination);
          continue;
        case 'retry': {
          const attempts = part.attempts + 1;
          if (attempts >= retry.maxAttempts) {
            await outbox.markFailed(id, `gave up after ${attempts} attempts: ${outcome.reason}`, at);
            log.error({ digest: id, part: part.part, reason: outcome.reason }, `digest-job: digest ${id} part ${part.part} given up after ${attempts} attempts`);
            return;
          }
          const wait = Math.max(outcome.retryAfterMs ?? 0, backoffDelay(attempts - 1, retry));
          await outbox.markRetry(id, part.part, outcome.reason, at + wait);
          log.warn(
            { digest: id, part: part.part, attempts, retryInMs: wait, reason: outcome.reason },
            `digest-job: digest ${id} part ${part.part} not sent; retrying in ${Math.ceil(wait / 1000)}s`,
          );
          return;
        }
        case 'refused':
          await outbox.recordDestinationError(digest.destination, outcome.reason, at);
          await outbox.markFailed(id, outcome.reason, at);
          log.error({ digest: id, destination: label, reason: outcome.reason }, `digest-job: ${outcome.reason}; not retrying`);
          return;
        case 'rejected':
          await outbox.markFailed(id, outcome.reason, at);
          log.error({ digest: id, part: part.part, reason: outcome.reason }, `digest-job: ${outcome.reason}`);
          return;
        case 'interrupted':
          log.info(
            { digest: id, part: part.part, destination: label },
            `digest-job: stopped while digest ${id} part ${part.part} was on its way to ${label}; the next start checks whether it arrived before sending it`,
          );
          return;
      }
    }
  }

  /** The part's file, read only for the part that carries one (a chart is tens of kilobytes); null when its bytes are missing. */
  async function withFile(id: number, part: OutboxPart, payload: OutboxPayload): Promise<OutboxPayload | null> {
    if (!part.fileName) return payload;
    const file = await outbox.partFile(id, part.part);
    return file ? { ...payload, file } : null;
  }

  return {
    flush(digestId) {
      return exclusive(async () => {
        const ids = digestId === undefined ? await outbox.pendingDigestIds() : [digestId];
        for (const id of ids) {
          if (stopping) return;
          await flushDigest(id);
        }
      });
    },
    get stopping() {
      return stopping;
    },
    async stop() {
      stopping = true;
      await chain;
    },
  };
}
